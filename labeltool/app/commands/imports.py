"""``labeltool import FOLDER SRC [--format FMT]``: bring labels made
elsewhere (labelImg, labelme, X-AnyLabeling, CVAT, Roboflow, Ultralytics,
PPOCRLabel, ...) into a project; the format is found by looking when not
given, and the command says what it found."""
from __future__ import annotations

import argparse
from pathlib import Path

from labeltool.app.progress import follow, progress_bar
from labeltool.formats import FORMATS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import labels from VOC, COCO, labelme, YOLO, PPOCRLabel, ICDAR or ImageFolder",
        description="Add the images, labels and splits of SRC to the project in FOLDER (created if needed). "
                    "The format and layout are found by looking at SRC unless --format is given. Images the "
                    "project already has (same path, or same name, size and content) are matched, not copied; "
                    "others are copied into FOLDER. Shapes already on an image are not added twice. What "
                    "could not be imported is counted by kind; an import that finds nothing exits 1.")
    p.add_argument("folder", type=Path, help="project folder")
    p.add_argument("src", type=Path, help="dataset folder or file (COCO JSON, PPOCR Label.txt, data.yaml)")
    p.add_argument("--format", "-f", choices=list(FORMATS), help="format of SRC (default: found by looking)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError
    from labeltool.core import ProjectStore
    from labeltool.formats.detect import read_dataset
    from labeltool.formats.project_io import import_into

    if not args.src.exists():
        raise CLIError(f"{args.src} does not exist")
    if args.folder.exists() and not args.folder.is_dir():
        raise CLIError(f"{args.folder} is not a folder")
    with progress_bar(f"reading {args.format or args.src.name}") as bar:
        detected = read_dataset(args.src, args.format, progress=follow(bar))
    print(f"found: {detected.summary}")
    args.folder.mkdir(parents=True, exist_ok=True)
    with ProjectStore.open(args.folder) as store:
        report = import_into(store, detected.format, args.src, detected=detected)
    print(f"imported {detected.format} from {args.src} into {store.root}")
    for line in report.summary()[1:]:  # the first repeats "found"
        print(line)
    return 0

"""``labeltool import FOLDER --format FMT SRC``: bring labels made elsewhere
(labelImg, labelme, CVAT, PPOCRLabel, YOLO, ...) into a project."""
from __future__ import annotations

import argparse
from pathlib import Path

from labeltool.app.progress import follow, progress_bar
from labeltool.formats import FORMATS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "import", help="import labels from VOC, COCO, labelme, YOLO, PPOCRLabel, ICDAR or ImageFolder",
        description="Add the images and labels of SRC to the project in FOLDER (created if needed). "
                    "Shapes already on an image are not added twice; images outside FOLDER are copied "
                    "into FOLDER/<SRC name>/ so that the project stays self-contained.")
    p.add_argument("folder", type=Path, help="project folder")
    p.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="format of SRC")
    p.add_argument("src", type=Path, help="dataset folder or file (COCO JSON, PPOCR Label.txt)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError
    from labeltool.core import ProjectStore
    from labeltool.formats.project_io import import_into

    if not args.src.exists():
        raise CLIError(f"{args.src} does not exist")
    if args.folder.exists() and not args.folder.is_dir():
        raise CLIError(f"{args.folder} is not a folder")
    args.folder.mkdir(parents=True, exist_ok=True)
    with ProjectStore.open(args.folder) as store, progress_bar(f"reading {args.format}") as bar:
        report = import_into(store, args.format, args.src, progress=follow(bar))
    print(f"imported {args.format} from {args.src} into {store.root}")
    for line in report.summary():
        print(line)
    return 0

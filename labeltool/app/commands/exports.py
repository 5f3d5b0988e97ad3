"""``labeltool export FOLDER --format FMT OUT``: write a project's labels as
a dataset the training tools of the field read."""
from __future__ import annotations

import argparse
from pathlib import Path

from labeltool.app.progress import follow, progress_bar
from labeltool.formats import FORMATS
from labeltool.formats.fileio import COPY_MODES


def _fraction(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 < v <= 1.0:
        raise argparse.ArgumentTypeError(f"{text} is not a fraction in (0, 1]")
    return v


def add_split_arguments(p: argparse.ArgumentParser) -> None:
    """--split, --seed, --resplit and --link, as export and convert take them."""
    p.add_argument("--split", type=_fraction, default=None, metavar="FRACTION",
                   help="share of train images (e.g. 0.8) for the images that have no split yet; the rest go "
                        "to val. Each image's side comes from a seeded hash of its path, so it stays put when "
                        "images are added. Images with a split (kept from an imported dataset) keep it")
    p.add_argument("--resplit", action="store_true",
                   help="with --split: split every image by the hash, ignoring the splits it has")
    p.add_argument("--seed", type=int, default=0, help="seed of the split (default 0)")
    p.add_argument("--link", choices=COPY_MODES, default="copy",
                   help="how images get into OUT: copy (default), hardlink or symlink")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="export labels as VOC, COCO, labelme, YOLO, PPOCRLabel, ICDAR or ImageFolder",
        description="Write the human labels of the project in FOLDER to OUT (a folder outside the project), "
                    "each image in the split it has. Predictions not yet accepted are not exported; what the "
                    "format cannot hold is counted by kind.")
    p.add_argument("folder", type=Path, help="project folder")
    p.add_argument("--format", "-f", required=True, choices=list(FORMATS), help="format to write")
    p.add_argument("out", type=Path, help="output folder")
    add_split_arguments(p)
    p.add_argument("--only-done", action="store_true", help="export only images marked done")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.core import ProjectStore
    from labeltool.formats.project_io import export_from

    if args.resplit and args.split is None:
        from labeltool.app.cli import CLIError

        raise CLIError("--resplit needs --split FRACTION (the share of train images)")
    # Read-only: exporting works while the project is open in the window.
    with ProjectStore.open(args.folder, readonly=True) as store, progress_bar(f"writing {args.format}") as bar:
        report = export_from(store, args.format, args.out, split=args.split, seed=args.seed, resplit=args.resplit,
                             only_done=args.only_done, copy_mode=args.link, progress=follow(bar))
    print(f"exported {args.format}")
    for line in report.summary():
        print(line)
    return 0

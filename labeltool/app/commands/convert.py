"""``labeltool convert SRC OUT --to FMT [--from FMT]``: a dataset in one
format written in another, without a project."""
from __future__ import annotations

import argparse
from pathlib import Path

from labeltool.app.commands.exports import add_split_arguments
from labeltool.app.progress import follow, progress_bar
from labeltool.formats import FORMATS


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "convert", help="convert a dataset between VOC, COCO, labelme, YOLO, PPOCRLabel, ICDAR and ImageFolder",
        description="Read the dataset SRC (its format found by looking unless --from is given) and write it to "
                    "OUT as --to, with its images. No project is made. Splits the dataset has are kept; what "
                    "the target format cannot hold is counted by kind.")
    p.add_argument("src", type=Path, help="dataset folder or file")
    p.add_argument("out", type=Path, help="output folder (outside SRC)")
    p.add_argument("--to", "-t", required=True, choices=list(FORMATS), help="format to write")
    p.add_argument("--from", "-f", dest="from_", choices=list(FORMATS), help="format of SRC (default: found)")
    add_split_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError
    from labeltool.formats.convert import convert

    if not args.src.exists():
        raise CLIError(f"{args.src} does not exist")
    with progress_bar(f"writing {args.to}") as bar:
        detected, report = convert(args.src, args.out, args.to, fmt=args.from_, split=args.split, seed=args.seed,
                                   resplit=args.resplit, copy_mode=args.link, progress=follow(bar))
    print(f"found: {detected.summary}")
    print(f"converted {detected.format} to {args.to}")
    for line in report.summary():
        print(line)
    return 0

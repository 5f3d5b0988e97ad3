"""``labeltool init FOLDER``: create or refresh the project of a folder."""
from __future__ import annotations

import argparse
from pathlib import Path

from labeltool.app.progress import progress_bar
from labeltool.core import ImageLoadError, ProjectStore


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("init", help="create or refresh the project of a folder of images",
                       description="Create the project store of FOLDER (or refresh it): add images found on "
                                   "disk, report vanished ones (their labels are kept), read image sizes.")
    p.add_argument("folder", type=Path)
    p.add_argument("--no-sizes", action="store_true", help="do not read image sizes now (they are read lazily)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError

    if not args.folder.is_dir():
        raise CLIError(f"{args.folder} is not a folder")
    with ProjectStore.open(args.folder) as store:
        report = store.scan()  # open() scanned already; this returns an empty report then
        images = store.images()
        unreadable: list[str] = []
        if not args.no_sizes:
            todo = [i for i in images if not (i.width and i.height) and not i.missing]
            with progress_bar("reading sizes", len(todo)) as bar:
                for start in range(0, len(todo), 500):
                    # One transaction per 500 images, not one (and one fsync) per image.
                    with store.transaction():
                        for item in todo[start:start + 500]:
                            try:
                                store.ensure_size(item)
                            except ImageLoadError as e:
                                unreadable.append(str(e))
                            bar.update(1)
        missing = [i.path for i in images if i.missing]
        print(f"project: {store.root}")
        print(f"images: {len(images)} ({len(report.added)} new in this refresh)")
        if missing:
            print(f"missing on disk (labels kept): {len(missing)}")
            for p in missing[:10]:
                print(f"  {p}")
        if unreadable:
            print(f"unreadable: {len(unreadable)}")
            for line in unreadable[:10]:
                print(f"  {line}")
    return 0

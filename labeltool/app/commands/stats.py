"""``labeltool stats FOLDER [--json]``: what a project holds."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from labeltool.core import ProjectStore


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("stats", help="count images, labelled images and shapes per kind and class",
                       description="Print counts of a project (read-only: works while the window is open).")
    p.add_argument("folder", type=Path)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with ProjectStore.open(args.folder, readonly=True) as store:
        stats = store.stats()
    if args.json:
        print(json.dumps(stats, ensure_ascii=False, indent=2))
        return 0
    print(f"project:         {stats['project']}")
    print(f"images:          {stats['images']} ({stats['labelled_images']} labelled, "
          f"{stats['missing_images']} missing)")
    print("status:          " + ", ".join(f"{k} {v}" for k, v in stats["images_by_status"].items()))
    print(f"shapes:          {stats['shapes']}")
    for kind, n in stats["shapes_by_kind"].items():
        if n:
            print(f"  {kind:<14} {n}")
    print("classes:")
    for name, n in stats["shapes_by_class"].items():
        print(f"  {name:<14} {n}")
    if stats["predictions"]:
        print(f"predictions:     {stats['predictions']} (not counted above)")
    return 0

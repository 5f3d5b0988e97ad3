"""``labeltool [gui] [FOLDER]``: open the labelling window."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("gui", help="open the labelling window (the default command)",
                       description="Open the labelling window, on FOLDER if given.")
    p.add_argument("folder", nargs="?", help="a folder of images (its project is created if new)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError

    try:
        from labeltool.gui.app import run_gui
    except ImportError as e:
        raise CLIError(f"the GUI cannot start: {e}. Install the dependencies with `make run`.") from None
    return run_gui(args.folder)

"""``python -m engine train FOLDER ... [--events jsonl]``: the headless entry.

Under ``torchrun --nproc_per_node=N -m engine train ...`` every rank runs
this; rank 0 alone writes the run folder and the events. With ``--events
jsonl`` stdout carries one typed JSON event per line (``engine.events.
event_from_json`` reads them back) and human text goes to stderr, so a GUI
can run a multi-GPU job as a subprocess and follow it like its own thread.
"""
from __future__ import annotations

import argparse
import sys

from .cli import add_train_arguments, run_train
from .errors import EngineError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Train and predict without a window.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("train", help="train on a project's labels")
    add_train_arguments(p)
    p.add_argument("--events", choices=["text", "jsonl"], default="text",
                   help="jsonl: typed JSON events on stdout, for a GUI running this as a subprocess")
    from labeltool.app.commands import predict

    predict.add_parser(sub)
    args = parser.parse_args(argv)
    from labeltool.app.cli import CLIError
    from labeltool.core.errors import StoreError
    from labeltool.core.images import ImageLoadError

    try:
        if args.command == "train":
            return run_train(args, args.events)
        return int(args.func(args) or 0)
    except (EngineError, CLIError, StoreError, ImageLoadError) as e:  # a message, not a traceback
        print(f"error: {e}", file=sys.stderr)
        return 1

if __name__ == "__main__":
    sys.exit(main())

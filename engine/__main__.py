"""``python -m engine train|predict|export-model ...``: the headless entry.

Under ``torchrun --nproc_per_node=N -m engine train ...`` every rank runs
this; rank 0 alone writes the run folder and the events. With ``--events
jsonl`` stdout carries one typed JSON event per line (``engine.events.
event_from_json`` reads them back) and human text goes to stderr, so a GUI
can run a multi-GPU job as a subprocess and follow it like its own thread.
"""
from __future__ import annotations

import argparse
import sys

from labeltool.core.errors import StoreError
from labeltool.core.images import ImageLoadError

from .cli import add_command, run_export, run_predict, run_train
from .errors import EngineError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m engine", description="Train and predict without a window.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = add_command(sub, "train")
    p.add_argument("--events", choices=["text", "jsonl"], default="text",
                   help="jsonl: typed JSON events on stdout, for a GUI running this as a subprocess")
    p.set_defaults(func=lambda args: run_train(args, args.events))
    add_command(sub, "predict").set_defaults(func=run_predict)
    add_command(sub, "export-model").set_defaults(func=run_export)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except (EngineError, StoreError, ImageLoadError) as e:  # a message, not a traceback
        print(f"error: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

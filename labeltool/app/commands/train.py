"""``labeltool train FOLDER --task ... --model ...``: fine-tune a model on
the project's labels, headless. The same command runs under
``torchrun --nproc_per_node=N`` (DistributedDataParallel, rank 0 writes)."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    from engine.cli import add_train_arguments

    p = sub.add_parser("train", help="fine-tune Faster R-CNN, U-Net or ResNet on the project's labels",
                       description="Train on the labels of FOLDER (read from a snapshot: labelling may go on). "
                                   "Prints one line per epoch; the run goes to FOLDER/.labeltool/runs/. "
                                   "Ctrl-C stops after the current step and keeps last.pt.")
    add_train_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError

    from engine.cli import run_train
    from engine.errors import EngineError

    try:
        return run_train(args)
    except EngineError as e:
        raise CLIError(str(e)) from None

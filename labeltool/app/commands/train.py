"""``labeltool train FOLDER --task ... --model ...``: fine-tune a model on
the project's labels, headless (:func:`engine.cli.run_train`). The same
command runs under ``torchrun --nproc_per_node=N -m engine train``."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    from engine.cli import add_command, run_train

    add_command(sub, "train").set_defaults(func=run_train)

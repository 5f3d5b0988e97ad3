"""``labeltool export-model RUN [--out DIR]``: write a run's model as
TorchScript (and ONNX where it exports cleanly and ``onnx`` is installed)
with a model.json of classes, task and input size, for use outside
labeltool; ``labeltool predict DIR IMAGES`` takes the folder too
(:func:`engine.cli.run_export`)."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    from engine.cli import add_command, run_export

    add_command(sub, "export-model").set_defaults(func=run_export)

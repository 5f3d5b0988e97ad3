"""``labeltool predict RUN IMAGES... [--out DIR | --into-project]``: run a
trained model on images and write its predictions as labelme JSON, or into
the project as model-made shapes to review (:func:`engine.cli.run_predict`,
also ``python -m engine predict``). ``labeltool predict --ocr IMAGES...
(--out DIR | --into-project)`` reads their text with PP-OCR instead
(:mod:`engine.ocr.cli`): PPOCRLabel files, or text regions to review."""
from __future__ import annotations

import argparse


def add_parser(sub: argparse._SubParsersAction) -> None:
    from engine.cli import add_command, run_predict

    add_command(sub, "predict").set_defaults(func=run_predict)

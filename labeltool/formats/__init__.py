"""Dataset formats: one module per format, each a pair of pure functions
``read(src) -> Dataset`` and ``write(records, out, classes, ...)`` (no Qt,
no store). :mod:`labeltool.formats.project_io` connects them to a project.
"""
from __future__ import annotations

import importlib
from types import ModuleType

from .errors import FormatError

# Format name (as the CLI and the File menu show it) -> module name.
FORMATS: dict[str, str] = {
    "voc": "voc",
    "coco": "coco",
    "labelme": "labelme",
    "yolo": "yolo",
    "ppocr": "ppocr",
    "icdar": "icdar",
    "imagefolder": "imagefolder",
}


def format_module(name: str) -> ModuleType:
    """The module of format ``name``; FormatError for an unknown name."""
    if name not in FORMATS:
        raise FormatError(None, f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    return importlib.import_module(f"labeltool.formats.{FORMATS[name]}")


__all__ = ["FORMATS", "FormatError", "format_module"]

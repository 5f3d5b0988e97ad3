"""Reading text: PP-OCR finds text quads and reads them, the PPOCRLabel way
(the model proposes quads and transcriptions, a person corrects them).

:class:`~.reader.OcrEngine` runs three separate steps: a detector (image ->
quads), an optional direction classifier (turns upside-down crops) and a
recogniser (rectified crops -> text, score). The defaults are the PP-OCR
models the ``rapidocr`` wheel ships (:mod:`.ppocr`, run by ONNX Runtime on
the CPU, no download); a recogniser trained in this project can take the
recogniser's place while PP-OCR still finds the quads.

Loading costs seconds: get the engine from :func:`load_ocr` (one kept per
settings) and reuse it. Importing this package imports neither rapidocr nor
onnxruntime.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__all__ = ["OCR_MODEL", "TEXT_LABEL", "OcrEngine", "OcrSettings", "TextDetector", "TextRecognizer", "load_ocr",
           "reading_order"]

if TYPE_CHECKING:
    from .reader import (OCR_MODEL, TEXT_LABEL, OcrEngine, OcrSettings, TextDetector, TextRecognizer, load_ocr,
                         reading_order)


def __getattr__(name: str) -> Any:
    # The names come from .reader when first asked for: the reader imports numpy, and the command
    # line's parsers import engine.ocr.cli (hence this package) for `labeltool predict --help`.
    if name in __all__:
        return getattr(importlib.import_module(".reader", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

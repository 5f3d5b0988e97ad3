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

from .reader import (OCR_MODEL, TEXT_LABEL, OcrEngine, OcrSettings, TextDetector, TextRecognizer, load_ocr,
                     reading_order)

__all__ = ["OCR_MODEL", "TEXT_LABEL", "OcrEngine", "OcrSettings", "TextDetector", "TextRecognizer", "load_ocr",
           "reading_order"]

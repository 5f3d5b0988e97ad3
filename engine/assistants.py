"""The assistants' model names: PP-OCR's reading (:mod:`engine.ocr`) and
Segment Anything's masks from boxes (:mod:`engine.sam`). Their predictions
are work of their own a person has yet to review, so a trained run that
pre-labels an image again leaves them in place, in the window and from
``labeltool predict --into-project`` alike. Torch-free."""
from __future__ import annotations

from .ocr.reader import OCR_MODEL
from .sam.catalog import BOXES_MODEL

ASSISTANT_MODELS: frozenset[str] = frozenset({OCR_MODEL, BOXES_MODEL})

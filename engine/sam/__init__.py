"""Promptable segmentation (click to segment, boxes to masks) with the
Segment Anything family: Meta's SAM ViT-B and MobileSAM's TinyViT, both
with SAM's prompt encoder and mask decoder.

For a window's worker::

    seg = load_segmenter(SamSettings("mobile-sam"), progress)   # once, seconds
    cache = EmbeddingCache(8, project_cache_folder(project))
    emb = cache.embedding(seg, image_path)       # heavy: off the GUI thread
    masks, scores = seg.decode(emb, [(x, y)], [1], low_res=True)   # per click
    masks, scores = seg.decode(emb, points, labels, box)           # to keep

:func:`.boxes.box_masks` turns boxes into mask predictions; ``labeltool
predict --boxes-to-masks`` does it for images of a project (:mod:`.cli`).

Importing this package imports neither torch nor segment_anything (the
command line builds its parser from :mod:`.catalog`); the names below that
need them are imported on first use.
"""
from __future__ import annotations

import importlib
from typing import Any

from .catalog import BOXES_MODEL, DEFAULT_SAM_MODEL, SAM_MODELS, SamModelInfo, get_sam_model, sam_model_names

_LAZY = {
    "Embedding": "segmenter", "Prompt": "segmenter", "PromptSegmenter": "segmenter", "SamSettings": "segmenter",
    "load_segmenter": "segmenter", "EmbeddingCache": "cache", "file_key": "cache", "content_key": "cache",
    "project_cache_folder": "cache", "box_masks": "boxes", "build_sam": "build", "load_sam_weights": "build",
    "ensure_sam_weights": "weights", "sam_weights_path": "weights",
}

__all__ = ["BOXES_MODEL", "DEFAULT_SAM_MODEL", "SAM_MODELS", "SamModelInfo", "get_sam_model", "sam_model_names",
           *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""What review asks the engine, on the GUI thread: how one image's
predictions compare with its labels, and which images to look at first.

:mod:`engine.review` is numpy and pycocotools, no torch, and fast enough
for a click: its functions and plain dataclasses come through as they are.
"""
from __future__ import annotations

from engine.review import ImageComparison, ReviewEntry, ReviewItem, compare_image, rank_review_queue, truths_for

__all__ = ["ImageComparison", "ReviewEntry", "ReviewItem", "compare_image", "rank_review_queue", "truths_for"]

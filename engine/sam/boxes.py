"""Boxes to masks in bulk (the Grounded-SAM recipe, with our own detector in
place of Grounding DINO): each box, a person's or a detector's, becomes the
mask SAM decodes from it, stored as a prediction to review like any other.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Literal, Sequence

from labeltool.core.shapes import Box, Mask, Source

from .catalog import BOXES_MODEL

if TYPE_CHECKING:
    from labeltool.core.store import ProjectStore

    from .segmenter import Embedding, PromptSegmenter

BoxSource = Literal["all", "human", "predictions"]


def boxes_of(store: "ProjectStore", image_id: int, which: BoxSource = "all") -> list[Box]:
    """The boxes of an image to decode: a person's, a model's, or both."""
    source = {"all": None, "human": "human", "predictions": "model"}[which]
    return [s for s in store.shapes(image_id, source=source) if isinstance(s, Box)]  # type: ignore[arg-type]


def box_masks(segmenter: "PromptSegmenter", embedding: "Embedding", boxes: Sequence[Box],
              model: str = BOXES_MODEL) -> tuple[list[Mask], int]:
    """A mask prediction for each box (its label and flags, the decoder's
    predicted IoU in [0, 1] as score, ``model`` as its model), in the boxes' order;
    and the number of boxes whose mask came out empty, left out (an empty
    mask is nothing to review)."""
    masks: list[Mask] = []
    empty = 0
    coords = [(b.x1, b.y1, b.x2, b.y2) for b in boxes]
    for box, (mask, score) in zip(boxes, segmenter.masks_for_boxes(embedding, coords)):
        if not mask.any():
            empty += 1
            continue
        # SAM's predicted IoU is a regression, a little outside [0, 1] at times;
        # a prediction's score is a probability-like number the review filters on.
        score = min(1.0, max(0.0, score))
        masks.append(Mask.from_array(mask, label=box.label, source=Source.from_model(model, score),
                                     **box.flag_fields()))
    return masks, empty

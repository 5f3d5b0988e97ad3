"""What review asks the engine, on the GUI thread: how one image's
predictions compare with its labels, and which images to look at first.

:mod:`engine.review` is numpy and pycocotools, no torch, and fast enough
for a click: its functions and plain dataclasses come through as they are.

An accepted prediction is a label the model found. Accepting keeps the
prediction's model and score on the label (a human source that names its
model, :func:`accepted_source`), and :func:`compare_with_labels` counts
such a label as found by that model (a true positive, IoU 1) instead of
as an object the model's remaining predictions missed: after Y the box
stays "found", and the queue does not list it as missed.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from engine.review import ImageComparison, ReviewEntry, ReviewItem, compare_image, rank_review_queue, truths_for
from engine.runs import runs_root
from labeltool.core.shapes import Mask, Shape, Source

from .predict import ASSISTANT_MODELS, ModelRef

__all__ = ["ImageComparison", "ReviewEntry", "ReviewItem", "accepted_labels", "accepted_source",
           "compare_with_labels", "rank_review_queue", "review_entry", "review_truths", "semantic_masks"]


def accepted_source(prediction: Shape) -> Source:
    """The source of a prediction once a person accepted it: a person's
    label, still naming the model that proposed it and its score."""
    return Source("human", prediction.source.model, prediction.source.score)


def accepted_labels(humans: Sequence[Shape], predictions: Sequence[Shape]) -> list[Shape]:
    """The labels among ``humans`` that are accepted predictions of the
    model whose ``predictions`` the image holds (of any model when it holds
    none any more: they were all accepted or rejected)."""
    models = {p.source.model for p in predictions}
    return [h for h in humans if not h.source.is_model and h.source.model is not None
            and (not models or h.source.model in models)]


def review_truths(predictions: Sequence[Shape], humans: Sequence[Shape]) -> list[Shape]:
    """The labels the predictions are judged against (:func:`truths_for`),
    the accepted ones standing for the kind of prediction they were."""
    return truths_for(list(predictions) or accepted_labels(humans, predictions), humans)


def _as_predictions(accepted: Sequence[Shape]) -> list[Shape]:
    """Accepted labels as the predictions they were, scored first (1.0) so
    that each is matched with itself before any other prediction."""
    return [replace(t, source=Source("model", t.source.model, 1.0)) for t in accepted]


def compare_with_labels(shown: Sequence[Shape], truths: Sequence[Shape], all_predictions: Sequence[Shape] = (),
                        semantic: bool = False) -> ImageComparison:
    """:func:`compare_image` of the ``shown`` predictions with ``truths``,
    where each accepted label (of the model of ``all_predictions``) is
    found by the prediction it was. It is matched first (score 1, IoU 1
    with itself), so that a second prediction on the same object is the
    duplicate, not the accepted one."""
    accepted = _as_predictions(accepted_labels(truths, all_predictions or shown))
    return compare_image([*accepted, *shown], truths, semantic=semantic)


def review_entry(image_id: int, shapes: Sequence[Shape], threshold: float) -> ReviewEntry:
    """One image as the review queue ranks it: the predictions a person
    sees (at the threshold) when the image is labelled, all of them when
    it is not (uncertainty lives in the unsure scores); accepted labels
    count as found (see the module's docstring)."""
    preds = [s for s in shapes if s.source.is_model]
    humans = [s for s in shapes if not s.source.is_model]
    truths = review_truths(preds, humans)
    if not truths:
        return ReviewEntry(image_id, preds, [])
    shown = [p for p in preds if (p.source.score or 0.0) >= threshold]
    return ReviewEntry(image_id, [*_as_predictions(accepted_labels(truths, preds)), *shown], truths)


def semantic_masks(predictions: Iterable[Sequence[Shape]], project_root: Path | None) -> bool:
    """Whether the mask predictions of these images (one list per image)
    are a segmenter's: one mask per class, judged against all of the
    class's labels together. An instance model's (Mask R-CNN) and an
    assistant's masks are one object each, judged object by object.

    The model's run in the project says its task; a model it does not
    hold is a segmenter when it never gave two masks of one class on an
    image."""
    several: dict[str, bool] = {}  # model -> two masks of one class on one image
    for shapes in predictions:
        seen: set[tuple[str | None, str]] = set()
        for p in shapes:
            if isinstance(p, Mask) and p.source.is_model:
                key = (p.source.model, p.label)
                several[p.source.model or ""] = several.get(p.source.model or "", False) or key in seen
                seen.add(key)
    for model, more in several.items():
        task = ModelRef(runs_root(project_root) / model).task if project_root is not None and model else None
        if task == "segment" or (task is None and not more and model not in ASSISTANT_MODELS):
            return True
    return False

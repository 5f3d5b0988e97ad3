"""Which images pre-labelling and reading text work on, and how what they
find takes the place of earlier predictions."""
from __future__ import annotations

from typing import TYPE_CHECKING

from labeltool.core.project import ImageStatus
from labeltool.gui.jobs.predict import ASSISTANT_MODELS

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.shapes import Shape
    from labeltool.core.store import ProjectStore


def unlabelled_images(store: "ProjectStore") -> list[int]:
    """Images with no labels that are not marked done or skipped (nor missing)."""
    labelled = store.image_ids_with_shapes(source="human")
    return [i.id for i in store.images() if i.id not in labelled and not i.missing
            and i.status not in (ImageStatus.DONE, ImageStatus.SKIPPED)]


def store_predictions(store: "ProjectStore", image_id: int, shapes: "list[Shape]", model: str | None) -> None:
    """Put ``shapes`` in place of the image's earlier predictions, in one
    transaction. Read text (``model`` = PP-OCR's name) replaces only PP-OCR's
    earlier reading. A trained run (``model=None``) replaces every run's
    predictions, since review shows one run's at a time and an older run's
    would mix in unnoticed, but not an assistant's: text read and masks
    made from boxes are work of their own a person has yet to review."""
    store.replace_predictions(image_id, shapes, model=model, keep=ASSISTANT_MODELS if model is None else ())

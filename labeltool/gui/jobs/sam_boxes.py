"""Boxes to masks in bulk from the window (the Grounded-SAM recipe with our
own detector): every box of chosen images, a person's or a model's, becomes
the mask Segment Anything decodes from it, a prediction of model
``sam-boxes`` to review like any other. Image after image on a worker thread,
with progress and Cancel (which stops even an encoding half-way), on the
window's :class:`~.sam.SegmenterService` (its model and embeddings)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from engine.sam.catalog import BOXES_MODEL
from labeltool.core.images import ImageLoadError
from labeltool.core.shapes import Box

from ..gui_queue import PostingThread
from .failure import failure_text
from .sam import EncodingStopped, SegmenterService, stop_encoding_when

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.store import ProjectStore

__all__ = ["BOXES_MODEL", "BoxesToMasksJob", "images_with_boxes"]


def images_with_boxes(store: "ProjectStore", image_ids: list[int],
                      which: str = "all") -> list[tuple[int, Path, list[Box]]]:
    """``(image id, path, its boxes)`` of the images that have boxes: a
    person's, a model's or both (``which``: all, human, predictions)."""
    from engine.sam.boxes import boxes_of

    out = []
    for image_id in image_ids:
        boxes = boxes_of(store, image_id, which)  # type: ignore[arg-type]
        if boxes:
            out.append((image_id, store.abspath(store.image(image_id)), boxes))
    return out


class BoxesToMasksJob(PostingThread):
    """Decode a mask from each box of ``images`` (from :func:`images_with_boxes`)
    with the service's segmenter; each image's masks are posted for the GUI
    thread to store as predictions of :data:`BOXES_MODEL`. Cancel is
    ``requestInterruption()``: between images, and inside an encoding."""

    progress = Signal(int, int)  # images done, total
    masks = Signal(int, object)  # image id, list[Mask]
    warning = Signal(str)  # an image that could not be read, and why
    finishedWork = Signal(int, bool, int)  # images done, cancelled, empty masks left out

    def __init__(self, service: SegmenterService, images: list[tuple[int, Path, list[Box]]],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.service = service
        self.images = list(images)

    def run(self) -> None:
        from engine.sam.boxes import box_masks

        done = empty = 0
        cancelled = False
        stop_encoding_when(self.isInterruptionRequested)  # Cancel stops an encoding half-way
        segmenter = self.service.load(self)  # failing, the service says why
        if segmenter is not None:
            self.post(self.progress.emit, 0, len(self.images))
            for image_id, path, boxes in self.images:
                if self.isInterruptionRequested():
                    cancelled = True
                    break
                try:
                    embedding = self.service.cache().embedding(segmenter, path)
                    masks, n_empty = box_masks(segmenter, embedding, boxes, model=BOXES_MODEL)
                except EncodingStopped:
                    cancelled = True
                    break
                except ImageLoadError as e:  # left out: an empty list would erase the image's earlier masks
                    self.post(self.warning.emit, str(e))
                except Exception as e:  # noqa: BLE001 - said, and the next image goes on
                    self.post(self.warning.emit, failure_text(e))
                else:
                    empty += n_empty
                    self.post(self.masks.emit, image_id, masks)
                done += 1
                self.post(self.progress.emit, done, len(self.images))
        self.post(self.finishedWork.emit, done, cancelled, empty)

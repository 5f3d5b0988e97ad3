"""Pre-labelling: prediction in a worker thread (labelme's download-worker shape).

:class:`PredictJob` loads a model (a run folder or an exported folder) and
predicts image after image on its own thread; each image's shapes are posted
to the GUI thread (gui_queue.py), whose ``predicted`` handler writes them to
the store. Cancel is ``requestInterruption()``, checked between images.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from engine.ocr import OCR_MODEL
from engine.sam.catalog import BOXES_MODEL

from ..gui_queue import PostingThread
from .failure import failure_text

# Predictions are kept down to this score, so the threshold slider can
# show less sure ones without predicting again.
MIN_SCORE = 0.05
# The assistants' model names (PP-OCR's text, SAM's masks from boxes): a
# trained run pre-labelling an image again leaves their predictions alone.
ASSISTANT_MODELS = frozenset({OCR_MODEL, BOXES_MODEL})


@dataclass(frozen=True)
class ModelRef:
    """What to predict with: a run folder or an exported model folder."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    def load(self, device: str = "auto") -> Any:
        """The predictor (imports torch: call it on a worker thread)."""
        from engine.predict import load_model

        return load_model(self.path, device=device)


class PredictJob(PostingThread):
    """Predict ``images`` (``(image_id, absolute path)``) with ``model``."""

    progress = Signal(int, int)  # done, total
    predicted = Signal(int, object)  # image id, list[Shape]
    warning = Signal(str)  # an image that could not be read, and why
    failed = Signal(str)  # the model could not be loaded or run
    loaded = Signal(object)  # the predictor (task, classes)
    finishedWork = Signal(int, bool)  # images predicted, cancelled

    def __init__(self, model: ModelRef, images: list[tuple[int, Path]], score_threshold: float = MIN_SCORE,
                 device: str = "auto", parent: Any = None):
        super().__init__(parent)
        self.model = model
        self.images = list(images)
        self.score_threshold = score_threshold
        self.device = device

    def run(self) -> None:
        done, cancelled = 0, False
        try:
            predictor = self.model.load(self.device)
            self.post(self.loaded.emit, predictor)
            total = len(self.images)
            self.post(self.progress.emit, 0, total)
            for image_id, path in self.images:
                if self.isInterruptionRequested():
                    cancelled = True
                    break
                unreadable: list[str] = []
                shapes = predictor.predict([path], self.score_threshold,
                                           on_unreadable=lambda p, e: unreadable.append(str(e)))[0]  # names the file
                if unreadable:  # keep what the image had: an empty list would erase its old predictions
                    self.post(self.warning.emit, unreadable[0])
                else:
                    self.post(self.predicted.emit, image_id, shapes)
                done += 1
                self.post(self.progress.emit, done, total)
        except Exception as e:  # noqa: BLE001 - shown to the user; the window must survive any model error
            self.post(self.failed.emit, failure_text(e))
        self.post(self.finishedWork.emit, done, cancelled)


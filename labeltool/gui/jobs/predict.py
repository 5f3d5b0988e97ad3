"""Pre-labelling: prediction in a worker thread (labelme's download-worker shape).

:class:`PredictJob` loads a model (a run folder or an exported folder) and
predicts image after image on its own thread; each image's shapes are posted
to the GUI thread (gui_queue.py), whose ``predicted`` handler writes them to
the store. Cancel is ``requestInterruption()``, checked between images.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from engine.assistants import ASSISTANT_MODELS  # noqa: F401 (for the review's targets)
from engine.errors import ConfigError
from engine.runs import RunFolder

from ..gui_queue import PostingThread
from .failure import failure_text

# Predictions are kept down to this score, so the threshold slider can
# show less sure ones without predicting again.
MIN_SCORE = 0.05
EXPORT_META = "model.json"  # an exported model's facts (engine.export.META_FILE; that module imports torch)


@dataclass(frozen=True)
class ModelRef:
    """What to predict with: a run folder or an exported model folder."""

    path: Path

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def task(self) -> str | None:
        """``"instance"``, ``"detect"``…, from the run's ``config.json`` or the
        export's ``model.json`` (plain JSON, no torch: the GUI thread asks);
        None when the folder says none."""
        run = RunFolder(self.path)
        try:
            facts = run.config() if run.is_run() else json.loads((self.path / EXPORT_META).read_text("utf-8"))
        except (ConfigError, OSError, ValueError):
            return None
        task = facts.get("task") if isinstance(facts, dict) else None
        return str(task) if task else None

    def load(self, device: str = "auto") -> Any:
        """The predictor (imports torch: call it on a worker thread); a
        recogniser's reads the images' text regions (it finds none itself)."""
        from engine.predict import load_model

        from .ocr import reading_regions

        return reading_regions(load_model(self.path, device=device), self.path)


class PredictJob(PostingThread):
    """Predict ``images`` (``(image_id, absolute path)``) with ``model``;
    ``options`` go to its ``predict`` (an instance model's ``instance_output``
    and ``tolerance``)."""

    progress = Signal(int, int)  # done, total
    predicted = Signal(int, object)  # image id, list[Shape]
    warning = Signal(str)  # an image that could not be read, and why
    failed = Signal(str)  # the model could not be loaded or run
    loaded = Signal(object)  # the predictor (task, classes)
    finishedWork = Signal(int, bool)  # images predicted, cancelled

    def __init__(self, model: ModelRef, images: list[tuple[int, Path]], score_threshold: float = MIN_SCORE,
                 device: str = "auto", parent: Any = None, options: dict[str, Any] | None = None):
        super().__init__(parent)
        self.model = model
        self.options = dict(options or {})
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
                                           on_unreadable=lambda p, e: unreadable.append(str(e)),  # names the file
                                           **self.options)[0]
                if unreadable:  # keep what the image had: an empty list would erase its old predictions
                    self.post(self.warning.emit, unreadable[0])
                else:
                    self.post(self.predicted.emit, image_id, shapes)
                done += 1
                self.post(self.progress.emit, done, total)
        except Exception as e:  # noqa: BLE001 - shown to the user; the window must survive any model error
            self.post(self.failed.emit, failure_text(e))
        self.post(self.finishedWork.emit, done, cancelled)


"""The model report's work, off the GUI thread: find the images a run was
validated on (its own split, recomputed from its config), predict them,
and judge the predictions with :func:`engine.review.evaluate`."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Signal

from engine.runs import RunFolder
from labeltool.core.store import Snapshot

from ..gui_queue import PostingThread
from .failure import failure_text
from .predict import MIN_SCORE, ModelRef

if TYPE_CHECKING:  # pragma: no cover
    from engine.review import ModelReport

UNITS = {"detect": "boxes", "segment": "shapes", "classify": "images"}


@dataclass
class ReportResult:
    report: ModelReport
    summary: str
    note: str  # which images were evaluated
    task: str
    run_name: str


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportJob", text)


class ReportJob(PostingThread):
    progress = Signal(int, int)
    done = Signal(object)  # ReportResult
    failed = Signal(str)

    def __init__(self, model: ModelRef, snapshot: Snapshot, score_threshold: float, device: str = "auto",
                 parent: Any = None):
        super().__init__(parent)
        self.model = model
        self.snapshot = snapshot
        self.score_threshold = score_threshold
        self.device = device

    def run(self) -> None:
        try:
            result = self._compute()
        except Exception as e:  # noqa: BLE001 - shown in the dialog; the window must survive
            self.post(self.failed.emit, failure_text(e))
            return
        if result is not None:
            self.post(self.done.emit, result)

    def _compute(self) -> ReportResult | None:
        from engine.data import build_task_data, class_of, collect
        from engine.review import evaluate, summary_text

        predictor = self.model.load(self.device)
        task, classes = predictor.task, list(predictor.classes)
        run = RunFolder(self.model.path)
        config = run.config() if run.is_run() else None  # an exported model: no split to recompute
        if config is not None:
            data = build_task_data(self.snapshot, task, float(config.get("val_fraction", 0.2)),
                                   int(config.get("seed", 0)), classes)
            samples, train = data.val, data.train
            note = _tr("%1 validation images (not trained on)").replace("%1", str(len(samples)))
            if not samples:
                samples, note = data.train, _tr("no validation images: training images (optimistic)")
        else:
            samples = collect(self.snapshot, task, classes)[0]
            train = samples
            note = _tr("%1 labelled images (the export does not say which were trained on)").replace(
                "%1", str(len(samples)))
        pairs = []
        self.post(self.progress.emit, 0, len(samples))
        for n, sample in enumerate(samples, 1):
            if self.isInterruptionRequested():
                return None
            preds = predictor.predict([sample.path], MIN_SCORE, on_unreadable=lambda p, e: None)[0]
            pairs.append((preds, [replace(s, label=class_of(s)) for s in sample.shapes]))
            self.post(self.progress.emit, n, len(samples))
        report = evaluate(pairs, classes, score_threshold=self.score_threshold, semantic=task == "segment")
        counts = dict.fromkeys(classes, 0)
        for sample in train:
            for s in sample.shapes:
                counts[class_of(s)] = counts.get(class_of(s), 0) + 1
        return ReportResult(report, summary_text(report, counts, UNITS[task]), note, task,
                            getattr(predictor, "run_name", self.model.name))

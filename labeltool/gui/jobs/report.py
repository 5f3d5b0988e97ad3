"""The model report's work, off the GUI thread: find the images a run was
validated on (:func:`engine.splits.evaluation_set`: the validation images
the run recorded, so that the report and the Training dock judge the same
images), predict them, and judge the predictions with
:func:`engine.review.evaluate`. The note says which images were judged."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal

from labeltool.core.shapes import Box, Shape
from labeltool.core.store import Snapshot

from ..gui_queue import PostingThread
from .failure import failure_text
from .predict import MIN_SCORE, ModelRef

if TYPE_CHECKING:  # pragma: no cover
    from engine.review import ModelReport

UNITS = {"detect": "boxes", "instance": "objects", "segment": "shapes", "classify": "images"}


@dataclass
class ReportResult:
    report: ModelReport
    summary: str
    note: str  # which images were evaluated
    task: str
    run_name: str
    # An instance run: the report's AP is its masks' (segm AP); this is its boxes' (bbox AP), per class.
    box_ap: dict[str, float | None] = field(default_factory=dict)


@dataclass
class ReadingResult:
    """A recogniser run's report: the lines of its validation images read,
    worst first (``rows`` for the view, ``lines`` for where each one is)."""

    lines: list[Any]  # engine.text.reading.LineReading, worst first
    rows: list[Any]  # labeltool.gui.jobs.reading_rows.LineRow, in the same order
    summary: str
    note: str
    run_name: str
    task: str = "recognize"


def _tr(text: str) -> str:
    return QCoreApplication.translate("ReportJob", text)


class ReportJob(PostingThread):
    progress = Signal(int, int)
    done = Signal(object)  # ReportResult (ReadingResult for a recogniser)
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
        from engine.data import class_of
        from engine.review import evaluate, summary_text
        from engine.splits import evaluation_set

        predictor = self.model.load(self.device)
        task, classes = predictor.task, list(predictor.classes)
        if task == "recognize":
            return self._reading(predictor)
        chosen = evaluation_set(self.snapshot, task, classes, self.model.path)
        samples, note = chosen.samples, evaluation_note(chosen.source, len(chosen.samples), chosen.gone)
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
        for sample in chosen.train:
            for s in sample.shapes:
                counts[class_of(s)] = counts.get(class_of(s), 0) + 1
        box_ap = {}
        if task == "instance":
            boxes = evaluate([([box_of(p) for p in preds], truths) for preds, truths in pairs], classes,
                             score_threshold=self.score_threshold)
            box_ap = {c: m.ap for c, m in boxes.per_class.items()}
        return ReportResult(report, summary_text(report, counts, UNITS.get(task, "labels")), note, task,
                            getattr(predictor, "run_name", self.model.name), box_ap)


    def _reading(self, predictor: Any) -> ReadingResult:
        """A recogniser reads the regions a person typed; its report is the
        lines worst read first, a queue for checking transcriptions."""
        from engine.text.report import reading_report

        from .reading_rows import report_rows

        self.post(self.progress.emit, 0, 1)
        report = reading_report(predictor, self.snapshot, self.model.path)
        score = report.score
        summary = _tr(QT_TRANSLATE_NOOP("ReportJob", "Character error rate %1; %2 of %3 lines read exactly."))
        summary = summary.replace("%1", f"{score.cer:.3f}" if score.lines else "–").replace(
            "%2", str(score.exact)).replace("%3", str(score.lines))
        if report.unreadable:
            summary += " " + _tr(QT_TRANSLATE_NOOP("ReportJob", "%1 images could not be read.")).replace(
                "%1", str(len(report.unreadable)))
        self.post(self.progress.emit, 1, 1)
        return ReadingResult(report.lines, report_rows(report.lines, self.snapshot.root), summary,
                             evaluation_note(report.source, report.images, report.gone),
                             getattr(predictor, "run_name", self.model.name))


def box_of(shape: Shape) -> Shape:
    """A mask or polygon prediction as its bounding box: judged by box IoU
    with the labels' bounding boxes, it gives COCO's bbox AP."""
    b = shape.bounds()
    if b is None:
        return shape
    return Box(label=shape.label, x1=b[0], y1=b[1], x2=b[2], y2=b[3], source=shape.source)


def evaluation_note(source: str, n: int, gone: int = 0) -> str:
    """Which images a report judged, by :class:`engine.splits.EvaluationSet`'s ``source``."""
    if source == "recorded":
        note = _tr(QT_TRANSLATE_NOOP("ReportJob", "the %1 validation images the run was checked on while it "
                                                  "trained (not trained on)"))
    elif source == "recomputed":
        note = _tr(QT_TRANSLATE_NOOP("ReportJob", "%1 validation images (the run's split, computed again: the "
                                                  "run did not record it)"))
    elif source == "training":
        note = _tr(QT_TRANSLATE_NOOP("ReportJob", "no validation images: %1 training images (optimistic)"))
    else:
        note = _tr(QT_TRANSLATE_NOOP("ReportJob", "%1 labelled images (the export does not say which were trained on)"))
    note = note.replace("%1", str(n))
    if gone:
        note += "; " + _tr(QT_TRANSLATE_NOOP("ReportJob", "%1 of its validation images are no longer labelled "
                                                          "and are left out")).replace(
            "%1", str(gone))
    return note

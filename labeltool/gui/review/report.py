"""The model report of a run: a one-line verdict, per-class figures, AP
per class, precision/recall curves and the confusion matrix (pyqtgraph),
saved as one PNG with "Save as PNG…"."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog, QFileDialog, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QProgressBar, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from labeltool.core.project import default_color
from labeltool.core.store import Snapshot
from labeltool.gui.jobs.predict import ModelRef
from labeltool.gui.jobs.report import ReadingResult, ReportJob, ReportResult
from labeltool.gui.training.reading_view import ReadingView

if TYPE_CHECKING:  # pragma: no cover
    from engine.review import ModelReport


BOX_AP_COLUMN = 6  # an instance run's bbox AP, beside its masks' AP


def _fmt(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}"


def report_heading(view: QWidget) -> tuple[QLabel, QLabel]:
    """A report's title and its verdict (selectable), on ``view``'s own
    background (the saved PNG is the view grabbed)."""
    view.setAutoFillBackground(True)
    title = QLabel()
    title.setStyleSheet("font-weight: bold")
    summary = QLabel()
    summary.setWordWrap(True)
    summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return title, summary


class ReportView(QWidget):
    """The figures of one :class:`ReportResult` (what the PNG shows)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title, self.summary = report_heading(self)
        self.table = QTableWidget(0, 7)
        self.table.setHorizontalHeaderLabels([self.tr("Class"), self.tr("Labels"), self.tr("Predicted"),
                                              self.tr("AP@0.5"), self.tr("Precision"), self.tr("Recall"),
                                              self.tr("box AP@0.5")])
        self.table.setColumnHidden(BOX_AP_COLUMN, True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.ap_plot = pg.PlotWidget(title=self.tr("AP@0.5 per class"))
        self.pr_plot = pg.PlotWidget(title=self.tr("Precision / recall"))
        self.cm_plot = pg.PlotWidget(title=self.tr("Confusion (rows: labels, columns: model)"))
        for p in (self.ap_plot, self.pr_plot, self.cm_plot):
            p.setMinimumSize(260, 220)
            p.setMenuEnabled(False)
        grid = QGridLayout()
        grid.addWidget(self.table, 0, 0)
        grid.addWidget(self.ap_plot, 0, 1)
        grid.addWidget(self.pr_plot, 1, 0)
        grid.addWidget(self.cm_plot, 1, 1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        lay.addLayout(grid, 1)

    def show_result(self, result: ReportResult, colors: dict[str, str]) -> None:
        r = result.report
        self.title.setText(self.tr("Model report: %1").replace("%1", result.run_name))
        self.summary.setText(result.summary + "\n" + self.tr("Evaluated on %1, score threshold %2.")
                             .replace("%1", result.note).replace("%2", f"{r.score_threshold:.2f}"))
        color = {c: QColor(colors.get(c) or default_color(i)) for i, c in enumerate(r.classes)}
        self._fill_table(r)
        self._show_instance_columns(result)
        self._plot_ap(r, color)
        self._plot_pr(r, color)
        self._plot_confusion(r)

    def _fill_table(self, r: ModelReport) -> None:
        self.table.setRowCount(len(r.classes))
        for i, c in enumerate(r.classes):
            m = r.per_class[c]
            ap = _fmt(m.ap) + (f" (IoU {m.iou:.2f})" if m.iou is not None else "")
            for j, v in enumerate([c, str(m.truths), str(m.predictions), ap, _fmt(m.precision), _fmt(m.recall)]):
                item = QTableWidgetItem(v)
                if j:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(i, j, item)

    def _show_instance_columns(self, result: ReportResult) -> None:
        """An instance run is judged by its masks (mask IoU: COCO's segm AP),
        its boxes beside them (bbox AP)."""
        instance = result.task == "instance"
        header = self.tr("mask AP@0.5") if instance else self.tr("AP@0.5")
        self.table.horizontalHeaderItem(3).setText(header)
        self.ap_plot.setTitle(self.tr("mask AP@0.5 per class") if instance else self.tr("AP@0.5 per class"))
        self.table.setColumnHidden(BOX_AP_COLUMN, not instance)
        for i, c in enumerate(result.report.classes):
            item = QTableWidgetItem(_fmt(result.box_ap.get(c)))
            item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            self.table.setItem(i, BOX_AP_COLUMN, item)

    def _plot_ap(self, r: ModelReport, color: dict[str, QColor]) -> None:
        p = self.ap_plot
        p.clear()
        aps = [r.per_class[c].ap or 0.0 for c in r.classes]
        p.addItem(pg.BarGraphItem(x=np.arange(len(aps)), height=aps, width=0.6,
                                  brushes=[color[c] for c in r.classes]))
        p.getAxis("bottom").setTicks([[(i, c) for i, c in enumerate(r.classes)]])
        p.setYRange(0, 1)
        p.setXRange(-0.6, max(len(aps), 1) - 0.4)

    def _plot_pr(self, r: ModelReport, color: dict[str, QColor]) -> None:
        p = self.pr_plot
        p.clear()
        legend = p.plotItem.legend or p.addLegend(offset=(-10, 10))
        legend.clear()
        for c in r.classes:
            m = r.per_class[c]
            if len(m.recall_curve):
                p.plot(np.concatenate([[0.0], m.recall_curve]), np.concatenate([[1.0], m.precision_curve]),
                       pen=pg.mkPen(color[c], width=2), name=f"{c} (AP {_fmt(m.ap)})")
        p.setLabel("bottom", self.tr("recall"))
        p.setLabel("left", self.tr("precision"))
        p.setXRange(0, 1)
        p.setYRange(0, 1.05)

    def _plot_confusion(self, r: ModelReport) -> None:
        p = self.cm_plot
        p.clear()
        m = r.confusion.astype(float)
        n = len(m)
        rows = m.sum(1, keepdims=True)
        share = np.divide(m, rows, out=np.zeros_like(m), where=rows > 0)  # each label row sums to 1
        img = pg.ImageItem(share.T)  # ImageItem indexes [x, y]: x = model's class, y = label
        img.setColorMap(pg.colormap.get("viridis"))
        img.setLevels((0, 1))
        p.addItem(img)
        for i in range(n):
            for j in range(n):
                if m[i, j]:
                    t = pg.TextItem(str(int(m[i, j])), color="k" if share[i, j] > 0.6 else "w", anchor=(0.5, 0.5))
                    t.setPos(j + 0.5, i + 0.5)
                    p.addItem(t)
        labels = r.confusion_labels
        p.getAxis("bottom").setTicks([[(j + 0.5, c) for j, c in enumerate(labels)]])
        p.getAxis("left").setTicks([[(i + 0.5, c) for i, c in enumerate(labels)]])
        p.invertY(True)
        p.setXRange(0, n, padding=0)
        p.setYRange(0, n, padding=0)
        p.setAspectLocked(False)


class ReadingReportView(QWidget):
    """A recogniser's report: its verdict and the lines of the validation
    images, worst read first; a click on a line shows it in the window."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.title, self.summary = report_heading(self)
        self.lines = ReadingView()
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(self.summary)
        lay.addWidget(self.lines, 1)

    def show_result(self, result: ReadingResult) -> None:
        self.title.setText(self.tr("Model report: %1").replace("%1", result.run_name))
        self.summary.setText(result.summary + "\n" + self.tr("Read on %1; worst read first: a line read wrong "
                                                             "with confidence may be typed wrong. Click a line "
                                                             "to show it.").replace("%1", result.note))
        self.lines.set_lines(result.rows)


class ReportDialog(QDialog):
    """Computes the report in a :class:`ReportJob` (progress, Cancel), then shows it."""

    lineActivated = Signal(str, str)  # a recogniser's report: the image (relative path) and the region clicked

    def __init__(self, model: ModelRef, snapshot: Snapshot, score_threshold: float, colors: dict[str, str],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model report — %1").replace("%1", model.name))
        self.resize(1000, 760)
        self.colors = colors
        self.result: ReportResult | ReadingResult | None = None
        self.view = ReportView()
        self.view.setVisible(False)
        self.reading = ReadingReportView()
        self.reading.setVisible(False)
        self.reading.lines.sampleActivated.connect(self._line_clicked)
        self.progress = QProgressBar()
        self.message = QLabel(self.tr("Predicting the validation images…"))
        self.message.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save as PNG…"))
        self.save_button.setEnabled(False)
        self.close_button = QPushButton(self.tr("Cancel"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(self.view, 1)
        lay.addWidget(self.reading, 1)
        lay.addLayout(buttons)
        self.save_button.clicked.connect(self.ask_save)
        self.close_button.clicked.connect(self.reject)
        self.job = ReportJob(model, snapshot, score_threshold, parent=self)
        self.job.progress.connect(self._progress)
        self.job.done.connect(self._done)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._job_ended)
        self.job.start()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _done(self, result: ReportResult | ReadingResult) -> None:
        self.result = result
        if isinstance(result, ReadingResult):
            self.reading.show_result(result)
            self.reading.setVisible(True)
        else:
            self.view.show_result(result, self.colors)
            self.view.setVisible(True)
        self.message.setVisible(False)
        self.progress.setVisible(False)
        self.save_button.setEnabled(True)

    def _line_clicked(self, k: int) -> None:
        if isinstance(self.result, ReadingResult):
            line = self.result.lines[k]
            self.lineActivated.emit(line.image, line.region_id)

    def _failed(self, text: str) -> None:
        self.message.setText(self.tr("The report could not be made: %1").replace("%1", text))
        self.progress.setVisible(False)

    def _job_ended(self) -> None:
        self.close_button.setText(self.tr("Close"))

    def save_png(self, path: str) -> bool:
        shown = self.reading if isinstance(self.result, ReadingResult) else self.view
        return shown.grab().save(path, "PNG")

    def ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the report"), "model-report.png",
                                              self.tr("PNG images (*.png)"))
        if path and not self.save_png(path):
            self.message.setText(self.tr("Could not write %1").replace("%1", path))
            self.message.setVisible(True)

    def done(self, code: int) -> None:  # closing stops the job first: no thread outlives its dialog
        if self.job.isRunning():
            self.job.requestInterruption()
            self.job.wait()
        super().done(code)

"""The Training panel (a dock): progress, live curves, the streamed
prediction strip, per-class metrics, the confusion matrix, the runs of the
project, and the run's messages.

A view only: the :class:`~.controller.TrainingController` feeds it engine
events (already on the GUI thread) and listens to its buttons. Text that
changes every step is refreshed by a timer, like the curves, so a fast run
does not relayout the panel on every step.

It is laid out for a low dock (a third of a 768 px screen): the message of
a run that ended sits beside its buttons, and the curves take what is
left; metrics are named and printed as :mod:`engine.metric_info` says, an
undefined one in words. The heading always says the state the run is in.
"""
from __future__ import annotations

import math
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QCoreApplication,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..jobs.metrics import PRIMARY_METRIC, metric_label, metric_text, value_text
from .curves import TrainingCurves
from .reading_view import ReadingView
from .runs_browser import RunsBrowser
from .strip_view import PredictionStripView

if TYPE_CHECKING:  # pragma: no cover
    from engine.events import Checkpoint, EpochEnd, Log, Step, TrainEnd, TrainStart

    from ..jobs.training import PredictionStrip

# What a person can do after a run ended badly, when the engine's own
# message does not already say it.
NEXT_STEP = {
    "nan": QT_TRANSLATE_NOOP("TrainingPanel", "Lower the learning rate (Train > Advanced) and start again, "
                                              "or resume from the last checkpoint."),
    "oom": QT_TRANSLATE_NOOP("TrainingPanel", "Lower the batch size or the image size (Train > Advanced), "
                                              "or train on the CPU."),
    "error": QT_TRANSLATE_NOOP("TrainingPanel", "Your labels are safe. Fix what the message names and start "
                                                "again."),
}



def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    s = round(seconds)
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class _PanelLayout(QVBoxLayout):
    """The panel's column, without height-for-width: its wrapped labels
    would make it ask for its preferred height, and the dock's scroll area
    would then scroll a panel that fits (the curves squashed below the fold)."""

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        return False


class TrainingPanel(QWidget):
    trainRequested = Signal()
    cancelRequested = Signal()
    resumeRequested = Signal()
    retryFromScratchRequested = Signal()
    chooseWeightsRequested = Signal()
    reviewRequested = Signal()

    # What the controller drives and the tests read.
    title: QLabel
    train_button: QPushButton
    cancel_button: QPushButton
    resume_button: QPushButton
    progress: QProgressBar
    stats: QLabel
    message: QLabel
    # The ways on after a run ended, beside its message (each shown when it applies):
    review_button: QPushButton  # a finished run: review with it
    weights_button: QPushButton  # the pretrained weights could not be fetched: pick the file
    scratch_button: QPushButton  # ... or train without them
    splitter: QSplitter  # the curves | the tabs
    curves: TrainingCurves
    tabs: QTabWidget
    strip_label: QLabel
    strip: PredictionStripView
    reading: ReadingView  # a recogniser run's lines (crop, read, truth) in the strip's place
    per_class: QTableWidget
    confusion: QTableWidget
    confusion_tab: int  # its index in ``tabs``: shown for classification runs only
    runs: RunsBrowser
    log: QPlainTextEdit
    # The run shown: its latest events, kept for the text the timer refreshes.
    start_event: TrainStart | None
    last_step: Step | None
    last_epoch: EpochEnd | None
    end_event: TrainEnd | None
    best_metric: float | None

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = _PanelLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(self._build_header())
        layout.addLayout(self._build_status())
        layout.addLayout(self._build_banner())
        layout.addWidget(self._build_splitter(), 1)
        self._connect()
        self._forget_run()
        self._start_text_timer()

    # ------------------------------------------------------------ building
    def _build_header(self) -> QHBoxLayout:
        """The run's title, then Train / Cancel / Resume."""
        self.title = QLabel(self.no_run_text())
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")
        self.train_button = QPushButton(self.tr("Train…"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.cancel_button.setEnabled(False)
        self.resume_button.setEnabled(False)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        buttons = QHBoxLayout()
        for b in (self.train_button, self.cancel_button, self.resume_button):
            buttons.addWidget(b)
        top.addLayout(buttons)
        return top

    def _build_status(self) -> QHBoxLayout:
        """Progress through the epoch, and loss, speed and time left."""
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.stats = QLabel()
        self.stats.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        status = QHBoxLayout()
        status.addWidget(self.progress, 2)
        status.addWidget(self.stats, 3)
        return status

    def _build_banner(self) -> QHBoxLayout:
        """The run's message, and beside it (not below: the curves keep the
        height) the buttons that lead on from it."""
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setVisible(False)
        self.review_button = QPushButton(self.tr("Review with this model"))
        self.review_button.setToolTip(self.tr("Use this run for review and pre-label the unlabelled images"))
        self.weights_button = QPushButton(self.tr("Choose weights file…"))
        self.scratch_button = QPushButton(self.tr("Train from scratch"))
        banner = QHBoxLayout()
        banner.addWidget(self.message, 1)
        for b in (self.review_button, self.weights_button, self.scratch_button):
            b.setVisible(False)
            banner.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        return banner

    def _build_splitter(self) -> QSplitter:
        self.curves = TrainingCurves()
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.curves)
        self.splitter.addWidget(self._build_tabs())
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        return self.splitter

    def _build_tabs(self) -> QTabWidget:
        """Predictions, per-class metrics, confusion, runs, log."""
        self.per_class = QTableWidget(0, 0)
        self.per_class.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.per_class.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.confusion = QTableWidget(0, 0)
        self.confusion.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.confusion.setToolTip(self.tr("Rows: true class; columns: predicted class"))
        self.runs = RunsBrowser()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_strip(), self.tr("Predictions"))
        self.tabs.addTab(self.per_class, self.tr("Per class"))
        self.confusion_tab = self.tabs.addTab(self.confusion, self.tr("Confusion"))
        self.tabs.addTab(self.runs, self.tr("Runs"))
        self.tabs.addTab(self.log, self.tr("Log"))
        self.tabs.setTabVisible(self.confusion_tab, False)
        return self.tabs

    def _build_strip(self) -> QWidget:
        self.strip_label = QLabel(self.tr("Predictions on validation images appear here after each epoch "
                                          "(white dashed: your labels; colour: the model)."))
        self.strip_label.setWordWrap(True)
        self.strip = PredictionStripView()
        self.reading = ReadingView()  # a recogniser's lines, in the strip's place
        self.reading.sampleActivated.connect(lambda k: self.strip.thumbnailActivated.emit(self.strip.thumbnails[k]))
        strip_box = QWidget()
        sl = QVBoxLayout(strip_box)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.strip_label)
        sl.addWidget(self.strip)
        sl.addWidget(self.reading)
        return strip_box

    def _connect(self) -> None:
        self.train_button.clicked.connect(self.trainRequested)
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.resume_button.clicked.connect(self.resumeRequested)
        self.scratch_button.clicked.connect(self.retryFromScratchRequested)
        self.weights_button.clicked.connect(self.chooseWeightsRequested)
        self.review_button.clicked.connect(self.reviewRequested)
        # Listing runs reads every run folder: do it when the Runs tab is looked at.
        self.tabs.currentChanged.connect(lambda _i: self.tabs.currentWidget() is self.runs and self.runs.refresh())

    def _start_text_timer(self) -> None:
        self._text_dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(200)
        self._timer.timeout.connect(self._refresh_text)
        self._timer.start()

    def _forget_run(self) -> None:
        self.start_event = self.last_step = self.last_epoch = self.end_event = None
        self.best_metric = None

    # ------------------------------------------------------------ controls
    def no_run_text(self) -> str:
        return self.tr("No training run yet. Press Train to start one.")

    def set_running(self, running: bool, can_resume: bool = False) -> None:
        self.train_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.resume_button.setEnabled(not running and can_resume)

    def show_message(self, text: str, kind: str = "error") -> None:
        colors = {"error": ("#fdecea", "#b71c1c"), "warning": ("#fff8e1", "#8a6d00"),
                  "info": ("#e8f4fd", "#0d47a1")}
        bg, fg = colors.get(kind, colors["info"])
        self.message.setStyleSheet(f"background: {bg}; color: {fg}; border: 1px solid {fg}; "
                                   "border-radius: 4px; padding: 6px;")
        self.message.setText(text)
        self.message.setVisible(True)

    def clear_message(self) -> None:
        self.message.setVisible(False)
        self.message.clear()
        for b in (self.review_button, self.weights_button, self.scratch_button):
            b.setVisible(False)

    def message_text(self) -> str:
        return self.message.text() if self.message.isVisibleTo(self) else ""

    # -------------------------------------------------------------- events
    def reset(self, title: str) -> None:
        """Before a new run (or before showing an old one's curves)."""
        self.curves.clear()
        self.strip.clear()
        self.reading.set_lines([])
        self.strip.setVisible(True)
        self.per_class.setRowCount(0)
        self.confusion.setRowCount(0)
        self.clear_message()
        self._forget_run()
        self.title.setText(title)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.stats.clear()

    def on_started(self, e: TrainStart) -> None:
        self.start_event = e
        resumed = self.tr(", resumed at step {n}").format(n=e.start_step) if e.start_step else ""
        run = Path(e.run_dir).name if e.run_dir else e.model  # the run's folder name holds its model
        self.title.setText(self.tr("{run} on {device}: {train} training / {val} validation images{resumed}").format(
            run=run, device=e.device, train=e.train_images, val=e.val_images, resumed=resumed))
        self.progress.setRange(0, max(1, e.steps_per_epoch))
        self.tabs.setTabVisible(self.confusion_tab, e.task == "classify")
        self._text_dirty = True
        self.append_log(f"run {e.run_dir}")

    def on_step(self, e: Step) -> None:
        self.last_step = e
        self.curves.add_step(e)
        self._text_dirty = True

    def on_epoch_end(self, e: EpochEnd) -> None:
        self.last_epoch = e
        self.curves.add_epoch(e)
        self._fill_per_class(e)
        if e.confusion is not None:
            self._fill_confusion(e.confusion)
        names = [*e.metrics, *(k for k in e.undefined if k not in e.metrics)]
        metrics = ", ".join(metric_text(k, e.metrics.get(k), e.undefined.get(k)) for k in names)
        self.append_log(self.tr("epoch {n}: {metrics}{best}").format(
            n=e.epoch + 1, metrics=metrics, best=self.tr(" (best so far)") if e.is_best else ""))
        self._text_dirty = True

    def on_predictions(self, strip: PredictionStrip) -> None:
        self.strip.set_strip(strip)
        self.reading.set_lines(strip.lines)  # shown when there are lines, in the strip's place
        self.strip.setVisible(not strip.lines)
        if strip.lines:
            self.strip_label.setText(self.reading.caption(strip.epoch))
            return
        self.strip_label.setText(self.tr("Epoch {n}: predictions on validation images (white dashed: your "
                                         "labels; colour: the model). Click one to open it.").format(n=strip.epoch + 1))

    def on_checkpoint(self, e: Checkpoint) -> None:
        if e.best:
            self.append_log(self.tr("saved best model (epoch {n})").format(n=e.epoch + 1))

    def on_log(self, e: Log) -> None:
        self.append_log(f"[{e.level}] {e.message}")
        if e.level == "warning" and not self.message_text():
            self.show_message(e.message, "warning")

    def on_ended(self, e: TrainEnd, can_resume: bool = True) -> None:
        """The run is over: the heading says how it ended (never "Starting…"
        or "Stopping…" again), the message what to do next."""
        self.end_event = e
        self.best_metric = e.best_metric
        self._refresh_text(force=True)
        self.curves.redraw()
        self.title.setText(self.end_title(e))
        primary = PRIMARY_METRIC.get(self.start_event.task if self.start_event else "", "")
        best = "" if e.best_metric is None else " " + self.tr("Best on validation: {metric}.").format(
            metric=metric_text(primary, e.best_metric) if primary else f"{e.best_metric:.3f}")
        if e.reason in ("finished", "early_stop"):
            self.show_message((e.message or self.tr("Training finished.")) + best, "info")
        elif e.reason == "cancelled":
            # Our own words: the engine's message speaks of command-line flags.
            then = self.tr(" Press Resume to go on from there.") if can_resume else ""
            self.show_message(self.tr("Training cancelled at step {n}; the last checkpoint is kept.").format(n=e.step)
                              + then + best, "warning")
        elif (e.details or {}).get("code") == "weights_unavailable":
            self.show_message(self.weights_message(e.details or {}), "error")
        else:
            hint = QCoreApplication.translate("TrainingPanel", NEXT_STEP.get(e.reason, NEXT_STEP["error"]))
            text = e.message or self.tr("Training stopped.")
            self.show_message(text if hint in text else f"{text}\n{hint}", "error")
        self.append_log(f"[{e.reason}] {e.message}")

    def end_title(self, e: TrainEnd) -> str:
        """The heading of a run that has ended."""
        start = self.start_event
        run = Path(e.run_dir).name if e.run_dir else (start.model if start is not None else "")
        if e.reason in ("finished", "early_stop"):
            return self.tr("{run}: finished after {n} epochs").format(run=run, n=e.epochs_done) if run else \
                self.tr("Training finished")
        if e.reason == "cancelled":
            return self.tr("{run}: cancelled at step {n}").format(run=run, n=e.step)
        if not e.run_dir or start is None:
            return self.tr("Training could not start")
        return self.tr("{run}: stopped at step {n}").format(run=run, n=e.step)

    def weights_message(self, details: dict) -> str:
        """The offline message in the window's terms (the engine's names command-line flags)."""
        return self.tr("The pretrained weights {file} could not be downloaded ({reason}); this computer seems to be "
                       "offline. If you have the file (downloaded elsewhere from {url}), press \"Choose weights "
                       "file…\", or place it in {folder} and train again. Or train from scratch: it needs more "
                       "labels and more epochs.").format(file=details.get("file", ""),
                                                         reason=details.get("reason", ""),
                                                         url=details.get("url", ""), folder=details.get("folder", ""))

    def append_log(self, text: str) -> None:
        self.log.appendPlainText(f"{time.strftime('%H:%M:%S')}  {text}")

    # ------------------------------------------------------------- drawing
    def _refresh_text(self, force: bool = False) -> None:
        if not (self._text_dirty or force):
            return
        self._text_dirty = False
        start, step = self.start_event, self.last_step
        if start is None:
            return
        if step is None:
            self.progress.setFormat(self.tr("preparing…"))
            return
        spe = max(1, start.steps_per_epoch)
        in_epoch = step.step - step.epoch * spe
        self.progress.setRange(0, spe)
        self.progress.setValue(max(0, min(spe, in_epoch)))
        self.progress.setFormat(self.tr("epoch {e}/{n}  ·  step {s}/{t}").format(
            e=step.epoch + 1, n=start.epochs, s=step.step, t=start.total_steps))
        metric = ""
        last = self.last_epoch
        if last is not None and (last.metrics or last.undefined):
            k = next(iter(last.metrics or last.undefined))
            metric = "   " + metric_text(k, last.metrics.get(k), last.undefined.get(k))
        self.stats.setText(self.tr("loss {loss:.4f}   {ips:.1f} images/s   elapsed {el}   ETA {eta}").format(
            loss=step.loss, ips=step.images_per_s, el=format_duration(step.elapsed_s),
            eta=format_duration(step.eta_s)) + metric)

    def _fill_per_class(self, e: EpochEnd) -> None:
        """One row per class of the run; a class the validation images do
        not hold says so instead of staying out (an empty table said nothing)."""
        classes = list(self.start_event.classes) if self.start_event is not None else []
        classes += [c for c in e.per_class if c not in classes]
        if not classes:
            return
        keys: list[str] = []
        for values in e.per_class.values():
            keys += [k for k in values if k not in keys]
        self.per_class.clearSpans()
        self.per_class.setColumnCount(max(1, len(keys)))
        self.per_class.setHorizontalHeaderLabels([metric_label(k, keys) for k in keys] or [""])
        self.per_class.setRowCount(len(classes))
        self.per_class.setVerticalHeaderLabels(classes)
        for row, name in enumerate(classes):
            values = e.per_class.get(name)
            if values is None:
                item = QTableWidgetItem(self.tr("not measured: no validation images of this class"))
                item.setForeground(QBrush(QColor("#777")))
                self.per_class.setItem(row, 0, item)
                if self.per_class.columnCount() > 1:
                    self.per_class.setSpan(row, 0, 1, self.per_class.columnCount())
                continue
            for col, k in enumerate(keys):
                v = values.get(k)
                item = QTableWidgetItem("" if v is None else value_text(k, float(v)))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.per_class.setItem(row, col, item)

    def _fill_confusion(self, matrix: list[list[int]]) -> None:
        names = self.start_event.classes if self.start_event else [str(i) for i in range(len(matrix))]
        n = len(matrix)
        self.confusion.setRowCount(n)
        self.confusion.setColumnCount(n)
        self.confusion.setVerticalHeaderLabels(names[:n])
        self.confusion.setHorizontalHeaderLabels(names[:n])
        for r, row in enumerate(matrix):
            total = max(1, sum(row))
            for c, count in enumerate(row):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                share = count / total
                # Right answers in green, confusions in red; darker = more of the row.
                base = (46, 160, 67) if r == c else (214, 39, 40)
                alpha = int(30 + 200 * share) if count else 0
                item.setBackground(QBrush(QColor(*base, alpha)))
                if share > 0.6:
                    item.setForeground(QBrush(QColor("white")))
                self.confusion.setItem(r, c, item)
        self.confusion.resizeColumnsToContents()

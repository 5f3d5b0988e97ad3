"""The Review panel (a dock): pick the model, pre-label images with it in a
worker thread (or read their text with PP-OCR), then judge its predictions
one by one on the canvas.

The loop it serves: train on 50 images, predict the next 500, fix only the
model's mistakes. Accept (Y), Reject (N) and Next (Tab) are window actions
(see :mod:`.wiring`); the buttons here do the same to the session.

The model is the project's active run (:class:`~labeltool.gui.jobs.runs.ActiveRun`):
the panel follows it when the Runs tab changes it or a run finishes, and
"Review with this model" starts here (:meth:`ReviewPanel.review_with`).
Whatever it has to say when started from the menu (no model yet, nothing
to predict) also goes to the status bar, with its dock raised.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDockWidget, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QProgressBar, QPushButton, QSlider, QVBoxLayout, QWidget,
)

from labeltool.core.errors import StoreError
from labeltool.gui.jobs.ocr import OCR_MODEL, OcrRef
from labeltool.gui.jobs.predict import MIN_SCORE, ModelRef, PredictJob
from labeltool.gui.jobs.runs import ActiveRun

from .instance_options import InstanceOptionsRow
from .model_choice import ModelChoice
from .model_tools import ModelTools
from .overlay import VERDICT_COLORS, verdict_caption
from .queue_view import ReviewQueue
from .read_text import ReadTextBox
from .session import ReviewSession
from .targets import store_predictions, unlabelled_images

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.jobs.export import ExportJob
    from labeltool.gui.workspace import Workspace

    from .report import ReportDialog

PREDICT_CURRENT, PREDICT_SELECTED, PREDICT_UNLABELLED = "current", "selected", "unlabelled"
# "Review with this model": the unlabelled images, else the image shown.
PREDICT_TO_REVIEW = "to_review"


class ReviewPanel(QWidget):
    predictionFinished = Signal(int, bool)  # images predicted, cancelled

    # The model and pre-labelling
    models: ModelChoice  # the run to predict with (its combo and "Other…" also as run_combo, browse_button)
    run_combo: QComboBox
    browse_button: QPushButton
    instances: InstanceOptionsRow  # polygons or masks, for an instance run only
    predict_current: QPushButton
    predict_selected: QPushButton
    predict_unlabelled: QPushButton
    text_box: ReadTextBox  # Read text with PP-OCR: this image, selected, unlabelled; its settings
    progress: QProgressBar  # of pre-labelling or reading text
    cancel_button: QPushButton
    status: QLabel
    # Reviewing the current image
    review_check: QCheckBox
    compare_check: QCheckBox
    slider: QSlider  # the score threshold, in hundredths
    threshold_label: QLabel
    count_label: QLabel
    list: QListWidget  # the predictions shown, best first
    accept_button: QPushButton
    reject_button: QPushButton
    next_button: QPushButton
    edit_button: QPushButton
    accept_all_button: QPushButton
    # Across images, and the model itself
    queue: ReviewQueue
    tools: ModelTools  # the model report and export (their buttons also as report_button, export_button)
    report_button: QPushButton
    export_button: QPushButton
    open_report: Callable[[], "ReportDialog | None"]
    export_model: Callable[[Path], "ExportJob | None"]
    # Work in progress
    job: PredictJob | None

    def __init__(self, workspace: "Workspace", session: ReviewSession,
                 selected_images: Callable[[], list[int]] = lambda: [], parent: QWidget | None = None):
        """``selected_images`` gives the ids of the images selected in the
        image list (for "Selected")."""
        super().__init__(parent)
        self.workspace = workspace
        self.session = session
        self.selected_images = selected_images
        self.job = None
        self._found = 0  # predictions stored by the job in progress
        self._best: float | None = None  # their best score
        self._targets: list[int] = []  # the images the job in progress predicts
        self._skipped: list[str] = []  # the images it could not read, and why
        self._reading = False  # the job in progress reads text (PP-OCR), not a trained run's
        self._go_to_first = False  # after the job: show the first predicted image (review_with)
        self.active = ActiveRun.of(workspace)
        self.setWindowTitle(self.tr("Review"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self._build_predict_box())
        self.text_box = ReadTextBox(workspace)
        lay.addWidget(self.text_box)
        lay.addLayout(self._build_progress())
        lay.addWidget(self._build_review_box(), 2)
        lay.addWidget(self._build_queue(), 1)
        lay.addWidget(self._build_tools())
        self._connect()
        self._threshold_moved(self.slider.value())
        self._show_session()

    # ------------------------------------------------------------ building
    def _build_predict_box(self) -> QGroupBox:
        """The model and which images to pre-label."""
        self.predict_current = QPushButton(self.tr("This image"))
        self.predict_selected = QPushButton(self.tr("Selected"))
        self.predict_unlabelled = QPushButton(self.tr("Unlabelled"))
        self.predict_unlabelled.setToolTip(self.tr("All images with no labels that are not marked done or skipped"))
        box = QGroupBox(self.tr("Pre-label with the model"))
        pl = QVBoxLayout(box)
        self.models = ModelChoice(self.workspace, self.active)
        self.run_combo, self.browse_button = self.models.combo, self.models.browse_button
        pl.addWidget(self.models)
        self.instances = InstanceOptionsRow(self.workspace, self.model_ref)
        pl.addWidget(self.instances)
        row = QHBoxLayout()
        for b in (self.predict_current, self.predict_selected, self.predict_unlabelled):
            row.addWidget(b)
        pl.addLayout(row)
        return box

    def _build_progress(self) -> QVBoxLayout:
        """Progress, Cancel and what happened, of pre-labelling and reading text alike."""
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        lay = QVBoxLayout()
        lay.addLayout(prow)
        lay.addWidget(self.status)
        return lay

    def _build_review_box(self) -> QGroupBox:
        """Review mode, the threshold, the predictions shown and what to do with them."""
        self.review_check = QCheckBox(self.tr("Review predictions on the canvas"))
        self.compare_check = QCheckBox(self.tr("Compare with labels"))
        self.compare_check.setChecked(True)
        self.compare_check.setToolTip(self.tr("Where the image is labelled: green found, red false alarm, purple "
                                              "other class, orange missed (IoU ≥ 0.5, same class)"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(int(MIN_SCORE * 100), 100)
        self.slider.setValue(50)
        self.threshold_label = QLabel()
        self.count_label = QLabel()
        self.count_label.setWordWrap(True)  # "8 of 362 predictions shown — 5 found, 3 false alarms" fits 280 px
        self.list = QListWidget()
        self.list.setMinimumHeight(90)
        self.accept_button = QPushButton(self.tr("Accept (Y)"))
        self.reject_button = QPushButton(self.tr("Reject (N)"))
        self.next_button = QPushButton(self.tr("Next (Tab)"))
        self.edit_button = QPushButton(self.tr("Edit…"))
        self.edit_button.setToolTip(self.tr("Accept and select it to move its corners or change its class"))
        self.accept_all_button = QPushButton(self.tr("Accept all shown"))
        self.accept_all_button.setToolTip(self.tr("Accept every prediction at or above the threshold and drop "
                                                  "the ones below it"))
        box = QGroupBox(self.tr("Review"))
        rl = QVBoxLayout(box)
        rl.addWidget(self.review_check)
        rl.addWidget(self.compare_check)
        srow = QHBoxLayout()
        srow.addWidget(QLabel(self.tr("Score ≥")))
        srow.addWidget(self.slider, 1)
        srow.addWidget(self.threshold_label)
        rl.addLayout(srow)
        rl.addWidget(self.count_label)
        rl.addWidget(self.list, 1)
        grid = QGridLayout()
        grid.addWidget(self.accept_button, 0, 0)
        grid.addWidget(self.reject_button, 0, 1)
        grid.addWidget(self.next_button, 0, 2)
        grid.addWidget(self.edit_button, 1, 0)
        grid.addWidget(self.accept_all_button, 1, 1, 1, 2)
        rl.addLayout(grid)
        return box

    def _build_queue(self) -> ReviewQueue:
        self.queue = ReviewQueue(self.workspace, self.session)
        return self.queue

    def _build_tools(self) -> ModelTools:
        """Model report and export."""
        self.tools = ModelTools(self.workspace, self.model_ref, lambda: self.session.threshold, self._say,
                                lambda sid: self.session.canvas.canvas_scene.select([sid]))
        self.report_button, self.export_button = self.tools.report_button, self.tools.export_button
        self.open_report, self.export_model = self.tools.open_report, self.tools.export_model
        return self.tools

    def _connect(self) -> None:
        session = self.session
        self.predict_current.clicked.connect(lambda: self.predict(PREDICT_CURRENT))
        self.predict_selected.clicked.connect(lambda: self.predict(PREDICT_SELECTED))
        self.predict_unlabelled.clicked.connect(lambda: self.predict(PREDICT_UNLABELLED))
        self.text_box.readRequested.connect(self.read_text)
        self.cancel_button.clicked.connect(self.cancel)
        self.models.listChanged.connect(self._update_enabled)
        self.models.listChanged.connect(self.instances.follow_model)
        self.run_combo.currentIndexChanged.connect(lambda _i: self.instances.follow_model())
        self.review_check.toggled.connect(session.set_active)
        self.compare_check.toggled.connect(session.set_compare)
        self.slider.valueChanged.connect(self._threshold_moved)
        self.list.currentItemChanged.connect(self._list_current)
        self.list.itemDoubleClicked.connect(lambda it: session.accept(it.data(Qt.ItemDataRole.UserRole)))
        self.accept_button.clicked.connect(lambda: session.accept())
        self.reject_button.clicked.connect(lambda: session.reject())
        self.next_button.clicked.connect(lambda: session.next())
        self.edit_button.clicked.connect(session.accept_and_edit)
        self.accept_all_button.clicked.connect(session.accept_all)
        session.changed.connect(self._show_session)
        self.active.reviewRequested.connect(self.review_with)

    # ------------------------------------------------------------ models
    def showEvent(self, ev) -> None:
        # Listing runs reads run folders (plain file I/O, no torch): done
        # when the panel is first shown, then again on each project opened.
        if not self.models.loaded:
            self.models.load()
        super().showEvent(ev)

    def load_runs(self) -> None:
        """List the project's runs again, the active one chosen."""
        self.models.load()

    def add_model(self, path: Path, select: bool = True) -> None:
        self.models.add(path, select)

    def model_ref(self) -> ModelRef | None:
        return self.models.model_ref()

    def reveal(self) -> None:
        """Show and raise the dock this panel sits in (it may be tabbed behind another)."""
        w = self.parentWidget()
        while w is not None and not isinstance(w, QDockWidget):
            w = w.parentWidget()
        if w is not None:
            w.show()
            w.raise_()

    def review_with(self, run: Path) -> bool:
        """"Review with this model": ``run`` (already active) pre-labels the
        unlabelled images, else the image shown; the panel comes forward,
        and once done the first image with predictions is shown."""
        self.reveal()
        self.load_runs()
        self.add_model(Path(run), select=True)
        self._go_to_first = True
        started = self.predict(PREDICT_TO_REVIEW)
        if not started:
            self._go_to_first = False
        return started

    # ----------------------------------------------------------- predict
    def target_images(self, which: str) -> list[int]:
        store, item = self.workspace.store, self.workspace.current_image()
        if store is None:
            return []
        if which == PREDICT_CURRENT:
            return [item.id] if item is not None else []
        if which == PREDICT_SELECTED:
            return self.selected_images() or ([item.id] if item is not None else [])
        unlabelled = unlabelled_images(store)
        if which == PREDICT_TO_REVIEW and not unlabelled:
            return [item.id] if item is not None else []
        return unlabelled

    def predict(self, which: str) -> bool:
        """Start predicting ``which`` images; False (with a message where the
        person looks: this panel, raised, and the status bar) if it cannot start."""
        ref = self.model_ref()
        if ref is None:
            if self._can_start():
                self._tell(self.tr("No model yet: train one (Train > Train a model…) or choose a run or exported "
                                   "model (Other… in the Review panel)."))
            return False
        return self._start(ref, which)

    def read_text(self, which: str) -> bool:
        """Read the text of ``which`` images with PP-OCR (the engine loads
        on the first call, seconds, and is kept); False (with a message) if
        it cannot start."""
        store = self.workspace.store
        return self._start(OcrRef(self.text_box.options(), store.root if store is not None else None), which)

    def _can_start(self) -> bool:
        store = self.workspace.store
        if self.job is not None:
            self._tell(self.tr("Pre-labelling or reading text is already running."))
            return False
        if store is None or store.readonly:
            self._tell(self.tr("Open a project you can write to: predictions are stored in it."))
            return False
        return True

    def _start(self, ref: ModelRef | OcrRef, which: str) -> bool:
        store = self.workspace.store
        if store is None or not self._can_start():
            return False  # said by _can_start
        ids = self.target_images(which)
        if not ids:
            self._tell(self.tr("No images to predict."))
            return False
        self.reveal()  # started from the menu: the progress and Cancel are here
        images = [(i, store.abspath(store.image(i))) for i in ids]
        self._found, self._best, self._targets, self._skipped = 0, None, list(ids), []
        self._reading = isinstance(ref, OcrRef)
        # PredictJob runs either: an OcrRef has a ModelRef's name and load().
        options = {} if self._reading else self.instances.options().predict_options()
        self.job = PredictJob(ref, images, MIN_SCORE, parent=self, options=options)  # type: ignore[arg-type]
        self.job.progress.connect(self._progress)
        self.job.predicted.connect(self._store_predictions)
        self.job.warning.connect(self._warn)
        self.job.failed.connect(self._failed)
        self.job.finishedWork.connect(self._finished)
        self.progress.setRange(0, 0)  # busy until the model is loaded
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self._say(self.tr("Loading PP-OCR (seconds, once)…") if self._reading
                  else self.tr("Loading %1…").replace("%1", ref.name))
        self._update_enabled()
        self.job.start()
        return True

    def cancel(self) -> None:
        if self.job is not None:
            self.job.requestInterruption()
            self._say(self.tr("Cancelling after the image in progress…"))

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total}")

    def _store_predictions(self, image_id: int, shapes: list) -> None:
        """Replace the image's old predictions by the new ones, in one transaction."""
        store = self.workspace.store
        if store is None:
            return
        try:
            store_predictions(store, image_id, shapes, OCR_MODEL if self._reading else None)
        except (StoreError, KeyError) as e:
            self._say(str(e))
            return
        self._found += len(shapes)
        scores = [s.source.score for s in shapes if s.source.score is not None]
        if scores:
            self._best = max(scores + ([self._best] if self._best is not None else []))

    def _warn(self, text: str) -> None:
        self._skipped.append(text)
        self._say(self.tr("Skipped an unreadable image: %1").replace("%1", text))

    def _failed(self, message: str) -> None:
        text = self.tr("Reading text failed: %1") if self._reading else self.tr("Prediction failed: %1")
        self.workspace.show_error(text.replace("%1", message))

    def _finished(self, done: int, cancelled: bool) -> None:
        job, self.job = self.job, None
        model = job.model.name if job is not None else ""
        if job is not None:
            job.wait()
            job.deleteLater()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        text = self.tr("Predicted %1 image(s) with %2.").replace("%1", str(done)).replace("%2", model)
        if self._reading:
            text = self.tr("Read the text of %1 image(s).").replace("%1", str(done))
        if cancelled:
            text = self.tr("Cancelled: %1 image(s) predicted.").replace("%1", str(done))
        text += " " + self.result_text()
        if self._skipped:  # said as it happened too; the summary keeps it in view
            text += " " + self.tr("Skipped %1 unreadable image(s): %2").replace("%1", str(len(self._skipped))) \
                .replace("%2", "; ".join(self._skipped))
        self._say(text)
        self.workspace.show_status(text, 10_000)
        if done and not self.review_check.isChecked():
            self.review_check.setChecked(True)
        if self._go_to_first:
            self._go_to_first = False
            self._show_first_predicted()
        self.session.refresh()
        self._update_enabled()
        self.predictionFinished.emit(done, cancelled)

    def result_text(self) -> str:
        """What the model found, and when none of it reaches the threshold, what to do."""
        if not self._found:
            return self.tr("No text found on them.") if self._reading else self.tr("The model found nothing on them.")
        threshold = self.session.threshold
        best = self._best if self._best is not None else 0.0
        if best < threshold:
            return self.tr("%1 predictions, best score %2, all below the %3 threshold: lower the Score slider to "
                           "see them.").replace("%1", str(self._found)).replace("%2", f"{best:.2f}") \
                .replace("%3", f"{threshold:.2f}")
        return self.tr("%1 predictions, best score %2.").replace("%1", str(self._found)) \
            .replace("%2", f"{best:.2f}")

    def _show_first_predicted(self) -> None:
        """Go to the first image the job predicted that has predictions shown
        (at the threshold), else any predictions."""
        store = self.workspace.store
        if store is None or not self._targets:
            return
        with_predictions = store.image_ids_with_shapes(source="model")
        candidates = [i for i in self._targets if i in with_predictions]
        shown = [i for i in candidates if any((p.source.score or 0.0) >= self.session.threshold
                                              for p in store.shapes(i, source="model"))]
        target = (shown or candidates or [None])[0]
        current = self.workspace.current_image()
        if target is not None and (current is None or current.id != target):
            self.workspace.go_to_image(target)

    def _tell(self, text: str) -> None:
        """A message that must be read: in this panel, raised, and in the status bar."""
        self._say(text)
        self.reveal()
        self.workspace.show_status(text, 10_000)

    @property
    def export_job(self) -> "ExportJob | None":
        return self.tools.export_job

    def _say(self, text: str) -> None:
        self.status.setText(text)

    # ------------------------------------------------------------ review
    def _threshold_moved(self, value: int) -> None:
        self.threshold_label.setText(f"{value / 100:.2f}")
        self.session.set_threshold(value / 100)

    def _list_current(self, item: QListWidgetItem | None, _prev: object = None) -> None:
        if item is not None:
            sid = item.data(Qt.ItemDataRole.UserRole)
            if sid != self.session.current_id:
                self.session.select(sid)

    def _show_session(self) -> None:
        s = self.session
        self.list.blockSignals(True)
        self.list.clear()
        for p in s.predictions:
            verdict = s.comparison.verdict(p.id) if s.comparison is not None else None
            it = QListWidgetItem(verdict_caption(p, verdict, self.tr))
            it.setData(Qt.ItemDataRole.UserRole, p.id)
            if verdict:
                it.setForeground(QColor(VERDICT_COLORS[verdict]))
            self.list.addItem(it)
            if p.id == s.current_id:
                self.list.setCurrentItem(it)
        self.list.blockSignals(False)
        text = self.tr("%1 of %2 predictions shown").replace("%1", str(len(s.predictions))) \
            .replace("%2", str(len(s.all_predictions)))
        if s.all_predictions and not s.predictions:
            best = s.all_predictions[0].source.score or 0.0
            text += " — " + self.tr("all below the threshold (best %1): lower the Score slider to see them") \
                .replace("%1", f"{best:.2f}")
        if s.comparison is not None:
            c = s.comparison.summary()
            text += " — " + self.tr("%1 found, %2 false alarms, %3 missed").replace("%1", str(c["tp"])) \
                .replace("%2", str(c["fp"])).replace("%3", str(c["missed"]))
        self.count_label.setText(text)
        self._update_enabled()

    def _update_enabled(self) -> None:
        idle = self.job is None
        has_model = self.run_combo.count() > 0
        for b in (self.predict_current, self.predict_selected, self.predict_unlabelled):
            b.setEnabled(idle and has_model and self.workspace.store is not None)
        for b in self.text_box.buttons:
            b.setEnabled(idle and self.workspace.store is not None)
        has = bool(self.session.predictions)
        for b in (self.accept_button, self.reject_button, self.next_button, self.edit_button):
            b.setEnabled(has)
        self.accept_all_button.setEnabled(has)  # with none shown it would only delete
        self.tools.update_enabled(has_model)

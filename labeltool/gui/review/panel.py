"""The Review panel (a dock): pick the model, pre-label images with it in a
worker thread, then judge its predictions one by one on the canvas.

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
    QCheckBox, QComboBox, QDockWidget, QFileDialog, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
    QListWidgetItem, QProgressBar, QPushButton, QSlider, QVBoxLayout, QWidget,
)

from labeltool.core.errors import StoreError
from labeltool.core.project import ImageStatus
from labeltool.gui.jobs.export import ExportJob
from labeltool.gui.jobs.predict import MIN_SCORE, ModelRef, PredictJob
from labeltool.gui.jobs.runs import ActiveRun

from .model_choice import ModelChoice
from .overlay import VERDICT_COLORS, verdict_caption
from .queue_view import ReviewQueue
from .session import ReviewSession

if TYPE_CHECKING:  # pragma: no cover
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
    predict_current: QPushButton
    predict_selected: QPushButton
    predict_unlabelled: QPushButton
    progress: QProgressBar
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
    report_button: QPushButton
    export_button: QPushButton
    # Work in progress
    job: PredictJob | None
    export_job: ExportJob | None

    def __init__(self, workspace: "Workspace", session: ReviewSession,
                 selected_images: Callable[[], list[int]] = lambda: [], parent: QWidget | None = None):
        """``selected_images`` gives the ids of the images selected in the
        image list (for "Selected")."""
        super().__init__(parent)
        self.workspace = workspace
        self.session = session
        self.selected_images = selected_images
        self.job = None
        self.export_job = None
        self._found = 0  # predictions stored by the job in progress
        self._best: float | None = None  # their best score
        self._targets: list[int] = []  # the images the job in progress predicts
        self._go_to_first = False  # after the job: show the first predicted image (review_with)
        self.active = ActiveRun.of(workspace)
        self.setWindowTitle(self.tr("Review"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self._build_predict_box())
        lay.addWidget(self._build_review_box(), 2)
        lay.addWidget(self._build_queue(), 1)
        lay.addLayout(self._build_tools())
        self._connect()
        self._threshold_moved(self.slider.value())
        self._show_session()

    # ------------------------------------------------------------ building
    def _build_predict_box(self) -> QGroupBox:
        """The model, which images to pre-label, progress and Cancel."""
        self.predict_current = QPushButton(self.tr("This image"))
        self.predict_selected = QPushButton(self.tr("Selected"))
        self.predict_unlabelled = QPushButton(self.tr("Unlabelled"))
        self.predict_unlabelled.setToolTip(self.tr("All images with no labels that are not marked done or skipped"))
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setVisible(False)
        self.status = QLabel()
        self.status.setWordWrap(True)
        box = QGroupBox(self.tr("Pre-label with the model"))
        pl = QVBoxLayout(box)
        self.models = ModelChoice(self.workspace, self.active)
        self.run_combo, self.browse_button = self.models.combo, self.models.browse_button
        pl.addWidget(self.models)
        row = QHBoxLayout()
        for b in (self.predict_current, self.predict_selected, self.predict_unlabelled):
            row.addWidget(b)
        pl.addLayout(row)
        prow = QHBoxLayout()
        prow.addWidget(self.progress, 1)
        prow.addWidget(self.cancel_button)
        pl.addLayout(prow)
        pl.addWidget(self.status)
        return box

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

    def _build_tools(self) -> QHBoxLayout:
        """Model report and export."""
        self.report_button = QPushButton(self.tr("Model report…"))
        self.export_button = QPushButton(self.tr("Export model…"))
        tools = QHBoxLayout()
        tools.addWidget(self.report_button)
        tools.addWidget(self.export_button)
        return tools

    def _connect(self) -> None:
        session = self.session
        self.predict_current.clicked.connect(lambda: self.predict(PREDICT_CURRENT))
        self.predict_selected.clicked.connect(lambda: self.predict(PREDICT_SELECTED))
        self.predict_unlabelled.clicked.connect(lambda: self.predict(PREDICT_UNLABELLED))
        self.cancel_button.clicked.connect(self.cancel)
        self.models.listChanged.connect(self._update_enabled)
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
        self.report_button.clicked.connect(self.open_report)
        self.export_button.clicked.connect(self.ask_export)
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
        labelled = store.image_ids_with_shapes(source="human")
        unlabelled = [i.id for i in store.images() if i.id not in labelled and not i.missing
                      and i.status not in (ImageStatus.DONE, ImageStatus.SKIPPED)]
        if which == PREDICT_TO_REVIEW and not unlabelled:
            return [item.id] if item is not None else []
        return unlabelled

    def predict(self, which: str) -> bool:
        """Start predicting ``which`` images; False (with a message where the
        person looks: this panel, raised, and the status bar) if it cannot start."""
        store, ref = self.workspace.store, self.model_ref()
        if self.job is not None:
            self._tell(self.tr("Pre-labelling is already running."))
            return False
        if store is None or store.readonly:
            self._tell(self.tr("Open a project you can write to: predictions are stored in it."))
            return False
        if ref is None:
            self._tell(self.tr("No model yet: train one (Train > Train a model…) or choose a run or exported model "
                               "(Other… in the Review panel)."))
            return False
        ids = self.target_images(which)
        if not ids:
            self._tell(self.tr("No images to predict."))
            return False
        self.reveal()  # started from the menu: the progress and Cancel are here
        images = [(i, store.abspath(store.image(i))) for i in ids]
        self._found, self._best, self._targets = 0, None, list(ids)
        self.job = PredictJob(ref, images, MIN_SCORE, parent=self)
        self.job.progress.connect(self._progress)
        self.job.predicted.connect(self._store_predictions)
        self.job.warning.connect(lambda t: self._say(self.tr("Skipped an unreadable image: %1").replace("%1", t)))
        self.job.failed.connect(self._failed)
        self.job.finishedWork.connect(self._finished)
        self.progress.setRange(0, 0)  # busy until the model is loaded
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self._say(self.tr("Loading %1…").replace("%1", ref.name))
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
            store.replace_predictions(image_id, shapes)
        except (StoreError, KeyError) as e:
            self._say(str(e))
            return
        self._found += len(shapes)
        scores = [s.source.score for s in shapes if s.source.score is not None]
        if scores:
            self._best = max(scores + ([self._best] if self._best is not None else []))

    def _failed(self, message: str) -> None:
        self.workspace.show_error(self.tr("Prediction failed: %1").replace("%1", message))

    def _finished(self, done: int, cancelled: bool) -> None:
        job, self.job = self.job, None
        model = job.model.name if job is not None else ""
        if job is not None:
            job.wait()
            job.deleteLater()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        text = self.tr("Predicted %1 image(s) with %2.").replace("%1", str(done)).replace("%2", model)
        if cancelled:
            text = self.tr("Cancelled: %1 image(s) predicted.").replace("%1", str(done))
        text += " " + self.result_text()
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
            return self.tr("The model found nothing on them.")
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

    # ---------------------------------------------------- report, export
    def open_report(self) -> "ReportDialog | None":
        from .report import ReportDialog

        ref, store = self.model_ref(), self.workspace.store
        if ref is None or store is None:
            return None
        colors = {c.name: c.color for c in store.classes()}
        dlg = ReportDialog(ref, store.snapshot(), self.session.threshold, colors, self.window())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.show()
        return dlg

    def ask_export(self) -> None:
        ref = self.model_ref()
        if ref is None:
            return
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export the model into…"), str(ref.path))
        if folder:
            self.export_model(Path(folder))

    def export_model(self, folder: Path) -> ExportJob | None:
        """Export the chosen run into ``folder`` in a worker thread."""
        ref = self.model_ref()
        if ref is None or self.export_job is not None:
            return None
        self.export_job = ExportJob(ref, folder, self)
        self.export_job.succeeded.connect(
            lambda text: self._say(self.tr("This model is already an export.") if text is None else text))
        self.export_job.failed.connect(
            lambda t: self.workspace.show_error(self.tr("Export failed: %1").replace("%1", t)))
        self.export_job.finished.connect(self._export_ended)
        self.export_button.setEnabled(False)
        self._say(self.tr("Exporting %1…").replace("%1", ref.name))
        self.export_job.start()
        return self.export_job

    def _export_ended(self) -> None:
        job, self.export_job = self.export_job, None
        if job is not None:
            job.deleteLater()
        self._update_enabled()

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
        has = bool(self.session.predictions)
        for b in (self.accept_button, self.reject_button, self.next_button, self.edit_button):
            b.setEnabled(has)
        self.accept_all_button.setEnabled(has)  # with none shown it would only delete
        self.report_button.setEnabled(has_model)
        self.export_button.setEnabled(has_model and self.export_job is None)

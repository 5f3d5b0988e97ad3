"""Training in the window: the Train menu's actions, the Train dialog, the
training runner (:mod:`labeltool.gui.jobs.training`) and the Training panel
in its dock.

The window composes it::

    self.training = TrainingController(self.workspace, self.canvas, parent=self)

then places :attr:`~TrainingController.dock`, gives
:meth:`~TrainingController.fill_menu` its Train menu, and asks
:meth:`~TrainingController.may_close` before it closes: closing while a run
goes on asks first, then cancels the run, and :attr:`stoppedForClose` tells
the window to close once the worker thread has really stopped (so the run's
last checkpoint is written and no thread outlives the window).
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMainWindow, QMenu, QMessageBox, QWidget

from labeltool.core.shapes import ImageTag
from labeltool.core.store import ProjectStore, Snapshot

from ..jobs.preload import PRELOAD_DELAY_MS, preload_engine
from ..jobs.runs import ConfigError, RunFolder, saved_events
from ..jobs.train_setup import available_devices, weights_cached
from ..jobs.training import PredictionStrip, TrainConfig, TrainFn, TrainingRunner
from .panel import TrainingPanel
from .thumbnails import Thumbnail

if TYPE_CHECKING:  # pragma: no cover
    from engine.events import TrainEnd, TrainStart

    from ..canvas import CanvasView
    from ..workspace import Workspace


class TrainingController(QObject):
    stoppedForClose = Signal()  # the run stopped after a close was asked for: close now

    def __init__(self, workspace: "Workspace", canvas: "CanvasView", train_fn: TrainFn | None = None,
                 runner: QObject | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.canvas = canvas
        self.runner = runner if runner is not None else TrainingRunner(train_fn, self)
        self.panel = TrainingPanel()
        # The window places it (below the canvas: the curves want width).
        self.dock = QDockWidget(self.tr("Training"))
        self.dock.setObjectName("dock_training")
        self.dock.setWidget(self.panel)
        self.dialog = None  # the open Train dialog, if any
        self.last_config: TrainConfig | None = None
        self.current_run: Path | None = None  # the run shown in the panel (running or last)
        self.last_end: TrainEnd | None = None
        self.overlay_image: int | None = None
        self._close_after_stop = False
        self._preload_scheduled = False
        self._build_actions()
        self._connect()
        self._project_opened(self.store)

    def _build_actions(self) -> None:
        self.train_action = QAction(self.tr("&Train a model…"), self)
        self.train_action.setShortcut("Ctrl+T")
        self.cancel_action = QAction(self.tr("&Cancel training"), self)
        self.resume_action = QAction(self.tr("&Resume last run"), self)
        self.runs_action = QAction(self.tr("Show &runs"), self)

    def _connect(self) -> None:
        self.train_action.triggered.connect(self.open_dialog)
        self.cancel_action.triggered.connect(self.cancel)
        self.resume_action.triggered.connect(self.resume)
        self.runs_action.triggered.connect(self.show_runs)
        p = self.panel
        p.trainRequested.connect(self.open_dialog)
        p.cancelRequested.connect(self.cancel)
        p.resumeRequested.connect(self.resume)
        p.retryFromScratchRequested.connect(self.retry_from_scratch)
        p.strip.thumbnailActivated.connect(self.open_prediction)
        p.runs.showCurves.connect(self.show_run)
        p.runs.resumeRequested.connect(self.resume)
        s = self.runner.signals
        s.started.connect(self._on_started)
        s.stepped.connect(p.on_step)
        s.epochEnded.connect(p.on_epoch_end)
        s.predicted.connect(self._on_predictions)
        s.checkpointed.connect(p.on_checkpoint)
        s.logged.connect(p.on_log)
        s.ended.connect(self._on_ended)
        self.runner.finished.connect(self._on_thread_finished)
        self.workspace.projectOpened.connect(self._project_opened)
        self.workspace.imageChanged.connect(self._image_changed)

    def fill_menu(self, menu: QMenu) -> None:
        """Train a model, Cancel, Resume, Show runs, and the dock's toggle."""
        menu.addActions([self.train_action, self.cancel_action, self.resume_action, self.runs_action])
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())

    def _dialog_parent(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    # ------------------------------------------------------------- state
    @property
    def store(self) -> ProjectStore | None:
        return self.workspace.store

    @property
    def running(self) -> bool:
        return self.runner.running

    def _update_actions(self) -> None:
        can_resume = self._resumable() is not None
        has_project = self.store is not None
        self.train_action.setEnabled(has_project and not self.running)
        self.cancel_action.setEnabled(self.running)
        self.resume_action.setEnabled(has_project and not self.running and can_resume)
        self.panel.set_running(self.running, can_resume)
        self.panel.train_button.setEnabled(has_project and not self.running)
        self.panel.runs.set_running(self.current_run if self.running else None)

    def _resumable(self) -> Path | None:
        run = self.current_run
        if run is None or not RunFolder(run).last_checkpoint.is_file() or not RunFolder(run).is_run():
            return None
        return run

    def _project_opened(self, store: ProjectStore | None) -> None:
        if not self.running:
            self.current_run = None
            self.last_end = None
        self.panel.runs.set_store(store, refresh=self.panel.tabs.currentWidget() is self.panel.runs)
        self._update_actions()

    # ------------------------------------------------------------ starting
    def open_dialog(self):
        """Show the Train dialog (non-modal in tests, window-modal for people); returns it."""
        from .dialog import TrainDialog  # not needed until a run is asked for

        if self.store is None or self.running:
            return None
        snapshot = self.store.snapshot()
        task = self.last_config.task if self.last_config is not None else None
        dialog = TrainDialog(snapshot, available_devices(), self._dialog_parent(), task=task)
        if self.last_config is not None and self.last_config.task == dialog.task:
            dialog.set_model(self.last_config.model)
        dialog.accepted.connect(lambda: self.start(dialog.config(), dialog.snapshot))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # after its signals: not kept by the window
        self.dialog = dialog
        dialog.open()
        return dialog

    def start(self, config: TrainConfig, snapshot: Snapshot | None = None) -> bool:
        """Start a run. The engine reads ``snapshot`` (taken now when not
        given), so labelling can go on while it trains."""
        store = self.store
        if store is None or self.running:
            return False
        if snapshot is None and config.resume is None:
            snapshot = store.snapshot()
        self.last_config = config
        self.last_end = None
        self.current_run = Path(config.resume) if config.resume else None
        what = self.tr("Resuming {run}…").format(run=Path(config.resume).name) if config.resume else \
            self.tr("Starting {model}…").format(model=config.model)
        self.panel.reset(what)
        self.panel.title.setText(what)
        if config.resume:
            self._load_curves(Path(config.resume))
        colors = {c.name: c.color for c in store.classes()}
        self.runner.start(store.root, config, snapshot, colors)
        self.show_dock()
        self._update_actions()
        return True

    def cancel(self) -> None:
        if self.running:
            self.runner.cancel()
            self.panel.cancel_button.setEnabled(False)
            self.panel.title.setText(self.tr("Stopping after this step…"))

    def resume(self, run_dir: Path | None = None) -> bool:
        """Continue ``run_dir`` (default: the run in the panel) from its last.pt.
        A run that had finished is asked how many more epochs to train."""
        run = Path(run_dir) if run_dir else self._resumable()
        if run is None or self.running or self.store is None:
            return False
        folder = RunFolder(run)
        try:
            config = folder.train_config()
        except ConfigError as e:
            self.panel.show_message(self.tr("Cannot resume {run}: {error}").format(run=run.name, error=e))
            return False
        status = None
        if self.last_end is not None and self.current_run == run:
            status = self.last_end.reason
        else:
            info = folder.info()
            status = info.status if info else None
        if status in ("finished", "early_stop"):
            more, ok = QInputDialog.getInt(self._dialog_parent(), self.tr("Resume"),
                                           self.tr("The run finished its {n} epochs. Train how many more?").format(
                                               n=config.epochs), 10, 1, 10_000)
            if not ok:
                return False
            config.epochs += more
            config.max_steps = None
        config.resume = str(run)
        return self.start(config)

    def retry_from_scratch(self) -> None:
        if self.last_config is None or self.running:
            return
        config = TrainConfig.from_dict(self.last_config.to_dict())
        config.pretrained = False
        config.resume = None
        self.start(config)

    # -------------------------------------------------------------- events
    def _on_started(self, e: TrainStart) -> None:
        self.current_run = Path(e.run_dir) if e.run_dir else None
        self.panel.on_started(e)
        self._update_actions()
        self.panel.runs.refresh()
        if self.current_run is not None:
            self.panel.runs.select_run(self.current_run)

    def _on_predictions(self, strip: PredictionStrip) -> None:
        self.panel.on_predictions(strip)

    def _on_ended(self, e: TrainEnd) -> None:
        self.last_end = e
        if e.run_dir:
            self.current_run = Path(e.run_dir)
        self.panel.on_ended(e)
        cfg = self.last_config
        # Failed before the first step, asking for weights this computer does not have:
        # offer the one-click way out.
        if e.reason == "error" and e.step == 0 and cfg is not None and cfg.pretrained and not cfg.resume \
                and not weights_cached(cfg.model):
            self.panel.scratch_button.setVisible(True)

    def _on_thread_finished(self) -> None:
        self._update_actions()
        self.panel.runs.refresh()
        if self.current_run is not None:
            self.panel.runs.select_run(self.current_run)
        if self._close_after_stop:
            self._close_after_stop = False
            self.stoppedForClose.emit()

    # ------------------------------------------------------------ browsing
    def show_dock(self) -> None:
        if not self.dock.isVisible():
            self.dock.show()
            main = self.dock.parentWidget()
            if isinstance(main, QMainWindow):
                # A third of the window: the canvas stays the larger part, labelling goes on.
                main.resizeDocks([self.dock], [max(300, main.height() // 3)], Qt.Orientation.Vertical)
        self.dock.raise_()

    def show_runs(self) -> None:
        self.show_dock()
        self.panel.runs.refresh()
        self.panel.tabs.setCurrentWidget(self.panel.runs)

    def show_run(self, run_dir: Path) -> None:
        """Show a past run's curves again (from its metrics.jsonl)."""
        if self.running:
            self.panel.show_message(self.tr("A run is in progress; its curves are shown. Open past runs once it "
                                            "ends."), "info")
            return
        self.current_run = Path(run_dir)
        self.panel.reset(self.tr("Run {name}").format(name=Path(run_dir).name))
        self._load_curves(Path(run_dir))
        self._update_actions()

    def _load_curves(self, run_dir: Path) -> None:
        p = self.panel
        for event in saved_events(run_dir):
            name = type(event).__name__
            handler: Any = {"TrainStart": p.on_started, "Step": p.on_step, "EpochEnd": p.on_epoch_end}.get(name)
            if handler is not None:
                handler(event)
            elif name == "TrainEnd" and not self.running:
                p.on_ended(event)
                self.last_end = event
        p.curves.redraw()

    # --------------------------------------------------------- predictions
    def open_prediction(self, thumb: Thumbnail) -> bool:
        """Open the thumbnail's image in the canvas with the predictions over it."""
        store = self.store
        if store is None:
            return False
        try:
            item = store.image_by_path(thumb.image_path)
        except Exception:  # noqa: BLE001 - a path outside this project (another project was opened)
            item = None
        if item is None:
            self.panel.show_message(self.tr("{path} is not in the open project.").format(path=thumb.image_path),
                                    "warning")
            return False
        self.workspace.go_to_image(item.id)
        self.overlay_image = item.id
        self.canvas.set_overlay([s for s in thumb.predictions if not isinstance(s, ImageTag)])
        # Image classes have no outline to draw: say the model's answer in the status bar.
        tags = sorted((s for s in thumb.predictions if isinstance(s, ImageTag)),
                      key=lambda s: -(s.source.score or 0.0))
        if tags:
            score = f" ({tags[0].source.score:.2f})" if tags[0].source.score is not None else ""
            self.workspace.show_status(
                self.tr("The model says: {label}{score}").format(label=tags[0].label, score=score), 10_000)
        return True

    def _image_changed(self, image_id: int) -> None:
        if self.overlay_image is not None and image_id != self.overlay_image:
            self.overlay_image = None
            self.canvas.set_overlay([])

    # ------------------------------------------------------- window life
    def schedule_preload(self) -> None:
        """The window is shown: import the Train dialog's engine code a
        little later (:mod:`labeltool.gui.jobs.preload`), once."""
        if not self._preload_scheduled:
            self._preload_scheduled = True
            QTimer.singleShot(PRELOAD_DELAY_MS, self, preload_engine)

    def may_close(self) -> bool:
        """Whether the window may close now. While a run goes on: asks, and
        on Yes cancels it; :attr:`stoppedForClose` follows once the thread
        has stopped."""
        if not self.running:
            return True
        if not self._close_after_stop:
            answer = QMessageBox.question(
                self._dialog_parent(), self.tr("Training in progress"),
                self.tr("A model is training. Stop it and close? The last checkpoint is kept and the run "
                        "can be resumed later."),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                return False
            self._close_after_stop = True
            self.cancel()
        return False

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel and wait for the worker (tests, application exit)."""
        self.runner.cancel()
        return self.runner.wait(timeout_ms)

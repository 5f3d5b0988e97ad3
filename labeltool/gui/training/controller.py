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

A run that finishes becomes the project's active run (:class:`ActiveRun`,
shared with review), and its banner offers "Review with this model". The
Train dialog opens with the settings it was last started with in this
project (kept in the store's meta table).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QInputDialog, QMainWindow, QMenu, QMessageBox, QWidget

from labeltool.core.errors import StoreError
from labeltool.core.shapes import ImageTag
from labeltool.core.store import ProjectStore, Snapshot

from ..jobs.preload import PRELOAD_DELAY_MS, preload_engine
from ..jobs.project_meta import json_object
from ..jobs.runs import ActiveRun, ConfigError, RunFolder, latest_run, saved_events
from ..jobs.train_setup import available_devices
from ..jobs.training import PredictionStrip, TrainConfig, TrainFn, TrainingRunner
from .panel import TrainingPanel
from .thumbnails import Thumbnail

if TYPE_CHECKING:  # pragma: no cover
    from engine.events import TrainEnd, TrainStart

    from ..canvas import CanvasView
    from ..workspace import Workspace


# The store's meta key under which the Train dialog's last settings are kept (JSON).
DIALOG_SETTINGS_KEY = "train_dialog"
WEIGHTS_UNAVAILABLE = "weights_unavailable"  # TrainEnd.details["code"] of missing pretrained weights


class TrainingController(QObject):
    stoppedForClose = Signal()  # the run stopped after a close was asked for: close now

    def __init__(self, workspace: "Workspace", canvas: "CanvasView", train_fn: TrainFn | None = None,
                 runner: QObject | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.canvas = canvas
        self.runner = runner if runner is not None else TrainingRunner(train_fn, self)
        self.active = ActiveRun.of(workspace)  # the run review uses, shared with the Review panel
        self.panel = TrainingPanel()
        self.panel.runs.set_active_holder(self.active)
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
        self._latest_shown = False  # the newest run's curves were put in the panel since the project opened
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
        p.chooseWeightsRequested.connect(self.choose_weights)
        p.reviewRequested.connect(self.review_with_run)
        p.runs.runsDeleted.connect(self._runs_deleted)
        self.dock.visibilityChanged.connect(self._dock_visibility)
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
        self.panel.runs.set_store(store, refresh=self.panel.tabs.currentWidget() is self.panel.runs)
        if not self.running:
            self.current_run = None
            self.last_end = None
            self.panel.reset(self.panel.no_run_text())
            self._latest_shown = False
            if self.dock.isVisible():
                self._show_latest()
        self._update_actions()

    def _dock_visibility(self, visible: bool) -> None:
        # After a restart the dock shows the newest run, read when first looked at.
        if visible and not self._latest_shown and not self.running and self.current_run is None:
            self._show_latest()

    def _show_latest(self) -> None:
        self._latest_shown = True
        run = latest_run(self.store.root) if self.store is not None else None
        if run is not None:
            self.show_run(run)

    def _runs_deleted(self, runs: list[Path]) -> None:
        if self.current_run is not None and not self.running and \
                any(Path(r).resolve() == self.current_run.resolve() for r in runs):
            self.current_run = None
            self.last_end = None
            self.panel.reset(self.panel.no_run_text())
            self._show_latest()
        self._update_actions()

    # ---------------------------------------------------- dialog settings
    def saved_settings(self) -> dict[str, Any]:
        """The Train dialog's settings last started with in this project."""
        return json_object(self.store.get_meta(DIALOG_SETTINGS_KEY) if self.store is not None else None)

    def _save_settings(self, settings: dict[str, Any]) -> None:
        if self.store is None or self.store.readonly:
            return
        try:
            self.store.set_meta(DIALOG_SETTINGS_KEY, json.dumps(settings))
        except StoreError:
            pass  # busy: the dialog opens with its defaults next time, nothing else is lost

    # ------------------------------------------------------------ starting
    def open_dialog(self):
        """Show the Train dialog (non-modal in tests, window-modal for people); returns it."""
        from .dialog import TrainDialog  # not needed until a run is asked for

        if self.store is None or self.running:
            return None
        snapshot = self.store.snapshot()
        dialog = TrainDialog(snapshot, available_devices(), self._dialog_parent(), settings=self.saved_settings())
        dialog.accepted.connect(lambda: self._start_from(dialog))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # after its signals: not kept by the window
        self.dialog = dialog
        dialog.open()
        return dialog

    def _start_from(self, dialog: Any) -> None:
        self._save_settings(dialog.settings())
        self.start(dialog.config(), dialog.snapshot)

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
            # The curves so far, not how that part ended: its "press Resume" is stale now.
            self._load_curves(Path(config.resume), with_end=False)
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
        done = config.epochs  # epochs trained, when its end is not at hand
        if self.last_end is not None and self.current_run == run:
            status = self.last_end.reason
            done = self.last_end.epochs_done or done  # a step limit may have ended it sooner
        else:
            info = folder.info()
            status = info.status if info else None
        if status in ("finished", "early_stop"):
            more, ok = QInputDialog.getInt(self._dialog_parent(), self.tr("Resume"),
                                           self.tr("The run finished its {n} epochs. Train how many more?").format(
                                               n=done), 10, 1, 10_000)
            if not ok:
                return False
            config.epochs = done + more
            config.max_steps = None
        config.resume = str(run)
        return self.start(config)

    def retry_from_scratch(self) -> None:
        if self.last_config is None or self.running:
            return
        config = TrainConfig.from_dict(self.last_config.to_dict())
        config.pretrained = False
        config.weights = None
        config.resume = None
        self.start(config)

    def choose_weights(self, path: str | None = None) -> bool:
        """Start the failed run again from a weights file the person has
        (asked for in a file dialog when ``path`` is not given)."""
        if self.last_config is None or self.running:
            return False
        if path is None:
            details = (self.last_end.details if self.last_end is not None else None) or {}
            path, _ = QFileDialog.getOpenFileName(
                self._dialog_parent(), self.tr("Choose the pretrained weights file"), details.get("folder", ""),
                self.tr("Weights files (*.pth *.pt);;All files (*)"))
            if not path:
                return False
        config = TrainConfig.from_dict(self.last_config.to_dict())
        config.weights = str(path)
        config.resume = None
        return self.start(config)

    def review_with_run(self) -> None:
        """"Review with this model": the run shown becomes active and review starts with it."""
        run = self.current_run
        if run is not None and RunFolder(run).has_checkpoint():
            self.active.review_with(run)

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
        self.panel.on_ended(e, can_resume=self._resumable() is not None)
        if e.reason in ("finished", "early_stop") and self.current_run is not None \
                and RunFolder(self.current_run).has_checkpoint():
            self.active.set(self.current_run)  # a finished run is the one review uses from now on
        self._offer_next_steps(e)

    def _offer_next_steps(self, e: TrainEnd) -> None:
        """The buttons beside the run's message: review with a finished run;
        after pretrained weights could not be fetched, pick the file or
        train from scratch."""
        p = self.panel
        finished = e.reason in ("finished", "early_stop") and self.current_run is not None \
            and RunFolder(self.current_run).has_checkpoint()
        p.review_button.setVisible(finished)
        offline = (e.details or {}).get("code") == WEIGHTS_UNAVAILABLE and self.last_config is not None
        p.weights_button.setVisible(offline)
        p.scratch_button.setVisible(offline)

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

    def _load_curves(self, run_dir: Path, with_end: bool = True) -> None:
        p = self.panel
        for event in saved_events(run_dir):
            name = type(event).__name__
            handler: Any = {"TrainStart": p.on_started, "Step": p.on_step, "EpochEnd": p.on_epoch_end}.get(name)
            if handler is not None:
                handler(event)
            elif name == "TrainEnd" and with_end and not self.running:
                self.last_end = event
                p.on_ended(event, can_resume=self._resumable() is not None)
                self._offer_next_steps(event)
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

"""Wires the Train menu, the Train dialog, the training runner and the
Training panel into the main window.

The window needs only::

    self.training = TrainingController(self)

The controller adds its dock and its actions to ``menus["train"]``, follows
``projectOpened``, and watches the window's Close event: closing while a
run goes on asks first, then cancels the run and closes the window once the
worker thread has really stopped (so the run's last checkpoint is written
and no thread outlives the window).
"""
from __future__ import annotations

import importlib
import json
import sys
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QInputDialog, QMainWindow, QMessageBox

from engine.config import TrainConfig
from engine.errors import ConfigError
from engine.events import TrainEnd, TrainStart
from engine.runs import RunFolder
from labeltool.core.shapes import ImageTag
from labeltool.core.store import ProjectStore, Snapshot

from .panel import TrainingPanel
from .runner import PredictionStrip, TrainFn, TrainingRunner
from .thumbnails import Thumbnail


# The Train dialog needs torch and torchvision (devices, model list): ~2 s to
# import, which froze the window the first time it opened. They are imported
# on a background thread this long after the window is first shown: late
# enough that start-up and the first image never wait for them, early enough
# that the dialog opens at once. Import only: no Qt object is touched there.
PRELOAD_DELAY_MS = 2500
PRELOAD_MODULES = ("engine.device", "engine.models", "engine.models.weights", "engine.data")  # data: cv2
_preload_started = False


def preload_engine() -> threading.Thread | None:
    """Import what the Train dialog needs on a daemon thread (once per process)."""
    global _preload_started
    if _preload_started or all(m in sys.modules for m in PRELOAD_MODULES):
        return None
    _preload_started = True

    def run() -> None:
        for name in PRELOAD_MODULES:
            try:
                importlib.import_module(name)
            except Exception:  # noqa: BLE001 - the dialog imports again and shows the error then
                return

    thread = threading.Thread(target=run, name="labeltool-preload-engine", daemon=True)
    thread.start()
    return thread


class TrainingController(QObject):
    def __init__(self, window: QMainWindow, train_fn: TrainFn | None = None, runner: QObject | None = None):
        super().__init__(window)
        self.window = window
        self.runner = runner if runner is not None else TrainingRunner(train_fn, self)
        self.panel = TrainingPanel()
        # Below the canvas: the curves want width. Hidden until a run starts or runs are asked for.
        self.dock: QDockWidget = window.add_dock(self.panel, Qt.DockWidgetArea.BottomDockWidgetArea,
                                                 self.tr("Training"), "training")
        self.dock.hide()
        # The right-hand panels (classes, shapes, review) keep the full height; the
        # Training dock shares its height with the canvas only.
        window.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.dialog = None  # the open Train dialog, if any
        self.last_config: TrainConfig | None = None
        self.current_run: Path | None = None  # the run shown in the panel (running or last)
        self.last_end: TrainEnd | None = None
        self.overlay_image: int | None = None
        self._close_after_stop = False
        self._preload_scheduled = False

        self.train_action = QAction(self.tr("&Train a model…"), self)
        self.train_action.setShortcut("Ctrl+T")
        self.train_action.triggered.connect(self.open_dialog)
        self.cancel_action = QAction(self.tr("&Cancel training"), self)
        self.cancel_action.triggered.connect(self.cancel)
        self.resume_action = QAction(self.tr("&Resume last run"), self)
        self.resume_action.triggered.connect(self.resume)
        self.runs_action = QAction(self.tr("Show &runs"), self)
        self.runs_action.triggered.connect(self.show_runs)
        menu = getattr(window, "menus", {}).get("train") or window.menuBar().addMenu(self.tr("T&rain"))
        for a in (self.train_action, self.cancel_action, self.resume_action, self.runs_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.dock.toggleViewAction())

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
        if hasattr(window, "projectOpened"):
            window.projectOpened.connect(self._project_opened)
        if hasattr(window, "imageChanged"):
            window.imageChanged.connect(self._image_changed)
        window.installEventFilter(self)
        self._project_opened(self.store)

    # ------------------------------------------------------------- state
    @property
    def store(self) -> ProjectStore | None:
        return getattr(self.window, "store", None)

    @property
    def running(self) -> bool:
        return self.runner.running

    def _update_actions(self) -> None:
        can_resume = self._resumable() is not None
        has_project = self.store is not None
        self.train_action.setEnabled(has_project and not self.running)
        self.cancel_action.setEnabled(self.running)
        self.resume_action.setEnabled(has_project and not self.running and can_resume)
        self.panel.train_button.setEnabled(has_project and not self.running)
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
        from engine.device import available_devices

        from .dialog import TrainDialog

        if self.store is None or self.running:
            return None
        snapshot = self.store.snapshot()
        task = self.last_config.task if self.last_config is not None else None
        dialog = TrainDialog(snapshot, available_devices(), self.window, task=task)
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
            more, ok = QInputDialog.getInt(self.window, self.tr("Resume"),
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
                and not self._weights_cached(cfg.model):
            self.panel.scratch_button.setVisible(True)

    def _on_thread_finished(self) -> None:
        self._update_actions()
        self.panel.runs.refresh()
        if self.current_run is not None:
            self.panel.runs.select_run(self.current_run)
        if self._close_after_stop:
            self._close_after_stop = False
            self.window.close()

    @staticmethod
    def _weights_cached(model: str) -> bool:
        from engine.models import MODELS
        from engine.models.weights import cached_weights_path

        spec = MODELS.get(model)
        return spec is None or cached_weights_path(spec.weights).is_file()

    # ------------------------------------------------------------ browsing
    def show_dock(self) -> None:
        if not self.dock.isVisible():
            self.dock.show()
            # A third of the window: the canvas stays the larger part, labelling goes on.
            self.window.resizeDocks([self.dock], [max(300, self.window.height() // 3)], Qt.Orientation.Vertical)
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
        from engine.events import event_from_json
        from engine.runs import read_metrics

        p = self.panel
        for record in read_metrics(run_dir):
            name = record.pop("event")
            try:
                event = event_from_json(json.dumps({"event": name, "data": record}))
            except (KeyError, TypeError, ValueError):
                continue  # a line from another engine version: skip it, keep the rest
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
        self.window.go_to_image(item.id)
        self.overlay_image = item.id
        self.window.canvas.set_overlay([s for s in thumb.predictions if not isinstance(s, ImageTag)])
        # Image classes have no outline to draw: say the model's answer in the status bar.
        tags = sorted((s for s in thumb.predictions if isinstance(s, ImageTag)),
                      key=lambda s: -(s.source.score or 0.0))
        if tags:
            score = f" ({tags[0].source.score:.2f})" if tags[0].source.score is not None else ""
            self.window.statusBar().showMessage(
                self.tr("The model says: {label}{score}").format(label=tags[0].label, score=score), 10_000)
        return True

    def _image_changed(self, image_id: int) -> None:
        if self.overlay_image is not None and image_id != self.overlay_image:
            self.overlay_image = None
            self.window.canvas.set_overlay([])

    # ------------------------------------------------------------- closing
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.window and event.type() == QEvent.Type.Show and not self._preload_scheduled:
            self._preload_scheduled = True
            QTimer.singleShot(PRELOAD_DELAY_MS, self, preload_engine)
        if obj is self.window and event.type() == QEvent.Type.Close and self.running:
            if not self._close_after_stop:
                answer = QMessageBox.question(
                    self.window, self.tr("Training in progress"),
                    self.tr("A model is training. Stop it and close? The last checkpoint is kept and the run "
                            "can be resumed later."),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
                if answer != QMessageBox.StandardButton.Yes:
                    event.ignore()
                    return True
                self._close_after_stop = True
                self.cancel()
            event.ignore()  # closed again by _on_thread_finished once the thread is done
            return True
        return super().eventFilter(obj, event)

    def shutdown(self, timeout_ms: int = 60_000) -> bool:
        """Cancel and wait for the worker (tests, application exit)."""
        self.runner.cancel()
        return self.runner.wait(timeout_ms)

"""Training: runs the engine in a worker thread and turns its events into Qt signals.

The shape of labelme's download worker: a pure library function
(``engine.run.train``) that takes callbacks and a cancel token; a small
QObject moved to a QThread that calls it; an adapter (:class:`SignalCallback`)
that posts one signal emission per event to the GUI thread (gui_queue.py
says why the worker never emits itself): slots always run on the GUI
thread, and the GUI thread never calls into torch itself.

Prediction thumbnails are drawn on the worker thread (QImage and QPainter
are safe there, QPixmap is not), so a new strip costs the GUI thread nothing
but a pixmap conversion.
"""
from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from engine.config import TrainConfig
from engine.events import (
    Callback,
    CancelToken,
    Checkpoint,
    EpochEnd,
    Log,
    Predictions,
    Step,
    TrainEnd,
    TrainStart,
)
from labeltool.core.store import Snapshot

from ..gui_queue import GuiQueue
from ..training.thumbnails import Thumbnail, render_thumbnail
from .reading_rows import LineRow, reading_rows

# TrainConfig, a plain dataclass, is what the Train dialog and the controller
# fill in and read: they import it from here.

# train(project_root, config, callbacks=..., cancel=..., snapshot=...) -> result
TrainFn = Callable[..., Any]


# Data-loader workers started from the window never fork it: a fork copies
# the Qt threads' locks in whatever state they are (engine.run.worker_context).
# forkserver forks from a clean server that imports the data code once: the
# first loader waits for that, later ones (validation, the next run) do not.
# Measured on two busy cores, 2 workers, time to the first batch: forkserver
# 6-8 s the first time, 0.4-0.6 s after; spawn 9-16 s every time (each worker
# imports torch); fork 0.2-0.3 s. Windows has only spawn.
WORKER_START = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


def _engine_train(*args: Any, **kwargs: Any) -> Any:
    # Imported when a run starts, not when the window opens: torch is slow to import.
    from engine.run import train

    return train(*args, worker_start=WORKER_START, **kwargs)


@dataclass
class PredictionStrip:
    """One epoch's streamed predictions, with thumbnails ready to show."""

    epoch: int
    step: int
    thumbnails: list[Thumbnail]
    lines: list[LineRow] = field(default_factory=list)  # a recogniser's: each line read, worst first


class TrainingSignals(QObject):
    """Lives in the GUI thread; every signal carries one engine event.

    The worker posts each emission through :attr:`queue` (see gui_queue.py
    for why a worker never emits a signal itself), so every signal is
    emitted on the GUI thread, in the engine's order.
    """

    started = Signal(object)  # TrainStart
    stepped = Signal(object)  # Step
    epochEnded = Signal(object)  # EpochEnd
    predicted = Signal(object)  # PredictionStrip
    checkpointed = Signal(object)  # Checkpoint
    logged = Signal(object)  # Log
    ended = Signal(object)  # TrainEnd (always the last signal of a run)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.queue = GuiQueue(self)


class SignalCallback(Callback):
    """The engine callback that forwards each event as a signal."""

    def __init__(self, signals: TrainingSignals, class_colors: dict[str, str] | None = None,
                 thumb_size: int = 128):
        self.signals = signals
        self.class_colors = dict(class_colors or {})
        self.thumb_size = thumb_size
        self.ended = False

    def on_train_start(self, event: TrainStart) -> None:
        self.signals.queue.post(self.signals.started.emit, event)

    def on_step(self, event: Step) -> None:
        self.signals.queue.post(self.signals.stepped.emit, event)

    def on_epoch_end(self, event: EpochEnd) -> None:
        self.signals.queue.post(self.signals.epochEnded.emit, event)

    def on_predictions(self, event: Predictions) -> None:
        thumbs = [render_thumbnail(s, self.class_colors, self.thumb_size) for s in event.samples]
        strip = PredictionStrip(event.epoch, event.step, thumbs, reading_rows(event.samples))
        self.signals.queue.post(self.signals.predicted.emit, strip)

    def on_checkpoint(self, event: Checkpoint) -> None:
        self.signals.queue.post(self.signals.checkpointed.emit, event)

    def on_train_end(self, event: TrainEnd) -> None:
        self.ended = True
        self.signals.queue.post(self.signals.ended.emit, event)

    def on_log(self, event: Log) -> None:
        self.signals.queue.post(self.signals.logged.emit, event)


class _Worker(QObject):
    """Moved to the worker thread; :meth:`run` is the whole job."""

    def __init__(self, train_fn: TrainFn, project_root: Path, config: TrainConfig,
                 snapshot: Snapshot | None, callback: SignalCallback, token: CancelToken):
        super().__init__()
        self._args = (train_fn, project_root, config, snapshot, callback, token)

    @Slot()
    def run(self) -> None:
        train_fn, root, config, snapshot, callback, token = self._args
        try:
            train_fn(root, config, callbacks=[callback], cancel=token, snapshot=snapshot)
        except BaseException as e:  # noqa: BLE001 - the window must outlive any engine bug
            if not callback.ended:
                callback.on_log(Log("error", traceback.format_exc()))
                callback.on_train_end(TrainEnd(
                    "error", f"training stopped on an unexpected error: {type(e).__name__}: {e}. "
                    "Your labels are safe. The details are in the log; please report them.",
                    0, str(config.resume or "")))
        finally:
            if not callback.ended:
                # An engine that returns without its TrainEnd still ends the run here,
                # so the panel never waits forever.
                callback.on_train_end(TrainEnd("error", "training ended without a final report", 0, ""))
            # quit() from the thread itself: no signal emitted on this thread.
            QThread.currentThread().quit()


class TrainingRunner(QObject):
    """Starts one run at a time in a QThread; cancel with :meth:`cancel`.

    Connect to :attr:`signals`; :attr:`finished` fires once the thread has
    really stopped (after ``signals.ended``), which is when it is safe to
    start another run or to close the window.
    """

    finished = Signal()

    def __init__(self, train_fn: TrainFn | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.signals = TrainingSignals(self)
        self._train_fn = train_fn or _engine_train
        self._thread: QThread | None = None
        self._worker: _Worker | None = None
        self._token: CancelToken | None = None

    @property
    def running(self) -> bool:
        # isFinished, not only "not None": after wait() the thread is over before
        # the queued clean-up below has run.
        return self._thread is not None and not self._thread.isFinished()

    def start(self, project_root: Path, config: TrainConfig, snapshot: Snapshot | None = None,
              class_colors: dict[str, str] | None = None) -> None:
        if self.running:
            raise RuntimeError("a training run is already going")
        if self._thread is not None:  # finished, clean-up still queued: do it now
            self._on_thread_finished(self._thread)
        self._token = CancelToken()
        callback = SignalCallback(self.signals, class_colors)
        self._worker = _Worker(self._train_fn, Path(project_root), config, snapshot, callback, self._token)
        self._thread = QThread()
        self._thread.setObjectName("labeltool-training")
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        # A bound slot of this GUI-thread object: queued, so the clean-up runs on the GUI thread.
        self._thread.finished.connect(self._thread_done)
        self._thread.start(QThread.Priority.LowPriority)

    def cancel(self) -> None:
        """Ask the run to stop; the engine checks once per step and keeps its last checkpoint."""
        if self._token is not None:
            self._token.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until the thread ends (tests and shutdown); True when it has."""
        thread = self._thread
        if thread is None:
            return True
        ok = thread.wait() if msecs < 0 else thread.wait(msecs)
        return bool(ok)

    @Slot()
    def _thread_done(self) -> None:
        self.signals.queue.drain()  # the run's last events before its end
        thread = self.sender()
        if isinstance(thread, QThread):
            self._on_thread_finished(thread)

    def _on_thread_finished(self, thread: QThread) -> None:
        if thread is not self._thread:
            return  # already cleaned up by a start() that came first
        self._thread = None
        if self._worker is not None:
            self._worker.deleteLater()
            self._worker = None
        thread.deleteLater()
        self.finished.emit()


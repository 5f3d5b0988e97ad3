"""Run calls from worker threads on the GUI thread, without Qt signals.

A worker thread that emits a PySide signal carrying Python objects takes
Qt's connection lock and then the GIL (to copy the arguments for the queued
call). The GUI thread, meanwhile, holds the GIL and may take the same lock
while it destroys any QObject (locks are pooled by address). Each waits for
the other: the window freezes for good. We saw exactly that in the test
suite, a training run's emission against a window being freed.

So workers never emit: they :meth:`GuiQueue.post` a call into a plain
thread-safe queue and wake the GUI thread with an argument-less queued
``drain`` call (an event post: no connection lock, no Python argument to
copy), so results arrive at once; a slow timer drains too, as a backstop.
"""
from __future__ import annotations

import queue
from typing import Any, Callable

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Slot


class GuiQueue(QObject):
    """Create on the GUI thread; :meth:`post` from any thread."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 100):
        super().__init__(parent)
        self._calls: queue.SimpleQueue[tuple[Callable[..., Any], tuple[Any, ...]]] = queue.SimpleQueue()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.drain)
        self._timer.start()

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        """Call ``fn(*args)`` on the GUI thread: at once when already there,
        else at the next drain, in the order posted."""
        if QThread.currentThread() is self.thread() and self._calls.empty():
            fn(*args)
            return
        self._calls.put((fn, args))
        QMetaObject.invokeMethod(self, "drain", Qt.ConnectionType.QueuedConnection)

    @Slot()
    def drain(self) -> None:
        """Run every pending call now (also called before handling a
        worker's end, so that its last calls come first)."""
        while True:
            try:
                fn, args = self._calls.get_nowait()
            except queue.Empty:
                return
            fn(*args)


class PostingThread(QThread):
    """A QThread whose :meth:`run` reports through :meth:`post` instead of
    emitting its signals itself. Its ``finished`` first drains what the run
    posted, so handlers of ``finished`` see the run's results first."""

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._gui = GuiQueue(self)
        self.finished.connect(self._gui.drain)

    def post(self, fn: Callable[..., Any], *args: Any) -> None:
        self._gui.post(fn, *args)

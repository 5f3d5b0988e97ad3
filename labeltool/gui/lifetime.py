"""When Qt objects die: always on the GUI thread, and closed dialogs soon.

Python's cyclic garbage collector runs in whichever thread allocates when a
generation's threshold is crossed. A window or dialog left in a reference
cycle (a lambda connected to its own signal is enough) is then freed by, say,
the training thread, and PySide destroys its Qt objects from there: a crash,
or the deadlock gui_queue.py describes (seen in the test suite). So while the
application runs, automatic collection is off and :class:`GuiThreadCollector`
collects from a timer on the GUI thread, generation by generation, when the
same thresholds are crossed (pyqtgraph's ``util.garbage_collector`` does the
same; importing it would import all of pyqtgraph at start-up).

Fewer cycles to wait for: a dialog is deleted when it closes, not kept as a
child of the window until the window goes (:func:`deleted_after`).
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from PySide6.QtCore import QCoreApplication, QObject, QTimer

_D = TypeVar("_D", bound=QObject)


class GuiThreadCollector(QObject):
    """Create on the GUI thread; collects there every ``interval_ms``, as
    much as automatic collection would have done meanwhile."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = 1000):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.check)
        gc.disable()
        self._timer.start()

    def check(self) -> None:
        """Collect the generations whose counts passed their thresholds,
        as the interpreter's automatic collection would."""
        count0, count1, count2 = gc.get_count()
        if count0 <= self.threshold[0]:
            return
        generation = 0
        if count1 > self.threshold[1]:
            generation = 2 if count2 > self.threshold[2] else 1
        gc.collect(generation)

    def stop(self) -> None:
        """Back to automatic collection (once no other thread runs Qt code)."""
        self._timer.stop()
        gc.enable()


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """Install the collector on ``app`` once (it lives as long as the app)."""
    collector = app.findChild(GuiThreadCollector)
    if collector is None:
        collector = GuiThreadCollector(app)
    return collector


@contextmanager
def deleted_after(dialog: _D) -> Iterator[_D]:
    """``with deleted_after(SomeDialog(parent)) as dlg: dlg.exec(); read dlg``:
    the dialog is deleted once the block has read what it needs.

    Not ``WA_DeleteOnClose`` with ``exec()``: that deletes the dialog inside
    ``exec()``, before its answers can be read."""
    try:
        yield dialog
    finally:
        dialog.deleteLater()

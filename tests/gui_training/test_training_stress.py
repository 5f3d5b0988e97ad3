"""A run from the real window, with two data-loader workers, while the user
opens and closes dialogs and switches images for a while: the window neither
crashes nor hangs, the curves keep coming, and the run ends cleanly.

What it guards: worker threads never free Qt objects (cyclic garbage is
collected on the GUI thread: labeltool/gui/lifetime.py), never emit signals
themselves (gui_queue.py), and the loader's workers are not forked from the
window (engine.run.worker_context)."""
from __future__ import annotations

import gc
import multiprocessing
import threading
import time
import weakref
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

pytestmark = pytest.mark.slow
STRESS_S = 35  # seconds of dialogs and image switches once the first step is in
WAIT = 180_000  # ms: starting workers imports torch; other work may share the two cores


def _close_the_next_modal_dialog() -> None:
    """Reject the next modal dialog (its exec() blocks the caller) once it is up."""
    def run() -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None:
            QTimer.singleShot(10, run)
            return
        dlg.reject()

    QTimer.singleShot(20, run)


def _start_with_two_workers(qtbot, window, monkeypatch):
    from labeltool.gui.training.dialog import TrainDialog

    # The dialog has no workers field (the engine picks from the CPU count,
    # 0 on this two-core machine): two, to have worker processes to start.
    config = TrainDialog.config
    monkeypatch.setattr(TrainDialog, "config", lambda self: replace(config(self), workers=2))
    c = window.training
    c.train_action.trigger()
    dialog = c.dialog
    dialog.pretrained.setChecked(False)
    dialog.epochs.setValue(1000)  # longer than the test: it ends by Cancel
    dialog.batch_size.setValue(4)
    dialog.img_size.setValue(64)
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert c.running and c.last_config.workers == 2
    return c


def _garbage_train_dialog(window, freed_on: list[str]) -> None:
    """A Train dialog shown, closed and dropped in a reference cycle: only
    the cyclic collector frees it, and it must do so on the GUI thread."""
    from engine.device import available_devices
    from labeltool.gui.training.dialog import TrainDialog

    dlg = TrainDialog(window.store.snapshot(), available_devices(), None)
    dlg.itself = dlg
    weakref.finalize(dlg, lambda: freed_on.append(threading.current_thread().name))
    dlg.show()
    QApplication.processEvents()
    dlg.reject()


def test_dialogs_and_image_switches_while_training_with_workers(qtbot, window, monkeypatch):
    c = _start_with_two_workers(qtbot, window, monkeypatch)
    panel, store = c.panel, window.store
    assert c.dialog is None  # the Train dialog closed; it is deleted, not kept by the window
    qtbot.waitUntil(lambda: panel.last_step is not None, timeout=WAIT)
    kinds = {type(p).__name__ for p in multiprocessing.active_children()}
    assert kinds == {"ForkServerProcess"}, kinds  # the window's workers are never forked from it

    images = [item.id for item in store.images()]
    freed_on: list[str] = []
    first_step, points = panel.last_step.step, panel.curves.plotted_points("loss")
    reports = 0
    rounds = 0
    end = time.monotonic() + STRESS_S
    while time.monotonic() < end:
        window.go_to_image(images[rounds % len(images)])
        _close_the_next_modal_dialog()
        window.show_error(f"a message box, round {rounds}")
        _close_the_next_modal_dialog()
        window.show_help()
        _garbage_train_dialog(window, freed_on)
        best = c.current_run / "best.pt" if c.current_run is not None else None
        if rounds % 4 == 3 and best is not None and best.is_file():
            # The model report evaluates in its own thread: closed while it may still work.
            window.review.panel.add_model(c.current_run)
            report = window.review.panel.open_report()
            qtbot.wait(300)
            report.close()
            reports += 1
        qtbot.wait(100)
        rounds += 1
    assert window.current_image().id == images[(rounds - 1) % len(images)]

    # Curves kept arriving while dialogs came and went.
    assert panel.last_step.step > first_step
    assert panel.curves.plotted_points("loss") > points
    assert c.running
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        c.cancel()
    assert c.last_end.reason == "cancelled", c.last_end.message
    assert "Traceback" not in panel.log.toPlainText()
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=10_000)  # workers shut down

    # The dropped dialogs were freed by the collector's timer on the GUI
    # thread, never by the busy training thread; the last ones are freed now.
    assert freed_on and set(freed_on) == {threading.main_thread().name}
    gc.collect()
    assert len(freed_on) == rounds and set(freed_on) == {threading.main_thread().name}
    qtbot.waitUntil(lambda: window.findChildren(QDialog) == [], timeout=5000)  # closed ones deleted
    assert reports >= 1 and rounds >= 10
    print(f"stress: {rounds} rounds, {reports} reports, steps {first_step}->{c.last_end.step}")

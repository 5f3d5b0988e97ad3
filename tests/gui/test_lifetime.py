"""Qt objects die on the GUI thread: cyclic garbage a worker thread makes
reason to collect is collected by the GUI thread's timer instead, and a
dialog read after ``exec()`` is deleted afterwards, not kept by its parent."""
from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QLineEdit, QWidget
from shiboken6 import Shiboken

from labeltool.gui.app import make_app
from labeltool.gui.lifetime import GuiThreadCollector, collect_on_gui_thread, deleted_after


class _Cycle:
    """Garbage only the cyclic collector can free; notes the thread it dies on."""

    def __init__(self, died_on: list[str]):
        self.me = self
        self.died_on = died_on

    def __del__(self) -> None:
        self.died_on.append(threading.current_thread().name)


def test_garbage_made_while_a_worker_allocates_is_collected_on_the_gui_thread(qtbot):
    assert not gc.isenabled()  # the application's collector switched automatic collection off
    gc.collect()
    died_on: list[str] = []
    _Cycle(died_on)  # unreachable at once, freed by the next collection
    kept: list[list[int]] = []

    def allocate() -> None:
        # Far past generation 0's threshold: automatic collection would run here, in this thread.
        kept.extend([i] for i in range(20 * gc.get_threshold()[0]))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert died_on == []
    assert gc.get_count()[0] > gc.get_threshold()[0]
    qtbot.waitUntil(lambda: died_on != [], timeout=5000)  # the timer's next tick
    assert died_on == [threading.main_thread().name]


def test_make_app_installs_one_collector(qapp):
    first = collect_on_gui_thread(make_app())
    assert make_app() is qapp
    assert qapp.findChildren(GuiThreadCollector) == [first]


def test_a_dialog_is_read_after_exec_then_deleted(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    with deleted_after(QDialog(parent)) as dlg:
        field = QLineEdit(dlg)

        def answer() -> None:
            field.setText("typed")
            dlg.accept()

        QTimer.singleShot(0, answer)
        assert dlg.exec() == QDialog.DialogCode.Accepted
        assert field.text() == "typed"  # still there to be read
    qtbot.waitUntil(lambda: not Shiboken.isValid(dlg), timeout=2000)
    assert parent.findChildren(QDialog) == []


def test_the_windows_dialogs_are_deleted_once_answered(main_window, drive, project_store, monkeypatch, tmp_path,
                                                       qtbot):
    from PySide6.QtWidgets import QMessageBox

    w = main_window
    assert w.findChildren(QDialog) == []
    drive.shortcut("W")  # a box, labelled in the label picker
    drive.answer_dialog(lambda d: d.edit.setText("car"))
    drive.drag((10, 10), (50, 50))
    assert [s.label for s in project_store.shapes(w.current_image().id)] == ["car"]

    drive.answer_dialog(None)
    w.show_help()

    out = tmp_path / "exported"
    finished: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: finished.append(text))
    drive.answer_dialog(lambda d: d.destination.setText(str(out)))  # the export options, read after they closed
    w.io_menus.run_export("labelme")  # shows a progress dialog while it writes
    assert finished and any(out.rglob("*.json"))

    qtbot.waitUntil(lambda: w.findChildren(QDialog) == [], timeout=2000)

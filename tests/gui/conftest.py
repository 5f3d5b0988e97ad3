"""Fixtures that drive the real labelling window over a real project store."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from tests.conftest import write_image


@pytest.fixture
def project_folder(tmp_path: Path) -> Path:
    """Three 200x150 photos, one with a Chinese name, and one in a sub-folder."""
    root = tmp_path / "project"
    write_image(root / "img1.jpg", 200, 150, (120, 80, 40))
    write_image(root / "img2.jpg", 200, 150, (40, 120, 80))
    write_image(root / "img3.png", 160, 120, (80, 40, 120))
    write_image(root / "行人_01.jpg", 200, 150, (90, 90, 90))
    return root


@pytest.fixture
def project_store(project_folder: Path):
    from labeltool.core import ProjectStore

    s = ProjectStore.open(project_folder)
    yield s
    s.close()


@pytest.fixture
def main_window(qtbot, project_store):
    from labeltool.gui.main_window import MainWindow

    w = MainWindow(project_store)
    qtbot.addWidget(w)
    w.resize(1100, 750)
    w.show()
    qtbot.waitExposed(w)
    w.canvas.setFocus()
    yield w
    w.close()


class Driver:
    """Mouse and keys on the canvas viewport, at image-pixel positions."""

    def __init__(self, window, qtbot):
        self.w = window
        self.qtbot = qtbot

    @property
    def vp(self):
        return self.w.canvas.viewport()

    def at(self, x: float, y: float) -> QPoint:
        return self.w.canvas.mapFromScene(QPointF(x, y))

    def click(self, x, y, button=Qt.MouseButton.LeftButton, mods=Qt.KeyboardModifier.NoModifier):
        QTest.mouseMove(self.vp, self.at(x, y))
        QTest.mouseClick(self.vp, button, mods, self.at(x, y))

    def double_click(self, x, y):
        QTest.mouseDClick(self.vp, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, self.at(x, y))

    def drag(self, a, b, button=Qt.MouseButton.LeftButton, mods=Qt.KeyboardModifier.NoModifier, steps: int = 4):
        QTest.mouseMove(self.vp, self.at(*a))
        QTest.mousePress(self.vp, button, mods, self.at(*a))
        for i in range(1, steps + 1):
            t = i / steps
            QTest.mouseMove(self.vp, self.at(a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t))
        QTest.mouseRelease(self.vp, button, mods, self.at(*b))

    def key(self, key, mods=Qt.KeyboardModifier.NoModifier, widget=None):
        QTest.keyClick(widget or self.w.canvas, key, mods)

    def shortcut(self, seq: str):
        """Press a menu shortcut the way a user does (through the canvas)."""
        from PySide6.QtGui import QKeySequence

        combo = QKeySequence(seq)[0]
        if not self.w.isActiveWindow():
            # Offscreen Qt does not give the window back its activation when a
            # modal dialog closes (a desktop does); window shortcuts need it.
            self.w.activateWindow()
            self.qtbot.waitUntil(self.w.isActiveWindow, timeout=2000)
        QTest.keyClick(self.w.canvas, combo.key(), combo.keyboardModifiers())

    def answer_dialog(self, fill: Callable | None, accept: bool = True) -> None:
        # Called before the action that opens the dialog: its exec() blocks.
        """Answer the next modal dialog: ``fill(dialog)``, then accept (or reject) it."""
        def run():
            dlg = QApplication.activeModalWidget()
            if dlg is None:  # not open yet (QTest's mouse moves run the event loop)
                QTimer.singleShot(10, run)
                return
            if fill is not None:
                fill(dlg)
            if dlg.isVisible():  # ``fill`` may have answered it (a message box button)
                dlg.accept() if accept else dlg.reject()

        QTimer.singleShot(0, run)


@pytest.fixture
def drive(main_window, qtbot) -> Driver:
    return Driver(main_window, qtbot)


@pytest.fixture
def drive_factory(qtbot):
    """Make a window over a given store: ``window, driver = drive_factory(store)``."""
    def make(store):
        from labeltool.gui.main_window import MainWindow

        w = MainWindow(store)
        qtbot.addWidget(w)
        w.resize(1000, 700)
        w.show()
        qtbot.waitExposed(w)
        return w, Driver(w, qtbot)

    return make


def click_yes(box) -> None:
    from PySide6.QtWidgets import QMessageBox

    box.button(QMessageBox.StandardButton.Yes).click()


@pytest.fixture
def zh_cn(qapp):
    """The application in 简体中文 for one test: our translation and Qt's own,
    as labeltool installs them; taken out again afterwards."""
    from labeltool.gui.i18n import install_translators

    installed = install_translators(qapp, "zh_CN")
    assert installed, "the zh_CN translations did not load"
    yield installed
    for t in installed:
        qapp.removeTranslator(t)

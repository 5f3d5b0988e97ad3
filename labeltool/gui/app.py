"""Application setup: the QApplication, its translators, its garbage
collection on the GUI thread, and ``run_gui``."""
from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .i18n import chosen_language, install_translators
from .lifetime import collect_on_gui_thread


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        QApplication.setOrganizationName("labeltool")
        QApplication.setApplicationName("labeltool")
        app = QApplication(argv if argv is not None else sys.argv[:1])
    if not getattr(app, "_labeltool_translators", None):
        app._labeltool_translators = install_translators(app, chosen_language())
    # From here on, Python's cyclic GC runs only on this (the GUI) thread:
    # lifetime.py says why.
    collect_on_gui_thread(app)
    return app


def run_gui(folder: str | None = None) -> int:
    """Open the labelling window (on ``folder`` if given) and run until it closes."""
    app = make_app()
    from .main_window import MainWindow

    from PySide6.QtCore import QSize

    from .window_layout import fit_to_screen

    window = MainWindow()
    fit_to_screen(window, QSize(1400, 900))  # maximised on a smaller screen (a 1366x768 laptop)
    window.show()
    if folder:
        # After the first paint: the window is up at once, then the project fills it.
        QTimer.singleShot(0, lambda: window.open_project(folder))
    code = app.exec()
    # Shapes left on the clipboard are a QMimeData the clipboard owns; freed
    # during interpreter teardown it crashes the exit (seen offscreen, 6.11).
    app.clipboard().clear()
    return code

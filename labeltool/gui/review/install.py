"""Adds review to a MainWindow: the Review dock, the keyboard actions
(Y accept, N reject, Tab / Shift+Tab next / previous prediction), and menu
entries. The window needs no knowledge of review beyond one call."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from .panel import ReviewPanel
from .session import ReviewSession

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.main_window import MainWindow


@dataclass
class Review:
    session: ReviewSession
    panel: ReviewPanel
    actions: dict[str, QAction]


def install(window: "MainWindow") -> Review:
    session = ReviewSession(window)
    panel = ReviewPanel(window, session)
    window.add_dock(panel, Qt.DockWidgetArea.RightDockWidgetArea, panel.tr("Review"), "review")
    actions: dict[str, QAction] = {}

    def make(name: str, text: str, key: str, slot) -> QAction:
        a = QAction(text, window)
        a.setShortcut(QKeySequence(key))
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        a.triggered.connect(slot)
        window.addAction(a)
        actions[name] = a
        return a

    make("accept", panel.tr("Accept prediction"), "Y", lambda: session.accept())
    make("reject", panel.tr("Reject prediction"), "N", lambda: session.reject())
    make("next", panel.tr("Next prediction"), "Tab", lambda: session.next(1))
    make("previous", panel.tr("Previous prediction"), "Shift+Tab", lambda: session.next(-1))
    make("accept_all", panel.tr("Accept all shown predictions"), "Shift+Y", session.accept_all)

    def enable() -> None:
        # Only while reviewing: Tab keeps moving focus everywhere else.
        for a in actions.values():
            a.setEnabled(session.active and bool(session.all_predictions))
    session.changed.connect(enable)
    enable()

    menu = window.menus.get("train") if hasattr(window, "menus") else None
    if menu is not None:
        menu.addSeparator()
        review_menu = menu.addMenu(panel.tr("&Review predictions"))
        for a in actions.values():
            review_menu.addAction(a)
        review_menu.addSeparator()
        for text, slot in ((panel.tr("Pre-label this image"), lambda: panel.predict("current")),
                           (panel.tr("Pre-label all unlabelled images"), lambda: panel.predict("unlabelled")),
                           (panel.tr("Model report…"), panel.report_button.click),
                           (panel.tr("Export model…"), panel.export_button.click)):
            review_menu.addAction(text).triggered.connect(slot)
    window.review = Review(session, panel, actions)  # type: ignore[attr-defined]
    return window.review  # type: ignore[attr-defined]

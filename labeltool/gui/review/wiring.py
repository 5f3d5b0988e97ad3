"""Review's parts and how they hang together: the session (what is shown
and current), the Review panel, Re-read (text regions read again), and the
keyboard actions (Y accept, N reject, Tab / Shift+Tab next / previous
prediction, Shift+Y accept all shown, Ctrl+R re-read). The window places
the panel in a dock, adds the actions and gives :meth:`Review.fill_menu`
its Train menu; review needs nothing else of it."""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from .panel import PREDICT_CURRENT, PREDICT_UNLABELLED, ReviewPanel
from .reread import Rereader
from .session import ReviewSession

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.canvas import CanvasView
    from labeltool.gui.editing import Editor
    from labeltool.gui.workspace import Workspace


class Review(QObject):
    session: ReviewSession
    panel: ReviewPanel
    rereader: Rereader
    actions: dict[str, QAction]  # accept, reject, next, previous, accept_all (while reviewing); reread

    def __init__(self, workspace: "Workspace", canvas: "CanvasView", editor: "Editor",
                 selected_images: Callable[[], list[int]], parent: QObject | None = None):
        super().__init__(parent)
        self.session = ReviewSession(workspace, canvas, editor, self)
        self.panel = ReviewPanel(workspace, self.session, selected_images)
        self.rereader = Rereader(workspace, canvas, editor, self.panel.text_box.options, self)
        self.actions = {**self._build_actions(), "reread": self.rereader.action}
        self.session.changed.connect(self._enable_actions)
        self._enable_actions()
        if parent is not None:
            parent.installEventFilter(self)  # the window closing: see shutdown()

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if obj is self.parent() and ev.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """Stop pre-labelling, reading text and re-reading before the window
        goes: a worker must not outlive the store it writes to (a reading
        stops after the image in progress)."""
        for job in (self.panel.job, self.rereader.job):
            if job is not None:
                job.requestInterruption()
                job.wait()

    def _build_actions(self) -> dict[str, QAction]:
        session = self.session
        actions: dict[str, QAction] = {}
        for name, text, key, slot in (
                ("accept", self.tr("Accept prediction"), "Y", lambda: session.accept()),
                ("reject", self.tr("Reject prediction"), "N", lambda: session.reject()),
                ("next", self.tr("Next prediction"), "Tab", lambda: session.next(1)),
                ("previous", self.tr("Previous prediction"), "Shift+Tab", lambda: session.next(-1)),
                ("accept_all", self.tr("Accept all shown predictions"), "Shift+Y", session.accept_all)):
            a = QAction(text, self)
            a.setShortcut(QKeySequence(key))
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.triggered.connect(slot)
            actions[name] = a
        return actions

    def _enable_actions(self) -> None:
        # Only while reviewing: Tab keeps moving focus everywhere else.
        on = self.session.active and bool(self.session.all_predictions)
        for name, a in self.actions.items():
            if name != "reread":  # text regions are re-read whenever one is selected
                a.setEnabled(on)
        # With none shown, accepting "all shown" would only delete the hidden ones.
        self.actions["accept_all"].setEnabled(on and bool(self.session.predictions))

    def fill_menu(self, menu: QMenu) -> None:
        """Add "Review predictions" to ``menu``: the actions, pre-labelling,
        the model report and export."""
        panel = self.panel
        menu.addSeparator()
        review_menu = menu.addMenu(self.tr("&Review predictions"))
        review_menu.addActions(list(self.actions.values()))
        review_menu.addSeparator()
        for text, slot in ((self.tr("Pre-label this image"), lambda: panel.predict(PREDICT_CURRENT)),
                           (self.tr("Pre-label all unlabelled images"), lambda: panel.predict(PREDICT_UNLABELLED)),
                           (self.tr("Read the text of this image"), lambda: panel.read_text(PREDICT_CURRENT)),
                           (self.tr("Read the text of all unlabelled images"),
                            lambda: panel.read_text(PREDICT_UNLABELLED)),
                           (self.tr("Model report…"), panel.report_button.click),
                           (self.tr("Export model…"), panel.export_button.click)):
            review_menu.addAction(text).triggered.connect(slot)

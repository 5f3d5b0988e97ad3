"""Keyboard and mouse help, built from the window's actions so that it can
never list a shortcut the window does not have, nor miss one that a panel
(review, training) added."""
from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from .i18n import plain_text


def shortcut_actions(window: QWidget, first: list[QAction]) -> list[QAction]:
    """Every action of ``window`` and its parts that has a shortcut:
    ``first`` (the window's own, in menu order), then those the panels made
    (their actions are children of panels the window owns)."""
    seen: set[int] = set()
    out: list[QAction] = []
    for a in [*first, *window.findChildren(QAction)]:
        if a.shortcuts() and id(a) not in seen:
            seen.add(id(a))
            out.append(a)
    return out


class HelpDialog(QDialog):
    def __init__(self, actions: list[QAction], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        rows: list[tuple[str, str]] = []
        for a in actions:
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in a.shortcuts())
            if keys:
                rows.append((keys, plain_text(a.text())))
        rows += [
            (self.tr("Wheel"), self.tr("Zoom at the cursor")),
            (self.tr("Middle drag, Space + drag"), self.tr("Pan")),
            (self.tr("Click, Ctrl+click"), self.tr("Select a shape, add to the selection")),
            (self.tr("Drag a shape / a handle"), self.tr("Move it / resize a box, move a vertex")),
            (self.tr("Arrow keys (Shift: 10 px)"), self.tr("Nudge the selected shapes by 1 px")),
            (self.tr("Double-click an edge"), self.tr("Insert a vertex into the selected polygon")),
            (self.tr("Shift+click a vertex"), self.tr("Delete that vertex")),
            (self.tr("Enter, double-click"), self.tr("Close the polygon being drawn")),
            (self.tr("Backspace"), self.tr("Remove the last point of the polygon being drawn")),
            (self.tr("Esc"), self.tr("Cancel the shape being drawn")),
            (self.tr("Right drag, Shift+drag (brush)"), self.tr("Erase")),
        ]
        table = QTableWidget(len(rows), 2)
        table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Does")])
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)  # a list, not a form
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for r, (k, d) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(k))
            table.setItem(r, 1, QTableWidgetItem(d))
        table.resizeColumnsToContents()
        table.horizontalHeader().setStretchLastSection(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(table)
        lay.addWidget(buttons)
        self.resize(620, 640)

"""The label picker: type to search the classes, recent labels first; Enter
takes the highlighted class or, if none matches, makes the typed one. For
text regions it also asks for the transcription and the `difficult` flag."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout,
    QWidget,
)

from .icons import swatch_icon


class RecentLabels:
    """The labels used last, most recent first (for this session)."""

    def __init__(self, size: int = 10):
        self.size = size
        self.labels: list[str] = []

    def use(self, label: str) -> None:
        if label in self.labels:
            self.labels.remove(label)
        self.labels.insert(0, label)
        del self.labels[self.size:]

    def order(self, names: list[str]) -> list[str]:
        recent = [n for n in self.labels if n in names]
        return recent + [n for n in names if n not in recent]


def _overlap(a: QRect, b: QRect) -> int:
    r = a.intersected(b)
    return r.width() * r.height() if r.isValid() else 0


class LabelPicker(QDialog):
    def __init__(self, classes: dict[str, str], recent: RecentLabels, initial: str = "",
                 text_region: bool = False, transcription: str = "", difficult: bool = False,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Text region") if text_region else self.tr("Label"))
        self.classes = classes
        self.names = recent.order(list(classes))
        self.edit = QLineEdit(initial)
        self.edit.setPlaceholderText(self.tr("Type to search or to make a new class"))
        self.list = QListWidget()
        self.transcription = QLineEdit(transcription) if text_region else None
        self.difficult = QCheckBox(self.tr("difficult (hard to read)")) if text_region else None
        form = QFormLayout()
        form.addRow(self.tr("Class"), self.edit)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.list)
        if self.transcription is not None:
            self.transcription.setPlaceholderText(self.tr("What the text says"))
            form.insertRow(0, self.tr("Transcription"), self.transcription)
            self.difficult.setChecked(difficult)
            lay.addWidget(self.difficult)
            self.list.setMaximumHeight(120)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.edit.textChanged.connect(self._filter)
        self.list.itemClicked.connect(lambda it: self.edit.setText(it.text()))
        self.list.itemDoubleClicked.connect(lambda it: (self.edit.setText(it.text()), self.accept()))
        self._filter(initial)
        (self.transcription or self.edit).setFocus()
        if initial:
            self.edit.selectAll()

    def place_beside(self, target: QRect, gap: int = 16) -> None:
        """Move the picker next to ``target`` (global screen pixels: the
        shape just drawn), right of it if there is room, else left, below,
        above; on the screen, and over the shape only when it leaves no room."""
        screen = QGuiApplication.screenAt(target.center()) or self.screen()
        avail = screen.availableGeometry()
        # The frame is not known before the first show: allow for a title bar.
        size = self.sizeHint().expandedTo(self.minimumSizeHint()) + QSize(2, 32)
        w, h = size.width(), size.height()

        def inside(x: int, y: int) -> QRect:
            x = min(max(x, avail.left()), avail.right() + 1 - w)
            y = min(max(y, avail.top()), avail.bottom() + 1 - h)
            return QRect(x, y, w, h)

        tries = [inside(target.right() + gap, target.top()), inside(target.left() - gap - w, target.top()),
                 inside(target.left(), target.bottom() + gap), inside(target.left(), target.top() - gap - h)]
        free = [r for r in tries if not r.intersects(target)]
        best = free[0] if free else min(tries, key=lambda r: _overlap(r, target))
        self.move(best.topLeft())

    def _filter(self, text: str) -> None:
        t = text.strip().casefold()
        self.list.clear()
        for n in self.names:
            if not t or t in n.casefold():
                self.list.addItem(QListWidgetItem(swatch_icon(self.classes.get(n, "#999999")), n))
        exact = self.list.findItems(text.strip(), Qt.MatchFlag.MatchExactly)
        if exact:
            self.list.setCurrentItem(exact[0])
        elif self.list.count():
            self.list.setCurrentRow(0)

    def keyPressEvent(self, ev) -> None:
        # Up/Down move through the matches while typing in the search box.
        if ev.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.list.count():
            row = self.list.currentRow() + (1 if ev.key() == Qt.Key.Key_Down else -1)
            self.list.setCurrentRow(max(0, min(self.list.count() - 1, row)))
            return
        super().keyPressEvent(ev)

    def label(self) -> str:
        """The typed name if it is a class or new; else the highlighted match
        (typing "ca" and Enter picks "cat")."""
        typed = self.edit.text().strip()
        if typed in self.classes or not self.list.currentItem():
            return typed
        cur = self.list.currentItem().text()
        return cur if typed.casefold() in cur.casefold() else typed

    def accept(self) -> None:
        if self.label():
            super().accept()

"""Image-level classes (classification): one toggle per class above the
canvas; keys 1-9 toggle the first nine."""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QToolButton, QWidget

from .icons import swatch_icon


class TagBar(QWidget):
    toggled = Signal(str, bool)  # class name, on

    def __init__(self, parent=None):
        super().__init__(parent)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(4, 2, 4, 2)
        self.title = QLabel(self.tr("Image classes:"))
        outer.addWidget(self.title)
        # Many classes scroll sideways instead of widening the window.
        self.scroll = QScrollArea()
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidgetResizable(True)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget()
        self.lay = QHBoxLayout(inner)
        self.lay.setContentsMargins(0, 0, 0, 0)
        self.lay.addStretch(1)
        self.scroll.setWidget(inner)
        outer.addWidget(self.scroll, 1)
        self.buttons: dict[str, QToolButton] = {}

    def set_classes(self, classes: list[tuple[str, str]]) -> None:
        for b in self.buttons.values():
            self.lay.removeWidget(b)
            b.deleteLater()
        self.buttons = {}
        for i, (name, color) in enumerate(classes):
            b = QToolButton()
            b.setCheckable(True)
            b.setIcon(swatch_icon(color))
            b.setText(f"{i + 1} {name}" if i < 9 else name)
            b.setToolButtonStyle(b.toolButtonStyle().ToolButtonTextBesideIcon)
            b.toggled.connect(lambda on, n=name: self.toggled.emit(n, on))
            self.lay.insertWidget(self.lay.count() - 1, b)
            self.buttons[name] = b
        probe = QToolButton()
        probe.setText("1")
        probe.setIcon(swatch_icon("#000000"))
        self.scroll.setFixedHeight(probe.sizeHint().height() + self.scroll.horizontalScrollBar().sizeHint().height())

    def set_tags(self, labels: set[str]) -> None:
        for name, b in self.buttons.items():
            b.blockSignals(True)
            b.setChecked(name in labels)
            b.blockSignals(False)

    def tags(self) -> set[str]:
        return {n for n, b in self.buttons.items() if b.isChecked()}

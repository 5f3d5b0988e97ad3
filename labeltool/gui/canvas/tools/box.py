"""Box tool: press, drag, release."""
from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QMouseEvent, QPainterPath

from labeltool.core.shapes import Box

from .base import Tool


class BoxTool(Tool):
    name = "box"

    def __init__(self, view):
        super().__init__(view)
        self.start: QPointF | None = None

    @property
    def busy(self) -> bool:
        return self.start is not None

    def cancel(self) -> None:
        self.start = None
        super().cancel()

    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        self.start = self.clamp(p)
        return True

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.start is None:
            return False
        path = QPainterPath()
        path.addRect(QRectF(self.start, self.clamp(p)).normalized())
        self.show_preview(path)
        return True

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.start is None or ev.button() != Qt.MouseButton.LeftButton:
            return False
        a, b = self.start, self.clamp(p)
        self.cancel()
        # A click without a drag (under 3 screen pixels) is not a box.
        if min(abs(b.x() - a.x()), abs(b.y() - a.y())) * self.view.scale_factor() >= 3:
            self.view.shapeCreated.emit(Box(label="", x1=a.x(), y1=a.y(), x2=b.x(), y2=b.y()))
        return True

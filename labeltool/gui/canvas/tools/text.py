"""Text-region tool: click four corners (clockwise from top-left), or drag a
box that becomes four points. The view then asks for the transcription."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent

from labeltool.core.shapes import TextRegion

from labeltool.core.shape_edits import box_to_quad
from .base import Tool, polyline

DRAG_PX = 4


class TextTool(Tool):
    name = "text"

    def __init__(self, view):
        super().__init__(view)
        self.points: list[QPointF] = []
        self.press_pos: QPointF | None = None
        self.dragging = False

    @property
    def busy(self) -> bool:
        return bool(self.points) or self.press_pos is not None

    def cancel(self) -> None:
        self.points, self.press_pos, self.dragging = [], None, False
        super().cancel()

    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        self.press_pos = self.clamp(p)
        self.dragging = False
        return True

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        p = self.clamp(p)
        if self.press_pos is not None and not self.points:
            if (p - self.press_pos).manhattanLength() * self.view.scale_factor() > DRAG_PX:
                self.dragging = True
            if self.dragging:
                quad = box_to_quad(self.press_pos.x(), self.press_pos.y(), p.x(), p.y())
                self.show_preview(polyline([QPointF(*q) for q in quad]), closed=True)
            return True
        if self.points:
            self.show_preview(polyline(self.points + [p]))
            return True
        return False

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.press_pos is None or ev.button() != Qt.MouseButton.LeftButton:
            return False
        p = self.clamp(p)
        start, self.press_pos = self.press_pos, None
        if self.dragging:
            self.dragging = False
            quad = box_to_quad(start.x(), start.y(), p.x(), p.y())
            self.cancel()
            self.view.shapeCreated.emit(TextRegion(label="", points=quad))
            return True
        self.points.append(p)
        if len(self.points) == 4:
            quad = [(q.x(), q.y()) for q in self.points]
            self.cancel()
            self.view.shapeCreated.emit(TextRegion(label="", points=quad))
        else:
            self.show_preview(polyline(self.points))
        return True

    def key(self, ev: QKeyEvent) -> bool:
        if self.points and ev.key() == Qt.Key.Key_Backspace:
            self.points.pop()
            self.show_preview(polyline(self.points))
            return True
        return super().key(ev)

"""Polygon tool: click points; double-click, Enter or a click on the first
point closes; Backspace takes back the last point; Esc drops it."""
from __future__ import annotations

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent

from labeltool.core.shapes import Polygon

from .base import Tool, polyline

CLOSE_DISTANCE_PX = 8  # on screen


class PolygonTool(Tool):
    name = "polygon"

    def __init__(self, view):
        super().__init__(view)
        self.points: list[QPointF] = []
        self.cursor_pos: QPointF | None = None

    @property
    def busy(self) -> bool:
        return bool(self.points)

    def cancel(self) -> None:
        self.points = []
        super().cancel()

    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        p = self.clamp(p)
        if len(self.points) >= 3:
            d = (self.points[0] - p).manhattanLength() * self.view.scale_factor()
            if d <= CLOSE_DISTANCE_PX:
                self.finish()
                return True
        self.points.append(p)
        self._update()
        return True

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        if not self.points:
            return False
        self.cursor_pos = self.clamp(p)
        self._update()
        return True

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        return bool(self.points)

    def double_click(self, p: QPointF, ev: QMouseEvent) -> bool:
        if not self.points:
            return False
        self.finish()
        return True

    def key(self, ev: QKeyEvent) -> bool:
        if not self.points:
            return False
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.finish()
            return True
        if ev.key() == Qt.Key.Key_Backspace:
            self.points.pop()
            self._update()
            return True
        return super().key(ev)

    def finish(self) -> None:
        pts = [(q.x(), q.y()) for q in self.points]
        # A double-click lands twice on one spot: drop repeated points.
        dedup = [pt for i, pt in enumerate(pts) if i == 0 or pt != pts[i - 1]]
        self.cancel()
        if len(dedup) >= 3:
            self.view.shapeCreated.emit(Polygon(label="", points=dedup))

    def _update(self) -> None:
        if not self.points:
            self.clear_preview()
            return
        pts = list(self.points) + ([self.cursor_pos] if self.cursor_pos is not None else [])
        self.show_preview(polyline(pts))

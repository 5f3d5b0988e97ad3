"""The tool interface the canvas view delegates to."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsPathItem

from ..items import Z_PREVIEW

if TYPE_CHECKING:  # pragma: no cover
    from ..scene import CanvasScene
    from ..view import CanvasView


class Tool:
    """Handlers return True when they used the event. Positions are image
    pixels (scene coordinates)."""

    name = ""
    cursor = Qt.CursorShape.CrossCursor
    draws = True  # shows the crosshair

    def __init__(self, view: "CanvasView"):
        self.view = view
        self._preview: QGraphicsPathItem | None = None

    @property
    def scene(self) -> "CanvasScene":
        return self.view.canvas_scene

    @property
    def busy(self) -> bool:
        """Whether a shape is half drawn (keys like Enter belong to the tool)."""
        return False

    def activate(self) -> None:
        pass

    def deactivate(self) -> None:
        self.cancel()

    def cancel(self) -> None:
        self.clear_preview()

    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        return False

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        return False

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        return False

    def double_click(self, p: QPointF, ev: QMouseEvent) -> bool:
        return False

    def key(self, ev: QKeyEvent) -> bool:
        if ev.key() == Qt.Key.Key_Escape and self.busy:
            self.cancel()
            return True
        return False

    # ------------------------------------------------------------ helpers
    def show_preview(self, path: QPainterPath, closed: bool = False) -> None:
        if self._preview is None:
            self._preview = QGraphicsPathItem()
            pen = QPen(QColor("#00e5ff"), 2, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            self._preview.setPen(pen)
            self._preview.setZValue(Z_PREVIEW)
            self.scene.addItem(self._preview)
        if closed:
            path.closeSubpath()
        self._preview.setPath(path)

    def clear_preview(self) -> None:
        if self._preview is not None:
            if self._preview.scene() is not None:
                self.scene.removeItem(self._preview)
            self._preview = None

    def clamp(self, p: QPointF) -> QPointF:
        w, h = self.scene.image_size()
        return QPointF(min(max(p.x(), 0.0), float(w)), min(max(p.y(), 0.0), float(h)))


def polyline(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath()
    if points:
        path.moveTo(points[0])
        for q in points[1:]:
            path.lineTo(q)
    return path

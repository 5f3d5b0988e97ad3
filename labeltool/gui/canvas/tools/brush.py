"""Brush: paint a mask (left button) or erase (right button or Shift), with
``[`` / ``]`` for the size. With one mask selected the strokes change it;
otherwise the first stroke makes a new mask (and selects it, so the next
strokes add to it)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from labeltool.core.shapes import Mask

from ..items import Z_PREVIEW
from .base import Tool


class _StrokeLayer(QGraphicsItem):
    """The mask being painted, as an image-sized ARGB buffer (alpha = mask)."""

    def __init__(self, image: QImage):
        super().__init__()
        self.image = image
        self.setZValue(Z_PREVIEW - 1)
        self.setOpacity(0.55)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self.image.width(), self.image.height())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.drawImage(0, 0, self.image)


def alpha_mask(image: QImage) -> np.ndarray:
    """The alpha channel of a Format_ARGB32 image as a bool array."""
    h, w, bpl = image.height(), image.width(), image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), np.uint8, count=h * bpl).reshape(h, bpl)
    return buf[:, : 4 * w].reshape(h, w, 4)[:, :, 3] > 127


class BrushTool(Tool):
    name = "brush"
    MIN_SIZE, MAX_SIZE = 1, 500

    def __init__(self, view):
        super().__init__(view)
        self.size = 20.0
        self.layer: _StrokeLayer | None = None
        self.target: Mask | None = None
        self.last: QPointF | None = None
        self.erasing = False
        self.ring = QGraphicsEllipseItem()
        pen = QPen(QColor("white"), 1)
        pen.setCosmetic(True)
        self.ring.setPen(pen)
        self.ring.setZValue(Z_PREVIEW)

    @property
    def busy(self) -> bool:
        return self.last is not None

    def activate(self) -> None:
        if self.ring.scene() is None:
            self.scene.addItem(self.ring)
        self.ring.setVisible(False)

    def deactivate(self) -> None:
        super().deactivate()
        if self.ring.scene() is not None:
            self.scene.removeItem(self.ring)

    def set_size(self, size: float) -> None:
        self.size = float(min(max(size, self.MIN_SIZE), self.MAX_SIZE))
        self._place_ring(self.ring.rect().center())

    def _place_ring(self, p: QPointF) -> None:
        r = self.size / 2
        self.ring.setRect(QRectF(p.x() - r, p.y() - r, self.size, self.size))

    def cancel(self) -> None:
        self._drop_layer()
        self.last = None
        super().cancel()

    def _drop_layer(self) -> None:
        if self.layer is not None and self.layer.scene() is not None:
            self.scene.removeItem(self.layer)
        self.layer = None
        if self.target is not None and self.target.id in self.scene.items_by_id:
            self.scene.items_by_id[self.target.id].setVisible(True)
        self.target = None

    def _start_layer(self) -> None:
        w, h = self.scene.image_size()
        sel = self.scene.selected_shapes()
        self.target = sel[0] if len(sel) == 1 and isinstance(sel[0], Mask) else None
        color = self.scene.color_of(self.target.label) if self.target else QColor("#00e5ff")
        img = QImage(w, h, QImage.Format.Format_ARGB32)
        img.fill(Qt.GlobalColor.transparent)
        if self.target is not None and self.target.size == (h, w):
            a = self.target.to_array()
            rgba = np.zeros((h, w, 4), np.uint8)
            rgba[a] = (color.blue(), color.green(), color.red(), 255)
            img = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
            self.scene.items_by_id[self.target.id].setVisible(False)
        self.color = color
        self.layer = _StrokeLayer(img)
        self.scene.addItem(self.layer)

    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        if ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return False
        self.erasing = ev.button() == Qt.MouseButton.RightButton or bool(
            ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self._start_layer()
        self.last = p
        self._paint(p, p)
        return True

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        self.ring.setVisible(True)
        self._place_ring(p)
        if self.last is None:
            return False
        self._paint(self.last, p)
        self.last = p
        return True

    def _paint(self, a: QPointF, b: QPointF) -> None:
        painter = QPainter(self.layer.image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        if self.erasing:
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        pen = QPen(self.color, self.size, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        if a == b:
            painter.drawPoint(a)
        else:
            painter.drawLine(a, b)
        painter.end()
        r = self.size / 2 + 2
        self.layer.update(QRectF(a, b).normalized().adjusted(-r, -r, r, r))

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.last is None:
            return False
        a = alpha_mask(self.layer.image)
        target = self.target
        self.last = None
        self._drop_layer()
        if target is not None:
            # The edited mask is the same shape: its id, class, flags, group and source stay.
            self.view.shapesEdited.emit([replace(target, rle=Mask.from_array(a, label="").rle)], False)
        elif a.any():
            self.view.shapeCreated.emit(Mask.from_array(a, label=""))
        return True

"""AI mask (click to segment): a left click adds a point on the object, a
right click or Shift+click one on the background, a drag gives a box; after
each prompt the tool's assistant (the window's Segment Anything worker)
answers with a preview mask, drawn translucent over the image. Enter keeps
it, Backspace takes back the last point (then the box), Esc clears.

The tool holds the prompt and draws it and the preview; it knows nothing of
the model: its :attr:`AiMaskTool.assistant` hears each change and each Enter."""
from __future__ import annotations

from typing import Protocol

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from ..items import Z_PREVIEW
from .base import Tool

DRAG_PX = 4  # a press that moves this far on screen is a box, not a click
MARKER_PX = 9
PREVIEW_COLOR = QColor("#00e5ff")  # as other tools' previews (scene.PENDING_COLOR)
POSITIVE_COLOR, NEGATIVE_COLOR = QColor("#2ecc71"), QColor("#ff3b30")

Point = tuple[float, float]
BoxTuple = tuple[float, float, float, float]


class Assistant(Protocol):
    def prompt_changed(self, points: list[Point], labels: list[int], box: BoxTuple | None) -> None:
        """The prompt is now this (empty: cleared); a preview may follow."""

    def keep(self, points: list[Point], labels: list[int], box: BoxTuple | None) -> None:
        """Enter: make the mask of this prompt a shape."""


class MaskPreview(QGraphicsItem):
    """A mask of any grid size stretched over the whole image (the decoder's
    low-res answer), smoothed, translucent: what SAM would keep."""

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z_PREVIEW - 1)
        self.setOpacity(0.5)
        self.image: QImage | None = None
        self.rect = QRectF()

    def set_mask(self, mask: np.ndarray, width: int, height: int) -> None:
        m = np.ascontiguousarray(mask, dtype=bool)
        h, w = m.shape
        bgra = np.zeros((h, w, 4), np.uint8)
        c = PREVIEW_COLOR
        bgra[m] = (c.blue(), c.green(), c.red(), 255)
        self.prepareGeometryChange()
        self.image = QImage(bgra.data, w, h, 4 * w, QImage.Format.Format_ARGB32).copy()
        self.rect = QRectF(0, 0, width, height)
        self.update()

    def boundingRect(self) -> QRectF:
        return self.rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self.image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
            painter.drawImage(self.rect, self.image)


class AiMaskTool(Tool):
    name = "ai_mask"

    def __init__(self, view):
        super().__init__(view)
        self.assistant: Assistant | None = None
        self.points: list[QPointF] = []
        self.labels: list[int] = []  # 1 object, 0 background
        self.box: QRectF | None = None
        self.press_pos: QPointF | None = None
        self.press_negative = False
        self.dragging = False
        self.markers: list[QGraphicsEllipseItem] = []
        self.mask_item: MaskPreview | None = None

    @property
    def busy(self) -> bool:
        return bool(self.points) or self.box is not None or self.press_pos is not None

    def prompt(self) -> tuple[list[Point], list[int], BoxTuple | None]:
        box = None if self.box is None else (self.box.left(), self.box.top(), self.box.right(), self.box.bottom())
        return [(q.x(), q.y()) for q in self.points], list(self.labels), box

    def cancel(self) -> None:
        had = bool(self.points) or self.box is not None
        self.points, self.labels, self.box = [], [], None
        self.press_pos, self.dragging = None, False
        self._draw_markers()
        self.show_mask(None)
        super().cancel()
        if had and self.assistant is not None:
            self.assistant.prompt_changed([], [], None)

    # ------------------------------------------------------------ mouse
    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        if ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return False
        self.press_pos = self.clamp(p)
        self.press_negative = ev.button() == Qt.MouseButton.RightButton or bool(
            ev.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        self.dragging = False
        return True

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.press_pos is None or self.press_negative:
            return False
        q = self.clamp(p)
        if (q - self.press_pos).manhattanLength() * self.view.scale_factor() > DRAG_PX:
            self.dragging = True
        if self.dragging:
            self._show_box(QRectF(self.press_pos, q).normalized())
        return True

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.press_pos is None:
            return False
        start, self.press_pos = self.press_pos, None
        if self.dragging:
            self.dragging = False
            rect = QRectF(start, self.clamp(p)).normalized()
            if min(rect.width(), rect.height()) * self.view.scale_factor() < 3:  # a line, not a box
                self._show_box(self.box)
                return True
            self.box = rect  # one box per prompt (SAM takes one): a new drag replaces it
        else:
            self.points.append(start)
            self.labels.append(0 if self.press_negative else 1)
        self._changed()
        return True

    # ------------------------------------------------------------- keys
    def key(self, ev: QKeyEvent) -> bool:
        if not (self.points or self.box is not None):
            return False
        if ev.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.assistant is not None:
                self.assistant.keep(*self.prompt())
            return True
        if ev.key() == Qt.Key.Key_Backspace:
            if self.points:
                self.points.pop()
                self.labels.pop()
            else:
                self.box = None
            if not (self.points or self.box is not None):
                self.cancel()
                return True
            self._changed()
            return True
        return super().key(ev)

    # ---------------------------------------------------------- drawing
    def show_mask(self, mask: np.ndarray | None) -> None:
        """Draw ``mask`` (any grid, stretched over the image), or nothing."""
        if mask is None or not self.busy:
            if self.mask_item is not None:
                if self.mask_item.scene() is not None:
                    self.scene.removeItem(self.mask_item)
                self.mask_item = None
            return
        if self.mask_item is None:
            self.mask_item = MaskPreview()
            self.scene.addItem(self.mask_item)
        self.mask_item.set_mask(mask, *self.scene.image_size())

    def _changed(self) -> None:
        self._draw_markers()
        self._show_box(self.box)
        if self.assistant is not None:
            self.assistant.prompt_changed(*self.prompt())

    def _show_box(self, rect: QRectF | None) -> None:
        if rect is None:
            self.clear_preview()
            return
        path = QPainterPath()
        path.addRect(rect)
        self.show_preview(path)

    def _draw_markers(self) -> None:
        """A dot per point, the same size at any zoom: green on the object, red on the background."""
        for m in self.markers:
            if m.scene() is not None:
                self.scene.removeItem(m)
        self.markers = []
        r = MARKER_PX / 2
        for q, label in zip(self.points, self.labels):
            m = QGraphicsEllipseItem(-r, -r, MARKER_PX, MARKER_PX)
            m.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
            m.setPos(q)
            m.setBrush(QBrush(POSITIVE_COLOR if label else NEGATIVE_COLOR))
            m.setPen(QPen(QColor("white"), 1.5))
            m.setZValue(Z_PREVIEW + 1)
            self.scene.addItem(m)
            self.markers.append(m)

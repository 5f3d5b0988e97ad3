"""The photo under the shapes: a preview or the full image, scaled to the
image's full size in scene coordinates (= image pixels)."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget


class ImageLayer(QGraphicsItem):
    """Paints the sharpest image it has for the current zoom: the preview
    while it has enough pixels for the screen, else the full image (asked for
    through ``need_full`` the first time it is missing). Only the exposed part
    is drawn, so panning a 48-megapixel image stays smooth."""

    def __init__(self) -> None:
        super().__init__()
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
        self.setZValue(0)
        self._size = (0, 0)
        self.preview: QImage | None = None
        self.full: QImage | None = None
        self.need_full: Callable[[], None] | None = None

    def set_image(self, width: int, height: int) -> None:
        self.prepareGeometryChange()
        self._size = (width, height)
        self.preview = self.full = None
        self.update()

    def set_pixels(self, image: QImage, full: bool) -> None:
        if full:
            self.full = image
        else:
            self.preview = image
        self.update()

    @property
    def size(self) -> tuple[int, int]:
        return self._size

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, *self._size)

    def wants_full(self, scale: float) -> bool:
        """Whether the preview is too coarse at view ``scale`` (screen px per image px)."""
        return self.preview is not None and self._size[0] * scale > self.preview.width() * 1.05

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        w, h = self._size
        if not w or not h:
            return
        scale = option.levelOfDetailFromTransform(painter.worldTransform())
        img = self.preview
        if self.full is not None and (img is None or self.wants_full(scale)):
            img = self.full
        elif self.full is None and self.wants_full(scale) and self.need_full is not None:
            self.need_full()
        if img is None:
            painter.fillRect(self.boundingRect(), QColor(60, 60, 60))
            return
        # Zoomed in, show crisp pixels (what a labeller wants to see);
        # zoomed out, filter so edges do not sparkle.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, scale < 1.0)
        exposed = option.exposedRect.intersected(self.boundingRect())
        sx, sy = img.width() / w, img.height() / h
        src = QRectF(exposed.x() * sx, exposed.y() * sy, exposed.width() * sx, exposed.height() * sy)
        painter.drawImage(exposed, img, src)

"""Scene items, one class per shape kind. An item renders a core shape it is
given; edits go through the store and come back as a new shape to render."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from labeltool.core.shape_edits import nearest_edge
from labeltool.core.shapes import Box, Mask, Point, Shape, TextRegion

from ..shape_words import flag_marks

Z_SHAPES, Z_OVERLAY, Z_HANDLES, Z_PREVIEW = 10, 20, 30, 40


class LabelTag(QGraphicsItem):
    """The class name on a coloured tab, the same size at any zoom."""

    def __init__(self, parent: QGraphicsItem):
        super().__init__(parent)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self._text = ""
        self._color = QColor("red")
        self._font = QFont()
        self._font.setPointSizeF(9)
        self._rect = QRectF()

    def set(self, text: str, color: QColor, inside: bool = False) -> None:
        """``inside``: draw below the anchor (a shape at the image's top edge
        would have its tag cut off above it)."""
        self.prepareGeometryChange()
        self._text, self._color = text, color
        fm = QFontMetricsF(self._font)
        h = fm.height() + 2
        self._rect = QRectF(0, 0 if inside else -h, fm.horizontalAdvance(text) + 6, h)
        self.setVisible(bool(text))

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.fillRect(self._rect, self._color)
        light = self._color.lightnessF() > 0.6
        painter.setPen(QColor("black") if light else QColor("white"))
        painter.setFont(self._font)
        painter.drawText(self._rect.adjusted(3, 0, -3, 0), Qt.AlignmentFlag.AlignVCenter, self._text)


class ShapeItem(QGraphicsItem):
    """Base of the shape items. ``model=True`` draws a prediction (dashed,
    with its score), which the user reviews rather than edits."""

    def __init__(self, shape: Shape, color: QColor, model: bool = False):
        super().__init__()
        self.color = QColor(color)
        self.model = model or shape.source.is_model
        self.selected = False
        self.linked = False  # another part of the object a selected shape belongs to
        self.tag = LabelTag(self)
        self.shape_model: Shape = shape
        self.setZValue(Z_OVERLAY if self.model else Z_SHAPES)
        self.set_shape(shape)

    @property
    def shape_id(self) -> str:
        return self.shape_model.id

    def set_shape(self, shape: Shape, color: QColor | None = None) -> None:
        self.prepareGeometryChange()
        self.shape_model = shape
        if color is not None:
            self.color = QColor(color)
        self._rebuild()
        b = shape.bounds()
        if b is not None:
            self.tag.setPos(b[0], b[1])
        self.tag.set(self.caption(), self.color, inside=b is not None and b[1] < 2)
        self.update()

    def caption(self) -> str:
        """The class, the group (``#2``), the score of a prediction and the
        flags' badge (``[D O]``)."""
        s = self.shape_model
        return self._with_marks(s.label + (f" #{s.group}" if s.group is not None else ""))

    def _with_marks(self, text: str) -> str:
        s = self.shape_model
        if s.source.is_model and s.source.score is not None:
            text += f" {s.source.score:.2f}"
        marks = flag_marks(s)
        return f"{text} {marks}" if marks else text

    def set_selected(self, on: bool) -> None:
        if on != self.selected:
            self.selected = on
            self.update()

    def set_linked(self, on: bool) -> None:
        """Show the shape as a part of the selected object (outlined, not selected)."""
        if on != self.linked:
            self.linked = on
            self.update()

    def _rebuild(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def hit(self, p: Point, tolerance: float) -> bool:
        """Whether the image point ``p`` picks this shape."""
        raise NotImplementedError  # pragma: no cover

    def pen(self) -> QPen:
        pen = QPen(self.color, 3 if self.selected or self.linked else 2)
        pen.setCosmetic(True)  # the same on-screen width at any zoom
        if self.model:
            pen.setStyle(Qt.PenStyle.DashLine)
        elif self.linked:
            pen.setStyle(Qt.PenStyle.DashDotLine)  # one object with the selected part, not itself selected
        return pen


class _PathItem(ShapeItem):
    """Box, polygon and text quad: an outline with a light fill."""

    _path = QPainterPath()

    def _points(self) -> list[Point]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _rebuild(self) -> None:
        pts = self._points()
        self._path = QPainterPath()
        self._path.addPolygon(QPolygonF([QPointF(x, y) for x, y in pts]))
        self._path.closeSubpath()
        self._poly = QPolygonF([QPointF(x, y) for x, y in pts])

    def boundingRect(self) -> QRectF:
        return self._path.boundingRect().adjusted(-2, -2, 2, 2)

    def shape(self) -> QPainterPath:
        return self._path

    def hit(self, p: Point, tolerance: float) -> bool:
        q = QPointF(*p)
        if self._poly.containsPoint(q, Qt.FillRule.OddEvenFill):
            return True
        return nearest_edge(self._points(), p)[1] <= tolerance

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        fill = QColor(self.color)
        fill.setAlpha(50 if self.selected or self.linked else (0 if self.model else 25))
        painter.setPen(self.pen())
        painter.setBrush(QBrush(fill))
        painter.drawPath(self._path)


class BoxItem(_PathItem):
    def _points(self) -> list[Point]:
        s: Box = self.shape_model  # type: ignore[assignment]
        return [(s.x1, s.y1), (s.x2, s.y1), (s.x2, s.y2), (s.x1, s.y2)]


class PolygonItem(_PathItem):
    def _points(self) -> list[Point]:
        return list(self.shape_model.points)  # type: ignore[attr-defined]


class TextItem(_PathItem):
    """A text quadrilateral; its caption is the transcription."""

    def _points(self) -> list[Point]:
        return list(self.shape_model.points)  # type: ignore[attr-defined]

    def caption(self) -> str:
        s: TextRegion = self.shape_model  # type: ignore[assignment]
        return self._with_marks(s.transcription or s.label)

    def pen(self) -> QPen:
        pen = super().pen()
        if not self.model:
            pen.setStyle(Qt.PenStyle.SolidLine)
        return pen


class MaskItem(ShapeItem):
    """A mask drawn as a tinted image of its bounding box (decoded once per
    change, not per paint)."""

    def _rebuild(self) -> None:
        s: Mask = self.shape_model  # type: ignore[assignment]
        a = s.to_array()
        b = s.bounds()
        if b is None:
            self._rect, self._crop, self._image = QRectF(), np.zeros((0, 0), bool), QImage()
            return
        x1, y1, x2, y2 = (int(v) for v in b)
        self._crop = a[y1:y2, x1:x2]
        self._rect = QRectF(x1, y1, x2 - x1, y2 - y1)
        self._render()

    def _render(self) -> None:
        h, w = self._crop.shape
        rgba = np.zeros((h, w, 4), np.uint8)
        c = self.color
        alpha = 150 if self.selected or self.linked else 110
        # Format_ARGB32 is B, G, R, A in memory on little-endian machines.
        rgba[self._crop] = (c.blue(), c.green(), c.red(), alpha)
        self._buf = rgba
        self._image = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_ARGB32)

    def set_selected(self, on: bool) -> None:
        if on != self.selected:
            self.selected = on
            self._restyle()

    def set_linked(self, on: bool) -> None:
        if on != self.linked:
            self.linked = on
            self._restyle()

    def _restyle(self) -> None:
        if self._crop.size:
            self._render()
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect.adjusted(-2, -2, 2, 2)

    def hit(self, p: Point, tolerance: float) -> bool:
        x, y = int(p[0] - self._rect.x()), int(p[1] - self._rect.y())
        return 0 <= y < self._crop.shape[0] and 0 <= x < self._crop.shape[1] and bool(self._crop[y, x])

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._image.isNull():
            return
        painter.drawImage(self._rect.topLeft(), self._image)
        if self.selected or self.model or self.linked:
            painter.setPen(self.pen())
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(self._rect)


ITEM_TYPES: dict[str, type[ShapeItem]] = {"box": BoxItem, "polygon": PolygonItem, "text": TextItem,
                                          "mask": MaskItem}


def make_item(shape: Shape, color: QColor, model: bool = False) -> ShapeItem | None:
    """The item for ``shape``, or None for image-level shapes (tags)."""
    cls = ITEM_TYPES.get(shape.kind)
    return cls(shape, color, model) if cls else None


class HandlesItem(QGraphicsItem):
    """Drag handles of the selected shapes, a fixed size on screen."""

    SIZE = 8.0

    def __init__(self) -> None:
        super().__init__()
        self.setZValue(Z_HANDLES)
        self._points: list[Point] = []
        self._rect = QRectF()
        self.active: int | None = None

    def set_points(self, points: list[Point], bounds: QRectF) -> None:
        self.prepareGeometryChange()
        self._points = points
        self._rect = bounds.adjusted(-200, -200, 200, 200)  # room for handles at any zoom-out
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        t = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        half = self.SIZE / 2
        for i, (x, y) in enumerate(self._points):
            q = t.map(QPointF(x, y))
            painter.setPen(QPen(QColor("black"), 1))
            painter.setBrush(QColor("#ffcc00") if i == self.active else QColor("white"))
            painter.drawRect(QRectF(q.x() - half, q.y() - half, self.SIZE, self.SIZE))
        painter.restore()

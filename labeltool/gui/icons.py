"""Small icons drawn with QPainter (status dots, colour swatches, the tool
bar's tools), cached: no image files to ship or lose."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap, QPolygonF

STATUS_COLORS = {"new": "#9e9e9e", "in_progress": "#ffa000", "done": "#43a047", "skipped": "#5c6bc0",
                 "error": "#e53935"}


@lru_cache(maxsize=64)
def dot_icon(color: str, size: int = 12, cross: bool = False) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(color))
    p.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    if cross:
        p.setPen(QColor("white"))
        p.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "!")
    p.end()
    return QIcon(pm)


@lru_cache(maxsize=256)
def swatch_icon(color: str, size: int = 14) -> QIcon:
    pm = QPixmap(size, size)
    pm.fill(QColor(color))
    p = QPainter(pm)
    p.setPen(QColor(0, 0, 0, 120))
    p.drawRect(0, 0, size - 1, size - 1)
    p.end()
    return QIcon(pm)


def status_icon(status: str, error: bool = False) -> QIcon:
    return dot_icon(STATUS_COLORS["error"], cross=True) if error else dot_icon(STATUS_COLORS.get(status, "#9e9e9e"))


def _tool_glyph(p: QPainter, name: str, s: int) -> None:
    """The drawing of a canvas tool's icon on an ``s`` x ``s`` square."""
    m = s * 0.18
    if name == "edit":  # an arrow pointer
        p.setBrush(QColor("#f5f5f5"))
        p.drawPolygon(QPolygonF([QPointF(m, m), QPointF(m, s - m), QPointF(s * 0.42, s * 0.64),
                                 QPointF(s * 0.62, s - m), QPointF(s * 0.74, s * 0.76),
                                 QPointF(s * 0.55, s * 0.56), QPointF(s - m, s * 0.52)]))
    elif name == "box":
        p.drawRect(QRectF(m, m * 1.4, s - 2 * m, s - 2.8 * m))
    elif name == "polygon":
        p.drawPolygon(QPolygonF([QPointF(s * 0.2, s * 0.3), QPointF(s * 0.6, m), QPointF(s - m, s * 0.55),
                                 QPointF(s * 0.55, s - m), QPointF(m, s * 0.75)]))
    elif name == "brush":
        p.setBrush(QColor(0, 229, 255, 110))
        p.drawEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
    elif name == "text":
        font = p.font()
        font.setPixelSize(int(s * 0.62))
        font.setBold(True)
        p.setFont(font)
        p.drawRect(QRectF(m * 0.6, m * 0.6, s - 1.2 * m, s - 1.2 * m))
        p.drawText(QRectF(0, 0, s, s), Qt.AlignmentFlag.AlignCenter, "T")
    elif name == "ai_mask":  # a mask grown from a click
        p.setBrush(QColor(0, 229, 255, 110))
        p.drawPolygon(QPolygonF([QPointF(s * 0.22, s * 0.38), QPointF(s * 0.5, m), QPointF(s - m, s * 0.4),
                                 QPointF(s * 0.7, s - m), QPointF(s * 0.3, s * 0.78)]))
        p.setBrush(QColor("#2ecc71"))
        p.drawEllipse(QPointF(s * 0.5, s * 0.5), s * 0.1, s * 0.1)


@lru_cache(maxsize=16)
def tool_icon(name: str, size: int = 24) -> QIcon:
    """The tool bar icon of the canvas tool ``name`` (edit, box, polygon, brush, text, ai_mask)."""
    pm = QPixmap(size, size)
    pm.fill(Qt.GlobalColor.transparent)
    p = QPainter(pm)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor("#00a5c8"), max(1.5, size / 12))
    if name == "edit":
        pen.setColor(QColor("#303030"))
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    _tool_glyph(p, name, size)
    p.end()
    return QIcon(pm)

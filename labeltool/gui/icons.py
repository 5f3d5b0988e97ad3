"""Small icons drawn with QPainter (status dots, colour swatches), cached:
no image files to ship or lose."""
from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

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

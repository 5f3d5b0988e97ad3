"""Thumbnails of streamed predictions: the image, its ground truth (white,
dashed) and the model's predictions (class colour, solid) drawn over it.

Runs on the training thread: only QImage and QPainter, which Qt allows off
the GUI thread (QPixmap is not). Predictions of a classifier become a band
at the bottom: predicted class and score, green when right, red when wrong.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPen, QPolygonF

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.project import default_color
from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Shape, TextRegion

if TYPE_CHECKING:  # pragma: no cover
    from engine.events import PredictionSample

GROUND_TRUTH_COLOR = QColor(255, 255, 255)
RIGHT_COLOR = QColor(40, 170, 70)
WRONG_COLOR = QColor(210, 50, 50)


@dataclass
class Thumbnail:
    image: QImage
    image_path: str
    width: int
    height: int
    ground_truth: list[Shape]
    predictions: list[Shape]
    caption: str


def _color(label: str, colors: dict[str, str]) -> QColor:
    if label not in colors:
        colors[label] = default_color(len(colors))
    return QColor(colors[label])


def _qimage(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb)
    h, w, _ = rgb.shape
    # .copy(): the QImage must own its pixels once the array goes away.
    return QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


def _mask_image(mask: Mask, color: QColor, size: tuple[int, int]) -> QImage:
    a = mask.to_array()
    rgba = np.zeros((*a.shape, 4), np.uint8)
    rgba[a] = (color.red(), color.green(), color.blue(), 110)
    h, w = a.shape
    img = QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
    return img.scaled(size[0], size[1], Qt.AspectRatioMode.IgnoreAspectRatio,
                      Qt.TransformationMode.FastTransformation)


def _draw_shape(p: QPainter, shape: Shape, scale: float, color: QColor, dashed: bool, size: tuple[int, int]) -> None:
    pen = QPen(color, 1.6 if dashed else 2.0)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    p.setPen(pen)
    p.setBrush(Qt.BrushStyle.NoBrush)
    if isinstance(shape, Box):
        p.drawRect(QRectF(shape.x1 * scale, shape.y1 * scale, shape.width * scale, shape.height * scale))
    elif isinstance(shape, (Polygon, TextRegion)):
        p.drawPolygon(QPolygonF([QPointF(x * scale, y * scale) for x, y in shape.points]))
    elif isinstance(shape, Mask) and not dashed:
        p.drawImage(0, 0, _mask_image(shape, color, size))
    elif isinstance(shape, Mask):
        b = shape.bounds()
        if b is not None:
            p.drawRect(QRectF(b[0] * scale, b[1] * scale, (b[2] - b[0]) * scale, (b[3] - b[1]) * scale))


def _caption(sample: PredictionSample) -> str:
    """Under the thumbnail: the file name (a classifier's answer is on the
    image's band), and for boxes and masks how many were found."""
    name = sample.image_path.replace("\\", "/").rsplit("/", 1)[-1]
    if any(isinstance(s, ImageTag) for s in sample.predictions + sample.ground_truth):
        return name
    n = sum(1 for s in sample.predictions if not isinstance(s, ImageTag))
    return f"{name}\n{n} found / {len(sample.ground_truth)} labelled"


def render_thumbnail(sample: PredictionSample, colors: dict[str, str], size: int = 128) -> Thumbnail:
    """A thumbnail no larger than ``size`` on its long side."""
    w, h = max(1, sample.width), max(1, sample.height)
    scale = size / max(w, h)
    tw, th = max(1, round(w * scale)), max(1, round(h * scale))
    try:
        rgb = load_image(sample.image_path, max_side=size * 2)
        img = _qimage(rgb).scaled(tw, th, Qt.AspectRatioMode.IgnoreAspectRatio,
                                  Qt.TransformationMode.SmoothTransformation)
    except (ImageLoadError, OSError):
        img = QImage(tw, th, QImage.Format.Format_RGB888)
        img.fill(QColor(60, 60, 60))
    img = img.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    for s in sample.ground_truth:
        _draw_shape(p, s, scale, GROUND_TRUTH_COLOR, True, (tw, th))
    for s in sample.predictions:
        _draw_shape(p, s, scale, _color(s.label, colors), False, (tw, th))
    tags = [s for s in sample.predictions if isinstance(s, ImageTag)]
    if tags:
        truth = {s.label for s in sample.ground_truth if isinstance(s, ImageTag)}
        best = max(tags, key=lambda s: s.source.score or 0.0)
        band = QRectF(0, th - 20, tw, 20)
        p.fillRect(band, RIGHT_COLOR if best.label in truth else WRONG_COLOR)
        p.setPen(QColor(255, 255, 255))
        font = QFont()
        font.setPixelSize(12)
        p.setFont(font)
        score = f" {best.source.score:.2f}" if best.source.score is not None else ""
        p.drawText(band.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                   f"{best.label}{score}")
    p.end()
    return Thumbnail(img, sample.image_path, w, h, list(sample.ground_truth), list(sample.predictions),
                     _caption(sample))

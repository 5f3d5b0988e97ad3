"""Thumbnails of streamed predictions: the image, its ground truth (white,
dashed) and the model's predictions (class colour, solid) drawn over it.
A predicted mask (an instance model's object, a segmenter's class) is
filled translucent and outlined, so that neighbouring objects of one class
stay apart; a labelled mask is outlined dashed like a polygon.

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


def _scaled(mask: Mask, size: tuple[int, int]) -> np.ndarray:
    """The mask's pixels at the thumbnail's ``(width, height)`` (nearest)."""
    a = mask.to_array()
    h, w = a.shape
    rows = np.minimum((np.arange(size[1]) + 0.5) * h / size[1], h - 1).astype(int)
    cols = np.minimum((np.arange(size[0]) + 0.5) * w / size[0], w - 1).astype(int)
    return a[np.ix_(rows, cols)]


def _edge(a: np.ndarray) -> np.ndarray:
    """The pixels of ``a`` with a 4-neighbour outside it (the image's border counts as outside)."""
    inner = np.zeros_like(a)
    inner[1:-1, 1:-1] = a[1:-1, 1:-1] & a[:-2, 1:-1] & a[2:, 1:-1] & a[1:-1, :-2] & a[1:-1, 2:]
    return a & ~inner


def _mask_image(mask: Mask, color: QColor, size: tuple[int, int], dashed: bool = False) -> QImage:
    """The mask at thumbnail size: filled translucent with an opaque
    outline (a prediction), or its outline alone, every other pixel of it
    (a label, dashed as the other labels are)."""
    a = _scaled(mask, size)
    edge = _edge(a)
    rgba = np.zeros((*a.shape, 4), np.uint8)
    rgb = (color.red(), color.green(), color.blue())
    if dashed:
        yy, xx = np.indices(a.shape)
        edge &= (yy + xx) // 3 % 2 == 0
    else:
        rgba[a] = (*rgb, 90)
    rgba[edge] = (*rgb, 255)
    h, w = a.shape
    return QImage(rgba.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


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
    elif isinstance(shape, Mask):
        p.drawImage(0, 0, _mask_image(shape, color, size, dashed))


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

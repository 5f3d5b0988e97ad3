"""Geometry only the formats need: labelme's circles, and the "same shape"
test of a repeated import (:func:`same_geometry`, and :func:`shape_key`
for many shapes at once). Pixels (rasterising, tracing masks) live in
:mod:`labeltool.core.raster`, shared with training and review."""
from __future__ import annotations

import math
from typing import Hashable

from labeltool.core.shapes import Box, Mask, Point, Polygon, Shape, TextRegion


def circle_polygon(cx: float, cy: float, r: float, n: int = 32) -> list[Point]:
    """A circle as an ``n``-gon (labelme's circle is centre + a rim point)."""
    return [(cx + r * math.cos(2 * math.pi * k / n), cy + r * math.sin(2 * math.pi * k / n)) for k in range(n)]


def same_geometry(a: Shape, b: Shape, tol: float = 1e-6) -> bool:
    """Equal kind, label and geometry (coordinates within ``tol``): the
    test for "already there" when a dataset is imported twice."""
    if a.kind != b.kind or a.label != b.label:
        return False
    return _close(a.geometry(), b.geometry(), tol)


def _close(x: object, y: object, tol: float) -> bool:
    if isinstance(x, bool) or isinstance(y, bool):
        return x == y
    if isinstance(x, (int, float)) and isinstance(y, (int, float)):
        return abs(float(x) - float(y)) <= tol
    if isinstance(x, dict) and isinstance(y, dict):
        return x.keys() == y.keys() and all(_close(x[k], y[k], tol) for k in x)
    if isinstance(x, (list, tuple)) and isinstance(y, (list, tuple)):
        return len(x) == len(y) and all(_close(u, v, tol) for u, v in zip(x, y))
    return x == y


def shape_key(shape: Shape, digits: int = 3) -> Hashable:
    """Kind, label and geometry rounded to ``digits`` decimals (a thousandth
    of a pixel): equal keys for the same shape read twice, also through a
    format that writes fewer digits (YOLO's six decimals of the image size).
    A set of keys finds repeats among 20 shapes of an image in one step each,
    where :func:`same_geometry` compares every pair."""
    if isinstance(shape, Mask):
        return shape.kind, shape.label, tuple(shape.size), shape.rle["counts"]
    if isinstance(shape, Box):
        values: tuple[float, ...] = (shape.x1, shape.y1, shape.x2, shape.y2)
    elif isinstance(shape, (Polygon, TextRegion)):
        values = tuple(v for p in shape.points for v in p)
    else:
        values = ()
    text = shape.transcription if isinstance(shape, TextRegion) else None
    return shape.kind, shape.label, tuple(round(v, digits) + 0.0 for v in values), text

"""Geometry only the formats need: labelme's circles, and the "same shape"
test of a repeated import. Pixels (rasterising, tracing masks) live in
:mod:`labeltool.core.raster`, shared with training and review."""
from __future__ import annotations

import math

from labeltool.core.shapes import Point, Shape


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

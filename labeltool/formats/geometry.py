"""Geometry conversions the formats share (rasterising polygons, tracing
masks, circles), done with pycocotools and OpenCV so that our pixels agree
with the tools that read our files."""
from __future__ import annotations

import math

import numpy as np
from pycocotools import mask as mask_utils

from labeltool.core.shapes import Box, Mask, Point, Polygon, Shape, TextRegion


def polygon_rle(points: list[Point], height: int, width: int) -> dict:
    """COCO RLE (bytes counts) of a polygon, rasterised as COCO does."""
    flat = [float(v) for p in points for v in p]
    rles = mask_utils.frPyObjects([flat], height, width)
    return mask_utils.merge(rles)


def polygon_mask(points: list[Point], height: int, width: int) -> np.ndarray:
    return mask_utils.decode(polygon_rle(points, height, width)).astype(bool)


def shape_mask(shape: Shape, height: int, width: int) -> np.ndarray | None:
    """The pixels a region shape covers on an ``height x width`` image; None
    for a shape without area (a tag)."""
    if isinstance(shape, Mask):
        m = shape.to_array()
        if m.shape != (height, width):
            out = np.zeros((height, width), dtype=bool)
            h, w = min(height, m.shape[0]), min(width, m.shape[1])
            out[:h, :w] = m[:h, :w]
            return out
        return m
    if isinstance(shape, (Polygon, TextRegion)):
        return polygon_mask(shape.points, height, width)
    if isinstance(shape, Box):
        return polygon_mask(box_corners(shape), height, width)
    return None


def box_corners(box: Box) -> list[Point]:
    """Clockwise from top-left, as a polygon."""
    return [(box.x1, box.y1), (box.x2, box.y1), (box.x2, box.y2), (box.x1, box.y2)]


def mask_polygons(mask: np.ndarray, min_points: int = 3) -> list[list[Point]]:
    """Outer contours of a binary mask as polygons (largest first), for
    formats that only hold polygons (YOLO segments, labelme exports)."""
    import cv2

    m = np.ascontiguousarray(mask, dtype=np.uint8)
    contours, _ = cv2.findContours(m, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    polys = [[(float(x), float(y)) for x, y in c.reshape(-1, 2)] for c in contours if len(c) >= min_points]
    polys.sort(key=lambda p: -Polygon(label="_", points=p).area)
    return polys


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

"""Editing geometry of core shapes: handles, moves, vertex edits.

Pure functions (no Qt) returning new shapes with the same id, so that the
canvas can preview an edit and the undo command can store old and new.
"""
from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from labeltool.core.shapes import Box, Mask, Point, Polygon, Shape, TextRegion

# Box handles: corners clockwise from top-left, then edge midpoints.
_BOX_CORNERS = ((0, 0), (1, 0), (1, 1), (0, 1))


def handles(shape: Shape) -> list[Point]:
    """Points a user can drag (in image pixels)."""
    if isinstance(shape, Box):
        xs, ys = (shape.x1, shape.x2), (shape.y1, shape.y2)
        return [(xs[i], ys[j]) for i, j in _BOX_CORNERS]
    if isinstance(shape, (Polygon, TextRegion)):
        return list(shape.points)
    return []


def drag_handle(shape: Shape, index: int, p: Point) -> Shape:
    """``shape`` with handle ``index`` moved to ``p``. A box corner drags the
    opposite corner along; Box normalises, so crossing over just flips it."""
    if isinstance(shape, Box):
        corners = handles(shape)
        ox, oy = corners[(index + 2) % 4]
        return replace(shape, x1=ox, y1=oy, x2=p[0], y2=p[1])
    if isinstance(shape, (Polygon, TextRegion)):
        pts = list(shape.points)
        pts[index] = (float(p[0]), float(p[1]))
        return replace(shape, points=pts)
    return shape


def move(shape: Shape, dx: float, dy: float) -> Shape:
    """``shape`` moved by ``(dx, dy)`` pixels (masks by whole pixels)."""
    if isinstance(shape, Box):
        return replace(shape, x1=shape.x1 + dx, y1=shape.y1 + dy, x2=shape.x2 + dx, y2=shape.y2 + dy)
    if isinstance(shape, (Polygon, TextRegion)):
        return replace(shape, points=[(x + dx, y + dy) for x, y in shape.points])
    if isinstance(shape, Mask):
        return replace(shape, rle=Mask.from_array(shift_array(shape.to_array(), round(dx), round(dy)), label="").rle)
    return shape


def shift_array(a: np.ndarray, dx: int, dy: int) -> np.ndarray:
    """``a`` shifted by whole pixels; what moves out is cut, what comes in is 0."""
    h, w = a.shape
    out = np.zeros_like(a)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src = a[max(0, -dy):h - max(0, dy), max(0, -dx):w - max(0, dx)]
    out[max(0, dy):max(0, dy) + src.shape[0], max(0, dx):max(0, dx) + src.shape[1]] = src
    return out


def clamp(shape: Shape, width: float, height: float) -> Shape:
    """Keep a shape's points inside the image (drawing past the edge is easy)."""
    def c(x: float, y: float) -> Point:
        return min(max(x, 0.0), float(width)), min(max(y, 0.0), float(height))

    if isinstance(shape, Box):
        (x1, y1), (x2, y2) = c(shape.x1, shape.y1), c(shape.x2, shape.y2)
        return replace(shape, x1=x1, y1=y1, x2=x2, y2=y2)
    if isinstance(shape, (Polygon, TextRegion)):
        return replace(shape, points=[c(x, y) for x, y in shape.points])
    return shape


def nearest_edge(points: list[Point], p: Point, closed: bool = True) -> tuple[int, float, Point]:
    """``(i, distance, foot)`` of the edge ``points[i] -> points[i+1]`` nearest to ``p``."""
    best = (-1, math.inf, p)
    n = len(points)
    for i in range(n if closed else n - 1):
        (ax, ay), (bx, by) = points[i], points[(i + 1) % n]
        vx, vy = bx - ax, by - ay
        L = vx * vx + vy * vy
        t = 0.0 if L == 0 else max(0.0, min(1.0, ((p[0] - ax) * vx + (p[1] - ay) * vy) / L))
        fx, fy = ax + t * vx, ay + t * vy
        d = math.hypot(p[0] - fx, p[1] - fy)
        if d < best[1]:
            best = (i, d, (fx, fy))
    return best


def insert_vertex(shape: Polygon, edge: int, p: Point) -> Polygon:
    pts = list(shape.points)
    pts.insert(edge + 1, (float(p[0]), float(p[1])))
    return replace(shape, points=pts)


def delete_vertex(shape: Polygon, index: int) -> Polygon | None:
    """The polygon without vertex ``index``, or None when it would drop below 3."""
    if len(shape.points) <= 3:
        return None
    pts = list(shape.points)
    del pts[index]
    return replace(shape, points=pts)


def box_to_quad(x1: float, y1: float, x2: float, y2: float) -> list[Point]:
    """Four points clockwise from top-left (PPOCRLabel's order)."""
    x1, x2 = sorted((x1, x2))
    y1, y2 = sorted((y1, y2))
    return [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]

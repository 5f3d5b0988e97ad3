"""DBNet's text kernels (Liao et al., 2020): each text quad shrunk by
``D = A (1 - r^2) / L`` (area A, perimeter L, r = 0.4) is the "kernel" a
detector learns to mark, so that lines close to each other stay apart in
its map; a kernel found in the map is grown back by ``D' = A' u / L'``
(u = 1.5, DBNet's and PP-OCR's unclip ratio) and its minimum-area
rectangle is the text quad.

An exact kernel grown by u = 1.5 comes back smaller than its line (a 100 x
20 line as 94 x 14, IoU 0.66; the shrink's inverse would be u = 2.5 for
it), but a model's map is blurred and its kernels a little fatter than
drawn: on models trained here for 80-100 steps, u = 1.5 on kernels cut at
0.5 (of the calibrated probability, see engine.text.textdet) gave hmean
0.81-1.0, the shrink's inverse 0.32-0.56, and u = 1.8 0.75-0.97.

The polygon offsetting both ways is ``pyclipper``'s (Clipper, as DBNet's
and PP-OCR's code use), the rectangles OpenCV's. NumPy only, no torch: the
dataset draws the targets here and the task decodes its maps here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np
import pyclipper

SHRINK_RATIO = 0.4  # DBNet's r
UNCLIP_RATIO = 1.5  # DBNet's u
BINARY_THRESHOLD = 0.5  # a pixel belongs to a kernel when its probability is at least this
MIN_SIDE = 3.0  # kernels and quads narrower than this (map pixels) are noise


def _offset(points: np.ndarray, distance: float) -> list[np.ndarray]:
    """``points`` grown (distance > 0) or shrunk (< 0) with round joins."""
    pco = pyclipper.PyclipperOffset()
    pco.AddPath([tuple(p) for p in np.round(points).astype(np.int64).tolist()], pyclipper.JT_ROUND,
                pyclipper.ET_CLOSEDPOLYGON)
    return [np.asarray(p, dtype=np.float32).reshape(-1, 2) for p in pco.Execute(distance)]


def polygon_area_perimeter(points: np.ndarray) -> tuple[float, float]:
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    x, y = pts[:, 0], pts[:, 1]
    area = 0.5 * abs(float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)))
    perimeter = float(np.linalg.norm(pts - np.roll(pts, -1, axis=0), axis=1).sum())
    return area, perimeter


def shrink(points: np.ndarray, ratio: float = SHRINK_RATIO) -> np.ndarray | None:
    """The kernel of a text polygon; None when it shrinks to nothing."""
    area, perimeter = polygon_area_perimeter(points)
    if area < 1 or perimeter <= 0:
        return None
    parts = _offset(np.asarray(points, dtype=np.float32), -area * (1 - ratio ** 2) / perimeter)
    if not parts:
        return None
    kernel = max(parts, key=lambda p: polygon_area_perimeter(p)[0])
    return kernel if len(kernel) >= 3 else None


def unclip(points: np.ndarray, ratio: float = UNCLIP_RATIO) -> np.ndarray | None:
    """A kernel grown by ``A u / L`` on every side."""
    area, perimeter = polygon_area_perimeter(points)
    if perimeter <= 0:
        return None
    parts = _offset(np.asarray(points, dtype=np.float32), area * ratio / perimeter)
    return max(parts, key=lambda p: polygon_area_perimeter(p)[0]) if parts else None


def kernel_maps(quads: Sequence[np.ndarray], ignored: Sequence[bool], height: int, width: int,
                ) -> tuple[np.ndarray, np.ndarray]:
    """``(kernel, ignore)`` uint8 maps of an image: 1 inside each kernel,
    and 1 over the regions the loss leaves out (difficult ones, and those
    too thin to have a kernel: DBNet ignores them too)."""
    kernel = np.zeros((height, width), np.uint8)
    ignore = np.zeros((height, width), np.uint8)
    for quad, skip in zip(quads, ignored):
        pts = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
        small = None if skip or min_side(pts) < MIN_SIDE else shrink(pts)
        if small is None:
            cv2.fillPoly(ignore, [np.round(pts).astype(np.int32)], 1)
        else:
            cv2.fillPoly(kernel, [np.round(small).astype(np.int32)], 1)
    return kernel, ignore


def min_side(points: np.ndarray) -> float:
    """The short side of the polygon's minimum-area rectangle."""
    (_, _), (w, h), _ = cv2.minAreaRect(np.asarray(points, dtype=np.float32).reshape(-1, 2))
    return float(min(w, h))


@dataclass
class FoundQuad:
    points: np.ndarray  # (4, 2) float32, in the map's pixels, cv2.boxPoints' order
    score: float  # mean probability inside the kernel


def quads_from_map(prob: np.ndarray, box_threshold: float = 0.5, binary_threshold: float = BINARY_THRESHOLD,
                   unclip_ratio: float = UNCLIP_RATIO, max_candidates: int = 1000) -> list[FoundQuad]:
    """Text quads of a probability map ``(h, w)``: each connected kernel
    above ``binary_threshold`` whose mean probability is at least
    ``box_threshold``, grown back and boxed by its minimum-area rectangle."""
    h, w = prob.shape
    binary = (prob >= binary_threshold).astype(np.uint8)
    contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    found: list[FoundQuad] = []
    for contour in contours[:max_candidates]:
        if len(contour) < 3:
            continue
        pts = contour.reshape(-1, 2).astype(np.float32)
        if min_side(pts) < MIN_SIDE / 2:
            continue
        score = _mean_inside(prob, pts)
        if score < box_threshold:
            continue
        grown = unclip(cv2.boxPoints(cv2.minAreaRect(pts)), unclip_ratio)
        if grown is None or len(grown) < 3:
            continue
        rect = cv2.minAreaRect(grown)
        if min(rect[1]) < MIN_SIDE:
            continue
        box = cv2.boxPoints(rect)
        box[:, 0] = np.clip(box[:, 0], 0, w)
        box[:, 1] = np.clip(box[:, 1], 0, h)
        found.append(FoundQuad(box.astype(np.float32), score))
    return found


def _mean_inside(prob: np.ndarray, points: np.ndarray) -> float:
    """Mean of ``prob`` inside the polygon (in its bounding box only: fast)."""
    h, w = prob.shape
    x0, y0 = np.clip(np.floor(points.min(0)).astype(int), 0, [w - 1, h - 1])
    x1, y1 = np.clip(np.ceil(points.max(0)).astype(int), 0, [w - 1, h - 1])
    mask = np.zeros((y1 - y0 + 1, x1 - x0 + 1), np.uint8)
    cv2.fillPoly(mask, [np.round(points - [x0, y0]).astype(np.int32)], 1)
    region = prob[y0:y1 + 1, x0:x1 + 1]
    return float(region[mask.astype(bool)].mean()) if mask.any() else 0.0

"""Conversions between masks and polygons, and GrabCut (OpenCV, no model).

Plain NumPy/OpenCV functions: the canvas and menu actions call them and wrap
the result in an undoable store edit. OpenCV is imported on first use: it is
not needed to open the window.
"""
from __future__ import annotations

import numpy as np

from labeltool.core.shapes import Mask, Point, Polygon


def polygon_to_mask(polygon: Polygon, height: int, width: int) -> Mask:
    """The filled polygon as a mask of the image size (same id, label, flags)."""
    import cv2

    a = np.zeros((height, width), np.uint8)
    pts = np.round(np.asarray(polygon.points, np.float64)).astype(np.int32)
    cv2.fillPoly(a, [pts], 1)
    return Mask.from_array(a, label=polygon.label, id=polygon.id, difficult=polygon.difficult,
                           truncated=polygon.truncated, attributes=dict(polygon.attributes))


def mask_to_polygons(mask: Mask, epsilon: float = 1.0, min_area: float = 4.0) -> list[Polygon]:
    """The outer contours of ``mask`` as polygons, simplified by
    Douglas-Peucker with ``epsilon`` pixels (so a brushed blob does not become
    a thousand vertices). Specks under ``min_area`` pixels are dropped. The
    first polygon keeps the mask's id (the edit replaces it in place)."""
    import cv2

    a = mask.to_array().astype(np.uint8)
    contours, _ = cv2.findContours(a, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    contours = sorted(contours, key=cv2.contourArea, reverse=True)
    out: list[Polygon] = []
    for c in contours:
        if cv2.contourArea(c) < min_area:
            continue
        approx = cv2.approxPolyDP(c, epsilon, True).reshape(-1, 2)
        if len(approx) < 3:
            continue
        pts: list[Point] = [(float(x), float(y)) for x, y in approx]
        fields = dict(label=mask.label, difficult=mask.difficult, truncated=mask.truncated,
                      attributes=dict(mask.attributes))
        if not out:
            fields["id"] = mask.id
        out.append(Polygon(points=pts, **fields))
    return out


def grabcut_box(image: np.ndarray, box: tuple[float, float, float, float], iterations: int = 4,
                max_side: int = 512) -> np.ndarray:
    """A foreground mask (bool, image size) of the object inside ``box``.

    GrabCut runs on the box plus a margin, scaled down to ``max_side`` (it is
    quadratic-ish in pixels; a 12 MP crop would take a minute), and the mask is
    scaled back up.
    """
    import cv2

    h, w = image.shape[:2]
    x1, y1, x2, y2 = box
    mx, my = max(4, (x2 - x1) * 0.1), max(4, (y2 - y1) * 0.1)
    cx1, cy1 = int(max(0, x1 - mx)), int(max(0, y1 - my))
    cx2, cy2 = int(min(w, x2 + mx)), int(min(h, y2 + my))
    crop = image[cy1:cy2, cx1:cx2]
    ch, cw = crop.shape[:2]
    if ch < 8 or cw < 8:
        raise ValueError("the box is too small for GrabCut (draw one at least 8 pixels wide)")
    scale = min(1.0, max_side / max(ch, cw))
    small = cv2.resize(crop, (max(1, int(cw * scale)), max(1, int(ch * scale))), interpolation=cv2.INTER_AREA) \
        if scale < 1 else crop
    bgr = cv2.cvtColor(np.ascontiguousarray(small), cv2.COLOR_RGB2BGR)
    rect = (int((x1 - cx1) * scale), int((y1 - cy1) * scale),
            max(1, int((x2 - x1) * scale)), max(1, int((y2 - y1) * scale)))
    gc = np.zeros(bgr.shape[:2], np.uint8)
    bg, fg = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    cv2.grabCut(bgr, gc, rect, bg, fg, iterations, cv2.GC_INIT_WITH_RECT)
    small_mask = ((gc == cv2.GC_FGD) | (gc == cv2.GC_PR_FGD)).astype(np.uint8)
    m = cv2.resize(small_mask, (cw, ch), interpolation=cv2.INTER_NEAREST) if scale < 1 else small_mask
    out = np.zeros((h, w), bool)
    out[cy1:cy2, cx1:cx2] = m.astype(bool)
    return out


def fit_mask(a: np.ndarray, height: int, width: int) -> np.ndarray:
    """``a`` cropped or zero-padded to ``(height, width)`` (pasting a mask onto
    an image of another size)."""
    out = np.zeros((height, width), bool)
    h, w = min(height, a.shape[0]), min(width, a.shape[1])
    out[:h, :w] = a[:h, :w]
    return out

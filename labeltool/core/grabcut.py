"""GrabCut: the foreground mask of the object inside a box (OpenCV, no
model). A plain NumPy function: the window turns its result into an undoable
mask edit. OpenCV is imported on first use: it is not needed to open the
window."""
from __future__ import annotations

import numpy as np


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

"""ICDAR 2015 (Robust Reading, task 4.1) text-detection scores: precision,
recall and their harmonic mean at polygon IoU >= 0.5, one-to-one.

The rules of the competition's own script (``rrc_evaluation_funcs`` /
``script.py`` of 4.1), polygons through ``shapely``:

* a truth marked "do not care" (``###``; here: a region marked difficult)
  is neither counted nor missed;
* a detection lying mostly (more than half of its area) on a do-not-care
  truth is dropped from the count;
* pairs are taken greedily in the order truths and detections come, each
  truth and detection at most once, when their IoU reaches the threshold.

No torch here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from shapely.geometry import Polygon
from shapely.validation import make_valid

IOU_THRESHOLD = 0.5
DONT_CARE_OVERLAP = 0.5  # a detection this much inside a do-not-care region is not counted


def _polygon(points: Sequence[Sequence[float]] | np.ndarray) -> Polygon:
    poly = Polygon(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    # A quad clicked in a crossing order is a bow tie; its valid form is what it covers.
    return poly if poly.is_valid else make_valid(poly)


def _area(a: Polygon, b: Polygon) -> float:
    return float(a.intersection(b).area)


def _iou(a: Polygon, b: Polygon) -> float:
    inter = _area(a, b)
    union = a.area + b.area - inter
    return inter / union if union > 0 else 0.0


@dataclass
class Icdar2015:
    """Accumulates images; :meth:`metrics` gives precision, recall, hmean."""

    iou_threshold: float = IOU_THRESHOLD
    matched: int = 0
    truths: int = 0  # cared-for truths
    detections: int = 0  # detections not dropped on a do-not-care region

    def add_image(self, detections: Sequence[np.ndarray], truths: Sequence[np.ndarray],
                  dont_care: Sequence[bool] | None = None) -> int:
        """One image's detected and true polygons; returns its matches."""
        flags = list(dont_care) if dont_care is not None else [False] * len(truths)
        gt = [_polygon(t) for t in truths]
        dt = [_polygon(d) for d in detections]
        care_gt = [i for i, f in enumerate(flags) if not f]
        ignored = [gt[i] for i, f in enumerate(flags) if f]
        care_dt = []
        for j, d in enumerate(dt):
            if ignored and d.area > 0 and any(_area(d, g) / d.area > DONT_CARE_OVERLAP for g in ignored):
                continue
            care_dt.append(j)
        gt_taken, dt_taken = set(), set()
        matches = 0
        for i in care_gt:
            for j in care_dt:
                if i in gt_taken or j in dt_taken:
                    continue
                if _iou(gt[i], dt[j]) >= self.iou_threshold:
                    gt_taken.add(i)
                    dt_taken.add(j)
                    matches += 1
        self.matched += matches
        self.truths += len(care_gt)
        self.detections += len(care_dt)
        return matches

    @property
    def precision(self) -> float:
        return self.matched / self.detections if self.detections else 0.0  # as the script's totals

    @property
    def recall(self) -> float:
        # Undefined without a truth to find (the script says 0; the curves say "not measured").
        return self.matched / self.truths if self.truths else float("nan")

    @property
    def hmean(self) -> float:
        p, r = self.precision, self.recall
        if not np.isfinite(r):
            return float("nan")
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    def metrics(self) -> dict[str, float]:
        return {"hmean": self.hmean, "precision": self.precision, "recall": self.recall}

"""Average precision as pycocotools' COCOeval computes it, in one place.

Training metrics (:class:`engine.metrics.DetectionMetric`: mAP@0.5 and
mAP@[.5:.95] per epoch, of boxes and of instance masks) and the review report (:func:`engine.review.evaluate`:
AP per class with its precision/recall curve) both feed their images to an
:class:`APEvaluator`, so the number on the training curve and the number in
the review dock are the same number. It gives COCOeval's results for area
"all", ``maxDets`` 100 and 101 recall points (tests/review compares them on
random data) about ten times faster, which matters when the review report is
rebuilt in the window and after every validation epoch. No torch: the review
window imports it.

COCOeval's rules, followed exactly:

* per image and class, predictions best score first (a stable sort: equal
  scores keep their order), at most ``max_dets`` of them;
* each takes, among the truths not yet taken at that IoU threshold, the one
  it overlaps most with IoU >= the threshold (of equals, the last);
* per class, all images' predictions sorted by score (stable), precision
  made monotone from the right and read at recall 0, 0.01, ..., 1 (0 where
  the recall is never reached); AP is the mean of those 101 values;
* crowd regions (``iscrowd``) are no truths: a prediction that finds no
  free ordinary truth but overlaps a crowd region (IoU there is the share of
  the *prediction* inside the region) is ignored, neither hit nor false
  alarm; a crowd region may take any number of predictions.

The IoU is the caller's: of boxes (:func:`box_iou`) or of masks
(:func:`mask_iou`, pycocotools' RLE IoU), so ``bbox`` and ``segm`` are the
same code.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Hashable, Sequence

import numpy as np

# The same float values COCOeval's Params builds (its linspace calls).
COCO_IOU_THRESHOLDS = np.linspace(.5, 0.95, int(np.round((0.95 - .5) / .05)) + 1, endpoint=True)
RECALL_POINTS = np.linspace(.0, 1.00, int(np.round((1.00 - .0) / .01)) + 1, endpoint=True)
MAX_DETECTIONS = 100  # per image and class
IGNORED = -2  # add_image's answer for a prediction on a crowd region


def box_iou(a: np.ndarray, b: np.ndarray, crowd: Sequence[bool] | None = None) -> np.ndarray:
    """IoU of every box of ``a`` (N, 4) with every box of ``b`` (M, 4),
    x1y1x2y2, continuous (COCO's bbox IoU, not pixels). Against a ``crowd``
    box the union is the box of ``a`` alone, as pycocotools has it."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    if len(a) == 0 or len(b) == 0:
        return np.zeros((len(a), len(b)))
    x1 = np.maximum(a[:, None, 0], b[None, :, 0])
    y1 = np.maximum(a[:, None, 1], b[None, :, 1])
    x2 = np.minimum(a[:, None, 2], b[None, :, 2])
    y2 = np.minimum(a[:, None, 3], b[None, :, 3])
    inter = np.clip(x2 - x1, 0, None) * np.clip(y2 - y1, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    if crowd is not None:
        union = np.where(np.asarray(crowd, dtype=bool)[None, :], area_a[:, None], union)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


def mask_iou(predictions: list[dict], truths: list[dict], crowd: Sequence[bool] | None = None) -> np.ndarray:
    """IoU of every mask of ``predictions`` with every mask of ``truths``,
    both COCO RLEs of one image size: pycocotools' ``mask.iou`` (COCOeval's
    segm IoU; against a ``crowd`` mask the union is the prediction alone)."""
    if not predictions or not truths:
        return np.zeros((len(predictions), len(truths)))
    from pycocotools import mask as mask_utils

    flags = [int(bool(c)) for c in crowd] if crowd is not None else [0] * len(truths)
    return np.asarray(mask_utils.iou(predictions, truths, flags), dtype=np.float64).reshape(len(predictions),
                                                                                          len(truths))


def greedy_match(ious: np.ndarray, thresholds: Sequence[float], allowed: np.ndarray | None = None,
                 taken: np.ndarray | None = None) -> np.ndarray:
    """COCOeval's matching at each IoU threshold: rows of ``ious`` are
    predictions, best score first; each takes the free truth (column) it
    overlaps most with IoU >= the threshold (of equals, the last), among the
    ``allowed`` ones. Returns ``(T, D)`` matched truth indices, -1 for none.
    ``taken`` ``(T, G)``, if given, says which truths are already taken and
    is updated (matching in two passes)."""
    ious = np.asarray(ious, dtype=np.float64)
    n_pred, n_truth = ious.shape
    thr = np.minimum(np.asarray(thresholds, dtype=np.float64), 1 - 1e-10)[:, None, None]
    matched = np.full((len(thr), n_pred), -1, dtype=np.int64)
    if n_pred == 0 or n_truth == 0:
        return matched
    if taken is None:
        taken = np.zeros((len(thr), n_truth), dtype=bool)
    ok = (ious >= thr) & ~taken[:, None, :]  # (T, D, G)
    if allowed is not None:
        ok &= allowed
    # Each prediction's favourite: the last of its highest-IoU candidates.
    best = n_truth - 1 - np.argmax(np.where(ok, ious, -1.0)[:, :, ::-1], axis=2)  # (T, D)
    hit = ok[np.arange(len(thr))[:, None], np.arange(n_pred)[None, :], best]
    wanted = np.bincount((np.arange(len(thr))[:, None] * n_truth + best)[hit], minlength=len(thr) * n_truth)
    if wanted.max(initial=0) <= 1:  # no two predictions want the same truth: greedy gives each its favourite
        matched[hit] = best[hit]
        taken[hit.nonzero()[0], best[hit]] = True
        return matched
    thr_rows = np.arange(len(thr))
    for d in np.flatnonzero(hit.any(0)):  # in score order; a prediction nobody could match is skipped
        free = ok[:, d] & ~taken
        j = n_truth - 1 - np.argmax(np.where(free, ious[d], -1.0)[:, ::-1], axis=1)
        got = free[thr_rows, j]
        taken[thr_rows[got], j[got]] = True
        matched[got, d] = j[got]
    return matched


def crowd_match(ious: np.ndarray, thresholds: Sequence[float], allowed: np.ndarray) -> np.ndarray:
    """``(T, D)``: the crowd region (column) each prediction (row) lies on
    with IoU >= the threshold, the most overlapped (of equals, the last), -1
    for none; crowd regions are never taken, so predictions do not compete."""
    ious = np.asarray(ious, dtype=np.float64)
    thr = np.minimum(np.asarray(thresholds, dtype=np.float64), 1 - 1e-10)[:, None, None]
    if ious.size == 0:
        return np.full((len(thr), ious.shape[0]), -1, dtype=np.int64)
    ok = (ious >= thr) & allowed  # (T, D, G)
    best = ious.shape[1] - 1 - np.argmax(np.where(ok, ious, -1.0)[:, :, ::-1], axis=2)
    hit = np.take_along_axis(ok, best[:, :, None], axis=2)[:, :, 0]
    return np.where(hit, best, -1)


def average_precision(scores: np.ndarray, is_tp: np.ndarray, n_truth: int) -> tuple[np.ndarray, np.ndarray,
                                                                                   np.ndarray]:
    """COCOeval's AP of one class at each IoU threshold: ``(ap (T,),
    recall (T, N), precision (T, N))``, the curves in score order.

    ``is_tp`` is ``(T, N)``: whether each prediction matched at threshold t.
    """
    is_tp = np.asarray(is_tp, dtype=bool)
    is_tp = is_tp.reshape(len(is_tp) if is_tp.ndim == 2 else 1, len(scores))
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="mergesort")
    tp = np.cumsum(is_tp[:, order], axis=1).astype(np.float64)
    fp = np.cumsum(~is_tp[:, order], axis=1).astype(np.float64)
    recall = tp / n_truth
    # COCOeval divides by tp + fp + eps, which puts a perfect class at
    # 0.9999999999999998; tp + fp >= 1 here, so the plain ratio is exact.
    precision = tp / np.maximum(tp + fp, 1.0)
    ap = np.zeros(len(is_tp))
    if not len(scores):
        return ap, recall, precision
    envelope = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]
    for t in range(len(is_tp)):
        idx = np.searchsorted(recall[t], RECALL_POINTS, side="left")
        q = np.zeros(len(RECALL_POINTS))
        valid = idx < len(scores)  # recall never reached: precision 0 there
        q[valid] = envelope[t, idx[valid]]
        ap[t] = np.mean(q)  # as COCOeval sums (pairwise), so a perfect class is exactly 1.0
    return ap, recall, precision


@dataclass
class ClassAP:
    """One class over all images."""

    truths: int
    ap: np.ndarray  # (T,): AP at each IoU threshold
    recall: np.ndarray  # (T, N): the curves, predictions in score order
    precision: np.ndarray


class APEvaluator:
    """Collects images (their IoU matrix, labels and scores) and gives each
    class's AP at ``iou_thresholds`` as COCOeval does (area "all")."""

    def __init__(self, iou_thresholds: Sequence[float] = COCO_IOU_THRESHOLDS, max_dets: int = MAX_DETECTIONS):
        self.iou_thresholds = np.asarray(iou_thresholds, dtype=np.float64).reshape(-1)
        self.max_dets = max_dets
        self._codes: dict[Hashable, int] = {}  # label -> small int, in the order first seen
        self._truths: list[int] = []  # per code
        self._scores: list[np.ndarray] = []  # per image, kept predictions in score order
        self._labels: list[np.ndarray] = []
        self._matched: list[np.ndarray] = []  # (T, n) bool

    def _code(self, labels: Sequence[Hashable]) -> np.ndarray:
        for label in labels:
            if label not in self._codes:
                self._codes[label] = len(self._codes)
                self._truths.append(0)
        return np.array([self._codes[c] for c in labels], dtype=np.int64)

    def add_image(self, ious: np.ndarray, pred_labels: Sequence[Hashable], pred_scores: Sequence[float],
                  truth_labels: Sequence[Hashable], truth_crowd: Sequence[bool] | None = None) -> np.ndarray:
        """One image: ``ious`` (predictions x truths), whatever the IoU is of
        (boxes, masks; against crowd truths as :func:`box_iou` and
        :func:`mask_iou` give it). Returns ``(T, D)``: the truth each
        prediction matched at each threshold, -1 for none (and for
        predictions past ``max_dets`` of their class, which COCOeval leaves
        out), :data:`IGNORED` for one on a ``truth_crowd`` region only."""
        pred, truth = self._code(pred_labels), self._code(truth_labels)
        ious = np.asarray(ious, dtype=np.float64).reshape(len(pred), len(truth))
        scores = np.asarray(pred_scores, dtype=np.float64).reshape(-1)
        crowd = np.zeros(len(truth), dtype=bool) if truth_crowd is None else np.asarray(truth_crowd, dtype=bool)
        for c in truth[~crowd]:
            self._truths[c] += 1
        # All classes in one pass, kept apart by ``allowed``: a stable sort by
        # score orders each class's predictions as COCOeval's per-class sort.
        order = np.argsort(-scores, kind="mergesort")
        if len(order) > self.max_dets:
            order = order[_rank_within(pred[order]) < self.max_dets]
        same = pred[order][:, None] == truth[None, :]
        found = greedy_match(ious[order], self.iou_thresholds, same & ~crowd[None, :])
        if crowd.any():  # COCOeval looks at crowd regions last, for what found no ordinary truth
            on_crowd = crowd_match(ious[order], self.iou_thresholds, same & crowd[None, :])
            found = np.where((found < 0) & (on_crowd >= 0), IGNORED, found)
        matched = np.full((len(self.iou_thresholds), len(pred)), -1, dtype=np.int64)
        matched[:, order] = found
        self._scores.append(scores[order])
        self._labels.append(pred[order])
        self._matched.append(found)
        return matched

    def result(self) -> dict[Hashable, ClassAP]:
        """Each class with at least one truth (AP is undefined without)."""
        t = len(self.iou_thresholds)
        scores = np.concatenate(self._scores) if self._scores else np.zeros(0)
        labels = np.concatenate(self._labels) if self._labels else np.zeros(0, dtype=np.int64)
        matched = np.concatenate(self._matched, axis=1) if self._matched else np.zeros((t, 0), dtype=np.int64)
        out: dict[Hashable, ClassAP] = {}
        for label, code in self._codes.items():
            if self._truths[code]:
                mine = labels == code  # in image order, each image's in score order, as COCOeval concatenates
                out[label] = ClassAP(self._truths[code], *_class_ap(scores[mine], matched[:, mine],
                                                                    self._truths[code]))
        return out


def _class_ap(scores: np.ndarray, matched: np.ndarray, n_truth: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`average_precision` with the predictions ignored at a threshold
    (on a crowd region) left out there. COCOeval keeps them in its sorted
    list with neither a hit nor a false alarm, which repeats the point
    before them on the curve and changes no interpolated precision."""
    ignored = matched == IGNORED
    if not ignored.any():
        return average_precision(scores, matched >= 0, n_truth)
    ap = np.zeros(len(matched))
    recall, precision = [], []
    for t in range(len(matched)):
        keep = ~ignored[t]
        a, r, p = average_precision(scores[keep], matched[t:t + 1, keep] >= 0, n_truth)
        ap[t] = a[0]
        # The curves keep one column per prediction: an ignored one repeats the point before it.
        at = np.maximum(np.cumsum(keep) - 1, 0)
        full_r = np.where(np.cumsum(keep) > 0, r[0][at] if len(r[0]) else 0.0, 0.0)
        full_p = np.where(np.cumsum(keep) > 0, p[0][at] if len(p[0]) else 0.0, 0.0)
        recall.append(full_r)
        precision.append(full_p)
    return ap, np.asarray(recall).reshape(len(matched), -1), np.asarray(precision).reshape(len(matched), -1)


def _rank_within(codes: np.ndarray) -> np.ndarray:
    """Each element's rank among the earlier elements with the same code."""
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    first = np.searchsorted(sorted_codes, sorted_codes)  # where each code's run starts
    rank = np.empty(len(codes), dtype=np.int64)
    rank[order] = np.arange(len(codes)) - first
    return rank

"""Validation metrics. Detection mAP comes from pycocotools' COCOeval (the
numbers papers and the torchvision references report), not a re-implementation."""
from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass, field

import numpy as np
import torch


@dataclass
class MetricResult:
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: list[list[int]] | None = None


class DetectionMetric:
    """Collects ground truth and detections (XYXY, in the same pixels) and
    evaluates them with COCOeval at the end."""

    def __init__(self, classes: list[str]):
        self.classes = classes
        self.images: list[dict] = []
        self.gts: list[dict] = []
        self.dts: list[dict] = []

    def update(self, gt_boxes: torch.Tensor, gt_labels: torch.Tensor, boxes: torch.Tensor, scores: torch.Tensor,
               labels: torch.Tensor, height: int, width: int) -> None:
        image_id = len(self.images) + 1
        self.images.append({"id": image_id, "height": int(height), "width": int(width)})
        for b, c in zip(gt_boxes.tolist(), gt_labels.tolist()):
            w, h = b[2] - b[0], b[3] - b[1]
            self.gts.append({"id": len(self.gts) + 1, "image_id": image_id, "category_id": int(c),
                             "bbox": [b[0], b[1], w, h], "area": w * h, "iscrowd": 0})
        for b, s, c in zip(boxes.tolist(), scores.tolist(), labels.tolist()):
            self.dts.append({"image_id": image_id, "category_id": int(c), "score": float(s),
                             "bbox": [b[0], b[1], b[2] - b[0], b[3] - b[1]]})

    def compute(self) -> MetricResult:
        from pycocotools.coco import COCO
        from pycocotools.cocoeval import COCOeval

        if not self.gts:  # only negatives in val: AP is undefined
            return MetricResult({"map50": float("nan"), "map": float("nan")})
        if not self.dts:
            return MetricResult({"map50": 0.0, "map": 0.0},
                                {c: {"ap50": 0.0, "ap": 0.0} for c in self.classes})
        gt = COCO()
        gt.dataset = {"info": {}, "licenses": [], "images": self.images, "annotations": self.gts,
                      "categories": [{"id": i + 1, "name": c} for i, c in enumerate(self.classes)]}
        with contextlib.redirect_stdout(io.StringIO()):  # COCOeval prints its tables
            gt.createIndex()
            dt = gt.loadRes(self.dts)
            ev = COCOeval(gt, dt, "bbox")
            ev.evaluate()
            ev.accumulate()
            ev.summarize()
        per_class: dict[str, dict[str, float]] = {}
        precision = ev.eval["precision"]  # [iou thresholds, recall, class, area, max dets]
        for k, name in enumerate(self.classes):
            p = precision[:, :, k, 0, -1]
            if (p > -1).any():
                p50 = p[0][p[0] > -1]
                per_class[name] = {"ap50": float(p50.mean()) if p50.size else 0.0, "ap": float(p[p > -1].mean())}
        return MetricResult({"map50": max(0.0, float(ev.stats[1])), "map": max(0.0, float(ev.stats[0]))},
                            per_class)


class SegmentationMetric:
    """A pixel confusion matrix; IoU and Dice per class from it. ``miou`` and
    ``dice`` average the foreground classes present in truth or prediction
    (background IoU is near 1 on most images and would flatter the mean)."""

    def __init__(self, classes: list[str]):
        self.classes = ["background", *classes]
        self.matrix = np.zeros((len(self.classes),) * 2, dtype=np.int64)

    def update(self, pred: torch.Tensor, truth: torch.Tensor) -> None:
        n = len(self.classes)
        idx = truth.reshape(-1).to(torch.int64) * n + pred.reshape(-1).to(torch.int64)
        self.matrix += torch.bincount(idx.cpu(), minlength=n * n).reshape(n, n).numpy()

    def compute(self) -> MetricResult:
        tp = np.diag(self.matrix).astype(np.float64)
        fp = self.matrix.sum(0) - tp
        fn = self.matrix.sum(1) - tp
        present = (tp + fp + fn) > 0
        with np.errstate(invalid="ignore", divide="ignore"):
            iou = np.where(present, tp / (tp + fp + fn), np.nan)
            dice = np.where(present, 2 * tp / (2 * tp + fp + fn), np.nan)
        per_class = {c: {"iou": float(iou[i]), "dice": float(dice[i])}
                     for i, c in enumerate(self.classes) if present[i]}
        fg = present[1:]
        metrics = {"miou": float(np.nanmean(iou[1:][fg])) if fg.any() else float("nan"),
                   "dice": float(np.nanmean(dice[1:][fg])) if fg.any() else float("nan")}
        return MetricResult(metrics, per_class)


class ClassificationMetric:
    def __init__(self, classes: list[str]):
        self.classes = classes
        self.matrix = np.zeros((len(classes),) * 2, dtype=np.int64)

    def update(self, pred: torch.Tensor, truth: torch.Tensor) -> None:
        n = len(self.classes)
        idx = truth.reshape(-1).to(torch.int64) * n + pred.reshape(-1).to(torch.int64)
        self.matrix += torch.bincount(idx.cpu(), minlength=n * n).reshape(n, n).numpy()

    def compute(self) -> MetricResult:
        total = self.matrix.sum()
        tp = np.diag(self.matrix).astype(np.float64)
        per_class = {}
        for i, c in enumerate(self.classes):
            predicted, actual = self.matrix[:, i].sum(), self.matrix[i].sum()
            per_class[c] = {"precision": float(tp[i] / predicted) if predicted else 0.0,
                            "recall": float(tp[i] / actual) if actual else float("nan"),
                            "support": float(actual)}
        accuracy = float(tp.sum() / total) if total else float("nan")
        return MetricResult({"accuracy": accuracy}, per_class, self.matrix.tolist())

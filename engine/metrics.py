"""Validation metrics. Detection mAP is COCOeval's (the numbers papers and
the torchvision references report), computed by :mod:`engine.evaluation`,
the same code as the review report's AP."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .evaluation import APEvaluator, box_iou


@dataclass
class MetricResult:
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: list[list[int]] | None = None


class DetectionMetric:
    """Collects ground truth and detections (XYXY, in the same pixels) image
    by image; ``map50`` is AP at IoU 0.5, ``map`` AP over IoU 0.5:0.95, both
    the mean over classes with a truth (per class: ``ap50``, ``ap``)."""

    def __init__(self, classes: list[str]):
        self.classes = classes
        self.evaluator = APEvaluator()  # COCO's ten IoU thresholds, 0.5 first

    def update(self, gt_boxes: torch.Tensor, gt_labels: torch.Tensor, boxes: torch.Tensor, scores: torch.Tensor,
               labels: torch.Tensor, height: int, width: int) -> None:
        """One image. ``height`` and ``width`` are not needed (box IoU is
        continuous) but say which image the boxes belong to."""
        ious = box_iou(boxes.numpy().reshape(-1, 4), gt_boxes.numpy().reshape(-1, 4))
        self.evaluator.add_image(ious, labels.tolist(), scores.tolist(), gt_labels.tolist())

    def compute(self) -> MetricResult:
        per_class: dict[str, dict[str, float]] = {}
        for label, c in self.evaluator.result().items():
            per_class[self.classes[int(label) - 1]] = {"ap50": float(c.ap[0]), "ap": float(c.ap.mean())}
        if not per_class:  # only negatives in val: AP is undefined
            return MetricResult({"map50": float("nan"), "map": float("nan")})
        return MetricResult({"map50": float(np.mean([c["ap50"] for c in per_class.values()])),
                             "map": float(np.mean([c["ap"] for c in per_class.values()]))}, per_class)


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

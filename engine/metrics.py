"""Validation metrics. Detection mAP is COCOeval's (the numbers papers and
the torchvision references report), computed by :mod:`engine.evaluation`,
the same code as the review report's AP; instance segmentation adds
COCOeval's ``segm`` AP (mask IoU) beside the ``bbox`` AP."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from .evaluation import APEvaluator, box_iou, mask_iou


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
               labels: torch.Tensor, height: int, width: int, gt_crowd: torch.Tensor | None = None) -> None:
        """One image. ``height`` and ``width`` are not needed (box IoU is
        continuous) but say which image the boxes belong to. ``gt_crowd``
        flags crowd regions (what is found on them is ignored)."""
        crowd = gt_crowd.tolist() if gt_crowd is not None else None
        ious = box_iou(boxes.numpy().reshape(-1, 4), gt_boxes.numpy().reshape(-1, 4), crowd)
        self.evaluator.add_image(ious, labels.tolist(), scores.tolist(), gt_labels.tolist(), crowd)

    def compute(self) -> MetricResult:
        return MetricResult(*ap_figures(self.evaluator, self.classes))


def ap_figures(evaluator: APEvaluator, classes: list[str], prefix: str = "") -> tuple[dict[str, float],
                                                                                     dict[str, dict[str, float]]]:
    """``({prefix}map50, {prefix}map)`` and per class ``{prefix}ap50``,
    ``{prefix}ap`` of an evaluator fed 1-based class indices (NaN means:
    only negatives in validation, AP is undefined)."""
    per_class: dict[str, dict[str, float]] = {}
    for label, c in evaluator.result().items():
        per_class[classes[int(label) - 1]] = {f"{prefix}ap50": float(c.ap[0]), f"{prefix}ap": float(c.ap.mean())}
    if not per_class:
        return {f"{prefix}map50": float("nan"), f"{prefix}map": float("nan")}, {}
    return ({f"{prefix}map50": float(np.mean([c[f"{prefix}ap50"] for c in per_class.values()])),
             f"{prefix}map": float(np.mean([c[f"{prefix}ap"] for c in per_class.values()]))}, per_class)


class InstanceMetric:
    """COCOeval's ``bbox`` and ``segm`` AP of instance predictions:
    ``map50`` / ``map`` of the boxes (as :class:`DetectionMetric`) and
    ``segm_map50`` / ``segm_map`` of the masks, per class ``ap50``, ``ap``,
    ``segm_ap50``, ``segm_ap``."""

    def __init__(self, classes: list[str]):
        self.classes = classes
        self.boxes = DetectionMetric(classes)
        self.masks = APEvaluator()

    def update(self, gt_boxes: torch.Tensor, gt_labels: torch.Tensor, gt_masks: torch.Tensor,
               boxes: torch.Tensor, scores: torch.Tensor, labels: torch.Tensor, masks: torch.Tensor,
               gt_crowd: torch.Tensor | None = None) -> None:
        """One image: true masks ``(G, H, W)`` and predicted masks ``(D, H,
        W)``, both of the image's size, bool (a model's soft masks are cut at
        0.5 before: COCO's results are binary)."""
        h, w = gt_masks.shape[-2:]
        self.boxes.update(gt_boxes, gt_labels, boxes, scores, labels, int(h), int(w), gt_crowd)
        crowd = gt_crowd.tolist() if gt_crowd is not None else None
        ious = mask_iou(masks_rle(masks), masks_rle(gt_masks), crowd)
        self.masks.add_image(ious, labels.tolist(), scores.tolist(), gt_labels.tolist(), crowd)

    def compute(self) -> MetricResult:
        metrics, per_class = ap_figures(self.boxes.evaluator, self.classes)
        segm, segm_per_class = ap_figures(self.masks, self.classes, "segm_")
        for name, values in segm_per_class.items():
            per_class.setdefault(name, {}).update(values)
        return MetricResult({**metrics, **segm}, per_class)


def masks_rle(masks: torch.Tensor) -> list[dict]:
    """COCO RLEs of ``(N, H, W)`` binary masks, in one pycocotools call."""
    from pycocotools import mask as mask_utils

    if not len(masks):
        return []
    a = masks.to(torch.uint8).permute(1, 2, 0).numpy()  # (H, W, N): pycocotools' layout
    return mask_utils.encode(np.asfortranarray(a))


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

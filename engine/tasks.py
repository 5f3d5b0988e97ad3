"""What differs between detection, segmentation and classification, behind
one small interface, so that the trainer has a single loop: the loss of a
batch, validation metrics, and predictions as core shapes."""
from __future__ import annotations

import contextlib
from typing import Any, Callable, ContextManager

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from labeltool.core.shapes import Box, ImageTag, Mask, Shape, Source, TextRegion

from .config import Task
from .data import TEXT_CLASS, Batch
from .metrics import ClassificationMetric, DetectionMetric, MetricResult, SegmentationMetric
from .transforms import inference_input

Autocast = Callable[[], ContextManager[Any]]


def no_autocast() -> ContextManager[Any]:
    return contextlib.nullcontext()



def _evaluate_logits(model, loader, metric, device, autocast, channels_last: bool, per_pixel: bool):
    """Validation of a model whose output is class logits (per image, or per
    pixel): the metric over argmax, plus the mean cross-entropy as val_loss."""
    model.eval()
    total, count = 0.0, 0
    for batch in loader:
        if not len(batch):
            continue
        batch = batch.to(device, channels_last)
        with autocast():
            logits = model(batch.images).float()
        loss = float(F.cross_entropy(logits, batch.targets, reduction="sum"))
        total += loss / batch.targets[0].numel() if per_pixel else loss
        count += len(batch)
        metric.update(logits.argmax(1), batch.targets)
    result = metric.compute()
    if count:
        result.metrics["val_loss"] = total / count
    return result

class TaskAdapter:
    task: Task
    primary: str  # the metric that picks best.pt and drives early stopping

    def __init__(self, classes: list[str]):
        self.classes = classes

    def loss(self, model: nn.Module, batch: Batch) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
        raise NotImplementedError

    def evaluate(self, model: nn.Module, loader: Any, device: torch.device, autocast: Autocast = no_autocast,
                 channels_last: bool = False) -> MetricResult:
        raise NotImplementedError

    def predict(self, model: nn.Module, images: list[np.ndarray], img_size: int, device: torch.device,
                source: str, score_threshold: float = 0.5, autocast: Autocast = no_autocast) -> list[list[Shape]]:
        """Shapes (``Source.from_model(source, score)``) for RGB uint8 images, in their pixels."""
        raise NotImplementedError


class DetectionTask(TaskAdapter):
    task = "detect"
    primary = "map50"

    def loss(self, model, batch):
        parts = model(batch.images, batch.targets)
        return sum(parts.values()), {k: v.detach() for k, v in parts.items()}

    @torch.no_grad()
    def evaluate(self, model, loader, device, autocast=no_autocast, channels_last=False):
        model.eval()
        metric = DetectionMetric(self.classes)
        for batch in loader:
            if not len(batch):
                continue
            batch = batch.to(device)
            with autocast():
                outputs = model(batch.images)
            for image, target, out in zip(batch.images, batch.targets, outputs):
                metric.update(target["boxes"].cpu(), target["labels"].cpu(), out["boxes"].float().cpu(),
                              out["scores"].float().cpu(), out["labels"].cpu(), image.shape[-2], image.shape[-1])
        return metric.compute()

    @torch.no_grad()
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast):
        model.eval()
        inputs = [inference_input("detect", img_size, a).to(device) for a in images]
        with autocast():
            outputs = model(inputs)
        result: list[list[Shape]] = []
        for out in outputs:
            shapes: list[Shape] = []
            for b, s, c in zip(out["boxes"].float().tolist(), out["scores"].float().tolist(), out["labels"].tolist()):
                if s < score_threshold:
                    continue
                label = self.classes[c - 1]
                src = Source.from_model(source, s)
                if label == TEXT_CLASS:  # text regions come back as quads, ready for a transcription
                    x1, y1, x2, y2 = b
                    shapes.append(TextRegion(label=label, points=[(x1, y1), (x2, y1), (x2, y2), (x1, y2)],
                                             source=src))
                else:
                    shapes.append(Box(label=label, x1=b[0], y1=b[1], x2=b[2], y2=b[3], source=src))
            result.append(shapes)
        return result


def dice_loss(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """1 - soft Dice over the foreground classes (background excluded: it
    is most of every image and would make the loss look done early)."""
    n = logits.shape[1]
    probs = logits.float().softmax(1)
    onehot = F.one_hot(target, n).permute(0, 3, 1, 2).to(probs.dtype)
    dims = (0, 2, 3)
    inter = (probs * onehot).sum(dims)
    denom = probs.sum(dims) + onehot.sum(dims)
    dice = (2 * inter + 1.0) / (denom + 1.0)
    return 1 - dice[1:].mean()


class SegmentationTask(TaskAdapter):
    task = "segment"
    primary = "miou"

    def loss(self, model, batch):
        logits = model(batch.images)
        ce = F.cross_entropy(logits.float(), batch.targets)
        dice = dice_loss(logits, batch.targets)
        return ce + dice, {"ce": ce.detach(), "dice": dice.detach()}

    @torch.no_grad()
    def evaluate(self, model, loader, device, autocast=no_autocast, channels_last=False):
        # Cross-entropy per pixel, averaged over images.
        return _evaluate_logits(model, loader, SegmentationMetric(self.classes), device, autocast, channels_last,
                                per_pixel=True)

    @torch.no_grad()
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast):
        model.eval()
        x = torch.stack([inference_input("segment", img_size, a) for a in images]).to(device)
        with autocast():
            logits = model(x)
        result: list[list[Shape]] = []
        for lg, array in zip(logits.float(), images):
            h, w = array.shape[:2]
            probs = F.interpolate(lg[None], size=(h, w), mode="bilinear", align_corners=False)[0].softmax(0)
            best = probs.argmax(0)
            shapes: list[Shape] = []
            for c in range(1, probs.shape[0]):
                mask = best == c
                if not bool(mask.any()):
                    continue
                score = float(probs[c][mask].mean())
                if score >= score_threshold:
                    shapes.append(Mask.from_array(mask.cpu().numpy(), label=self.classes[c - 1],
                                                  source=Source.from_model(source, score)))
            result.append(shapes)
        return result


class ClassificationTask(TaskAdapter):
    task = "classify"
    primary = "accuracy"

    def loss(self, model, batch):
        ce = F.cross_entropy(model(batch.images).float(), batch.targets)
        return ce, {"ce": ce.detach()}

    @torch.no_grad()
    def evaluate(self, model, loader, device, autocast=no_autocast, channels_last=False):
        return _evaluate_logits(model, loader, ClassificationMetric(self.classes), device, autocast, channels_last,
                                per_pixel=False)

    @torch.no_grad()
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast):
        model.eval()
        x = torch.stack([inference_input("classify", img_size, a) for a in images]).to(device)
        with autocast():
            probs = model(x).float().softmax(1)
        result: list[list[Shape]] = []
        for p in probs:
            score, c = (float(v) for v in p.max(0))
            result.append([ImageTag(label=self.classes[int(c)], source=Source.from_model(source, score))]
                          if score >= score_threshold else [])
        return result


ADAPTERS: dict[str, type[TaskAdapter]] = {"detect": DetectionTask, "segment": SegmentationTask,
                                          "classify": ClassificationTask}


def adapter_for(task: Task, classes: list[str]) -> TaskAdapter:
    return ADAPTERS[task](classes)

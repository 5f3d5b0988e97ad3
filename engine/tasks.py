"""What differs between detection, instance segmentation, segmentation and
classification, behind one small interface, so that the trainer has a
single loop: the loss of a batch, validation metrics, and predictions as
core shapes."""
from __future__ import annotations

import contextlib
from typing import Any, Callable, ContextManager, Literal

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from labeltool.core.raster import mask_polygons
from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Shape, Source, TextRegion

from .config import TEXT_TASKS, Task
from .data import TEXT_CLASS, Batch
from .metrics import ClassificationMetric, DetectionMetric, InstanceMetric, MetricResult, SegmentationMetric
from .transforms import inference_input

Autocast = Callable[[], ContextManager[Any]]


def no_autocast() -> ContextManager[Any]:
    return contextlib.nullcontext()



@torch.no_grad()
def validate(model: nn.Module, loader: Any, device: torch.device, autocast: Autocast, channels_last: bool,
             judge: Callable[[Batch, torch.Tensor], float]) -> float | None:
    """The validation pass: the model over every batch of ``loader`` in
    eval mode, each batch judged by ``judge(batch, float logits)``, which
    updates the task's metric and returns the batch's mean loss. Returns
    the mean loss over all items; None when no batch held any."""
    model.eval()
    total, count = 0.0, 0
    for batch in loader:
        if not len(batch):
            continue
        batch = batch.to(device, channels_last)
        with autocast():
            logits = model(batch.images)
        total += judge(batch, logits.float()) * len(batch)
        count += len(batch)
    return total / count if count else None


def _evaluate_logits(model, loader, metric, device, autocast, channels_last: bool, per_pixel: bool):
    """Validation of a model whose output is class logits (per image, or per
    pixel): the metric over argmax, plus the mean cross-entropy as val_loss."""
    def judge(batch: Batch, logits: torch.Tensor) -> float:
        metric.update(logits.argmax(1), batch.targets)
        loss = float(F.cross_entropy(logits, batch.targets, reduction="sum"))
        return (loss / batch.targets[0].numel() if per_pixel else loss) / len(batch)

    val_loss = validate(model, loader, device, autocast, channels_last, judge)
    result = metric.compute()
    if val_loss is not None:
        result.metrics["val_loss"] = val_loss
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
                source: str, score_threshold: float = 0.5, autocast: Autocast = no_autocast,
                **options: Any) -> list[list[Shape]]:
        """Shapes (``Source.from_model(source, score)``) for RGB uint8 images,
        in their pixels. ``options`` are the task's own (instance: ``output``
        "mask" or "polygon", ``tolerance``; recognize: ``regions``, the
        text regions of each image to read); the others take none."""
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
        metric = self.metric()
        for batch in loader:
            if not len(batch):
                continue
            batch = batch.to(device)
            with autocast():
                outputs = model(batch.images)
            for image, target, out in zip(batch.images, batch.targets, outputs):
                self.add_to_metric(metric, image, {k: v.cpu() for k, v in target.items()},
                                   {k: v.float().cpu() if v.is_floating_point() else v.cpu() for k, v in out.items()})
        return metric.compute()

    def metric(self) -> Any:
        return DetectionMetric(self.classes)

    def add_to_metric(self, metric: Any, image: torch.Tensor, target: dict[str, torch.Tensor],
                      out: dict[str, torch.Tensor]) -> None:
        metric.update(target["boxes"], target["labels"], out["boxes"], out["scores"], out["labels"], image.shape[-2],
                      image.shape[-1], target.get("iscrowd"))

    @torch.no_grad()
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast,
                **options: Any):
        model.eval()
        inputs = [inference_input(self.task, img_size, a).to(device) for a in images]
        with autocast(), _score_floor(model, score_threshold):
            outputs = model(inputs)
        result: list[list[Shape]] = []
        for out in outputs:
            shapes: list[Shape] = []
            for i, (s, c) in enumerate(zip(out["scores"].float().tolist(), out["labels"].tolist())):
                if s >= score_threshold:
                    shapes += self.shapes_of(out, i, self.classes[c - 1], Source.from_model(source, s), **options)
            result.append(shapes)
        return result

    def shapes_of(self, out: dict[str, torch.Tensor], i: int, label: str, source: Source,
                  **options: Any) -> list[Shape]:
        """The shapes of detection ``i`` of a model output (options of other tasks are no concern here)."""
        x1, y1, x2, y2 = out["boxes"][i].float().tolist()
        if label == TEXT_CLASS:  # text regions come back as quads, ready for a transcription
            return [TextRegion(label=label, points=[(x1, y1), (x2, y1), (x2, y2), (x1, y2)], source=source)]
        return [Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2, source=source)]


@contextlib.contextmanager
def _score_floor(model: nn.Module, score_threshold: float) -> Any:
    """Let an R-CNN drop detections under the caller's threshold itself:
    Mask R-CNN pastes a full-image mask for every detection it keeps (100
    masks of a 12-megapixel photo: gigabytes), most of which would be
    thrown away here. A model without the setting (an exported one) is
    left as it is."""
    heads = getattr(model, "roi_heads", None)
    before = getattr(heads, "score_thresh", None)
    if not isinstance(before, float) or score_threshold <= before:
        yield
        return
    heads.score_thresh = float(score_threshold)  # type: ignore[union-attr]
    try:
        yield
    finally:
        heads.score_thresh = before  # type: ignore[union-attr]


InstanceOutput = Literal["mask", "polygon"]


class InstanceTask(DetectionTask):
    """Mask R-CNN: a detector whose every detection has a mask. The loss
    is the model's (box and mask parts); validation gives COCOeval's bbox
    and segm AP; predictions are masks, or polygons traced from them."""

    task = "instance"
    primary = "segm_map50"

    def metric(self) -> Any:
        return InstanceMetric(self.classes)

    def add_to_metric(self, metric: Any, image: torch.Tensor, target: dict[str, torch.Tensor],
                      out: dict[str, torch.Tensor]) -> None:
        metric.update(target["boxes"], target["labels"], target["masks"].bool(), out["boxes"], out["scores"],
                      out["labels"], out["masks"][:, 0] > MASK_THRESHOLD, target.get("iscrowd"))

    def shapes_of(self, out: dict[str, torch.Tensor], i: int, label: str, source: Source,
                  output: InstanceOutput = "mask", tolerance: float = 1.0, **options: Any) -> list[Shape]:
        """Detection ``i`` as a mask, or as polygons (Douglas-Peucker with
        ``tolerance`` pixels; an instance in several pieces gives a polygon
        per piece, the pieces one group, numbered after the detection)."""
        mask = (out["masks"][i, 0] > MASK_THRESHOLD).cpu().numpy()
        if not mask.any():
            return []
        if output == "mask":
            return [Mask.from_array(mask, label=label, source=source)]
        outlines = mask_polygons(mask, epsilon=tolerance, min_area=MIN_POLYGON_AREA)
        group = i + 1 if len(outlines) > 1 else None
        return [Polygon(label=label, points=pts, group=group, source=source) for pts in outlines]


# Mask R-CNN's mask probabilities are cut here, as COCO's results and
# torchvision's references cut them.
MASK_THRESHOLD = 0.5
MIN_POLYGON_AREA = 4.0  # square pixels: a speck traced from a mask is no object


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
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast,
                **options):
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
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast,
                **options):
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


ADAPTERS: dict[str, type[TaskAdapter]] = {"detect": DetectionTask, "instance": InstanceTask,
                                          "segment": SegmentationTask, "classify": ClassificationTask}


def adapter_for(task: Task, classes: list[str]) -> TaskAdapter:
    if task in TEXT_TASKS:  # engine.text's adapters build on this module: imported when asked
        from .text.adapters import TEXT_ADAPTERS

        return TEXT_ADAPTERS[task](classes)
    return ADAPTERS[task](classes)

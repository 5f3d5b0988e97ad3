"""Datasets built from a read-only snapshot of the project store.

Which images take part, and as what, is :mod:`engine.samples` (no torch);
the train/validation split is :mod:`engine.splits`. This module turns them
into the tensors a model trains on.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision import tv_tensors

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.raster import label_map
from labeltool.core.shapes import Shape
from labeltool.core.store import Snapshot

from .config import Task
from .errors import NoTrainingDataError
from .samples import TASK_KINDS, TEXT_CLASS, Sample, class_of, collect
from .splits import split, split_as_recorded

__all__ = ["TASK_KINDS", "TEXT_CLASS", "Batch", "LabelledImages", "Sample", "TaskData", "Unreadable",
           "box_target", "build_task_data", "class_of", "collate", "collect", "rasterize"]


@dataclass
class TaskData:
    classes: list[str]
    train: list[Sample]
    val: list[Sample]
    warnings: list[str] = field(default_factory=list)


def build_task_data(snapshot: Snapshot, task: Task, val_fraction: float, seed: int,
                    classes: list[str] | None = None, val_images: list[str] | None = None) -> TaskData:
    """The samples of ``task``, split. ``val_images`` (a resumed run's
    recorded validation images) keeps the run validating on the same images."""
    samples, classes, warnings = collect(snapshot, task, classes)
    what = {"detect": "boxes or text regions", "segment": "polygons or masks", "classify": "image classes"}[task]
    if not classes or not samples:
        raise NoTrainingDataError(f"{snapshot.root} has no {what} to train a {task} model on; label some images "
                                  "first (or pick the task that matches your labels)")
    if task == "classify" and len(classes) < 2:
        raise NoTrainingDataError(f"a classifier needs at least two classes; the project has only {classes[0]!r}")
    if len(samples) < 2:
        raise NoTrainingDataError(f"only one labelled image for {task}; label at least two (one goes to "
                                  "validation)")
    train, val = split_as_recorded(samples, val_images) if val_images else (samples, [])
    if not val:  # not resumed, or none of its validation images is labelled any more
        train, val = split(samples, val_fraction, seed)
    return TaskData(classes, train, val, warnings)


# ----------------------------------------------------------------- targets
def rasterize(shapes: list[Shape], height: int, width: int, class_index: dict[str, int]) -> np.ndarray:
    """An ``(h, w)`` uint8 class map (0 = background); later shapes paint over
    earlier ones. The pixels are COCO's (:mod:`labeltool.core.raster`), the
    same the review's mask IoU and the COCO export use."""
    regions = [(s, class_index[class_of(s)]) for s in shapes if class_of(s) in class_index]
    return label_map(regions, height, width)


def box_target(shapes: list[Shape], height: int, width: int, class_index: dict[str, int]) -> dict[str, Any]:
    boxes, labels = [], []
    for s in shapes:
        b = s.bounds()
        if b is None or class_of(s) not in class_index:
            continue
        boxes.append(b)
        labels.append(class_index[class_of(s)] + 1)  # 0 is the detector's background
    t = torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    return {"boxes": tv_tensors.BoundingBoxes(t, format="XYXY", canvas_size=(height, width)),
            "labels": torch.tensor(labels, dtype=torch.int64)}


# ----------------------------------------------------------------- dataset
@dataclass
class Unreadable:
    """What a dataset returns for an image it cannot read (skipped, reported)."""

    path: str
    reason: str


class LabelledImages(Dataset):
    """Images and targets of one task, through a ``transforms.v2`` pipeline
    that moves boxes and masks with the image."""

    def __init__(self, samples: list[Sample], task: Task, classes: list[str], transform: Callable[..., Any]):
        self.samples = samples
        self.task = task
        self.classes = classes
        self.class_index = {c: i for i, c in enumerate(classes)}
        self.transform = transform

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, Any] | Unreadable:
        s = self.samples[i]
        try:
            array = load_image(s.path)
        except ImageLoadError as e:
            return Unreadable(str(s.path), e.reason)
        h, w = array.shape[:2]
        image = tv_tensors.Image(torch.from_numpy(np.array(array)).permute(2, 0, 1))
        if self.task == "detect":
            return self.transform(image, box_target(s.shapes, h, w, self.class_index))
        if self.task == "segment":
            mask = tv_tensors.Mask(torch.from_numpy(rasterize(s.shapes, h, w, {
                c: i + 1 for c, i in self.class_index.items()})))
            image, mask = self.transform(image, mask)
            return image, mask.to(torch.int64)
        return self.transform(image), self.class_index[class_of(s.shapes[0])]


@dataclass
class Batch:
    images: torch.Tensor | list[torch.Tensor]
    targets: Any  # detect: list of dicts; segment: (N, H, W) int64; classify: (N,) int64
    skipped: list[Unreadable]

    def __len__(self) -> int:
        return len(self.images)

    def pin_memory(self) -> "Batch":  # called by DataLoader(pin_memory=True)
        return Batch(_apply(self.images, lambda t: t.pin_memory()), _apply(self.targets, lambda t: t.pin_memory()),
                     self.skipped)

    def to(self, device: torch.device, channels_last: bool = False) -> "Batch":
        def move(t: torch.Tensor) -> torch.Tensor:
            t = t.to(device, non_blocking=True)
            return t.contiguous(memory_format=torch.channels_last) if channels_last and t.dim() == 4 else t
        return Batch(_apply(self.images, move), _apply(self.targets, lambda t: t.to(device, non_blocking=True)),
                     self.skipped)


def _apply(obj: Any, fn: Callable[[torch.Tensor], torch.Tensor]) -> Any:
    if isinstance(obj, torch.Tensor):
        return fn(obj)
    if isinstance(obj, list):
        return [_apply(o, fn) for o in obj]
    if isinstance(obj, dict):
        return {k: _apply(v, fn) for k, v in obj.items()}
    return obj


def collate(items: list[Any]) -> Batch:
    skipped = [x for x in items if isinstance(x, Unreadable)]
    good = [x for x in items if not isinstance(x, Unreadable)]
    if not good:
        return Batch([], [], skipped)
    images = [x[0].as_subclass(torch.Tensor) for x in good]
    targets = [x[1] for x in good]
    if isinstance(targets[0], dict):  # detection: images of different sizes stay a list
        targets = [{"boxes": t["boxes"].as_subclass(torch.Tensor), "labels": t["labels"]} for t in targets]
        return Batch(images, targets, skipped)
    if isinstance(targets[0], torch.Tensor):
        return Batch(torch.stack(images), torch.stack([t.as_subclass(torch.Tensor) for t in targets]), skipped)
    return Batch(torch.stack(images), torch.tensor(targets, dtype=torch.int64), skipped)

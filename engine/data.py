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
from labeltool.core.raster import label_map, shapes_rle
from labeltool.core.shapes import Shape
from labeltool.core.store import Snapshot

from .config import RCNN_TASKS, Task
from .errors import NoTrainingDataError
from .runs import RecordedSplit
from .samples import TASK_KINDS, TEXT_CLASS, Sample, class_of, collect, group_objects, is_crowd
from .splits import SplitSource, choose_split
from .text.regions import recognition_data
from .transforms import eval_transform, train_transform

__all__ = ["TASK_KINDS", "TEXT_CLASS", "Batch", "LabelledImages", "Sample", "TaskData", "Unreadable",
           "build_task_data", "class_of", "collate", "collect", "instance_masks", "object_target",
           "rasterize", "task_dataset"]


@dataclass
class TaskData:
    classes: list[str]
    train: list[Sample]
    val: list[Sample]
    warnings: list[str] = field(default_factory=list)
    test: list[Sample] = field(default_factory=list)  # the project's test images: evaluated once, at the end
    source: SplitSource = "seeded"  # which split chose them (engine.splits.choose_split)


# What each task learns from, in the words of its "nothing to train on" error.
TASK_LABELS = {"detect": "boxes, polygons, masks or text regions", "instance": "polygons or masks",
               "segment": "polygons or masks", "classify": "image classes", "textdet": "text regions",
               "recognize": "text regions with a transcription (not marked difficult)"}


def build_task_data(snapshot: Snapshot, task: Task, val_fraction: float, seed: int,
                    classes: list[str] | None = None, recorded: RecordedSplit | None = None,
                    split_choice: str | None = None) -> TaskData:
    """The samples of ``task``, split as ``split_choice`` says
    (:func:`engine.splits.choose_split`). ``recorded`` (a resumed run's
    ``split.json``) keeps the run validating on the same images."""
    if task == "recognize":  # its classes are the characters of the transcriptions
        samples, classes, warnings = recognition_data(snapshot, classes)
    else:
        samples, classes, warnings = collect(snapshot, task, classes)
    what = TASK_LABELS.get(task, "labels")
    if not classes or not samples:
        raise NoTrainingDataError(f"{snapshot.root} has no {what} to train a {task} model on; label some images "
                                  "first (or pick the task that matches your labels)")
    if task == "classify" and len(classes) < 2:
        raise NoTrainingDataError(f"a classifier needs at least two classes; the project has only {classes[0]!r}")
    if len(samples) < 2:
        raise NoTrainingDataError(f"only one labelled image for {task}; label at least two (one goes to "
                                  "validation)")
    chosen = choose_split(samples, split_choice, val_fraction, seed, recorded)
    return TaskData(classes, chosen.train, chosen.val, warnings + chosen.notes, chosen.test, chosen.source)


# ----------------------------------------------------------------- targets
def rasterize(shapes: list[Shape], height: int, width: int, class_index: dict[str, int]) -> np.ndarray:
    """An ``(h, w)`` uint8 class map (0 = background); later shapes paint over
    earlier ones. The pixels are COCO's (:mod:`labeltool.core.raster`), the
    same the review's mask IoU and the COCO export use."""
    regions = [(s, class_index[class_of(s)]) for s in shapes if class_of(s) in class_index]
    return label_map(regions, height, width)


def object_target(shapes: list[Shape], height: int, width: int, class_index: dict[str, int], masks: bool = False,
                  keep_crowd: bool = False) -> dict[str, Any]:
    """A detector's target: per object (a shape, or the parts of a group)
    its bounding box, its class (1-based: 0 is the background) and with
    ``masks`` its pixels, an ``(N, h, w)`` ``tv_tensors.Mask``. Crowd
    regions are left out (the models have no "ignore"), unless
    ``keep_crowd``: validation keeps them, flagged in ``iscrowd``, for the
    evaluation to ignore what is found on them."""
    kept: list[list[Shape]] = []
    boxes, labels, crowd = [], [], []
    for parts in group_objects([s for s in shapes if class_of(s) in class_index]):
        bounds = [b for b in (s.bounds() for s in parts) if b is not None]
        if not bounds or (is_crowd(parts) and not keep_crowd):
            continue
        x1s, y1s, x2s, y2s = zip(*bounds)
        boxes.append((min(x1s), min(y1s), max(x2s), max(y2s)))
        labels.append(class_index[class_of(parts[0])] + 1)
        crowd.append(is_crowd(parts))
        kept.append(parts)
    t = torch.tensor(boxes, dtype=torch.float32).reshape(-1, 4)
    target: dict[str, Any] = {"boxes": tv_tensors.BoundingBoxes(t, format="XYXY", canvas_size=(height, width)),
                              "labels": torch.tensor(labels, dtype=torch.int64)}
    if masks:
        target["masks"] = tv_tensors.Mask(torch.from_numpy(instance_masks(kept, height, width)))
    if keep_crowd:
        target["iscrowd"] = torch.tensor(crowd, dtype=torch.bool)
    return target


def instance_masks(objects: list[list[Shape]], height: int, width: int) -> np.ndarray:
    """``(N, height, width)`` uint8: the pixels of each object (the union of
    its parts), COCO's pixels (:mod:`labeltool.core.raster`)."""
    if not objects:
        return np.zeros((0, height, width), dtype=np.uint8)
    from pycocotools import mask as mask_utils

    rles = shapes_rle([s for parts in objects for s in parts], height, width)
    merged, k = [], 0
    for parts in objects:
        own = [r for r in rles[k:k + len(parts)] if r is not None]
        k += len(parts)
        merged.append(own[0] if len(own) == 1 else mask_utils.merge(own))
    # decode gives (h, w, N) in Fortran order: one copy to (N, h, w) rows.
    return np.ascontiguousarray(mask_utils.decode(merged).transpose(2, 0, 1))


# ----------------------------------------------------------------- dataset
@dataclass
class Unreadable:
    """What a dataset returns for an image it cannot read (skipped, reported)."""

    path: str
    reason: str


def task_dataset(samples: list[Sample], task: Task, classes: list[str], img_size: int, train: bool,
                 keep_crowd: bool = False) -> Dataset:
    """What a run of ``task`` trains on (``train``) or evaluates on. The
    text tasks have their own (engine.text): a recogniser's items are
    lines, not images."""
    if task == "recognize":
        from .text.lines import TextLines

        return TextLines(samples, classes, img_size, train)
    if task == "textdet":
        from .text.textdet import TextKernels

        return TextKernels(samples, img_size, train)
    transform = (train_transform if train else eval_transform)(task, img_size)
    return LabelledImages(samples, task, classes, transform, keep_crowd=keep_crowd)


class LabelledImages(Dataset):
    """Images and targets of one task, through a ``transforms.v2`` pipeline
    that moves boxes and masks with the image."""

    def __init__(self, samples: list[Sample], task: Task, classes: list[str], transform: Callable[..., Any],
                 keep_crowd: bool = False):
        self.samples = samples
        self.task = task
        self.classes = classes
        self.class_index = {c: i for i, c in enumerate(classes)}
        self.transform = transform
        self.keep_crowd = keep_crowd  # validation: crowd regions stay, for the evaluation to ignore

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
        if self.task in RCNN_TASKS:
            return self.transform(image, object_target(s.shapes, h, w, self.class_index, self.task == "instance",
                                                       self.keep_crowd))
        if self.task == "segment":
            mask = tv_tensors.Mask(torch.from_numpy(rasterize(s.shapes, h, w, {
                c: i + 1 for c, i in self.class_index.items()})))
            image, mask = self.transform(image, mask)
            return image, mask.to(torch.int64)
        return self.transform(image), self.class_index[class_of(s.shapes[0])]


@dataclass
class Batch:
    images: torch.Tensor | list[torch.Tensor]
    targets: Any  # detect, instance: list of dicts; segment: (N, H, W) int64; classify: (N,) int64
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
    batch_own = getattr(type(targets[0]), "collate_batch", None)
    if batch_own is not None:  # a task's own target type (engine.text's lines and kernels) batches itself
        return Batch(*batch_own(images, targets), skipped)
    if isinstance(targets[0], dict):  # detection: images of different sizes stay a list
        targets = [{k: v.as_subclass(torch.Tensor) for k, v in t.items()} for t in targets]
        return Batch(images, targets, skipped)
    if isinstance(targets[0], torch.Tensor):
        return Batch(torch.stack(images), torch.stack([t.as_subclass(torch.Tensor) for t in targets]), skipped)
    return Batch(torch.stack(images), torch.tensor(targets, dtype=torch.int64), skipped)

"""``torchvision.transforms.v2`` pipelines per task. One pipeline moves the
image, its boxes (``tv_tensors.BoundingBoxes``) and its class map or
instance masks (``tv_tensors.Mask``) together; no hand-written flip of
coordinates. Instance segmentation takes the detection pipeline: its masks
are cropped, zoomed and dropped with their boxes.

Detection (and instance) images leave here with their long side at
``img_size``; the detector's own transform is built with ``min_size =
max_size = img_size``, so it does not resize them again and its outputs
are in these pixels.
Segmentation and classification images are normalised here like ImageNet
(the detector normalises inside the model).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2

from .config import RCNN_TASKS, Task

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
_FILL = tuple(int(m * 255) for m in MEAN)


# The target entries with one value per object: dropped with their box.
# (Instance masks are dropped with their boxes by torchvision itself.)
PER_OBJECT_KEYS = ("labels", "iscrowd")


def per_object(inputs: Any) -> tuple[torch.Tensor, ...]:
    """``SanitizeBoundingBoxes``' labels_getter: every per-object tensor of
    the ``(image, target)`` input. A module function, not a lambda: data
    loader workers started by spawn or forkserver pickle the pipeline."""
    target = inputs[-1] if isinstance(inputs, (tuple, list)) else inputs
    return tuple(target[k] for k in PER_OBJECT_KEYS if k in target)


def train_transform(task: Task, img_size: int) -> v2.Transform:
    colour = v2.RandomApply([v2.ColorJitter(0.3, 0.3, 0.3, 0.03)], p=0.8)
    if task in RCNN_TASKS:
        return v2.Compose([
            v2.RandomHorizontalFlip(),
            colour,
            # Scale jitter both ways: zoom out (objects smaller), then a crop
            # around objects (larger); boxes cut to nothing are dropped below.
            v2.RandomApply([v2.RandomZoomOut(fill={tv_tensors.Image: _FILL, "others": 0},
                                             side_range=(1.0, 1.5))], p=0.2),
            v2.RandomApply([v2.RandomIoUCrop(sampler_options=[0.3, 0.5, 0.7, 0.9, 1.0])], p=0.2),
            v2.Resize(size=None, max_size=img_size, antialias=True),
            v2.ClampBoundingBoxes(),
            v2.SanitizeBoundingBoxes(min_size=1.0, labels_getter=per_object),
            v2.ToDtype(torch.float32, scale=True),
        ])
    if task == "segment":
        return v2.Compose([
            v2.RandomResizedCrop((img_size, img_size), scale=(0.35, 1.0), antialias=True),
            v2.RandomHorizontalFlip(),
            colour,
            v2.ToDtype({tv_tensors.Image: torch.float32, "others": None}, scale=True),
            v2.Normalize(MEAN, STD),
        ])
    return v2.Compose([
        v2.RandomResizedCrop(img_size, scale=(0.35, 1.0), antialias=True),
        v2.RandomHorizontalFlip(),
        colour,
        v2.ToDtype(torch.float32, scale=True),
        v2.Normalize(MEAN, STD),
    ])


def eval_transform(task: Task, img_size: int) -> v2.Transform:
    if task in RCNN_TASKS:
        return v2.Compose([v2.Resize(size=None, max_size=img_size, antialias=True), v2.ClampBoundingBoxes(),
                           v2.SanitizeBoundingBoxes(min_size=1.0, labels_getter=per_object),
                           v2.ToDtype(torch.float32, scale=True)])
    if task == "segment":
        return v2.Compose([v2.Resize((img_size, img_size), antialias=True),
                           v2.ToDtype({tv_tensors.Image: torch.float32, "others": None}, scale=True),
                           v2.Normalize(MEAN, STD)])
    return v2.Compose([v2.Resize(round(img_size / 0.875), antialias=True), v2.CenterCrop(img_size),
                       v2.ToDtype(torch.float32, scale=True), v2.Normalize(MEAN, STD)])


def inference_input(task: Task, img_size: int, array: np.ndarray) -> torch.Tensor:
    """The model input of one RGB uint8 image for prediction. Detection keeps
    the full size: the detector resizes internally and maps its boxes back."""
    image = tv_tensors.Image(torch.from_numpy(np.array(array)).permute(2, 0, 1))
    if task in RCNN_TASKS:
        return v2.functional.to_dtype(image, torch.float32, scale=True).as_subclass(torch.Tensor)
    out: Any = eval_transform(task, img_size)(image)
    return out.as_subclass(torch.Tensor)

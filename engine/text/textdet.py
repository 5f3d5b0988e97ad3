"""The text detector task (``textdet``): the U-Net (:mod:`engine.models.unet`)
marks each line's shrunk kernel (:mod:`.kernels`), trained with a
balanced cross-entropy plus Dice (:func:`kernel_loss`); quads come back from the map at any angle and are judged by
ICDAR 2015's hmean (:mod:`.icdar`).

Images are letterboxed: the long side scaled to ``img_size``, the rest
padded, so that a line keeps its angle and its height-to-length ratio.
Training scales, turns and crops each image with its kernel map through
``transforms.v2`` (the map is a ``tv_tensors.Mask``, moved with the image).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import Source, TextRegion

from ..data import Batch, Unreadable
from ..ocr.reader import reading_order
from ..samples import Sample
from ..tasks import TaskAdapter, no_autocast
from ..transforms import MEAN, STD
from .icdar import Icdar2015
from .kernels import kernel_maps, quads_from_map
from .validation import validate_text

EVAL_BOX_THRESHOLD = 0.5  # the kernel score a validation detection needs
POSITIVE_WEIGHT = 3.0  # the most a kernel pixel weighs against a background pixel in the cross-entropy


def letterbox_scale(height: int, width: int, size: int) -> float:
    return size / max(height, width)


def letterbox(array: np.ndarray, size: int) -> tuple[torch.Tensor, float]:
    """An RGB uint8 image as the model's normalised ``(3, size, size)`` input
    (long side scaled to ``size``, padded right and below with the mean
    colour), and the scale applied."""
    h, w = array.shape[:2]
    scale = letterbox_scale(h, w, size)
    nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
    resized = cv2.resize(np.ascontiguousarray(array), (nw, nh), interpolation=cv2.INTER_AREA if scale < 1
                         else cv2.INTER_LINEAR)
    t = v2.functional.normalize(torch.from_numpy(resized).permute(2, 0, 1).float().div_(255), list(MEAN), list(STD))
    return F.pad(t, (0, size - nw, 0, size - nh)), scale


@dataclass
class KernelTarget:
    """One image's targets: ``maps`` (2, S, S) uint8 (kernel, ignore) and
    its quads in the same pixels (for the validation's hmean)."""

    maps: torch.Tensor
    quads: np.ndarray  # (k, 4, 2) float32
    dont_care: np.ndarray  # (k,) bool: difficult regions

    @classmethod
    def collate_batch(cls, images: list[torch.Tensor], targets: list["KernelTarget"]
                      ) -> tuple[torch.Tensor, dict[str, Any]]:
        return torch.stack(images), {"maps": torch.stack([t.maps for t in targets]),
                                     "quads": [t.quads for t in targets],
                                     "dont_care": [t.dont_care for t in targets]}


def train_augment(size: int) -> v2.Transform:
    """Turns, crops to the model's square and colour, on an image already
    at about its training scale (with its maps as a Mask)."""
    return v2.Compose([
        v2.RandomApply([v2.RandomAffine(degrees=10, fill={tv_tensors.Image: 0, tv_tensors.Mask: 0})], p=0.3),
        v2.RandomCrop(size, pad_if_needed=True, fill={tv_tensors.Image: 0, tv_tensors.Mask: 0}),
        v2.RandomApply([v2.ColorJitter(0.3, 0.3, 0.3, 0.03)], p=0.8),
    ])


class TextKernels(Dataset):
    """Images with their kernel maps at the model's square size."""

    def __init__(self, samples: list[Sample], size: int, train: bool):
        self.samples = samples
        self.size = size
        self.train = train
        self.augment = train_augment(size) if train else None

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, KernelTarget] | Unreadable:
        s = self.samples[i]
        try:
            array = load_image(s.path)
        except ImageLoadError as e:
            return Unreadable(str(s.path), e.reason)
        regions = [r for r in s.shapes if isinstance(r, TextRegion)]
        h, w = array.shape[:2]
        scale = letterbox_scale(h, w, self.size)
        if self.train:  # scale jitter: lines a little smaller or larger than the letterbox makes them
            # (torch's generator: the DataLoader seeds it per worker and per run)
            scale *= float(torch.empty(()).uniform_(np.log(0.8), np.log(1.25)).exp())
        nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
        resized = cv2.resize(np.ascontiguousarray(array), (nw, nh), interpolation=cv2.INTER_AREA if scale < 1
                             else cv2.INTER_LINEAR)
        quads = np.asarray([r.points for r in regions], dtype=np.float32).reshape(-1, 4, 2) * scale
        dont_care = np.asarray([r.difficult for r in regions], dtype=bool)
        kernel, ignore = kernel_maps(list(quads), list(dont_care), nh, nw)
        image = tv_tensors.Image(torch.from_numpy(resized).permute(2, 0, 1))
        maps = tv_tensors.Mask(torch.from_numpy(np.stack([kernel, ignore])))
        if self.augment is not None:
            image, maps = self.augment(image, maps)
        else:
            pad = (0, self.size - nw, 0, self.size - nh)
            image, maps = F.pad(image, pad), F.pad(maps, pad)
        x = v2.functional.normalize(image.as_subclass(torch.Tensor).float().div(255), list(MEAN), list(STD))
        if self.augment is None:  # the padding is the mean colour, as at prediction
            x[:, nh:, :] = 0
            x[:, :, nw:] = 0
        return x, KernelTarget(maps.as_subclass(torch.Tensor), quads, dont_care)


def kernel_loss(logits: torch.Tensor, kernel: torch.Tensor, ignore: torch.Tensor,
                ) -> tuple[torch.Tensor, dict[str, torch.Tensor]]:
    """Cross-entropy with the kernels' pixels weighted up to
    :data:`POSITIVE_WEIGHT` times (they are few), plus Dice, both over the
    pixels not ignored.

    Not DBNet's hard-negative mining (three negatives per positive, the
    rest unweighted): trained from scratch for 100 steps it left the
    background at a probability of 0.2-0.4, and lines ran together in the
    map; every pixel pulled a little does better (measured hmean 0.90
    against 0.31 on the same pages)."""
    logits = logits.float()
    valid = 1.0 - ignore.float()
    target = kernel.float()
    positives = (target * valid).sum()
    negatives = ((1.0 - target) * valid).sum()
    weight = torch.clamp(negatives / positives.clamp(min=1.0), max=POSITIVE_WEIGHT)
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction="none", pos_weight=weight)
    bce = (bce * valid).sum() / valid.sum().clamp(min=1.0)
    prob = logits.sigmoid()
    inter = (prob * target * valid).sum()
    dice = 1.0 - (2 * inter + 1.0) / ((prob * valid).sum() + positives + 1.0)
    return bce + dice, {"bce": bce.detach(), "dice": dice.detach()}


def kernel_probability(logits: torch.Tensor) -> torch.Tensor:
    """The probability that a pixel is in a kernel. The loss weighs kernel
    pixels :data:`POSITIVE_WEIGHT` times, which raises the odds the model
    gives them as many times: the sigmoid of the raw logits would put a
    kernel's edge at 0.75, and its quad too large (measured: hmean 0.50
    where these calibrated odds give 1.0, same model, same pages)."""
    return (logits.float() - math.log(POSITIVE_WEIGHT)).sigmoid()


class TextDetectionTask(TaskAdapter):
    task = "textdet"
    primary = "hmean"

    def loss(self, model, batch):
        maps = batch.targets["maps"]
        return kernel_loss(model(batch.images)[:, 0], maps[:, 0], maps[:, 1])

    def evaluate(self, model, loader, device, autocast=no_autocast, channels_last=False):
        score = Icdar2015()

        def judge(batch: Batch, logits: torch.Tensor) -> float:
            t = batch.targets
            logits = logits[:, 0]
            for prob, quads, dont_care in zip(kernel_probability(logits).cpu().numpy(), t["quads"], t["dont_care"]):
                found = quads_from_map(prob, EVAL_BOX_THRESHOLD)
                score.add_image([f.points for f in found], list(quads), list(dont_care))
            return float(kernel_loss(logits, t["maps"][:, 0], t["maps"][:, 1])[0])

        return validate_text(model, loader, device, autocast, channels_last, judge, score)

    @torch.no_grad()
    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast,
                **options):
        model.eval()
        inputs, scales = zip(*(letterbox(a, img_size) for a in images))
        with autocast():
            probs = kernel_probability(model(torch.stack(inputs).to(device))[:, 0]).cpu().numpy()
        result = []
        for prob, scale, array in zip(probs, scales, images):
            h, w = array.shape[:2]
            nh, nw = max(1, round(h * scale)), max(1, round(w * scale))
            regions = []
            for found in quads_from_map(prob[:nh, :nw], score_threshold):
                points = reading_order(found.points / scale)
                regions.append(TextRegion(label=self.classes[0], points=[(float(x), float(y)) for x, y in points],
                                          source=Source.from_model(source, found.score)))
            result.append(regions)
        return result

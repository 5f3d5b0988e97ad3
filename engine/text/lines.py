"""Text lines as a recogniser sees them: the rectified crop of a quad (the
perspective transform PPOCRLabel crops with), resized to the model's
height with its aspect kept, capped at :data:`MAX_ASPECT` times the height
(longer lines are squeezed, as PP-OCR does), normalised like ImageNet; a
batch is padded on the right to its widest line, a multiple of 4 pixels
(one CTC column each), so short lines cost short batches.

Training augments each crop through ``transforms.v2``: a small affine
warp (a quad drawn a little off), colour and blur.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset
from torchvision.transforms import v2

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import TextRegion
from labeltool.formats.ppocr import rotate_crop

from ..data import Unreadable
from ..ocr.reader import reading_order
from ..samples import Sample
from ..transforms import MEAN, STD
from .crnn import COLUMN_STRIDE

MAX_ASPECT = 10  # the widest line a model reads unsqueezed, in line heights
# Crops kept per data-loading process, so that an image holding many lines
# is decoded once, not once per line; beyond this they are cut again.
CACHE_BYTES = 256 << 20


def line_crop(image: np.ndarray, quad: Sequence[Sequence[float]]) -> np.ndarray | None:
    """The upright crop of ``quad`` (corners in any order) from an RGB
    image; None when the quad has no area."""
    return rotate_crop(image, [tuple(p) for p in reading_order(quad)])


def line_width(crop_height: int, crop_width: int, height: int) -> int:
    """The width a crop gets at ``height``: aspect kept, capped, a whole
    number of columns."""
    width = height * crop_width / max(1, crop_height)
    width = min(max(width, COLUMN_STRIDE), MAX_ASPECT * height)
    return int(math.ceil(width / COLUMN_STRIDE) * COLUMN_STRIDE)


def resize_line(crop: np.ndarray, height: int) -> np.ndarray:
    """``crop`` (uint8 HWC) at the model's height and its :func:`line_width`."""
    h, w = crop.shape[:2]
    width = line_width(h, w, height)
    shrink = h > height or w > width
    return cv2.resize(np.ascontiguousarray(crop), (width, height),
                      interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)


def to_input(line: np.ndarray) -> torch.Tensor:
    """A resized line (uint8 HWC) as the model's normalised (3, H, W) float input."""
    t = torch.from_numpy(np.ascontiguousarray(line)).permute(2, 0, 1).float().div_(255)
    return v2.functional.normalize(t, list(MEAN), list(STD))


def pad_batch(lines: Sequence[torch.Tensor]) -> torch.Tensor:
    """Lines (3, H, w) as one (N, 3, H, max w) batch, zero (the mean colour) on the right."""
    height = lines[0].shape[1]
    width = max(t.shape[2] for t in lines)
    out = lines[0].new_zeros((len(lines), 3, height, width))
    for i, t in enumerate(lines):
        out[i, :, :, :t.shape[2]] = t
    return out


def model_input(crops: Sequence[np.ndarray], height: int) -> torch.Tensor:
    """Upright RGB crops as one padded batch for the model (prediction)."""
    return pad_batch([to_input(resize_line(c, height)) for c in crops])


def train_augment() -> v2.Transform:
    """Changes a line could have in another photo, on a uint8 (3, H, W) crop.
    Mild on purpose: stronger warps, blur and grey (tried) kept a CRNN
    learning from scratch at CTC's all-blank start three times as long."""
    return v2.Compose([
        v2.RandomApply([v2.RandomAffine(degrees=1, translate=(0.02, 0.04), scale=(0.95, 1.05), shear=(-5, 5))],
                       p=0.3),
        v2.RandomApply([v2.ColorJitter(0.3, 0.3, 0.3, 0.03)], p=0.5),
        v2.RandomInvert(p=0.1),
    ])


@dataclass
class LineLabel:
    """A line's transcription as character indices (1-based: 0 is CTC's blank)."""

    codes: list[int]

    @classmethod
    def collate_batch(cls, images: list[torch.Tensor], labels: list["LineLabel"]
                      ) -> tuple[torch.Tensor, dict[str, Any]]:
        return collate_lines(images, labels)


def encode(text: str, index: dict[str, int]) -> list[int]:
    return [index[ch] + 1 for ch in text]


def collate_lines(images: list[torch.Tensor], labels: list[LineLabel]) -> tuple[torch.Tensor, dict[str, Any]]:
    """A batch of lines: images padded to the widest, targets as CTC wants
    them (codes padded with 0, their lengths)."""
    longest = max(1, max(len(x.codes) for x in labels))
    codes = torch.zeros((len(labels), longest), dtype=torch.int64)
    for i, x in enumerate(labels):
        codes[i, :len(x.codes)] = torch.tensor(x.codes, dtype=torch.int64)
    lengths = torch.tensor([len(x.codes) for x in labels], dtype=torch.int64)
    widths = torch.tensor([t.shape[2] for t in images], dtype=torch.int64)
    return pad_batch(images), {"codes": codes, "lengths": lengths, "widths": widths}


class TextLines(Dataset):
    """One item per readable text region of the samples: its crop at the
    model's height (augmented when training) and its :class:`LineLabel`."""

    def __init__(self, samples: list[Sample], charset: list[str], height: int, train: bool):
        self.samples = samples
        self.index = {ch: i for i, ch in enumerate(charset)}
        self.height = height
        self.augment = train_augment() if train else None
        self.items: list[tuple[int, int]] = [(i, j) for i, s in enumerate(samples)
                                             for j, r in enumerate(s.shapes) if has_area(r)]
        self._cache: dict[int, list[np.ndarray | None]] = {}
        self._cached_bytes = 0

    def __len__(self) -> int:
        return len(self.items)

    def _crops(self, i: int) -> list[np.ndarray | None]:
        """Every line of sample ``i`` at the model's height (decoded once while the cache has room)."""
        if i in self._cache:
            return self._cache[i]
        image = load_image(self.samples[i].path)
        crops = []
        for region in self.samples[i].shapes:
            crop = line_crop(image, region.points) if isinstance(region, TextRegion) else None
            crops.append(None if crop is None else resize_line(crop, self.height))
        size = sum(c.nbytes for c in crops if c is not None)
        if self._cached_bytes + size <= CACHE_BYTES:
            self._cache[i] = crops
            self._cached_bytes += size
        return crops

    def __getitem__(self, k: int) -> tuple[torch.Tensor, LineLabel] | Unreadable:
        i, j = self.items[k]
        try:
            crop = self._crops(i)[j]
        except ImageLoadError as e:
            return Unreadable(str(self.samples[i].path), e.reason)
        region = self.samples[i].shapes[j]
        assert crop is not None and isinstance(region, TextRegion)  # has_area() kept only these
        image = torch.from_numpy(crop).permute(2, 0, 1)
        if self.augment is not None:
            image = self.augment(image)
        line = to_input(image.permute(1, 2, 0).numpy())
        return line, LineLabel(encode(region.transcription, self.index))


def has_area(shape: object) -> bool:
    """A text region whose rectified crop is at least a pixel each way."""
    if not isinstance(shape, TextRegion):
        return False
    p = np.asarray(shape.points, dtype=np.float64)
    if not np.isfinite(p).all():
        return False
    sides = np.linalg.norm(p - np.roll(p, -1, axis=0), axis=1)
    return bool(max(sides[0], sides[2]) >= 1 and max(sides[1], sides[3]) >= 1)


def crops_of(path: Path | str, regions: Sequence[TextRegion]) -> list[np.ndarray | None]:
    """The upright crops of ``regions`` in the image at ``path`` (None for a quad with no area)."""
    image = load_image(path)
    return [line_crop(image, r.points) for r in regions]

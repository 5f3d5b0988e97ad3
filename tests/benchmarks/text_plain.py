"""The plain loops bench_train measures the text models against: what a
course script writes for a CRNN (a Dataset of crops, CTC) and for a DBNet
(a Dataset of images and kernel maps, BCE + Dice), with the same crops,
maps, augmentation and model as our run, so that the difference is the
loop (data loading, events, checkpoints), not the work."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torch.utils.data import DataLoader, Dataset
from torchvision import tv_tensors
from torchvision.transforms import v2

from engine.models.registry import get_spec
from engine.text.kernels import kernel_maps
from engine.text.lines import line_crop, pad_batch, resize_line, to_input, train_augment
from engine.text.textdet import train_augment as kernel_augment
from engine.transforms import MEAN, STD


class PlainLines(Dataset):
    """(image path, quad, codes) triples: open, cut, resize, augment."""

    def __init__(self, items: list[tuple[Path, list[tuple[float, float]], list[int]]], height: int):
        self.items, self.height, self.augment = items, height, train_augment()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        path, quad, codes = self.items[i]
        crop = resize_line(line_crop(np.array(Image.open(path).convert("RGB")), quad), self.height)
        x = self.augment(torch.from_numpy(crop).permute(2, 0, 1))
        return to_input(x.permute(1, 2, 0).numpy()), codes


def _collate_lines(batch):
    images, codes = zip(*batch)
    targets = torch.cat([torch.tensor(c) for c in codes])
    return pad_batch(images), targets, torch.tensor([len(c) for c in codes]), \
        torch.tensor([x.shape[2] // 4 for x in images])


class PlainKernels(Dataset):
    """(image path, quads): open, scale, draw the kernels, augment."""

    def __init__(self, items: list[tuple[Path, list[np.ndarray]]], size: int):
        self.items, self.size, self.augment = items, size, kernel_augment(size)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        path, quads = self.items[i]
        array = np.array(Image.open(path).convert("RGB"))
        scale = self.size / max(array.shape[:2]) * float(np.exp(np.random.uniform(np.log(0.8), np.log(1.25))))
        h, w = round(array.shape[0] * scale), round(array.shape[1] * scale)
        kernel, ignore = kernel_maps([q * scale for q in quads], [False] * len(quads), h, w)
        image = tv_tensors.Image(torch.from_numpy(cv2.resize(array, (w, h))).permute(2, 0, 1))
        image, maps = self.augment(image, tv_tensors.Mask(torch.from_numpy(np.stack([kernel, ignore]))))
        x = v2.functional.normalize(image.float() / 255, list(MEAN), list(STD))
        return x.as_subclass(torch.Tensor), maps[0].as_subclass(torch.Tensor), maps[1].as_subclass(torch.Tensor)


class TextPlainLoop:
    """One plain step per :meth:`step` call (bench_train's PlainLoop for text)."""

    def __init__(self, task: str, items, img_size: int, batch: int, workers: int, model_name: str, classes: int,
                 lr: float):
        torch.manual_seed(0)
        self.task = task
        self.model = get_spec(model_name).build(classes, pretrained=False, img_size=img_size)
        if task == "recognize":
            ds, collate = PlainLines(items, img_size), _collate_lines
        else:
            ds, collate = PlainKernels(items, img_size), None
        self.loader = DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, collate_fn=collate,
                                 drop_last=True)
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=lr, weight_decay=1e-4)
        self.model.train()
        self.batches = iter(self.loader)

    def step(self) -> None:
        try:
            batch = next(self.batches)
        except StopIteration:
            self.batches = iter(self.loader)
            batch = next(self.batches)
        if self.task == "recognize":
            images, targets, lengths, columns = batch
            log_probs = self.model(images).log_softmax(2).permute(1, 0, 2)
            loss = F.ctc_loss(log_probs, targets, columns, lengths, zero_infinity=True)
        else:
            images, kernel, ignore = batch
            logits = self.model(images)[:, 0]
            valid = 1 - ignore.float()
            loss = (F.binary_cross_entropy_with_logits(logits, kernel.float(), reduction="none") * valid).mean()
            prob = logits.sigmoid()
            loss = loss + 1 - (2 * (prob * kernel * valid).sum() + 1) / ((prob * valid).sum() + kernel.sum() + 1)
        self.opt.zero_grad()
        loss.backward()
        self.opt.step()
        loss.item()

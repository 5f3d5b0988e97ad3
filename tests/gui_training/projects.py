"""Small generated projects a CPU trains on in seconds (tests and the GUI latency benchmark)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from labeltool.core import Box, ImageStatus, ImageTag, ProjectStore


def _pattern(path: Path, kind: int, seed: int, size: int = 64) -> None:
    """Two easily told apart classes: bright stripes vs. dark noise."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 60, (size, size, 3), dtype=np.uint8)
    if kind == 0:
        a[:, ::8] = 230
    else:
        a[:, :, 2] = 200
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(a).save(path)


def make_classify_project(root: Path, n: int = 12, size: int = 64) -> Path:
    """``n`` small images, half "stripes", half "blue", each tagged."""
    for i in range(n):
        _pattern(root / f"img{i:02d}.png", i % 2, i, size)
    with ProjectStore.open(root) as store:
        for item in store.images():
            i = int(item.path[3:5])
            store.add_shape(item.id, ImageTag(label="stripes" if i % 2 == 0 else "blue"))
    return root


def make_detect_project(root: Path, n: int = 6) -> Path:
    for i in range(n):
        _pattern(root / f"img{i:02d}.png", 1, i, size=96)
    with ProjectStore.open(root) as store:
        for k, item in enumerate(store.images()):
            store.add_shape(item.id, Box(label="thing", x1=10 + k, y1=12, x2=50 + k, y2=60))
    return root


# The first hour's project: photos-like enough for a detector to learn in a few
# steps (two colours of block on a blotchy background), small enough for a CPU.
BOX_CLASSES = {"cup": (230, 30, 30), "face": (30, 60, 230)}


def box_scene(path: Path, seed: int, size: int = 96) -> list[tuple[str, tuple[float, float, float, float]]]:
    """Write an image with one block of each class (seed even: cup left) and
    return ``[(class, (x1, y1, x2, y2))]`` for the person to draw."""
    rng = np.random.default_rng(seed)
    a = np.clip(rng.uniform(80, 170) + rng.normal(0, 18, (size, size, 3)), 0, 255)
    objects = []
    half = size // 2
    for k, (name, colour) in enumerate(BOX_CLASSES.items()):
        w, h = (int(v) for v in rng.integers(size // 5, size // 3, 2))
        left = (k + seed) % 2 == 0
        x = int(rng.integers(2, half - w - 2)) + (0 if left else half)
        y = int(rng.integers(2, size - h - 2))
        a[y:y + h, x:x + w] = colour
        objects.append((name, (float(x), float(y), float(x + w), float(y + h))))
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(a.astype(np.uint8)).save(path)
    return objects


def make_box_project(root: Path, labelled: int = 12, empty: int = 10, unlabelled: int = 8,
                     size: int = 96) -> dict[str, list]:
    """A project of ``labelled`` images with a box of each class stored,
    ``empty`` plain backgrounds marked done with nothing drawn (negatives)
    and ``unlabelled`` new images; returns every image's objects by path."""
    truth: dict[str, list] = {}
    for i in range(labelled + unlabelled):
        name = f"{'lab' if i < labelled else 'new'}{i:02d}.png"
        truth[name] = box_scene(root / name, i, size)
    rng = np.random.default_rng(1000)
    for i in range(empty):
        a = np.clip(rng.uniform(80, 170) + rng.normal(0, 18, (size, size, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(a).save(root / f"neg{i:02d}.png")
        truth[f"neg{i:02d}.png"] = []
    with ProjectStore.open(root) as store:
        for item in store.images():
            if item.path.startswith("lab"):
                for label, (x1, y1, x2, y2) in truth[item.path]:
                    store.add_shape(item.id, Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2))
            if item.path.startswith(("lab", "neg")):
                store.set_status(item.id, ImageStatus.DONE)
    return truth

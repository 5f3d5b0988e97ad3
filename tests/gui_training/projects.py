"""Small generated projects a CPU trains on in seconds (tests and the GUI latency benchmark)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from labeltool.core import Box, ImageTag, ProjectStore


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

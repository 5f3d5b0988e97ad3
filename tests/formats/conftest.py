"""Fixtures of the format tests: a small project holding every shape kind,
with Chinese file and label names."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labeltool.core import Box, ImageStatus, ImageTag, Mask, Polygon, ProjectStore, TextRegion
from tests.conftest import write_image


def make_project(root: Path) -> ProjectStore:
    """Three images (one in a sub-folder, one with a Chinese name), each
    kind of shape, one image marked done."""
    write_image(root / "img0.jpg", 64, 48)
    write_image(root / "街景_02.jpg", 80, 60, (30, 90, 160))
    write_image(root / "sub" / "深处.png", 40, 30, fmt="PNG")
    store = ProjectStore.open(root)
    ims = {i.path: i for i in store.images()}
    for item in ims.values():
        store.ensure_size(item)
    a, b, c = ims["img0.jpg"].id, ims["街景_02.jpg"].id, ims["sub/深处.png"].id
    store.add_shape(a, Box(label="猫", x1=3, y1=4, x2=20, y2=30))
    store.add_shape(a, Box(label="狗", x1=30, y1=10, x2=60, y2=40, difficult=True, truncated=True))
    store.add_shape(b, Polygon(label="行人", points=[(10, 10), (40, 12), (35, 50), (12, 45)]))
    store.add_shape(b, TextRegion(label="text", points=[(50, 5), (75, 5), (75, 15), (50, 15)],
                                  transcription="中文, 字"))
    m = np.zeros((30, 40), dtype=bool)
    m[5:20, 6:25] = True
    store.add_shape(c, Mask.from_array(m, label="狗"))
    store.add_shape(c, ImageTag(label="室内"))
    store.set_status(a, ImageStatus.DONE)
    return store


@pytest.fixture
def project(tmp_path: Path):
    store = make_project(tmp_path / "项目")
    yield store
    store.close()

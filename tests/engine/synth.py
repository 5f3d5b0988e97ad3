"""Small synthetic projects for the engine tests: coloured shapes on
textured backgrounds, written as real image files into a project folder and
labelled through the real ProjectStore."""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from labeltool.core import Box, ImageStatus, ImageTag, Mask, Polygon, ProjectStore

COLOURS = {"red": (230, 30, 30), "blue": (30, 60, 230), "green": (30, 200, 40)}


def _background(rng: np.random.Generator, size: int) -> np.ndarray:
    # Greyish with a faint tint: never close to the colours of the objects.
    base = rng.uniform(70, 180) + rng.uniform(-20, 20, 3)
    noise = rng.normal(0, 18, (size // 4, size // 4, 3))
    noise = cv2.resize(noise, (size, size), interpolation=cv2.INTER_LINEAR)  # blotchy texture
    grain = rng.normal(0, 8, (size, size, 3))
    return np.clip(base + noise + grain, 0, 255)


def _save(root: Path, name: str, a: np.ndarray) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(a.astype(np.uint8)).save(path)
    return path


def detection_project(root: Path, n: int = 40, size: int = 128, seed: int = 0, negatives: int = 0) -> Path:
    """``n`` images with one large high-contrast red box each (class "part")
    and ``negatives`` images marked done with nothing in them."""
    rng = np.random.default_rng(seed)
    boxes = {}
    for i in range(n):
        a = _background(rng, size)
        w, h = rng.integers(size // 3, size * 2 // 3, 2)
        x, y = rng.integers(0, size - w), rng.integers(0, size - h)
        a[y:y + h, x:x + w] = COLOURS["red"]
        _save(root, f"img{i:03d}.png", a)
        boxes[f"img{i:03d}.png"] = (float(x), float(y), float(x + w), float(y + h))
    for i in range(negatives):
        _save(root, f"neg{i:03d}.png", _background(rng, size))
    with ProjectStore.open(root) as store:
        for item in store.images():
            if item.path in boxes:
                x1, y1, x2, y2 = boxes[item.path]
                store.add_shape(item.id, Box(label="part", x1=x1, y1=y1, x2=x2, y2=y2))
            store.set_status(item.id, ImageStatus.DONE)
    return root


def segmentation_project(root: Path, n: int = 24, size: int = 96, seed: int = 0) -> Path:
    """Images with one or two filled polygons (class "leaf") on texture."""
    rng = np.random.default_rng(seed)
    polys = {}
    for i in range(n):
        a = _background(rng, size)
        shapes = []
        for _ in range(int(rng.integers(1, 3))):
            cx, cy = rng.uniform(size * 0.25, size * 0.75, 2)
            pts = _blob(rng, cx, cy, rng.uniform(size * 0.12, size * 0.25), 7, (0.7, 1.2))
            cv2.fillPoly(a, [np.round(np.asarray(pts)).astype(np.int32)], COLOURS["green"])
            shapes.append(pts)
        _save(root, f"img{i:03d}.png", a)
        polys[f"img{i:03d}.png"] = shapes
    return _label_outlines(root, polys, size)


def _label_outlines(root: Path, outlines: dict[str, list[list[tuple[float, float]]]], size: int,
                    as_masks: bool = False) -> Path:
    """Label each image's outlines as "leaf" polygons (or masks of their
    pixels) and mark it done."""
    from labeltool.core.raster import shape_mask

    with ProjectStore.open(root) as store:
        for item in store.images():
            for pts in outlines[item.path]:
                poly = Polygon(label="leaf", points=pts)
                store.add_shape(item.id, Mask.from_array(shape_mask(poly, size, size), label="leaf")
                                if as_masks else poly)
            store.set_status(item.id, ImageStatus.DONE)
    return root


def _blob(rng: np.random.Generator, cx: float, cy: float, r: float, points: int = 8,
          spread: tuple[float, float] = (0.75, 1.15)) -> list[tuple[float, float]]:
    """A random star-shaped outline of radius about ``r`` around (cx, cy)."""
    angles = np.sort(rng.uniform(0, 2 * np.pi, points))
    radii = r * rng.uniform(*spread, len(angles))
    return [(float(cx + q * np.cos(t)), float(cy + q * np.sin(t))) for q, t in zip(radii, angles)]


def instance_project(root: Path, n: int = 24, size: int = 128, seed: int = 0, per_image: tuple[int, int] = (2, 3),
                     as_masks: bool = False) -> Path:
    """Images with several separate blobs each (class "leaf"), labelled as
    polygons (or, ``as_masks``, as masks of those polygons' pixels): what
    an instance model must tell apart, object by object. Blobs do not
    touch: each sits in its own cell of a grid."""
    rng = np.random.default_rng(seed)
    outlines = {}
    for i in range(n):
        a = _background(rng, size)
        k = int(rng.integers(per_image[0], per_image[1] + 1))
        cells = rng.permutation(4)[:k]  # 2 x 2 grid: blobs never overlap
        shapes = []
        for cell in cells:
            cx = (cell % 2 + 0.5) * size / 2 + rng.uniform(-0.08, 0.08) * size
            cy = (cell // 2 + 0.5) * size / 2 + rng.uniform(-0.08, 0.08) * size
            pts = _blob(rng, cx, cy, rng.uniform(0.13, 0.2) * size)
            cv2.fillPoly(a, [np.round(np.asarray(pts)).astype(np.int32)], COLOURS["green"])
            shapes.append(pts)
        _save(root, f"img{i:03d}.png", a)
        outlines[f"img{i:03d}.png"] = shapes
    return _label_outlines(root, outlines, size, as_masks)


def classification_project(root: Path, n: int = 40, size: int = 64, seed: int = 0) -> Path:
    """Two classes told apart by the colour of a disc: "red" and "blue"."""
    rng = np.random.default_rng(seed)
    tags = {}
    for i in range(n):
        cls = "red" if i % 2 == 0 else "blue"
        a = _background(rng, size)
        c = rng.uniform(size * 0.3, size * 0.7, 2).astype(int)
        cv2.circle(a, (int(c[0]), int(c[1])), int(rng.uniform(size * 0.15, size * 0.3)), COLOURS[cls], -1)
        _save(root, f"{cls}/img{i:03d}.png", a)
        tags[f"{cls}/img{i:03d}.png"] = cls
    with ProjectStore.open(root) as store:
        for item in store.images():
            store.add_shape(item.id, ImageTag(label=tags[item.path]))
    return root

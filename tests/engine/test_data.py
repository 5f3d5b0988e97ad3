"""Datasets from the store: split, targets, joint augmentation."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PIL import Image

from engine.data import LabelledImages, build_task_data, collect, rasterize
from engine.transforms import train_transform
from labeltool.core import Box, ImageStatus, Mask, Polygon, ProjectStore, TextRegion
from labeltool.core.raster import shape_mask


def _grey(path: Path, size: int = 96) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.clip(128 + rng.normal(0, 6, (size, size, 3)), 0, 255)


def _red_pixels_box(image: torch.Tensor) -> tuple[float, float, float, float] | None:
    a = image.numpy()
    red = (a[0] - np.maximum(a[1], a[2])) > 0.2
    ys, xs = np.nonzero(red)
    if not len(xs):
        return None
    return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)


def test_boxes_follow_the_image_through_flips_crops_and_scale_jitter(tmp_path):
    a = _grey(tmp_path)
    a[20:50, 10:40] = (230, 30, 30)
    Image.fromarray(a.astype(np.uint8)).save(tmp_path / "a.png")
    with ProjectStore.open(tmp_path) as store:
        item = store.images()[0]
        store.add_shape(item.id, Box(label="red", x1=10, y1=20, x2=40, y2=50))
        snap = store.snapshot()
    samples, classes, _ = collect(snap, "detect")
    ds = LabelledImages(samples, "detect", classes, train_transform("detect", 64))
    torch.manual_seed(0)
    moved = set()
    for _ in range(40):
        image, target = ds[0]
        assert image.dtype == torch.float32 and max(image.shape[-2:]) == 64
        seen = _red_pixels_box(image)
        if len(target["boxes"]) == 0:  # cropped away: then no red is left either
            assert seen is None or (seen[2] - seen[0]) * (seen[3] - seen[1]) < 4
            continue
        box = target["boxes"][0].tolist()
        assert seen is not None
        assert np.allclose(box, seen, atol=2.0), (box, seen)
        moved.add(tuple(round(v) for v in box))
    assert len(moved) > 3  # augmentation did move the box around


def test_masks_follow_the_image(tmp_path):
    a = _grey(tmp_path)
    pts = [(20.0, 10.0), (80.0, 30.0), (50.0, 85.0)]
    a[shape_mask(Polygon(label="red", points=pts), *a.shape[:2])] = (230, 30, 30)  # the pixels COCO's rule gives
    Image.fromarray(a.astype(np.uint8)).save(tmp_path / "a.png")
    with ProjectStore.open(tmp_path) as store:
        store.add_shape(store.images()[0].id, Polygon(label="red", points=pts))
        snap = store.snapshot()
    samples, classes, _ = collect(snap, "segment")
    ds = LabelledImages(samples, "segment", classes, train_transform("segment", 64))
    torch.manual_seed(0)
    for _ in range(20):
        image, mask = ds[0]
        assert image.shape == (3, 64, 64) and mask.shape == (64, 64) and mask.dtype == torch.int64
        # Normalised image: red where r is far above g and b.
        red = (image[0] - torch.maximum(image[1], image[2])) > 1.0
        agree = (red == (mask == 1)).float().mean()
        assert agree > 0.97


def test_polygon_rasterises_to_its_area():
    square = Polygon(label="a", points=[(10, 10), (30, 10), (30, 20), (10, 20)])
    m = rasterize([square], 40, 40, {"a": 1})
    assert int((m == 1).sum()) == 20 * 10 and (m[10:20, 10:30] == 1).all()  # COCO's pixels: no boundary extra


def test_training_targets_and_review_iou_use_the_same_pixels():
    # A model that predicts exactly the training target scores IoU 1 in the
    # review, for polygons and boxes alike; COCO's area agrees.
    from pycocotools import mask as mask_utils

    from engine.review import iou_matrix

    rng = np.random.default_rng(0)
    for _ in range(30):
        pts = [(float(x), float(y)) for x, y in rng.uniform(-5, 70, (int(rng.integers(3, 9)), 2))]
        for shape in (Polygon(label="a", points=pts), Box(label="a", x1=min(p[0] for p in pts),
                                                          y1=min(p[1] for p in pts), x2=max(p[0] for p in pts),
                                                          y2=max(p[1] for p in pts))):
            target = rasterize([shape], 50, 64, {"a": 1}) == 1
            if not target.any():
                continue
            predicted = Mask.from_array(target, label="a")
            assert iou_matrix([predicted], [shape])[0, 0] == 1.0
            if isinstance(shape, Polygon):
                coco = mask_utils.frPyObjects([[v for p in pts for v in p]], 50, 64)
                assert int(target.sum()) == int(mask_utils.area(coco)[0])


def test_degenerate_and_outside_boxes_never_reach_the_model(tmp_path):
    Image.fromarray(_grey(tmp_path).astype(np.uint8)).save(tmp_path / "a.png")
    with ProjectStore.open(tmp_path) as store:
        iid = store.images()[0].id
        store.add_shape(iid, Box(label="a", x1=10, y1=10, x2=10, y2=40))  # zero width
        store.add_shape(iid, Box(label="a", x1=200, y1=200, x2=260, y2=260))  # outside the image
        store.add_shape(iid, Box(label="a", x1=5, y1=5, x2=30, y2=30))
        snap = store.snapshot()
    samples, classes, _ = collect(snap, "detect")
    ds = LabelledImages(samples, "detect", classes, train_transform("detect", 96))
    for _ in range(10):
        _, target = ds[0]
        b = target["boxes"]
        assert len(b) == len(target["labels"]) <= 1
        assert bool(((b[:, 2] - b[:, 0]) >= 1).all() and ((b[:, 3] - b[:, 1]) >= 1).all())


def test_which_images_train_negatives_text_and_unlabelled(tmp_path):
    for name in ("boxed.png", "done_empty.png", "new_empty.png", "text.png", "skipped.png"):
        Image.fromarray(_grey(tmp_path, 32).astype(np.uint8)).save(tmp_path / name)
    with ProjectStore.open(tmp_path) as store:
        ids = {i.path: i.id for i in store.images()}
        store.add_shape(ids["boxed.png"], Box(label="car", x1=1, y1=1, x2=20, y2=20))
        store.set_status(ids["done_empty.png"], ImageStatus.DONE)
        store.add_shape(ids["text.png"], TextRegion(label="line", points=[(1, 1), (20, 1), (20, 8), (1, 8)],
                                                    transcription="你好"))
        store.add_shape(ids["skipped.png"], Box(label="car", x1=1, y1=1, x2=20, y2=20))
        store.set_status(ids["skipped.png"], ImageStatus.SKIPPED)
        snap = store.snapshot()
    samples, classes, _ = collect(snap, "detect")
    assert sorted(s.rel for s in samples) == ["boxed.png", "done_empty.png", "text.png"]
    assert classes == ["car", "text"]
    data = build_task_data(snap, "detect", 0.3, seed=0)
    # Each class is in one image only, so both train; the negative never validates alone.
    assert len(data.train) == 3 and data.val == []

"""pycocotools' COCOeval as the reference our AP is checked against (in
tests and in tests/benchmarks/bench_review.py), our training metric fed the
same boxes, and random detection scenes that exercise its corner cases: images without
truths or without predictions, equal scores, identical boxes (equal IoUs),
two predictions wanting one truth, more than 100 predictions of a class in
one image, and many classes."""
from __future__ import annotations

import contextlib
import io

import numpy as np

from labeltool.core.shapes import Box, Source

Sample = tuple[list[Box], list[Box]]  # (predictions, truths) of one image


def _grid(v: np.ndarray) -> np.ndarray:
    # Multiples of 1/8: exact in float32 and in COCO's x + w, so every IoU
    # (and every tie between IoUs) is the same bit for bit on both sides.
    return np.round(np.asarray(v) * 8) / 8


def random_scene(rng: np.random.Generator, n_images: int = 15, n_classes: int = 12,
                 crowded: bool = True) -> tuple[list[Sample], list[str]]:
    classes = [f"c{k}" for k in range(n_classes)]

    def box(label: str, x: float, y: float, w: float, h: float, score: float | None = None) -> Box:
        x1, y1, x2, y2 = _grid([x, y, x + w, y + h])
        src = Source.from_model("run", float(np.round(score * 20) / 20)) if score is not None else Source()
        return Box(label=label, x1=float(x1), y1=float(y1), x2=float(x2), y2=float(y2), source=src)

    samples: list[Sample] = []
    for i in range(n_images):
        truths: list[Box] = []
        preds: list[Box] = []
        kind = i % 5  # 0: no truths, 1: no predictions, else both
        for _ in range(0 if kind == 0 else int(rng.integers(1, 7))):
            x, y = rng.uniform(0, 200, 2)
            w, h = rng.uniform(8, 60, 2)
            c = classes[int(rng.integers(n_classes))]
            truths.append(box(c, x, y, w, h))
            if rng.random() < 0.15:  # the same object labelled twice: equal IoUs
                truths.append(box(c, x, y, w, h))
            if kind == 1:
                continue
            for _ in range(int(rng.integers(0, 3))):  # 0-2 noisy detections: two may want one truth
                j = rng.normal(0, 4, 4)
                pc = c if rng.random() < 0.8 else classes[int(rng.integers(n_classes))]
                preds.append(box(pc, x + j[0], y + j[1], w + j[2], h + j[3], rng.uniform(0.05, 1)))
        if kind != 1:
            for _ in range(int(rng.integers(0, 4))):  # background false positives
                x, y = rng.uniform(0, 200, 2)
                preds.append(box(classes[int(rng.integers(n_classes))], x, y, 20, 20, rng.uniform(0.05, 1)))
        if crowded and i == 3 and truths:  # past maxDets: 120 predictions of one class around a truth
            t = truths[0]
            for _ in range(120):
                j = rng.normal(0, 3, 4)
                preds.append(box(t.label, t.x1 + j[0], t.y1 + j[1], t.width + j[2], t.height + j[3],
                                 rng.uniform(0.05, 1)))
        samples.append((preds, truths))
    return samples, classes


def cocoeval(samples: list[Sample], classes: list[str], iou_thresholds: list[float] | None = None):
    """``(precision (T, R, K), stats)`` of COCOeval "bbox" (area all, maxDets
    100; -1 for a class without truths); its default IoU thresholds unless
    given."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images, anns, dets = [], [], []
    for i, (preds, truths) in enumerate(samples):
        images.append({"id": i + 1, "width": 400, "height": 400})
        for t in truths:
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": classes.index(t.label) + 1,
                         "bbox": [t.x1, t.y1, t.width, t.height], "area": t.area, "iscrowd": 0})
        for p in preds:
            dets.append({"image_id": i + 1, "category_id": classes.index(p.label) + 1,
                         "bbox": [p.x1, p.y1, p.width, p.height], "score": p.source.score})
    with contextlib.redirect_stdout(io.StringIO()):  # COCOeval prints its progress
        coco = COCO()
        coco.dataset = {"images": images, "annotations": anns,
                        "categories": [{"id": k + 1, "name": c} for k, c in enumerate(classes)]}
        coco.createIndex()
        if dets:
            results = coco.loadRes(dets)
        else:  # loadRes cannot take an empty list
            results = COCO()
            results.dataset = {**coco.dataset, "annotations": []}
            results.createIndex()
        ev = COCOeval(coco, results, "bbox")
        if iou_thresholds is not None:
            ev.params.iouThrs = np.asarray(iou_thresholds, dtype=np.float64)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev.eval["precision"][:, :, :, 0, -1], ev.stats


def detection_metric(samples: list[Sample], classes: list[str]):
    """:class:`engine.metrics.DetectionMetric` fed as DetectionTask.evaluate
    feeds it in validation (float32 tensors per image), computed."""
    import torch

    from engine.metrics import DetectionMetric

    def boxes(shapes: list[Box]) -> torch.Tensor:
        return torch.tensor([[s.x1, s.y1, s.x2, s.y2] for s in shapes], dtype=torch.float32).reshape(-1, 4)

    def labels(shapes: list[Box]) -> torch.Tensor:
        return torch.tensor([classes.index(s.label) + 1 for s in shapes], dtype=torch.int64)

    metric = DetectionMetric(classes)
    for preds, truths in samples:
        scores = torch.tensor([p.source.score for p in preds], dtype=torch.float32)
        metric.update(boxes(truths), labels(truths), boxes(preds), scores, labels(preds), 400, 400)
    return metric.compute()

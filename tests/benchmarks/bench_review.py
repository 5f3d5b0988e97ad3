"""Review speed: judging a model on 2,000 images (~10 labels, ~15
predictions each, 8 classes) and ranking them for the review queue.

Prints medians of a few runs for :func:`engine.review.evaluate` (per-class
AP, PR curves, confusion matrix) against a baseline measured in the same
run: pycocotools' COCOeval (evaluate + accumulate at IoU 0.5) on the same
boxes, which gives AP alone. Also checks both agree on every class's AP.

    .venv/bin/python tests/benchmarks/bench_review.py [--images 2000] [--runs 3]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import time

import numpy as np

from engine.review import ReviewEntry, evaluate, rank_review_queue
from labeltool.core.shapes import Box, Source

CLASSES = ["行人", "car", "自行车", "dog", "cat", "bus", "truck", "traffic light"]


def scene(rng: np.random.Generator, n_images: int):
    samples = []
    for _ in range(n_images):
        truths, preds = [], []
        for _ in range(rng.integers(5, 16)):
            x, y = rng.uniform(0, 600, 2)
            w, h = rng.uniform(10, 120, 2)
            c = CLASSES[rng.integers(len(CLASSES))]
            truths.append(Box(label=c, x1=x, y1=y, x2=x + w, y2=y + h))
            if rng.random() < 0.85:
                j = rng.normal(0, 5, 4)
                pc = c if rng.random() < 0.85 else CLASSES[rng.integers(len(CLASSES))]
                preds.append(Box(label=pc, x1=x + j[0], y1=y + j[1], x2=x + w + j[2], y2=y + h + j[3],
                                 source=Source.from_model("bench", float(rng.uniform(0.05, 1)))))
        for _ in range(rng.integers(2, 8)):
            x, y = rng.uniform(0, 600, 2)
            preds.append(Box(label=CLASSES[rng.integers(len(CLASSES))], x1=x, y1=y, x2=x + 40, y2=y + 40,
                             source=Source.from_model("bench", float(rng.uniform(0.05, 1)))))
        samples.append((preds, truths))
    return samples


def cocoeval(samples):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images, anns, dets = [], [], []
    for i, (preds, truths) in enumerate(samples):
        images.append({"id": i + 1, "width": 800, "height": 800})
        for t in truths:
            anns.append({"id": len(anns) + 1, "image_id": i + 1, "category_id": CLASSES.index(t.label) + 1,
                         "bbox": [t.x1, t.y1, t.width, t.height], "area": t.area, "iscrowd": 0})
        for p in preds:
            dets.append({"image_id": i + 1, "category_id": CLASSES.index(p.label) + 1,
                         "bbox": [p.x1, p.y1, p.width, p.height], "score": p.source.score})
    with contextlib.redirect_stdout(io.StringIO()):  # COCOeval prints its progress
        coco = COCO()
        coco.dataset = {"images": images, "annotations": anns,
                        "categories": [{"id": k + 1, "name": c} for k, c in enumerate(CLASSES)]}
        coco.createIndex()
        ev = COCOeval(coco, coco.loadRes(dets), "bbox")
        ev.params.iouThrs = np.array([0.5])
        ev.evaluate()
        ev.accumulate()
    return [float(ev.eval["precision"][0, :, k, 0, 2].mean()) for k in range(len(CLASSES))]


def timed(fn, runs: int):
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    samples = scene(np.random.default_rng(0), args.images)
    n_t = sum(len(t) for _, t in samples)
    n_p = sum(len(p) for p, _ in samples)
    print(f"{args.images} images, {n_t} labels, {n_p} predictions, {len(CLASSES)} classes")
    ours_s, report = timed(lambda: evaluate(samples, CLASSES), args.runs)
    base_s, base_ap = timed(lambda: cocoeval(samples), args.runs)
    worst = max(abs(report.per_class[c].ap - a) for c, a in zip(CLASSES, base_ap))
    print(f"evaluate (AP, PR, confusion):   {ours_s:7.3f} s median")
    print(f"COCOeval baseline (AP only):    {base_s:7.3f} s median")
    print(f"ratio ours / baseline:          {ours_s / base_s:7.2f}")
    print(f"largest AP difference:          {worst:.2e}")
    entries = [ReviewEntry(i, p, t if i % 2 else []) for i, (p, t) in enumerate(samples)]
    rank_s, queue = timed(lambda: rank_review_queue(entries), args.runs)
    print(f"review queue ({len(queue)} images):   {rank_s:7.3f} s median, "
          f"{1e6 * rank_s / len(entries):.0f} µs per image")
    return 0 if worst < 1e-9 else 1


if __name__ == "__main__":
    raise SystemExit(main())

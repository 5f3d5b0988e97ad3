"""Evaluation speed: judging a model on 2,000 images (~10 labels, ~15
predictions each, 8 classes) and ranking them for the review queue.

One evaluation code (engine/evaluation.py) serves both users; each is timed
against pycocotools' COCOeval on the same boxes, measured in the same run,
and must agree with it on every class's AP:

* the review report, :func:`engine.review.evaluate` (per-class AP at IoU
  0.5, PR curves, confusion matrix) against COCOeval evaluate + accumulate
  at IoU 0.5 (AP alone);
* the training metric, :class:`engine.metrics.DetectionMetric` (mAP@0.5,
  mAP@[.5:.95], per class) against COCOeval's full bbox run at its ten IoU
  thresholds (what DetectionMetric called before).

    .venv/bin/python tests/benchmarks/bench_review.py [--images 2000] [--runs 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.review import ReviewEntry, evaluate, rank_review_queue  # noqa: E402
from labeltool.core.shapes import Box, Source  # noqa: E402
from tests.coco_reference import cocoeval, detection_metric  # noqa: E402

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


def _f32(box: Box) -> Box:
    x1, y1, x2, y2, score = (float(v) for v in np.float32([box.x1, box.y1, box.x2, box.y2, box.source.score or 1]))
    return Box(label=box.label, x1=x1, y1=y1, x2=x2, y2=y2, source=Source.from_model("bench", score))


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
    base_s, (base, _) = timed(lambda: cocoeval(samples, CLASSES, [0.5]), args.runs)
    worst = max(abs(report.per_class[c].ap - base[0, :, k].mean()) for k, c in enumerate(CLASSES))
    print(f"review evaluate (AP@.5, PR, confusion): {ours_s:7.3f} s median")
    print(f"COCOeval at IoU .5 (AP only):           {base_s:7.3f} s median")
    print(f"ratio ours / COCOeval:                  {ours_s / base_s:7.2f}")
    print(f"largest AP difference:                  {worst:.2e}")
    # The training metric: a box IoU per image from float32 tensors, as in
    # validation; COCOeval gets the same float32 values.
    rounded = [([_f32(p) for p in preds], [_f32(t) for t in truths]) for preds, truths in samples]
    import engine.metrics  # noqa: F401 - torch's import (seconds) is not the metric's time
    metric_s, metric = timed(lambda: detection_metric(rounded, CLASSES), args.runs)
    full_s, (full, _) = timed(lambda: cocoeval(rounded, CLASSES), args.runs)
    worst_m = max(max(abs(metric.per_class[c]["ap50"] - full[0, :, k].mean()),
                      abs(metric.per_class[c]["ap"] - full[:, :, k].mean())) for k, c in enumerate(CLASSES))
    print(f"DetectionMetric (mAP@.5, mAP@[.5:.95]):  {metric_s:7.3f} s median")
    print(f"COCOeval bbox, 10 IoU thresholds:       {full_s:7.3f} s median")
    print(f"ratio ours / COCOeval:                  {metric_s / full_s:7.2f}")
    print(f"largest AP difference:                  {worst_m:.2e}  (mAP {metric.metrics['map']:.4f})")
    worst = max(worst, worst_m)
    entries = [ReviewEntry(i, p, t if i % 2 else []) for i, (p, t) in enumerate(samples)]
    rank_s, queue = timed(lambda: rank_review_queue(entries), args.runs)
    print(f"review queue ({len(queue)} images):   {rank_s:7.3f} s median, "
          f"{1e6 * rank_s / len(entries):.0f} µs per image")
    return 0 if worst < 1e-9 else 1


if __name__ == "__main__":
    raise SystemExit(main())

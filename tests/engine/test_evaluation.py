"""engine.evaluation: one AP for training metrics and the review report,
equal to pycocotools' COCOeval (AP@0.5 and AP@[.5:.95], per class), of
boxes and of masks (bbox and segm), crowd regions ignored as COCOeval
ignores them."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.evaluation import IGNORED, APEvaluator, greedy_match
from tests.coco_reference import cocoeval, detection_metric, random_scene


@pytest.mark.parametrize("seed", range(6))
def test_detection_metric_equals_cocoeval(seed):
    samples, classes = random_scene(np.random.default_rng(seed))
    precision, stats = cocoeval(samples, classes)
    result = detection_metric(samples, classes)
    with_truth = {c for _, truths in samples for c in (t.label for t in truths)}
    assert set(result.per_class) == with_truth
    for k, c in enumerate(classes):
        if c not in with_truth:
            assert (precision[:, :, k] == -1).all()  # COCOeval leaves it out too
            continue
        assert result.per_class[c]["ap50"] == pytest.approx(precision[0, :, k].mean(), abs=1e-12), c
        assert result.per_class[c]["ap"] == pytest.approx(precision[:, :, k].mean(), abs=1e-12), c
    assert result.metrics["map"] == pytest.approx(stats[0], abs=1e-12)
    assert result.metrics["map50"] == pytest.approx(stats[1], abs=1e-12)
    assert 0 < result.metrics["map"] < result.metrics["map50"] < 1  # a scene that tests something


def test_scene_has_the_corner_cases():
    # The comparisons above only mean something if the scenes hold them.
    samples, _ = random_scene(np.random.default_rng(0))
    assert any(not t and p for p, t in samples) and any(t and not p for p, t in samples)
    scores = [p.source.score for preds, _ in samples for p in preds]
    assert len(set(scores)) < len(scores)  # equal scores
    assert any(len({(b.x1, b.y1, b.x2, b.y2) for b in t}) < len(t) for _, t in samples)  # equal IoUs
    assert any(sum(p.label == c for p in preds) > 100 for preds, _ in samples for c in {p.label for p in preds})


def test_without_truths_the_metric_is_undefined_and_without_predictions_zero():
    samples, classes = random_scene(np.random.default_rng(1))
    negatives = [(preds, []) for preds, _ in samples]
    assert all(math.isnan(v) for v in detection_metric(negatives, classes).metrics.values())
    blind = [([], truths) for _, truths in samples]
    r = detection_metric(blind, classes)
    assert r.metrics == {"map50": 0.0, "map": 0.0}
    assert r.per_class and all(v == {"ap50": 0.0, "ap": 0.0} for v in r.per_class.values())


def test_max_dets_leaves_out_the_lowest_scores_of_a_class_per_image():
    # 101 predictions on one truth; only the one with the lowest score hits.
    ev = APEvaluator([0.5], max_dets=100)
    ious = np.zeros((101, 1))
    ious[-1, 0] = 1.0
    found = ev.add_image(ious, ["a"] * 101, np.linspace(1, 0.01, 101), ["a"])
    assert (found == -1).all() and ev.result()["a"].ap[0] == 0.0
    ev = APEvaluator([0.5], max_dets=101)
    found = ev.add_image(ious, ["a"] * 101, np.linspace(1, 0.01, 101), ["a"])
    assert found[0, -1] == 0 and 0 < ev.result()["a"].ap[0] < 0.02


def _cocoeval_loop(ious: np.ndarray, threshold: float) -> list[int]:
    """COCOeval.evaluateImg's matching, transcribed (no crowd, no ignore)."""
    taken = [False] * ious.shape[1]
    out = []
    for d in range(ious.shape[0]):
        iou, m = min(threshold, 1 - 1e-10), -1
        for g in range(ious.shape[1]):
            if taken[g] or ious[d, g] < iou:
                continue
            iou, m = ious[d, g], g
        if m > -1:
            taken[m] = True
        out.append(m)
    return out


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 7), st.integers(1, 5), st.data())
def test_greedy_match_is_cocoevals_loop(n_pred, n_truth, data):
    # Few distinct values: many ties between IoUs and at the thresholds.
    values = data.draw(st.lists(st.sampled_from([0.0, 0.3, 0.5, 0.55, 0.75, 0.9, 0.95, 1.0]),
                                min_size=n_pred * n_truth, max_size=n_pred * n_truth))
    ious = np.array(values).reshape(n_pred, n_truth)
    thresholds = [0.5, 0.75, 0.95]
    found = greedy_match(ious, thresholds)
    for t, thr in enumerate(thresholds):
        assert found[t].tolist() == _cocoeval_loop(ious, thr)


# ------------------------------------------------------- segm, with crowds
def _mask_scene(rng: np.random.Generator, n_images: int = 12, size: int = 48, n_classes: int = 3):
    """Images with blob masks of a few classes, some of them crowd regions,
    and predictions: noisy copies of the truths (some of another class),
    predictions lying on the crowd regions, and false alarms. Scores on a
    coarse grid, so that they tie."""
    from labeltool.core.raster import polygon_rle
    from pycocotools import mask as mask_utils

    def blob() -> np.ndarray:
        cx, cy = rng.uniform(8, size - 8, 2)
        r = rng.uniform(4, 12)
        t = np.sort(rng.uniform(0, 2 * np.pi, 7))
        pts = [(float(cx + r * q * np.cos(a)), float(cy + r * q * np.sin(a)))
               for q, a in zip(rng.uniform(0.7, 1.2, 7), t)]
        return mask_utils.decode(polygon_rle(pts, size, size)).astype(bool)

    images = []
    for i in range(n_images):
        truths, preds = [], []  # (mask, class, crowd) / (mask, class, score)
        for _ in range(0 if i % 6 == 0 else int(rng.integers(1, 5))):
            m, c = blob(), int(rng.integers(1, n_classes + 1))
            crowd = bool(rng.random() < 0.25)
            truths.append((m, c, crowd))
            for _ in range(int(rng.integers(0, 3))):  # a shifted copy, or two wanting one truth
                shifted = np.roll(m, tuple(rng.integers(-2, 3, 2)), axis=(0, 1))
                pc = c if rng.random() < 0.85 else int(rng.integers(1, n_classes + 1))
                preds.append((shifted, pc, float(np.round(rng.uniform(0.05, 1) * 10) / 10)))
        for _ in range(int(rng.integers(0, 3))):
            preds.append((blob(), int(rng.integers(1, n_classes + 1)), float(np.round(rng.uniform(0.05, 1) * 10) / 10)))
        images.append((truths, preds))
    return images, size


def _cocoeval_of(images, size: int, n_classes: int, iou_type: str):
    import contextlib
    import io

    from pycocotools import mask as mask_utils
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def rle(m):
        r = mask_utils.encode(np.asfortranarray(m.astype(np.uint8)))
        return {"size": r["size"], "counts": r["counts"].decode("ascii")}

    coco_images, anns, dets = [], [], []
    for i, (truths, preds) in enumerate(images, 1):
        coco_images.append({"id": i, "width": size, "height": size})
        for m, c, crowd in truths:
            r = rle(m)
            anns.append({"id": len(anns) + 1, "image_id": i, "category_id": c, "segmentation": r,
                         "area": float(m.sum()), "bbox": [float(v) for v in mask_utils.toBbox(r)],
                         "iscrowd": int(crowd)})
        for m, c, score in preds:
            r = rle(m)
            dets.append({"image_id": i, "category_id": c, "segmentation": r, "score": score,
                         "bbox": [float(v) for v in mask_utils.toBbox(r)]})
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO()
        gt.dataset = {"images": coco_images, "annotations": anns,
                      "categories": [{"id": k, "name": f"c{k}"} for k in range(1, n_classes + 1)]}
        gt.createIndex()
        ev = COCOeval(gt, gt.loadRes(dets), iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return ev.eval["precision"][:, :, :, 0, -1], ev.stats


def _instance_metric_of(images, size: int, n_classes: int):
    import torch

    from engine.metrics import InstanceMetric

    def boxes(masks):
        out = []
        for m in masks:
            ys, xs = np.nonzero(m)
            out.append([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])  # pixel edges, as toBbox
        return torch.tensor(np.array(out, dtype=np.float32)).reshape(-1, 4)

    metric = InstanceMetric([f"c{k}" for k in range(1, n_classes + 1)])
    for truths, preds in images:
        gm = [t[0] for t in truths]
        pm = [p[0] for p in preds]
        metric.update(boxes(gm), torch.tensor([t[1] for t in truths], dtype=torch.int64),
                      torch.tensor(np.array(gm, dtype=bool).reshape(-1, size, size)),
                      boxes(pm), torch.tensor([p[2] for p in preds], dtype=torch.float32),
                      torch.tensor([p[1] for p in preds], dtype=torch.int64),
                      torch.tensor(np.array(pm, dtype=bool).reshape(-1, size, size)),
                      torch.tensor([t[2] for t in truths], dtype=torch.bool))
    return metric.compute()


@pytest.mark.parametrize("seed", range(4))
def test_instance_metric_equals_cocoeval_segm_and_bbox_with_crowd_regions(seed):
    images, size = _mask_scene(np.random.default_rng(seed))
    crowded = sum(c for truths, _ in images for _, _, c in truths)
    assert crowded and sum(len(p) for _, p in images) > 20  # a scene that tests something
    result = _instance_metric_of(images, size, 3)
    for iou_type, prefix in (("segm", "segm_"), ("bbox", "")):
        precision, stats = _cocoeval_of(images, size, 3, iou_type)
        for k in range(3):
            name = f"c{k + 1}"
            if (precision[:, :, k] == -1).all():
                assert prefix + "ap" not in result.per_class.get(name, {})
                continue
            assert result.per_class[name][prefix + "ap50"] == pytest.approx(precision[0, :, k].mean(), abs=1e-12)
            assert result.per_class[name][prefix + "ap"] == pytest.approx(precision[:, :, k].mean(), abs=1e-12)
        assert result.metrics[prefix + "map"] == pytest.approx(stats[0], abs=1e-12), iou_type
        assert result.metrics[prefix + "map50"] == pytest.approx(stats[1], abs=1e-12), iou_type


def test_a_prediction_on_a_crowd_region_is_neither_found_nor_a_false_alarm():
    # One truth and one crowd region of class "a"; the best-scored prediction lies on the crowd, the next on
    # the truth, the last on nothing.
    ious = np.array([[0.0, 0.8], [0.9, 0.0], [0.0, 0.0]])
    ev = APEvaluator([0.5])
    found = ev.add_image(ious, ["a"] * 3, [0.9, 0.8, 0.7], ["a", "a"], truth_crowd=[False, True])
    assert found[0].tolist() == [IGNORED, 0, -1]
    result = ev.result()["a"]
    assert result.truths == 1  # the crowd region is no truth
    assert result.ap[0] == 1.0  # the truth is found first: nothing ranked above it counts against it
    # The curves keep a column per prediction; the ignored one has no point of its own yet.
    assert result.precision.shape == (1, 3) and result.precision[0].tolist() == [0.0, 1.0, 0.5]
    # Had the crowd prediction been on nothing, it would be a false alarm ranked first.
    ev = APEvaluator([0.5])
    ev.add_image(ious[:, :1], ["a"] * 3, [0.9, 0.8, 0.7], ["a"])
    assert ev.result()["a"].truths == 1 and ev.result()["a"].ap[0] == pytest.approx(0.5)

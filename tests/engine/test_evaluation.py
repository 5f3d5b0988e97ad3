"""engine.evaluation: one AP for training metrics and the review report,
equal to pycocotools' COCOeval (AP@0.5 and AP@[.5:.95], per class)."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.evaluation import APEvaluator, greedy_match
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

"""Metric names, kinds and the reasons an undefined metric is given (engine.metric_info)."""
from __future__ import annotations

import math

import torch

from engine.metric_info import METRICS, TASK_METRICS, UNDEFINED_REASONS, describe_metric, metric_info, \
    undefined_metrics
from engine.metrics import ClassificationMetric, DetectionMetric, InstanceMetric, SegmentationMetric

NAN = float("nan")


def test_validation_of_negatives_only_is_undefined_for_want_of_objects():
    metric = DetectionMetric(["face", "cup"])
    metric.update(torch.zeros(0, 4), torch.zeros(0, dtype=torch.int64), torch.tensor([[1.0, 1, 5, 5]]),
                  torch.tensor([0.9]), torch.tensor([1]), 10, 10)
    result = metric.compute()
    assert all(math.isnan(v) for v in result.metrics.values())
    assert undefined_metrics("detect", result.metrics, val_images=1) == {"map50": "no_val_objects",
                                                                         "map": "no_val_objects"}
    assert describe_metric("map50", result.metrics["map50"], "no_val_objects") == \
        "mAP@0.5: not measured: the validation images hold no objects"


def test_no_validation_images_names_each_metric_of_the_task():
    for task, names in TASK_METRICS.items():
        assert undefined_metrics(task, {}, val_images=0) == dict.fromkeys(names, "no_val_images")
    # A classifier with images but no readable one measured nothing either.
    assert undefined_metrics("classify", {"accuracy": NAN}, val_images=3) == {"accuracy": "no_val_images"}
    assert undefined_metrics("segment", {"miou": 0.5, "dice": 0.6, "val_loss": 0.2}, val_images=3) == {}


def test_the_metrics_of_every_task_have_their_kind():
    seg = SegmentationMetric(["leaf"])
    seg.update(torch.tensor([[0, 1], [1, 1]]), torch.tensor([[0, 1], [0, 1]]))
    cls = ClassificationMetric(["a", "b"])
    cls.update(torch.tensor([0, 1]), torch.tensor([0, 0]))
    det = DetectionMetric(["face"])
    det.update(torch.tensor([[1.0, 1, 5, 5]]), torch.tensor([1]), torch.tensor([[1.0, 1, 5, 5]]),
               torch.tensor([0.9]), torch.tensor([1]), 10, 10)
    inst = InstanceMetric(["leaf"])
    mask = torch.zeros(1, 10, 10, dtype=torch.bool)
    mask[0, 1:5, 1:5] = True
    inst.update(torch.tensor([[1.0, 1, 5, 5]]), torch.tensor([1]), mask, torch.tensor([[1.0, 1, 5, 5]]),
                torch.tensor([0.9]), torch.tensor([1]), mask)
    for task, result in (("segment", seg.compute()), ("classify", cls.compute()), ("detect", det.compute()),
                         ("instance", inst.compute())):
        assert set(TASK_METRICS[task]) <= set(result.metrics)
        names = set(result.metrics) | {k for row in result.per_class.values() for k in row}
        assert names <= set(METRICS), names - set(METRICS)
        for name, value in result.metrics.items():
            assert METRICS[name].kind == "fraction" and 0 <= value <= 1
            assert METRICS[name].bounds == (0.0, 1.0)


def test_words_for_values_and_for_their_absence():
    assert describe_metric("map50", 0.41234) == "mAP@0.5 0.412"
    assert describe_metric("val_loss", 1.23456) == "val loss 1.2346"
    assert metric_info("val_loss").kind == "loss" and not metric_info("val_loss").higher_is_better
    assert metric_info("support").format(12.0) == "12"
    assert metric_info("box_loss").kind == "loss" and metric_info("newthing").kind == "value"
    for value in (None, NAN, float("inf")):
        text = describe_metric("accuracy", value)
        assert text == "accuracy: not measured" and "nan" not in text and "inf" not in text
    assert describe_metric("miou", None, "no such reason") == "mIoU: not measured"
    assert set(UNDEFINED_REASONS) == {"no_val_images", "no_val_objects", "not_measured"}

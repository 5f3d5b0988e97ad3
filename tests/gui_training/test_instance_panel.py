"""The Training dock of an instance run (issue 13 #4-5): box and mask AP
on the curves and per class, each named for what it measures, and the
streamed masks drawn as filled, outlined overlays beside the labels."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QColor

from engine.events import EpochEnd, PredictionSample, TrainStart
from labeltool.core import Mask, Polygon, Source
from labeltool.gui.training.panel import TrainingPanel
from labeltool.gui.training.thumbnails import render_thumbnail

METRICS = {"map50": 0.5, "map": 0.3, "segm_map50": 0.6, "segm_map": 0.35}
PER_CLASS = {"ap50": 0.5, "ap": 0.3, "segm_ap50": 0.6, "segm_ap": 0.35}


def instance_start() -> TrainStart:
    return TrainStart(run_dir="/tmp/runs/20260101-000000-maskrcnn_resnet50_fpn", task="instance",
                      model="maskrcnn_resnet50_fpn", classes=["leaf", "stem"], epochs=2, steps_per_epoch=3,
                      total_steps=6, start_step=0, device="cpu", train_images=8, val_images=2)


def test_curves_and_table_show_box_and_mask_ap_named_apart(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.on_started(instance_start())
    for epoch in range(2):
        panel.on_epoch_end(EpochEnd(epoch=epoch, step=3 * (epoch + 1),
                                    metrics={k: v + 0.1 * epoch for k, v in METRICS.items()},
                                    per_class={"leaf": dict(PER_CLASS)}))
    panel.curves.redraw()
    for name, value in METRICS.items():
        assert panel.curves.series(name) == ([3, 6], [pytest.approx(value), pytest.approx(value + 0.1)])
    legend = panel.curves.legend.text()
    for label in ("box mAP@0.5", "box mAP@[.5:.95]", "mask mAP@0.5", "mask mAP@[.5:.95]"):
        assert label in legend
    headers = [panel.per_class.horizontalHeaderItem(i).text() for i in range(panel.per_class.columnCount())]
    assert headers == ["box AP@0.5", "box AP@[.5:.95]", "mask AP@0.5", "mask AP@[.5:.95]"]
    assert panel.per_class.item(0, 2).text() == "0.600"  # leaf's mask AP@0.5
    assert "not measured" in panel.per_class.item(1, 0).text()  # stem: no validation objects


def test_a_detector_s_metrics_keep_their_plain_names(qtbot):
    panel = TrainingPanel()
    qtbot.addWidget(panel)
    panel.on_started(instance_start())
    panel.on_epoch_end(EpochEnd(epoch=0, step=3, metrics={"map50": 0.5, "map": 0.3},
                                per_class={"leaf": {"ap50": 0.5, "ap": 0.3}}))
    panel.curves.redraw()
    assert "mAP@0.5" in panel.curves.legend.text() and "box" not in panel.curves.legend.text()
    assert panel.per_class.horizontalHeaderItem(0).text() == "AP@0.5"


def _pixel(image, x: int, y: int) -> tuple[int, int, int]:
    c = QColor(image.pixel(x, y))
    return c.red(), c.green(), c.blue()


def test_streamed_masks_are_filled_translucent_and_outlined_in_their_class_colour(tmp_path):
    path = tmp_path / "grey.png"
    Image.new("RGB", (128, 128), (100, 100, 100)).save(path)
    left = np.zeros((128, 128), bool)
    left[20:100, 10:60] = True
    right = np.zeros((128, 128), bool)
    right[20:100, 60:110] = True  # touching the left object: only the outlines tell them apart
    source = Source.from_model("run", 0.9)
    predictions = [Mask.from_array(left, label="leaf", source=source),
                   Mask.from_array(right, label="leaf", source=source)]
    truth = [Polygon(label="leaf", points=[(10, 20), (60, 20), (60, 100), (10, 100)])]
    thumb = render_thumbnail(PredictionSample(str(path), 128, 128, truth, predictions), {"leaf": "#00c000"}, 128)
    assert "2 found / 1 labelled" in thumb.caption
    inside = _pixel(thumb.image, 35, 60)
    assert inside[1] > inside[0] + 30 and inside[1] < 250  # tinted green, the photo still through it
    assert _pixel(thumb.image, 85, 20) == (0, 192, 0)  # the right object's top edge: opaque class colour
    assert _pixel(thumb.image, 60, 60) == (0, 192, 0)  # the edge between the two objects
    assert _pixel(thumb.image, 5, 5) == (100, 100, 100)  # outside: the photo as it is

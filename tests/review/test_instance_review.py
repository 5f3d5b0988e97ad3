"""Reviewing an instance model (issue 13 #5) without training one: its
runs stand as run folders with a ``config.json`` (the task is all review
reads of them). The "Instances as" choice shows for instance runs only and
is kept in the project; masks of an instance run are judged object by
object with mask IoU (not as a segmenter's one mask per class, nor by
their boxes); the model report names mask AP and shows box AP beside it."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.review import evaluate
from engine.runs import runs_root
from labeltool.core import Box, Mask, Polygon, ProjectStore, Source
from labeltool.gui.jobs.report import ReportResult, box_of
from labeltool.gui.jobs.review import semantic_masks
from labeltool.gui.review.report import BOX_AP_COLUMN, ReportView
from tests.conftest import write_image
from tests.review.test_review_gui import open_window

H = W = 100


def fake_run(root: Path, name: str, task: str) -> Path:
    """A run folder review can list: its config and a checkpoint file."""
    run = runs_root(root) / name
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"task": task, "model": "m", "classes": ["leaf"]}), "utf-8")
    (run / "best.pt").write_bytes(b"")
    return run


def mask_of(x1: int, y1: int, x2: int, y2: int, model: str, score: float = 0.9) -> Mask:
    a = np.zeros((H, W), bool)
    a[y1:y2, x1:x2] = True
    return Mask.from_array(a, label="leaf", source=Source.from_model(model, score))


def ell(x: float, y: float) -> Polygon:
    """An L of 30 x 30 whose bounding box is mostly empty."""
    return Polygon(label="leaf", points=[(x, y), (x + 8, y), (x + 8, y + 22), (x + 30, y + 22), (x + 30, y + 30),
                                         (x, y + 30)])


@pytest.fixture
def project(qtbot, tmp_path):
    root = tmp_path / "leaves"
    write_image(root / "a.png", W, H)
    store = ProjectStore.open(root)
    runs = {task: fake_run(root, f"2026-{task}", task) for task in ("instance", "segment", "detect")}
    w, review = open_window(qtbot, store)
    yield w, review, store, runs
    w.close()
    store.close()


def test_instances_as_shows_for_instance_runs_only_and_is_kept_in_the_project(qtbot, project):
    w, review, store, runs = project
    panel = review.panel
    row = panel.instances
    panel.add_model(runs["detect"])
    assert not row.isVisible()
    panel.add_model(runs["instance"])
    assert row.isVisible() and row.options().output == "polygon" and row.tolerance.isEnabled()
    row.tolerance.setValue(2.5)
    row.output.setCurrentIndex(row.output.findData("mask"))
    assert not row.tolerance.isEnabled()  # nothing to simplify in a mask
    assert row.options().predict_options() == {"instance_output": "mask", "tolerance": 2.5}
    panel.add_model(runs["segment"])
    assert not row.isVisible()

    root = store.root
    w.close()
    store.close()
    again = ProjectStore.open(root)
    w2, review2 = open_window(qtbot, again)
    try:
        review2.panel.add_model(runs["instance"])
        assert review2.panel.instances.options().predict_options() == {"instance_output": "mask", "tolerance": 2.5}
    finally:
        w2.close()
        again.close()


def test_an_instance_run_s_masks_are_judged_object_by_object_with_mask_iou(project):
    w, review, store, runs = project
    image = store.images()[0]
    store.add_shape(image.id, ell(5, 5))
    store.add_shape(image.id, Polygon(label="leaf", points=[(60, 10), (90, 10), (90, 40), (60, 40)]))
    model = runs["instance"].name
    # On the L: its bounding box (box IoU 1) but the other corner of it (mask IoU under 0.5).
    corner = store.add_shape(image.id, mask_of(13, 5, 35, 27, model, 0.95))
    square = store.add_shape(image.id, mask_of(60, 10, 90, 40, model, 0.8))
    review.panel.review_check.setChecked(True)
    w.go_to_image(image.id)
    c = review.session.comparison
    assert c is not None
    assert c.verdict(square.id) == "tp" and c.verdict(corner.id) == "fp"
    assert c.summary() == {"tp": 1, "fp": 1, "missed": 1, "wrong_class": 0}  # the L is missed
    assert "1 found, 1 false alarms, 1 missed" in review.panel.count_label.text()
    review.panel.queue.build_button.click()
    (item,) = review.panel.queue.items
    assert item.counts["missed"] == 1 and item.counts["tp"] == 1


def test_masks_are_a_segmenter_s_by_the_run_s_task_else_by_one_mask_per_class(project):
    w, review, store, runs = project
    two = [mask_of(0, 0, 10, 10, "m"), mask_of(20, 20, 30, 30, "m")]
    for name, task_says in ((runs["segment"].name, True), (runs["instance"].name, False)):
        assert semantic_masks([[mask_of(0, 0, 10, 10, name)]], store.root) is task_says
    assert semantic_masks([[mask_of(0, 0, 10, 10, "elsewhere")]], store.root)  # one per class: a segmenter's
    assert not semantic_masks([two], store.root)  # two of a class on one image: objects
    assert not semantic_masks([[mask_of(0, 0, 10, 10, "sam-boxes")]], store.root)  # an assistant's: objects
    assert not semantic_masks([[Box(label="leaf", x1=0, y1=0, x2=5, y2=5, source=Source.from_model("m", 1))]],
                              store.root)


def test_the_report_of_an_instance_run_shows_mask_ap_and_box_ap(qtbot):
    truths = [ell(5, 5)]
    predictions = [mask_of(13, 5, 35, 27, "run")]  # the L's bounding box, not its pixels
    report = evaluate([(predictions, truths)], ["leaf"])
    boxes = evaluate([([box_of(p) for p in predictions], truths)], ["leaf"])
    assert report.per_class["leaf"].ap == 0.0 and boxes.per_class["leaf"].ap == pytest.approx(1.0)
    view = ReportView()
    qtbot.addWidget(view)
    view.show_result(ReportResult(report, "", "1 image", "instance", "run", {"leaf": boxes.per_class["leaf"].ap}),
                     {})
    assert view.table.horizontalHeaderItem(3).text() == "mask AP@0.5"
    assert not view.table.isColumnHidden(BOX_AP_COLUMN)
    assert view.table.item(0, 3).text().startswith("0.00") and view.table.item(0, BOX_AP_COLUMN).text() == "1.00"
    view.show_result(ReportResult(boxes, "", "1 image", "detect", "run"), {})
    assert view.table.horizontalHeaderItem(3).text() == "AP@0.5" and view.table.isColumnHidden(BOX_AP_COLUMN)

"""Instance segmentation in one window (issue 13 #4-5): a project of
polygons trains Mask R-CNN from the Train dialog (from scratch, one step,
on the CPU); the Training dock draws its box and mask AP and streams its
masks; "Review with this model" pre-labels as polygons, and as masks once
the Review dock's choice says so; Y makes one a person's shape that still
names the model and its score; the model report shows mask AP."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from labeltool.core import ImageStatus, Mask, Polygon, ProjectStore
from tests.engine.synth import instance_project

pytestmark = pytest.mark.slow
WAIT = 240_000  # ms: Mask R-CNN on two shared cores
SIZE = 64


@pytest.fixture
def polygon_project(tmp_path: Path) -> Path:
    """Five images with two or three "leaf" polygons each, and one more
    (the last) left unlabelled for pre-labelling."""
    root = tmp_path / "leaves"
    instance_project(root, n=6, size=SIZE, seed=3)
    with ProjectStore.open(root) as store:
        last = store.images()[-1]
        for s in store.shapes(last.id):
            store.delete_shape(s.id)
        store.set_status(last.id, ImageStatus.NEW)
    return root


def test_train_mask_rcnn_then_review_its_polygons_and_masks(qtbot, polygon_project):
    from labeltool.gui.main_window import MainWindow

    store = ProjectStore.open(polygon_project)
    w = MainWindow(store)
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)

    # ---- the Train dialog suggests Mask R-CNN for several polygons per image.
    c = w.training
    c.open_dialog()
    qtbot.waitUntil(lambda: c.dialog is not None and c.dialog.isVisible(), timeout=10_000)
    dlg = c.dialog
    assert dlg.task == "instance" and dlg.model.startswith("maskrcnn")
    dlg.device_combo.setCurrentIndex(dlg.device_combo.findData("cpu"))
    dlg.pretrained.setChecked(False)  # offline: no weights to download
    qtbot.mouseClick(dlg.advanced_toggle, Qt.MouseButton.LeftButton)
    dlg.batch_size.setValue(2)
    dlg.img_size.setValue(SIZE)
    dlg.max_steps.setValue(1)
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    end = c.last_end
    assert end.reason == "finished", end.message
    run = Path(end.run_dir)

    # ---- the dock: box and mask AP on the curves and per class, masks in the strip.
    panel = c.panel
    panel.curves.redraw()
    for name in ("map50", "map", "segm_map50", "segm_map"):
        assert len(panel.curves.series(name)[0]) == 1, name
    legend = panel.curves.legend.text()
    assert "box mAP@0.5" in legend and "mask mAP@0.5" in legend
    headers = [panel.per_class.horizontalHeaderItem(i).text() for i in range(panel.per_class.columnCount())]
    assert "mask AP@0.5" in headers and "box AP@0.5" in headers
    assert panel.per_class.verticalHeaderItem(0).text() == "leaf"
    qtbot.waitUntil(lambda: panel.strip.count() > 0, timeout=10_000)  # streamed after the epoch
    assert any(isinstance(s, Mask) for t in panel.strip.thumbnails for s in t.predictions)

    # ---- Review with this model: the instance choice appears; polygons first.
    review = w.review
    rp = review.panel
    with qtbot.waitSignal(rp.predictionFinished, timeout=WAIT):
        qtbot.mouseClick(panel.review_button, Qt.MouseButton.LeftButton)
    assert Path(rp.run_combo.currentData()) == run and rp.instances.isVisible()
    assert rp.instances.options().output == "polygon"
    shown = w.current_image()
    assert store.shapes(shown.id, source="human") == []
    predicted = store.shapes(shown.id, source="model")
    assert predicted and all(isinstance(p, Polygon) for p in predicted)
    assert {p.source.model for p in predicted} == {run.name}

    # ---- masks instead: the choice is the project's, and This image predicts again.
    rp.instances.output.setCurrentIndex(rp.instances.output.findData("mask"))
    assert not rp.instances.tolerance.isEnabled()  # a mask has no outline to simplify
    assert "mask" in (store.get_meta("review_instances") or "")
    with qtbot.waitSignal(rp.predictionFinished, timeout=WAIT):
        qtbot.mouseClick(rp.predict_current, Qt.MouseButton.LeftButton)
    masks = store.shapes(shown.id, source="model")
    assert masks and all(isinstance(p, Mask) for p in masks)
    assert masks[0].size == (SIZE, SIZE)  # the image's own pixels

    # ---- Y: the surest mask becomes a person's shape that names its model and score.
    rp.slider.setValue(rp.slider.minimum())
    assert review.session.shown_count == len(masks)
    w.activateWindow()  # offscreen Qt does not give it back after the Train dialog
    w.canvas.setFocus()
    accepted = review.session.current_id
    best = max(p.source.score for p in masks)
    review.actions["accept"].trigger()
    (label,) = store.shapes(shown.id, source="human")
    assert label.id == accepted and isinstance(label, Mask)
    assert label.source.model == run.name and label.source.score == pytest.approx(best)

    # ---- the model report judges the run's masks (segm AP) with its boxes beside them.
    report = rp.open_report()
    qtbot.waitUntil(lambda: report.result is not None, timeout=WAIT)
    assert report.result.task == "instance" and set(report.result.box_ap) == {"leaf"}
    assert report.view.table.horizontalHeaderItem(3).text() == "mask AP@0.5"
    report.close()
    w.training.shutdown()
    w.close()
    store.close()

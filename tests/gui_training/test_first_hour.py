"""The first hour in one window (issue 11): a new project of small generated
photos with two kinds of object, labelled with the mouse on the canvas;
a short CPU run of the smallest detector from the Train dialog; the
finished run pre-labels with one click on "Review with this model"; Y
accepts a prediction, which counts as found; File > Export > COCO writes
a new file name, which pycocotools reads."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from labeltool.core import ProjectStore
from tests.gui.conftest import Driver
from tests.gui.test_open_and_export import export
from tests.gui_training.projects import box_scene

pytestmark = pytest.mark.slow
WAIT = 240_000  # ms: a detector on two shared cores
LABELLED, UNLABELLED = 8, 4


@pytest.fixture
def new_project(tmp_path: Path) -> tuple[Path, dict]:
    """Image files only: nothing labelled, no store yet."""
    root = tmp_path / "photos"
    truth = {f"a{i:02d}.png": box_scene(root / f"a{i:02d}.png", i) for i in range(LABELLED)}
    for i in range(UNLABELLED):
        box_scene(root / f"b{i:02d}.png", 100 + i)
    return root, truth


def test_label_train_review_accept_export(qtbot, new_project, tmp_path):
    from pycocotools.coco import COCO

    from labeltool.gui.main_window import MainWindow

    root, truth = new_project
    store = ProjectStore.open(root)
    w = MainWindow(store)
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    w.resize(1366, 768)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.canvas.setFocus()
    drive = Driver(w, qtbot)

    # ---- label: W, drag each object, name it in the picker; Space: done, next image.
    assert w.current_image().path == "a00.png"
    drive.shortcut("W")
    for name in truth:
        assert w.current_image().path == name
        for label, (x1, y1, x2, y2) in truth[name]:
            drive.answer_dialog(lambda d, label=label: d.edit.setText(label))
            drive.drag((x1, y1), (x2, y2))
        drive.key(Qt.Key.Key_Space)
    assert w.current_image().path == "b00.png"
    stats = store.stats()
    assert stats["labelled_images"] == LABELLED and stats["shapes"] == 2 * LABELLED
    for name, objects in truth.items():
        drawn = sorted((s.label, s.bounds()) for s in store.shapes(store.image_by_path(root / name).id))
        assert [d[0] for d in drawn] == sorted(o[0] for o in objects)
        for (_, got), (_, want) in zip(drawn, sorted(objects)):
            assert got == pytest.approx(want, abs=1.5)

    # ---- train from the Train dialog: the smallest detector, on the CPU, a few steps.
    c = w.training
    drive.shortcut("Ctrl+T")
    qtbot.waitUntil(lambda: c.dialog is not None and c.dialog.isVisible(), timeout=10_000)
    dlg = c.dialog
    assert dlg.task == "detect"
    assert "8 with shapes" in dlg.task_combo.currentText()
    dlg.device_combo.setCurrentIndex(dlg.device_combo.findData("cpu"))
    assert dlg.model == "fasterrcnn_mobilenet_v3_large_320_fpn"  # the small one on a CPU
    if dlg.use_suggested.isVisible():  # too few validation objects of a class at 20 %
        qtbot.mouseClick(dlg.use_suggested, Qt.MouseButton.LeftButton)
    assert all(row.val_objects >= 1 for row in dlg.split.classes)  # both classes are validated
    dlg.pretrained.setChecked(False)  # offline: no weights to download
    dlg.epochs.setValue(5)
    qtbot.mouseClick(dlg.advanced_toggle, Qt.MouseButton.LeftButton)
    dlg.batch_size.setValue(2)
    dlg.img_size.setValue(128)
    dlg.max_steps.setValue(4)
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        qtbot.mouseClick(dlg.start_button, Qt.MouseButton.LeftButton)
    end = c.last_end
    assert end.reason == "finished", end.message
    panel = c.panel
    # Counters that agree with a run ended by its step limit, and no "nan" anywhere.
    assert panel.start_event.epochs == end.epochs_done < 5
    assert f"epoch {end.epochs_done}/{end.epochs_done}" in panel.progress.format()
    assert "nan" not in panel.stats.text().lower() and "nan" not in panel.log.toPlainText().lower()
    assert "finished" in panel.title.text()

    # ---- review with this model: the one click.
    review = w.review
    with qtbot.waitSignal(review.panel.predictionFinished, timeout=WAIT):
        qtbot.mouseClick(panel.review_button, Qt.MouseButton.LeftButton)
    run = Path(end.run_dir)
    assert Path(review.panel.run_combo.currentData()) == run
    shown = w.current_image()
    assert shown.path.startswith("b")  # an unlabelled image, with the new model's predictions
    predictions = store.shapes(shown.id, source="model")
    assert predictions and {p.source.model for p in predictions} == {run.name}
    assert review.session.active
    status = review.panel.status.text()
    assert "predictions, best score" in status
    best = max(p.source.score for p in predictions)
    if best < review.session.threshold:  # a few steps from scratch: unsure, and the panel says what to do
        assert "lower the Score slider" in status
    review.panel.slider.setValue(review.panel.slider.minimum())
    assert review.session.shown_count >= 1

    # ---- Y accepts the current prediction: a label now, and found.
    w.activateWindow()  # offscreen Qt does not give it back after the Train dialog
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    w.canvas.setFocus()
    accepted = review.session.current_id
    assert accepted is not None and review.actions["accept"].isEnabled()
    drive.key(Qt.Key.Key_Y)
    (label,) = store.shapes(shown.id, source="human")
    assert label.id == accepted and label.source.model == run.name
    assert review.session.comparison.verdict(accepted) == "tp"
    assert accepted not in review.session.comparison.missed and not review.session.overlay.missed
    assert "1 found" in review.panel.count_label.text()

    # ---- export COCO to a new file name, as File > Export does; pycocotools reads it.
    target = tmp_path / "exports" / "first hour" / "photos.json"
    text = export(w, drive, "coco", lambda d: d.destination.setText(str(target)))
    assert target.is_file() and "photos.json" in text
    coco = COCO(str(target))
    names = {img["file_name"] for img in coco.dataset["images"]}
    assert names == set(truth) | {shown.path}  # labelled images and the reviewed one; no never-opened image
    assert len(coco.getAnnIds()) == 2 * LABELLED + 1
    assert {c["name"] for c in coco.loadCats(coco.getCatIds())} == {"cup", "face"}
    (reviewed,) = [img["id"] for img in coco.dataset["images"] if img["file_name"] == shown.path]
    (ann,) = coco.loadAnns(coco.getAnnIds(imgIds=[reviewed]))
    x1, y1, x2, y2 = label.bounds()
    assert ann["bbox"] == pytest.approx([x1, y1, x2 - x1, y2 - y1], abs=0.01)

    c.shutdown()
    w.close()
    w.close_project()
    store.close()

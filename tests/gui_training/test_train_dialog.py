"""The Train dialog on a small project (issue 11 #2, #6): counts that agree
with ``labeltool stats``, the validation split per class with a share to
use, the default model by device, and settings kept per project."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from labeltool.core import ProjectStore
from tests.gui_training.projects import BOX_CLASSES, make_box_project

CPU = [("cpu", "CPU (2 cores)")]


@pytest.fixture
def small_project(tmp_path: Path) -> Path:
    """22 images marked done: 12 with a box of each class, 10 with nothing drawn."""
    root = tmp_path / "photos"
    make_box_project(root, labelled=12, empty=10, unlabelled=3)
    return root


@pytest.fixture
def dialog_over(qtbot, small_project):
    from labeltool.gui.training.dialog import TrainDialog

    store = ProjectStore.open(small_project)
    made = []

    def make(devices=CPU, **kwargs):
        dlg = TrainDialog(store.snapshot(), devices, **kwargs)
        qtbot.addWidget(dlg)
        made.append(dlg)
        return dlg

    yield make, store
    store.close()


def test_counts_agree_with_stats_and_say_what_is_marked_empty(dialog_over):
    make, store = dialog_over
    dlg = make()
    assert dlg.task == "detect"
    text = dlg.task_combo.itemText(dlg.task_combo.currentIndex())
    assert "12 with shapes, 10 marked empty" in text
    assert "22" not in text  # the negatives are not "labelled images"
    assert dlg.split.with_shapes == store.stats()["labelled_images"] == 12  # what `labeltool stats` prints


def test_small_split_validates_both_classes_and_suggests_a_share(qtbot, dialog_over):
    make, _ = dialog_over
    dlg = make()
    dlg.show()
    assert dlg.val_share.value() == 20
    per_class = {c.name: c for c in dlg.split.classes}
    assert set(per_class) == set(BOX_CLASSES)
    assert all(c.val_objects >= 1 and c.val_images >= 1 for c in per_class.values())
    assert dlg.split.val_images > dlg.split.val_empty  # not negatives alone
    for name in BOX_CLASSES:
        assert name in dlg.split_text.text()
    # Fewer than a few validation objects per class: a warning with a share to use.
    assert dlg.split_advice.isVisible() and "fewer than 3" in dlg.split_advice.text()
    assert dlg.use_suggested.isVisible()
    suggested = round(100 * dlg.split.suggested_fraction)
    assert suggested > 20 and f"{suggested} %" in dlg.use_suggested.text()
    qtbot.mouseClick(dlg.use_suggested, Qt.MouseButton.LeftButton)
    assert dlg.val_share.value() == suggested
    assert dlg.config().val_fraction == pytest.approx(suggested / 100)
    assert not dlg.split.short and not dlg.split_advice.isVisible()


def test_default_model_follows_the_device(dialog_over):
    make, _ = dialog_over
    dlg = make(devices=[("cuda:0", "A GPU (8 GiB)"), *CPU])
    dlg.device_combo.setCurrentIndex(dlg.device_combo.findData("cpu"))
    assert dlg.model == "fasterrcnn_mobilenet_v3_large_320_fpn"  # the small detector on a CPU
    dlg.device_combo.setCurrentIndex(dlg.device_combo.findData("cuda:0"))
    gpu_default = dlg.model
    assert gpu_default != "fasterrcnn_mobilenet_v3_large_320_fpn"
    # A model picked by hand stays when the device changes.
    other = next(dlg.model_combo.itemData(i) for i in range(dlg.model_combo.count())
                 if dlg.model_combo.itemData(i) not in (gpu_default, "fasterrcnn_mobilenet_v3_large_320_fpn"))
    dlg.model_combo.setCurrentIndex(dlg.model_combo.findData(other))
    dlg.device_combo.setCurrentIndex(dlg.device_combo.findData("cpu"))
    assert dlg.model == other


def test_settings_come_back_as_they_were_left(dialog_over):
    make, _ = dialog_over
    first = make()
    first.epochs.setValue(7)
    first.pretrained.setChecked(False)
    first.batch_size.setValue(3)
    first.img_size.setValue(128)
    first.val_share.setValue(35)
    first.max_steps.setValue(40)
    saved = first.settings()
    again = make(settings=saved)
    assert again.settings() == saved
    assert (again.epochs.value(), again.pretrained.isChecked(), again.batch_size.value(), again.val_share.value()) \
        == (7, False, 3, 35)
    # A model no longer in the catalogue: the default model, with its own batch size.
    stale = {**saved, "model": "a_model_of_an_older_version", "batch_size": 99}
    other = make(settings=stale)
    assert other.model == "fasterrcnn_mobilenet_v3_large_320_fpn" and other.batch_size.value() != 99
    assert other.epochs.value() == 7  # what is not the model's own still comes back


@pytest.mark.slow
def test_the_window_keeps_the_dialog_settings_in_the_project(qtbot, small_project):
    from labeltool.gui.main_window import MainWindow

    def window():
        store = ProjectStore.open(small_project)
        w = MainWindow(store)
        qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
        w.show()
        return w, store

    w, store = window()
    c = w.training
    dlg = c.open_dialog()
    dlg.device_combo.setCurrentIndex(dlg.device_combo.findData("cpu"))
    dlg.pretrained.setChecked(False)
    dlg.epochs.setValue(3)
    dlg.img_size.setValue(64)
    dlg.batch_size.setValue(2)
    dlg.max_steps.setValue(1)
    dlg.val_share.setValue(30)
    wanted = dlg.settings()
    with qtbot.waitSignal(c.runner.finished, timeout=120_000):
        dlg.start_button.click()
    assert c.last_config.max_steps == 1 and c.last_config.val_fraction == pytest.approx(0.3)
    c.shutdown()
    w.close()
    w.close_project()
    store.close()

    w2, store2 = window()  # the app started again on the same folder
    dlg2 = w2.training.open_dialog()
    assert dlg2.settings() == wanted
    dlg2.reject()
    w2.close()
    w2.close_project()
    store2.close()


def test_the_labels_choose_the_task_and_the_hint_says_why(qtbot, tmp_path):
    """Issue 13 #3, 16 #3: several polygons of a class per image suggest Mask
    R-CNN; text regions bring the text tasks into the list, the detector by
    default and the recogniser once most regions are typed; the hint says why."""
    from labeltool.core.shapes import Polygon, TextRegion
    from labeltool.gui.training.dialog import TrainDialog

    root = tmp_path / "p"
    make_box_project(root, labelled=0, empty=0, unlabelled=6)
    square = [(2, 2), (12, 2), (12, 12), (2, 12)]
    with ProjectStore.open(root) as store:
        ids = [i.id for i in store.images()]
        for i in ids[:4]:
            store.add_shape(i, Polygon(label="cell", points=square))
            store.add_shape(i, Polygon(label="cell", points=[(x + 20, y + 20) for x, y in square]))
        dlg = TrainDialog(store.snapshot(), CPU)
        qtbot.addWidget(dlg)
        tasks = [dlg.task_combo.itemData(k) for k in range(dlg.task_combo.count())]
        assert tasks == ["detect", "instance", "segment", "classify"]  # no text region: no text task
        assert dlg.task == "instance" and dlg.model.startswith("maskrcnn")
        assert "Mask R-CNN" in dlg.task_hint.text() and "4 of 4" in dlg.task_hint.text()
        dlg.task_combo.setCurrentIndex(tasks.index("segment"))
        assert dlg.task_hint.text() == "" and dlg.model.startswith("unet")

        for i in ids[4:]:
            for k in range(3):
                store.add_shape(i, TextRegion(label="text", points=[(2, 2 + 10 * k), (40, 2 + 10 * k),
                                                                    (40, 8 + 10 * k), (2, 8 + 10 * k)]))
        dlg = TrainDialog(store.snapshot(), CPU)
        qtbot.addWidget(dlg)
        tasks = [dlg.task_combo.itemData(k) for k in range(dlg.task_combo.count())]
        assert tasks[-2:] == ["textdet", "recognize"] and dlg.task == "instance"  # 4 images of polygons win
        dlg.task_combo.setCurrentIndex(tasks.index("textdet"))
        assert dlg.model.startswith("textdet") and dlg.task_hint.text() == ""
        for i in ids[:4]:
            for s in store.shapes(i):
                store.delete_shape(s.id)
        for i in ids[4:]:
            for s in store.shapes(i):
                store.update_shape(s.copy(id=s.id, transcription="total 12.50"))
        dlg = TrainDialog(store.snapshot(), CPU)
        qtbot.addWidget(dlg)
        assert dlg.task == "recognize" and dlg.model == "crnn_mobilenet_v3_small"
        assert "6 of 6 text regions have a transcription" in dlg.task_hint.text()
        assert dlg.config().task == "recognize" and not any(p.blocking for p in dlg.problems)
        dlg.model_combo.setCurrentIndex(dlg.model_combo.findData("crnn_lite"))
        assert not dlg.pretrained.isEnabled() and "no pretrained weights" in dlg.weights_note.text()
        dlg.model_combo.setCurrentIndex(dlg.model_combo.findData("crnn_resnet18"))
        assert dlg.pretrained.isEnabled() and "no pretrained weights" not in dlg.weights_note.text()

"""Open folder on the project already open, and File > Export as a first
hour uses them (issue 11, items 7 and 8): the open project stays open; an
export goes to a new folder or, for COCO, a file name; the finished message
names the files; images never labelled are left out unless asked for."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from labeltool.core import Box, ImageStatus


class ModalWatcher:
    """Notes (and closes) every modal dialog that opens while it runs, so
    that an unexpected question neither hangs the test nor goes unseen."""

    def __init__(self, answer=None):
        self.seen: list[str] = []
        self.answer = answer  # answer(dialog) -> True when it handled the dialog
        self.timer = QTimer(interval=20)
        self.timer.timeout.connect(self._look)
        self.timer.start()

    def _look(self) -> None:
        dlg = QApplication.activeModalWidget()
        if dlg is None or not dlg.isVisible():
            return
        try:
            if self.answer is not None and self.answer(dlg):
                return
            self.seen.append(f"{dlg.windowTitle()}: {getattr(dlg, 'text', lambda: '')()}")
        except Exception as e:  # noqa: BLE001 - a failed answer must not leave the dialog open (a hang)
            self.seen.append(f"{dlg.windowTitle()}: could not answer: {e!r}")
        dlg.reject()

    def stop(self) -> None:
        self.timer.stop()


def test_open_folder_on_the_open_project_keeps_it_open(main_window, drive, project_store, project_folder, qtbot):
    w = main_window
    w.go_to_image(project_store.images()[1].id)

    def choose_the_same_folder(dlg) -> bool:
        if not isinstance(dlg, QFileDialog):
            return False
        dlg.setDirectory(str(project_folder))  # in the folder, then Choose: as a person picks a folder
        dlg.accept()
        return True

    watcher = ModalWatcher(choose_the_same_folder)
    try:
        drive.shortcut("Ctrl+O")
        qtbot.wait(100)
    finally:
        watcher.stop()
    assert watcher.seen == []  # no "already open in another labeltool", no "open read-only?"
    assert w.store.root == project_store.root, w.store.root
    assert w.store is project_store and not project_store.closed
    assert w.current_image().id == project_store.images()[1].id
    assert "open already" in w.statusBar().currentMessage()


@pytest.fixture
def labelled(project_store):
    """img1 with two boxes, img2 marked done without shapes, img3 and 行人_01 never opened."""
    images = {i.path: i for i in project_store.images()}
    project_store.add_shape(images["img1.jpg"].id, Box(label="cup", x1=10, y1=10, x2=60, y2=50))
    project_store.add_shape(images["img1.jpg"].id, Box(label="face", x1=80, y1=20, x2=140, y2=90))
    project_store.set_status(images["img2.jpg"].id, ImageStatus.DONE)
    return project_store


def export(w, drive, fmt: str, fill) -> str:
    """Run File > Export > ``fmt`` with the options ``fill`` sets; returns the finished message."""
    finished: list[str] = []

    def answer(dlg) -> bool:
        if isinstance(dlg, QMessageBox):
            finished.append(dlg.text())
            dlg.accept()
            return True
        if dlg.__class__.__name__ == "ExportOptions":
            fill(dlg)
            dlg.accept()
            return True
        return False

    watcher = ModalWatcher(answer)
    try:
        w.io_menus.run_export(fmt)
        drive.qtbot.waitUntil(lambda: bool(finished) or bool(watcher.seen), timeout=10000)
    finally:
        watcher.stop()
    assert watcher.seen == []
    return finished[0]


def test_coco_export_to_a_new_file_name_names_it_and_pycocotools_reads_it(main_window, drive, labelled, tmp_path):
    from pycocotools.coco import COCO

    target = tmp_path / "exports" / "new" / "faces.json"  # neither folder exists yet
    text = export(main_window, drive, "coco", lambda d: d.destination.setText(str(target)))
    assert target.is_file()
    coco = COCO(str(target))
    files = sorted(img["file_name"] for img in coco.dataset["images"])
    assert files == ["img1.jpg", "img2.jpg"]  # labelled or done; the two never opened are left out
    assert len(coco.getAnnIds()) == 2
    assert sorted((target.parent / "images").iterdir()) == [target.parent / "images" / f for f in files]
    assert "faces.json" in text and "images" in text
    assert not list(target.parent.glob(".labeltool-export-*"))  # the folder it was written in is gone


def test_export_to_a_new_folder_lists_the_files_written(main_window, drive, labelled, tmp_path):
    out = tmp_path / "does" / "not" / "exist"
    text = export(main_window, drive, "coco", lambda d: d.destination.setText(str(out)))
    assert (out / "annotations" / "instances_default.json").is_file()
    assert "annotations/instances_default.json" in text
    assert "images/img1.jpg" in text and "images/img2.jpg" in text
    assert "img3.png" not in text


def test_never_labelled_images_are_exported_only_when_asked(main_window, drive, labelled, tmp_path):
    def ask_for_them(d):
        assert not d.unlabelled.isChecked()  # off unless asked
        assert "2" in d.unlabelled.text()  # says how many
        d.unlabelled.setChecked(True)
        d.destination.setText(str(tmp_path / "all"))

    export(main_window, drive, "coco", ask_for_them)
    data = json.loads((tmp_path / "all" / "annotations" / "instances_default.json").read_text("utf-8"))
    assert sorted(i["file_name"] for i in data["images"]) == ["img1.jpg", "img2.jpg", "img3.png", "行人_01.jpg"]


def test_the_export_options_show_no_split_whole_in_chinese(qtbot, zh_cn):
    """"不划分" (no split) was cut off: the spin box is as wide as its words."""
    from labeltool.gui.export_dialog import ExportOptions

    d = ExportOptions("coco", "COCO", Path("/tmp/x"), 3)
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    assert d.split.specialValueText() == "不划分"
    edit = d.split.lineEdit()
    assert edit.width() >= edit.fontMetrics().horizontalAdvance("不划分") + 4


def test_coco_to_a_file_name_with_a_split_writes_one_file_per_split(main_window, drive, labelled, tmp_path):
    target = tmp_path / "split" / "faces.json"

    def fill(d):
        d.destination.setText(str(target))
        d.split.setValue(0.5)

    text = export(main_window, drive, "coco", fill)
    written = sorted(p.name for p in target.parent.glob("*.json"))
    assert written == ["faces_train.json", "faces_val.json"]
    assert all(name in text for name in written)
    images = [img["file_name"] for name in written
              for img in json.loads((target.parent / name).read_text("utf-8"))["images"]]
    assert sorted(images) == ["img1.jpg", "img2.jpg"]

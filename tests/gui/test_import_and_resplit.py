"""File > Import without a format: the folder is read off the GUI thread,
what it holds (format, splits) is shown before anything comes in, and the
summary counts matched and copied images and losses by kind; File > Export
offers to split all images again when some have a stored split."""
from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from labeltool.core import Box, ImageStatus
from tests.conftest import write_image
from tests.gui.test_open_and_export import ModalWatcher, export


def _coco_dataset(root: Path, project_folder: Path) -> Path:
    """A COCO set in train/ and valid/ folders (Roboflow's layout): train
    holds a copy of the project's img1.jpg (matched, not copied) and a new
    image; valid one new image with a keypoint annotation (lost)."""
    def split(name: str, images: list[tuple[str, bytes | None]], keypoints: bool = False) -> None:
        folder = root / name
        folder.mkdir(parents=True)
        doc = {"images": [], "annotations": [], "categories": [{"id": 1, "name": "cup"}]}
        for k, (file, data) in enumerate(images, 1):
            if data is None:
                write_image(folder / file, 120, 90, (30 * k, 60, 90))
            else:
                (folder / file).write_bytes(data)
            from PIL import Image

            width, height = Image.open(folder / file).size
            doc["images"].append({"id": k, "file_name": file, "width": width, "height": height})
            ann = {"id": k, "image_id": k, "category_id": 1, "bbox": [5, 5, 20, 20], "area": 400, "iscrowd": 0,
                   "segmentation": [[5, 5, 25, 5, 25, 25, 5, 25], [40, 40, 60, 40, 50, 60]]}
            if keypoints:
                ann["keypoints"] = [10, 10, 2]
            doc["annotations"].append(ann)
        (folder / "_annotations.coco.json").write_text(json.dumps(doc), "utf-8")

    split("train", [("img1.jpg", (project_folder / "img1.jpg").read_bytes()), ("new_a.jpg", None)])
    split("valid", [("new_b.jpg", None)], keypoints=True)
    return root


def test_import_finds_the_format_shows_splits_then_counts_matches_copies_and_losses(main_window, drive,
                                                                                    project_store, project_folder,
                                                                                    tmp_path):
    w = main_window
    src = _coco_dataset(tmp_path / "roboflow", project_folder)
    seen: dict[str, str] = {}

    def answer(dlg) -> bool:
        if dlg.__class__.__name__ == "ImportPreview":
            seen["preview"] = dlg.text.text()
            dlg.accept()
            return True
        if isinstance(dlg, QMessageBox):
            seen["finished"] = dlg.text()
            seen["details"] = dlg.detailedText()
            dlg.accept()
            return True
        return False

    watcher = ModalWatcher(answer)
    try:
        w.io_menus.run_import(None, src)
        drive.qtbot.waitUntil(lambda: "finished" in seen or bool(watcher.seen), timeout=10000)
    finally:
        watcher.stop()
    assert watcher.seen == []
    assert "Format: COCO" in seen["preview"] and "train 2, valid 1" in seen["preview"]
    assert "keypoints 1" in seen["preview"]  # said before importing
    text = seen["finished"]
    assert "3 image(s) imported: 2 new to the project, 1 matched to images already in it, 2 copied in" in text, text
    assert "Splits kept: train 2, val 1" in text and "Lost: keypoints 1" in text
    assert "keypoints" in seen["details"]
    matched = project_store.image_by_path("img1.jpg")
    assert matched.split == "train"
    shapes = project_store.shapes(matched.id)
    assert len(shapes) == 2 and shapes[0].group == shapes[1].group is not None  # a two-part annotation: one group
    assert len(project_store.images()) == 6


def test_a_cancelled_preview_imports_nothing(main_window, drive, project_store, project_folder, tmp_path):
    src = _coco_dataset(tmp_path / "roboflow", project_folder)
    watcher = ModalWatcher(lambda dlg: dlg.__class__.__name__ == "ImportPreview" and (dlg.reject() or True))
    try:
        main_window.io_menus.run_import("coco", src)
    finally:
        watcher.stop()
    assert watcher.seen == []
    assert len(project_store.images()) == 4 and all(project_store.image(i.id).split is None
                                                    for i in project_store.images())


def test_a_folder_without_a_dataset_says_what_was_looked_for(main_window, drive, tmp_path):
    (tmp_path / "empty").mkdir()
    watcher = ModalWatcher()  # notes the error box and closes it
    try:
        main_window.io_menus.run_import(None, tmp_path / "empty")
        drive.qtbot.waitUntil(lambda: bool(watcher.seen), timeout=5000)
    finally:
        watcher.stop()
    assert "no dataset found" in watcher.seen[0] and "looked for" in watcher.seen[0]


def test_export_splits_all_again_only_when_asked(main_window, drive, project_store, tmp_path):
    images = project_store.images()
    for item in images:
        project_store.add_shape(item.id, Box(label="cup", x1=1, y1=1, x2=9, y2=9))
        project_store.set_status(item.id, ImageStatus.DONE)
    project_store.set_splits([i.id for i in images], "test")

    def kept(d):
        assert d.resplit.isVisible() and not d.resplit.isEnabled()  # no share yet: nothing to split by
        assert "4" in d.resplit.text()
        d.split.setValue(0.5)
        assert d.resplit.isEnabled() and not d.resplit.isChecked()
        d.destination.setText(str(tmp_path / "kept"))

    export(main_window, drive, "coco", kept)
    assert sorted(p.name for p in (tmp_path / "kept" / "annotations").iterdir()) == \
        ["instances_test.json", "instances_train.json", "instances_val.json"]
    assert len(json.loads((tmp_path / "kept" / "annotations" / "instances_test.json").read_text())["images"]) == 4

    def again(d):
        d.split.setValue(0.5)
        d.resplit.setChecked(True)
        d.destination.setText(str(tmp_path / "again"))

    export(main_window, drive, "coco", again)
    files = {p.name: len(json.loads(p.read_text())["images"]) for p in (tmp_path / "again" / "annotations").iterdir()}
    assert "instances_test.json" not in files and files.get("instances_train.json", 0) + \
        files.get("instances_val.json", 0) == 4

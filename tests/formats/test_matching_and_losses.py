"""Images found, not copied; splits kept and exported as stored; nothing
lost without a word; an import that finds nothing exits 1 and says what it
looked for."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from labeltool.app.cli import main
from labeltool.core import Box, ImageTag, Polygon, ProjectStore, TextRegion
from labeltool.formats.errors import FormatError
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image


def _labelme(folder: Path, image: str, boxes: list[tuple[float, float, float, float]], w: int = 64,
             h: int = 48) -> None:
    shapes = [{"label": "猫", "points": [[x1, y1], [x2, y2]], "group_id": None, "description": "",
               "shape_type": "rectangle", "flags": {}, "mask": None} for x1, y1, x2, y2 in boxes]
    doc = {"version": "5.5.0", "flags": {}, "shapes": shapes, "imagePath": image, "imageData": None,
           "imageHeight": h, "imageWidth": w}
    (folder / Path(image).with_suffix(".json").name).write_text(json.dumps(doc, ensure_ascii=False), "utf-8")


def test_labels_made_elsewhere_for_the_projects_photos_are_matched_not_copied(tmp_path):
    # `labeltool init photos/`, then labels made on copies of the same photos in another folder.
    photos = tmp_path / "photos"
    for name in ("a.jpg", "b.jpg"):
        write_image(photos / "day1" / name, 64, 48)
    elsewhere = tmp_path / "labelled"
    elsewhere.mkdir()
    shutil.copy2(photos / "day1" / "a.jpg", elsewhere / "a.jpg")  # the same bytes, another folder
    write_image(elsewhere / "b.jpg", 64, 48, (1, 2, 3))  # a different photo of the same name
    _labelme(elsewhere, "a.jpg", [(1, 1, 10, 10)])
    _labelme(elsewhere, "b.jpg", [(2, 2, 20, 20)])
    assert main(["init", str(photos)]) == 0
    with ProjectStore.open(photos) as store:
        report = import_into(store, None, elsewhere)
        assert (report.matched, len(report.copied), report.new_images) == (1, 1, 1)
        assert store.shapes(store.image_by_path("day1/a.jpg").id)[0].bounds() == (1, 1, 10, 10)
        # the other b.jpg is not day1/b.jpg: copied under the dataset's name, the project's kept apart
        assert report.copied == ["labelled/b.jpg"] and store.shapes(store.image_by_path("day1/b.jpg").id) == []
        assert store.image_count() == 3


def test_labels_without_their_images_link_to_the_project_by_path_and_name(tmp_path):
    # A CVAT export saved without images: only the annotation file.
    photos = tmp_path / "photos"
    write_image(photos / "street" / "a.jpg", 64, 48)
    write_image(photos / "b.jpg", 30, 20)
    labels = tmp_path / "export"
    labels.mkdir()
    _labelme(labels, "street/a.jpg", [(1, 1, 10, 10)])  # the project's path
    _labelme(labels, "b.jpg", [(2, 2, 9, 9)], w=30, h=20)
    doc = json.loads((labels / "a.json").read_text("utf-8"))
    doc["imagePath"] = "C:\\Users\\me\\Pictures\\a.jpg"  # another machine's path: the name is all there is
    (labels / "a.json").write_text(json.dumps(doc), "utf-8")
    with ProjectStore.open(photos) as store:
        report = import_into(store, "labelme", labels)
        assert report.matched == 2 and not report.copied and store.image_count() == 2
        assert [len(store.shapes(i.id)) for i in store.images()] == [1, 1]


def test_nothing_found_exits_1_naming_what_was_looked_for(tmp_path, capsys):
    src = tmp_path / "coco"
    (src / "annotations").mkdir(parents=True)
    doc = {"images": [{"id": 1, "file_name": "gone.jpg", "width": 10, "height": 10}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 2, 2]}],
           "categories": [{"id": 1, "name": "x"}]}
    (src / "annotations" / "instances_val.json").write_text(json.dumps(doc))
    assert main(["import", str(tmp_path / "p"), str(src)]) == 1
    err = capsys.readouterr().err
    assert "nothing to import (1 images in the dataset, none found)" in err and "looked for COCO JSON" in err
    with ProjectStore.open(tmp_path / "p", readonly=True) as store:
        assert store.class_names() == []  # the failed import left nothing behind
    (tmp_path / "empty").mkdir()
    assert main(["import", str(tmp_path / "p"), str(tmp_path / "empty")]) == 1
    assert "no dataset found; looked for COCO JSON" in capsys.readouterr().err


def test_losses_are_counted_by_kind_on_import_and_export(tmp_path, capsys):
    src = tmp_path / "lm"
    write_image(src / "a.jpg", 64, 48)
    doc = {"version": "5.5.0", "flags": {"晴天": True}, "imagePath": "a.jpg", "imageData": None,
           "imageHeight": 48, "imageWidth": 64,
           "shapes": [{"label": "灯", "points": [[1, 1]], "shape_type": "point"},
                      {"label": "路", "points": [[1, 1], [9, 9]], "shape_type": "line"},
                      {"label": "路", "points": [[1, 1], [9, 9], [3, 20]], "shape_type": "linestrip"},
                      {"label": "车", "points": [[1, 1], [9, 9]], "shape_type": "rectangle", "occluded": True}]}
    (src / "a.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    assert main(["import", str(tmp_path / "p"), str(src)]) == 0
    assert "lost: line shapes 2, point shapes 1" in capsys.readouterr().out
    assert main(["export", str(tmp_path / "p"), "-f", "yolo", str(tmp_path / "y")]) == 0
    out = capsys.readouterr().out
    assert "lost: flags 1, image tags 1" in out or "lost: image tags 1, flags 1" in out


def test_exports_write_the_stored_splits_unless_asked_to_split_again(tmp_path):
    root = tmp_path / "p"
    for k in range(6):
        write_image(root / f"im{k}.jpg", 20, 20)
    with ProjectStore.open(root) as store:
        items = store.images()
        for item, split in zip(items, ["train", "val", "test", None, None, None]):
            store.add_shape(item.id, Box(label="x", x1=1, y1=1, x2=5, y2=5))
            store.set_split(item.id, split)
        kept = export_from(store, "imagefolder", tmp_path / "kept")
        assert kept.lost["images without exactly one class"] == 6  # boxes, no class: ImageFolder has nothing to hold
        for item in items:
            store.add_shape(item.id, ImageTag(label="猫"))
        kept = export_from(store, "imagefolder", tmp_path / "kept2")
        assert kept.splits == {"train": 1, "val": 1, "test": 1, "no split": 3} and kept.lost["boxes"] == 6
        filled = export_from(store, "imagefolder", tmp_path / "filled", split=0.5, seed=1)
        assert filled.splits["test"] == 1 and filled.splits["train"] + filled.splits["val"] == 5
        again = export_from(store, "imagefolder", tmp_path / "again", split=0.5, seed=1, resplit=True)
        assert again.splits["test"] == 0 and again.splits["train"] + again.splits["val"] == 6
        with pytest.raises(FormatError, match="--split 0.8 --resplit"):
            export_from(store, "coco", tmp_path / "x", resplit=True)
    assert (tmp_path / "kept2" / "test" / "猫" / "im2.jpg").is_file()
    assert (tmp_path / "kept2" / "猫" / "im3.jpg").is_file()


def test_text_and_polygons_in_formats_that_lack_them_are_counted(tmp_path):
    root = tmp_path / "p"
    write_image(root / "a.jpg", 40, 30)
    with ProjectStore.open(root) as store:
        item = store.images()[0]
        store.add_shape(item.id, TextRegion(label="text", points=[(1, 1), (9, 1), (9, 5), (1, 5)],
                                            transcription="出口", truncated=True))
        store.add_shape(item.id, Polygon(label="门", points=[(10, 10), (20, 10), (15, 20)], attributes={"a": 1}))
        icdar = export_from(store, "icdar", tmp_path / "i")
        voc = export_from(store, "voc", tmp_path / "v")
    assert icdar.lost == {"polygons": 1, "flags": 1}
    assert voc.lost == {"text regions (as boxes)": 1, "polygons (as masks)": 1}

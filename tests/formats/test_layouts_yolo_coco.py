"""YOLO and COCO datasets laid out as Ultralytics, Roboflow, darknet, CVAT
and COCO itself write them (files written here as those tools write them),
found by ``detect`` without ``--format``, with their splits."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from labeltool.app.cli import main
from labeltool.core import Box, ProjectStore
from labeltool.formats.detect import detect
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image


def img2label_paths(img_paths: list[str]) -> list[str]:
    """Ultralytics' rule, as ultralytics/data/utils.py spells it."""
    sa, sb = f"{os.sep}images{os.sep}", f"{os.sep}labels{os.sep}"
    return [sb.join(x.rsplit(sa, 1)).rsplit(".", 1)[0] + ".txt" for x in img_paths]


def test_yolo_export_puts_labels_where_ultralytics_looks_with_images_and_labels_folders(tmp_path):
    # Paths with folders named images and labels (our own YOLO import made such
    # paths): the export wrote labels/<split>/images/x.txt, where Ultralytics
    # does not look, and the reader skipped images under a labels folder.
    root = tmp_path / "p"
    write_image(root / "images" / "x" / "a.jpg", 40, 30)
    write_image(root / "labels" / "b.jpg", 40, 30)
    write_image(root / "deep" / "images" / "labels" / "c.png", 40, 30, fmt="PNG")
    with ProjectStore.open(root) as store:
        for k, item in enumerate(store.images()):
            store.add_shape(item.id, Box(label="猫", x1=2 + k, y1=3, x2=20, y2=25))
            store.set_split(item.id, ["train", "val", "test"][k])
        want = {i.path: (i.split, 1) for i in store.images()}
        export_from(store, "yolo", tmp_path / "y")
    images = sorted(str(p) for p in (tmp_path / "y" / "images").rglob("*") if p.suffix in (".jpg", ".png"))
    assert len(images) == 3
    for label in img2label_paths(images):
        assert Path(label).read_text().startswith("0 "), label
    (tmp_path / "back").mkdir()
    with ProjectStore.open(tmp_path / "back") as back:
        report = import_into(back, None, tmp_path / "y")
        got = {i.path: (i.split, len(back.shapes(i.id))) for i in back.images()}
    assert report.shapes == 3
    assert got == want and set(want) == {"images/x/a.jpg", "labels/b.jpg", "deep/images/labels/c.png"}


ROBOFLOW_YAML = """train: ../train/images
val: ../valid/images
test: ../test/images

nc: 2
names: ['helmet', 'head']

roboflow:
  workspace: someone
  project: hard-hats
  version: 3
  license: CC BY 4.0
  url: https://universe.roboflow.com/someone/hard-hats/dataset/3
"""


def test_roboflow_yolov8_export_is_found_with_its_three_splits(tmp_path):
    src = tmp_path / "Hard-Hats-3"
    for split, names in (("train", ["a_jpg.rf.1", "b_jpg.rf.2"]), ("valid", ["c_jpg.rf.3"]), ("test", ["d_jpg.rf.4"])):
        for name in names:
            write_image(src / split / "images" / f"{name}.jpg", 64, 48)
            (src / split / "labels").mkdir(parents=True, exist_ok=True)
            (src / split / "labels" / f"{name}.txt").write_text("1 0.5 0.5 0.25 0.5\n0 0.1 0.1 0.1 0.1\n")
    (src / "data.yaml").write_text(ROBOFLOW_YAML)
    (src / "README.roboflow.txt").write_text("Hard Hats - v3\n")
    found = detect(src)
    assert found.format == "yolo" and found.splits == {"train": 2, "valid": 1, "test": 1}
    assert found.summary.startswith("YOLO, 4 annotation files: train 2 images, valid 1, test 1")
    assert found.dataset.classes == ["helmet", "head"]
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p") as store:
        report = import_into(store, None, src, detected=found)
        assert report.shapes == 8 and report.splits == {"train": 2, "val": 1, "test": 1}
        assert {i.path: i.split for i in store.images()} == {"a_jpg.rf.1.jpg": "train", "b_jpg.rf.2.jpg": "train",
                                                             "c_jpg.rf.3.jpg": "val", "d_jpg.rf.4.jpg": "test"}


def test_darknet_images_and_annotations_folders(tmp_path):
    # The darknet layout the issue names: Images/ with the label files in
    # Annotations/ beside it (found nothing, said nothing).
    src = tmp_path / "darknet"
    write_image(src / "Images" / "0001.jpg", 100, 50)
    (src / "Annotations").mkdir()
    (src / "Annotations" / "0001.txt").write_text("0 0.5 0.5 0.2 0.4\n")
    (src / "classes.txt").write_text("球\n")
    found = detect(src)
    assert found.format == "yolo"
    (record,) = found.dataset.records
    assert record.path == "0001.jpg" and record.shapes[0].bounds() == pytest.approx((40, 15, 60, 35))
    assert record.shapes[0].label == "球"


def test_cvat_yolo_1_1_export_and_its_labels_without_images(tmp_path):
    # CVAT "YOLO 1.1": obj.data, obj.names, train.txt listing data/obj_train_data/..., labels beside images.
    src = tmp_path / "cvat_yolo"
    write_image(src / "obj_train_data" / "frame_000000.jpg", 40, 40)
    (src / "obj_train_data" / "frame_000000.txt").write_text("1 0.500000 0.500000 0.250000 0.250000\n")
    (src / "obj_train_data" / "frame_000001.txt").write_text("0 0.5 0.5 0.5 0.5\n")  # its image was not saved
    (src / "obj.names").write_text("car\nperson\n")
    (src / "obj.data").write_text("classes = 2\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n")
    (src / "train.txt").write_text("data/obj_train_data/frame_000000.jpg\ndata/obj_train_data/frame_000001.jpg\n")
    found = detect(src)
    assert found.format == "yolo" and found.splits == {"train": 1}
    (record,) = found.dataset.records
    assert (record.path, record.shapes[0].label) == ("frame_000000.jpg", "person")
    assert found.dataset.lost["label files without an image"] == 1


ROBOFLOW_COCO = {
    "info": {"year": "2024", "version": "3", "description": "Exported from roboflow.com", "contributor": "",
             "url": "https://public.roboflow.com/object-detection/undefined", "date_created": "2024-01-01T00:00:00+00:00"},
    "licenses": [{"id": 1, "url": "https://creativecommons.org/licenses/by/4.0/", "name": "CC BY 4.0"}],
    "categories": [{"id": 0, "name": "Workers", "supercategory": "none"},
                   {"id": 1, "name": "head", "supercategory": "Workers"},
                   {"id": 2, "name": "helmet", "supercategory": "Workers"}],
}


def _roboflow_split(folder: Path, names: list[str]) -> None:
    images, anns = [], []
    for i, name in enumerate(names):
        write_image(folder / name, 64, 48)
        images.append({"id": i, "license": 1, "file_name": name, "height": 48, "width": 64,
                       "date_captured": "2024-01-01T00:00:00+00:00"})
        anns.append({"id": i, "image_id": i, "category_id": 2, "bbox": [4, 5, 20, 10], "area": 200,
                     "segmentation": [], "iscrowd": 0})
    (folder / "_annotations.coco.json").write_text(json.dumps({**ROBOFLOW_COCO, "images": images,
                                                               "annotations": anns}))


def test_roboflow_coco_export_with_train_valid_test(tmp_path, capsys):
    src = tmp_path / "hard-hats.v3i.coco"
    _roboflow_split(src / "train", ["a_jpg.rf.aa.jpg", "b_jpg.rf.bb.jpg"])
    _roboflow_split(src / "valid", ["c_jpg.rf.cc.jpg"])
    _roboflow_split(src / "test", ["d_jpg.rf.dd.jpg"])
    assert main(["import", str(tmp_path / "p"), str(src)]) == 0
    out = capsys.readouterr().out
    assert "found: COCO, 3 annotation files: train 2 images, valid 1, test 1" in out
    assert "lost: nothing" in out
    with ProjectStore.open(tmp_path / "p", readonly=True) as store:
        # Roboflow's workspace category (id 0, on no annotation) is not a class
        assert store.class_names() == ["head", "helmet"]
        assert sorted((i.split, len(store.shapes(i.id))) for i in store.images()) == \
            [("test", 1), ("train", 1), ("train", 1), ("val", 1)]


def test_coco_file_of_any_name_finds_its_images_and_counts_keypoints(tmp_path, capsys):
    # person_keypoints_val2017.json with the images in images/val2017/: the
    # reader wanted instances_* and found 0 images, exit code 0.
    src = tmp_path / "coco"
    write_image(src / "images" / "val2017" / "000000000785.jpg", 64, 48)
    doc = {"info": {"description": "COCO 2017 Dataset"}, "licenses": [],
           "images": [{"license": 4, "file_name": "000000000785.jpg", "coco_url": "", "height": 48, "width": 64,
                       "date_captured": "2013-11-19 21:22:42", "flickr_url": "", "id": 785}],
           "annotations": [{"segmentation": [[10, 10, 30, 10, 30, 40, 10, 40]], "num_keypoints": 2, "area": 600,
                            "iscrowd": 0, "keypoints": [20, 15, 2, 22, 15, 1] + [0, 0, 0] * 15, "image_id": 785,
                            "bbox": [10, 10, 20, 30], "category_id": 1, "id": 442619}],
           "categories": [{"supercategory": "person", "id": 1, "name": "person", "keypoints": ["nose", "left_eye"],
                           "skeleton": [[1, 2]]}]}
    (src / "annotations").mkdir(parents=True)
    (src / "annotations" / "person_keypoints_val2017.json").write_text(json.dumps(doc))
    assert main(["import", str(tmp_path / "p"), str(src)]) == 0
    out = capsys.readouterr().out
    assert "val 1 images" in out and "lost: keypoints 1" in out
    with ProjectStore.open(tmp_path / "p", readonly=True) as store:
        (item,) = store.images()
        assert (item.path, item.split) == ("000000000785.jpg", "val")
        assert store.shapes(item.id)[0].bounds() == (10, 10, 30, 40)  # its outline came in


def test_cvat_coco_export_reads_occluded_and_keeps_other_attributes(tmp_path):
    # CVAT's "COCO 1.0": annotations/instances_default.json, images/ when saved,
    # every annotation with attributes {occluded, rotation, ...}.
    src = tmp_path / "task_1-coco"
    write_image(src / "images" / "frame_000000.jpg", 64, 48)
    doc = {"licenses": [{"name": "", "id": 0, "url": ""}],
           "info": {"contributor": "", "date_created": "", "description": "", "url": "", "version": "", "year": ""},
           "categories": [{"id": 1, "name": "car", "supercategory": ""}],
           "images": [{"id": 1, "width": 64, "height": 48, "file_name": "frame_000000.jpg", "license": 0,
                       "flickr_url": "", "coco_url": "", "date_captured": 0}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "segmentation": [], "area": 120.0,
                            "bbox": [3.5, 4.0, 12.0, 10.0], "iscrowd": 0,
                            "attributes": {"occluded": True, "rotation": 0.0, "colour": "red"}}]}
    (src / "annotations").mkdir(parents=True)
    (src / "annotations" / "instances_default.json").write_text(json.dumps(doc))
    found = detect(src)
    (shape,) = found.dataset.records[0].shapes
    assert shape.occluded and not shape.difficult
    assert shape.attributes == {"rotation": 0.0, "colour": "red"}
    assert found.splits == {}  # "default" names no split


def test_one_dataset_imported_by_its_root_then_by_its_file_adds_nothing(tmp_path, capsys):
    src = tmp_path / "ds"
    _roboflow_split(src / "train", ["a.jpg", "b.jpg"])
    assert main(["import", str(tmp_path / "p"), str(src)]) == 0
    capsys.readouterr()
    assert main(["import", str(tmp_path / "p"), str(src / "train" / "_annotations.coco.json")]) == 0
    out = capsys.readouterr().out
    assert "0 new to the project; 2 matched" in out and "shapes: 0 added, 2 already there" in out
    with ProjectStore.open(tmp_path / "p", readonly=True) as store:
        assert store.image_count() == 2 and store.stats()["shapes"] == 2


def test_coco_split_export_writes_one_file_per_split_and_reads_them_back(tmp_path):
    root = tmp_path / "p"
    for name in ("a.jpg", "b.jpg", "c.jpg"):
        write_image(root / name, 32, 32)
    with ProjectStore.open(root) as store:
        for item, split in zip(store.images(), ["train", "val", None]):
            store.add_shape(item.id, Box(label="x", x1=1, y1=1, x2=9, y2=9))
            store.set_split(item.id, split)
        export_from(store, "coco", tmp_path / "out")
    files = sorted(p.name for p in (tmp_path / "out" / "annotations").iterdir())
    assert files == ["instances_default.json", "instances_train.json", "instances_val.json"]
    found = detect(tmp_path / "out")
    assert {r.path: r.split for r in found.dataset.records} == {"a.jpg": "train", "b.jpg": "val", "c.jpg": None}

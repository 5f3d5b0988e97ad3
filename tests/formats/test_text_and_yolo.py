"""YOLO against Ultralytics' layout conventions; PPOCRLabel's Label.txt,
rec_gt.txt and crops; ICDAR 2015 gt files."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from labeltool.core import ProjectStore, TextRegion
from labeltool.formats import icdar, ppocr, yolo
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image


def test_yolo_layout_follows_ultralytics(project, tmp_path):
    export_from(project, "yolo", tmp_path / "y", split=0.5, seed=1)
    root = tmp_path / "y"
    images = sorted(p for p in (root / "images").rglob("*") if p.is_file())
    assert images
    for image in images:
        # Ultralytics img2label_paths: /images/ -> /labels/, extension -> .txt
        assert yolo.label_path(image).is_file()
        assert yolo.label_path(image) == Path(str(image).replace("/images/", "/labels/")).with_suffix(".txt")
    yaml = (root / "data.yaml").read_text("utf-8")
    assert "train: images/train" in yaml and "val: images/val" in yaml
    assert yolo.parse_names(yaml) == project.class_names()
    assert (root / "classes.txt").read_text("utf-8").split() == project.class_names()
    for label in (root / "labels").rglob("*.txt"):
        for line in label.read_text().splitlines():
            cls, *vals = line.split()
            assert 0 <= int(cls) < len(project.class_names())
            assert all(0.0 <= float(v) <= 1.0 for v in vals) and len(vals) in (4,) or len(vals) % 2 == 0


@pytest.mark.parametrize("text, names", [
    ("names: ['person', 'bicycle', \"a, b\"]\n", ["person", "bicycle", "a, b"]),
    ("path: ../datasets/coco8\ntrain: images/train\nnames:\n  0: person\n  1: 自行车\n  2: 'car'\n",
     ["person", "自行车", "car"]),
    ("names:\n- 猫\n- dog # a comment\n\nnc: 2\n", ["猫", "dog"]),  # YAML drops the comment, as Ultralytics reads it
    ("names: {0: a, 2: c}\n", ["a", "1", "c"]),
    ("nc: 3\n", None),
])
def test_data_yaml_parser_reads_the_forms_ultralytics_files_use(text, names):
    assert yolo.parse_names(text) == names


def test_yolo_import_of_an_ultralytics_dataset_with_negatives_and_darknet_layout(tmp_path):
    src = tmp_path / "coco8"
    write_image(src / "images" / "train" / "a.jpg", 100, 50)
    write_image(src / "images" / "val" / "空.jpg", 100, 50)  # no label file: a negative image
    write_image(src / "flat" / "d.jpg", 10, 10)
    (src / "labels" / "train").mkdir(parents=True)
    (src / "labels" / "train" / "a.txt").write_text("0 0.5 0.5 0.2 0.4\n1 0.1 0.1 0.5 0.1 0.5 0.5\n7 1 2\n")
    (src / "flat" / "d.txt").write_text("1 0.5 0.5 1 1\n")  # darknet: label beside the image
    (src / "data.yaml").write_text("names:\n  0: 人\n  1: 车\n", "utf-8")
    project = tmp_path / "p"
    project.mkdir()
    with ProjectStore.open(project) as store:
        report = import_into(store, "yolo", src)
        assert report.images == 3 and report.shapes == 3
        assert store.class_names() == ["人", "车"]  # the bad line's class 7 named nothing
        assert any("line 3" in s for s in report.skipped)
        # Copied in under their names without the layout's images/<split>/ (the
        # project had no images); the splits kept per image.
        a = store.shapes(store.image_by_path("a.jpg").id)
        assert a[0].label == "人" and a[0].bounds() == pytest.approx((40, 15, 60, 35))
        assert a[1].kind == "polygon" and np.allclose(a[1].points, [(10, 5), (50, 5), (50, 25)])
        assert store.shapes(store.image_by_path("空.jpg").id) == []
        assert store.shapes(store.image_by_path("flat/d.jpg").id)[0].bounds() == (0, 0, 10, 10)
        assert {i.path: i.split for i in store.images()} == {"a.jpg": "train", "空.jpg": "val", "flat/d.jpg": None}


def test_ppocr_label_rec_gt_and_crops(project, tmp_path):
    out = tmp_path / "ocr"
    export_from(project, "ppocr", out)
    lines = (out / "Label.txt").read_text("utf-8").splitlines()
    assert len(lines) == 3
    path, labels = lines[-1].split("\t")
    assert path == "ocr/街景_02.jpg"  # <folder name>/<file>, as PPOCRLabel writes it
    items = json.loads(labels)
    assert items == [{"transcription": "中文, 字", "points": [[50.0, 5.0], [75.0, 5.0], [75.0, 15.0], [50.0, 15.0]],
                      "difficult": False}]
    rec = (out / "rec_gt.txt").read_text("utf-8").splitlines()
    assert rec == ["crop_img/街景_02_crop_1.jpg\t中文, 字"]
    crop = Image.open(out / "crop_img" / "街景_02_crop_1.jpg")
    assert crop.size == (25, 10)
    # the crop is the image region under the quad
    src = np.asarray(Image.open(out / "街景_02.jpg").convert("RGB"), dtype=float)[5:15, 50:75]
    assert np.abs(np.asarray(crop.convert("RGB"), dtype=float) - src).mean() < 25
    assert (out / "fileState.txt").read_text("utf-8").count("\t1") == 3


def test_ppocr_rotated_and_vertical_crops(tmp_path):
    img = np.zeros((100, 100, 3), dtype=np.uint8)
    img[20:80, 45:55] = 255  # a tall white bar
    crop = ppocr.rotate_crop(img, [(45, 20), (55, 20), (55, 80), (45, 80)])
    assert crop.shape[:2] == (10, 60)  # a vertical word is turned to lie flat
    assert ppocr.rotate_crop(img, [(5, 5), (5, 5), (5, 5), (5, 5)]) is None


def test_ppocr_import_difficult_key_cls_and_polygons(tmp_path):
    folder = tmp_path / "imgs"
    write_image(folder / "票据.jpg", 60, 40)
    label = [{"transcription": "金额", "points": [[1, 1], [20, 1], [20, 9], [1, 9]], "difficult": False,
              "key_cls": "amount"},
             {"transcription": "###", "points": [[1, 20], [9, 20], [9, 30], [1, 30]], "difficult": True},
             {"transcription": "弯", "points": [[30, 1], [40, 2], [50, 5], [45, 20], [30, 15]], "difficult": False}]
    (folder / "Label.txt").write_text(f"imgs/票据.jpg\t{json.dumps(label, ensure_ascii=False)}\nbroken line\n",
                                      "utf-8")
    ds = ppocr.read(folder / "Label.txt")
    (record,) = ds.records
    a, b, c = record.shapes
    assert (a.label, a.transcription) == ("amount", "金额")
    assert b.difficult and b.label == "text"
    assert c.kind == "polygon" and c.attributes == {"transcription": "弯"}
    assert len(ds.skipped) == 1 and "line 2" in ds.skipped[0]


def test_icdar_dont_care_bom_and_commas(tmp_path):
    src = tmp_path / "icdar"
    write_image(src / "ch4_training_images" / "img_1.jpg", 100, 60)
    gt = src / "ch4_training_localization_transcription_gt" / "gt_img_1.txt"
    gt.parent.mkdir()
    gt.write_bytes("\ufeff377,117,463,117,465,130,378,130,Genaxis Theatre\n"
                   "493,115,519,115,519,131,493,131,[06]\n"
                   "374,155,409,155,409,170,374,170,###\n"
                   "1,2,3,4,5,6,7,8,1,000,000\n".encode("utf-8"))
    ds = icdar.read(src)
    shapes = ds.records[0].shapes
    assert [s.transcription for s in shapes] == ["Genaxis Theatre", "[06]", "", "1,000,000"]
    assert [s.difficult for s in shapes] == [False, False, True, False]
    assert shapes[0].points[0] == (377, 117)
    (record,) = ds.records
    assert (record.path, record.split) == ("img_1.jpg", "train")  # the layout's folder names the split
    result = icdar.write(ds.records, tmp_path / "out", ds.classes)
    assert result.shapes == 4
    # The split as a folder, the name as it was (it became ch4_training_images__img_1 before).
    written = (tmp_path / "out" / "gt" / "train" / "gt_img_1.txt").read_text("utf-8").splitlines()
    assert (tmp_path / "out" / "images" / "train" / "img_1.jpg").is_file()
    assert written[0] == "377,117,463,117,465,130,378,130,Genaxis Theatre"
    assert written[2].endswith(",###")


def test_text_regions_keep_their_order_and_points(project):
    item = project.image_by_path("街景_02.jpg")
    (text,) = [s for s in project.shapes(item.id) if isinstance(s, TextRegion)]
    assert text.points[0] == (50, 5)

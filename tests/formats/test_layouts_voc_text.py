"""VOC as CVAT/datumaro and the VOC devkit write it, ICDAR 2015's own
layout, X-AnyLabeling's labelme files and PPOCRLabel's split script: the
files written here as those tools write them."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from labeltool.core import Box, ProjectStore
from labeltool.formats import voc
from labeltool.formats.detect import detect
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image

# An object as datumaro's VocConverter writes it for CVAT's "PASCAL VOC 1.1"
# export: floats, <occluded>, <part>, <actions>, <attributes>.
CVAT_XML = """<annotation>
  <folder></folder>
  <filename>frame_000000.jpg</filename>
  <source>
    <database>Unknown</database>
    <annotation>Unknown</annotation>
    <image>Unknown</image>
  </source>
  <size>
    <width>40</width>
    <height>30</height>
    <depth></depth>
  </size>
  <segmented>1</segmented>
  <object>
    <name>person</name>
    <truncated>0</truncated>
    <occluded>1</occluded>
    <difficult>0</difficult>
    <bndbox>
      <xmin>4.0</xmin>
      <ymin>5.0</ymin>
      <xmax>20.0</xmax>
      <ymax>25.0</ymax>
    </bndbox>
    <part>
      <name>head</name>
      <bndbox>
        <xmin>8</xmin>
        <ymin>5</ymin>
        <xmax>14</xmax>
        <ymax>10</ymax>
      </bndbox>
    </part>
    <actions>
      <jumping>1</jumping>
      <running>0</running>
    </actions>
    <attributes>
      <attribute>
        <name>rotation</name>
        <value>0.0</value>
      </attribute>
      <attribute>
        <name>helmet</name>
        <value>yes</value>
      </attribute>
    </attributes>
  </object>
</annotation>
"""


def _cvat_voc(root: Path) -> None:
    write_image(root / "JPEGImages" / "frame_000000.jpg", 40, 30)
    (root / "Annotations").mkdir(parents=True)
    (root / "Annotations" / "frame_000000.xml").write_text(CVAT_XML, "utf-8")
    (root / "ImageSets" / "Main").mkdir(parents=True)
    (root / "ImageSets" / "Main" / "default.txt").write_text("frame_000000\n")
    # datumaro: labelmap.txt, colour class and instance masks as RGB PNGs
    (root / "labelmap.txt").write_text("# label:color_rgb:parts:actions\nbackground:0,0,0::\n"
                                       "person:192,128,128:head,hand,foot:jumping,running\n")
    cls = np.zeros((30, 40, 3), dtype=np.uint8)
    cls[6:20, 5:18] = (192, 128, 128)
    cls[5, 4:20] = (224, 224, 192)  # void around the object
    inst = np.zeros((30, 40, 3), dtype=np.uint8)
    inst[6:20, 5:18] = voc.colormap()[1]
    for folder, a in (("SegmentationClass", cls), ("SegmentationObject", inst)):
        (root / folder).mkdir()
        Image.fromarray(a, "RGB").save(root / folder / "frame_000000.png")


def test_cvat_voc_export_with_rgb_masks_labelmap_occluded_parts_and_attributes(tmp_path):
    # RGB masks were refused, labelmap.txt ignored, <occluded> and <part> dropped.
    src = tmp_path / "task_voc"
    _cvat_voc(src)
    found = detect(src)
    assert found.format == "voc" and found.splits == {}
    (record,) = found.dataset.records
    (shape,) = record.shapes
    assert shape.kind == "mask" and shape.label == "person" and shape.area == 14 * 13
    assert shape.occluded and not shape.truncated
    assert shape.attributes == {"parts": [{"name": "head", "bndbox": [8, 5, 14, 10]}],
                                "actions": {"jumping": True, "running": False}, "rotation": "0.0",
                                "helmet": "yes"}
    # ...and written back: the flag, the part, the actions and the attributes
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p") as store:
        import_into(store, None, src, detected=found)
        report = export_from(store, "voc", tmp_path / "again")
    assert report.lost == {}
    xml = (tmp_path / "again" / "Annotations" / "frame_000000.xml").read_text("utf-8")
    for piece in ("<occluded>1</occluded>", "<part>", "<name>head</name>", "<jumping>1</jumping>",
                  "<name>helmet</name>", "<value>yes</value>"):
        assert piece in xml, piece
    again = voc.read(tmp_path / "again").records[0].shapes[0]
    assert again.attributes == shape.attributes and again.occluded
    assert "person:128,0,0::" in (tmp_path / "again" / "labelmap.txt").read_text()


def test_segmentation_only_voc_set_is_imported_as_masks(tmp_path):
    # VOC2012's segmentation images: JPEGImages + SegmentationClass palette PNGs, no XML for them.
    src = tmp_path / "VOC2012"
    write_image(src / "JPEGImages" / "2007_000032.jpg", 20, 10)
    a = np.zeros((10, 20), dtype=np.uint8)
    a[2:6, 2:8] = 15  # person
    a[6:9, 10:19] = 1  # aeroplane
    a[1, :] = 255
    img = Image.fromarray(a, "P")
    img.putpalette(voc.colormap().flatten().tolist())
    (src / "SegmentationClass").mkdir(parents=True)
    img.save(src / "SegmentationClass" / "2007_000032.png")
    (src / "ImageSets" / "Segmentation").mkdir(parents=True)
    (src / "ImageSets" / "Segmentation" / "val.txt").write_text("2007_000032\n")
    found = detect(src)
    (record,) = found.dataset.records
    assert record.split == "val"
    assert sorted((s.label, s.area) for s in record.shapes) == [("aeroplane", 27), ("person", 24)]


def test_init_on_a_voc_folder_lists_only_its_photos(tmp_path, capsys):
    from labeltool.app.cli import main

    src = tmp_path / "task_voc"
    _cvat_voc(src)
    assert main(["init", str(src)]) == 0
    with ProjectStore.open(src, readonly=True) as store:
        assert [i.path for i in store.images()] == ["JPEGImages/frame_000000.jpg"]
    # importing the set into its own project links the photo in place
    assert main(["import", str(src), str(src)]) == 0
    assert "1 in place" in capsys.readouterr().out


def _icdar_2015(root: Path) -> None:
    """ICDAR 2015 Challenge 4 as downloaded: the same image names in train and test."""
    write_image(root / "ch4_training_images" / "img_1.jpg", 100, 60, (10, 20, 30))
    write_image(root / "ch4_test_images" / "img_1.jpg", 100, 60, (200, 100, 50))
    (root / "ch4_training_localization_transcription_gt").mkdir()
    (root / "ch4_training_localization_transcription_gt" / "gt_img_1.txt").write_bytes(
        "\ufeff377,117,463,117,465,130,378,130,Genaxis Theatre\n".encode())
    (root / "Challenge4_Test_Task1_GT").mkdir()
    (root / "Challenge4_Test_Task1_GT" / "gt_img_1.txt").write_bytes(
        "\ufeff10,10,50,10,50,30,10,30,###\n20,35,60,35,60,50,20,50,EXIT\n".encode())


def test_icdar_2015_train_and_test_images_of_one_name_stay_apart(tmp_path):
    # By bare file name both gt files went to one image, which held both images' regions.
    src = tmp_path / "icdar2015"
    _icdar_2015(src)
    found = detect(src)
    assert found.format == "icdar" and found.splits == {"training": 1, "test": 1}
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p") as store:
        report = import_into(store, None, src, detected=found)
        got = {i.path: (i.split, [s.transcription for s in store.shapes(i.id)]) for i in store.images()}
        pixels = {i.path: np.asarray(Image.open(store.abspath(i)))[30, 30, 0] for i in store.images()}
    assert report.images == 2 and report.shapes == 3
    assert got == {"train/img_1.jpg": ("train", ["Genaxis Theatre"]), "test/img_1.jpg": ("test", ["", "EXIT"])}
    assert pixels["train/img_1.jpg"] < 80 < pixels["test/img_1.jpg"]  # each its own photo


def test_x_anylabeling_rectangles_of_four_points_and_its_keys(tmp_path):
    # X-AnyLabeling writes a rectangle as its four corners (skipped before),
    # and keys labelme lacks: difficult, attributes, kie_linking, score.
    src = tmp_path / "xany"
    write_image(src / "a.jpg", 64, 48)
    shape = {"label": "car", "score": None, "points": [[5.0, 6.0], [30.0, 6.0], [30.0, 20.0], [5.0, 20.0]],
             "group_id": None, "description": "", "difficult": True, "shape_type": "rectangle", "flags": {},
             "attributes": {}, "kie_linking": []}
    turned = {**shape, "label": "bus", "points": [[10, 10], [20, 12], [18, 22], [8, 20]], "difficult": False,
              "shape_type": "rotation", "direction": 0.2}
    doc = {"version": "2.4.1", "flags": {}, "shapes": [shape, turned], "imagePath": "a.jpg", "imageData": None,
           "imageHeight": 48, "imageWidth": 64, "description": ""}
    (src / "a.json").write_text(json.dumps(doc))
    found = detect(src)
    assert found.format == "labelme"
    box, poly = found.dataset.records[0].shapes
    assert box.kind == "box" and box.bounds() == (5, 6, 30, 20) and box.difficult and box.attributes == {}
    assert poly.kind == "polygon" and poly.attributes == {"direction": 0.2}


def test_ppocrlabel_split_script_output_with_another_machines_paths(tmp_path):
    # gen_ocr_train_val_test.py: det/train.txt lines are absolute paths of the
    # machine that ran it, the images copied into det/train/.
    det = tmp_path / "train_data" / "det"
    write_image(det / "train" / "发票.jpg", 60, 40)
    write_image(det / "val" / "收据.jpg", 60, 40)
    item = [{"transcription": "金额", "points": [[1, 1], [20, 1], [20, 9], [1, 9]], "difficult": False}]
    for split, name in (("train", "发票.jpg"), ("val", "收据.jpg")):
        (det / f"{split}.txt").write_text(f"C:\\Users\\someone\\PaddleOCR\\train_data\\det\\{split}\\{name}\t"
                                          f"{json.dumps(item, ensure_ascii=False)}\n", "utf-8")
    (det / "test.txt").write_text("")
    found = detect(tmp_path / "train_data")
    assert found.format == "ppocr"
    assert sorted((r.path, r.split) for r in found.dataset.records) == [("发票.jpg", "train"), ("收据.jpg", "val")]


def test_convert_without_a_project_imports_no_torch_and_keeps_splits(tmp_path):
    src = tmp_path / "icdar2015"
    _icdar_2015(src)
    run = subprocess.run([sys.executable, "-c", "import sys; from labeltool.app.cli import main; rc = main("
                          "sys.argv[1:]); print('torch' in sys.modules); sys.exit(rc)", "convert", str(src),
                          str(tmp_path / "out"), "--to", "ppocr"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[-1] == "False"
    assert "found: ICDAR 2015, 2 annotation files: training 1 images, test 1" in run.stdout
    lines = (tmp_path / "out" / "Label.txt").read_text("utf-8").splitlines()
    assert len(lines) == 2 and (tmp_path / "out" / "det_gt_test.txt").read_text("utf-8").count("EXIT") == 1


def test_voc_round_trips_keep_their_names(tmp_path):
    # Exported names grew on every round trip (a__JPEGImages__b).
    root = tmp_path / "p0"
    write_image(root / "sub" / "b.jpg", 30, 20)
    with ProjectStore.open(root) as store:
        store.add_shape(store.images()[0].id, Box(label="x", x1=1, y1=1, x2=9, y2=9))
    names = []
    for trip in range(3):
        out = tmp_path / f"voc{trip}"
        with ProjectStore.open(tmp_path / f"p{trip}") as store:
            export_from(store, "voc", out)
        names.append(sorted(p.name for p in (out / "JPEGImages").iterdir()))
        (tmp_path / f"p{trip + 1}").mkdir()
        with ProjectStore.open(tmp_path / f"p{trip + 1}") as store:
            import_into(store, "voc", out)
    assert names == [["sub__b.jpg"]] * 3


def test_icdar_2013_box_lines(tmp_path):
    # ICDAR 2013 Challenge 2 localisation: "x1, y1, x2, y2, "text"" (commas in the test set, spaces in train).
    src = tmp_path / "icdar2013"
    write_image(src / "Challenge2_Test_Task12_Images" / "img_1.jpg", 80, 60)
    (src / "Challenge2_Test_Task1_GT").mkdir()
    (src / "Challenge2_Test_Task1_GT" / "gt_img_1.txt").write_text('38, 43, 60, 55, "Tired, ness"\n5 6 20 16 "A"\n')
    found = detect(src)
    (record,) = found.dataset.records
    assert [(s.transcription, s.bounds()) for s in record.shapes] == [("Tired, ness", (38, 43, 60, 55)),
                                                                      ("A", (5, 6, 20, 16))]
    assert record.split == "test"

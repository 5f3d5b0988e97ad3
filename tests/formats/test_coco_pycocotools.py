"""Our COCO file as pycocotools reads it: COCO() loads it, and COCOeval of
its own annotations as detections (score 1) gives AP 1.0 for bbox and segm."""
from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from pycocotools.coco import COCO
from pycocotools.cocoeval import COCOeval

from labeltool.core import Box, Mask, Polygon
from labeltool.formats.project_io import export_from


def _load(path) -> COCO:
    with contextlib.redirect_stdout(io.StringIO()):
        return COCO(str(path))


def test_pycocotools_loads_our_file(project, tmp_path):
    export_from(project, "coco", tmp_path / "out")
    coco = _load(tmp_path / "out" / "annotations" / "instances_default.json")
    assert {c["name"] for c in coco.loadCats(coco.getCatIds())} == set(project.class_names())
    assert len(coco.getImgIds()) == 3
    assert len(coco.getAnnIds()) == 5  # the image tag has no instance form
    for ann in coco.loadAnns(coco.getAnnIds()):
        m = coco.annToMask(ann)  # every annotation rasterises (boxes carry their rectangle)
        assert m.shape == (coco.imgs[ann["image_id"]]["height"], coco.imgs[ann["image_id"]]["width"])
        assert abs(m.sum() - ann["area"]) <= max(2, 0.1 * ann["area"])
    # images are where file_name says, under images/
    for img in coco.loadImgs(coco.getImgIds()):
        assert (tmp_path / "out" / "images" / img["file_name"]).is_file()


@pytest.mark.parametrize("iou_type", ["bbox", "segm"])
def test_cocoeval_of_our_file_against_itself_gives_ap_1(tmp_path, store, iou_type):
    rng = np.random.default_rng(0)
    for item in store.images():
        store.ensure_size(item)
        w, h = item.width, item.height
        for k in range(4):
            x, y = float(rng.uniform(0, w / 2)), float(rng.uniform(0, h / 2))
            bw, bh = float(rng.uniform(6, w / 2)), float(rng.uniform(6, h / 2))
            label = ["猫", "狗"][k % 2]
            if k == 2:
                store.add_shape(item.id, Polygon(label=label, points=[(x, y), (x + bw, y + 2), (x + bw / 2, y + bh)]))
            elif k == 3:
                m = np.zeros((h, w), dtype=bool)
                m[int(y):int(y + bh), int(x):int(x + bw)] = True
                store.add_shape(item.id, Mask.from_array(m, label=label))
            else:
                store.add_shape(item.id, Box(label=label, x1=x, y1=y, x2=x + bw, y2=y + bh))
    export_from(store, "coco", tmp_path.parent / (tmp_path.name + "_out"))
    path = tmp_path.parent / (tmp_path.name + "_out") / "annotations" / "instances_default.json"
    gt = _load(path)
    results = [{"image_id": a["image_id"], "category_id": a["category_id"], "bbox": a["bbox"],
                "segmentation": a["segmentation"], "score": 1.0} for a in json.loads(path.read_text("utf-8"))["annotations"]]
    with contextlib.redirect_stdout(io.StringIO()):
        dt = gt.loadRes(results)
        ev = COCOeval(gt, dt, iou_type)
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    assert ev.stats[0] == pytest.approx(1.0)  # AP @[.5:.95]
    assert ev.stats[1] == pytest.approx(1.0)  # AP @.5


def test_category_ids_are_stable_across_exports(project, tmp_path):
    export_from(project, "coco", tmp_path / "a")
    project.add_class("新类")  # a new class goes to the end; old ids stay
    export_from(project, "coco", tmp_path / "b")
    a = json.loads((tmp_path / "a" / "annotations" / "instances_default.json").read_text("utf-8"))
    b = json.loads((tmp_path / "b" / "annotations" / "instances_default.json").read_text("utf-8"))
    ids_a = {c["name"]: c["id"] for c in a["categories"]}
    ids_b = {c["name"]: c["id"] for c in b["categories"]}
    assert all(ids_b[k] == v for k, v in ids_a.items())
    assert ids_b["新类"] == max(ids_b.values())


def test_split_writes_train_and_val_files(project, tmp_path):
    export_from(project, "coco", tmp_path / "o", split=0.5, seed=3)
    train = json.loads((tmp_path / "o" / "annotations" / "instances_train.json").read_text("utf-8"))
    val = json.loads((tmp_path / "o" / "annotations" / "instances_val.json").read_text("utf-8"))
    names = {i["file_name"] for i in train["images"]} | {i["file_name"] for i in val["images"]}
    assert names == {i.path for i in project.images()}
    assert not {i["file_name"] for i in train["images"]} & {i["file_name"] for i in val["images"]}

"""Objects in several parts (groups) through the formats.

labelme's own ``labelme2coco.py`` is the reference for COCO: it joins a
folder's shapes per ``(label, group_id)`` into one annotation whose
``segmentation`` lists the parts' polygons (a rectangle as its four
corners), whose ``area`` is the pixel count of the union mask and whose
``bbox`` is the union's; shapes without a ``group_id`` are an annotation
each. labelme is not installed here: the expected numbers below come from
those rules, computed from the files the test writes.
"""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest
from lxml import etree
from PIL import Image

from labeltool.core import Box, Mask, Polygon, ProjectStore
from labeltool.core.groups import objects
from labeltool.core.raster import polygon_rle
from labeltool.formats.convert import convert
from labeltool.formats.groups import merge_outlines
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image

W, H = 80, 60


def _shape(label, points, group_id=None, shape_type="polygon"):
    return {"label": label, "points": points, "group_id": group_id, "description": "", "shape_type": shape_type,
            "flags": {}, "mask": None}


# A person hidden in the middle by a pole (two polygons, group 1), a car in
# two parts of which one a rectangle (group 2), a person of group 2 (another
# class: another object, as labelme2coco keys by label and group), and a
# tree on its own.
SHAPES = [
    _shape("person", [[2, 2], [14, 2], [14, 20], [8, 25], [2, 20]], 1),
    _shape("person", [[20, 4], [30, 4], [26, 22]], 1),
    _shape("car", [[40, 30], [55, 30], [50, 45]], 2),
    _shape("car", [[60, 30], [75, 40]], 2, "rectangle"),
    _shape("person", [[5, 40], [15, 40], [10, 55]], 2),
    _shape("tree", [[35, 2], [45, 2], [40, 15]]),
]


def _labelme_folder(root: Path) -> Path:
    write_image(root / "street.jpg", W, H)
    doc = {"version": "5.5.0", "flags": {}, "shapes": SHAPES, "imagePath": "street.jpg", "imageData": None,
           "imageHeight": H, "imageWidth": W}
    (root / "street.json").write_text(json.dumps(doc), "utf-8")
    return root


def _polygon(shape: dict) -> list[tuple[float, float]]:
    """A labelme shape's outline as labelme2coco writes it (a rectangle as its corners)."""
    if shape["shape_type"] == "rectangle":
        (x1, y1), (x2, y2) = shape["points"]
        return [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]
    return [tuple(p) for p in shape["points"]]


def _expected() -> dict[tuple[str, object], dict]:
    """labelme2coco's annotations of SHAPES, by (label, group): the parts'
    polygons, the summed part areas (the parts do not overlap) and the
    union's box."""
    from pycocotools import mask as mask_utils

    out: dict[tuple[str, object], dict] = {}
    for k, s in enumerate(SHAPES):
        key = (s["label"], s["group_id"] if s["group_id"] is not None else f"alone{k}")
        pts = _polygon(s)
        e = out.setdefault(key, {"parts": [], "area": 0.0, "xs": [], "ys": []})
        e["parts"].append([v for p in pts for v in p])
        e["area"] += float(mask_utils.area(polygon_rle(pts, H, W)))
        e["xs"] += [x for x, _ in pts]
        e["ys"] += [y for _, y in pts]
    return out


def test_labelme_groups_survive_store_and_come_back_as_group_ids(tmp_path):
    src = _labelme_folder(tmp_path / "lm")
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p") as store:
        import_into(store, "labelme", src)
        item = store.images()[0]
        shapes = store.shapes(item.id)
        assert [s.group for s in shapes] == [1, 1, 2, 2, 2, None]
        assert [len(o) for o in objects(shapes)] == [2, 2, 1, 1]  # person 1, car 2, person 2, tree
        export_from(store, "labelme", tmp_path / "back")
    doc = json.loads((tmp_path / "back" / "street.json").read_text("utf-8"))
    assert [(s["label"], s["group_id"]) for s in doc["shapes"]] == [(s["label"], s["group_id"]) for s in SHAPES]
    assert [s["points"] for s in doc["shapes"]] == [s["points"] for s in SHAPES]


def test_labelme_folder_with_group_ids_to_coco_is_one_annotation_per_group(tmp_path):
    from pycocotools.coco import COCO

    src = _labelme_folder(tmp_path / "lm")
    _, report = convert(src, tmp_path / "coco", "coco")
    assert not report.lost  # groups of polygons and boxes are what COCO holds
    with contextlib.redirect_stdout(io.StringIO()):
        coco = COCO(str(tmp_path / "coco" / "annotations" / "instances_default.json"))
    names = {c["id"]: c["name"] for c in coco.loadCats(coco.getCatIds())}
    anns = coco.loadAnns(coco.getAnnIds())
    want = _expected()
    assert len(anns) == len(want) == 4
    by_key = {}
    for a in anns:
        label = names[a["category_id"]]
        parts = [tuple(p) for p in a["segmentation"]]
        key = next(k for k, e in want.items() if k[0] == label and [tuple(p) for p in e["parts"]] == parts)
        by_key[key] = a
    assert set(by_key) == set(want)
    for key, a in by_key.items():
        e = want[key]
        assert a["area"] == pytest.approx(e["area"])  # the union of non-overlapping parts: their sum
        x, y = min(e["xs"]), min(e["ys"])
        assert a["bbox"] == pytest.approx([x, y, max(e["xs"]) - x, max(e["ys"]) - y])
        assert a["iscrowd"] == 0
        # pycocotools' own mask of the annotation has the area it states
        assert int(coco.annToMask(a).sum()) == pytest.approx(a["area"], abs=1)
    assert len(by_key[("person", 1)]["segmentation"]) == 2 and len(by_key[("car", 2)]["segmentation"]) == 2


def test_coco_multi_polygon_annotations_read_back_as_one_group_each(tmp_path):
    src = _labelme_folder(tmp_path / "lm")
    convert(src, tmp_path / "coco", "coco")
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p") as store:
        import_into(store, "coco", tmp_path / "coco")
        shapes = store.shapes(store.images()[0].id)
    groups = sorted(sorted((s.kind, s.label) for s in o) for o in objects(shapes))
    assert groups == [[("box", "car"), ("polygon", "car")], [("polygon", "person")],
                      [("polygon", "person"), ("polygon", "person")], [("polygon", "tree")]]


def test_a_group_with_a_mask_is_one_rle_of_the_union(tmp_path):
    from pycocotools import mask as mask_utils

    write_image(tmp_path / "p" / "a.jpg", W, H)
    m = np.zeros((H, W), bool)
    m[40:50, 50:70] = True
    poly = Polygon(label="dog", points=[(2, 2), (20, 2), (10, 20)], group=3)
    with ProjectStore.open(tmp_path / "p") as store:
        item = store.images()[0]
        store.ensure_size(item)
        store.add_shapes(item.id, [poly, Mask.from_array(m, label="dog", group=3)])
        report = export_from(store, "coco", tmp_path / "coco")
    assert report.lost == {"groups with a mask (as one mask)": 1}
    doc = json.loads((tmp_path / "coco" / "annotations" / "instances_default.json").read_text("utf-8"))
    (ann,) = doc["annotations"]
    union = mask_utils.decode({"size": [H, W], "counts": ann["segmentation"]["counts"].encode()}).astype(bool)
    poly_pixels = mask_utils.decode(polygon_rle(poly.points, H, W)).astype(bool)
    assert np.array_equal(union, m | poly_pixels)
    assert ann["area"] == union.sum() and ann["bbox"] == [2.0, 2.0, 68.0, 48.0]


def test_voc_writes_one_object_and_one_instance_id_per_group(tmp_path):
    src = _labelme_folder(tmp_path / "lm")
    _, report = convert(src, tmp_path / "voc", "voc")
    assert report.lost["groups (as one mask)"] == 2  # person 1, car 2
    xml = etree.parse(str(tmp_path / "voc" / "Annotations" / "street.xml"))
    names = [o.findtext("name") for o in xml.iterfind("object")]
    assert sorted(names) == ["car", "person", "person", "tree"]
    inst = np.asarray(Image.open(tmp_path / "voc" / "SegmentationObject" / "street.png"))
    person = names.index("person") + 1  # person of group 1 comes first
    left, right = _polygon(SHAPES[0]), _polygon(SHAPES[1])
    from pycocotools import mask as mask_utils

    want = mask_utils.decode(polygon_rle(left, H, W)).astype(bool) | \
        mask_utils.decode(polygon_rle(right, H, W)).astype(bool)
    assert np.array_equal(inst == person, want)
    car = xml.findall("object")[names.index("car")].find("bndbox")
    ys, xs = np.nonzero(inst == names.index("car") + 1)  # the box of the union's pixels, 1-based
    assert [int(car.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax")] == \
        [xs.min() + 1, ys.min() + 1, xs.max() + 1, ys.max() + 1] == [41, 31, 75, 44]
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p") as store:
        import_into(store, "voc", tmp_path / "voc")
        shapes = store.shapes(store.images()[0].id)
    assert sorted((s.kind, s.label) for s in shapes) == [("mask", "car"), ("mask", "person"), ("mask", "person"),
                                                         ("mask", "tree")]


def test_yolo_joins_a_groups_parts_into_one_outline(tmp_path):
    from pycocotools import mask as mask_utils

    write_image(tmp_path / "p" / "a.jpg", W, H)
    parts = [Polygon(label="person", points=[(2, 2), (14, 2), (8, 20)], group=1),
             Polygon(label="person", points=[(30, 2), (44, 2), (37, 20)], group=1),
             Polygon(label="person", points=[(60, 30), (74, 30), (67, 50)], group=1)]
    boxes = [Box(label="car", x1=2, y1=40, x2=10, y2=50, group=4),
             Box(label="car", x1=20, y1=45, x2=30, y2=58, group=4)]
    with ProjectStore.open(tmp_path / "p") as store:
        item = store.images()[0]
        store.ensure_size(item)
        store.add_shapes(item.id, parts + boxes)
        report = export_from(store, "yolo", tmp_path / "yolo")
    assert report.lost == {"groups (as one outline)": 1, "groups (as one box)": 1}
    lines = (tmp_path / "yolo" / "labels" / "a.txt").read_text().splitlines()
    assert len(lines) == 2
    seg = [float(v) for v in lines[0].split()[1:]]
    outline = [(x * W, y * H) for x, y in zip(seg[0::2], seg[1::2])]
    # Ultralytics' chain: out through every part, round the last, back: the
    # outline's pixels are the parts' pixels.
    joined = mask_utils.decode(polygon_rle(outline, H, W)).astype(bool)
    union = np.zeros((H, W), bool)
    for p in parts:
        union |= mask_utils.decode(polygon_rle(p.points, H, W)).astype(bool)
    assert np.array_equal(joined, union)
    cls, cx, cy, bw, bh = lines[1].split()
    assert [float(cx) * W, float(cy) * H, float(bw) * W, float(bh) * H] == pytest.approx([16, 49, 28, 18], abs=1e-3)


def test_merge_outlines_chains_parts_at_their_closest_points():
    a = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0)]
    b = [(10.0, 0.0), (14.0, 0.0), (14.0, 4.0), (10.0, 4.0)]
    c = [(20.0, 0.0), (24.0, 0.0), (24.0, 4.0), (20.0, 4.0)]
    out = merge_outlines([a, b, c])
    # a's corner nearest b first, round a; into b at its corner nearest a,
    # on to the corner nearest c; round c; back through the rest of b.
    assert out[:5] == [(4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0), (4.0, 0.0)]
    assert out[5:7] == [(10.0, 0.0), (14.0, 0.0)]
    assert out[7:12] == [(20.0, 0.0), (24.0, 0.0), (24.0, 4.0), (20.0, 4.0), (20.0, 0.0)]
    assert out[12:] == [(14.0, 0.0), (14.0, 4.0), (10.0, 4.0), (10.0, 0.0)]
    assert merge_outlines([a]) == a and merge_outlines([]) == []


def test_imported_groups_do_not_join_the_images_own(tmp_path):
    """An image with a group 1 of its own takes a dataset's group 1 as another object."""
    src = _labelme_folder(tmp_path / "lm")
    project = tmp_path / "p"
    write_image(project / "street.jpg", W, H)
    with ProjectStore.open(project) as store:
        item = store.images()[0]
        own = [Box(label="person", x1=60, y1=2, x2=70, y2=12, group=1),
               Box(label="person", x1=60, y1=14, x2=70, y2=24, group=1)]
        store.add_shapes(item.id, own)
        report = import_into(store, "labelme", src / "street.json")
        assert report.matched == 1
        shapes = store.shapes(item.id)
    assert sorted(len(o) for o in objects(shapes)) == [1, 1, 2, 2, 2]
    assert {s.group for s in shapes[:2]} == {1} and 1 not in {s.group for s in shapes[2:]}


def test_formats_without_groups_count_each_group_they_write_as_separate_shapes(tmp_path):
    from labeltool.core import TextRegion

    write_image(tmp_path / "p" / "a.jpg", W, H)
    quad = [(2, 2), (30, 2), (30, 12), (2, 12)]
    lines = [TextRegion(label="text", points=quad, transcription="上", group=1),
             TextRegion(label="text", points=[(x, y + 20) for x, y in quad], transcription="下", group=1),
             TextRegion(label="text", points=[(x + 40, y) for x, y in quad], transcription="右")]
    with ProjectStore.open(tmp_path / "p") as store:
        item = store.images()[0]
        store.ensure_size(item)
        store.add_shapes(item.id, lines)
        report = export_from(store, "ppocr", tmp_path / "ppocr")
    assert report.lost == {"groups (as separate shapes)": 1}  # one object of two parts; the lone line is whole
    assert report.shapes == 3

"""The COCO export's fast path (plain boxes from the store's raw rows straight
to JSON text) writes the very bytes of the general path (Shape objects ->
annotation dicts -> json), on a mixed project and on awkward numbers."""
from __future__ import annotations

import json
import random
import re
import sqlite3
import time
from typing import Any

import pytest

from labeltool.core import Box, Polygon, ProjectStore, Source
from labeltool.core.store import find_store, shape_from_row
from labeltool.formats import coco
from labeltool.formats.errors import FormatError
from labeltool.formats.fileio import dump_json
from labeltool.formats.project_io import export_from
from labeltool.formats.records import ImageRecord, StoredShapes


def _reference(records: list[ImageRecord], classes: list[str]) -> str:
    """The COCO document as the writer built it before the fast path: one
    dict per annotation from coco.annotation(), the whole dumped at once."""
    cat_ids = {name: i for i, name in enumerate(classes, 1)}
    categories = [{"id": i, "name": n, "supercategory": ""} for n, i in cat_ids.items()]
    images, anns = [], []
    for image_id, r in enumerate(records, 1):
        images.append({"id": image_id, "file_name": r.path, "width": r.width, "height": r.height})
        for shape in list(r.shapes):
            if shape.label not in cat_ids:
                cat_ids[shape.label] = len(cat_ids) + 1
                categories.append({"id": cat_ids[shape.label], "name": shape.label, "supercategory": ""})
            ann = coco.annotation(shape, len(anns) + 1, image_id, cat_ids[shape.label], r.height, r.width)
            if ann is not None:
                anns.append(ann)
    return dump_json({"info": {"description": "exported by labeltool"}, "licenses": [], "images": images,
                      "annotations": anns, "categories": categories})


def _records(store: ProjectStore) -> tuple[list[ImageRecord], list[ImageRecord], list[str]]:
    """The project's records twice: over raw rows (fast path) and over
    Shape lists from store.snapshot() (general path)."""
    raw = store.snapshot_rows()
    labels = {c.id: c.name for c in raw.classes}
    fast = [ImageRecord(path=i.path, width=i.width, height=i.height,
                        shapes=StoredShapes(raw.shapes.get(i.id, []), labels)) for i in raw.images]
    snap = store.snapshot()
    general = [ImageRecord(path=s.item.path, width=s.item.width, height=s.item.height, shapes=list(s.shapes))
               for s in snap.images]
    return fast, general, snap.class_names


def _insert_raw_boxes(store: ProjectStore, image_id: int, label: str, geometries: list[str],
                      **columns: Any) -> None:
    """Box rows written as an older version or another tool might have left
    them (ints, reversed corners): straight into the table, no Box on the way."""
    cid = store.add_class(label).id
    conn = sqlite3.connect(find_store(store.root))
    with conn:
        start = conn.execute("SELECT COALESCE(MAX(ord) + 1, 0) FROM shapes WHERE image_id = ?",
                             (image_id,)).fetchone()[0]
        names = ", ".join(columns)
        conn.executemany(
            f"INSERT INTO shapes(id, image_id, class_id, kind, geometry, ord, created_at"
            f"{', ' + names if names else ''}) VALUES (?, ?, ?, 'box', ?, ?, ?{', ?' * len(columns)})",
            [(f"raw{image_id}_{start + k}", image_id, cid, g, start + k, time.time(), *columns.values())
             for k, g in enumerate(geometries)])
    conn.close()


def _mixed(project: ProjectStore) -> ProjectStore:
    """The format fixture (boxes with and without flags, a polygon, a text
    region, a mask, an image tag) plus boxes with attributes, predictions,
    reversed or integer corners and awkward floats."""
    ims = {i.path: i for i in project.images()}
    a, b = ims["img0.jpg"].id, ims["街景_02.jpg"].id
    project.add_shape(a, Box(label="猫", x1=0.1 + 0.2, y1=1e-7, x2=33.333333333333336, y2=47.99999999999999))
    project.add_shape(a, Box(label="车", x1=1, y1=2, x2=3, y2=4, attributes={"iscrowd": 1, "颜色": "红"}))
    project.add_shape(a, Box(label="猫", x1=5, y1=5, x2=9, y2=9, source=Source.from_model("run1", 0.9)))
    project.add_shape(b, Polygon(label="猫", points=[(1, 1), (9, 1), (5, 8)]))
    _insert_raw_boxes(project, b, "猫", ['{"box": [40, 30, 10, 2]}', '{"box": [-0.0, 5, 7.5, 5]}',
                                          '{"box": [1e16, 2.5e-300, 123456789.125, 3]}'])
    return project


def test_fast_path_writes_the_bytes_of_the_general_path_on_a_mixed_project(project):
    store = _mixed(project)
    fast, general, classes = _records(store)
    assert any(p is not None for r in fast for p in r.shapes.plain_boxes())  # the fast path is taken
    assert any(p is None for r in fast for p in r.shapes.plain_boxes())  # and so is the general one
    fast_text, fast_result = coco.dumps(fast, classes)
    general_text, general_result = coco.dumps(general, classes)
    assert fast_text == general_text == _reference(general, classes)
    assert fast_result == general_result
    doc = json.loads(fast_text)
    assert len(doc["annotations"]) == 11  # 12 human shapes less the image tag; no prediction
    kinds = {tuple(a["bbox"]): a for a in doc["annotations"]}
    assert kinds[(10.0, 2.0, 30.0, 28.0)]["segmentation"] == [[10.0, 2.0, 40.0, 2.0, 40.0, 30.0, 10.0, 30.0]]
    crowd = next(a for a in doc["annotations"] if a["bbox"] == [1.0, 2.0, 2.0, 2.0])
    assert crowd["iscrowd"] == 1 and crowd["attributes"] == {"颜色": "红"}


def test_export_from_writes_the_reference_bytes_with_and_without_a_split(project, tmp_path):
    store = _mixed(project)
    _, general, classes = _records(store)
    export_from(store, "coco", tmp_path / "all")
    text = (tmp_path / "all" / "annotations" / "instances_default.json").read_text(encoding="utf-8")
    assert text == _reference(general, classes)
    export_from(store, "coco", tmp_path / "split", split=0.5, seed=3)
    for part in ("train", "val"):
        written = (tmp_path / "split" / "annotations" / f"instances_{part}.json").read_text("utf-8")
        names = [i["file_name"] for i in json.loads(written)["images"]]
        assert written == _reference([r for r in general if r.path in names], classes)


def test_random_boxes_of_every_number_shape_give_the_same_bytes(tmp_path):
    rng = random.Random(7)
    special = [0, 1, -1, 0.5, 1e-9, 1e9, 123456.789, 2**53, 0.1, 1 / 3, -0.0, 640]

    def value() -> str:
        pick = rng.random()
        v: float = rng.choice(special) if pick < 0.3 else rng.uniform(-50, 700)
        if pick > 0.8:
            v = round(v)  # an integer in the JSON
        return json.dumps(v)

    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p", scan=False) as store:
        for n in range(6):
            item = store.add_image(f"im{n}.jpg", 640, 480)
            _insert_raw_boxes(store, item.id, ["a", "b", "丙"][n % 3],
                              [f'{{"box": [{value()}, {value()}, {value()}, {value()}]}}' for _ in range(1500)])
        fast, general, classes = _records(store)
        # A class list without "丙": both paths add it after the others, same id.
        classes = [c for c in classes if c != "丙"]
        fast_text, _ = coco.dumps(fast, classes)
        assert fast_text == coco.dumps(general, classes)[0] == _reference(general, classes)
        assert [c["name"] for c in json.loads(fast_text)["categories"]] == ["a", "b", "丙"]
        # 9,000 boxes: the writer's pieces of 4,096 annotations join up in export_from too.
        export_from(store, "coco", tmp_path / "out")
        written = (tmp_path / "out" / "annotations" / "instances_default.json").read_text("utf-8")
        assert written == _reference(general, store.class_names())


def test_stored_shapes_are_the_snapshot_shapes(project):
    store = _mixed(project)
    raw = store.snapshot_rows(include_predictions=True)
    labels = {c.id: c.name for c in raw.classes}
    snap = store.snapshot(include_predictions=True)
    assert [i.item for i in snap.images] == raw.images
    for image in snap.images:
        stored = StoredShapes(raw.shapes.get(image.item.id, []), labels)
        assert list(stored) == image.shapes and stored == image.shapes and len(stored) == len(image.shapes)
        assert [stored[k] for k in range(len(stored))] == image.shapes
    assert any(s.source.is_model for i in snap.images for s in i.shapes)
    # shape_from_row is what store.shapes() uses for one image, too.
    item = raw.images[0]
    assert [shape_from_row(r, labels[r[2]]) for r in raw.shapes[item.id]] == \
        [s for s in store.shapes(item.id)]


@pytest.mark.parametrize("geometry", ['{"box": [NaN, 1, 2, 3]}', '{"box": [1, 2, Infinity, 3]}',
                                      '{"box": [-1e308, 0, 1e308, 5]}'])
def test_a_box_that_is_not_finite_is_a_clear_error_not_a_broken_file(project, tmp_path, geometry):
    item = project.images()[0]
    _insert_raw_boxes(project, item.id, "猫", [geometry])
    with pytest.raises(FormatError, match=re.escape(f"{item.path}: shape '猫' has a coordinate or area that is "
                                                    "not a finite")):
        export_from(project, "coco", tmp_path / "out")
    assert not (tmp_path / "out" / "annotations" / "instances_default.json").exists()


def test_flagged_and_attributed_boxes_take_the_general_path(project):
    ims = {i.path: i for i in project.images()}
    _insert_raw_boxes(project, ims["img0.jpg"].id, "猫", ['{"box": [1, 2, 3, 4]}'], attributes='{}')
    raw = project.snapshot_rows()
    labels = {c.id: c.name for c in raw.classes}
    rows = raw.shapes[ims["img0.jpg"].id]
    plain = StoredShapes(rows, labels).plain_boxes()
    # the fixture's plain box, its difficult+truncated box, and the raw one with "{}" attributes
    assert plain == [("猫", 3.0, 4.0, 20.0, 30.0), None, None]


def test_random_polygons_give_the_bytes_of_the_general_path(tmp_path):
    # Plain polygons take a fast path too (areas from one pycocotools call per
    # image): integer and float coordinates, points outside the image, two-point
    # "polygons" (the general path's empty area), flagged ones.
    rng = random.Random(11)
    (tmp_path / "p").mkdir()
    with ProjectStore.open(tmp_path / "p", scan=False) as store:
        for n in range(4):
            item = store.add_image(f"im{n}.jpg", 64, 48)
            for k in range(60):
                count = rng.choice([2, 3, 4, 7, 12])
                pts = [(rng.choice([rng.randint(-5, 70), rng.uniform(-5, 70)]), rng.uniform(-5, 53))
                       for _ in range(count)]
                store.add_shape(item.id, Polygon(label=["a", "乙"][k % 2], points=pts, truncated=k % 9 == 0))
            cid = store.add_class("a").id
            conn = sqlite3.connect(find_store(store.root))
            with conn:  # integer coordinates as another tool might have left them
                conn.execute("INSERT INTO shapes(id, image_id, class_id, kind, geometry, ord, created_at) VALUES "
                             "(?, ?, ?, 'polygon', '{\"points\": [[1, 2], [30, 2], [15, 40]]}', 999, 0)",
                             (f"int{n}", item.id, cid))
            conn.close()
        fast, general, classes = _records(store)
        assert sum(p is not None for r in fast for p in r.shapes.plain_polygons()) > 200
        fast_text, fast_result = coco.dumps(fast, classes)
        assert fast_text == coco.dumps(general, classes)[0] == _reference(general, classes)
        assert fast_result.shapes == 4 * 61

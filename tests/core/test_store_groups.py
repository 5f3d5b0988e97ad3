"""Schema 3: the object a shape is a part of (``Shape.group``). A schema-2
store upgrades in place and keeps its rows; groups go through the store,
its snapshots and raw rows; several shapes are grouped in one transaction."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from labeltool.core import Box, Mask, Polygon, ProjectStore
from labeltool.core.groups import next_group, objects, parts_of, renumber
from labeltool.core.schema import SCHEMA_VERSION, migrate, schema_version
from labeltool.core.shapes import shape_from_dict, shape_to_dict
from labeltool.core.store import find_store
from tests.conftest import write_image


def _version_2_store(root: Path) -> None:
    """A store as labeltool wrote it before groups: schema 2, one image in
    the val split with an occluded polygon."""
    write_image(root / "a.jpg", 32, 24)
    db = find_store(root)
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=2)
    now = time.time()
    conn.execute("INSERT INTO classes(id, name, color, ord) VALUES (1, '行人', '#ff0000', 0)")
    conn.execute("INSERT INTO images(id, path, width, height, status, added_at, updated_at, split) "
                 "VALUES (1, 'a.jpg', 32, 24, 'done', ?, ?, 'val')", (now, now))
    conn.execute("INSERT INTO shapes(id, image_id, class_id, kind, geometry, occluded, ord, created_at) "
                 "VALUES ('p1', 1, 1, 'polygon', '{\"points\": [[1, 1], [9, 1], [5, 8]]}', 1, 0, ?)", (now,))
    conn.close()


@pytest.mark.parametrize("readonly", [False, True])
def test_a_version_2_store_upgrades_to_groups_and_keeps_its_rows(tmp_path, readonly):
    root = tmp_path / "old"
    _version_2_store(root)
    with ProjectStore.open(root, readonly=readonly) as store:
        (item,) = store.images()
        assert item.split == "val"
        (shape,) = store.shapes(item.id)
        assert (shape.id, shape.label, shape.occluded, shape.group) == ("p1", "行人", True, None)
        assert store.snapshot().images[0].shapes == [shape]
    conn = sqlite3.connect(find_store(root))
    assert schema_version(conn) == SCHEMA_VERSION == 3
    assert "group_id" in {r[1] for r in conn.execute("PRAGMA table_info(shapes)")}
    conn.close()
    with ProjectStore.open(root) as store:  # and the upgraded store takes groups
        store.set_groups({"p1": 4})
        assert store.shape("p1")[1].group == 4


def test_groups_round_trip_through_store_snapshot_rows_and_dicts(store):
    item = store.images()[0]
    a = Polygon(label="person", points=[(0, 0), (4, 0), (2, 3)], group=1)
    b = Box(label="person", x1=5, y1=5, x2=9, y2=9, group=1, difficult=True)
    c = Box(label="car", x1=1, y1=1, x2=2, y2=2)
    store.add_shapes(item.id, [a, b, c])
    assert [s.group for s in store.shapes(item.id)] == [1, 1, None]
    snap = store.snapshot()
    assert next(i for i in snap.images if i.item.id == item.id).shapes == [a, b, c]
    assert [shape_from_dict(shape_to_dict(s)) for s in (a, b, c)] == [a, b, c]
    rows = store.snapshot_rows().shapes[item.id]
    assert [r[-1] for r in rows] == [1, 1, None]  # group_id, the raw row's last column


def test_set_groups_is_one_transaction_and_returns_the_old_groups(store):
    item = store.images()[0]
    shapes = store.add_shapes(item.id, [Box(label="x", x1=k, y1=k, x2=k + 2, y2=k + 2) for k in range(3)])
    events = []
    store.subscribe(events.append)
    old = store.set_groups({shapes[0].id: 7, shapes[1].id: 7})
    assert old == {shapes[0].id: None, shapes[1].id: None}
    assert [s.group for s in store.shapes(item.id)] == [7, 7, None]
    assert store.next_group(item.id) == 8
    assert {(e.kind, e.shape_id) for e in events} == {("shape_changed", shapes[0].id), ("shape_changed", shapes[1].id)}
    # A missing shape rolls the whole edit back.
    with pytest.raises(KeyError):
        store.set_groups({shapes[2].id: 9, "no such shape": 9})
    assert [s.group for s in store.shapes(item.id)] == [7, 7, None]


def test_set_splits_sets_many_images_at_once(store):
    ids = [i.id for i in store.images()][:3]
    store.set_splits(ids, "test")
    assert [store.image(i).split for i in ids] == ["test"] * 3
    store.set_splits(ids[:2], None)
    assert [store.image(i).split for i in ids] == [None, None, "test"]
    with pytest.raises(ValueError):
        store.set_splits(ids, "dev")


def test_objects_join_parts_by_label_and_group():
    m = Mask.from_array([[True, False], [False, False]], label="a", group=2)
    p = Polygon(label="a", points=[(0, 0), (1, 0), (0, 1)], group=2)
    q = Polygon(label="b", points=[(0, 0), (1, 0), (0, 1)], group=2)  # another class: another object
    r = Box(label="a", x1=0, y1=0, x2=1, y2=1)
    assert objects([m, r, q, p]) == [[m, p], [r], [q]]
    assert parts_of(p, [m, r, q, p]) == [m, p]
    assert parts_of(r, [m, r, q, p]) == [r]
    assert next_group([m, r]) == 3 and next_group([r]) == 1
    moved = renumber([p, q, r], taken=[1, 2])
    assert [s.group for s in moved] == [3, 3, None]  # one number per old group, past those taken

"""Schema 2: the split of each image (kept from an imported dataset's
layout, for training and exports) and the occluded flag beside difficult
and truncated; a version-1 store upgrades in place and keeps its rows."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from labeltool.core import Box, ImageStatus, Polygon, ProjectStore
from labeltool.core.schema import SCHEMA_VERSION, migrate, schema_version
from labeltool.core.store import find_store
from tests.conftest import write_image


def _version_1_store(root: Path) -> None:
    """A store as labeltool wrote it before schema 2: the version-1 tables,
    one image with one flagged box."""
    write_image(root / "a.jpg", 32, 24)
    db = find_store(root)
    db.parent.mkdir(parents=True)
    conn = sqlite3.connect(db, isolation_level=None)
    migrate(conn, target=1)
    now = time.time()
    conn.execute("INSERT INTO classes(id, name, color, ord) VALUES (1, '猫', '#ff0000', 0)")
    conn.execute("INSERT INTO images(id, path, width, height, status, added_at, updated_at) "
                 "VALUES (1, 'a.jpg', 32, 24, 'done', ?, ?)", (now, now))
    conn.execute("INSERT INTO shapes(id, image_id, class_id, kind, geometry, difficult, truncated, ord, created_at) "
                 "VALUES ('s1', 1, 1, 'box', '{\"box\": [1, 2, 3, 4]}', 1, 0, 0, ?)", (now,))
    conn.close()


@pytest.mark.parametrize("readonly", [False, True])
def test_a_version_1_store_upgrades_and_keeps_its_rows(tmp_path, readonly):
    root = tmp_path / "old"
    _version_1_store(root)
    # Read-only openers (`labeltool stats`, `export`) upgrade it too, under
    # the write lock, rather than refuse an older project.
    with ProjectStore.open(root, readonly=readonly) as store:
        (item,) = store.images()
        assert (item.path, item.status, item.split) == ("a.jpg", ImageStatus.DONE, None)
        (shape,) = store.shapes(item.id)
        assert (shape.label, shape.bounds(), shape.difficult, shape.truncated, shape.occluded) == \
            ("猫", (1, 2, 3, 4), True, False, False)
    conn = sqlite3.connect(find_store(root))
    assert schema_version(conn) == SCHEMA_VERSION  # every step up, to the newest
    conn.close()


def test_an_upgrade_that_cannot_take_the_lock_says_so(tmp_path):
    root = tmp_path / "old"
    _version_1_store(root)
    conn = sqlite3.connect(find_store(root))
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    import fcntl
    import os

    fd = os.open(find_store(root).parent / "lock", os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process writes this project
    try:
        from labeltool.core.errors import StoreError

        with pytest.raises(StoreError, match="older labeltool and needs a one-time upgrade"):
            ProjectStore.open(root, readonly=True)
    finally:
        os.close(fd)


def test_split_is_kept_per_image_and_carried_by_images_and_snapshots(store):
    items = {i.path: i for i in store.images()}
    store.set_split(items["img0.jpg"].id, "train")
    store.set_split(items["img1.jpg"].id, "test")
    store.set_split(items["img1.jpg"].id, "val")
    store.set_split(items["img2.jpg"].id, "train")
    store.set_split(items["img2.jpg"].id, None)
    want = {"img0.jpg": "train", "img1.jpg": "val", "img2.jpg": None, "sub/deep.png": None, "行人_01.jpg": None}
    assert {i.path: i.split for i in store.images()} == want
    assert store.image(items["img1.jpg"].id).split == "val"
    assert {s.item.path: s.item.split for s in store.snapshot().images} == want
    assert {i.path: i.split for i in store.snapshot_rows().images} == want
    with pytest.raises(ValueError, match="valid"):
        store.set_split(items["img0.jpg"].id, "valid")  # the layouts' spelling; the store has one name
    with pytest.raises(sqlite3.IntegrityError):  # the schema refuses it too
        store._write("UPDATE images SET split = 'dev' WHERE id = ?", (items["img0.jpg"].id,))


def test_split_change_is_an_image_event(store):
    events = []
    store.subscribe(events.append)
    item = store.images()[0]
    store.set_split(item.id, "train")
    assert [(e.kind, e.image_id) for e in events] == [("image_changed", item.id)]


def test_occluded_round_trips_through_the_store(store):
    item = store.images()[0]
    box = store.add_shape(item.id, Box(label="car", x1=1, y1=1, x2=5, y2=5, occluded=True))
    poly = store.add_shape(item.id, Polygon(label="car", points=[(0, 0), (4, 0), (2, 3)], truncated=True))
    assert [(s.difficult, s.truncated, s.occluded) for s in store.shapes(item.id)] == \
        [(False, False, True), (False, True, False)]
    store.update_shape(box.copy(id=box.id, occluded=False, difficult=True))
    assert store.shape(box.id)[1].flag_fields() == {"difficult": True, "truncated": False, "occluded": False}
    assert [s.flagged for s in store.snapshot().images[0].shapes] == [True, True]
    assert store.shape(poly.id)[1] == poly


def test_add_shapes_is_one_insert_in_order_with_classes_and_status(store):
    item = store.images()[0]
    store.add_shape(item.id, Box(label="a", x1=0, y1=0, x2=1, y2=1))
    events = []
    store.subscribe(events.append)
    shapes = [Box(label=f"新{k % 3}", x1=k, y1=k, x2=k + 2, y2=k + 2) for k in range(100)]
    assert store.add_shapes(item.id, shapes) == shapes
    assert store.shapes(item.id)[1:] == shapes
    assert store.class_names() == ["a", "新0", "新1", "新2"]
    assert store.image(item.id).status == ImageStatus.IN_PROGRESS
    assert {e.kind for e in events} == {"image_changed", "classes_changed"}  # coalesced: one transaction

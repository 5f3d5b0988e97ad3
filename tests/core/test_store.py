"""The project store: every edit committed at once, paths relative, images
found on open, vanished files reported with their labels kept."""
from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from labeltool.core import (
    Box, ImageStatus, ImageTag, Mask, NotAProjectError, Polygon, ProjectStore, Source, StoreLockedError,
    TextRegion,
)
from tests.conftest import write_image


def test_open_creates_a_wal_store_in_the_folder(image_folder: Path):
    with ProjectStore.open(image_folder) as store:
        assert store.path == image_folder / ".labeltool" / "project.sqlite"
        assert [i.path for i in store.images()] == ["img0.jpg", "img1.jpg", "img2.jpg", "sub/deep.png", "行人_01.jpg"]
    conn = sqlite3.connect(image_folder / ".labeltool" / "project.sqlite")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] >= 1


def test_natural_order_puts_img2_before_img10(tmp_path: Path):
    for n in (10, 2, 1):
        write_image(tmp_path / f"img{n}.png", 8, 8)
    with ProjectStore.open(tmp_path) as store:
        assert [i.path for i in store.images()] == ["img1.png", "img2.png", "img10.png"]


def test_edits_are_committed_without_save(store: ProjectStore, image_folder: Path):
    item = store.images()[0]
    box = store.add_shape(item.id, Box(label="行人", x1=1, y1=2, x2=30, y2=40))
    # A second, independent reader sees the edit at once: nothing waits for a Save.
    with ProjectStore.open(image_folder, readonly=True) as reader:
        assert reader.shapes(item.id) == [box]


def test_every_kind_persists_across_reopen(image_folder: Path):
    mask = np.zeros((48, 64), bool)
    mask[10:20, 5:25] = True
    shapes = [
        Box(label="car", x1=1, y1=2, x2=30, y2=40, difficult=True, truncated=True),
        Polygon(label="road", points=[(0, 0), (10, 0), (10, 10)]),
        Mask.from_array(mask, label="sky"),
        TextRegion(label="text", points=[(0, 0), (9, 0), (9, 4), (0, 4)], transcription="收据 No.42", difficult=True),
        ImageTag(label="day"),
        Box(label="car", x1=5, y1=5, x2=9, y2=9, source=Source.from_model("run-3", 0.87)),
    ]
    with ProjectStore.open(image_folder) as store:
        item = store.images()[4]
        store.add_shapes(item.id, shapes)
    with ProjectStore.open(image_folder) as store:
        assert store.shapes(item.id) == shapes
        assert store.shapes(item.id, source="model") == shapes[-1:]
        assert len(store.shapes(item.id, source="human")) == 5


def test_update_and_delete_keep_ids_and_order(store: ProjectStore):
    item = store.images()[0]
    a, b, c = (store.add_shape(item.id, Box(label="x", x1=i, y1=i, x2=i + 5, y2=i + 5)) for i in range(3))
    b.label, b.x2 = "y", 99
    store.update_shape(b)
    assert store.shape(b.id) == (item.id, b)
    image_id, index = store.delete_shape(b.id)
    assert (image_id, index) == (item.id, 1)
    assert store.shapes(item.id) == [a, c]
    # Undo re-adds the same shape, with the same id, where it was.
    store.add_shape(item.id, b, index=index)
    assert [s.id for s in store.shapes(item.id)] == [a.id, b.id, c.id]


def test_labelling_an_image_marks_it_in_progress(store: ProjectStore):
    item = store.images()[0]
    assert item.status is ImageStatus.NEW
    store.add_shape(item.id, ImageTag(label="cat"))
    assert store.image(item.id).status is ImageStatus.IN_PROGRESS
    store.set_status(item.id, ImageStatus.DONE)
    store.add_shape(item.id, ImageTag(label="dog"))
    assert store.image(item.id).status is ImageStatus.DONE
    # Predictions do not make an image "in progress".
    other = store.images()[1]
    store.add_shape(other.id, ImageTag(label="cat", source=Source.from_model("r", 0.5)))
    assert store.image(other.id).status is ImageStatus.NEW


def test_classes_rename_merge_delete(store: ProjectStore):
    img = store.images()[0].id
    store.add_shape(img, Box(label="persn", x1=0, y1=0, x2=5, y2=5))
    store.add_shape(img, Box(label="person", x1=0, y1=0, x2=6, y2=6))
    store.add_shape(img, Box(label="car", x1=0, y1=0, x2=7, y2=7))
    store.rename_class("car", "汽车")
    assert store.class_names() == ["persn", "person", "汽车"]
    assert store.merge_classes("persn", "person") == 1
    assert store.class_names() == ["person", "汽车"]
    assert sorted(s.label for s in store.shapes(img)) == ["person", "person", "汽车"]
    store.rename_class("汽车", "person")  # onto an existing name: a merge
    assert store.class_names() == ["person"]
    assert store.delete_class("person") == 3
    assert store.shapes(img) == []
    with pytest.raises(ValueError):
        store.add_class("   ")


def test_class_colours_are_distinct_and_kept(store: ProjectStore):
    colours = [store.add_class(f"c{i}").color for i in range(10)]
    assert len(set(colours)) == 10
    store.set_class_color("c3", "#123456")
    assert store.classes()[3].color == "#123456"


def test_failed_transaction_leaves_nothing(store: ProjectStore):
    img = store.images()[0].id
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.add_shape(img, Box(label="a", x1=0, y1=0, x2=1, y2=1))
            raise RuntimeError("boom")
    assert store.shapes(img) == []


def test_listeners_hear_committed_changes(store: ProjectStore):
    events = []
    unsubscribe = store.subscribe(events.append)
    img = store.images()[0].id
    s = store.add_shape(img, Box(label="a", x1=0, y1=0, x2=1, y2=1))
    store.delete_shape(s.id)
    unsubscribe()
    store.add_shape(img, Box(label="b", x1=0, y1=0, x2=1, y2=1))
    kinds = [e.kind for e in events]
    assert kinds == ["classes_changed", "shape_added", "shape_removed"]


def test_paths_are_relative_so_the_folder_can_move(image_folder: Path, tmp_path: Path):
    with ProjectStore.open(image_folder) as store:
        item = store.image_by_path("sub/deep.png")
        store.add_shape(item.id, Box(label="a", x1=0, y1=0, x2=3, y2=3))
    moved = tmp_path / "moved elsewhere 新"
    shutil.move(image_folder, moved)
    with ProjectStore.open(moved) as store:
        item = store.image_by_path("sub/deep.png")
        assert len(store.shapes(item.id)) == 1
        assert store.abspath(item).is_file()
        assert store.image_by_path(moved / "sub" / "deep.png").id == item.id


def test_new_files_are_added_and_vanished_ones_reported_with_labels_kept(image_folder: Path):
    with ProjectStore.open(image_folder) as store:
        gone = store.image_by_path("img1.jpg")
        store.add_shape(gone.id, Box(label="a", x1=0, y1=0, x2=3, y2=3))
    (image_folder / "img1.jpg").rename(image_folder / "img1.bak")
    write_image(image_folder / "new.jpg")
    with ProjectStore.open(image_folder, scan=False) as store:
        report = store.scan()
        assert report.added == ["new.jpg"] and report.missing == ["img1.jpg"]
        assert store.image(gone.id).missing
        assert len(store.shapes(gone.id)) == 1
    (image_folder / "img1.bak").rename(image_folder / "img1.jpg")
    with ProjectStore.open(image_folder, scan=False) as store:
        assert store.scan().restored == ["img1.jpg"]
        assert not store.image(gone.id).missing


def test_sizes_are_read_lazily_from_headers(store: ProjectStore):
    item = store.image_by_path("sub/deep.png")
    assert item.width is None
    store.ensure_size(item)
    assert store.image(item.id).width == 40 and store.image(item.id).height == 30


def test_stats_count_human_labels_per_kind_and_class(store: ProjectStore):
    a, b = store.images()[:2]
    store.add_shapes(a.id, [Box(label="car", x1=0, y1=0, x2=1, y2=1), ImageTag(label="day")])
    store.add_shape(b.id, Box(label="car", x1=0, y1=0, x2=1, y2=1))
    store.add_shape(b.id, Box(label="car", x1=0, y1=0, x2=1, y2=1, source=Source.from_model("r", 0.4)))
    s = store.stats()
    assert s["images"] == 5 and s["labelled_images"] == 2 and s["shapes"] == 3 and s["predictions"] == 1
    assert s["shapes_by_kind"]["box"] == 2 and s["shapes_by_kind"]["tag"] == 1
    assert s["shapes_by_class"] == {"car": 2, "day": 1}


def test_snapshot_is_consistent_while_another_thread_writes(store: ProjectStore):
    img = store.images()[0].id
    store.add_shape(img, Box(label="a", x1=0, y1=0, x2=1, y2=1))
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("snap", store.snapshot()))
    t.start()
    t.join()
    snap = result["snap"]
    assert snap.class_names == ["a"]
    assert sum(len(i.shapes) for i in snap.images) == 1
    assert all(i.path.is_absolute() for i in snap.images)


def test_second_writer_is_refused_but_readers_are_welcome(image_folder: Path):
    with ProjectStore.open(image_folder):
        with pytest.raises(StoreLockedError, match="already open in another labeltool"):
            ProjectStore.open(image_folder)
        with ProjectStore.open(image_folder, readonly=True) as reader:
            assert reader.image_count() == 5
    ProjectStore.open(image_folder).close()  # the lock went with the first store


def test_readonly_open_of_a_folder_without_project_says_what_to_do(tmp_path: Path):
    with pytest.raises(NotAProjectError, match="labeltool init"):
        ProjectStore.open(tmp_path, readonly=True)
    with pytest.raises(NotAProjectError, match="not a folder"):
        ProjectStore.open(tmp_path / "nope")


def test_replace_predictions_keeps_human_labels_and_scopes_by_model(store: ProjectStore):
    item = store.images()[0]
    human = store.add_shape(item.id, Box(label="cat", x1=0, y1=0, x2=5, y2=5))
    store.add_shapes(item.id, [Box(label="cat", x1=1, y1=1, x2=4, y2=4, source=Source.from_model("run-a", 0.9)),
                               Box(label="dog", x1=2, y1=2, x2=6, y2=6, source=Source.from_model("ocr", 0.8))])
    new = Box(label="cat", x1=3, y1=3, x2=7, y2=7, source=Source.from_model("run-b", 0.7))
    store.replace_predictions(item.id, [new], model="run-a")  # only run-a's go
    kept = {(s.source.model, s.label) for s in store.shapes(item.id)}
    assert kept == {(None, "cat"), ("ocr", "dog"), ("run-b", "cat")}
    store.replace_predictions(item.id, [])  # every model's go, the person's box stays
    assert [s.id for s in store.shapes(item.id)] == [human.id]


def test_replace_predictions_keeps_assistants_when_asked_and_numbers_groups_apart(store: ProjectStore):
    item = store.images()[0]
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0)]
    person = store.add_shapes(item.id, [Polygon(label="cell", points=square, group=1),
                                        Polygon(label="cell", points=square, group=2)])
    store.add_shape(item.id, Box(label="dog", x1=2, y1=2, x2=6, y2=6, source=Source.from_model("pp-ocr", 0.8)))
    store.add_shape(item.id, Box(label="dog", x1=2, y1=2, x2=6, y2=6, source=Source.from_model("old-run", 0.8)))
    # One predicted object in two pieces, numbered 1 by its model: not the person's object 1.
    pieces = [Polygon(label="cell", points=square, group=1, source=Source.from_model("run", 0.9)) for _ in range(2)]
    store.replace_predictions(item.id, pieces, keep={"pp-ocr"})
    models = sorted(str(s.source.model) for s in store.shapes(item.id, source="model"))
    assert models == ["pp-ocr", "run", "run"]  # old-run's went, the assistant's stayed
    groups = [s.group for s in store.shapes(item.id, source="model") if s.source.model == "run"]
    assert groups[0] == groups[1] and groups[0] not in {p.group for p in person}

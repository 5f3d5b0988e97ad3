"""The project checks (engine.checks) the Train dialog runs before it lets a run start."""
from __future__ import annotations

from pathlib import Path

from engine.checks import (
    blocking,
    check_project,
    suggest_task,
    summarize,
)
from labeltool.core import Box, ImageTag, Polygon, ProjectStore
from tests.conftest import write_image


def _codes(problems):
    return {p.code: p.severity for p in problems}


def _project(tmp_path: Path, n: int = 6) -> ProjectStore:
    for i in range(n):
        write_image(tmp_path / "p" / f"im{i}.png", 40, 30)
    return ProjectStore.open(tmp_path / "p")


def test_empty_project_says_add_images(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with ProjectStore.open(tmp_path / "empty") as store:
        problems = check_project(store.snapshot(), "detect")
    assert _codes(problems) == {"no_images": "error"}
    assert "no images" in problems[0].message


def test_no_labels_blocks_and_points_to_the_task_that_has_them(tmp_path: Path):
    with _project(tmp_path) as store:
        ids = [i.id for i in store.images()]
        store.add_shape(ids[0], ImageTag(label="cat"))
        store.add_shape(ids[1], ImageTag(label="dog"))
        problems = check_project(store.snapshot(), "detect")
    assert blocking(problems)
    (p,) = [p for p in problems if p.code == "no_labels"]
    assert "boxes" in p.message and "image classes" in p.message


def test_classifier_needs_two_classes(tmp_path: Path):
    with _project(tmp_path) as store:
        for item in store.images():
            store.add_shape(item.id, ImageTag(label="cat"))
        problems = check_project(store.snapshot(), "classify")
    assert _codes(problems)["one_class"] == "error"
    assert '"cat"' in next(p.message for p in problems if p.code == "one_class")


def test_class_with_one_example_is_named_but_does_not_block(tmp_path: Path):
    with _project(tmp_path) as store:
        items = store.images()
        for item in items[:-1]:
            store.add_shape(item.id, Box(label="car", x1=1, y1=1, x2=20, y2=20))
        store.add_shape(items[-1].id, Box(label="自行车", x1=1, y1=1, x2=20, y2=20))
        problems = check_project(store.snapshot(), "detect")
    assert not blocking(problems)
    (p,) = [p for p in problems if p.code == "class_one_example"]
    assert p.severity == "warning" and "自行车" in p.message and "car" not in p.message


def test_missing_labelled_images_are_reported(tmp_path: Path):
    with _project(tmp_path, n=4) as store:
        for item in store.images():
            store.add_shape(item.id, Polygon(label="leaf", points=[(1, 1), (20, 1), (10, 20)]))
    (tmp_path / "p" / "im0.png").unlink()
    with ProjectStore.open(tmp_path / "p") as store:  # the scan marks it missing
        problems = check_project(store.snapshot(), "segment")
        assert summarize(store.snapshot(), "segment").labelled_images == 3
    assert _codes(problems)["images_missing"] == "warning"
    assert "1 labelled image(s) are missing" in next(p.message for p in problems if p.code == "images_missing")


def test_all_labelled_images_missing_blocks(tmp_path: Path):
    with _project(tmp_path, n=2) as store:
        for item in store.images():
            store.add_shape(item.id, Box(label="car", x1=1, y1=1, x2=20, y2=20))
    for f in (tmp_path / "p").glob("*.png"):
        f.unlink()
    with ProjectStore.open(tmp_path / "p") as store:
        problems = check_project(store.snapshot(), "detect")
    assert _codes(problems) == {"images_missing": "error"}


def test_one_labelled_image_is_too_few(tmp_path: Path):
    with _project(tmp_path) as store:
        store.add_shape(store.images()[0].id, Box(label="car", x1=1, y1=1, x2=20, y2=20))
        problems = check_project(store.snapshot(), "detect")
    assert _codes(problems)["too_few_images"] == "error"
    assert _codes(problems)["unlabelled"] == "info"


def test_ready_project_has_no_blocking_problem(tmp_path: Path):
    with _project(tmp_path, n=12) as store:
        for k, item in enumerate(store.images()):
            store.add_shape(item.id, ImageTag(label="a" if k % 2 else "b"))
        problems = check_project(store.snapshot(), "classify")
        assert problems == []
        assert "no_validation" in _codes(check_project(store.snapshot(), "classify", val_fraction=0.0))


def test_suggested_task_follows_what_the_project_holds(tmp_path: Path):
    with _project(tmp_path) as store:
        items = store.images()
        snap = store.snapshot()
        assert suggest_task(snap) == "detect"  # nothing yet: the common case
        for item in items[:3]:
            store.add_shape(item.id, Polygon(label="leaf", points=[(1, 1), (20, 1), (10, 20)]))
        assert suggest_task(store.snapshot()) == "segment"
        for item in items:
            store.add_shape(item.id, ImageTag(label="x"))
        assert suggest_task(store.snapshot()) == "classify"
        for item in items:
            store.add_shape(item.id, Box(label="car", x1=1, y1=1, x2=20, y2=20))
            store.add_shape(item.id, Box(label="car", x1=2, y1=2, x2=20, y2=20))
        # Ties on images go to the task listed first (detect).
        assert suggest_task(store.snapshot()) == "detect"

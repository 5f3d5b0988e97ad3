"""The train/validation split (engine.splits): exact counts, stratified by
class, negatives never alone, stable when images are added; the counts
the Train dialog shows; the images a model report evaluates."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.runs import RecordedSplit, RunFolder, runs_root
from engine.samples import Sample, collect
from engine.splits import (MIN_VAL_OBJECTS, SUGGESTION_STEP, count_classes, evaluation_set, split, split_key,
                           summarize_split)
from labeltool.core import Box, ImageStatus, ImageTag, Polygon, ProjectStore
from tests.conftest import write_image


def _box(label: str) -> Box:
    return Box(label=label, x1=1, y1=1, x2=9, y2=9)


def _samples(n: int, start: int = 0, labels: tuple[str, ...] = ("a",)) -> list[Sample]:
    return [Sample(Path(f"/x/img{i}.png"), f"img{i}.png", [_box(c) for c in labels]) for i in range(start, start + n)]


def _negatives(n: int) -> list[Sample]:
    return [Sample(Path(f"/x/neg{i}.png"), f"neg{i}.png", []) for i in range(n)]


def _classes_in(samples: list[Sample]) -> set[str]:
    return {s.label for sample in samples for s in sample.shapes}


def first_hour_project(root: Path) -> Path:
    """The issue's small project: 30 photos, 12 with boxes of two classes
    (face in 8, cup in 5, one with both), 10 marked done with nothing
    drawn, 8 never opened."""
    for i in range(30):
        write_image(root / f"photo{i:02d}.jpg", 40, 30)
    with ProjectStore.open(root) as store:
        items = store.images()
        for i, item in enumerate(items[:12]):
            for label in (["face"] if i < 7 else ["cup"] if i < 11 else ["face", "cup"]):
                store.add_shape(item.id, _box(label))
            store.set_status(item.id, ImageStatus.DONE)
        for item in items[12:22]:
            store.set_status(item.id, ImageStatus.DONE)
    return root


def test_split_takes_exact_counts_by_seeded_rank():
    train, val = split(_samples(100), 0.2, seed=0)
    assert len(val) == 20 and len(train) == 80
    # The 20 validation images are the 20 first by the seeded hash.
    ranked = sorted(_samples(100), key=lambda s: split_key(s.rel, 0))
    assert {s.rel for s in val} == {s.rel for s in ranked[:20]}
    assert [s.rel for s in split(_samples(100), 0.2, seed=0)[1]] == [s.rel for s in val]  # deterministic
    assert {s.rel for s in split(_samples(100), 0.2, seed=1)[1]} != {s.rel for s in val}
    assert [s.rel for s in train] == sorted((s.rel for s in train), key=lambda r: int(r[3:-4]))  # project order


def test_adding_images_moves_few_of_the_old_ones_across():
    for seed in range(5):
        _, val = split(_samples(100), 0.2, seed)
        train2, val2 = split(_samples(150), 0.2, seed)
        assert len(val2) == 30
        old = {f"img{i}.png" for i in range(100)}
        before = {s.rel for s in val}
        after = {s.rel for s in val2} & old
        # Only images near the cut cross it: a few of 100, not a reshuffle.
        assert len(before ^ after) <= 5, (seed, before ^ after)


def test_two_images_keep_one_on_each_side():
    train, val = split(_samples(2), 0.2, seed=0)
    assert len(train) == 1 and len(val) == 1


def test_every_class_in_two_or_more_images_is_validated_and_keeps_one_to_train():
    rare = [Sample(Path(f"/x/r{i}.png"), f"r{i}.png", [_box("rare")]) for i in range(2)]
    single = [Sample(Path("/x/s.png"), "s.png", [_box("single"), _box("a")])]
    samples = _samples(40) + rare + single
    for seed in range(10):
        train, val = split(samples, 0.1, seed)
        assert "rare" in _classes_in(val) and "rare" in _classes_in(train)
        assert "single" in _classes_in(train) and "single" not in _classes_in(val)  # one image: it trains


def test_negatives_never_make_up_validation_alone():
    one_positive = _samples(1) + _negatives(10)
    assert split(one_positive, 0.5, seed=0) == (one_positive, [])
    for seed in range(5):
        train, val = split(_samples(10) + _negatives(10), 0.2, seed)
        assert sum(1 for s in val if s.shapes) == 2 and sum(1 for s in val if not s.shapes) == 2


def test_no_share_no_validation():
    samples = _samples(10)
    assert split(samples, 0.0, seed=0) == (samples, [])


def test_the_first_hour_project_validates_both_classes(tmp_path: Path):
    root = first_hour_project(tmp_path / "photos")
    with ProjectStore.open(root, readonly=True) as store:
        snapshot, stats = store.snapshot(), store.stats()
    for seed in range(10):
        train, val = split(collect(snapshot, "detect")[0], 0.2, seed)
        assert _classes_in(val) == {"face", "cup"}, seed
        assert _classes_in(train) == {"face", "cup"}
        assert 4 <= len(val) <= 6  # about 20 % of 22
    summary = summarize_split(snapshot, "detect", 0.2)
    # The dialog counts as `labeltool stats` does: 12 labelled, the other done ones marked empty.
    assert summary.with_shapes == stats["labelled_images"] == 12
    assert summary.marked_empty == stats["images_by_status"]["done"] - stats["labelled_images"] == 10
    assert summary.counts_message == "12 with shapes, 10 marked empty"
    assert summary.train_images + summary.val_images == 22
    rows = {r.name: r for r in summary.classes}
    assert set(rows) == {"face", "cup"} and all(r.val_objects >= 1 for r in rows.values())
    assert rows["face"].train_objects + rows["face"].val_objects == 8
    assert rows["cup"].train_images + rows["cup"].val_images == 5


def test_the_dialog_suggests_the_smallest_share_that_validates_every_class(tmp_path: Path):
    root = first_hour_project(tmp_path / "photos")
    with ProjectStore.open(root, readonly=True) as store:
        snapshot = store.snapshot()
    summary = summarize_split(snapshot, "detect", 0.2)
    assert summary.short and summary.advice_code == "few_val_objects"
    fraction = summary.suggested_fraction
    assert fraction is not None and 0.2 < fraction <= 0.5
    assert summarize_split(snapshot, "detect", fraction).short == []
    below = round(fraction - SUGGESTION_STEP, 2)
    if below > 0.2:
        assert summarize_split(snapshot, "detect", below).short
    assert summary.advice == (f"Validation would see fewer than {MIN_VAL_OBJECTS} objects of "
                              f"{', '.join(summary.short)}: use {round(100 * fraction)} % for validation.")
    assert summarize_split(snapshot, "detect", fraction).advice == ""
    assert summarize_split(snapshot, "detect", 0.0).advice_code == "no_validation"


def test_a_class_with_one_image_asks_for_more_labels(tmp_path: Path):
    root = tmp_path / "p"
    for i in range(12):
        write_image(root / f"{i:02d}.png", 32, 32)
    with ProjectStore.open(root) as store:
        for i, item in enumerate(store.images()):
            store.add_shape(item.id, _box("common" if i else "once"))
        snapshot = store.snapshot()
    summary = summarize_split(snapshot, "detect", 0.2)
    assert summary.suggested_fraction is None and summary.advice_code == "label_more"
    assert "once" in summary.advice and "label more images" in summary.advice


def test_marked_empty_means_nothing_drawn(tmp_path: Path):
    root = tmp_path / "p"
    for name in ("box.png", "poly_done.png", "tag_done.png", "empty_done.png", "empty_new.png"):
        write_image(root / name, 32, 32)
    with ProjectStore.open(root) as store:
        ids = {i.path: i.id for i in store.images()}
        store.add_shape(ids["box.png"], _box("car"))
        store.add_shape(ids["poly_done.png"], Polygon(label="car", points=[(1, 1), (9, 1), (5, 9)]))
        store.add_shape(ids["tag_done.png"], ImageTag(label="night"))
        for name in ("poly_done.png", "tag_done.png", "empty_done.png"):
            store.set_status(ids[name], ImageStatus.DONE)
        snapshot = store.snapshot()
    # A detector learns from polygons too (as their boxes): the image is a positive, never a negative.
    detect = {s.rel: s for s in collect(snapshot, "detect")[0]}
    assert sorted(detect) == ["box.png", "empty_done.png", "poly_done.png", "tag_done.png"]
    assert [s.kind for s in detect["poly_done.png"].shapes] == ["polygon"] and detect["tag_done.png"].is_negative
    assert sorted(s.rel for s in collect(snapshot, "segment")[0]) == ["empty_done.png", "poly_done.png",
                                                                      "tag_done.png"]


def test_classes_are_stratified_for_a_classifier():
    samples = [Sample(Path(f"/x/{i}.png"), f"{i}.png", [ImageTag(label="rare" if i < 3 else "common")])
               for i in range(40)]
    for seed in range(10):
        train, val = split(samples, 0.2, seed)
        rows = {r.name: r for r in count_classes(train, val, ["common", "rare"])}
        assert rows["rare"].val_images == 1 and rows["rare"].train_images == 2
        assert rows["common"].val_images == 7  # round(0.2 * 37)


def test_the_report_evaluates_the_recorded_validation_images(tmp_path: Path):
    root = first_hour_project(tmp_path / "photos")
    with ProjectStore.open(root, readonly=True) as store:
        snapshot = store.snapshot()
    run = runs_root(root) / "20250101-000000-fasterrcnn_mobilenet_v3_large_320_fpn"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"task": "detect", "model": "x", "val_fraction": 0.2, "seed": 0}),
                                     encoding="utf-8")
    classes = ["face", "cup"]
    # A run from before split.json: its split is computed again.
    again = evaluation_set(snapshot, "detect", classes, run)
    assert again.source == "recomputed"
    assert [s.rel for s in again.samples] == [s.rel for s in split(collect(snapshot, "detect")[0], 0.2, 0)[1]]
    # A recorded split wins, whatever the share says now; images gone from the labels are counted.
    samples = collect(snapshot, "detect")[0]
    chosen = [samples[0].rel, samples[5].rel, "photo29.jpg"]  # the last is not labelled
    RunFolder(run).write_split(RecordedSplit(train=[s.rel for s in samples[6:]], val=chosen, val_fraction=0.2))
    assert RunFolder(run).validation_images() == chosen
    recorded = evaluation_set(snapshot, "detect", classes, run)
    assert recorded.source == "recorded" and recorded.gone == 1
    assert [s.rel for s in recorded.samples] == chosen[:2]
    assert len(recorded.train) == len(samples) - 6
    # No run folder (an exported model): every labelled image.
    assert evaluation_set(snapshot, "detect", classes, tmp_path).source == "labelled"
    RunFolder(run).write_split(RecordedSplit(train=[s.rel for s in samples]))
    assert evaluation_set(snapshot, "detect", classes, run).source == "training"


@pytest.mark.parametrize("text", ["{not json", '{"val": 3}', "[]"])
def test_an_unreadable_split_file_is_no_split(tmp_path: Path, text: str):
    (tmp_path / "split.json").write_text(text, encoding="utf-8")
    assert RunFolder(tmp_path).validation_images() is None


def test_the_dialog_side_imports_no_torch():
    # The Train dialog counts the split the moment it opens: no seconds of torch for that.
    import os
    import subprocess
    import sys

    from tests.test_layers import BLOCK, REPO

    code = BLOCK.format(blocked=["torch", "torchvision"]) + (
        "import engine.splits, engine.metric_info, engine.runs, engine.models.catalog\nprint('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.stdout.strip() == "ok", out.stderr[-2000:]

"""The dataset's own split: a run on an imported COCO train/val dataset
validates on exactly the imported val images, evaluates the project's test
images once at the end, and says so in split.json; ``--split auto`` splits
again, ``--split stored`` asks for one."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.config import TrainConfig
from engine.errors import ConfigError
from engine.events import EpochEnd, TestEnd, TrainEnd
from engine.run import train
from engine.runs import RunFolder
from engine.samples import collect
from engine.splits import choose_split, summarize_split
from labeltool.core import ProjectStore
from labeltool.formats.project_io import export_from, import_into

from .synth import instance_project


def _detect(**changes) -> TrainConfig:
    base = dict(task="detect", model="fasterrcnn_mobilenet_v3_large_320_fpn", epochs=1, max_steps=2, batch_size=2,
                img_size=64, device="cpu", pretrained=False, workers=0, predictions_every_epoch=0)
    return TrainConfig(**{**base, **changes})


@pytest.fixture
def imported(tmp_path: Path) -> tuple[Path, set[str], set[str]]:
    """A COCO dataset written with train and val files, imported into a new
    project; two of its train images then put in test by hand."""
    src = instance_project(tmp_path / "src", n=12, size=64)
    with ProjectStore.open(src) as store:
        export_from(store, "coco", tmp_path / "coco", split=0.6)
    assert {p.name for p in (tmp_path / "coco" / "annotations").iterdir()} == {"instances_train.json",
                                                                               "instances_val.json"}
    project = tmp_path / "project"
    project.mkdir()
    with ProjectStore.open(project) as store:
        import_into(store, "coco", tmp_path / "coco")
        items = store.images()
        for item in [i for i in items if i.split == "train"][:2]:
            store.set_split(item.id, "test")
        items = store.images()
    val = {i.path for i in items if i.split == "val"}
    test = {i.path for i in items if i.split == "test"}
    assert len(items) == 12 and len(val) >= 2 and len(test) == 2
    return project, val, test


def test_a_run_validates_on_the_imported_val_set_and_tests_once_at_the_end(imported, recorder):
    project, val, test = imported
    with ProjectStore.open(project, readonly=True) as store:
        snapshot = store.snapshot()
    summary = summarize_split(snapshot, "detect", 0.2)
    assert (summary.source, summary.val_images, summary.test_images) == ("stored", len(val), 2)
    assert summary.train_images == 12 - len(val) - 2 and not summary.val_split_off
    assert summary.source_message == f"The project's own split: validation on its {len(val)} val images, 2 test " \
                                     "images evaluated once at the end."

    result = train(project, _detect(), [recorder])
    assert result.reason == "finished", result.message
    recorded = RunFolder(result.run_dir).recorded_split()
    assert recorded.source == "stored" and set(recorded.val) == val and set(recorded.test) == test
    assert not (set(recorded.train) & (val | test)) and len(recorded.train) == 12 - len(val) - 2
    assert recorder.start.val_images == len(val) and recorder.start.train_images == len(recorded.train)
    # The test images: once, after the last epoch, with the model the run keeps.
    assert not recorder.logs("warning")
    [tested] = recorder.of(TestEnd)
    events = [type(e) for e in recorder.events]
    assert events.index(TestEnd) > max(i for i, e in enumerate(events) if e is EpochEnd)
    assert events.index(TestEnd) < events.index(TrainEnd)
    assert tested.images == 2 and tested.checkpoint == "best.pt" and set(tested.metrics) == {"map50", "map"}
    lines = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines()]
    assert [line["event"] for line in lines].count("TestEnd") == 1
    assert any("the project's own split" in m for m in recorder.logs("info"))


def test_split_auto_splits_again_and_split_stored_needs_a_split(imported, tmp_path):
    project, val, test = imported
    result = train(project, _detect(split="auto", val_fraction=0.25))
    recorded = RunFolder(result.run_dir).recorded_split()
    assert recorded.source == "seeded" and len(recorded.val) == 3 and not recorded.test
    assert set(recorded.val) != val  # the seeded split, not the imported one (checked to differ here)

    plain = instance_project(tmp_path / "plain", n=6, size=64)
    with ProjectStore.open(plain, readonly=True) as store:
        samples = collect(store.snapshot(), "detect")[0]
    assert choose_split(samples, None, 0.2, 0).source == "seeded"  # no split of its own: split by the share
    with pytest.raises(ConfigError, match="no split of its own"):
        choose_split(samples, "stored", 0.2, 0)
    result = train(plain, _detect(split="stored"))
    assert result.reason == "error" and "--split auto" in result.message


def test_a_stored_split_without_val_images_validates_a_share_of_its_training_images(imported):
    project, val, test = imported
    with ProjectStore.open(project) as store:
        for item in store.images():
            if item.split == "val":
                store.set_split(item.id, None)  # now in no split: trained on
        samples = collect(store.snapshot(), "detect")[0]
    chosen = choose_split(samples, None, 0.25, 0)
    assert chosen.source == "stored" and chosen.val_split_off and {s.rel for s in chosen.test} == test
    assert len(chosen.val) == 3 and not ({s.rel for s in chosen.val} & test)  # a quarter of the other ten
    assert chosen.unassigned == len(val) and any("no val images" in n for n in chosen.notes)


def test_the_command_line_chooses_the_split_and_the_instance_task():
    import argparse

    from engine.cli import add_train_arguments, config_from_args

    parser = argparse.ArgumentParser()
    add_train_arguments(parser)
    config = config_from_args(parser.parse_args(["p", "--task", "instance", "--device", "cpu"]))
    assert (config.task, config.model, config.split, config.batch_size) == ("instance", "maskrcnn_resnet50_fpn",
                                                                          None, 2)
    assert config_from_args(parser.parse_args(["p", "--task", "detect", "--split", "stored"])).split == "stored"
    with pytest.raises(SystemExit):
        parser.parse_args(["p", "--split", "random"])

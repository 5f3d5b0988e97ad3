"""What a run tells while and after it runs, checked on real tiny runs:
counters that follow the step limit, time since the run began, the
recorded split, undefined metrics in words, and what it keeps on disk."""
from __future__ import annotations

import math
import os

import numpy as np
from PIL import Image

from engine.checkpoint import load_checkpoint
from engine.events import EpochEnd, Step
from engine.metric_info import METRICS, describe_metric
from engine.run import train
from engine.runs import RunFolder
from engine.splits import evaluation_set
from labeltool.core import ImageTag, ProjectStore

from .conftest import Recorder, tiny_config


def test_counters_follow_the_step_limit_and_time_runs_on_across_epochs_and_resume(tiny_classify, recorder):
    # 40 images, 8 kept for validation: 32 / batch 8 = 4 steps an epoch; 6 steps end the run in epoch 2.
    first = train(tiny_classify, tiny_config(epochs=100, max_steps=6), [recorder])
    assert first.reason == "finished", first.message
    assert recorder.start.epochs == 2 and recorder.start.config["epochs"] == 100
    assert max(s.epoch for s in recorder.steps) + 1 == recorder.start.epochs
    assert recorder.end.epochs_done == 2 == len(recorder.of(EpochEnd))
    times = [e.elapsed_s for e in recorder.events if isinstance(e, (Step, EpochEnd))]
    assert times == sorted(times) and times[0] > 0  # one clock for the run, not one per epoch
    assert recorder.end.elapsed_s >= times[-1]
    assert all(s.eta_s is not None and s.eta_s >= 0 for s in recorder.steps) and recorder.steps[-1].eta_s == 0

    again = Recorder()
    second = train(tiny_classify, tiny_config(epochs=3, resume=str(first.run_dir)), [again])
    assert second.reason == "finished", second.message
    assert (again.start.start_epoch, again.start.epochs, again.end.epochs_done) == (2, 3, 3)
    # The earlier part's time (as saved with last.pt) counts on.
    assert 0 < again.start.elapsed_s <= recorder.end.elapsed_s
    assert again.steps[0].elapsed_s > again.start.elapsed_s


def test_the_run_records_its_split_and_keeps_it_when_resumed(tiny_classify, recorder):
    first = train(tiny_classify, tiny_config(epochs=1, max_steps=2), [recorder])
    run = RunFolder(first.run_dir)
    val = run.validation_images()
    recorded = run.recorded_split()
    assert val and len(val) == recorder.start.val_images == 8  # 20 % of each class of 20
    assert len(recorded.train) == recorder.start.train_images == 32 and not set(val) & set(recorded.train)
    # Labels added since: they train; the validation images stay those of the run.
    rng = np.random.default_rng(0)
    for i in range(4):
        Image.fromarray(rng.integers(0, 255, (32, 32, 3), dtype=np.uint8)).save(tiny_classify / f"new{i}.png")
    with ProjectStore.open(tiny_classify) as store:
        for item in store.images():
            if item.path.startswith("new"):
                store.add_shape(item.id, ImageTag(label="red"))
        snapshot = store.snapshot()
    second = train(tiny_classify, tiny_config(epochs=2, resume=str(first.run_dir)))
    assert second.reason == "finished", second.message
    assert run.validation_images() == val
    assert {f"new{i}.png" for i in range(4)} <= set(run.recorded_split().train)
    # The model report evaluates exactly these images.
    report = evaluation_set(snapshot, "classify", ["red", "blue"], first.run_dir)
    assert report.source == "recorded" and [s.rel for s in report.samples] == val


def test_undefined_metrics_are_named_with_a_reason(tiny_classify, recorder):
    result = train(tiny_classify, tiny_config(epochs=1, val_fraction=0.0), [recorder])
    assert result.reason == "finished", result.message
    [epoch] = recorder.of(EpochEnd)
    assert epoch.metrics == {} and epoch.undefined == {"accuracy": "no_val_images"}
    assert describe_metric("accuracy", epoch.metrics.get("accuracy"), epoch.undefined["accuracy"]) == \
        "accuracy: not measured: no validation images"
    assert not (result.run_dir / "best.pt").exists()


def test_every_metric_a_run_reports_has_a_kind(tiny_classify, recorder):
    train(tiny_classify, tiny_config(epochs=1), [recorder])
    [epoch] = recorder.of(EpochEnd)
    assert epoch.undefined == {}
    names = set(epoch.metrics) | {k for row in epoch.per_class.values() for k in row}
    assert names and names <= set(METRICS)
    for name, value in epoch.metrics.items():
        text = describe_metric(name, value)
        assert "nan" not in text and METRICS[name].label in text
        if METRICS[name].kind == "fraction":
            assert 0 <= value <= 1


def _optimizer_bytes(path) -> int:
    state = load_checkpoint(path).get("optimizer") or {"state": {}}
    return sum(v.numel() * v.element_size() for s in state["state"].values() for v in s.values()
               if hasattr(v, "numel"))


def test_a_finished_run_keeps_weights_only_and_a_stopped_one_can_resume(tiny_classify, recorder):
    from engine.events import CancelToken

    from .test_control import CancelAt

    finished = train(tiny_classify, tiny_config(epochs=1), [recorder])
    assert finished.reason == "finished", finished.message
    folder = RunFolder(finished.run_dir)
    last, best = folder.last_checkpoint, folder.best_checkpoint
    assert "optimizer" not in load_checkpoint(last)
    # The one epoch is the best: last.pt is best.pt's file under a second name, counted once.
    assert load_checkpoint(best)["step"] == load_checkpoint(last)["step"]
    assert os.path.samefile(last, best)
    files = [p for p in finished.run_dir.rglob("*") if p.is_file()]
    assert folder.size_bytes() == sum(p.stat().st_size for p in files) - best.stat().st_size
    assert folder.size_bytes() < 1.1 * best.stat().st_size  # weights once; the rest is small

    token = CancelToken()
    stopped = train(tiny_classify, tiny_config(epochs=3), [CancelAt(token, 5)], cancel=token)
    assert stopped.reason == "cancelled"
    weights = sum(v.numel() * v.element_size() for v in load_checkpoint(stopped.run_dir / "last.pt")["state_dict"]
                  .values())
    assert _optimizer_bytes(stopped.run_dir / "last.pt") > 0.5 * weights  # SGD momentum: resume exactly
    resumed = train(tiny_classify, tiny_config(epochs=3, resume=str(stopped.run_dir)))
    assert resumed.reason == "finished" and resumed.last_step == 12
    assert "optimizer" not in load_checkpoint(stopped.run_dir / "last.pt")
    assert math.isfinite(load_checkpoint(stopped.run_dir / "last.pt")["elapsed_s"])

"""How a run ends: cancel, NaN, resume, broken listeners and inputs, no labels."""
from __future__ import annotations

import json

import pytest
import torch

from engine.checkpoint import load_checkpoint
from engine.events import Callback, CancelToken, EpochEnd, Step, TrainStart, event_from_json
from engine.run import train
from engine.runs import list_runs, read_metrics

from .conftest import tiny_config


class CancelAt(Callback):
    def __init__(self, token: CancelToken, step: int):
        self.token, self.step = token, step

    def on_step(self, e: Step) -> None:
        if e.step == self.step:
            self.token.cancel()


def test_cancel_stops_within_one_step_and_keeps_last_checkpoint(tiny_classify, recorder):
    token = CancelToken()
    result = train(tiny_classify, tiny_config(epochs=5), [CancelAt(token, 3), recorder], cancel=token)
    assert result.reason == "cancelled" and result.last_step == 3
    assert [e.step for e in recorder.steps] == [1, 2, 3]
    assert load_checkpoint(result.run_dir / "last.pt")["step"] == 3
    assert recorder.events[-1] is recorder.end


def test_nan_loss_stops_cleanly_and_keeps_the_last_good_checkpoint(tiny_classify, recorder):
    # 32 train images / batch 8 = 4 steps an epoch; poison step 6 (in epoch 2).
    cfg = tiny_config(epochs=4, extra={"debug_nan_at_step": 6})
    result = train(tiny_classify, cfg, [recorder])
    assert result.reason == "nan", result.message
    assert result.last_step == 5 and "learning rate" in result.message
    last = load_checkpoint(result.run_dir / "last.pt")
    assert last["step"] == 4  # the end of epoch 1: nothing after the NaN was saved
    assert all(torch.isfinite(v).all() for v in last["state_dict"].values() if v.is_floating_point())
    assert recorder.end.reason == "nan"


def test_resume_continues_the_global_step_count(tiny_classify, recorder):
    first = train(tiny_classify, tiny_config(epochs=3, max_steps=6))
    assert first.reason == "finished" and first.last_step == 6
    cfg = tiny_config(epochs=3, resume=str(first.run_dir))
    second = train(tiny_classify, cfg, [recorder])
    assert second.reason == "finished" and second.run_dir == first.run_dir
    assert recorder.start.start_step == 6
    steps = [e.step for e in recorder.steps]
    assert steps[0] == 7 and steps == list(range(7, second.last_step + 1))
    assert load_checkpoint(first.run_dir / "last.pt")["step"] == second.last_step
    # One metrics file holds both parts of the run, steps increasing.
    logged = [e["step"] for e in read_metrics(first.run_dir) if e["event"] == "Step"]
    assert logged == sorted(logged) and logged[0] == 1 and logged[-1] == second.last_step
    [info] = list_runs(tiny_classify)
    assert info.status == "finished" and info.task == "classify" and info.last_step == second.last_step


class Broken(Callback):
    def on_step(self, e: Step) -> None:
        if e.step == 2:
            raise RuntimeError("listener bug")


def test_a_failing_listener_ends_the_run_with_error_and_train_end_still_fires(tiny_classify, recorder):
    result = train(tiny_classify, tiny_config(), [Broken(), recorder])
    assert result.reason == "error" and "listener bug" in result.message
    assert result.last_step == 2 and recorder.end.reason == "error"


def test_unreadable_image_is_skipped_with_a_warning(tiny_classify, recorder):
    bad = sorted((tiny_classify / "red").glob("*.png"))[0]
    bad.write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    cfg = tiny_config(epochs=2, val_fraction=0.0001)  # (almost) all images train
    result = train(tiny_classify, cfg, [recorder])
    assert result.reason == "finished", result.message
    warnings = [m for m in recorder.logs("warning") if "unreadable" in m]
    assert len(warnings) == 1 and bad.name in warnings[0]  # once, though seen every epoch


def test_nothing_labelled_for_the_task_is_a_clear_error(tiny_classify, recorder):
    result = train(tiny_classify, tiny_config(task="detect", model="fasterrcnn_mobilenet_v3_large_320_fpn"),
                   [recorder])
    assert result.reason == "error" and result.run_dir is None
    assert "no boxes" in result.message and recorder.end.reason == "error"


def test_metrics_file_lines_are_typed_events(tiny_classify):
    result = train(tiny_classify, tiny_config(epochs=2))
    lines = (result.run_dir / "metrics.jsonl").read_text(encoding="utf-8").splitlines()
    events = [event_from_json(line) for line in lines]
    assert isinstance(events[0], TrainStart)
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert len(epochs) == 2 and "accuracy" in epochs[-1].metrics and epochs[-1].confusion is not None
    config = json.loads((result.run_dir / "config.json").read_text(encoding="utf-8"))
    assert config["classes"] == ["red", "blue"] or sorted(config["classes"]) == ["blue", "red"]
    assert (result.run_dir / "best.pt").exists() and (result.run_dir / "last.pt").exists()
    with pytest.raises(Exception):
        torch.load(result.run_dir / "last.pt", weights_only=True)["nothing"]


def test_out_of_memory_is_reported_with_a_smaller_batch(tiny_classify, recorder, monkeypatch):
    # A CPU cannot run out of memory politely, so the step raises what CUDA
    # raises (torch.OutOfMemoryError) at step 2.
    from engine.tasks import ClassificationTask

    real = ClassificationTask.loss
    calls = []

    def loss(self, model, batch):
        calls.append(1)
        if len(calls) == 2:
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB")
        return real(self, model, batch)

    monkeypatch.setattr(ClassificationTask, "loss", loss)
    result = train(tiny_classify, tiny_config(batch_size=8), [recorder])
    assert result.reason == "oom" and result.last_step == 1
    assert "--batch 4" in result.message and recorder.end.reason == "oom"


def test_trains_while_the_window_holds_the_project_open(tiny_classify, recorder):
    from labeltool.core import ImageTag, ProjectStore

    with ProjectStore.open(tiny_classify) as store:  # the write lock, as the GUI holds it
        result = train(tiny_classify, tiny_config(epochs=1, max_steps=2), [recorder])
        assert result.reason == "finished", result.message
        # Labelling goes on meanwhile; the next run sees it, this one trained on its snapshot.
        store.add_shape(store.images()[0].id, ImageTag(label="green"))
    assert recorder.start.classes == ["red", "blue"] or sorted(recorder.start.classes) == ["blue", "red"]

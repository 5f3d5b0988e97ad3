"""TensorBoard event files of a run, read back with TensorBoard's own reader."""
from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from engine.callbacks import tensorboard_or_none
from engine.events import Callback, CancelToken, EpochEnd, Step, event_from_json
from engine.run import train

from .conftest import tiny_config
from .synth import classification_project
from .test_cli import _run_in_own_group


def _scalars(run_dir: Path) -> dict[str, list[tuple[int, float]]]:
    acc = EventAccumulator(str(run_dir), size_guidance={"scalars": 0})  # 0: keep every point
    acc.Reload()
    return {tag: [(e.step, e.value) for e in acc.Scalars(tag)] for tag in acc.Tags()["scalars"]}


def _open_writers() -> list[threading.Thread]:
    # Each open SummaryWriter keeps one of these threads; close() ends it.
    return [t for t in threading.enumerate() if type(t).__name__ == "_AsyncWriterThread" and t.is_alive()]


def _event_files(run_dir: Path) -> list[Path]:
    return sorted(run_dir.glob("events.out.tfevents.*"))


def test_run_writes_loss_lr_and_validation_metrics_per_step(tiny_classify, recorder):
    # 32 training images at batch 8: 4 steps an epoch, 8 in all.
    result = train(tiny_classify, tiny_config(epochs=2), [recorder])
    assert result.reason == "finished", result.message
    assert len(_event_files(result.run_dir)) == 1 and not _open_writers()
    got = _scalars(result.run_dir)
    steps = recorder.steps
    assert [s.step for s in steps] == list(range(1, 9))
    assert {"train/loss", "train/lr", "train/ce", "val/accuracy", "val/val_loss"} <= set(got)
    for tag, field in (("train/loss", "loss"), ("train/lr", "lr")):
        assert [step for step, _ in got[tag]] == [s.step for s in steps]
        assert [v for _, v in got[tag]] == pytest.approx([getattr(s, field) for s in steps], rel=1e-6)
    epochs = recorder.of(EpochEnd)
    assert [step for step, _ in got["val/accuracy"]] == [e.step for e in epochs] == [4, 8]
    assert [v for _, v in got["val/accuracy"]] == pytest.approx([e.metrics["accuracy"] for e in epochs])


def test_resumed_run_continues_the_same_curves(tiny_classify):
    first = train(tiny_classify, tiny_config(epochs=2, max_steps=4))
    second = train(tiny_classify, tiny_config(epochs=2, resume=str(first.run_dir)))
    assert second.reason == "finished" and second.run_dir == first.run_dir and second.last_step == 8
    got = _scalars(first.run_dir)
    assert [step for step, _ in got["train/loss"]] == list(range(1, 9))  # each step once, in order
    assert [step for step, _ in got["val/accuracy"]] == [4, 8]


class _Stop(Callback):
    """Ends the run at ``step`` the way ``how`` says."""

    def __init__(self, how: str, token: CancelToken, step: int = 3):
        self.how, self.token, self.step = how, token, step

    def on_step(self, e: Step) -> None:
        if e.step == self.step:
            if self.how == "cancel":
                self.token.cancel()
            elif self.how == "error":
                raise RuntimeError("listener bug")


@pytest.mark.parametrize("how, reason", [("cancel", "cancelled"), ("nan", "nan"), ("error", "error")])
def test_writer_is_closed_however_the_run_ends(tiny_classify, how, reason):
    token = CancelToken()
    extra = {"debug_nan_at_step": 4} if how == "nan" else {}
    result = train(tiny_classify, tiny_config(epochs=3, extra=extra), [_Stop(how, token)], cancel=token)
    assert result.reason == reason, result.message
    assert not _open_writers()
    # Every step that happened is in the file, nothing after: the close flushed it.
    logged = [step for step, _ in _scalars(result.run_dir)["train/loss"]]
    assert logged == list(range(1, result.last_step + 1)) and logged[-1] == 3


def test_without_tensorboard_the_run_trains_and_writes_no_event_files(tiny_classify, recorder, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)  # what `import` sees when it is missing
    result = train(tiny_classify, tiny_config(epochs=1), [recorder])
    assert result.reason == "finished", result.message
    assert recorder.steps and not _event_files(result.run_dir)


def test_missing_tensorboard_is_one_warning_with_the_reason(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    logs: list = []
    assert tensorboard_or_none(tmp_path, logs) is None
    [log] = logs
    assert log.level == "warning" and "TensorBoard" in log.message and "pip install tensorboard" in log.message
    assert not list(tmp_path.iterdir())


def test_a_run_without_tensorboard_says_so_once(tiny_classify, recorder, monkeypatch):
    monkeypatch.setitem(sys.modules, "torch.utils.tensorboard", None)
    result = train(tiny_classify, tiny_config(epochs=2), [recorder])
    assert result.reason == "finished", result.message
    assert len([m for m in recorder.logs("warning") if "TensorBoard" in m]) == 1


@pytest.mark.slow
def test_under_torchrun_only_rank_0_writes_event_files(tmp_path):
    root = classification_project(tmp_path / "proj", n=16, size=32)
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "engine",
           "train", str(root), "--model", "resnet18", "--epochs", "1", "--batch", "4", "--img-size", "32",
           "--device", "cpu", "--no-pretrained", "--workers", "0", "--events", "jsonl"]
    proc = _run_in_own_group(cmd, {**os.environ, "OMP_NUM_THREADS": "1"}, timeout=240)
    assert proc.returncode == 0, proc.stderr[-3000:]
    steps = [e.step for e in map(event_from_json, (ln for ln in proc.stdout.splitlines() if ln.startswith("{")))
             if isinstance(e, Step)]
    [run_dir] = list((root / ".labeltool" / "runs").iterdir())
    assert len(_event_files(run_dir)) == 1
    assert [step for step, _ in _scalars(run_dir)["train/loss"]] == steps and steps
    assert json.loads((run_dir / "config.json").read_text(encoding="utf-8"))["world_size"] == 2

"""``labeltool train`` / ``labeltool predict`` and ``torchrun -m engine``."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import pytest

from engine.__main__ import main as engine_main
from engine.events import Step, TrainEnd, TrainStart, event_from_json
from engine.runs import list_runs
from labeltool.app.cli import main
from labeltool.core import ImageTag, ProjectStore
from labeltool.core.shapes import Source, TextRegion

from .synth import classification_project

TINY = ["--epochs", "1", "--batch", "8", "--img-size", "32", "--device", "cpu", "--no-pretrained", "--workers", "0"]


def test_train_then_predict_to_labelme_and_into_the_project(tiny_classify, tmp_path, capsys):
    assert main(["train", str(tiny_classify), "--task", "classify", "--model", "resnet18", *TINY]) == 0
    out = capsys.readouterr().out
    assert "training resnet18 (classify, 2 classes" in out
    assert "epoch 1/1  step 4" in out and "accuracy" in out and "finished" in out
    [run] = list_runs(tiny_classify)
    assert run.status == "finished" and run.model == "resnet18"

    red = sorted((tiny_classify / "red").glob("*.png"))[:3]
    assert main(["predict", str(run.run_dir), *map(str, red), "--out", str(tmp_path / "out"), "--score", "0",
                 "--device", "cpu"]) == 0
    from labeltool.formats import labelme

    for image in red:
        record, notes = labelme.read_file(tmp_path / "out" / image.with_suffix(".json").name)
        assert record.path == image.name and not notes
        [tag] = record.shapes  # a classification comes back as a labelme flag
        assert isinstance(tag, ImageTag) and tag.label in ("red", "blue")
    # The engine's own entry (no labeltool.app) predicts the same.
    assert engine_main(["predict", str(run.run_dir), *map(str, red), "--out", str(tmp_path / "engine"),
                        "--score", "0", "--device", "cpu"]) == 0
    for image in red:
        name = image.with_suffix(".json").name
        assert (tmp_path / "engine" / name).read_text(encoding="utf-8") == \
            (tmp_path / "out" / name).read_text(encoding="utf-8")
    assert engine_main(["predict", str(run.run_dir), str(tmp_path / "nope.png")]) == 1
    assert "nope.png does not exist" in capsys.readouterr().err

    # PP-OCR's reading of one image is an assistant's work to review: a run's predictions leave it.
    with ProjectStore.open(tiny_classify) as store:
        first_blue = next(i for i in store.images() if i.path.startswith("blue/"))
        store.add_shape(first_blue.id, TextRegion(label="text", points=[(1, 1), (9, 1), (9, 5), (1, 5)],
                                                  transcription="ok", source=Source("model", "pp-ocr", 0.9)))
        store.add_shape(first_blue.id, ImageTag(label="red", source=Source("model", "older-run", 0.7)))
    assert main(["predict", str(run.run_dir), str(tiny_classify / "blue"), "--into-project", "--score", "0",
                 "--device", "cpu"]) == 0
    assert main(["predict", str(run.run_dir), str(tiny_classify / "blue"), "--into-project", "--score", "0",
                 "--device", "cpu"]) == 0  # again: replaces, does not pile up
    with ProjectStore.open(tiny_classify, readonly=True) as store:
        blue = [i for i in store.images() if i.path.startswith("blue/")]
        for item in blue:
            model_shapes = store.shapes(item.id, source="model")
            kept = ["pp-ocr"] if item.id == first_blue.id else []  # "older-run"'s went
            assert sorted(s.source.model for s in model_shapes) == sorted([run.name] + kept)
            assert [s.label for s in store.shapes(item.id, source="human")] == ["blue"]


def test_train_resume_from_the_cli_continues_the_steps(tiny_classify, capsys):
    assert main(["train", str(tiny_classify), "--model", "resnet18", *TINY]) == 0
    [run] = list_runs(tiny_classify)
    assert main(["train", str(tiny_classify), "--resume", run.name, "--epochs", "2"]) == 0
    out = capsys.readouterr().out
    assert "resuming at step 4" in out and "epoch 2/2  step 8" in out


def test_cli_errors_are_one_line_messages(tiny_classify, capsys):
    assert main(["train", str(tiny_classify), "--task", "detect", "--model", "resnet18", *TINY]) == 1
    assert "resnet18 is a classify model" in capsys.readouterr().err
    assert main(["train", str(tiny_classify), "--task", "segment", *TINY]) == 1  # no polygons: the end says so
    err = capsys.readouterr().err
    assert "no polygons or masks" in err and "Traceback" not in err


def _run_in_own_group(cmd: list[str], env: dict, timeout: float) -> subprocess.CompletedProcess:
    """Run ``cmd`` in a process group of its own and kill the whole group on a
    time-out: torchrun's workers outlive a killed launcher, and orphaned
    ranks blocked in gloo would burn the machine for the rest of the suite."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"torchrun did not finish in {timeout} s:\n{err[-3000:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


@pytest.mark.slow
def test_torchrun_two_cpu_ranks_train_and_stop_together_on_a_nan(tmp_path):
    """Two gloo ranks under torchrun: rank 1 alone sees a NaN at step 3; both
    stop (no rank waits forever), rank 0 alone writes one run folder."""
    root = classification_project(tmp_path / "proj", n=24, size=32)
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2", "-m", "engine",
           "train", str(root), "--model", "resnet18", "--epochs", "3", "--batch", "4", "--img-size", "32",
           "--device", "cpu", "--no-pretrained", "--workers", "0", "--events", "jsonl",
           "--extra", json.dumps({"debug_nan_at_step": 3, "debug_nan_rank": 1})]
    proc = _run_in_own_group(cmd, env, timeout=240)
    events = [event_from_json(line) for line in proc.stdout.splitlines() if line.startswith('{"event"')]
    assert events, proc.stderr[-3000:]
    start = [e for e in events if isinstance(e, TrainStart)]
    ends = [e for e in events if isinstance(e, TrainEnd)]
    assert len(start) == 1 and len(ends) == 1, proc.stderr[-3000:]  # rank 0 alone speaks
    # 20 train images over 2 ranks at batch 4: 2 steps an epoch (one rank alone would take 5).
    assert start[0].steps_per_epoch == 2
    assert [e.step for e in events if isinstance(e, Step)] == [1, 2]
    assert ends[0].reason == "nan" and ends[0].step == 2 and "nan at step 3 on another process" in ends[0].message
    assert proc.returncode != 0  # the run did not finish
    runs = list((root / ".labeltool" / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "last.pt").exists()

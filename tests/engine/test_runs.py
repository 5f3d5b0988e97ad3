"""Run folders (engine.runs): what a run's files say, which checkpoint
predicts, which run a project means, and the active model of a project,
kept in the store's meta table. Torch-free: the folders are written by
hand as engine.run writes them."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine.errors import CheckpointError, ConfigError
from engine.runs import (
    ACTIVE_RUN_KEY, RunFolder, active_run, default_run, delete_run, find_run, list_runs, resolve_run, runs_root,
    set_active_run,
)
from labeltool.core import ProjectStore


def test_meta_set_get_overwrite_delete(store: ProjectStore):
    assert store.get_meta("active_run") is None
    assert store.get_meta("x", "fallback") == "fallback"
    store.set_meta("x", "1")
    store.set_meta("x", "二")
    assert store.get_meta("x") == "二"
    store.set_meta("x", None)
    assert store.get_meta("x") is None


def test_meta_survives_reopen_and_reads_read_only(image_folder: Path):
    with ProjectStore.open(image_folder) as s:
        s.set_meta("k", "v")
    with ProjectStore.open(image_folder, readonly=True) as s:
        assert s.get_meta("k") == "v"


def test_active_run_is_kept_relative_and_forgotten_when_its_folder_goes(store: ProjectStore):
    run = store.root / ".labeltool" / "runs" / "20250101-000000-resnet18"
    run.mkdir(parents=True)
    assert active_run(store) is None
    set_active_run(store, run)
    assert store.get_meta(ACTIVE_RUN_KEY) == ".labeltool/runs/20250101-000000-resnet18"
    assert active_run(store) == run
    run.rmdir()
    assert active_run(store) is None
    set_active_run(store, None)
    assert store.get_meta(ACTIVE_RUN_KEY) is None


def _ended_pid() -> int:
    """The pid of a process that has ended: a run whose trainer is gone."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _fake_run(root: Path, name: str, created: str, task: str = "classify", events: list[dict] | None = None) -> Path:
    """A run folder as engine.run writes it (config.json, metrics.jsonl), without training."""
    run = runs_root(root) / name
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"task": task, "model": "resnet18", "created": created,
                                                 "classes": ["猫", "dog"], "epochs": 3, "pid": _ended_pid()}),
                                     encoding="utf-8")
    with open(run / "metrics.jsonl", "w", encoding="utf-8") as f:
        for e in events or []:
            f.write(json.dumps({"event": e.pop("event"), "data": e}) + "\n")
        f.write('{"event": "Step", "data": {"st')  # a line cut short by a killed process
    return run


def test_run_folder_reads_config_status_best_and_project(store: ProjectStore):
    run = _fake_run(store.root, "20250101-000000-resnet18", "2025-01-01T00:00:00", events=[
        {"event": "TrainStart", "step": 0},
        {"event": "EpochEnd", "step": 4, "is_best": True, "metrics": {"accuracy": 0.5}},
        {"event": "EpochEnd", "step": 8, "is_best": False, "metrics": {"accuracy": 0.4}}])
    folder = RunFolder(str(run))
    assert folder.name == run.name and folder.is_run() and folder.project_root == store.root.resolve()
    assert folder.train_config().epochs == 3 and folder.config()["classes"] == ["猫", "dog"]
    info = folder.info()
    assert info is not None and (info.best_metric, info.last_step, info.task) == (0.5, 8, "classify")
    assert info.status == "interrupted"  # no TrainEnd and its process is gone
    with open(run / "metrics.jsonl", "a", encoding="utf-8") as f:
        f.write('\n{"event": "TrainEnd", "data": {"reason": "finished", "best_metric": 0.75, "step": 12}}\n')
    assert folder.info().status == "finished" and folder.info().best_metric == 0.75
    outside = store.root / "elsewhere"
    outside.mkdir()
    assert RunFolder(outside).project_root is None and RunFolder(outside).info() is None


def test_checkpoint_to_predict_with_is_best_else_last_else_the_one_named(tmp_path: Path):
    folder = RunFolder(tmp_path)
    with pytest.raises(CheckpointError, match="no best.pt or last.pt"):
        folder.checkpoint()
    folder.last_checkpoint.write_bytes(b"x")
    assert folder.checkpoint() == folder.last_checkpoint and folder.has_checkpoint()
    folder.best_checkpoint.write_bytes(b"x")
    assert folder.checkpoint() == folder.best_checkpoint
    assert folder.checkpoint("last.pt") == folder.last_checkpoint  # a name inside the run
    assert folder.checkpoint(str(folder.last_checkpoint)) == folder.last_checkpoint  # or a path
    with pytest.raises(CheckpointError, match="no checkpoint epoch7.pt"):
        folder.checkpoint("epoch7.pt")


def test_broken_config_is_a_message_not_a_traceback(tmp_path: Path):
    (tmp_path / "config.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="cannot read"):
        RunFolder(tmp_path).config()
    (tmp_path / "config.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="incomplete"):
        RunFolder(tmp_path).train_config()
    with pytest.raises(ConfigError, match="not a run folder"):
        RunFolder(tmp_path / "nothing").config()


def test_default_run_is_the_active_one_else_the_newest(store: ProjectStore):
    root = store.root
    with pytest.raises(ConfigError, match="no training runs yet"):
        find_run(root)
    old = _fake_run(root, "20240101-000000-resnet18", "2024-01-01T00:00:00")
    new = _fake_run(root, "20250101-000000-resnet18", "2025-01-01T00:00:00")
    assert [r.run_dir for r in list_runs(root)] == [new, old]
    assert default_run(root) == new and find_run(root) == new
    set_active_run(store, old)
    assert default_run(root) == old and find_run(root) == old
    assert find_run(new) == new  # a run folder is itself
    assert resolve_run(root, new.name) == new.resolve()
    with pytest.raises(ConfigError, match="no run 'nope'"):
        resolve_run(root, "nope")
    with pytest.raises(ConfigError, match="neither a run folder"):
        find_run(root / ".labeltool")


def test_load_model_says_what_a_folder_is_not(tmp_path: Path):
    from engine.predict import load_model

    with pytest.raises(ConfigError, match="neither a run folder .* nor an exported model"):
        load_model(tmp_path)
    (tmp_path / "model.json").write_text("{}", encoding="utf-8")
    with pytest.raises(ConfigError, match="no checkpoint to choose"):
        load_model(tmp_path, checkpoint="last.pt")


def test_delete_run_removes_only_a_run_of_a_project_that_is_not_training(store: ProjectStore, tmp_path: Path):
    root = store.root
    old = _fake_run(root, "20240101-000000-resnet18", "2024-01-01T00:00:00",
                    events=[{"event": "TrainEnd", "reason": "finished", "step": 4}])
    (old / "best.pt").write_bytes(b"w" * 1000)
    set_active_run(store, old)
    # Not a folder of a project's runs: a run kept elsewhere, the runs folder, a link to a run.
    elsewhere = tmp_path / "kept" / "run"
    elsewhere.mkdir(parents=True)
    (elsewhere / "config.json").write_text("{}", encoding="utf-8")
    link = runs_root(root) / "link"
    link.symlink_to(old, target_is_directory=True)
    for path, match in [(elsewhere, "not inside a project's runs folder"), (runs_root(root), "not inside"),
                        (root / ".labeltool", "not inside"), (link, "not a run folder"),
                        (root / "nothing", "not a run folder")]:
        with pytest.raises(ConfigError, match=match):
            delete_run(path)
    assert elsewhere.is_dir() and (old / "best.pt").is_file()
    link.unlink()
    # A run whose process is alive and has not ended is training.
    running = _fake_run(root, "20250101-000000-resnet18", "2025-01-01T00:00:00")
    config = json.loads((running / "config.json").read_text(encoding="utf-8"))
    (running / "config.json").write_text(json.dumps({**config, "pid": os.getpid()}), encoding="utf-8")
    with pytest.raises(ConfigError, match="still training"):
        delete_run(running)
    delete_run(old)
    assert not old.exists() and running.is_dir()
    assert active_run(store) is None and [r.run_dir for r in list_runs(root)] == [running]


def test_size_counts_every_file_and_a_linked_checkpoint_once(tmp_path: Path):
    run = RunFolder(tmp_path / "run")
    (run.path / "sub").mkdir(parents=True)
    (run.path / "config.json").write_bytes(b"c" * 10)
    (run.path / "sub" / "events").write_bytes(b"e" * 5)
    run.best_checkpoint.write_bytes(b"w" * 1000)
    assert run.size_bytes() == 1015
    os.link(run.best_checkpoint, run.last_checkpoint)
    assert run.size_bytes() == 1015
    assert RunFolder(tmp_path / "gone").size_bytes() == 0

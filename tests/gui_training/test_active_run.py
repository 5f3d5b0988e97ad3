"""The active model of a project, kept in the store's meta table."""
from __future__ import annotations

from pathlib import Path

from labeltool.core import ProjectStore
from labeltool.gui.training.active_run import ACTIVE_RUN_KEY, active_run, set_active_run


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

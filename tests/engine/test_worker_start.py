"""Data-loader workers started without fork: what the window asks for
(engine.run.worker_context says why). Everything a worker gets (dataset,
transforms, collate) must pickle, and the run must be the same length."""
from __future__ import annotations

import multiprocessing

import pytest

from engine.errors import ConfigError
from engine.events import EpochEnd
from engine.run import train, worker_context

from .conftest import Recorder, tiny_config

pytestmark = pytest.mark.slow


class WorkerKinds(Recorder):
    """Also notes, at each step, which kinds of child process are running."""

    def __init__(self) -> None:
        super().__init__()
        self.kinds: set[str] = set()

    def on_step(self, e) -> None:
        super().on_step(e)
        self.kinds |= {type(p).__name__ for p in multiprocessing.active_children()}


def test_a_spawned_worker_run_takes_the_same_steps_as_one_without_workers(tiny_classify):
    runs = {}
    for workers, start in ((0, None), (2, "spawn")):
        recorder = WorkerKinds()
        result = train(tiny_classify, tiny_config(epochs=2, workers=workers), [recorder], worker_start=start)
        assert result.reason == "finished", result.message
        runs[start] = recorder
    plain, spawned = runs[None], runs["spawn"]
    assert plain.kinds == set() and spawned.kinds == {"SpawnProcess"}
    assert len(spawned.steps) == len(plain.steps) > 0
    assert [s.step for s in spawned.steps] == [s.step for s in plain.steps]
    # Validation ran in spawned workers too: the same images were scored.
    final = spawned.of(EpochEnd)[-1]
    assert sum(map(sum, final.confusion)) == plain.start.val_images > 0


def test_worker_context_names_the_start_method_and_refuses_an_unknown_one():
    assert worker_context(None) is None
    assert worker_context("spawn").get_start_method() == "spawn"
    if "forkserver" in multiprocessing.get_all_start_methods():
        assert worker_context("forkserver").get_start_method() == "forkserver"
    with pytest.raises(ConfigError, match="cannot start by 'thread'.*spawn"):
        worker_context("thread")

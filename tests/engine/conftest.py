"""Fixtures of the engine tests: small real projects and a recorder of events."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import TrainConfig
from engine.events import Callback, Event, Log, Step, TrainEnd, TrainStart

from .synth import classification_project


class Recorder(Callback):
    """Keeps every event, in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def _keep(self, e: Event) -> None:
        self.events.append(e)

    on_train_start = on_step = on_epoch_end = on_test_end = on_predictions = on_checkpoint = on_train_end = on_log = \
        _keep

    def of(self, cls: type) -> list:
        return [e for e in self.events if isinstance(e, cls)]

    @property
    def steps(self) -> list[Step]:
        return self.of(Step)

    @property
    def start(self) -> TrainStart:
        return self.of(TrainStart)[0]

    @property
    def end(self) -> TrainEnd:
        ends = self.of(TrainEnd)
        assert len(ends) == 1, ends
        return ends[0]

    def logs(self, level: str) -> list[str]:
        return [e.message for e in self.of(Log) if e.level == level]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def tiny_classify(tmp_path: Path) -> Path:
    """40 images of 32 px, two classes: enough for a few quick steps."""
    return classification_project(tmp_path / "proj", n=40, size=32)


def tiny_config(**changes) -> TrainConfig:
    """A classification run that takes about a second per few steps on a CPU."""
    base = dict(task="classify", model="resnet18", epochs=3, batch_size=8, img_size=32, device="cpu",
                pretrained=False, workers=0, predictions_every_epoch=0)
    base.update(changes)
    return TrainConfig(**base)


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Train on one thread: on a busy 2-core machine (other suites running
    beside) two OpenMP threads spin against each other and a step is up to
    10x slower; one thread is steady. Restored afterwards."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)

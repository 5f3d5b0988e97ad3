"""Listeners the engine ships: the run's metrics file, TensorBoard, and the
JSON-line writer a GUI reads when it runs training as a subprocess."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .events import Callback, Checkpoint, EpochEnd, Event, Log, Predictions, Step, TrainEnd, TrainStart, \
    event_to_json


class _AllEvents(Callback):
    """Routes every event to :meth:`handle`."""

    def handle(self, event: Event) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def on_train_start(self, event: TrainStart) -> None: self.handle(event)
    def on_step(self, event: Step) -> None: self.handle(event)
    def on_epoch_end(self, event: EpochEnd) -> None: self.handle(event)
    def on_predictions(self, event: Predictions) -> None: self.handle(event)
    def on_checkpoint(self, event: Checkpoint) -> None: self.handle(event)
    def on_train_end(self, event: TrainEnd) -> None: self.handle(event)
    def on_log(self, event: Log) -> None: self.handle(event)


class MetricsFile(_AllEvents):
    """``metrics.jsonl``: one :func:`event_to_json` line per event except
    predictions (images and masks belong to the live view, not the log).
    Each line is flushed, so a killed run keeps its curve."""

    def __init__(self, path: Path):
        self.path = path
        self._f = open(path, "a", encoding="utf-8")

    def handle(self, event: Event) -> None:
        if isinstance(event, Predictions) or self._f.closed:
            return
        self._f.write(event_to_json(event) + "\n")
        self._f.flush()
        if isinstance(event, TrainEnd):
            self._f.close()

    def close(self) -> None:
        if not self._f.closed:
            self._f.close()


class JsonLines(_AllEvents):
    """Every event, predictions too, as a JSON line on ``stream`` (stdout by
    default): what ``python -m engine train --events jsonl`` prints."""

    def __init__(self, stream: TextIO | None = None):
        self.stream = stream or sys.stdout

    def handle(self, event: Event) -> None:
        self.stream.write(event_to_json(event) + "\n")
        self.stream.flush()


class TensorBoard(Callback):
    """TensorBoard event files in the run folder, when ``tensorboard`` is installed."""

    def __init__(self, run_dir: Path):
        from torch.utils.tensorboard import SummaryWriter  # ImportError without tensorboard

        self.writer = SummaryWriter(str(run_dir))

    def on_step(self, event: Step) -> None:
        self.writer.add_scalar("train/loss", event.loss, event.step)
        self.writer.add_scalar("train/lr", event.lr, event.step)
        for k, v in event.parts.items():
            self.writer.add_scalar(f"train/{k}", v, event.step)

    def on_epoch_end(self, event: EpochEnd) -> None:
        for k, v in event.metrics.items():
            self.writer.add_scalar(f"val/{k}", v, event.step)

    def on_train_end(self, event: TrainEnd) -> None:
        self.writer.close()


def tensorboard_or_none(run_dir: Path) -> Callback | None:
    try:
        return TensorBoard(run_dir)
    except ImportError:
        return None

"""Listeners the engine ships: the run's metrics file, TensorBoard, and the
JSON-line writer a GUI reads when it runs training as a subprocess."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from .events import Callback, Checkpoint, EpochEnd, Event, Log, Predictions, Step, TestEnd, TrainEnd, TrainStart, \
    event_to_json


class _AllEvents(Callback):
    """Routes every event to :meth:`handle`."""

    def handle(self, event: Event) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def on_train_start(self, event: TrainStart) -> None: self.handle(event)
    def on_step(self, event: Step) -> None: self.handle(event)
    def on_epoch_end(self, event: EpochEnd) -> None: self.handle(event)
    def on_test_end(self, event: TestEnd) -> None: self.handle(event)
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
    """TensorBoard event files in the run folder: the training loss, its
    parts and the learning rate at every step, the validation metrics at
    every epoch's end, all against the global step.

    The writer opens at :class:`TrainStart` and closes at :class:`TrainEnd`,
    which the trainer sends however the run ends (finished, cancelled, NaN,
    error), so no event file is left open and no writer thread outlives the
    run. Under ``torchrun`` only rank 0 writes: the trainer gives events to
    rank 0's listeners alone, and this listener checks the process group
    too, since a second writer in the same folder would double every curve.
    """

    def __init__(self, run_dir: Path):
        # ImportError without the tensorboard package: torch.utils.tensorboard imports it.
        from torch.utils.tensorboard import SummaryWriter

        self._writer_class = SummaryWriter
        self.run_dir = Path(run_dir)
        self.writer: SummaryWriter | None = None

    def on_train_start(self, event: TrainStart) -> None:
        self.close()
        if _rank() != 0:
            return
        # A resumed run continues from last.pt's step; steps a crashed run
        # logged after that checkpoint are trained again, so TensorBoard
        # hides the old ones (purge_step) instead of drawing the curve twice.
        purge = event.start_step + 1 if event.start_step else None
        self.writer = self._writer_class(str(self.run_dir), purge_step=purge)

    def on_step(self, event: Step) -> None:
        if self.writer is None:
            return
        self.writer.add_scalar("train/loss", event.loss, event.step)
        self.writer.add_scalar("train/lr", event.lr, event.step)
        for k, v in event.parts.items():
            self.writer.add_scalar(f"train/{k}", v, event.step)

    def on_epoch_end(self, event: EpochEnd) -> None:
        if self.writer is None:
            return
        for k, v in event.metrics.items():
            self.writer.add_scalar(f"val/{k}", v, event.step)
        self.writer.flush()  # a TensorBoard watching the run sees each epoch without waiting 2 minutes

    def on_test_end(self, event: TestEnd) -> None:
        if self.writer is None:
            return
        for k, v in event.metrics.items():
            self.writer.add_scalar(f"test/{k}", v, event.step)

    def on_train_end(self, event: TrainEnd) -> None:
        self.close()

    def close(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()


def _rank() -> int:
    import torch.distributed as dist

    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def tensorboard_or_none(run_dir: Path, logs: list[Log] | None = None) -> Callback | None:
    """The :class:`TensorBoard` listener, or None when TensorBoard cannot be
    imported; then a warning saying why the run has no event files is
    appended to ``logs`` (the run's pending log messages), once."""
    try:
        return TensorBoard(run_dir)
    except ImportError as e:
        if logs is not None:
            logs.append(Log("warning", f"no TensorBoard event files for this run: TensorBoard cannot be imported "
                                       f"({e}); pip install tensorboard to get them"))
        return None

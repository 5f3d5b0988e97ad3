"""Typed events of a training run, and the callback interface.

The :class:`~engine.trainer.Trainer` emits these; logging, checkpoints,
early stopping, the Qt adapter (``labeltool/gui/training``) and the JSON-line
writer of a ``torchrun`` subprocess are all listeners. Every event turns into
one JSON line and back (:func:`event_to_json` / :func:`event_from_json`), so
a GUI can follow a run in another process exactly as one in its own thread.
"""
from __future__ import annotations

import json
import threading
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from labeltool.core.shapes import Shape, shape_from_dict, shape_to_dict

EndReason = Literal["finished", "cancelled", "early_stop", "nan", "oom", "error"]


@dataclass
class TrainStart:
    run_dir: str
    task: str  # "detect" | "instance" | "segment" | "classify"
    model: str
    classes: list[str]
    # Epochs that will run in all (a resumed run's earlier ones included):
    # the config's epochs, or fewer when max_steps ends the run first; the
    # last one may stop short at max_steps. The config's own is config["epochs"].
    epochs: int
    steps_per_epoch: int
    total_steps: int
    start_step: int  # > 0 when resuming
    device: str
    train_images: int
    val_images: int
    config: dict[str, Any] = field(default_factory=dict)
    start_epoch: int = 0  # epochs done before (resumed), 0-based index of the first epoch to run
    elapsed_s: float = 0.0  # training time of the earlier parts of a resumed run


@dataclass
class Step:
    step: int  # global step, 1-based, continues across resume
    epoch: int  # 0-based
    loss: float
    parts: dict[str, float]  # e.g. loss_classifier, loss_box_reg, ... / dice, ce (all losses)
    lr: float
    images_per_s: float
    elapsed_s: float  # since the run began, earlier parts of a resumed run included
    eta_s: float | None  # to the end of the run, at this part's pace so far


@dataclass
class EpochEnd:
    epoch: int
    step: int
    # detect: map50, map; segment: miou, dice; classify: accuracy. Plus
    # val_loss where computed. Kinds and names: engine.metric_info. A metric
    # that cannot be measured is NaN here (or absent without validation
    # images) and named in ``undefined``.
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)  # classes with validation objects
    confusion: list[list[int]] | None = None  # classify: rows = truth, cols = predicted
    is_best: bool = False
    # metric -> why it has no value: "no_val_images" | "no_val_objects"
    # (engine.metric_info.UNDEFINED_REASONS words them).
    undefined: dict[str, str] = field(default_factory=dict)
    elapsed_s: float = 0.0  # since the run began, as Step's


@dataclass
class TestEnd:
    """The project's own test images (its split's ``test``), evaluated once
    after the last epoch with the model the run keeps (``checkpoint``:
    best.pt, or last.pt when no epoch was validated). Sent before
    :class:`TrainEnd`, only by a run that reached its end and has test
    images. Metrics and reasons as :class:`EpochEnd`'s."""

    __test__ = False  # not a test class to pytest, whatever its name says

    step: int
    metrics: dict[str, float]
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    confusion: list[list[int]] | None = None
    images: int = 0
    checkpoint: str = ""
    undefined: dict[str, str] = field(default_factory=dict)


@dataclass
class PredictionSample:
    image_path: str  # absolute
    width: int
    height: int
    ground_truth: list[Shape]
    predictions: list[Shape]  # source = model, with score


@dataclass
class Predictions:
    epoch: int
    step: int
    samples: list[PredictionSample]


@dataclass
class Checkpoint:
    path: str
    epoch: int
    step: int
    best: bool


@dataclass
class TrainEnd:
    reason: EndReason
    message: str  # for a person: what happened and what to do (the command line's words)
    step: int
    run_dir: str
    best_metric: float | None = None
    epochs_done: int = 0  # epochs completed in all, a resumed run's earlier ones included
    elapsed_s: float = 0.0  # since the run began, as Step's
    # The facts of a failure, for a window to word its own way out
    # (EngineError.details): e.g. {"code": "weights_unavailable", "file": ...,
    # "folder": ..., "url": ..., "reason": ...}; None when there are none.
    details: dict[str, Any] | None = None


@dataclass
class Log:
    level: Literal["info", "warning", "error"]
    message: str


Event = TrainStart | Step | EpochEnd | TestEnd | Predictions | Checkpoint | TrainEnd | Log

_METHOD = {TrainStart: "on_train_start", Step: "on_step", EpochEnd: "on_epoch_end", TestEnd: "on_test_end",
           Predictions: "on_predictions", Checkpoint: "on_checkpoint", TrainEnd: "on_train_end", Log: "on_log"}
_BY_NAME = {cls.__name__: cls for cls in _METHOD}


class Callback:
    """Override the events you need. Exceptions raised by a callback stop the
    run (with reason "error"), except :class:`TrainingCancelled`."""

    def on_train_start(self, event: TrainStart) -> None: ...
    def on_step(self, event: Step) -> None: ...
    def on_epoch_end(self, event: EpochEnd) -> None: ...
    def on_test_end(self, event: TestEnd) -> None: ...
    def on_predictions(self, event: Predictions) -> None: ...
    def on_checkpoint(self, event: Checkpoint) -> None: ...
    def on_train_end(self, event: TrainEnd) -> None: ...
    def on_log(self, event: Log) -> None: ...


def dispatch(callback: Callback, event: Event) -> None:
    getattr(callback, _METHOD[type(event)])(event)


class TrainingCancelled(Exception):
    """Raised inside the loop when the cancel token is set (checked once per step)."""


class CancelToken:
    """Thread-safe flag a GUI or a signal handler sets to stop a run."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


def _encode(obj: Any) -> Any:
    if isinstance(obj, Shape):
        return {"__shape__": shape_to_dict(obj)}
    if isinstance(obj, PredictionSample):
        return {"image_path": obj.image_path, "width": obj.width, "height": obj.height,
                "ground_truth": [_encode(s) for s in obj.ground_truth],
                "predictions": [_encode(s) for s in obj.predictions]}
    return obj


def event_to_json(event: Event) -> str:
    if isinstance(event, Predictions):
        payload: dict[str, Any] = {"epoch": event.epoch, "step": event.step,
                                   "samples": [_encode(s) for s in event.samples]}
    else:
        payload = asdict(event)
    return json.dumps({"event": type(event).__name__, "data": payload}, ensure_ascii=False)


def event_from_json(line: str) -> Event:
    obj = json.loads(line)
    cls = _BY_NAME[obj["event"]]
    data = obj["data"]
    if cls is Predictions:
        samples = [PredictionSample(
            image_path=s["image_path"], width=s["width"], height=s["height"],
            ground_truth=[shape_from_dict(x["__shape__"]) for x in s["ground_truth"]],
            predictions=[shape_from_dict(x["__shape__"]) for x in s["predictions"]]) for s in data["samples"]]
        return Predictions(epoch=data["epoch"], step=data["step"], samples=samples)
    return cls(**data)

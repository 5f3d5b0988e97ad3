"""The adapter: engine events raised on the worker thread arrive as Qt
signals on the GUI thread, in order; cancel reaches the library function;
a crash inside it becomes a readable end of the run."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QColor

from engine.config import TrainConfig
from engine.events import (
    Checkpoint,
    EpochEnd,
    Log,
    Predictions,
    PredictionSample,
    Step,
    TrainEnd,
    TrainStart,
    dispatch,
)
from labeltool.core import Box, ImageTag, Source
from labeltool.gui.jobs.training import TrainingRunner
from labeltool.gui.training.thumbnails import RIGHT_COLOR, WRONG_COLOR, render_thumbnail
from tests.conftest import write_image

CONFIG = TrainConfig(task="detect", model="fasterrcnn_mobilenet_v3_large_320_fpn")


def _record(runner: TrainingRunner) -> list[tuple[str, object, bool]]:
    """(signal name, payload, delivered on the GUI thread?) in arrival order."""
    got: list[tuple[str, object, bool]] = []
    gui = QThread.currentThread()
    s = runner.signals
    for name in ("started", "stepped", "epochEnded", "predicted", "checkpointed", "logged", "ended"):
        getattr(s, name).connect(lambda e, n=name: got.append((n, e, QThread.currentThread() is gui)))
    return got


def test_events_from_the_worker_arrive_on_the_gui_thread_in_order(qtbot, tmp_path: Path):
    image = write_image(tmp_path / "a.png", 80, 60)
    worker_threads: list[threading.Thread] = []

    def train(root, config, callbacks, cancel, snapshot):
        worker_threads.append(threading.current_thread())
        (cb,) = callbacks
        dispatch(cb, TrainStart(str(root / "run"), "detect", config.model, ["car"], 2, 3, 6, 0, "cpu", 3, 1))
        for i in range(1, 4):
            dispatch(cb, Step(i, 0, 1.0 / i, {"loss_classifier": 0.5 / i}, 0.01, 4.0, i * 0.1, 1.0))
        dispatch(cb, EpochEnd(0, 3, {"map50": 0.25, "map": 0.1}, {"car": {"ap50": 0.25}}))
        dispatch(cb, Predictions(0, 3, [PredictionSample(
            str(image), 80, 60, [Box(label="car", x1=5, y1=5, x2=40, y2=40)],
            [Box(label="car", x1=6, y1=6, x2=41, y2=39, source=Source.from_model("m", 0.9))])]))
        dispatch(cb, Checkpoint(str(root / "run" / "best.pt"), 0, 3, True))
        dispatch(cb, Log("info", "done"))
        dispatch(cb, TrainEnd("finished", "finished after 3 steps", 3, str(root / "run"), 0.25))

    runner = TrainingRunner(train)
    got = _record(runner)
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.start(tmp_path, CONFIG)
        assert runner.running
    assert not runner.running
    assert worker_threads and worker_threads[0] is not threading.main_thread()
    assert [n for n, _, _ in got] == ["started", "stepped", "stepped", "stepped", "epochEnded", "predicted",
                                      "checkpointed", "logged", "ended"]
    assert all(on_gui for _, _, on_gui in got)
    assert [e.step for n, e, _ in got if n == "stepped"] == [1, 2, 3]
    strip = next(e for n, e, _ in got if n == "predicted")
    (thumb,) = strip.thumbnails
    assert thumb.image.width() == 128 and thumb.image.height() == 96  # long side 128, aspect kept
    assert thumb.image_path == str(image) and thumb.predictions[0].source.score == 0.9


def test_cancel_reaches_the_library_function(qtbot, tmp_path: Path):
    seen_cancel = threading.Event()

    def train(root, config, callbacks, cancel, snapshot):
        step = 0
        while not cancel.cancelled:
            step += 1
            dispatch(callbacks[0], Step(step, 0, 1.0, {}, 0.1, 1.0, 0.0, None))
            QThread.msleep(5)
        seen_cancel.set()
        dispatch(callbacks[0], TrainEnd("cancelled", "cancelled", step, ""))

    runner = TrainingRunner(train)
    got = _record(runner)
    runner.start(tmp_path, CONFIG)
    qtbot.waitUntil(lambda: any(n == "stepped" for n, _, _ in got), timeout=5000)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.cancel()
    assert seen_cancel.is_set()
    assert got[-1][0] == "ended" and got[-1][1].reason == "cancelled"


@pytest.mark.parametrize("ends", [False, True])
def test_a_crash_in_the_engine_becomes_a_readable_end(qtbot, tmp_path: Path, ends: bool):
    def train(root, config, callbacks, cancel, snapshot):
        if ends:
            return  # returns without its TrainEnd
        raise RuntimeError("dataset exploded")

    runner = TrainingRunner(train)
    got = _record(runner)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        runner.start(tmp_path, CONFIG)
    ends_ = [e for n, e, _ in got if n == "ended"]
    assert len(ends_) == 1 and ends_[0].reason == "error"
    if not ends:
        assert "dataset exploded" in ends_[0].message and "labels are safe" in ends_[0].message
        assert any(n == "logged" and "Traceback" in e.message for n, e, _ in got)


def test_a_second_start_while_running_is_refused(qtbot, tmp_path: Path):
    release = threading.Event()

    def train(root, config, callbacks, cancel, snapshot):
        release.wait(5)
        dispatch(callbacks[0], TrainEnd("finished", "", 0, ""))

    runner = TrainingRunner(train)
    runner.start(tmp_path, CONFIG)
    with pytest.raises(RuntimeError):
        runner.start(tmp_path, CONFIG)
    with qtbot.waitSignal(runner.finished, timeout=5000):
        release.set()


def _pixel(img, x, y) -> QColor:
    return QColor(img.pixel(x, y))


def test_classifier_thumbnail_band_is_green_when_right_and_red_when_wrong(qapp, tmp_path: Path):
    image = write_image(tmp_path / "猫.png", 64, 64)
    pred = [ImageTag(label="猫", source=Source.from_model("m", 0.8))]
    right = render_thumbnail(PredictionSample(str(image), 64, 64, [ImageTag(label="猫")], pred), {}, 128)
    wrong = render_thumbnail(PredictionSample(str(image), 64, 64, [ImageTag(label="狗")], pred), {}, 128)
    assert _pixel(right.image, 120, 126) == RIGHT_COLOR
    assert _pixel(wrong.image, 120, 126) == WRONG_COLOR
    assert right.caption == "猫.png"


def test_thumbnail_of_an_unreadable_image_is_grey_not_an_error(qapp, tmp_path: Path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    t = render_thumbnail(PredictionSample(str(bad), 100, 50, [], []), {}, 128)
    assert (t.image.width(), t.image.height()) == (128, 64)
    assert "0 found / 0 labelled" in t.caption

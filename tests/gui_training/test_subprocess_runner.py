"""Training in a child process (``python -m engine train --events jsonl``,
the way torchrun runs are watched): its JSON lines become the same signals."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.config import TrainConfig
from labeltool.gui.training.subprocess_runner import SubprocessRunner, cli_arguments
from tests.gui_training.projects import make_classify_project

WAIT = 180_000


def test_cli_arguments_ask_for_the_config():
    cfg = TrainConfig(task="classify", model="resnet18", epochs=3, batch_size=4, img_size=64, pretrained=False,
                      max_steps=5, device="cpu")
    args = cli_arguments(Path("/p"), cfg)
    assert args[:5] == ["train", "/p", "--events", "jsonl", "--device"]
    for pair in (["--model", "resnet18"], ["--img-size", "64"], ["--max-steps", "5"], ["--batch", "4"]):
        i = args.index(pair[0])
        assert args[i:i + 2] == pair
    assert "--no-pretrained" in args and "--lr" not in args  # the model's default lr
    resumed = cli_arguments(Path("/p"), TrainConfig(task="classify", model="resnet18", resume="/p/run"))
    assert "--resume" in resumed and "--model" not in resumed


@pytest.mark.slow
def test_a_child_process_run_streams_the_same_signals_and_cancels(qtbot, tmp_path: Path):
    root = make_classify_project(tmp_path / "proj")
    runner = SubprocessRunner()
    got: dict[str, list] = {k: [] for k in ("started", "stepped", "epochEnded", "predicted", "ended")}
    for name, items in got.items():
        getattr(runner.signals, name).connect(items.append)
    runner.start(root, TrainConfig(task="classify", model="resnet18", epochs=100, batch_size=4, img_size=64,
                                   pretrained=False, device="cpu", workers=0))
    qtbot.waitUntil(lambda: bool(got["predicted"]), timeout=WAIT)
    assert got["started"][0].model == "resnet18" and got["stepped"] and got["epochEnded"]
    assert got["predicted"][0].thumbnails[0].image.width() == 128
    with qtbot.waitSignal(runner.finished, timeout=WAIT):
        runner.cancel()
    (end,) = got["ended"]
    assert end.reason == "cancelled" and (Path(end.run_dir) / "last.pt").is_file()
    assert not runner.running


def test_a_program_that_cannot_start_ends_the_run_with_a_message(qtbot, tmp_path: Path):
    runner = SubprocessRunner(program=[str(tmp_path / "no-such-python")])
    ends = []
    runner.signals.ended.connect(ends.append)
    with qtbot.waitSignal(runner.finished, timeout=10_000):
        runner.start(tmp_path, TrainConfig(task="classify", model="resnet18"))
    assert ends[0].reason == "error" and "cannot start" in ends[0].message

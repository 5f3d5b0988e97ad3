"""Tiny real runs (trained from scratch on the CPU for a few steps) shared
by the review tests. Each test copies the project it needs, so edits made by
one test never reach another."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import write_image
from tests.engine.synth import classification_project, detection_project, segmentation_project

UNLABELLED = 3


def _train(root: Path, task: str, model: str, img_size: int, steps: int) -> Path:
    from engine.config import TrainConfig
    from engine.run import train

    result = train(root, TrainConfig(task=task, model=model, pretrained=False, max_steps=steps, epochs=1,
                                     batch_size=2, img_size=img_size, workers=0, device="cpu",
                                     predictions_every_epoch=0))
    assert result.reason == "finished", result.message
    assert result.run_dir is not None
    return result.run_dir


@pytest.fixture(scope="session")
def detection_run(tmp_path_factory) -> Path:
    """A detection project (8 labelled images, 3 unlabelled) and its run."""
    root = tmp_path_factory.mktemp("det") / "project"
    detection_project(root, n=8, size=96)
    for i in range(UNLABELLED):
        write_image(root / "new" / f"u{i}.png", 96, 96, (200, 40, 40))
    return _train(root, "detect", "fasterrcnn_mobilenet_v3_large_320_fpn", 96, 3)


@pytest.fixture(scope="session")
def classification_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cls") / "project"
    classification_project(root, n=8, size=48)
    return _train(root, "classify", "resnet18", 64, 2)


@pytest.fixture(scope="session")
def segmentation_run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("seg") / "project"
    segmentation_project(root, n=6, size=64)
    return _train(root, "segment", "unet_resnet18", 64, 2)


def project_of(run_dir: Path) -> Path:
    return run_dir.parents[2]  # <project>/.labeltool/runs/<run>


@pytest.fixture
def detection_project_copy(detection_run: Path, tmp_path: Path) -> tuple[Path, Path]:
    """``(project, run_dir)``: a private copy of the detection project."""
    dst = tmp_path / "项目"  # a Chinese folder name, as our users' often are
    shutil.copytree(project_of(detection_run), dst, ignore=shutil.ignore_patterns("lock"))
    return dst, dst / ".labeltool" / "runs" / detection_run.name

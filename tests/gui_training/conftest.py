"""Fixtures: a generated classification project and the main window with
its training controller."""
from __future__ import annotations

from pathlib import Path

import pytest

from labeltool.core import ProjectStore
from tests.gui_training.projects import make_classify_project


@pytest.fixture
def classify_project(tmp_path: Path) -> Path:
    return make_classify_project(tmp_path / "cls")


@pytest.fixture
def window(qtbot, classify_project: Path):
    """The real main window over the classify project, with training wired in."""
    from labeltool.gui.main_window import MainWindow

    store = ProjectStore.open(classify_project)
    w = MainWindow(store)
    # A run a failed test left going is stopped before pytest-qt closes the
    # window (closing would otherwise ask "stop training?" and wait for an answer).
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    w.resize(1400, 900)
    w.show()
    yield w
    w.training.shutdown()
    w.close_project()
    store.close()

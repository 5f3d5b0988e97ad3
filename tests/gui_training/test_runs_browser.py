"""The runs browser over real runs made by the engine: list, curves again
from metrics.jsonl, the active model, delete with confirmation."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from engine.config import TrainConfig
from engine.events import PredictionSample
from engine.run import train
from engine.runs import active_run
from labeltool.core import Box, ProjectStore, Source
from labeltool.gui.training.thumbnails import render_thumbnail
from tests.gui_training.projects import make_classify_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def project_with_runs(tmp_path_factory) -> tuple[Path, list[Path]]:
    """A project and two finished runs (resnet18, 64 px, 3 steps each)."""
    root = make_classify_project(tmp_path_factory.mktemp("runs") / "proj")
    runs = []
    for _ in range(2):
        r = train(root, TrainConfig(task="classify", model="resnet18", epochs=3, batch_size=4, img_size=64,
                                    pretrained=False, max_steps=3))
        assert r.reason == "finished", r.message
        runs.append(r.run_dir)
    return root, runs


@pytest.fixture
def window_over(qtbot, project_with_runs):
    from labeltool.gui.main_window import MainWindow

    root, runs = project_with_runs
    store = ProjectStore.open(root)
    w = MainWindow(store)
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    w.show()
    yield w, runs
    w.close_project()
    store.close()


def test_runs_are_listed_newest_first_with_model_status_and_metric(window_over):
    window, runs = window_over
    window.training.show_runs()
    browser = window.training.panel.runs
    assert browser.run_dirs() == [runs[1], runs[0]]
    t = browser.table
    assert t.rowCount() == 2
    row = [t.item(0, c).text() for c in range(t.columnCount())]
    assert row[2] == "resnet18" and row[3] == "classify" and row[5] == "finished"
    assert float(row[4]) == pytest.approx(browser.runs[0].best_metric, abs=1e-3)
    assert row[1][:2] == "20"  # a date


def test_show_curves_of_a_past_run_from_its_metrics_file(qtbot, window_over):
    window, runs = window_over
    c = window.training
    c.show_runs()
    browser = c.panel.runs
    browser.select_run(runs[0])
    assert browser.curves_button.isEnabled()
    browser.curves_button.click()
    curves = c.panel.curves
    x, y = curves.series("loss")
    assert x == [1, 2, 3] and all(v > 0 for v in y)
    assert curves.plotted_points("loss") == 3
    assert curves.series("accuracy")[0]  # validation points too
    assert c.panel.end_event is not None and c.panel.end_event.reason == "finished"
    assert runs[0].name in c.panel.title.text()
    assert c.panel.resume_button.isEnabled()  # a finished run can go on for more epochs


def test_set_active_run_is_stored_in_the_project(window_over):
    window, runs = window_over
    browser = window.training.panel.runs
    browser.refresh()
    browser.select_run(runs[0])
    browser.active_button.click()
    assert active_run(window.store) == runs[0]
    row = browser.run_dirs().index(runs[0])
    assert browser.table.item(row, 0).text() == "★"
    with ProjectStore.open(window.store.root, readonly=True) as other:  # what the review panel reads
        assert active_run(other) == runs[0]


def test_delete_asks_first_and_clears_the_active_run(window_over, monkeypatch):
    window, runs = window_over
    browser = window.training.panel.runs
    browser.refresh()
    browser.select_run(runs[0])
    browser.active_button.click()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert not browser.delete_selected()
    assert runs[0].is_dir()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert browser.delete_selected()
    assert not runs[0].exists() and runs[1].is_dir()
    assert browser.run_dirs() == [runs[1]]
    assert active_run(window.store) is None and window.store.get_meta("active_run") is None


def test_clicking_a_detection_prediction_overlays_its_boxes(qtbot, window_over):
    window, _ = window_over
    store = window.store
    item = store.images()[2]
    pred = Box(label="stripes", x1=4, y1=4, x2=30, y2=30, source=Source.from_model("run", 0.8))
    thumb = render_thumbnail(PredictionSample(str(store.abspath(item)), 64, 64, [], [pred]), {}, 128)
    assert window.training.open_prediction(thumb)
    assert window.current_image().id == item.id
    (overlay,) = window.canvas.canvas_scene.overlay_items
    assert overlay.shape_model.bounds() == (4, 4, 30, 30) and overlay.shape_model.source.is_model
    window.go_to_image(store.images()[0].id)  # another image: the overlay goes
    assert window.canvas.canvas_scene.overlay_items == []


def test_each_run_shows_its_size_on_disk(window_over):
    from engine.runs import RunFolder
    from labeltool.gui.training.runs_browser import RunsBrowser, size_text

    window, runs = window_over
    window.training.show_runs()
    browser = window.training.panel.runs
    header = browser.table.horizontalHeaderItem(RunsBrowser.SIZE_COLUMN).text()
    assert header == "Size"
    for row, run in enumerate(browser.run_dirs()):
        size = RunFolder(run).size_bytes()
        assert size > 1_000_000  # checkpoints of a real ResNet-18
        assert browser.table.item(row, RunsBrowser.SIZE_COLUMN).text() == size_text(size)
    assert size_text(152_400_000) == "152 MB" and size_text(812_000) == "812 KB" and size_text(1_400_000_000) == "1.4 GB"


def test_after_a_restart_the_dock_shows_the_newest_run(qtbot, window_over):
    window, runs = window_over
    c = window.training
    assert "No training run yet" not in c.panel.title.text() or not c.dock.isVisible()
    c.show_dock()
    assert runs[1].name in c.panel.title.text()  # the newest, not "No training run yet"
    assert c.panel.curves.series("loss")[0] == [1, 2, 3]
    assert c.current_run == runs[1] and c.panel.review_button.isVisible()


def test_old_runs_are_deleted_together(qtbot, project_with_runs, tmp_path, monkeypatch):
    import shutil

    from labeltool.gui.main_window import MainWindow

    root, runs = project_with_runs
    copy = tmp_path / "copy"
    shutil.copytree(root, copy, ignore=shutil.ignore_patterns("lock"))
    kept = sorted((copy / ".labeltool" / "runs").iterdir())  # an earlier test may have deleted one
    shutil.copytree(kept[0], kept[0].with_name(kept[0].name + "-again"))
    store = ProjectStore.open(copy)
    w = MainWindow(store)
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    w.show()
    c = w.training
    c.show_runs()
    browser = c.panel.runs
    browser.table.selectAll()
    assert len(browser.selected_runs()) == 2 and browser.delete_button.isEnabled()
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda _parent, _title, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.Yes)
    assert browser.delete_selected()
    assert "2 runs" in asked[0] and "MB" in asked[0]
    assert browser.run_dirs() == [] and not any((copy / ".labeltool" / "runs").iterdir())
    assert "No training run yet" in c.panel.title.text()  # the run shown was deleted with them
    w.close_project()
    store.close()

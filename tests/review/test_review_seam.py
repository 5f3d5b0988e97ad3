"""Training -> review in one window (issue 11): review follows the active run
(#1), an accepted prediction is a found label (#4), and pre-labelling says
when everything scored below the threshold (#9)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QDir, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget, QMenu, QTabBar

from engine.events import TrainEnd
from engine.runs import active_run, runs_root
from labeltool.core import Box, ProjectStore, Source
from tests.conftest import write_image
from tests.review.test_review_gui import open_window

WAIT_MS = 120_000


def menu_action(window, text: str):
    """The action called ``text`` anywhere in the window's menus (as a person finds it)."""
    for menu in window.findChildren(QMenu):
        for a in menu.actions():
            if a.text().replace("&", "") == text:
                return a
    raise AssertionError(f"no menu item {text!r}")


def in_front(window, name: str = "dock_review") -> bool:
    """Whether the dock ``name`` can be seen: shown, and the current tab where docks are tabbed."""
    dock = window.findChild(QDockWidget, name)
    if not dock.isVisible():
        return False
    for bar in window.findChildren(QTabBar):
        titles = [bar.tabText(i) for i in range(bar.count())]
        if dock.windowTitle() in titles and bar.isVisible():
            return bar.currentIndex() == titles.index(dock.windowTitle())
    return True


def second_run(run: Path) -> Path:
    """Another finished run of the same project (a copy of ``run``, newer by name)."""
    other = run.with_name(run.name + "-second")
    shutil.copytree(run, other)
    return other


@pytest.fixture
def window_with_run(qtbot, detection_project_copy):
    """The window over a project with one finished run and no active run."""
    project, run = detection_project_copy
    store = ProjectStore.open(project)
    store.set_meta("active_run", None)
    w, review = open_window(qtbot, store)
    yield w, review, store, run
    w.training.shutdown()
    w.close()
    store.close()


# -------------------------------------------------------------------- #1
@pytest.mark.slow
def test_review_follows_the_runs_tab_and_a_run_that_finishes(qtbot, window_with_run):
    w, review, store, run = window_with_run
    panel, training = review.panel, w.training
    newer = second_run(run)
    training.show_runs()
    browser = training.panel.runs
    browser.refresh()

    # "Use for review" in the Runs tab: the Review panel changes to it at once.
    assert browser.select_run(run)
    browser.active_button.click()
    assert Path(panel.run_combo.currentData()) == run and active_run(store) == run
    assert browser.select_run(newer)
    browser.active_button.click()
    assert Path(panel.run_combo.currentData()) == newer

    # A run that finishes becomes the one review uses, and the menu pre-labels with it.
    training.runner.signals.ended.emit(TrainEnd("finished", "done", 3, str(run), best_metric=0.1, epochs_done=1))
    assert active_run(store) == run and Path(panel.run_combo.currentData()) == run
    assert training.panel.review_button.isVisible()
    w.go_to_image(panel.target_images("unlabelled")[0])
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS):
        menu_action(w, "Pre-label this image").trigger()
    predicted = store.shapes(w.current_image().id, source="model")
    assert predicted and {p.source.model for p in predicted} == {run.name}


@pytest.mark.slow
def test_review_with_this_model_prelabels_and_shows_the_first_prediction(qtbot, window_with_run):
    w, review, store, run = window_with_run
    panel, training = review.panel, w.training
    training.runner.signals.ended.emit(TrainEnd("finished", "done", 3, str(run), epochs_done=1))
    labelled_id = store.images()[0].id
    w.go_to_image(labelled_id)
    assert not in_front(w)  # tabbed behind the shape list
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS):
        qtbot.mouseClick(training.panel.review_button, Qt.MouseButton.LeftButton)
    unlabelled = panel.target_images("unlabelled")
    assert in_front(w) and review.session.active
    assert w.current_image().id in unlabelled  # review starts where the work is
    assert all(store.shapes(i, source="model") for i in unlabelled)
    assert store.shapes(labelled_id, source="model") == []  # labelled images are left alone


def test_prelabel_without_a_model_says_so_where_the_person_looks(qtbot, tmp_path):
    write_image(tmp_path / "p" / "a.png", 80, 60)
    store = ProjectStore.open(tmp_path / "p")
    w, review = open_window(qtbot, store)
    assert not in_front(w)
    menu_action(w, "Pre-label this image").trigger()
    assert "No model yet" in w.statusBar().currentMessage()
    assert in_front(w)  # its dock raised, in front of the shape list
    w.close()
    store.close()


def test_other_dialog_starts_in_the_runs_folder_and_shows_hidden_folders(qtbot, tmp_path):
    write_image(tmp_path / "p" / "a.png", 80, 60)
    store = ProjectStore.open(tmp_path / "p")
    runs_root(store.root).mkdir(parents=True)
    w, review = open_window(qtbot, store)
    dialog = review.panel.models.folder_dialog()
    assert Path(dialog.directory().absolutePath()) == runs_root(store.root)
    assert dialog.filter() & QDir.Filter.Hidden  # .labeltool can be reached from the project folder
    dialog.deleteLater()
    w.close()
    store.close()


# ---------------------------------------------------------------- #4, #9
def pred(label, score, x1, y1, x2, y2):
    return Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2, source=Source.from_model("handmade", score))


@pytest.fixture
def predicted(qtbot, tmp_path):
    """An unlabelled image with three predictions (0.9, 0.6, 0.3) on separate objects."""
    root = tmp_path / "project"
    write_image(root / "img0.png", 200, 150)
    write_image(root / "img1.png", 200, 150)
    store = ProjectStore.open(root)
    items = store.images()
    for s, x in ((0.3, 10), (0.6, 70), (0.9, 130)):
        store.add_shape(items[0].id, pred("cat", s, x, 20, x + 40, 70))
    w, review = open_window(qtbot, store)
    review.panel.review_check.setChecked(True)
    w.go_to_image(items[0].id)
    yield w, review, store, items
    w.close()
    store.close()


def test_an_accepted_prediction_counts_as_found_not_missed(qtbot, predicted):
    w, review, store, items = predicted
    session, panel = review.session, review.panel
    panel.slider.setValue(50)
    accepted = session.current_id  # the surest, 0.9
    QTest.keyClick(w.canvas, Qt.Key.Key_Y)
    assert session.comparison is not None and session.comparison.verdict(accepted) == "tp"
    assert session.overlay.missed == []  # no orange "missed" outline
    assert "1 found" in panel.count_label.text() and "0 missed" in panel.count_label.text()
    panel.queue.build_button.click()
    (entry,) = panel.queue.items
    assert entry.counts.get("missed", 0) == 0 and "missed" not in panel.queue.list.item(0).text()

    # Still found with no prediction left on the image, and after the project is opened again.
    QTest.keyClick(w.canvas, Qt.Key.Key_Y)
    panel.slider.setValue(10)
    QTest.keyClick(w.canvas, Qt.Key.Key_N)
    assert store.shapes(items[0].id, source="model") == []
    assert "2 found" in panel.count_label.text() and session.overlay.missed == []
    root = store.root
    w.close()
    store.close()
    with ProjectStore.open(root) as again:
        labels = again.shapes(items[0].id, source="human")
    assert {(h.source.kind, h.source.model) for h in labels} == {("human", "handmade")}


def test_a_person_s_own_label_the_model_missed_is_still_missed(predicted):
    w, review, store, items = predicted
    session = review.session
    own = store.add_shape(items[0].id, Box(label="cat", x1=5, y1=100, x2=40, y2=140))
    assert session.comparison.verdict(own.id) == "fn"
    assert len(session.overlay.missed) == 1


def test_all_predictions_below_the_threshold_are_explained_and_accept_all_is_off(predicted):
    w, review, store, items = predicted
    panel = review.panel
    panel.slider.setValue(95)
    text = panel.count_label.text()
    assert "0 of 3" in text and "below the threshold" in text and "0.90" in text
    assert not panel.accept_all_button.isEnabled()
    assert not review.actions["accept_all"].isEnabled()
    QTest.keyClick(w.canvas, Qt.Key.Key_Y, Qt.KeyboardModifier.ShiftModifier)
    assert len(store.shapes(items[0].id, source="model")) == 3  # nothing deleted unseen


def test_unsure_in_the_queue_is_explained(predicted):
    w, review, store, items = predicted
    queue = review.panel.queue
    queue.build_button.click()
    item = queue.list.item(0)
    assert queue.items[0].kind == "uncertainty"
    assert "unsure" in item.text() and "unlabelled" in item.text()
    assert "0.5" in item.toolTip() and "label" in item.toolTip()


@pytest.mark.slow
def test_prelabel_says_when_every_prediction_is_below_the_threshold(qtbot, window_with_run):
    w, review, store, run = window_with_run
    panel = review.panel
    panel.load_runs()
    panel.add_model(run)
    panel.slider.setValue(100)  # no score reaches 1.00
    w.go_to_image(panel.target_images("unlabelled")[0])
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS):
        assert panel.predict("current")
    n = len(store.shapes(w.current_image().id, source="model"))
    assert n > 0
    text = panel.status.text()
    assert f"{n} predictions, best score" in text and "all below the 1.00 threshold" in text
    assert text in w.statusBar().currentMessage()


# -------------------------------------------------------------------- #2
def _report(run: Path, snapshot):
    from labeltool.gui.jobs.predict import ModelRef
    from labeltool.gui.jobs.report import ReportJob

    job = ReportJob(ModelRef(run), snapshot, 0.5, device="cpu")
    results, errors = [], []
    job.done.connect(results.append, Qt.ConnectionType.DirectConnection)
    job.failed.connect(errors.append, Qt.ConnectionType.DirectConnection)
    job.run()  # the worker's code, on this thread
    assert not errors and len(results) == 1
    return results[0]


@pytest.mark.slow
def test_the_report_judges_the_images_the_run_validated_on(detection_project_copy):
    import json

    from engine.runs import read_metrics
    from labeltool.core import ImageStatus

    project, run = detection_project_copy
    recorded = json.loads((run / "split.json").read_text(encoding="utf-8"))["val"]
    (start,) = [e for e in read_metrics(run) if e["event"] == "TrainStart"]
    assert start["val_images"] == len(recorded) >= 2  # what the Training dock said
    with ProjectStore.open(project) as store:
        result = _report(run, store.snapshot())
        assert result.report.images == len(recorded)
        assert f"the {len(recorded)} validation images the run was checked on" in result.note
        # A validation image unlabelled since: left out, and the note says so.
        item = store.image_by_path(store.root / recorded[0])
        store.delete_shapes(item.id, "human")
        store.set_status(item.id, ImageStatus.NEW)
        result = _report(run, store.snapshot())
    assert result.report.images == len(recorded) - 1
    assert "1 of its validation images are no longer labelled" in result.note

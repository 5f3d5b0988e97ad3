"""The review loop in the real window: pre-label with a trained run in a
worker thread, accept and reject predictions with the keyboard, the score
threshold, verdict colours, the review queue, the report and the export."""
from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from labeltool.core import Box, ProjectStore, Source
from labeltool.gui.review.overlay import VERDICT_COLORS
from tests.conftest import write_image

WAIT_MS = 120_000


def open_window(qtbot, store):
    from labeltool.gui.main_window import MainWindow

    w = MainWindow(store)
    review = w.review
    qtbot.addWidget(w)
    w.resize(1300, 850)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()
    w.canvas.setFocus()
    return w, review


@pytest.fixture
def trained_window(qtbot, detection_project_copy):
    project, run = detection_project_copy
    store = ProjectStore.open(project)
    from engine.runs import set_active_run

    set_active_run(store, run)
    w, review = open_window(qtbot, store)
    yield w, review, store, run
    w.close()
    store.close()


def key(w, k):
    QTest.keyClick(w.canvas, k)


def test_prelabel_unlabelled_then_accept_one_reject_another(qtbot, trained_window):
    w, review, store, run = trained_window
    panel, session = review.panel, review.session
    assert Path(panel.run_combo.currentData()) == run  # the active run is chosen
    unlabelled = panel.target_images("unlabelled")
    assert [store.image(i).path for i in unlabelled] == ["new/u0.png", "new/u1.png", "new/u2.png"]
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS) as sig:
        assert panel.predict("unlabelled")
    assert sig.args == [3, False]
    for i in unlabelled:
        preds = store.shapes(i, source="model")
        assert store.shapes(i, source="human") == []
        assert preds and all(p.source.model == run.name and p.source.score >= 0.05 for p in preds)
    assert panel.review_check.isChecked() and session.active

    image_id = unlabelled[0]
    w.go_to_image(image_id)
    panel.slider.setValue(panel.slider.minimum())  # show every prediction
    before = {p.id: p for p in store.shapes(image_id, source="model")}
    assert session.shown_count == len(before) >= 2

    accepted = session.current_id
    key(w, Qt.Key.Key_Y)  # accept
    assert session.current_id != accepted
    key(w, Qt.Key.Key_Tab)  # next prediction
    rejected = session.current_id
    assert rejected not in (accepted, None)
    key(w, Qt.Key.Key_N)  # reject

    humans = store.shapes(image_id, source="human")
    assert len(humans) == 1
    h = humans[0]
    # A person's label now, that still names the model that proposed it (issue 11 #4).
    assert h.id == accepted and not h.source.is_model
    assert h.source.model == run.name and h.source.score == before[accepted].source.score
    assert h.bounds() == before[accepted].bounds() and h.label == before[accepted].label
    remaining = {p.id for p in store.shapes(image_id, source="model")}
    assert remaining == set(before) - {accepted, rejected}
    assert session.shown_count == len(before) - 2
    assert accepted in w.canvas.canvas_scene.items_by_id  # drawn as a label now

    w.editor.undo()  # the rejection comes back as a prediction
    assert rejected in {p.id for p in store.shapes(image_id, source="model")}


def test_repredicting_replaces_the_image_predictions(qtbot, trained_window):
    w, review, store, run = trained_window
    panel = review.panel
    image_id = panel.target_images("unlabelled")[0]
    w.go_to_image(image_id)
    first = set()
    for _ in range(2):
        with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS):
            assert panel.predict("current")
        ids = {p.id for p in store.shapes(image_id, source="model")}
        assert ids and not ids & first
        first = ids
    assert len(store.shapes(image_id)) == len(first)


def test_cancel_stops_before_all_images(qtbot, trained_window):
    w, review, store, run = trained_window
    panel = review.panel
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS) as sig:
        panel.predict("unlabelled")
        assert panel.cancel_button.isVisible()
        panel.cancel()
    done, cancelled = sig.args
    assert cancelled and done < 3
    assert len(store.image_ids_with_shapes(source="model")) == done
    assert not panel.cancel_button.isVisible() and panel.predict_current.isEnabled()


def test_report_and_export_from_the_panel(qtbot, trained_window, tmp_path):
    w, review, store, run = trained_window
    panel = review.panel
    dlg = panel.open_report()
    # The job's answer reaches the GUI thread after the thread has ended (posted, then drained by a
    # timer): wait for the answer, or for the failure's words.
    qtbot.waitUntil(lambda: dlg.result is not None or "could not" in dlg.message.text(), timeout=WAIT_MS)
    assert dlg.result is not None, dlg.message.text()
    r = dlg.result.report
    assert r.classes == ["part"] and r.per_class["part"].truths >= 1
    assert dlg.result.summary.startswith("part AP")
    assert "validation images" in dlg.result.note
    assert r.confusion.shape == (2, 2) and r.confusion[0].sum() == r.per_class["part"].truths
    png = tmp_path / "report.png"
    assert dlg.save_png(str(png)) and png.stat().st_size > 10_000
    dlg.close()

    assert panel.export_model(tmp_path / "exported") is not None
    qtbot.waitUntil(lambda: panel.export_job is None, timeout=WAIT_MS)
    assert (tmp_path / "exported" / "model.json").is_file()
    assert "torchscript" in panel.status.text()


# ------------------------------------------------- hand-made predictions
def pred(label, score, x1, y1, x2, y2):
    return Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2, source=Source.from_model("handmade", score))


@pytest.fixture
def handmade(qtbot, tmp_path):
    """Five labelled images where a model agrees with the labels, except on
    img3, where a person labelled a dog "cat"; one unlabelled image with four
    predictions of scores 0.2 to 0.9."""
    root = tmp_path / "project"
    for i in range(6):
        write_image(root / f"img{i}.png", 200, 150)
    store = ProjectStore.open(root)
    items = store.images()
    for i, item in enumerate(items[:5]):
        store.add_shape(item.id, Box(label="cat", x1=20, y1=20, x2=90, y2=90))
        store.add_shape(item.id, pred("dog" if i == 3 else "cat", 0.95, 21, 20, 90, 91))
    for s, x in ((0.2, 10), (0.4, 50), (0.6, 90), (0.9, 130)):
        store.add_shape(items[5].id, pred("cat", s, x, 20, x + 30, 60))
    w, review = open_window(qtbot, store)
    yield w, review, store, items
    w.close()
    store.close()


def test_threshold_slider_changes_what_is_drawn(handmade):
    w, review, store, items = handmade
    panel, session = review.panel, review.session
    panel.review_check.setChecked(True)
    w.go_to_image(items[5].id)
    scene = w.canvas.canvas_scene
    drawn = lambda: sum(1 for it in scene.items() if it in session.overlay.items.values())  # noqa: E731
    panel.slider.setValue(50)
    assert drawn() == session.shown_count == 2 and panel.list.count() == 2
    stored = {p.id for p in store.shapes(items[5].id, source="model")}
    # Review draws them, not the window; View > Show predictions is left as the person set it.
    assert not stored & set(scene.items_by_id) and w.actions.show_predictions.isChecked()
    assert "2 of 4" in panel.count_label.text()
    panel.slider.setValue(30)
    assert drawn() == 3
    panel.slider.setValue(95)
    assert drawn() == 0 and not panel.accept_button.isEnabled()
    panel.review_check.setChecked(False)  # leaving review clears the overlay, the window shows predictions again
    assert drawn() == 0 and w.actions.show_predictions.isChecked() and stored <= set(scene.items_by_id)


def test_accept_all_shown_keeps_what_is_seen(handmade):
    w, review, store, items = handmade
    panel = review.panel
    panel.review_check.setChecked(True)
    w.go_to_image(items[5].id)
    panel.slider.setValue(50)
    panel.accept_all_button.click()
    assert sorted(s.bounds()[0] for s in store.shapes(items[5].id, source="human")) == [90, 130]
    assert store.shapes(items[5].id, source="model") == []
    w.editor.undo()  # one step
    assert len(store.shapes(items[5].id, source="model")) == 4


def test_edit_then_accept_selects_the_new_label(handmade):
    w, review, store, items = handmade
    review.panel.review_check.setChecked(True)
    w.go_to_image(items[5].id)
    review.panel.slider.setValue(80)
    review.panel.edit_button.click()
    human = store.shapes(items[5].id, source="human")
    # Accepted: a person's label that still names its model and score (issue 11 #4).
    assert len(human) == 1 and not human[0].source.is_model
    assert (human[0].source.model, human[0].source.score) == ("handmade", 0.9)
    assert w.canvas.canvas_scene.selected == [human[0].id]


def test_compare_colours_verdicts_and_outlines_missed(handmade):
    w, review, store, items = handmade
    session = review.session
    review.panel.review_check.setChecked(True)
    w.go_to_image(items[0].id)
    (item,) = session.overlay.items.values()
    assert item.color.name() == VERDICT_COLORS["tp"] and not session.overlay.missed
    w.go_to_image(items[3].id)
    (item,) = session.overlay.items.values()
    assert item.color.name() == VERDICT_COLORS["wrong_class"]
    assert [m.color.name() for m in session.overlay.missed] == [VERDICT_COLORS["fn"]]
    assert "1 missed" in review.panel.count_label.text()


def test_review_queue_puts_the_mislabelled_image_first(qtbot, handmade):
    w, review, store, items = handmade
    queue = review.panel.queue
    queue.build_button.click()
    assert [it.image_id for it in queue.items][0] == items[3].id
    assert queue.items[-1].kind == "uncertainty" and queue.items[-1].image_id == items[5].id
    first = queue.list.item(0)
    assert "img3" in first.text() and "other class" in first.text()
    rect = queue.list.visualItemRect(first)
    QTest.mouseClick(queue.list.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     rect.center())
    assert w.current_image().id == items[3].id


@pytest.mark.parametrize("which,unit", [("classification_run", "images"), ("segmentation_run", "shapes")])
def test_report_of_classifier_and_unet(qtbot, request, which, unit):
    from labeltool.gui.jobs.predict import ModelRef
    from labeltool.gui.jobs.report import ReportJob

    from .conftest import project_of

    run = request.getfixturevalue(which)
    with ProjectStore.open(project_of(run), readonly=True) as store:
        snapshot = store.snapshot()
    job = ReportJob(ModelRef(run), snapshot, 0.5, device="cpu")
    results, errors = [], []
    job.done.connect(results.append, Qt.ConnectionType.DirectConnection)
    job.failed.connect(errors.append, Qt.ConnectionType.DirectConnection)
    job.run()  # on this thread: the worker's code, without the thread
    assert not errors and len(results) == 1
    r = results[0].report
    assert set(r.classes) == set(snapshot.class_names)
    assert sum(m.truths for m in r.per_class.values()) >= 1 and r.mean_ap is not None
    if which == "segmentation_run":
        assert r.per_class["leaf"].truths >= 1  # one per image showing leaves
    else:
        assert r.confusion[:-1].sum() == sum(m.truths for m in r.per_class.values())


def test_clicking_a_prediction_picks_it_for_y_and_n(qtbot, handmade):
    from tests.gui.conftest import Driver

    w, review, store, items = handmade
    session, drive = review.session, Driver(w, qtbot)
    review.panel.review_check.setChecked(True)
    review.panel.slider.setValue(10)  # all four shown
    w.go_to_image(items[5].id)
    by_x = {p.bounds()[0]: p.id for p in session.predictions}
    assert session.current_id == by_x[130]  # the surest first
    drive.click(100, 40)  # inside the 0.6 box (90..120)
    assert session.current_id == by_x[90]
    assert review.panel.list.currentItem().data(Qt.ItemDataRole.UserRole) == by_x[90]
    key(w, Qt.Key.Key_Y)
    assert [h.id for h in store.shapes(items[5].id, source="human")] == [by_x[90]]
    assert session.current_id == by_x[50]  # the next one after the accepted
    drive.click(20, 40, mods=Qt.KeyboardModifier.ControlModifier)  # modified clicks stay the tool's
    assert session.current_id == by_x[50]

    # Over a label, the prediction drawn on top wins; the label is not selected.
    w.go_to_image(items[0].id)
    drive.click(50, 50)
    assert session.current_id == store.shapes(items[0].id, source="model")[0].id
    assert w.canvas.canvas_scene.selected == []
    # The selected label's handles stay grabbable under a prediction.
    (label,) = store.shapes(items[0].id, source="human")
    w.canvas.canvas_scene.select([label.id])
    drive.drag((90, 90), (110, 105))
    assert store.shapes(items[0].id, source="human")[0].bounds() == pytest.approx((20, 20, 110, 105), abs=1)
    # A drawing tool keeps its clicks.
    w.go_to_image(items[5].id)
    w.canvas.set_tool("box")
    drive.click(15, 30)
    assert session.current_id != by_x[10]


def test_review_needs_the_workspace_canvas_and_editor_not_the_window(qtbot, tmp_path):
    """Review is built from the parts it uses; with no MainWindow at all it
    draws an image's predictions, accepts one into the store, and asks the
    workspace (not a window) to show the images its queue lists."""
    from labeltool.gui.canvas import CanvasView
    from labeltool.gui.editing import Editor
    from labeltool.gui.image_list import ImageListModel
    from labeltool.gui.label_panel import LabelPanel
    from labeltool.gui.review import Review
    from labeltool.gui.store_bridge import StoreBridge
    from labeltool.gui.workspace import Workspace

    write_image(tmp_path / "p" / "a.png", 200, 150)
    store = ProjectStore.open(tmp_path / "p")
    (item,) = store.images()
    store.add_shape(item.id, pred("cat", 0.9, 10, 10, 60, 60))
    images = ImageListModel()
    images.set_store(store)
    workspace = Workspace(images)
    canvas, classes = CanvasView(), LabelPanel()
    qtbot.addWidget(canvas)
    qtbot.addWidget(classes)
    editor = Editor(workspace, canvas.canvas_scene, classes)
    review = Review(workspace, canvas, editor, selected_images=lambda: [])
    qtbot.addWidget(review.panel)
    asked: list[int] = []
    workspace.imageRequested.connect(asked.append)

    workspace.set_project(store, StoreBridge(store))
    workspace.projectOpened.emit(store)
    workspace.set_current(store.image(item.id))
    workspace.imageChanged.emit(item.id)
    review.panel.review_check.setChecked(True)
    assert review.session.shown_count == 1
    (prediction,) = review.session.predictions
    assert review.session.accept() == prediction.id
    assert [s.id for s in store.shapes(item.id, source="human")] == [prediction.id]

    store.add_shape(item.id, pred("dog", 0.3, 100, 10, 150, 60))
    review.panel.queue.build_button.click()
    review.panel.queue.list.itemClicked.emit(review.panel.queue.list.item(0))
    assert asked == [item.id]
    store.close()

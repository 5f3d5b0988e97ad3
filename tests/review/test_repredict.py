"""Predicting again: the window and ``labeltool predict --into-project`` both
replace every trained run's prediction of the image (an older run's
included) and keep a person's labels (the window also keeps the text PP-OCR
read: tests/review/test_read_text.py); an image that cannot be read keeps
what it had.
And "Selected" in the review panel predicts every image selected in the list."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from labeltool.core import Box, ProjectStore, Source
from tests.review.test_review_gui import WAIT_MS, open_window


def older_prediction_and_a_label(store: ProjectStore, image_id: int) -> tuple[int, int]:
    old = store.add_shape(image_id, Box(label="part", x1=1, y1=1, x2=30, y2=30,
                                        source=Source.from_model("20230101-older-run", 0.99)))
    human = store.add_shape(image_id, Box(label="part", x1=40, y1=40, x2=80, y2=80))
    return old.id, human.id


def assert_only_this_runs_predictions(store: ProjectStore, image_id: int, run: Path, human_id: int) -> None:
    models = store.shapes(image_id, source="model")
    assert models and {s.source.model for s in models} == {run.name}
    assert [s.id for s in store.shapes(image_id, source="human")] == [human_id]


def test_window_repredict_replaces_an_older_runs_predictions(qtbot, detection_project_copy):
    project, run = detection_project_copy
    store = ProjectStore.open(project)
    item = store.image_by_path("new/u0.png")
    old_id, human_id = older_prediction_and_a_label(store, item.id)
    w, review = open_window(qtbot, store)
    try:
        review.panel.add_model(run)
        w.go_to_image(item.id)
        with qtbot.waitSignal(review.panel.predictionFinished, timeout=WAIT_MS) as sig:
            assert review.panel.predict("current")
        assert sig.args == [1, False]
        assert old_id not in {s.id for s in store.shapes(item.id)}
        assert_only_this_runs_predictions(store, item.id, run, human_id)
    finally:
        w.close()
        store.close()


def test_cli_into_project_replaces_an_older_runs_predictions_and_spares_unreadable_images(detection_project_copy):
    from labeltool.app.cli import main

    project, run = detection_project_copy
    broken = project / "new" / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n but not really")
    with ProjectStore.open(project) as store:
        item = store.image_by_path("new/u0.png")
        old_id, human_id = older_prediction_and_a_label(store, item.id)
        broken_item = store.image_by_path("new/broken.png")
        kept_id, _ = older_prediction_and_a_label(store, broken_item.id)
    rc = main(["predict", str(run), str(project / "new" / "u0.png"), str(broken), "--into-project",
               "--score", "0.05", "--device", "cpu"])
    assert rc == 1  # one image could not be read
    with ProjectStore.open(project, readonly=True) as store:
        assert old_id not in {s.id for s in store.shapes(item.id)}
        assert_only_this_runs_predictions(store, item.id, run, human_id)
        assert kept_id in {s.id for s in store.shapes(broken_item.id, source="model")}


def test_predict_selected_predicts_every_selected_image(qtbot, detection_project_copy):
    project, run = detection_project_copy
    store = ProjectStore.open(project)
    w, review = open_window(qtbot, store)
    try:
        panel, lst = review.panel, w.image_list
        panel.add_model(run)
        wanted = [store.image_by_path(p).id for p in ("new/u0.png", "new/u2.png")]
        for k, image_id in enumerate(wanted):
            rect = lst.view.visualRect(lst.model.index(lst.model.row_of(image_id)))
            mods = Qt.KeyboardModifier.ControlModifier if k else Qt.KeyboardModifier.NoModifier
            QTest.mouseClick(lst.view.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())
        assert panel.target_images("selected") == wanted
        with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS) as sig:
            panel.predict_selected.click()
        assert sig.args == [2, False]
        predicted = store.image_ids_with_shapes(source="model")
        assert set(wanted) <= predicted and store.image_by_path("new/u1.png").id not in predicted
    finally:
        w.close()
        store.close()

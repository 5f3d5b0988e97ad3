"""Read text's settings (kept per project, invalid values explained) and the
review queue's ranking of text PP-OCR read. No model runs here: the
readings are made by hand with the scores a recogniser gives."""
from __future__ import annotations

import json

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from labeltool.core import Box, ProjectStore, Source, TextRegion
from labeltool.gui.jobs.ocr import OCR_MODEL, OPTIONS_KEY, OcrOptions, OcrRef
from labeltool.gui.jobs.review import ReviewItem
from labeltool.gui.review.ocr_settings import OcrSettingsDialog
from labeltool.gui.review.queue_view import merge_text_items, text_item
from labeltool.gui.review.read_text import project_options, save_project_options
from tests.conftest import write_image
from tests.review.test_review_gui import open_window


def reading(score: float, y: float = 10) -> TextRegion:
    return TextRegion(label="text", points=[(5, y), (90, y), (90, y + 20), (5, y + 20)], transcription="word",
                      source=Source.from_model(OCR_MODEL, score))


# ----------------------------------------------------------------- settings
def test_options_are_kept_per_project_with_a_recogniser_inside_it_relative(store: ProjectStore):
    root = store.root
    (root / "models").mkdir()
    model, keys = root / "models" / "rec.onnx", root / "models" / "keys.txt"
    options = OcrOptions(box_threshold=0.35, unclip_ratio=2.0, direction_classifier=False,
                         rec_model=str(model), rec_keys=str(keys))
    assert project_options(store) == OcrOptions()  # PP-OCR's own until changed
    save_project_options(store, options)
    stored = json.loads(store.get_meta(OPTIONS_KEY))
    assert stored["rec_model"] == "models/rec.onnx" and stored["rec_keys"] == "models/keys.txt"
    back = project_options(store)
    assert (back.box_threshold, back.unclip_ratio, back.direction_classifier) == (0.35, 2.0, False)
    settings = back.settings(root, 0.05)  # what the engine gets: the project's files, a core left to the window
    assert settings.rec_model == model and settings.rec_keys == keys
    assert (settings.box_threshold, settings.unclip_ratio, settings.use_direction_classifier) == (0.35, 2.0, False)
    assert settings.min_score == 0.05 and settings.threads >= 1
    assert OcrRef(back, root).name == OCR_MODEL
    save_project_options(store, OcrOptions())
    assert store.get_meta(OPTIONS_KEY) is None  # defaults keep nothing


def test_options_written_by_another_version_fall_back_to_the_defaults():
    assert OcrOptions.from_json("not json") == OcrOptions()
    assert OcrOptions.from_json("[1, 2]") == OcrOptions()
    odd = OcrOptions.from_json(json.dumps({"box_threshold": "high", "unclip_ratio": 2, "direction_classifier": 1,
                                           "rec_model": None, "future": True}))
    assert odd == OcrOptions(unclip_ratio=2.0)


def test_the_engine_explains_what_the_window_does_not_check_itself():
    assert "box threshold 1.5" in OcrOptions(box_threshold=1.5).problem(None)
    assert OcrOptions().problem(None) is None


def test_the_dialog_explains_invalid_settings_and_stays_open(qtbot, tmp_path):
    dialog = OcrSettingsDialog(OcrOptions(), tmp_path)
    qtbot.addWidget(dialog)
    dialog.rec_keys.setText(str(tmp_path / "keys.txt"))
    dialog.accept()
    assert "character list belongs to a recogniser" in dialog.problem.text() and not dialog.result()
    dialog.rec_model.setText("missing.onnx")  # relative: under the project
    dialog.accept()
    assert str(tmp_path / "missing.onnx") in dialog.problem.text() and "does not exist" in dialog.problem.text()
    (tmp_path / "model.pdmodel").write_bytes(b"paddle")
    (tmp_path / "keys.txt").write_text("a\n", encoding="utf-8")
    dialog.rec_model.setText(str(tmp_path / "model.pdmodel"))
    dialog.accept()
    assert "ONNX" in dialog.problem.text()
    dialog.set_options(OcrOptions())  # Restore defaults
    assert dialog.rec_keys.text() == "" and dialog.box_threshold.value() == pytest.approx(0.5)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted


def test_settings_from_the_review_panel_are_kept_in_the_project(qtbot, store: ProjectStore):
    w, review = open_window(qtbot, store)
    try:
        def fill() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, OcrSettingsDialog)
            dialog.box_threshold.setValue(0.3)
            dialog.direction.setChecked(False)
            dialog.accept()

        QTimer.singleShot(0, fill)
        review.panel.text_box.settings_button.click()
        assert project_options(store) == OcrOptions(box_threshold=0.3, direction_classifier=False)
        assert review.panel.text_box.options() == project_options(store)
    finally:
        w.close()


# -------------------------------------------------------------------- queue
def test_text_images_rank_by_the_lines_likely_misread():
    sure = text_item(1, [reading(0.99), reading(0.98)])
    unsure = text_item(2, [reading(0.99), reading(0.55)])
    assert unsure.priority == pytest.approx(0.46) and sure.priority == pytest.approx(0.03)
    assert unsure.counts == {"lines": 2, "least_sure": 55}
    mistake = ReviewItem(3, 1.0, "disagreement", {"missed": 1})
    detector_unsure = ReviewItem(4, 0.2, "uncertainty", {"predictions": 1})
    nothing = ReviewItem(5, 0.0, "uncertainty", {"predictions": 0})
    ranked = [mistake, detector_unsure, nothing]
    assert [it.image_id for it in merge_text_items(ranked, [sure, unsure], "all")] == [3, 2, 4, 1, 5]
    assert [it.image_id for it in merge_text_items(ranked, [sure, unsure], "mistakes")] == [3, 4, 5]
    # An image with a run's predictions and text read comes once, where it ranks first.
    assert [it.image_id for it in merge_text_items([ReviewItem(2, 0.9, "uncertainty")], [unsure], "uncertain")] \
        == [2]


def test_the_queue_lists_the_least_sure_reading_first(qtbot, tmp_path):
    root = tmp_path / "project"
    for name in ("a.png", "b.png", "c.png"):
        write_image(root / name, 120, 80)
    store = ProjectStore.open(root)
    a, b, c = (store.image_by_path(n).id for n in ("a.png", "b.png", "c.png"))
    store.replace_predictions(a, [reading(0.99), reading(0.97, 40)], model=OCR_MODEL)
    store.replace_predictions(b, [reading(0.99), reading(0.6, 40)], model=OCR_MODEL)
    store.add_shape(c, Box(label="cat", x1=1, y1=1, x2=50, y2=50, source=Source.from_model("run", 0.5)))
    w, review = open_window(qtbot, store)
    try:
        items = review.panel.queue.build()
        assert [it.image_id for it in items] == [c, b, a]  # a coin-flip box, then the unsure reading
        text = review.panel.queue.list.item(1).text()
        assert text.startswith("b.png") and "2 line(s)" in text and "0.60" in text
    finally:
        w.close()
        store.close()


def test_trained_runs_are_kept_relative_and_a_gone_run_is_explained(qtbot, store: ProjectStore):
    """Issue 16 #3: "Find lines with" / "Read with" keep a run of the project
    relative to it (the project can move); a run deleted since is named."""
    root = store.root
    det, rec = root / ".labeltool" / "runs" / "det", root / ".labeltool" / "runs" / "rec"
    det.mkdir(parents=True)
    options = OcrOptions(det_run=str(det), rec_run=str(rec))
    save_project_options(store, options)
    stored = json.loads(store.get_meta(OPTIONS_KEY))
    assert (stored["det_run"], stored["rec_run"]) == (".labeltool/runs/det", ".labeltool/runs/rec")
    settings = project_options(store).settings(root, 0.05)
    assert (settings.det_run, settings.rec_run) == (det, rec)

    dialog = OcrSettingsDialog(project_options(store), root)
    qtbot.addWidget(dialog)
    assert dialog.det_run.currentData() == str(det) and dialog.rec_run.currentText() == "rec"  # listed by name
    assert not dialog.rec_model.isEnabled()
    dialog.accept()
    assert f"The run {rec} is gone" in dialog.problem.text() and not dialog.result()
    dialog.rec_run.setCurrentIndex(0)  # PP-OCR reads
    assert dialog.rec_model.isEnabled()
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.options() == OcrOptions(det_run=str(det))

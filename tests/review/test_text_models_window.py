"""Issue 16 #3 in the real window: a recogniser and a text detector trained
from the Train dialog (a few real steps each), their curves (CER and line
accuracy; hmean, precision, recall) and streamed predictions (lines: crop,
read, truth; quads over the image), then Read text with the trained pair in
PP-OCR's place and the readings reviewed like any prediction.

A few steps teach a model nothing (CTC stays blank for a couple of hundred
steps), so before reading, the runs are given one known answer
(tests/engine/text_pair.py): the review then has text to judge."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from labeltool.core import ProjectStore, TextRegion
from labeltool.gui.jobs.ocr import OCR_MODEL, OcrOptions
from labeltool.gui.review.ocr_settings import OcrSettingsDialog
from labeltool.gui.review.read_text import project_options
from tests.engine.text_pair import teach_one_answer, train_tiny
from tests.engine.text_synth import line_project
from tests.review.test_review_gui import open_window

pytestmark = pytest.mark.slow
WAIT = 120_000  # ms: two busy cores


@pytest.fixture
def text_window(qtbot, tmp_path):
    """The window over 12 images of one turned line each, all transcribed."""
    store = ProjectStore.open(line_project(tmp_path / "lines", n=12, seed=5))
    w, review = open_window(qtbot, store)
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    yield w, store
    w.training.shutdown()
    w.close()
    store.close()


def train_from_dialog(qtbot, w, task: str, model: str, img_size: int | None = None) -> Path:
    """Train ``task`` from the Train dialog for two steps on the CPU; the run's folder."""
    c = w.training
    c.train_action.trigger()
    dialog = c.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.task_combo.setCurrentIndex(dialog.task_combo.findData(task))
    dialog.model_combo.setCurrentIndex(dialog.model_combo.findData(model))
    assert dialog.task == task and dialog.model == model
    dialog.pretrained.setChecked(False)
    dialog.epochs.setValue(1)
    qtbot.mouseClick(dialog.advanced_toggle, Qt.MouseButton.LeftButton)
    dialog.batch_size.setValue(4)
    dialog.max_steps.setValue(2)
    if img_size is not None:
        dialog.img_size.setValue(img_size)
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert c.last_end.reason == "finished", c.last_end.message
    return c.current_run


def test_a_recogniser_trained_from_the_dialog_shows_cer_and_the_lines_it_read(qtbot, text_window):
    w, store = text_window
    c = w.training
    c.train_action.trigger()
    assert c.dialog.task == "recognize"  # every region is transcribed: the dialog suggests the recogniser
    c.dialog.reject()
    run = train_from_dialog(qtbot, w, "recognize", "crnn_lite")
    panel = c.panel

    # Curves: CER (its legend says which way is better) and line accuracy, per epoch.
    panel.curves.redraw()
    assert panel.curves.plotted_points("cer") == 1 and panel.curves.plotted_points("line_accuracy") == 1
    assert "CER (lower is better)" in panel.curves.legend.text()
    assert "line accuracy" in panel.curves.legend.text() and "line accuracy (lower" not in panel.curves.legend.text()

    # Streamed predictions: one row per validation line, crop | read | truth, worst first, wrong ones marked.
    qtbot.waitUntil(lambda: panel.reading.rowCount() > 0, timeout=WAIT)
    assert panel.reading.isVisibleTo(panel) and not panel.strip.isVisibleTo(panel)
    truths = {r.transcription for i in store.images() for r in store.shapes(i.id) if isinstance(r, TextRegion)}
    rows = panel.reading.rows
    assert {r.truth for r in rows} <= truths and len(rows) == len(panel.strip.thumbnails)  # a line an image
    assert [r.cer for r in rows] == sorted((r.cer for r in rows), reverse=True)
    for k, row in enumerate(rows):
        assert row.crop.height() == 32 and row.crop.width() > 32  # a line: wider than high
        assert panel.reading.item(k, 2).text() == row.truth
        mark = "✓" if row.read == row.truth else "✗"
        assert panel.reading.item(k, 1).text() == f"{mark} {row.read}"
    assert f"{panel.reading.wrong_count()} of {len(rows)} validation lines read wrong" in panel.strip_label.text()
    # A click on a line opens its image.
    panel.reading.cellClicked.emit(0, 1)
    assert w.current_image().path == store.relpath(panel.strip.thumbnails[rows[0].sample].image_path)

    # Pre-label with the recogniser (the Review dock's run picker): it reads the image's text regions.
    letter = teach_one_answer(run)
    review = w.review
    review.panel.models.load()
    review.panel.models.add(run, select=True)
    image = w.current_image()
    (human,) = store.shapes(image.id, source="human")
    with qtbot.waitSignal(review.panel.predictionFinished, timeout=WAIT):
        assert review.panel.predict("current")
    (reading,) = store.shapes(image.id, source="model")
    assert isinstance(reading, TextRegion) and reading.transcription == letter
    assert reading.points == human.points and reading.attributes["reads"] == human.id


def test_a_trained_detector_and_recogniser_read_text_in_ppocrs_place(qtbot, text_window, tmp_path):
    w, store = text_window
    det = train_from_dialog(qtbot, w, "textdet", "textdet_unet_resnet18", img_size=64)
    panel = w.training.panel
    panel.curves.redraw()
    for name in ("hmean", "precision", "recall"):
        assert panel.curves.series(name)[1], name  # the detector's ICDAR figures, drawn per epoch
    assert "hmean" in panel.curves.legend.text()
    qtbot.waitUntil(lambda: panel.strip.count() > 0, timeout=WAIT)
    assert panel.strip.isVisibleTo(panel) and not panel.reading.isVisibleTo(panel)  # quads over the image
    rec = train_tiny(store.root, "recognize", "crnn_lite")  # the dialog's part is the test above
    teach_one_answer(det)
    letter = teach_one_answer(rec)

    # Read text settings: find lines with the detector run, read with the recogniser run.
    review = w.review
    box = review.panel.text_box
    assert box.title() == "Read text (PP-OCR)"

    def choose() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, OcrSettingsDialog)
        runs = {dialog.det_run.itemData(k) for k in range(dialog.det_run.count())}
        assert runs == {"", str(det)}  # PP-OCR, and the project's text detector runs only
        dialog.det_run.setCurrentIndex(dialog.det_run.findData(str(det)))
        dialog.rec_run.setCurrentIndex(dialog.rec_run.findData(str(rec)))
        assert not dialog.rec_model.isEnabled()  # a run reads: no other ONNX recogniser
        dialog.direction.setChecked(False)
        dialog.accept()

    QTimer.singleShot(0, choose)
    box.settings_button.click()
    options = project_options(store)
    assert (options.det_run, options.rec_run) == (str(det.relative_to(store.root)), str(rec.relative_to(store.root)))
    assert box.title() == "Read text (your models)"

    image = store.image_by_path("line0003.png")
    w.go_to_image(image.id)
    before = store.shapes(image.id, source="human")
    with qtbot.waitSignal(review.panel.predictionFinished, timeout=WAIT) as sig:
        assert review.panel.read_text("current")
    assert sig.args == [1, False]
    (found,) = store.shapes(image.id, source="model")
    # The quad is the detector's (it marks everything: the whole image), the text the recogniser's.
    assert isinstance(found, TextRegion) and found.transcription == letter and found.source.model == OCR_MODEL
    xs, ys = zip(*found.points)
    width, height = Image.open(store.root / image.path).size
    assert max(xs) - min(xs) == pytest.approx(width - 1, abs=1.5)
    assert max(ys) - min(ys) == pytest.approx(height - 1, abs=1.5)

    # Reviewed like any prediction: shown, Y accepts it as the person's.
    session = review.session
    assert session.active and session.shown_count == 1
    session.accept()
    after = store.shapes(image.id, source="human")
    assert len(after) == len(before) + 1 and store.shapes(image.id, source="model") == []
    assert any(s.transcription == letter and s.points == found.points for s in after)

    # Back to PP-OCR: the defaults keep nothing in the project.
    def restore() -> None:
        dialog = QApplication.activeModalWidget()
        dialog.set_options(OcrOptions())
        dialog.accept()

    QTimer.singleShot(0, restore)
    box.settings_button.click()
    assert project_options(store) == OcrOptions() and box.title() == "Read text (PP-OCR)"

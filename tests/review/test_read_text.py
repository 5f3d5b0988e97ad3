"""Read text and Re-read in the real window, with the real PP-OCR models of
the rapidocr wheel on the CPU (deterministic: scikit-image's fixed ``page``
picture reads the same every time). The engine loads once for the whole
run (engine.ocr.load_ocr keeps it); each reading of the page takes seconds.
"""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from skimage import data

from labeltool.core import Box, ProjectStore, Source, TextRegion
from labeltool.gui.jobs.ocr import OCR_MODEL
from tests.engine.test_ocr import TITLE, _rotated
from tests.review.test_review_gui import WAIT_MS, open_window


def save(path, array: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(array).save(path)


@pytest.fixture
def text_window(qtbot, tmp_path):
    """A project (a Chinese folder name, as our users' often are) holding
    the page, the page turned 20 degrees and a file that is no image."""
    root = tmp_path / "文档"
    save(root / "page.png", data.page())
    turned, _ = _rotated(data.page(), TITLE, 20)
    save(root / "turned.png", turned)
    (root / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n but not really")
    store = ProjectStore.open(root)
    w, review = open_window(qtbot, store)
    yield w, review, store
    w.close()
    store.close()


def image_id(store: ProjectStore, path: str) -> int:
    return store.image_by_path(path).id


def read(qtbot, panel, which: str) -> list:
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS) as sig:
        assert panel.read_text(which)
    return sig.args


def words(regions) -> str:
    return " ".join(r.transcription for r in regions).lower()


def test_read_text_shows_the_lines_then_y_accepts_one_and_n_rejects_another(qtbot, text_window):
    w, review, store = text_window
    panel, session = review.panel, review.session
    page = image_id(store, "page.png")
    w.go_to_image(page)
    assert read(qtbot, panel, "current") == [1, False]
    readings = store.shapes(page, source="model")
    assert len(readings) >= 6 and all(isinstance(r, TextRegion) and r.source.model == OCR_MODEL for r in readings)
    assert "segmentation" in words(readings) and "markers" in words(readings)
    # Kept down to the slider's least value, so that the slider decides what is shown.
    assert min(r.source.score for r in readings) < 0.9
    assert session.active and panel.review_check.isChecked()
    panel.slider.setValue(panel.slider.minimum())
    assert session.shown_count == panel.list.count() == len(readings)
    assert any("segmentation" in panel.list.item(k).text().lower() for k in range(panel.list.count()))
    panel.slider.setValue(95)  # the unsure readings are hidden
    assert 0 < session.shown_count < len(readings)

    best = session.current_id  # the surest reading first: the title
    title = next(r for r in readings if r.id == best)
    QTest.keyClick(w.canvas, Qt.Key.Key_Y)
    QTest.keyClick(w.canvas, Qt.Key.Key_Tab)
    rejected = session.current_id
    QTest.keyClick(w.canvas, Qt.Key.Key_N)
    [accepted] = store.shapes(page, source="human")
    assert isinstance(accepted, TextRegion) and accepted.id == best
    assert accepted.transcription == title.transcription and "segmentation" in accepted.transcription.lower()
    assert accepted.points == title.points and accepted.source.model == OCR_MODEL
    assert rejected not in {s.id for s in store.shapes(page)}  # a rejected reading leaves nothing
    assert len(store.shapes(page, source="model")) == len(readings) - 2
    # The lines accepted so far say nothing of the others: no "false alarm?" verdicts...
    assert session.comparison is None
    assert not any("✗" in panel.list.item(k).text() for k in range(panel.list.count()))
    # ...but a region a person drew is something to judge the reading by.
    draw_region(store, page, [(35, 165), (245, 165), (245, 192), (35, 192)], "markers = np.zeros_like(coins)")
    assert session.comparison is not None and session.comparison.summary()["tp"] >= 2


def test_reading_text_and_a_runs_predictions_leave_each_other_alone(qtbot, detection_project_copy):
    """Text PP-OCR read is work of its own: pre-labelling with a trained run
    keeps it, and reading text keeps the run's predictions."""
    project, run = detection_project_copy
    save(project / "new" / "page.png", data.page())
    store = ProjectStore.open(project)
    w, review = open_window(qtbot, store)
    try:
        panel = review.panel
        page = image_id(store, "new/page.png")
        older = store.add_shape(page, Box(label="part", x1=1, y1=1, x2=30, y2=30,
                                          source=Source.from_model("20230101-older-run", 0.9)))
        w.go_to_image(page)
        assert read(qtbot, panel, "current") == [1, False]
        readings = {s.id for s in store.shapes(page, source="model") if s.source.model == OCR_MODEL}
        assert readings and older.id in {s.id for s in store.shapes(page)}

        panel.add_model(run)
        with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS) as sig:
            assert panel.predict("current")
        assert sig.args == [1, False]
        models = store.shapes(page, source="model")
        assert readings <= {s.id for s in models}  # the reading stays
        assert older.id not in {s.id for s in models}  # an older run's predictions go, as before
        assert {s.source.model for s in models} <= {OCR_MODEL, run.name}

        assert read(qtbot, panel, "current") == [1, False]  # reading again replaces only the reading
        again = store.shapes(page, source="model")
        assert not readings & {s.id for s in again}
        assert {s.source.model for s in again} == {s.source.model for s in models}
    finally:
        w.close()
        store.close()


def test_an_unreadable_image_is_skipped_with_a_message_and_the_others_are_read(qtbot, text_window):
    w, review, store = text_window
    panel = review.panel
    assert sorted(store.image(i).path for i in panel.target_images("unlabelled")) == \
        ["broken.png", "page.png", "turned.png"]
    done, cancelled = read(qtbot, panel, "unlabelled")
    assert (done, cancelled) == (3, False)
    assert "Skipped 1 unreadable image(s): broken.png" in panel.status.text()
    assert store.shapes(image_id(store, "broken.png")) == []
    for path in ("page.png", "turned.png"):
        assert "segmentation" in words(store.shapes(image_id(store, path), source="model"))


def test_cancel_stops_before_all_images(qtbot, text_window):
    w, review, store = text_window
    panel = review.panel
    with qtbot.waitSignal(panel.predictionFinished, timeout=WAIT_MS) as sig:
        assert panel.read_text("unlabelled")
        assert panel.cancel_button.isVisible()
        panel.cancel()
    done, cancelled = sig.args
    assert cancelled and done < 3
    assert len(store.image_ids_with_shapes(source="model")) <= done
    assert not panel.cancel_button.isVisible() and panel.text_box.read_current.isEnabled()


def test_closing_the_window_while_reading_stops_the_reading(qtbot, text_window):
    w, review, store = text_window
    assert review.panel.read_text("unlabelled")
    job = review.panel.job
    w.close()
    assert job.isFinished()  # not left writing to a store about to close


def draw_region(store: ProjectStore, image: int, points, transcription: str) -> TextRegion:
    return store.add_shape(image, TextRegion(label="text", points=points, transcription=transcription))


def test_reread_fills_a_drawn_quad_in_one_undo_step(qtbot, text_window):
    w, review, store = text_window
    page = image_id(store, "page.png")
    # The title, clicked from its bottom-right corner the other way round;
    # and a second line read as nothing yet.
    title = draw_region(store, page, [TITLE[2], TITLE[1], TITLE[0], TITLE[3]], "Regoin-basd")
    blank = draw_region(store, page, [(0, 44), (380, 44), (380, 68), (0, 68)], "")
    w.go_to_image(page)
    w.canvas.canvas_scene.select([title.id, blank.id])
    assert review.actions["reread"].isEnabled()
    with qtbot.waitSignal(review.rereader.finishedReading, timeout=WAIT_MS) as sig:
        QTest.keySequence(w.canvas, review.actions["reread"].shortcut())
    assert sig.args == [2]
    _, read_title = store.shape(title.id)
    _, read_line = store.shape(blank.id)
    assert read_title.transcription.replace(" ", "").lower() == "region-basedsegmentation"
    assert "markers" in read_line.transcription.lower()
    assert read_title.points == title.points and not read_title.source.is_model
    w.editor.undo()  # one step brings both back
    assert store.shape(title.id)[1].transcription == "Regoin-basd"
    assert store.shape(blank.id)[1].transcription == ""


def test_reread_reads_turned_text_from_the_context_menu(qtbot, text_window):
    w, review, store = text_window
    turned_id = image_id(store, "turned.png")
    _, quad = _rotated(data.page(), TITLE, 20)
    region = draw_region(store, turned_id, quad, "")
    w.go_to_image(turned_id)
    view = w.canvas
    cx, cy = np.mean(np.asarray(quad), axis=0)
    pos = view.mapFromScene(float(cx), float(cy))
    assert review.rereader.context_menu_at(QPoint(10_000, 10_000)) is None  # not on a text region
    menu = review.rereader.context_menu_at(pos)
    assert menu is not None and review.actions["reread"] in menu.actions()
    assert view.canvas_scene.selected == [region.id]  # right-clicked: selected
    with qtbot.waitSignal(review.rereader.finishedReading, timeout=WAIT_MS) as sig:
        review.actions["reread"].trigger()
    assert sig.args == [1]
    assert store.shape(region.id)[1].transcription.replace(" ", "").lower() == "region-basedsegmentation"


def test_reread_says_what_to_select_and_f1_lists_it(qtbot, text_window):
    from labeltool.gui.help_dialog import shortcut_actions

    w, review, store = text_window
    w.go_to_image(image_id(store, "page.png"))
    messages = []
    w.workspace.statusMessage.connect(lambda text, _ms: messages.append(text))
    assert not review.rereader.reread()
    assert messages and "Select" in messages[-1]
    listed = shortcut_actions(w, w.actions.all)
    assert review.actions["reread"] in listed
    assert review.actions["reread"].shortcut().toString() == "Ctrl+R"


def test_accepting_a_reading_of_a_drawn_region_fills_that_region(qtbot, text_window):
    """A recogniser run reads the regions a person drew (its predictions name
    the region: attributes["reads"]): Y puts the text into that region, not
    a second region on the same quad; one undo step takes it back."""
    w, review, store = text_window
    page = image_id(store, "page.png")
    quad = [(35, 165), (245, 165), (245, 192), (35, 192)]
    drawn = store.add_shape(page, TextRegion(label="text", points=quad, transcription=""))
    store.add_shape(page, TextRegion(label="text", points=quad, transcription="markers = np.zeros_like(coins)",
                                     source=Source("model", "crnn-run", 0.8), attributes={"reads": drawn.id}))
    w.go_to_image(page)
    review.panel.review_check.setChecked(True)
    review.panel.slider.setValue(review.panel.slider.minimum())
    assert review.session.shown_count == 1
    QTest.keyClick(w.canvas, Qt.Key.Key_Y)
    [region] = store.shapes(page)
    assert region.id == drawn.id and region.source.kind == "human" and region.points == drawn.points
    assert region.transcription == "markers = np.zeros_like(coins)"
    w.editor.undo()
    assert sorted(s.transcription for s in store.shapes(page)) == ["", "markers = np.zeros_like(coins)"]
    assert store.shape(drawn.id)[1].transcription == ""

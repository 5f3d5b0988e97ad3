"""Drawing each kind of shape with the mouse and keys on the real canvas;
the store holds exactly what was drawn."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from labeltool.core import Box, ImageTag, Mask, Polygon, ProjectStore, TextRegion


def human(store, window):
    return store.shapes(window.current_image().id, source="human")


def test_window_opens_on_first_image(main_window, project_store):
    w = main_window
    assert w.current_image().path == "img1.jpg"
    assert w.image_list.model.rowCount() == 4
    assert w.status_position.text() == "1 / 4"
    assert w.status_size.text() == "200 × 150"
    assert w.canvas.canvas_scene.image_size() == (200, 150)


def test_draw_box_asks_label_and_stores_it(main_window, drive, project_store, qtbot):
    drive.shortcut("W")
    assert main_window.canvas.tool.name == "box"
    drive.answer_dialog(lambda d: d.edit.setText("cat"))
    drive.drag((20, 30), (120, 100))
    [box] = human(project_store, main_window)
    assert isinstance(box, Box) and box.label == "cat"
    assert box.bounds() == pytest.approx((20, 30, 120, 100), abs=1.0)
    assert main_window.canvas.canvas_scene.selected == [box.id]
    assert "cat" in main_window.label_panel.class_names()


def test_click_without_drag_makes_no_box(main_window, drive, project_store):
    drive.shortcut("W")
    drive.click(50, 50)
    assert human(project_store, main_window) == []


def test_draw_polygon_with_backspace_and_enter(main_window, drive, project_store):
    drive.shortcut("P")
    for x, y in [(10, 10), (100, 15), (90, 90), (60, 120)]:
        drive.click(x, y)
    drive.key(Qt.Key.Key_Backspace)  # takes (60, 120) back
    drive.answer_dialog(lambda d: d.edit.setText("road"))
    drive.key(Qt.Key.Key_Return)
    [poly] = human(project_store, main_window)
    assert isinstance(poly, Polygon) and poly.label == "road"
    assert np.allclose(poly.points, [(10, 10), (100, 15), (90, 90)], atol=1.0)


def test_polygon_closes_on_double_click(main_window, drive, project_store):
    drive.shortcut("P")
    drive.click(10, 10)
    drive.click(100, 10)
    drive.click(100, 100)
    drive.answer_dialog(lambda d: d.edit.setText("roof"))
    drive.click(20, 100)
    drive.double_click(20, 100)
    [poly] = human(project_store, main_window)
    assert len(poly.points) == 4


def test_brush_paints_and_erases_a_mask(main_window, drive, project_store):
    w = main_window
    drive.shortcut("B")
    w.canvas.brush.set_size(20)
    drive.answer_dialog(lambda d: d.edit.setText("blob"))
    drive.drag((40, 75), (160, 75))
    [mask] = human(project_store, w)
    assert isinstance(mask, Mask) and mask.size == (150, 200)
    a = mask.to_array()
    assert a[75, 40:160].all() and a[70:80, 100].all()
    assert not a[30, 100] and not a[120, 100]
    # The new mask is selected: the next stroke (right button) erases from it.
    drive.drag((100, 60), (100, 90), button=Qt.MouseButton.RightButton)
    [mask2] = human(project_store, w)
    assert mask2.id == mask.id
    b = mask2.to_array()
    assert not b[75, 100] and b[75, 50]
    assert b.sum() < a.sum()


def test_brush_size_keys(main_window, drive):
    drive.shortcut("B")
    size = main_window.canvas.brush.size
    drive.key(Qt.Key.Key_BracketRight)
    assert main_window.canvas.brush.size > size
    drive.key(Qt.Key.Key_BracketLeft)
    drive.key(Qt.Key.Key_BracketLeft)
    assert main_window.canvas.brush.size < size


def test_text_region_four_clicks_then_transcription(main_window, drive, project_store):
    drive.shortcut("T")

    def fill(d):
        d.transcription.setText("出口 EXIT")
        d.difficult.setChecked(True)
        d.edit.setText("text")

    drive.click(10, 20)
    drive.click(110, 22)
    drive.click(108, 60)
    drive.answer_dialog(fill)
    drive.click(12, 58)
    [t] = human(project_store, main_window)
    assert isinstance(t, TextRegion)
    assert t.transcription == "出口 EXIT" and t.difficult and t.label == "text"
    assert np.allclose(t.points, [(10, 20), (110, 22), (108, 60), (12, 58)], atol=1.0)


def test_text_region_from_a_dragged_box(main_window, drive, project_store):
    drive.shortcut("T")
    drive.answer_dialog(lambda d: d.transcription.setText("abc"))
    drive.drag((20, 20), (80, 50))
    [t] = human(project_store, main_window)
    assert np.allclose(t.points, [(20, 20), (80, 20), (80, 50), (20, 50)], atol=1.0)
    assert t.transcription == "abc"


def test_number_keys_tag_the_image(main_window, drive, project_store):
    project_store.add_class("indoor")
    project_store.add_class("outdoor")
    drive.shortcut("2")
    tags = [s for s in human(project_store, main_window) if isinstance(s, ImageTag)]
    assert [t.label for t in tags] == ["outdoor"]
    assert main_window.tag_bar.tags() == {"outdoor"}
    drive.shortcut("1")
    assert {s.label for s in human(project_store, main_window)} == {"indoor", "outdoor"}
    drive.shortcut("2")
    assert [s.label for s in human(project_store, main_window)] == ["indoor"]
    # The tag bar toggles too.
    main_window.tag_bar.buttons["outdoor"].click()
    assert {s.label for s in human(project_store, main_window)} == {"indoor", "outdoor"}


def test_use_selected_class_skips_the_dialog(main_window, drive, project_store):
    project_store.add_class("car")
    main_window.label_panel.set_current_class("car")
    main_window.label_panel.use_default.setChecked(True)
    drive.shortcut("W")
    drive.drag((10, 10), (50, 50))
    drive.drag((60, 60), (90, 90))
    assert [s.label for s in human(project_store, main_window)] == ["car", "car"]


def test_cancelled_label_dialog_adds_nothing(main_window, drive, project_store):
    drive.shortcut("W")
    drive.answer_dialog(None, accept=False)
    drive.drag((10, 10), (50, 50))
    assert human(project_store, main_window) == []


def test_everything_drawn_survives_close_and_reopen(main_window, drive, project_store, project_folder):
    w = main_window
    drive.shortcut("W")
    drive.answer_dialog(lambda d: d.edit.setText("狗"))
    drive.drag((10, 10), (60, 60))
    drive.shortcut("P")
    drive.answer_dialog(lambda d: d.edit.setText("road"))
    for x, y in [(100, 10), (190, 10), (150, 80)]:
        drive.click(x, y)
    drive.key(Qt.Key.Key_Return)
    drive.shortcut("D")
    drive.shortcut("T")
    drive.answer_dialog(lambda d: d.transcription.setText("限速 60"))
    drive.drag((20, 20), (90, 50))
    expected = {im.id: [(s.kind, s.label, s.geometry()) for s in project_store.shapes(im.id)]
                for im in project_store.images()}
    w.close()
    project_store.close()
    with ProjectStore.open(project_folder) as again:
        got = {im.id: [(s.kind, s.label, s.geometry()) for s in again.shapes(im.id)] for im in again.images()}
        assert got == expected
        first, second = again.images()[:2]
        assert [k for k, _, _ in got[first.id]] == ["box", "polygon"]
        assert got[first.id][0][1] == "狗"
        assert got[second.id] == [("text", "text", {"points": got[second.id][0][2]["points"],
                                                    "transcription": "限速 60"})]

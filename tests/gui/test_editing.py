"""Editing on the canvas: select, move, resize, nudge, vertices, copy/paste,
delete, relabel, undo/redo across images, conversions and GrabCut."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from labeltool.core import Box, Mask, Polygon


def shapes(store, w, image_id=None):
    return store.shapes(image_id if image_id is not None else w.current_image().id, source="human")


def add(store, w, shape):
    store.add_shape(w.current_image().id, shape)
    return shape


def test_drag_moves_and_handle_resizes_a_box(main_window, drive, project_store):
    box = add(project_store, main_window, Box(label="cat", x1=20, y1=20, x2=80, y2=60))
    drive.drag((50, 40), (70, 70))  # edit tool: drag the body
    [moved] = shapes(project_store, main_window)
    assert moved.id == box.id
    assert moved.bounds() == pytest.approx((40, 50, 100, 90), abs=1.0)
    drive.drag((100, 90), (150, 120))  # bottom-right handle of the selected box
    [resized] = shapes(project_store, main_window)
    assert resized.bounds() == pytest.approx((40, 50, 150, 120), abs=1.0)


def test_arrow_keys_nudge_and_merge_into_one_undo(main_window, drive, project_store):
    add(project_store, main_window, Box(label="cat", x1=20, y1=20, x2=80, y2=60))
    drive.click(50, 40)
    drive.key(Qt.Key.Key_Right)
    drive.key(Qt.Key.Key_Right)
    drive.key(Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    [b] = shapes(project_store, main_window)
    assert (b.x1, b.y1) == (22, 30)
    assert main_window.editor.stack.count() == 1  # three nudges, one step
    drive.shortcut("Ctrl+Z")
    [b] = shapes(project_store, main_window)
    assert (b.x1, b.y1) == (20, 20)


def test_polygon_vertex_drag_insert_and_delete(main_window, drive, project_store):
    poly = add(project_store, main_window, Polygon(label="p", points=[(20, 20), (120, 20), (120, 100), (20, 100)]))
    drive.click(70, 60)
    drive.drag((120, 100), (140, 120))  # drag a vertex
    assert shapes(project_store, main_window)[0].points[2] == pytest.approx((140, 120), abs=1.0)
    drive.double_click(70, 20)  # on the top edge: a new vertex
    pts = shapes(project_store, main_window)[0].points
    assert len(pts) == 5 and pts[1] == pytest.approx((70, 20), abs=1.0)
    drive.click(70, 20, mods=Qt.KeyboardModifier.ShiftModifier)  # Shift+click deletes it again
    assert len(shapes(project_store, main_window)[0].points) == 4
    assert shapes(project_store, main_window)[0].id == poly.id


def test_undo_redo_across_images_keeps_ids(main_window, drive, project_store):
    w = main_window
    w.label_panel.set_store(project_store)
    project_store.add_class("car")
    w.label_panel.set_current_class("car")
    w.label_panel.use_default.setChecked(True)
    first = w.current_image().id
    drive.shortcut("W")
    drive.drag((10, 10), (50, 50))
    [a] = shapes(project_store, w)
    drive.shortcut("D")
    second = w.current_image().id
    assert second != first
    drive.drag((60, 60), (120, 100))
    [b] = shapes(project_store, w)
    drive.shortcut("Ctrl+Z")
    assert shapes(project_store, w, second) == []
    drive.shortcut("Ctrl+Z")  # the first image's box: the window goes back there
    assert w.current_image().id == first
    assert shapes(project_store, w, first) == []
    drive.shortcut("Ctrl+Shift+Z")
    drive.shortcut("Ctrl+Y")
    assert [s.id for s in shapes(project_store, w, first)] == [a.id]
    assert [s.id for s in shapes(project_store, w, second)] == [b.id]
    assert w.current_image().id == second


def test_undo_stack_holds_over_a_hundred_steps(main_window, project_store):
    w = main_window
    for i in range(120):
        w.editor.add([Box(label="c", x1=i, y1=0, x2=i + 5, y2=5)], "add")
    assert len(shapes(project_store, w)) == 120
    for _ in range(120):
        w.editor.undo()
    assert shapes(project_store, w) == []


def test_delete_undo_restores_same_place(main_window, drive, project_store):
    w = main_window
    a = add(project_store, w, Box(label="a", x1=10, y1=10, x2=40, y2=40))
    b = add(project_store, w, Box(label="b", x1=100, y1=10, x2=140, y2=40))
    c = add(project_store, w, Box(label="c", x1=10, y1=100, x2=40, y2=140))
    drive.click(120, 25)
    drive.shortcut("Del")
    assert [s.id for s in shapes(project_store, w)] == [a.id, c.id]
    drive.shortcut("Ctrl+Z")
    assert [s.id for s in shapes(project_store, w)] == [a.id, b.id, c.id]


def test_multi_select_copy_paste_to_another_image(main_window, drive, project_store):
    w = main_window
    add(project_store, w, Box(label="a", x1=10, y1=10, x2=40, y2=40))
    add(project_store, w, Polygon(label="b", points=[(100, 10), (140, 10), (120, 40)]))
    drive.click(25, 25)
    drive.click(120, 20, mods=Qt.KeyboardModifier.ControlModifier)
    assert len(w.canvas.canvas_scene.selected) == 2
    drive.shortcut("Ctrl+C")
    drive.shortcut("D")
    drive.shortcut("Ctrl+V")
    pasted = shapes(project_store, w)
    assert sorted(s.label for s in pasted) == ["a", "b"]
    first = project_store.images()[0]
    assert not {s.id for s in pasted} & {s.id for s in shapes(project_store, w, first.id)}


def test_duplicate_and_change_label(main_window, drive, project_store):
    w = main_window
    add(project_store, w, Box(label="a", x1=10, y1=10, x2=40, y2=40))
    drive.click(25, 25)
    drive.shortcut("Ctrl+D")
    assert len(shapes(project_store, w)) == 2
    drive.answer_dialog(lambda d: d.edit.setText("行人"))
    drive.shortcut("Ctrl+E")
    labels = [s.label for s in shapes(project_store, w)]
    assert labels == ["a", "行人"]
    assert "行人" in w.label_panel.class_names()


def test_label_picker_search_picks_a_match(main_window, drive, project_store):
    project_store.add_class("bicycle")
    project_store.add_class("bus")
    drive.shortcut("W")
    drive.answer_dialog(lambda d: d.edit.setText("bic"))
    drive.drag((10, 10), (50, 50))
    assert [s.label for s in shapes(project_store, main_window)] == ["bicycle"]


def test_hide_shapes_and_classes(main_window, drive, project_store):
    w = main_window
    a = add(project_store, w, Box(label="a", x1=10, y1=10, x2=40, y2=40))
    scene = w.canvas.canvas_scene
    drive.click(25, 25)
    drive.shortcut("Ctrl+H")
    assert not scene.items_by_id[a.id].isVisible()
    drive.shortcut("Ctrl+Shift+H")
    assert scene.items_by_id[a.id].isVisible()
    w.label_panel.set_visible("a", False)
    assert not scene.items_by_id[a.id].isVisible()
    drive.click(25, 25)  # hidden shapes cannot be picked
    assert scene.selected == []


def test_polygon_to_mask_and_back(main_window, drive, project_store):
    w = main_window
    add(project_store, w, Polygon(label="p", points=[(20, 20), (120, 20), (120, 100), (20, 100)]))
    drive.click(70, 60)
    drive.shortcut("M")
    [m] = shapes(project_store, w)
    assert isinstance(m, Mask) and m.area == 100 * 80  # COCO's pixels: the boundary is not added
    drive.click(70, 60)
    drive.shortcut("Shift+M")
    [p] = shapes(project_store, w)
    assert isinstance(p, Polygon) and 4 <= len(p.points) <= 8
    drive.shortcut("Ctrl+Z")
    drive.shortcut("Ctrl+Z")
    [orig] = shapes(project_store, w)
    assert isinstance(orig, Polygon) and len(orig.points) == 4


def test_grabcut_turns_a_box_into_the_object_mask(main_window, drive, project_store, project_folder, qtbot):
    from PIL import Image

    a = np.full((150, 200, 3), 30, np.uint8)
    yy, xx = np.mgrid[:150, :200]
    a[(yy - 75) ** 2 + (xx - 100) ** 2 < 40 ** 2] = (230, 200, 40)
    Image.fromarray(a).save(project_folder / "img1.jpg", quality=95)
    w = main_window
    add(project_store, w, Box(label="ball", x1=50, y1=25, x2=150, y2=125))
    drive.click(100, 30)
    drive.shortcut("G")
    [m] = shapes(project_store, w)
    assert isinstance(m, Mask) and m.label == "ball"
    got = m.to_array()
    disc = (yy - 75) ** 2 + (xx - 100) ** 2 < 40 ** 2
    iou = (got & disc).sum() / (got | disc).sum()
    assert iou > 0.85


def test_copy_shapes_from_previous_image(main_window, drive, project_store):
    w = main_window
    add(project_store, w, Box(label="a", x1=10, y1=10, x2=40, y2=40))
    drive.shortcut("D")
    drive.shortcut("Ctrl+Shift+V")
    [copy] = shapes(project_store, w)
    assert copy.label == "a" and copy.bounds() == (10, 10, 40, 40)

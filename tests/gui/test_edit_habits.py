"""Editing as a first hour tries it (issue 11, item 5): a move past the
image edge stops there and keeps the shape's size, for every kind; the
class picker opens beside the shape just drawn, which stays in view; keys
1-9 relabel the selected shapes; a tool bar shows the tool in use; the
last image and the panel layout come back per project."""
from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDockWidget

from labeltool.core import Box, ImageTag, Mask, Polygon, ProjectStore, TextRegion
from tests.conftest import write_image


def human(store, w):
    return [s for s in store.shapes(w.current_image().id, source="human") if not isinstance(s, ImageTag)]


def square(kind: str, x: float, y: float, size: float):
    """A ``size`` square of ``kind`` with its top-left corner at (x, y)."""
    pts = [(x, y), (x + size, y), (x + size, y + size), (x, y + size)]
    if kind == "box":
        return Box(label="cup", x1=x, y1=y, x2=x + size, y2=y + size)
    if kind == "polygon":
        return Polygon(label="cup", points=pts)
    if kind == "text":
        return TextRegion(label="text", points=pts, transcription="ab")
    a = np.zeros((150, 200), bool)
    a[int(y):int(y + size), int(x):int(x + size)] = True
    return Mask.from_array(a, label="cup")


def size_of(shape) -> tuple[float, float]:
    x1, y1, x2, y2 = shape.bounds()
    return x2 - x1, y2 - y1


@pytest.mark.parametrize("kind", ["box", "polygon", "text", "mask"])
@pytest.mark.parametrize("towards", ["bottom-right", "top-left"])
def test_a_shape_dragged_past_the_edge_stops_there_whole(main_window, drive, project_store, kind, towards):
    w = main_window
    shape = square(kind, 120, 80, 50) if towards == "bottom-right" else square(kind, 20, 20, 50)
    project_store.add_shape(w.current_image().id, shape)
    w.reload_shapes()
    grab = (145, 105) if towards == "bottom-right" else (45, 45)
    far = (grab[0] + 90, grab[1] + 90) if towards == "bottom-right" else (grab[0] - 90, grab[1] - 90)
    drive.drag(grab, far)  # the edit tool: drag the body well past the image (200 x 150)
    [moved] = human(project_store, w)
    assert moved.id == shape.id
    assert size_of(moved) == pytest.approx((50, 50), abs=0.01)
    expected = (150, 100, 200, 150) if towards == "bottom-right" else (0, 0, 50, 50)
    assert moved.bounds() == pytest.approx(expected, abs=0.01)
    if kind == "mask":
        assert moved.area == shape.area


def test_arrow_keys_at_the_edge_keep_the_size_and_add_no_step(main_window, drive, project_store):
    w = main_window
    project_store.add_shape(w.current_image().id, Box(label="cup", x1=145, y1=20, x2=195, y2=70))
    w.reload_shapes()
    drive.click(170, 40)
    drive.key(Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # 10 px, 5 px of room
    drive.key(Qt.Key.Key_Right)
    [b] = human(project_store, w)
    assert (b.x1, b.x2) == (150, 200)
    assert w.editor.stack.count() == 1  # the nudge that found no room stored nothing


def test_two_shapes_dragged_together_keep_their_distance(main_window, drive, project_store):
    w = main_window
    a = Box(label="cup", x1=100, y1=20, x2=130, y2=50)
    b = Box(label="cup", x1=150, y1=60, x2=180, y2=90)
    for s in (a, b):
        project_store.add_shape(w.current_image().id, s)
    w.reload_shapes()
    drive.shortcut("Ctrl+A")
    drive.drag((115, 35), (215, 35))  # b reaches the edge after 20 px: both stop there
    by_id = {s.id: s for s in human(project_store, w)}
    assert by_id[a.id].bounds() == pytest.approx((120, 20, 150, 50))
    assert by_id[b.id].bounds() == pytest.approx((170, 60, 200, 90))


def test_the_picker_opens_beside_the_new_box_which_stays_in_view(main_window, drive, project_store):
    w = main_window
    drive.shortcut("W")
    seen = {}

    def look(dlg):
        pending = getattr(w.canvas.canvas_scene, "pending", None)
        seen["pending"] = pending is not None and pending.isVisible()
        seen["pending_bounds"] = pending.shape_model.bounds() if pending is not None else None
        vp = w.canvas.viewport()
        r = w.canvas.mapFromScene(QRectF(QPointF(60, 40), QPointF(140, 110))).boundingRect()
        seen["box"] = QRect(vp.mapToGlobal(r.topLeft()), r.size())
        seen["picker"] = dlg.frameGeometry()
        dlg.edit.setText("cup")

    drive.answer_dialog(look)
    drive.drag((60, 40), (140, 110))
    assert seen["pending"], "the box just drawn is not shown while its class is asked for"
    assert seen["pending_bounds"] == pytest.approx((60, 40, 140, 110), abs=1.0)
    assert not seen["picker"].intersects(seen["box"]), (seen["picker"], seen["box"])
    [box] = human(project_store, w)
    assert box.label == "cup"
    assert w.canvas.canvas_scene.pending is None


def test_number_keys_relabel_the_selected_shapes_in_one_step(main_window, drive, project_store):
    w = main_window
    for name in ("cup", "saucer"):
        project_store.add_class(name)
    for x in (20, 100):
        project_store.add_shape(w.current_image().id, Box(label="cup", x1=x, y1=20, x2=x + 40, y2=60))
    w.reload_shapes()
    drive.shortcut("Ctrl+A")
    drive.shortcut("2")
    shapes = project_store.shapes(w.current_image().id, source="human")
    assert [s.label for s in shapes] == ["saucer", "saucer"]
    assert not any(isinstance(s, ImageTag) for s in shapes)  # no image class added
    assert w.editor.stack.count() == 1
    drive.shortcut("Ctrl+Z")
    assert [s.label for s in human(project_store, w)] == ["cup", "cup"]
    # With nothing selected the key still toggles the image class.
    drive.click(190, 140)
    drive.shortcut("2")
    assert [s.label for s in project_store.shapes(w.current_image().id) if isinstance(s, ImageTag)] == ["saucer"]


def test_the_tool_bar_shows_and_switches_the_tool(main_window, drive):
    w = main_window
    bar = w.toolbar
    assert bar.isVisible()
    assert [a.data() for a in bar.actions()] == ["edit", "box", "polygon", "brush", "text", "ai_mask"]
    assert all(not a.icon().isNull() for a in bar.actions())
    button = bar.widgetForAction(w.actions.tool_box)
    drive.shortcut("W")
    assert button.isChecked() and w.canvas.tool.name == "box"
    assert "Box" in w.status_tool.text()
    QTest.mouseClick(bar.widgetForAction(w.actions.tool_polygon), Qt.MouseButton.LeftButton)
    assert w.canvas.tool.name == "polygon" and not button.isChecked()
    assert "Polygon" in w.status_tool.text()


def test_the_last_image_and_the_panels_come_back_per_project(drive_factory, project_folder, tmp_path):
    other = tmp_path / "other"
    write_image(other / "a.jpg", 80, 60)
    write_image(other / "b.jpg", 80, 60)

    def window(store):
        return drive_factory(store)[0]

    classes = lambda w: w.findChild(QDockWidget, "dock_classes")  # noqa: E731
    with ProjectStore.open(project_folder) as store:
        w = window(store)
        third = store.images()[2]
        w.go_to_image(third.id)
        classes(w).hide()
        w.training.show_dock()
        w.open_project(other)  # no layout of its own yet: the panels stay as they are
        assert w.current_image().path == "a.jpg"
        classes(w).show()
        w.training.dock.hide()
        w.close()
    with ProjectStore.open(project_folder) as store:
        w = window(store)
        assert w.current_image().path == third.path
        assert not classes(w).isVisible() and w.training.dock.isVisible()
        w.open_project(other)
        assert classes(w).isVisible() and not w.training.dock.isVisible()
        w.close()

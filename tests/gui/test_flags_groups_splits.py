"""Flags, object groups and splits in the window (issues 12 and 13): flags
toggled on any selected shape and shown; Ctrl+G / Ctrl+Shift+G join and
part shapes as one undoable step, the parts of a selected object outlined
together; an image's split shown, set from the list's menu and filtered by."""
from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication

from labeltool.core import Box, Mask, Polygon
from labeltool.gui.image_list import SPLIT_ROLE


def _human(store, w):
    return store.shapes(w.current_image().id, source="human")


def _add(store, w, *shapes):
    return store.add_shapes(w.current_image().id, list(shapes))


def _list_texts(w) -> list[str]:
    return [w.shape_list.item(i).text() for i in range(w.shape_list.count())]


def test_flags_toggle_on_selected_boxes_in_one_undo_step_and_show(main_window, drive, project_store):
    w = main_window
    a, b = _add(project_store, w, Box(label="car", x1=10, y1=10, x2=60, y2=50),
                Box(label="car", x1=100, y1=20, x2=150, y2=70, occluded=True))
    drive.click(30, 30)
    drive.click(120, 40, mods=Qt.KeyboardModifier.ControlModifier)
    drive.shortcut("Shift+O")  # one had it: now both have it
    assert [s.occluded for s in _human(project_store, w)] == [True, True]
    drive.shortcut("Shift+O")  # all had it: off on both
    assert [s.occluded for s in _human(project_store, w)] == [False, False]
    drive.shortcut("Shift+D")
    drive.shortcut("Shift+T")
    got = _human(project_store, w)
    assert [(s.difficult, s.truncated, s.occluded) for s in got] == [(True, True, False)] * 2
    # shown: a badge on the canvas, the words in the shape list
    item = w.canvas.canvas_scene.items_by_id[a.id]
    assert item.caption() == "car [D T]"
    assert all("difficult, truncated" in t for t in _list_texts(w))
    # each press is one undo step, however many shapes it flagged
    drive.shortcut("Ctrl+Z")
    assert [s.truncated for s in _human(project_store, w)] == [False, False]
    assert [s.difficult for s in _human(project_store, w)] == [True, True]
    # the menus check what the selection has
    w.actions.refresh_flags(w.editor)
    assert [w.actions.flags[f].isChecked() for f in ("difficult", "truncated", "occluded")] == [True, False, False]


def test_conversions_keep_flags_and_group(main_window, drive, project_store):
    w = main_window
    (poly,) = _add(project_store, w, Polygon(label="dog", points=[(10, 10), (80, 10), (40, 60)], occluded=True,
                                             truncated=True, group=3))
    drive.click(40, 25)
    drive.shortcut("M")  # to a mask
    (mask,) = _human(project_store, w)
    assert isinstance(mask, Mask) and (mask.occluded, mask.truncated, mask.group) == (True, True, 3)
    # a mask in two pieces becomes two polygons of one group
    m = np.zeros((150, 200), bool)
    m[10:30, 100:120] = m[60:90, 150:190] = True
    (pieces,) = _add(project_store, w, Mask.from_array(m, label="cup", difficult=True))
    w.canvas.canvas_scene.select([pieces.id])
    drive.shortcut("Shift+M")
    polys = [s for s in _human(project_store, w) if s.label == "cup"]
    assert len(polys) == 2 and polys[0].group == polys[1].group is not None and polys[0].group != 3
    assert all(p.difficult for p in polys)


def test_group_and_ungroup_with_ctrl_g_highlight_parts_and_undo(main_window, drive, project_store):
    w = main_window
    scene = w.canvas.canvas_scene
    left, right, other = _add(project_store, w, Polygon(label="person", points=[(10, 10), (50, 10), (30, 80)]),
                              Polygon(label="person", points=[(70, 10), (110, 10), (90, 80)]),
                              Box(label="person", x1=130, y1=10, x2=180, y2=60))
    drive.click(30, 30)
    drive.click(90, 30, mods=Qt.KeyboardModifier.ControlModifier)
    drive.shortcut("Ctrl+G")
    got = {s.id: s.group for s in _human(project_store, w)}
    assert got[left.id] == got[right.id] == 1 and got[other.id] is None
    assert w.editor.stack.count() == 1
    assert sum("group 1" in t for t in _list_texts(w)) == 2
    assert scene.items_by_id[left.id].caption() == "person #1"
    # selecting one part outlines the other with it, not the box
    drive.click(160, 30)
    drive.click(30, 30)
    assert scene.selected == [left.id]
    assert scene.items_by_id[right.id].linked and not scene.items_by_id[other.id].linked
    assert not scene.items_by_id[left.id].linked
    # the box joins the group: one selected part of it and the box
    drive.click(160, 30, mods=Qt.KeyboardModifier.ControlModifier)
    drive.shortcut("Ctrl+G")
    assert {s.group for s in _human(project_store, w)} == {1}
    # one part leaves; the other two stay one object
    scene.select([other.id])
    drive.shortcut("Ctrl+Shift+G")
    assert {s.id: s.group for s in _human(project_store, w)} == {left.id: 1, right.id: 1, other.id: None}
    # leaving a pair leaves no group of one
    scene.select([left.id])
    drive.shortcut("Ctrl+Shift+G")
    assert {s.group for s in _human(project_store, w)} == {None}
    for _ in range(3):
        drive.shortcut("Ctrl+Z")
    assert {s.id: s.group for s in _human(project_store, w)} == {left.id: 1, right.id: 1, other.id: None}
    drive.shortcut("Ctrl+Z")
    assert {s.group for s in _human(project_store, w)} == {None}


def test_group_refuses_shapes_of_two_classes(main_window, drive, project_store):
    w = main_window
    _add(project_store, w, Box(label="cat", x1=10, y1=10, x2=60, y2=50), Box(label="dog", x1=100, y1=20, x2=150,
                                                                              y2=70))
    drive.shortcut("Ctrl+A")
    drive.shortcut("Ctrl+G")
    assert {s.group for s in _human(project_store, w)} == {None}
    assert "cat, dog" in w.statusBar().currentMessage()


def _choose_in_popup(text: str) -> None:
    """Trigger the entry ``text`` of the context menu (and its sub-menu) once it opens."""
    def look():
        popup = QApplication.activePopupWidget()
        if popup is None:
            QTimer.singleShot(10, look)
            return
        for a in popup.actions():
            if a.menu() is not None:
                popup.setActiveAction(a)
                a.menu().popup(popup.pos())
                QTimer.singleShot(10, look)
                return
            if a.text() == text:
                a.trigger()
                popup.close()
                while QApplication.activePopupWidget() is not None:
                    QApplication.activePopupWidget().close()
                return

    QTimer.singleShot(0, look)


def test_image_list_sets_shows_and_filters_splits(main_window, qtbot, project_store):
    w = main_window
    lst = w.image_list
    model = lst.model
    paths = [model.item(r).path for r in range(model.rowCount())]
    # select the first two rows, then right-click the second: Set split > val
    lst.view.selectionModel().clearSelection()
    from PySide6.QtCore import QItemSelectionModel

    for r in (0, 1):
        lst.view.selectionModel().select(model.index(r), QItemSelectionModel.SelectionFlag.Select)
    _choose_in_popup("val")
    lst._menu(lst.view.visualRect(model.index(1)).center())
    qtbot.waitUntil(lambda: project_store.image_by_path(paths[1]).split == "val", timeout=3000)
    assert [project_store.image_by_path(p).split for p in paths] == ["val", "val", None, None]
    assert [model.data(model.index(r), SPLIT_ROLE) for r in range(model.rowCount())] == ["val", "val", None, None]
    assert "val" in model.data(model.index(0), Qt.ItemDataRole.ToolTipRole)
    lst.set_split([project_store.image_by_path(paths[3]).id], "test")
    lst.set_filter("split", "val")
    assert [model.item(r).path for r in range(model.rowCount())] == paths[:2]
    lst.set_filter("split", "none")
    assert [model.item(r).path for r in range(model.rowCount())] == [paths[2]]
    lst.set_filter("split", "test")
    assert [model.item(r).path for r in range(model.rowCount())] == [paths[3]]
    # the badge is painted: the row's pixels hold its colour
    lst.set_filter("all")
    lst.view.viewport().repaint()
    image = lst.view.viewport().grab().toImage()
    rect = lst.view.visualRect(model.index(0))
    colours = {image.pixelColor(QPoint(x, rect.center().y())).name() for x in range(rect.right() - 30, rect.right())}
    assert "#1565c0" in colours

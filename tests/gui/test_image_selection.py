"""Several images selected in the image list (Shift/Ctrl-click, Shift+arrows)
while the window's image keeps following the list's current row."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def click_row(w, row: int, mods=Qt.KeyboardModifier.NoModifier) -> None:
    view = w.image_list.view
    rect = view.visualRect(w.image_list.model.index(row))
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, mods, rect.center())


def test_ctrl_and_shift_click_select_several_and_open_the_clicked_one(main_window, project_store):
    w = main_window
    ids = [i.id for i in project_store.images()]
    click_row(w, 0)
    click_row(w, 2, CTRL)
    assert w.image_list.selected_ids() == [ids[0], ids[2]]
    assert w.current_image().id == ids[2]
    click_row(w, 3, SHIFT)  # from the last clicked row
    assert w.image_list.selected_ids() == [ids[0], ids[2], ids[3]]
    assert w.current_image().id == ids[3]
    click_row(w, 0, CTRL)  # toggles the first one off
    assert w.image_list.selected_ids() == [ids[2], ids[3]]
    click_row(w, 1)  # a plain click selects one again
    assert w.image_list.selected_ids() == [ids[1]]
    assert w.current_image().id == ids[1]


def test_d_and_a_walk_through_a_selection_and_leave_it(main_window, drive, project_store):
    w = main_window
    ids = [i.id for i in project_store.images()]
    click_row(w, 0)
    click_row(w, 2, SHIFT)
    assert w.image_list.selected_ids() == ids[:3]
    drive.shortcut("A")  # row 1: inside the selection, which stays
    assert w.current_image().id == ids[1]
    assert w.image_list.selected_ids() == ids[:3]
    assert w.image_list.view.currentIndex().row() == 1
    drive.shortcut("D")
    drive.shortcut("D")  # row 3: out of it, so the new image alone is selected
    assert w.current_image().id == ids[3]
    assert w.image_list.selected_ids() == [ids[3]]


def test_arrows_in_the_list_move_the_image_and_shift_extends(main_window, project_store, qtbot):
    w = main_window
    ids = [i.id for i in project_store.images()]
    view = w.image_list.view
    view.setFocus()
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert w.current_image().id == ids[1]
    QTest.keyClick(view, Qt.Key.Key_Down, SHIFT)
    assert w.current_image().id == ids[2]
    assert w.image_list.selected_ids() == [ids[1], ids[2]]
    # The window's own shortcuts still work with the list focused.
    QTest.keyClick(view, Qt.Key.Key_D)
    assert w.current_image().id == ids[3]


def test_a_filter_change_keeps_the_image_and_selects_it(main_window, drive, project_store):
    w = main_window
    ids = [i.id for i in project_store.images()]
    drive.shortcut("D")
    w.image_list.search.setText("img")
    assert w.current_image().id == ids[1]
    assert w.image_list.selected_ids() == [ids[1]]
    assert w.image_list.view.currentIndex().row() == w.image_list.model.row_of(ids[1])

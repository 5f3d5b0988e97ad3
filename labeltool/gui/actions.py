"""The window's actions and menus (labelImg/labelme key habits). Each action
only calls a public method of the window, its canvas or its editor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

from .i18n import LANGUAGES

if TYPE_CHECKING:  # pragma: no cover
    from .main_window import MainWindow


class Actions(QObject):
    """Named actions of a window (``actions.box``, ``actions.undo``, ...)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all: list[QAction] = []
        self.tools: QActionGroup | None = None

    def make(self, window: "MainWindow", name: str, text: str, slot: Callable | None = None,
             shortcut: str | list[str] | QKeySequence.StandardKey | None = None, checkable: bool = False,
             tip: str = "") -> QAction:
        a = QAction(text, window)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            a.setShortcuts([k if isinstance(k, QKeySequence) else QKeySequence(k) for k in keys])
        a.setCheckable(checkable)
        if tip:
            a.setStatusTip(tip)
        if slot is not None:
            a.triggered.connect(slot)
        window.addAction(a)  # shortcuts work even when the menu bar is hidden
        setattr(self, name, a)
        self.all.append(a)
        return a

    def build(self, w: "MainWindow") -> None:
        A = self
        ed = w.editor
        cv = w.canvas
        A.make(w, "open", self.tr("&Open folder…"), w.ask_open_folder, "Ctrl+O")
        A.make(w, "quit", self.tr("&Quit"), w.close, "Ctrl+Q")
        A.make(w, "undo", self.tr("&Undo"), ed.undo, "Ctrl+Z")
        A.make(w, "redo", self.tr("&Redo"), ed.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        A.make(w, "copy", self.tr("&Copy"), ed.copy, "Ctrl+C")
        A.make(w, "paste", self.tr("&Paste"), ed.paste, "Ctrl+V")
        A.make(w, "duplicate", self.tr("D&uplicate"), ed.duplicate, "Ctrl+D")
        A.make(w, "delete", self.tr("&Delete"), ed.delete_selected, "Del")
        A.make(w, "select_all", self.tr("Select &all"), w.select_all_shapes, "Ctrl+A")
        A.make(w, "change_label", self.tr("Change &label…"), ed.change_label, "Ctrl+E")
        A.make(w, "edit_text", self.tr("Edit &transcription…"), ed.edit_transcription, "Ctrl+Shift+E")
        A.make(w, "hide_selected", self.tr("&Hide selected shapes"), w.hide_selected_shapes, "Ctrl+H")
        A.make(w, "show_all", self.tr("&Show all shapes"), w.show_all_shapes, "Ctrl+Shift+H")

        A.tools = QActionGroup(w)
        for name, text, key in (("edit", self.tr("&Select and edit"), "V"), ("box", self.tr("&Box"), "W"),
                                ("polygon", self.tr("&Polygon"), "P"), ("brush", self.tr("B&rush mask"), "B"),
                                ("text", self.tr("&Text region"), "T")):
            a = A.make(w, f"tool_{name}", text, lambda _=False, n=name: cv.set_tool(n), key, checkable=True)
            A.tools.addAction(a)
        A.tool_edit.setChecked(True)
        A.make(w, "brush_smaller", self.tr("Brush smaller"), lambda: cv.brush.set_size(cv.brush.size / 1.25), "[")
        A.make(w, "brush_larger", self.tr("Brush larger"), lambda: cv.brush.set_size(cv.brush.size * 1.25), "]")
        A.make(w, "grabcut", self.tr("&GrabCut: box to mask"), ed.grabcut, "G",
               tip=self.tr("Segment the object in the selected box (OpenCV GrabCut, no model)"))
        A.make(w, "to_mask", self.tr("Convert to &mask"), ed.to_mask, "M")
        A.make(w, "to_polygons", self.tr("Convert mask to p&olygons"), ed.to_polygons, "Shift+M")
        A.make(w, "copy_previous", self.tr("Copy shapes from previous &image"), ed.copy_from_previous, "Ctrl+Shift+V")

        A.make(w, "next", self.tr("&Next image"), lambda: w.step_image(1), "D")
        A.make(w, "prev", self.tr("&Previous image"), lambda: w.step_image(-1), "A")
        A.make(w, "done_next", self.tr("Mark &done and next"), w.mark_done_and_next, "Space")
        A.make(w, "skip_next", self.tr("Mark &skipped and next"), w.mark_skipped_and_next)
        for i in range(9):
            A.make(w, f"tag_{i + 1}", self.tr("Toggle image class %1").replace("%1", str(i + 1)),
                   lambda _=False, i=i: ed.toggle_tag_index(i), str(i + 1))

        A.make(w, "fit_window", self.tr("&Fit window"), cv.fit_window, "Ctrl+F")
        A.make(w, "fit_width", self.tr("Fit &width"), cv.fit_width, "Ctrl+Shift+F")
        A.make(w, "actual_size", self.tr("&Actual size (1:1)"), cv.actual_size, "Ctrl+0")
        A.make(w, "zoom_in", self.tr("Zoom &in"), lambda: cv.zoom_by(1.25), ["Ctrl++", "Ctrl+="])
        A.make(w, "zoom_out", self.tr("Zoom &out"), lambda: cv.zoom_by(0.8), "Ctrl+-")
        A.make(w, "show_predictions", self.tr("Show &predictions"), w.reload_shapes, checkable=True).setChecked(True)
        A.make(w, "help", self.tr("&Keyboard shortcuts"), w.show_help, "F1")
        A.make(w, "about", self.tr("&About labeltool"), w.show_about)

    def build_menus(self, w: "MainWindow") -> dict[str, QMenu]:
        A = self
        mb = w.menuBar()
        menus: dict[str, QMenu] = {}
        m = menus["file"] = mb.addMenu(self.tr("&File"))
        m.addAction(A.open)
        menus["import"] = m.addMenu(self.tr("&Import"))
        menus["export"] = m.addMenu(self.tr("&Export"))
        m.addSeparator()
        m.addAction(A.quit)
        m = menus["edit"] = mb.addMenu(self.tr("&Edit"))
        for a in (A.undo, A.redo, None, A.copy, A.paste, A.duplicate, A.delete, A.select_all, None, A.change_label,
                  A.edit_text, None, A.hide_selected, A.show_all):
            m.addSeparator() if a is None else m.addAction(a)
        m = menus["tools"] = mb.addMenu(self.tr("&Tools"))
        for a in A.tools.actions():
            m.addAction(a)
        m.addSeparator()
        for a in (A.brush_smaller, A.brush_larger, None, A.grabcut, A.to_mask, A.to_polygons, A.copy_previous):
            m.addSeparator() if a is None else m.addAction(a)
        m = menus["image"] = mb.addMenu(self.tr("&Image"))
        for a in (A.next, A.prev, A.done_next, A.skip_next):
            m.addAction(a)
        tags = m.addMenu(self.tr("Image &classes"))
        for i in range(9):
            tags.addAction(getattr(A, f"tag_{i + 1}"))
        m = menus["view"] = mb.addMenu(self.tr("&View"))
        for a in (A.fit_window, A.fit_width, A.actual_size, A.zoom_in, A.zoom_out, None, A.show_predictions):
            m.addSeparator() if a is None else m.addAction(a)
        m.addSeparator()
        menus["docks"] = m.addMenu(self.tr("&Panels"))
        lang = menus["language"] = m.addMenu(self.tr("&Language"))
        group = QActionGroup(w)
        for code, name in LANGUAGES.items():
            a = QAction(name, w, checkable=True)
            a.setData(code)
            a.triggered.connect(lambda _=False, c=code: w.set_language(c))
            group.addAction(a)
            lang.addAction(a)
        w.language_actions = group
        # Room for the training helper: it adds its actions to this menu.
        menus["train"] = mb.addMenu(self.tr("T&rain"))
        m = menus["help"] = mb.addMenu(self.tr("&Help"))
        m.addAction(A.help)
        m.addAction(A.about)
        return menus

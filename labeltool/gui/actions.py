"""The window's actions and menus (labelImg/labelme key habits). Each action
only calls a public method of the window, its canvas or its editor."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, QSize, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar

from .i18n import LANGUAGES, plain_text
from .icons import tool_icon

if TYPE_CHECKING:  # pragma: no cover
    from .editing import Editor
    from .main_window import MainWindow

Shortcut = str | list[str] | QKeySequence.StandardKey | None


class Actions(QObject):
    """Named actions of a window (``actions.tool_box``, ``actions.undo``, ...),
    each declared here so that a reader sees them all; :meth:`build` makes them."""

    # File
    open: QAction
    quit: QAction
    # Edit
    undo: QAction
    redo: QAction
    copy: QAction
    paste: QAction
    duplicate: QAction
    delete: QAction
    select_all: QAction
    change_label: QAction
    edit_text: QAction
    hide_selected: QAction
    show_all: QAction
    flags: dict[str, QAction]  # difficult / truncated / occluded: toggled on the selected shapes
    group: QAction
    ungroup: QAction
    # Tools: one checkable action per canvas tool, in :attr:`tools`
    tool_edit: QAction
    tool_box: QAction
    tool_polygon: QAction
    tool_brush: QAction
    tool_text: QAction
    tool_ai_mask: QAction
    tools: QActionGroup
    brush_smaller: QAction
    brush_larger: QAction
    grabcut: QAction
    to_mask: QAction
    to_polygons: QAction
    copy_previous: QAction
    # Image
    next: QAction
    prev: QAction
    done_next: QAction
    skip_next: QAction
    tags: list[QAction]  # keys 1..9: relabel the selected shapes, else toggle that image class
    # View
    fit_window: QAction
    fit_width: QAction
    actual_size: QAction
    zoom_in: QAction
    zoom_out: QAction
    show_predictions: QAction
    languages: QActionGroup  # one checkable action per language; data: its code
    # Help
    help: QAction
    about: QAction
    all: list[QAction]  # every action with a shortcut the help lists, in menu order

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.all = []

    def _make(self, window: "MainWindow", text: str, slot: Callable | None = None, shortcut: Shortcut = None,
              checkable: bool = False, tip: str = "") -> QAction:
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
        self.all.append(a)
        return a

    def _toggle_flag(self, editor: "Editor", flag: str) -> None:
        editor.toggle_flag(flag)
        self.refresh_flags(editor)

    def refresh_flags(self, editor: "Editor") -> None:
        """Check each flag action when every selected shape has that flag."""
        shapes = [s for s in editor.selected() if s.kind != "tag"]
        for flag, a in self.flags.items():
            a.setChecked(bool(shapes) and all(getattr(s, flag) for s in shapes))

    def shape_menu(self) -> list[QAction | None]:
        """What a right-click on the shape list offers (None: a separator)."""
        return [self.change_label, self.edit_text, None, *self.flags.values(), None, self.group, self.ungroup,
                None, self.to_mask, self.to_polygons, None, self.hide_selected, self.delete]

    def tool(self, name: str) -> QAction:
        """The action of the canvas tool ``name`` (``"box"``, ...)."""
        return next(a for a in self.tools.actions() if a.data() == name)

    def build(self, w: "MainWindow") -> None:
        ed = w.editor
        cv = w.canvas
        make = self._make
        self.open = make(w, self.tr("&Open folder…"), w.ask_open_folder, "Ctrl+O")
        self.quit = make(w, self.tr("&Quit"), w.close, "Ctrl+Q")
        self.undo = make(w, self.tr("&Undo"), ed.undo, "Ctrl+Z")
        self.redo = make(w, self.tr("&Redo"), ed.redo, ["Ctrl+Shift+Z", "Ctrl+Y"])
        self.copy = make(w, self.tr("&Copy"), ed.copy, "Ctrl+C")
        self.paste = make(w, self.tr("&Paste"), ed.paste, "Ctrl+V")
        self.duplicate = make(w, self.tr("D&uplicate"), ed.duplicate, "Ctrl+D")
        self.delete = make(w, self.tr("&Delete"), ed.delete_selected, "Del")
        self.select_all = make(w, self.tr("Select &all"), w.select_all_shapes, "Ctrl+A")
        self.change_label = make(w, self.tr("Change &label…"), ed.change_label, "Ctrl+E")
        self.edit_text = make(w, self.tr("Edit &transcription…"), ed.edit_transcription, "Ctrl+Shift+E")
        self.hide_selected = make(w, self.tr("&Hide selected shapes"), w.hide_selected_shapes, "Ctrl+H")
        self.show_all = make(w, self.tr("&Show all shapes"), w.show_all_shapes, "Ctrl+Shift+H")
        # Checkable so that menus show the selection's flags (see refresh_flags); a
        # press toggles from what the shapes have, whatever the check showed.
        self.flags = {flag: make(w, text, lambda _=False, f=flag: self._toggle_flag(ed, f), key, checkable=True)
                      for flag, text, key in (("difficult", self.tr("&Difficult"), "Shift+D"),
                                              ("truncated", self.tr("&Truncated"), "Shift+T"),
                                              ("occluded", self.tr("&Occluded"), "Shift+O"))}
        self.group = make(w, self.tr("&Group: one object of several parts"), ed.group_selected, "Ctrl+G")
        self.ungroup = make(w, self.tr("U&ngroup"), ed.ungroup_selected, "Ctrl+Shift+G")

        self.tools = QActionGroup(w)

        def tool(name: str, text: str, key: str) -> QAction:
            a = make(w, text, lambda _=False: cv.set_tool(name), key, checkable=True)
            a.setData(name)
            a.setIcon(tool_icon(name))
            a.setToolTip(f"{plain_text(text)} ({key})")
            self.tools.addAction(a)
            return a

        self.tool_edit = tool("edit", self.tr("&Select and edit"), "V")
        self.tool_box = tool("box", self.tr("&Box"), "W")
        self.tool_polygon = tool("polygon", self.tr("&Polygon"), "P")
        self.tool_brush = tool("brush", self.tr("B&rush mask"), "B")
        self.tool_text = tool("text", self.tr("&Text region"), "T")
        self.tool_ai_mask = tool("ai_mask", self.tr("&AI mask (click to segment)"), "I")
        self.tool_edit.setChecked(True)
        self.brush_smaller = make(w, self.tr("Brush smaller"), lambda: cv.brush.set_size(cv.brush.size / 1.25), "[")
        self.brush_larger = make(w, self.tr("Brush larger"), lambda: cv.brush.set_size(cv.brush.size * 1.25), "]")
        self.grabcut = make(w, self.tr("&GrabCut: box to mask"), ed.grabcut, "G",
                            tip=self.tr("Segment the object in the selected box (OpenCV GrabCut, no model)"))
        self.to_mask = make(w, self.tr("Convert to &mask"), ed.to_mask, "M")
        self.to_polygons = make(w, self.tr("Convert mask to p&olygons"), ed.to_polygons, "Shift+M")
        self.copy_previous = make(w, self.tr("Copy shapes from previous &image"), ed.copy_from_previous,
                                  "Ctrl+Shift+V")

        self.next = make(w, self.tr("&Next image"), lambda: w.step_image(1), "D")
        self.prev = make(w, self.tr("&Previous image"), lambda: w.step_image(-1), "A")
        self.done_next = make(w, self.tr("Mark &done and next"), w.mark_done_and_next, "Space")
        self.skip_next = make(w, self.tr("Mark &skipped and next"), w.mark_skipped_and_next)
        self.tags = [make(w, self.tr("Class %1: relabel the selected shapes, else toggle the image class")
                          .replace("%1", str(i + 1)), lambda _=False, i=i: ed.number_key(i), str(i + 1))
                     for i in range(9)]

        self.fit_window = make(w, self.tr("&Fit window"), cv.fit_window, "Ctrl+F")
        self.fit_width = make(w, self.tr("Fit &width"), cv.fit_width, "Ctrl+Shift+F")
        self.actual_size = make(w, self.tr("&Actual size (1:1)"), cv.actual_size, "Ctrl+0")
        self.zoom_in = make(w, self.tr("Zoom &in"), lambda: cv.zoom_by(1.25), ["Ctrl++", "Ctrl+="])
        self.zoom_out = make(w, self.tr("Zoom &out"), lambda: cv.zoom_by(0.8), "Ctrl+-")
        self.show_predictions = make(w, self.tr("Show &predictions"), w.reload_shapes, checkable=True)
        self.show_predictions.setChecked(True)
        self.help = make(w, self.tr("&Keyboard shortcuts"), w.show_help, "F1")
        self.about = make(w, self.tr("&About labeltool"), w.show_about)

        self.languages = QActionGroup(w)
        for code, name in LANGUAGES.items():
            a = QAction(name, w, checkable=True)
            a.setData(code)
            a.triggered.connect(lambda _=False, c=code: w.set_language(c))
            self.languages.addAction(a)

    def build_toolbar(self, w: "MainWindow") -> QToolBar:
        """The canvas tools as a column of buttons left of the canvas (the
        checked one is the tool in use); a column costs no canvas height."""
        bar = QToolBar(self.tr("Tools"), w)
        bar.setObjectName("toolbar_tools")  # saveState() names it
        bar.setIconSize(QSize(24, 24))
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
        bar.addActions(self.tools.actions())
        w.addToolBar(Qt.ToolBarArea.LeftToolBarArea, bar)
        return bar

    def build_menus(self, w: "MainWindow") -> dict[str, QMenu]:
        mb = w.menuBar()
        menus: dict[str, QMenu] = {}

        def fill(menu: QMenu, actions: list[QAction | None]) -> None:
            for a in actions:
                menu.addSeparator() if a is None else menu.addAction(a)

        m = menus["file"] = mb.addMenu(self.tr("&File"))
        m.addAction(self.open)
        menus["import"] = m.addMenu(self.tr("&Import"))
        menus["export"] = m.addMenu(self.tr("&Export"))
        fill(m, [None, self.quit])
        m = menus["edit"] = mb.addMenu(self.tr("&Edit"))
        fill(m, [self.undo, self.redo, None, self.copy, self.paste, self.duplicate, self.delete, self.select_all,
                 None, self.change_label, self.edit_text])
        flags = m.addMenu(self.tr("&Flags"))
        flags.addActions(list(self.flags.values()))
        fill(m, [self.group, self.ungroup, None, self.hide_selected, self.show_all])
        m.aboutToShow.connect(lambda: self.refresh_flags(w.editor))
        w.shape_list.set_menu(self.shape_menu(), lambda: self.refresh_flags(w.editor))
        m = menus["tools"] = mb.addMenu(self.tr("&Tools"))
        fill(m, [*self.tools.actions(), None, self.brush_smaller, self.brush_larger, None, self.grabcut,
                 self.to_mask, self.to_polygons, self.copy_previous])
        m = menus["image"] = mb.addMenu(self.tr("&Image"))
        fill(m, [self.next, self.prev, self.done_next, self.skip_next])
        m.addMenu(self.tr("Image &classes")).addActions(self.tags)
        m = menus["view"] = mb.addMenu(self.tr("&View"))
        fill(m, [self.fit_window, self.fit_width, self.actual_size, self.zoom_in, self.zoom_out, None,
                 self.show_predictions, None])
        menus["docks"] = m.addMenu(self.tr("&Panels"))
        menus["language"] = m.addMenu(self.tr("&Language"))
        menus["language"].addActions(self.languages.actions())
        # Room for training and review: they add their actions to this menu.
        menus["train"] = mb.addMenu(self.tr("T&rain"))
        m = menus["help"] = mb.addMenu(self.tr("&Help"))
        fill(m, [self.help, self.about])
        return menus

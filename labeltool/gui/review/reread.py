"""Re-read (PPOCRLabel's re-recognition): the recogniser reads the selected
text regions again, drawn by a person or accepted, and fills or replaces
their transcriptions, as one undoable edit.

Each quad is cut out rectified (a perspective transform, turned text
included) and read by PP-OCR's recogniser on a worker thread
(:class:`~labeltool.gui.jobs.ocr.RereadJob`): a few crops take a fraction of
a second, the first call also loads the engine (seconds). A region moved or
deleted while it was being read is left as the person made it.

Ctrl+R (a window action, so F1 lists it) and the canvas's context menu on a
text region start it.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent, QKeySequence
from PySide6.QtWidgets import QMenu

from labeltool.core.shapes import TextRegion
from labeltool.gui.commands import StoreCommand, UpdateShape
from labeltool.gui.jobs.ocr import OcrOptions, OcrRef, RereadJob

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.canvas import CanvasView
    from labeltool.gui.editing import Editor
    from labeltool.gui.workspace import Workspace

SHORTCUT = "Ctrl+R"  # PPOCRLabel's key for re-recognition


class Rereader(QObject):
    finishedReading = Signal(int)  # text regions whose transcription changed (-1: it failed)

    def __init__(self, workspace: "Workspace", canvas: "CanvasView", editor: "Editor",
                 options: Callable[[], OcrOptions], parent: QObject | None = None):
        """``options``: the project's Read text settings (the recogniser)."""
        super().__init__(parent)
        self.workspace = workspace
        self.canvas = canvas
        self.editor = editor
        self.options = options
        self.job: RereadJob | None = None
        self.menu: QMenu | None = None  # the last context menu shown
        self.action = QAction(self.tr("Re-read text"), self)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setStatusTip(self.tr("Fill or replace the transcriptions of the selected text regions from the "
                                         "recogniser"))
        self.action.triggered.connect(lambda: self.reread())
        canvas.viewport().installEventFilter(self)

    def selected_regions(self) -> list[TextRegion]:
        """The selected text regions a person drew or accepted."""
        return [s for s in self.editor.selected() if isinstance(s, TextRegion) and not s.source.is_model]

    def reread(self, regions: list[TextRegion] | None = None) -> bool:
        """Read ``regions`` (default: the selected ones) on a worker; False,
        with a message in the status bar, if it cannot start."""
        regions = self.selected_regions() if regions is None else regions
        if self.job is not None:
            self._status(self.tr("Still re-reading the text regions asked for before."))
            return False
        if not regions:
            self._status(self.tr("Select one or more text regions to re-read (drawn or accepted; Ctrl+click adds)."))
            return False
        store, item = self.workspace.store, self.workspace.current_image()
        if store is None or item is None or not self.editor.writable():
            return False
        self.job = RereadJob(OcrRef(self.options(), store.root), store.abspath(item),
                             [(r.id, list(r.points)) for r in regions], self)
        self.job.read.connect(self._apply)
        self.job.failed.connect(self._failed)
        self.job.finished.connect(self._ended)
        self._status(self.tr("Re-reading %1 text region(s)…").replace("%1", str(len(regions))))
        self.job.start()
        return True

    def _apply(self, readings: list[tuple[str, list, str, float]]) -> None:
        """Put the new words in, as one undo step."""
        store = self.workspace.store
        if store is None:
            return
        cmds: list[StoreCommand] = []
        blank = 0
        for sid, points, text, _score in readings:
            try:
                _, shape = store.shape(sid)
            except KeyError:  # deleted meanwhile
                continue
            if not isinstance(shape, TextRegion) or list(shape.points) != points:
                continue  # moved meanwhile: what was read is not what is there now
            if not text.strip():
                blank += 1  # nothing read: an existing transcription is kept, not erased
                continue
            if text != shape.transcription:
                cmds.append(UpdateShape(store, replace(shape, transcription=text),
                                        self.tr("Re-read %1").replace("%1", text), self._error))
        self.editor.push(cmds, self.tr("Re-read %1 text region(s)").replace("%1", str(len(cmds))))
        message = self.tr("Re-read: %1 transcription(s) changed.").replace("%1", str(len(cmds)))
        if blank:
            message += " " + self.tr("%1 region(s) read as nothing: kept as they were.").replace("%1", str(blank))
        self._status(message)
        self.finishedReading.emit(len(cmds))

    def _failed(self, message: str) -> None:
        self.workspace.show_error(self.tr("Re-reading failed: %1").replace("%1", message))
        self.finishedReading.emit(-1)

    def _ended(self) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.wait()
            job.deleteLater()

    def _error(self, e: Exception) -> None:
        self.workspace.show_error(str(e))

    def _status(self, text: str) -> None:
        self.workspace.show_status(text, 8000)

    # ------------------------------------------------------ context menu
    def context_menu_at(self, pos: QPoint) -> QMenu | None:
        """The menu for a right click at viewport ``pos`` with the Select
        tool on a text region (which is selected, unless it already is):
        None elsewhere."""
        view = self.canvas
        if view.tool.name != "edit":
            return None
        scene = view.canvas_scene
        p = view.to_image(pos)
        sid = scene.shape_at((p.x(), p.y()), 4 / view.scale_factor())
        if sid is None or not isinstance(scene.shape(sid), TextRegion):
            return None
        if sid not in scene.selected:
            scene.select([sid])
        if self.menu is not None:
            self.menu.deleteLater()
        self.menu = QMenu(view)
        self.menu.addAction(self.action)
        return self.menu

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        if ev.type() == QEvent.Type.ContextMenu and isinstance(ev, QContextMenuEvent):
            menu = self.context_menu_at(ev.pos())
            if menu is not None:
                menu.popup(ev.globalPos())
                return True
        return False

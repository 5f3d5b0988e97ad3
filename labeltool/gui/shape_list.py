"""The shapes of the current image: class, kind, group, flags (and
transcription), a visibility check each; selection follows the canvas both
ways; a right-click offers the edits of the selected shapes."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QContextMenuEvent
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QMenu

from labeltool.core.shapes import Shape, TextRegion

from .icons import swatch_icon
from .shape_words import flag_names, group_text


class ShapeList(QListWidget):
    selectionChangedIds = Signal(list)
    visibilityChanged = Signal(str, bool)  # shape id, visible
    labelChangeRequested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.itemSelectionChanged.connect(self._selection)
        self.itemChanged.connect(self._changed)
        self.itemDoubleClicked.connect(lambda _: self.labelChangeRequested.emit())
        self._syncing = False
        self._menu: list[QAction | None] = []
        self._before_menu: Callable[[], None] | None = None

    def set_menu(self, actions: list[QAction | None], before: Callable[[], None] | None = None) -> None:
        """What a right-click offers (None: a separator); ``before`` runs as
        it opens (to check the flags the selection has)."""
        self._menu, self._before_menu = actions, before

    def contextMenuEvent(self, ev: QContextMenuEvent) -> None:
        if not self._menu or self.itemAt(ev.pos()) is None:
            return
        if self._before_menu is not None:
            self._before_menu()
        menu = QMenu(self)
        for a in self._menu:
            menu.addSeparator() if a is None else menu.addAction(a)
        menu.exec(ev.globalPos())
        menu.deleteLater()

    def kind_name(self, kind: str) -> str:
        return {"box": self.tr("box"), "polygon": self.tr("polygon"), "mask": self.tr("mask"),
                "text": self.tr("text"), "tag": self.tr("image class")}.get(kind, kind)

    def set_shapes(self, shapes: list[Shape], colors: dict[str, str], hidden: set[str]) -> None:
        self._syncing = True
        selected = set(self.selected_ids())
        self.clear()
        for s in shapes:
            text = f"{s.label}  ·  {self.kind_name(s.kind)}"
            if s.group is not None:
                text += f"  ·  {group_text(s.group)}"
            if s.flagged:
                text += "  ·  " + self.tr(", ").join(flag_names(s))
            if isinstance(s, TextRegion) and s.transcription:
                text += f"  “{s.transcription}”"
            if s.source.is_model:
                score = f" {s.source.score:.2f}" if s.source.score is not None else ""
                text += "  " + self.tr("[prediction%1]").replace("%1", score)
            it = QListWidgetItem(swatch_icon(colors.get(s.label, "#ff3b30")), text)
            it.setData(Qt.ItemDataRole.UserRole, s.id)
            it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            it.setCheckState(Qt.CheckState.Unchecked if s.id in hidden else Qt.CheckState.Checked)
            self.addItem(it)
            it.setSelected(s.id in selected)
        self._syncing = False

    def selected_ids(self) -> list[str]:
        return [it.data(Qt.ItemDataRole.UserRole) for it in self.selectedItems()]

    def set_selected_ids(self, ids: list[str]) -> None:
        self._syncing = True
        for i in range(self.count()):
            it = self.item(i)
            it.setSelected(it.data(Qt.ItemDataRole.UserRole) in ids)
        self._syncing = False

    def _selection(self) -> None:
        if not self._syncing:
            self.selectionChangedIds.emit(self.selected_ids())

    def _changed(self, it: QListWidgetItem) -> None:
        if not self._syncing:
            self.visibilityChanged.emit(it.data(Qt.ItemDataRole.UserRole), it.checkState() == Qt.CheckState.Checked)

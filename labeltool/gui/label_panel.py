"""The label-class panel: name, colour swatch, shape count and a visibility
check per class; add, rename, merge, recolour and delete (with a
confirmation that says how many shapes it touches)."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox, QColorDialog, QHBoxLayout, QInputDialog, QMessageBox, QToolButton, QTreeWidget, QTreeWidgetItem,
    QVBoxLayout, QWidget,
)

from labeltool.core.errors import StoreError
from labeltool.core.store import ProjectStore

from .icons import swatch_icon


class LabelPanel(QWidget):
    visibilityChanged = Signal(str, bool)  # class name, visible
    currentClassChanged = Signal(str)
    classesEdited = Signal()  # a rename/merge/delete happened (undo history no longer applies)
    error = Signal(str)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.store: ProjectStore | None = None
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Class"), self.tr("Shapes")])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, self.tree.header().ResizeMode.Stretch)
        self.use_default = QCheckBox(self.tr("Use the selected class for new shapes"))
        self.use_default.setToolTip(self.tr("Skip the label dialog: every new shape gets the selected class"))
        buttons = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        for key, text, slot in (("add", self.tr("Add"), self.ask_add), ("rename", self.tr("Rename"), self.ask_rename),
                                ("merge", self.tr("Merge"), self.ask_merge),
                                ("color", self.tr("Colour"), self.ask_color),
                                ("delete", self.tr("Delete"), self.ask_delete)):
            b = QToolButton()
            b.setText(text)
            b.clicked.connect(slot)
            buttons.addWidget(b)
            self.buttons[key] = b
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.tree)
        lay.addWidget(self.use_default)
        lay.addLayout(buttons)
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(
            lambda cur, _: cur is not None and self.currentClassChanged.emit(cur.data(0, Qt.ItemDataRole.UserRole)))
        self._hidden: set[str] = set()
        self._counts_timer = QTimer(self, singleShot=True, interval=150, timeout=self.refresh)

    def set_store(self, store: ProjectStore | None) -> None:
        self.store = store
        self._hidden.clear()
        self.refresh()

    def schedule_refresh(self) -> None:
        """Recount soon (many edits in a row recount once)."""
        self._counts_timer.start()

    def refresh(self) -> None:
        current = self.current_class()
        self.tree.blockSignals(True)
        self.tree.clear()
        if self.store is not None and not self.store.closed:
            counts = self.store.stats()["shapes_by_class"]
            for c in self.store.classes():
                it = QTreeWidgetItem([c.name, str(counts.get(c.name, 0))])
                it.setIcon(0, swatch_icon(c.color))
                it.setData(0, Qt.ItemDataRole.UserRole, c.name)
                it.setFlags(it.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                it.setCheckState(0, Qt.CheckState.Unchecked if c.name in self._hidden else Qt.CheckState.Checked)
                it.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.tree.addTopLevelItem(it)
                if c.name == current:
                    self.tree.setCurrentItem(it)
        self.tree.blockSignals(False)
        self.tree.resizeColumnToContents(1)

    def class_names(self) -> list[str]:
        return [self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole)
                for i in range(self.tree.topLevelItemCount())]

    def current_class(self) -> str | None:
        it = self.tree.currentItem()
        return it.data(0, Qt.ItemDataRole.UserRole) if it is not None else None

    def set_current_class(self, name: str) -> None:
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            if it.data(0, Qt.ItemDataRole.UserRole) == name:
                self.tree.setCurrentItem(it)

    def default_label(self) -> str | None:
        """The class to give new shapes without asking, if the user chose so."""
        return self.current_class() if self.use_default.isChecked() else None

    def set_visible(self, name: str, visible: bool) -> None:
        for i in range(self.tree.topLevelItemCount()):
            it = self.tree.topLevelItem(i)
            if it.data(0, Qt.ItemDataRole.UserRole) == name:
                it.setCheckState(0, Qt.CheckState.Checked if visible else Qt.CheckState.Unchecked)

    def _item_changed(self, it: QTreeWidgetItem, column: int) -> None:
        name = it.data(0, Qt.ItemDataRole.UserRole)
        visible = it.checkState(0) == Qt.CheckState.Checked
        (self._hidden.discard if visible else self._hidden.add)(name)
        self.visibilityChanged.emit(name, visible)

    # ---------------------------------------------------------- editing
    def _run(self, fn, *args) -> bool:
        try:
            fn(*args)
        except (StoreError, KeyError, ValueError) as e:
            self.error.emit(str(e))
            return False
        self.refresh()
        return True

    def ask_add(self) -> None:
        if self.store is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Add class"), self.tr("Name of the new class:"))
        if ok and name.strip() and self._run(self.store.add_class, name.strip()):
            self.set_current_class(name.strip())

    def ask_rename(self) -> None:
        old = self.current_class()
        if self.store is None or old is None:
            return
        new, ok = QInputDialog.getText(self, self.tr("Rename class"),
                                       self.tr("New name for “%1” (an existing name merges the two):")
                                       .replace("%1", old), text=old)
        if ok and new.strip() and new.strip() != old:
            if self._run(self.store.rename_class, old, new.strip()):
                self.classesEdited.emit()

    def ask_merge(self) -> None:
        src = self.current_class()
        if self.store is None or src is None:
            return
        others = [n for n in self.class_names() if n != src]
        if not others:
            return
        dst, ok = QInputDialog.getItem(self, self.tr("Merge class"),
                                       self.tr("Move every shape of “%1” to:").replace("%1", src), others, 0, False)
        if ok and self._run(self.store.merge_classes, src, dst):
            self.classesEdited.emit()

    def ask_color(self) -> None:
        name = self.current_class()
        if self.store is None or name is None:
            return
        old = next((c.color for c in self.store.classes() if c.name == name), "#ff0000")
        color = QColorDialog.getColor(QColor(old), self, self.tr("Colour of “%1”").replace("%1", name))
        if color.isValid():
            self._run(self.store.set_class_color, name, color.name())

    def ask_delete(self) -> None:
        name = self.current_class()
        if self.store is None or name is None:
            return
        count = self.store.stats()["shapes_by_class"].get(name, 0)
        answer = QMessageBox.question(
            self, self.tr("Delete class"),
            self.tr("Delete the class “%1” and its %2 shapes on all images? This cannot be undone.")
            .replace("%1", name).replace("%2", str(count)))
        if answer == QMessageBox.StandardButton.Yes and self._run(self.store.delete_class, name):
            self.classesEdited.emit()

"""The image list: a lazy list model over the store's images with a status
icon and a split badge per image, a text filter and filters "unlabelled",
"has predictions", "split X" and "has class X"; a right-click sets the
split of the selected images.

Only the rows on screen are ever asked for their data, and no image file is
touched: 10,000 images are one SQL query.
"""
from __future__ import annotations

from PySide6.QtCore import (QAbstractListModel, QItemSelectionModel, QModelIndex, QPersistentModelIndex, QPoint, QRect,
                            Qt, Signal)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QLineEdit, QListView, QMenu, QStyledItemDelegate,
                               QStyleOptionViewItem, QVBoxLayout, QWidget)

from labeltool.core.errors import StoreError
from labeltool.core.project import SPLITS, ImageItem, ImageStatus
from labeltool.core.store import ProjectStore

from .icons import status_icon

FILTER_ALL, FILTER_UNLABELLED, FILTER_PREDICTIONS, FILTER_CLASS = "all", "unlabelled", "predictions", "class"
FILTER_SPLIT, NO_SPLIT = "split", "none"  # "split:train" ... "split:none"
SPLIT_ROLE = Qt.ItemDataRole.UserRole + 1  # an image's split ("train", "val", "test") or None


class ImageListModel(QAbstractListModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.store: ProjectStore | None = None
        self._all: list[ImageItem] = []
        self._rows: list[ImageItem] = []
        self._row_of: dict[int, int] = {}
        self.errors: dict[int, str] = {}
        self.text = ""
        self.kind = FILTER_ALL
        self.label: str | None = None

    # ---------------------------------------------------------- loading
    def set_store(self, store: ProjectStore | None) -> None:
        self.store = store
        self.errors.clear()
        self.reload()

    def reload(self) -> None:
        self._all = self.store.images() if self.store is not None else []
        self.apply_filter()

    def set_filter(self, text: str | None = None, kind: str | None = None, label: str | None = None) -> None:
        if text is not None:
            self.text = text
        if kind is not None:
            self.kind, self.label = kind, label
        self.apply_filter()

    def apply_filter(self) -> None:
        rows = self._all
        if self.store is not None and self.kind != FILTER_ALL:
            if self.kind == FILTER_UNLABELLED:
                labelled = self.store.image_ids_with_shapes(source="human")
                rows = [i for i in rows if i.id not in labelled]
            elif self.kind == FILTER_PREDICTIONS:
                ids = self.store.image_ids_with_shapes(source="model")
                rows = [i for i in rows if i.id in ids]
            elif self.kind == FILTER_CLASS and self.label is not None:
                ids = self.store.image_ids_with_shapes(label=self.label)
                rows = [i for i in rows if i.id in ids]
            elif self.kind == FILTER_SPLIT:
                rows = [i for i in rows if (i.split or NO_SPLIT) == self.label]
        if self.text:
            t = self.text.casefold()
            rows = [i for i in rows if t in i.path.casefold()]
        self.beginResetModel()
        self._rows = list(rows)
        self._row_of = {item.id: r for r, item in enumerate(self._rows)}
        self.endResetModel()

    # ------------------------------------------------------------ access
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def total(self) -> int:
        return len(self._all)

    def item(self, row: int) -> ImageItem:
        return self._rows[row]

    def row_of(self, image_id: int) -> int | None:
        return self._row_of.get(image_id)

    def ids(self) -> list[int]:
        return [i.id for i in self._rows]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return item.path
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(item.status.value, item.id in self.errors or item.missing)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [item.path, self._status_text(item.status)]
            if item.split:
                lines.append(self.tr("Split: %1").replace("%1", self.split_name(item.split)))
            if item.width:
                lines.append(f"{item.width} × {item.height}")
            if item.missing:
                lines.append(self.tr("The file is missing from the folder (its labels are kept)."))
            if item.id in self.errors:
                lines.append(self.errors[item.id])
            return "\n".join(lines)
        if role == Qt.ItemDataRole.UserRole:
            return item.id
        if role == SPLIT_ROLE:
            return item.split
        return None

    def split_name(self, split: str | None) -> str:
        """A split as the list shows it (its badge, its filter, its menu)."""
        return {"train": self.tr("train"), "val": self.tr("val"), "test": self.tr("test")}.get(
            split or "", self.tr("no split"))

    def _status_text(self, status: ImageStatus) -> str:
        return {ImageStatus.NEW: self.tr("new"), ImageStatus.IN_PROGRESS: self.tr("in progress"),
                ImageStatus.DONE: self.tr("done"), ImageStatus.SKIPPED: self.tr("skipped")}[status]

    # ----------------------------------------------------------- updates
    def refresh(self, image_id: int) -> None:
        """Re-read one image (its status changed)."""
        if self.store is None:
            return
        try:
            fresh = self.store.image(image_id)
        except KeyError:
            return self.reload()
        for lst in (self._all, self._rows):
            for k, it in enumerate(lst):
                if it.id == image_id:
                    lst[k] = fresh
                    break
        row = self._row_of.get(image_id)
        if row is not None:
            ix = self.index(row)
            self.dataChanged.emit(ix, ix)

    def mark_error(self, image_id: int, message: str) -> None:
        self.errors[image_id] = message
        row = self._row_of.get(image_id)
        if row is not None:
            self.dataChanged.emit(self.index(row), self.index(row))


class ImageListWidget(QWidget):
    """Filter box, filter choice and the list.

    Several images can be selected (Shift/Ctrl-click, Shift+arrows) for
    actions on many images; the window's image is the list's current index,
    whichever way it moves (click, arrows, D/A in the window)."""

    imageActivated = Signal(int)
    errorRaised = Signal(str)  # an edit of the list (a split) failed

    def __init__(self, parent=None):
        super().__init__(parent)
        self.model = ImageListModel(self)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Filter by name…"))
        self.search.setClearButtonEnabled(True)
        self.filter = QComboBox()
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setUniformItemSizes(True)  # no per-row size query: 10,000 rows scroll at once
        self.view.setEditTriggers(QListView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setItemDelegate(SplitBadges(self.view))
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(2, 2, 2, 2)
        lay.addWidget(self.search)
        lay.addWidget(self.filter)
        lay.addWidget(self.view)
        self.set_classes([])
        self.search.textChanged.connect(lambda t: self._refilter(text=t))
        self.filter.currentIndexChanged.connect(lambda _: self._refilter())
        self.view.selectionModel().currentChanged.connect(lambda ix, _prev: self._activate(ix))
        self.view.clicked.connect(self._activate)
        self.view.activated.connect(self._activate)
        self._current: int | None = None

    def _activate(self, ix: QModelIndex) -> None:
        # A click both moves the current index and "clicks": the image opens once.
        if ix.isValid() and (image_id := self.model.item(ix.row()).id) != self._current:
            self.imageActivated.emit(image_id)

    def selected_ids(self) -> list[int]:
        """The selected images, in list order."""
        rows = sorted(ix.row() for ix in self.view.selectionModel().selectedRows())
        return [self.model.item(r).id for r in rows]

    def set_classes(self, names: list[str]) -> None:
        keep = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem(self.tr("All images"), FILTER_ALL)
        self.filter.addItem(self.tr("Unlabelled"), FILTER_UNLABELLED)
        self.filter.addItem(self.tr("Has predictions"), FILTER_PREDICTIONS)
        for split in (*SPLITS, None):
            self.filter.addItem(self.tr("Split: %1").replace("%1", self.model.split_name(split)),
                                f"{FILTER_SPLIT}:{split or NO_SPLIT}")
        for n in names:
            self.filter.addItem(self.tr("Has class: %1").replace("%1", n), f"{FILTER_CLASS}:{n}")
        k = self.filter.findData(keep) if keep is not None else 0
        self.filter.setCurrentIndex(max(k, 0))
        self.filter.blockSignals(False)

    def _menu(self, pos: QPoint) -> None:
        """Right-click: put the selected images (or the one clicked) in a split."""
        store = self.model.store
        ix = self.view.indexAt(pos)
        if store is None or not ix.isValid():
            return
        ids = self.selected_ids()
        if self.model.item(ix.row()).id not in ids:
            ids = [self.model.item(ix.row()).id]
        menu = QMenu(self)
        sub = menu.addMenu(self.tr("Set split of %n image(s)", "", len(ids)))
        sub.setEnabled(not store.readonly)
        for split in (*SPLITS, None):
            sub.addAction(self.model.split_name(split), lambda s=split: self.set_split(ids, s))
        menu.exec(self.view.viewport().mapToGlobal(pos))
        menu.deleteLater()

    def set_split(self, image_ids: list[int], split: str | None) -> None:
        """Put the images in ``split`` (None: no split), in one store
        transaction. Not undoable, like an image's status: a split is a fact
        about the image, not an edit of its labels."""
        store = self.model.store
        if store is None:
            return
        try:
            store.set_splits(image_ids, split)
        except (StoreError, ValueError) as e:
            self.errorRaised.emit(str(e))

    def set_filter(self, kind: str, label: str | None = None) -> None:
        k = self.filter.findData(kind if label is None else f"{kind}:{label}")
        if k >= 0:
            self.filter.setCurrentIndex(k)

    def _refilter(self, text: str | None = None) -> None:
        kind, _, label = (self.filter.currentData() or FILTER_ALL).partition(":")
        self.model.set_filter(text=text, kind=kind, label=label or None)
        self.set_current(self._current)

    def set_current(self, image_id: int | None) -> None:
        self._current = image_id
        row = self.model.row_of(image_id) if image_id is not None else None
        if row is None:
            self.view.clearSelection()
            return
        ix = self.model.index(row)
        sel = self.view.selectionModel()
        if sel.currentIndex() != ix:
            # Moving within the selection (D/A through selected images) keeps
            # it; moving out of it selects the new image alone.
            keep = sel.isSelected(ix)
            flag = QItemSelectionModel.SelectionFlag
            sel.setCurrentIndex(ix, flag.NoUpdate if keep else flag.ClearAndSelect)
        self.view.scrollTo(ix)


class SplitBadges(QStyledItemDelegate):
    """Each image's split as a small badge at the right end of its row."""

    COLORS = {"train": QColor("#2e7d32"), "val": QColor("#1565c0"), "test": QColor("#8e24aa")}

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        split = index.data(SPLIT_ROLE)
        if not split:
            super().paint(painter, option, index)
            return
        text = index.model().split_name(split)
        fm = option.fontMetrics
        badge = QRect(0, 0, fm.horizontalAdvance(text) + 8, fm.height())
        badge.moveCenter(option.rect.center())
        badge.moveRight(option.rect.right() - 4)
        opt = QStyleOptionViewItem(option)
        opt.rect = option.rect.adjusted(0, 0, -badge.width() - 8, 0)  # the name stops short of the badge
        super().paint(painter, opt, index)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.COLORS.get(split, QColor("gray")))
        painter.drawRoundedRect(badge, 4, 4)
        painter.setPen(QColor("white"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

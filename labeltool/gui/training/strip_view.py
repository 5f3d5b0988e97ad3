"""The strip of the latest epoch's streamed predictions: thumbnails
(:mod:`.thumbnails`) in a grid that fills the Training panel's tab."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from .thumbnails import Thumbnail

if TYPE_CHECKING:  # pragma: no cover
    from ..jobs.training import PredictionStrip

THUMB_SIZE = 128


class PredictionStripView(QListWidget):
    """Thumbnails of the latest epoch's predictions; a click opens the image."""

    thumbnailActivated = Signal(object)  # Thumbnail

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(True)  # a grid that fills the tab, whatever the dock's shape
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setMovement(QListWidget.Movement.Static)
        self.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.setSpacing(4)
        self.setUniformItemSizes(True)
        self.setWordWrap(True)
        self.thumbnails: list[Thumbnail] = []
        self.itemClicked.connect(self._clicked)

    def set_strip(self, strip: PredictionStrip) -> None:
        self.clear()
        self.thumbnails = list(strip.thumbnails)
        for i, t in enumerate(self.thumbnails):
            item = QListWidgetItem(QIcon(QPixmap.fromImage(t.image)), t.caption)
            item.setToolTip(t.image_path)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.addItem(item)

    def _clicked(self, item: QListWidgetItem) -> None:
        self.thumbnailActivated.emit(self.thumbnails[item.data(Qt.ItemDataRole.UserRole)])

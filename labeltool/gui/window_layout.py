"""The window's layout on the screen: panels that scroll rather than demand
height, a first size that fits the screen, and what the window remembers
per project: the panel layout and the image shown last.

The layout (QMainWindow.saveState: which panels are open, where, how big;
and the window's geometry) is kept in QSettings, keyed by the project's
folder, not in the project store: it belongs to this machine and screen (a
project copied to a laptop should not open at a desktop's size) and a
project open read-only remembers it too. The last image shown is project
data and lives in the store (see MainWindow).
"""
from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtWidgets import QFrame, QMainWindow, QScrollArea, QWidget

from labeltool.core.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.project import ImageItem
    from labeltool.core.store import ProjectStore

    from .image_list import ImageListModel

LAYOUT_VERSION = 1  # raise when the docks change so much that old layouts no longer apply
LAST_IMAGE_KEY = "gui/last_image"  # store meta: the path of the image shown last, shown first next time


class _VerticalScroll(QScrollArea):
    """Scrolls up and down only: as wide as the panel needs (nothing cut at
    the side), as short as a few lines."""

    def minimumSizeHint(self) -> QSize:
        inner = self.widget().minimumSizeHint() if self.widget() is not None else QSize(0, 0)
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(inner.width() + bar + 2 * self.frameWidth(), min(inner.height(), 3 * bar))


def scrolled(widget: QWidget) -> QScrollArea:
    """``widget`` in a frameless scroll area: a dock that holds it can be
    made smaller than the widget's minimum height (it scrolls then), so a
    tall panel no longer sets the window's minimum height."""
    area = _VerticalScroll()
    area.setObjectName(f"scroll_{widget.objectName() or type(widget).__name__}")
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidgetResizable(True)  # as big as the dock when the dock is bigger
    area.setWidget(widget)
    return area


def fit_to_screen(window: QWidget, wanted: QSize) -> None:
    """Resize ``window`` to ``wanted``, or maximise it where the screen's
    available area (without task bar) is smaller than that."""
    avail = window.screen().availableGeometry()
    if wanted.width() > avail.width() or wanted.height() > avail.height():
        window.resize(wanted.boundedTo(avail.size()))  # the size it returns to from maximised
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        window.resize(wanted)


def _group(root: Path) -> str:
    key = hashlib.sha1(str(Path(root).resolve()).encode("utf-8")).hexdigest()[:16]
    return f"layout/{key}"


def save_layout(window: QMainWindow, root: Path) -> None:
    """Remember ``window``'s panels and geometry for the project at ``root``."""
    s = QSettings()
    s.beginGroup(_group(root))
    s.setValue("folder", str(root))  # for a person reading the settings file
    s.setValue("state", window.saveState(LAYOUT_VERSION))
    s.setValue("geometry", window.saveGeometry())
    s.endGroup()


def restore_layout(window: QMainWindow, root: Path, geometry: bool = True) -> bool:
    """Put ``window``'s panels (and, with ``geometry``, its size and place)
    back as they were when the project at ``root`` was last closed;
    False when there is nothing remembered."""
    s = QSettings()
    s.beginGroup(_group(root))
    state, geo = s.value("state"), s.value("geometry")
    s.endGroup()
    if not isinstance(state, QByteArray) or not window.restoreState(state, LAYOUT_VERSION):
        return False
    if geometry and isinstance(geo, QByteArray):
        window.restoreGeometry(geo)
    return True


def last_image(store: "ProjectStore", images: "ImageListModel") -> int | None:
    """The image to show first: the one shown last, if the list shows it,
    else the list's first."""
    path = store.get_meta(LAST_IMAGE_KEY)
    item = store.image_by_path(path) if path else None
    if item is not None and images.row_of(item.id) is not None:
        return item.id
    return images.item(0).id if images.rowCount() else None


def remember_image(store: "ProjectStore | None", item: "ImageItem") -> None:
    """Note ``item`` as the image shown last (a project open read-only forgets)."""
    if store is None or store.readonly or store.get_meta(LAST_IMAGE_KEY) == item.path:
        return
    try:
        store.set_meta(LAST_IMAGE_KEY, item.path)
    except StoreError:
        pass  # a convenience: a locked or full disk must not stop browsing

"""The open project as the panels see it: the store, its events, the image
shown, how to go to another image, and where to tell the person something.

The window owns one :class:`Workspace` and keeps it current; panels
(review, training, the editor, the import/export menus) receive it and the
few widgets they draw on, never the window itself.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from labeltool.core.project import ImageItem
from labeltool.core.store import ProjectStore

from .image_list import ImageListModel
from .store_bridge import StoreBridge


class Workspace(QObject):
    projectOpened = Signal(object)  # the ProjectStore just opened
    imageChanged = Signal(int)  # the id of the image now shown
    imageRequested = Signal(int)  # someone asks to show this image; the window shows it
    statusMessage = Signal(str, int)  # a passing line for the status bar, and for how many ms
    errorRaised = Signal(str)  # something went wrong that the person must read

    def __init__(self, images: ImageListModel, parent: QObject | None = None):
        super().__init__(parent)
        self.images = images  # the project's images in list order (filtered as the list shows them)
        self._store: ProjectStore | None = None
        self._bridge: StoreBridge | None = None
        self._current: ImageItem | None = None

    # ------------------------------------------------------------ project
    @property
    def store(self) -> ProjectStore | None:
        return self._store

    @property
    def bridge(self) -> StoreBridge | None:
        """The store's events as Qt signals, on the GUI thread."""
        return self._bridge

    def set_project(self, store: ProjectStore | None, bridge: StoreBridge | None) -> None:
        """The window opened (or closed) a project; it emits
        :attr:`projectOpened` once its own views follow."""
        self._store, self._bridge = store, bridge
        self._current = None

    # ------------------------------------------------------------- images
    def current_image(self) -> ImageItem | None:
        return self._current

    def set_current(self, item: ImageItem | None) -> None:
        """The window shows ``item`` now; it emits :attr:`imageChanged`
        once the canvas shows it."""
        self._current = item

    def go_to_image(self, image_id: int) -> None:
        """Show the image ``image_id`` (done by the time this returns)."""
        self.imageRequested.emit(image_id)

    def neighbour_id(self, step: int) -> int | None:
        """The image ``step`` rows away in the (filtered) list, or None."""
        model = self.images
        row = model.row_of(self._current.id) if self._current is not None else None
        if row is None:
            return model.item(0).id if model.rowCount() else None
        r = row + step
        return model.item(r).id if 0 <= r < model.rowCount() else None

    # -------------------------------------------------------------- words
    def show_status(self, text: str, ms: int = 3000) -> None:
        self.statusMessage.emit(text, ms)

    def show_error(self, text: str) -> None:
        self.errorRaised.emit(text)

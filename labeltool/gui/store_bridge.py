"""Turns project-store events into Qt signals.

The store is plain Python and calls its listeners on whatever thread made
the edit (a training thread may write predictions); Qt queues signals that
cross threads, so views always update on the GUI thread.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from labeltool.core.store import ProjectStore, StoreEvent


class StoreBridge(QObject):
    shapeAdded = Signal(int, str)
    shapeChanged = Signal(int, str)
    shapeRemoved = Signal(int, str)
    imageChanged = Signal(int)
    imagesChanged = Signal()
    classesChanged = Signal()
    # Any change that touches one image's shapes (added/changed/removed/image).
    imageShapesChanged = Signal(int)

    def __init__(self, store: ProjectStore, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self._unsubscribe = store.subscribe(self._on_event)

    def _on_event(self, e: StoreEvent) -> None:
        if e.kind == "shape_added":
            self.shapeAdded.emit(e.image_id, e.shape_id)
        elif e.kind == "shape_changed":
            self.shapeChanged.emit(e.image_id, e.shape_id)
        elif e.kind == "shape_removed":
            self.shapeRemoved.emit(e.image_id, e.shape_id)
        elif e.kind == "image_changed":
            self.imageChanged.emit(e.image_id)
        elif e.kind == "images_changed":
            self.imagesChanged.emit()
        elif e.kind == "classes_changed":
            self.classesChanged.emit()
        if e.image_id is not None:
            self.imageShapesChanged.emit(e.image_id)

    def detach(self) -> None:
        """Stop listening (the window closes or opens another project)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

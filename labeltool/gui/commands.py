"""Undo/redo as command objects over the project store.

Each command writes through the store (one committed transaction) and keeps
what it needs to reverse itself; shape ids stay the same through undo and
redo, so a redo re-adds the very shape (and later commands that name it still
find it). A command whose first write fails is marked obsolete, so the undo
stack drops it, and the error is handed to ``on_error`` for the window to show.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtGui import QUndoCommand

from labeltool.core.errors import StoreError
from labeltool.core.shapes import Shape
from labeltool.core.store import ProjectStore

ErrorHandler = Callable[[Exception], None]


class StoreCommand(QUndoCommand):
    """Base: runs ``_do``/``_undo`` and turns store errors into a message."""

    def __init__(self, store: ProjectStore, image_id: int, text: str, on_error: ErrorHandler | None = None):
        super().__init__(text)
        self.store = store
        self.image_id = image_id
        self.on_error = on_error
        self.error: Exception | None = None
        self._done_once = False

    def redo(self) -> None:
        try:
            self._do()
        except (StoreError, KeyError, ValueError) as e:
            self._fail(e)
            return
        self._done_once = True

    def undo(self) -> None:
        try:
            self._undo()
        except (StoreError, KeyError, ValueError) as e:
            self._fail(e)

    def _fail(self, e: Exception) -> None:
        self.error = e
        self.setObsolete(True)
        if self.on_error is not None:
            self.on_error(e)

    def _do(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _undo(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class AddShape(StoreCommand):
    def __init__(self, store: ProjectStore, image_id: int, shape: Shape, text: str = "",
                 on_error: ErrorHandler | None = None, index: int | None = None):
        super().__init__(store, image_id, text or f"add {shape.kind} {shape.label}", on_error)
        self.shape = shape
        self.index = index

    def _do(self) -> None:
        self.store.add_shape(self.image_id, self.shape, index=self.index)

    def _undo(self) -> None:
        _, self.index = self.store.delete_shape(self.shape.id)


class DeleteShape(StoreCommand):
    def __init__(self, store: ProjectStore, shape_id: str, text: str = "", on_error: ErrorHandler | None = None):
        image_id, shape = store.shape(shape_id)
        super().__init__(store, image_id, text or f"delete {shape.kind} {shape.label}", on_error)
        self.shape = shape
        self.index: int | None = None

    def _do(self) -> None:
        _, self.index = self.store.delete_shape(self.shape.id)

    def _undo(self) -> None:
        self.store.add_shape(self.image_id, self.shape, index=self.index)


class UpdateShape(StoreCommand):
    """Replace a shape by ``new`` (same id). Consecutive nudges of one shape
    merge into one step, so that 30 arrow-key presses undo at once."""

    NUDGE_ID = 1

    def __init__(self, store: ProjectStore, new: Shape, text: str = "", on_error: ErrorHandler | None = None,
                 mergeable: bool = False):
        image_id, old = store.shape(new.id)
        super().__init__(store, image_id, text or f"edit {new.kind} {new.label}", on_error)
        self.old, self.new = old, new
        self.mergeable = mergeable

    def _do(self) -> None:
        self.store.update_shape(self.new)

    def _undo(self) -> None:
        self.store.update_shape(self.old)

    def id(self) -> int:
        return self.NUDGE_ID if self.mergeable else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateShape) or not other.mergeable or other.new.id != self.new.id:
            return False
        self.new = other.new
        return True


class SetGroups(StoreCommand):
    """Put shapes into groups (or out of them, None) as one step: one store
    transaction each way (:meth:`~labeltool.core.store.ProjectStore.set_groups`)."""

    def __init__(self, store: ProjectStore, image_id: int, groups: dict[str, int | None], text: str = "",
                 on_error: ErrorHandler | None = None):
        super().__init__(store, image_id, text or "group shapes", on_error)
        self.new = dict(groups)
        self.old: dict[str, int | None] = {}

    def _do(self) -> None:
        self.old = self.store.set_groups(self.new)

    def _undo(self) -> None:
        self.store.set_groups(self.old)

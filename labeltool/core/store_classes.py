"""The label classes of a project store: adding, renaming, merging,
recolouring and deleting them."""
from __future__ import annotations

import contextlib
import sqlite3
from typing import Callable

from .project import LabelClass, default_color
from .store_events import StoreEvent
from .store_rows import class_from_row


class ClassesMixin:
    """The class operations of :class:`~.store.ProjectStore`.

    A mixin rather than functions: the methods keep their names, docstrings
    and ``self`` calls, so the store's API reads the same, and each edit goes
    through the store's own transaction and events (declared below, defined
    by the store)."""

    _query: Callable[..., list[sqlite3.Row]]
    _execute: Callable[..., sqlite3.Cursor]
    _write: Callable[..., sqlite3.Cursor]
    _emit: Callable[[StoreEvent], None]
    transaction: Callable[[], contextlib.AbstractContextManager[None]]

    def classes(self) -> list[LabelClass]:
        return [class_from_row(r) for r in self._query("SELECT * FROM classes ORDER BY ord, id")]

    def class_names(self) -> list[str]:
        return [c.name for c in self.classes()]

    def add_class(self, name: str, color: str | None = None) -> LabelClass:
        """The class called ``name``, created (with a distinct colour) if new."""
        name = _clean_label(name)
        with self.transaction():
            rows = self._query("SELECT * FROM classes WHERE name = ?", (name,))
            if rows:
                return class_from_row(rows[0])
            order = int(self._query("SELECT COALESCE(MAX(ord) + 1, 0) FROM classes")[0][0])
            color = color or default_color(order)
            cur = self._execute("INSERT INTO classes(name, color, ord) VALUES (?,?,?)", (name, color, order))
            self._emit(StoreEvent("classes_changed"))
            return LabelClass(name=name, color=color, order=order, id=cur.lastrowid)

    def _class_id(self, name: str) -> int:
        rows = self._query("SELECT id FROM classes WHERE name = ?", (name,))
        if not rows:
            raise KeyError(f"no class named {name!r}")
        return int(rows[0][0])

    def set_class_color(self, name: str, color: str) -> None:
        self._write("UPDATE classes SET color = ? WHERE id = ?", (color, self._class_id(name)))
        self._emit(StoreEvent("classes_changed"))

    def rename_class(self, old: str, new: str) -> None:
        """Rename a class; renaming onto an existing name is a merge."""
        new = _clean_label(new)
        if old == new:
            return
        if new in self.class_names():
            self.merge_classes(old, new)
            return
        self._write("UPDATE classes SET name = ? WHERE id = ?", (new, self._class_id(old)))
        self._emit(StoreEvent("classes_changed"))

    def merge_classes(self, source: str, target: str) -> int:
        """Move every shape of ``source`` to ``target`` and drop ``source``.
        Returns the number of shapes moved."""
        with self.transaction():
            src, dst = self._class_id(source), self.add_class(target).id
            moved = self._execute("UPDATE shapes SET class_id = ? WHERE class_id = ?", (dst, src)).rowcount
            self._execute("DELETE FROM classes WHERE id = ?", (src,))
            self._emit(StoreEvent("classes_changed"))
        return moved

    def delete_class(self, name: str) -> int:
        """Delete a class and all its shapes; returns how many shapes went."""
        with self.transaction():
            cid = self._class_id(name)
            removed = self._execute("DELETE FROM shapes WHERE class_id = ?", (cid,)).rowcount
            self._execute("DELETE FROM classes WHERE id = ?", (cid,))
            self._emit(StoreEvent("classes_changed"))
        return removed


def _clean_label(name: str) -> str:
    name = str(name).strip()
    if not name:
        raise ValueError("a label name cannot be empty")
    return name

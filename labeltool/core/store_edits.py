"""Edits of many rows of a project store in one transaction: the split of
the images selected in the list, the group of the shapes selected on the
canvas."""
from __future__ import annotations

import contextlib
import sqlite3
import time
from typing import Callable, Iterable, Mapping

from .project import SPLITS
from .store_events import StoreEvent


class BulkEditsMixin:
    """Part of :class:`~.store.ProjectStore` (as :class:`~.store_classes.ClassesMixin`)."""

    _query: Callable[..., list[sqlite3.Row]]
    _execute: Callable[..., sqlite3.Cursor]
    _emit: Callable[[StoreEvent], None]
    transaction: Callable[[], contextlib.AbstractContextManager[None]]

    def set_split(self, image_id: int, split: str | None) -> None:
        """Put the image in split ``"train"``, ``"val"`` or ``"test"``, or in
        none (None: training and exports then split it by hash)."""
        self.set_splits([image_id], split)

    def set_splits(self, image_ids: Iterable[int], split: str | None) -> None:
        """:meth:`set_split` for several images, in one transaction."""
        if split is not None and split not in SPLITS:
            raise ValueError(f"split {split!r} is not one of {', '.join(SPLITS)} (or None)")
        ids = list(image_ids)
        now = time.time()
        with self.transaction():
            for image_id in ids:
                self._execute("UPDATE images SET split = ?, updated_at = ? WHERE id = ?", (split, now, image_id))
                self._emit(StoreEvent("image_changed", image_id))

    def set_groups(self, groups: Mapping[str, int | None]) -> dict[str, int | None]:
        """Give each shape (by id) its group (None: no group), in one
        transaction; returns the groups they had (for undo). KeyError, and
        nothing changed, when a shape is not there."""
        old: dict[str, int | None] = {}
        with self.transaction():
            for shape_id, group in groups.items():
                rows = self._query("SELECT image_id, group_id FROM shapes WHERE id = ?", (shape_id,))
                if not rows:
                    raise KeyError(f"no shape with id {shape_id}")
                old[shape_id] = rows[0]["group_id"]
                self._execute("UPDATE shapes SET group_id = ? WHERE id = ?",
                              (None if group is None else int(group), shape_id))
                self._emit(StoreEvent("shape_changed", int(rows[0]["image_id"]), shape_id))
        return old

    def next_group(self, image_id: int) -> int:
        """A group number no shape of the image has yet."""
        return int(self._query("SELECT COALESCE(MAX(group_id), 0) + 1 FROM shapes WHERE image_id = ?",
                               (image_id,))[0][0])

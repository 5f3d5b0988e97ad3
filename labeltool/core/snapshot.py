"""Read-only copies of a whole project at one moment: what training, export
and review read while labelling goes on (:meth:`ProjectStore.snapshot` and
:meth:`ProjectStore.snapshot_rows` are the way in)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .connection import connect_readonly, corrupt_error
from .folder_scan import natural_key
from .project import ImageItem, LabelClass
from .shapes import Shape
from .store_rows import SHAPE_ROW, ShapeRow, image_from_row, shape_from_row


@dataclass
class SnapshotImage:
    item: ImageItem
    path: Path  # absolute
    shapes: list[Shape]


@dataclass
class Snapshot:
    """A read-only copy of a project at one moment (what training reads
    while labelling goes on)."""

    root: Path
    classes: list[LabelClass]
    images: list[SnapshotImage]

    @property
    def class_names(self) -> list[str]:
        return [c.name for c in self.classes]


@dataclass
class RowSnapshot:
    """:class:`Snapshot` with each shape left as its raw row (``SHAPE_ROW``):
    a bulk export of 200,000 boxes need not build 200,000 Shape objects."""

    root: Path
    classes: list[LabelClass]
    images: list[ImageItem]  # natural order of paths
    shapes: dict[int, list[ShapeRow]]  # image id -> its rows in the image's order


def read_rows(db_path: Path, root: Path, include_predictions: bool = False) -> RowSnapshot:
    """The project in ``db_path`` with shapes as raw rows, read in one
    transaction on a connection of its own (so any thread may call it while
    the store's own connection edits)."""
    conn = connect_readonly(db_path)
    conn.row_factory = None  # plain tuples: built in C, several times faster than Row
    try:
        conn.execute("BEGIN")  # one read transaction: one consistent moment
        classes = [LabelClass(name=name, color=color, order=order, id=cid)
                   for cid, name, color, order in
                   conn.execute("SELECT id, name, color, ord FROM classes ORDER BY ord, id")]
        shapes: dict[int, list[ShapeRow]] = {}
        sql = f"SELECT {', '.join(SHAPE_ROW)} FROM shapes" + \
            ("" if include_predictions else " WHERE source = 'human'")
        for r in conn.execute(sql + " ORDER BY image_id, ord"):
            rows = shapes.get(r[0])
            if rows is None:
                rows = shapes[r[0]] = []
            rows.append(r)
        conn.row_factory = sqlite3.Row
        items = sorted((image_from_row(r) for r in conn.execute("SELECT * FROM images")),
                       key=lambda i: natural_key(i.path))
        conn.execute("COMMIT")
    except sqlite3.DatabaseError as e:
        raise corrupt_error(db_path, e) from None
    finally:
        conn.close()
    return RowSnapshot(root, classes, items, shapes)


def from_rows(raw: RowSnapshot) -> Snapshot:
    """``raw`` with every row built into its Shape."""
    names = {c.id: c.name for c in raw.classes}
    return Snapshot(raw.root, raw.classes,
                    [SnapshotImage(i, raw.root / i.path,
                                   [shape_from_row(r, names[r[2]]) for r in raw.shapes.get(i.id, ())])
                     for i in raw.images])

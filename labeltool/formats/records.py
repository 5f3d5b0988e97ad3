"""What a format reads and writes: plain records, no Qt.

Readers return a :class:`Dataset`; writers take a list of
:class:`ImageRecord`. ``labeltool.formats.project_io`` moves records in and
out of a project store; on export their shapes are :class:`StoredShapes`,
the store's raw rows (formats never query the store themselves).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, overload

from labeltool.core.shapes import Shape
from labeltool.core.store import ShapeRow, shape_from_row


class StoredShapes(Sequence[Shape]):
    """The shapes of one image as the project store holds them: raw rows,
    turned into Shape objects only when a writer asks for them.

    Every writer sees a sequence of Shapes; a writer with a fast path
    (COCO) reads :meth:`plain_boxes` instead, so that a 200,000-box export
    does not build 200,000 Shape objects only to read four numbers of each.
    Shapes are built afresh on each access and not kept: a writer going
    image by image (VOC) then holds one image's Shapes at a time.
    """

    __slots__ = ("rows", "labels")

    def __init__(self, rows: list[ShapeRow], labels: dict[int, str]):
        self.rows = rows
        self.labels = labels  # class id -> name

    def _shape(self, row: ShapeRow) -> Shape:
        return shape_from_row(row, self.labels[row[2]])

    def __len__(self) -> int:
        return len(self.rows)

    @overload
    def __getitem__(self, i: int) -> Shape: ...
    @overload
    def __getitem__(self, i: slice) -> list[Shape]: ...
    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [self._shape(r) for r in self.rows[i]]
        return self._shape(self.rows[i])

    def __iter__(self) -> Iterator[Shape]:
        return map(self._shape, self.rows)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    def plain_boxes(self) -> list[tuple[str, float, float, float, float] | None]:
        """Per row, ``(label, x1, y1, x2, y2)`` with the corners as
        :class:`~labeltool.core.shapes.Box` holds them (floats, ordered) when
        the row is a box with no flags and no attributes; None for any other."""
        rows, labels = self.rows, self.labels
        # kind, then difficult, truncated, attributes, occluded (SHAPE_ROW)
        plain = [r[3] == "box" and not (r[5] or r[6] or r[10] or r[11]) for r in rows]
        # One parse for all the image's boxes instead of one call per box.
        geometries = iter(json.loads("[" + ",".join([r[4] for r, p in zip(rows, plain) if p]) + "]"))
        out: list[tuple[str, float, float, float, float] | None] = []
        for r, p in zip(rows, plain):
            if not p:
                out.append(None)
                continue
            x1, y1, x2, y2 = next(geometries)["box"]
            x1, y1, x2, y2 = float(x1), float(y1), float(x2), float(y2)
            if x1 > x2:
                x1, x2 = x2, x1
            if y1 > y2:
                y1, y2 = y2, y1
            out.append((labels[r[2]], x1, y1, x2, y2))
        return out


@dataclass
class ImageRecord:
    """One image and its shapes.

    ``path`` is POSIX-style and relative to the dataset root (reading) or to
    the project root (writing); ``source`` is the absolute file to copy when
    writing (None when it is not on disk). ``split`` is ``"train"``,
    ``"val"`` or None (no split asked for).
    """

    path: str
    width: int | None = None
    height: int | None = None
    # A list when read from a file; StoredShapes when exported from a store.
    shapes: list[Shape] | StoredShapes = field(default_factory=list)
    source: Path | None = None
    split: str | None = None
    done: bool = False
    # Base64 image bytes a labelme file embedded (used when the image file
    # itself is missing).
    image_data: bytes | None = None


@dataclass
class Dataset:
    """What a reader found: records, class names in the file's order, and
    what it skipped with the reason (one line each)."""

    root: Path
    records: list[ImageRecord] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


@dataclass
class WriteResult:
    """What a writer wrote and what it could not write, and why."""

    images: int = 0
    shapes: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)

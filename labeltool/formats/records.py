"""What a format reads and writes: plain records, no Qt.

Readers return a :class:`Dataset`; writers take a list of
:class:`ImageRecord`. ``labeltool.formats.project_io`` moves records in and
out of a project store; on export their shapes are :class:`StoredShapes`,
the store's raw rows (formats never query the store themselves).
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, overload

from labeltool.core.shapes import FLAGS, Shape, TextRegion
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

    def _plain(self, kind: str) -> tuple[list[bool], Iterator[Any]]:
        """Which rows are of ``kind`` with no flags and no attributes, and
        their geometries parsed in one go (one parse for all the image's
        rows instead of one call per row)."""
        # kind, then difficult, truncated, attributes, occluded, group (SHAPE_ROW)
        plain = [r[3] == kind and not (r[5] or r[6] or r[10] or r[11]) and r[12] is None for r in self.rows]
        return plain, iter(json.loads("[" + ",".join([r[4] for r, p in zip(self.rows, plain) if p]) + "]"))

    def plain_boxes(self) -> list[tuple[str, float, float, float, float] | None]:
        """Per row, ``(label, x1, y1, x2, y2)`` with the corners as
        :class:`~labeltool.core.shapes.Box` holds them (floats, ordered) when
        the row is a box with no flags, no attributes and no group; None for any other."""
        plain, geometries = self._plain("box")
        out: list[tuple[str, float, float, float, float] | None] = []
        for r, p in zip(self.rows, plain):
            if not p:
                out.append(None)
                continue
            x1, y1, x2, y2 = next(geometries)["box"]
            x1, y1, x2, y2 = float(x1), float(y1), float(x2), float(y2)
            if x1 > x2:
                x1, x2 = x2, x1
            if y1 > y2:
                y1, y2 = y2, y1
            out.append((self.labels[r[2]], x1, y1, x2, y2))
        return out

    def plain_polygons(self) -> list[tuple[str, list[float]] | None]:
        """Per row, ``(label, [x1, y1, x2, y2, ...])`` (floats, as
        :class:`~labeltool.core.shapes.Polygon` holds them) when the row is a
        polygon with no flags, no attributes and no group; None for any other."""
        plain, geometries = self._plain("polygon")
        return [(self.labels[r[2]], [float(v) for pt in next(geometries)["points"] for v in pt]) if p else None
                for r, p in zip(self.rows, plain)]


@dataclass
class ImageRecord:
    """One image and its shapes.

    ``path`` is POSIX-style. Read from a dataset, it is the image's name in
    that dataset with the layout's own folders taken off (``JPEGImages/``,
    ``images/<split>/``, a Roboflow split folder, a class folder): the path
    the image gets when copied into a project, so that names do not grow on
    round trips. Written, it is the project path. ``source`` is the file on
    disk (None when it is not there); ``split`` is ``"train"``, ``"val"``,
    ``"test"`` or None.
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


class Losses:
    """What a reader or writer could not carry over, counted by kind
    ("keypoints", "line shapes", ...) for the summary, with one line of
    detail each in ``skipped``: nothing is dropped without a word."""

    skipped: list[str]
    lost: Counter[str]

    def lose(self, kind: str, detail: str, n: int = 1) -> None:
        self.lost[kind] += n
        self.skipped.append(detail)


@dataclass
class Dataset(Losses):
    """What a reader found: records, class names in the file's order, what
    it lost (by kind, and one line each), and in words the layout it read
    and what it looked for (for the summary, and for the message when it
    found nothing)."""

    root: Path
    records: list[ImageRecord] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)
    layout: str = ""
    looked_for: str = ""
    # The annotation files read (COCO JSONs, Label.txt files, ...), for
    # "COCO, 3 annotation files: ...".
    files: int = 0
    # The split names as the layout spells them ("valid"), by ours ("val").
    split_names: dict[str, str] = field(default_factory=dict)


@dataclass
class WriteResult(Losses):
    """What a writer wrote and what it could not write, and why."""

    images: int = 0
    shapes: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)


def settle_records(records: list[ImageRecord]) -> list[ImageRecord]:
    """One record per image, and one image per path.

    Records of one image file (a COCO image in ``instances_default`` and in
    ``instances_train``; an image in a Label.txt and a ``det_gt_train.txt``)
    become one, keeping each shape once and the split one of them names.
    Records of different files under the same path (ICDAR 2015 has an
    ``img_1.jpg`` in train and in test) are told apart by their split:
    ``train/img_1.jpg``, ``test/img_1.jpg``."""
    from labeltool.formats.geometry import shape_key

    by_path: dict[str, list[ImageRecord]] = {}
    for r in records:
        by_path.setdefault(r.path, []).append(r)
    out: list[ImageRecord] = []
    for path, group in by_path.items():
        if len(group) == 1:
            out.append(group[0])
            continue
        by_file: dict[object, ImageRecord] = {}
        for r in group:
            ident = r.source.resolve() if r.source is not None else (r.image_data or path)
            first = by_file.get(ident)
            if first is None:
                by_file[ident] = r
                continue
            seen = {shape_key(s) for s in first.shapes}
            first.shapes = list(first.shapes) + [s for s in r.shapes if shape_key(s) not in seen]
            first.split = first.split or r.split
            first.done = first.done or r.done
            first.width, first.height = first.width or r.width, first.height or r.height
        if len(by_file) > 1:
            for r in by_file.values():
                if r.split:
                    r.path = f"{r.split}/{r.path}"
        out.extend(by_file.values())
    return out


# Shape kinds as the summary counts them.
KIND_NAMES = {"box": "boxes", "polygon": "polygons", "mask": "masks", "text": "text regions", "tag": "image tags"}


def count_unheld(record: ImageRecord, result: WriteResult, fmt: str, *,
                 held: Callable[[Shape], bool] | None = None, flags: tuple[str, ...] = FLAGS, text: bool = False,
                 label: str | None = None, used: tuple[str, ...] = (), groups: bool = False) -> None:
    """Count, by kind, what format ``fmt`` does not hold of the record's
    shapes: shapes it does not hold (``held`` says which it does; all when
    None), the ``flags`` it has no place for, attributes (but those it
    ``used``), with ``text`` the transcriptions, classes other than
    ``label`` when it holds only that one, and unless it holds ``groups``
    (or joins them itself) the parts of objects drawn in several parts."""
    if not groups:
        from .groups import has_groups, multi_part

        if has_groups(record.shapes):
            for parts in multi_part(record.shapes)[0].values():
                result.lose("groups (as separate shapes)", f"{record.path}: a {parts[0].label!r} object of "
                                                           f"{len(parts)} parts written as {len(parts)} shapes; "
                                                           f"{fmt} has no parts of objects")
    for s in record.shapes:
        if held is not None and not held(s):
            result.lose(KIND_NAMES[s.kind], f"{record.path}: {s.kind} {s.label!r}; {fmt} holds no "
                                            f"{KIND_NAMES[s.kind]}")
            continue
        lost = [f for f in flags if getattr(s, f)]
        if lost:
            result.lose("flags", f"{record.path}: {s.label!r} is {', '.join(lost)}; {fmt} has no such flag")
        attrs = [k for k in s.attributes if k not in used]
        if attrs:
            result.lose("attributes", f"{record.path}: attributes of {s.label!r} ({', '.join(map(str, attrs))}); "
                                      f"{fmt} has no place for them")
        if text and isinstance(s, TextRegion):
            result.lose("transcriptions", f"{record.path}: text {s.transcription!r} written without its text")
        if label is not None and s.label != label:
            result.lose("classes of text regions", f"{record.path}: class {s.label!r} of a text region; "
                                                   f"{fmt} has none")

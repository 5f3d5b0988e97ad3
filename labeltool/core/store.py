"""The project store: one SQLite database per project folder.

``<folder>/.labeltool/project.sqlite``, in WAL mode with ``synchronous=FULL``
and foreign keys on. Every edit is one transaction committed at once: there
is no Save to forget, and a process killed at any moment loses at most the
edit in flight. Images stay where they are; paths are kept relative to the
folder so that a project folder can be moved or zipped whole.

One process at a time may write a project (an exclusive ``flock`` on
``.labeltool/lock``, released by the OS even when the process is killed);
any number may read it (``readonly=True``), e.g. ``labeltool stats`` while
the window is open, or a training process reading a snapshot.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Literal

from .connection import (
    STORE_DIR,
    STORE_FILE,
    acquire_lock,
    connect_readonly,
    connect_writable,
    corrupt_error,
    operational_error,
    release_lock,
)
from .errors import (
    NotAProjectError,
    StoreError,
    StoreNewerSchemaError,
    StoreReadOnlyError,
)
from .folder_scan import iter_image_paths, natural_key
from .images import read_size
from .project import ImageItem, ImageStatus, LabelClass, default_color
from .schema import SCHEMA_VERSION, migrate, schema_version
from .shapes import Shape, Source, shape_from_geometry

EventKind = Literal[
    "shape_added", "shape_changed", "shape_removed", "image_changed", "images_changed", "classes_changed"
]


@dataclass(frozen=True)
class StoreEvent:
    """What changed; listeners re-read what they show from the store."""

    kind: EventKind
    image_id: int | None = None
    shape_id: str | None = None


@dataclass
class ScanReport:
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


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


# The columns of a raw shape row of :meth:`ProjectStore.snapshot_rows`, in
# this order; :func:`shape_from_row` turns one into a Shape.
SHAPE_ROW = ("image_id", "id", "class_id", "kind", "geometry", "difficult", "truncated", "source", "model",
             "score", "attributes")
ShapeRow = tuple[Any, ...]


@dataclass
class RowSnapshot:
    """:class:`Snapshot` with each shape left as its raw row (``SHAPE_ROW``):
    a bulk export of 200,000 boxes need not build 200,000 Shape objects."""

    root: Path
    classes: list[LabelClass]
    images: list[ImageItem]  # natural order of paths
    shapes: dict[int, list[ShapeRow]]  # image id -> its rows in the image's order


def find_store(folder: os.PathLike | str) -> Path:
    return Path(folder) / STORE_DIR / STORE_FILE


def _now() -> float:
    return time.time()


class ProjectStore:
    """Open with :meth:`open`; use as a context manager or call :meth:`close`."""

    def __init__(self, root: Path, conn: sqlite3.Connection, readonly: bool, lock_fd: int | None):
        self.root = root
        self.path = find_store(root)
        self.readonly = readonly
        self._conn = conn
        self._lock_fd = lock_fd
        self._mutex = threading.RLock()
        self._listeners: list[Callable[[StoreEvent], None]] = []
        self._batch_depth = 0
        self._pending: list[StoreEvent] = []

    # ------------------------------------------------------------------ open
    @classmethod
    def open(
        cls,
        folder: os.PathLike | str,
        *,
        create: bool = True,
        readonly: bool = False,
        scan: bool = True,
    ) -> "ProjectStore":
        """Open (and with ``create`` make) the project of ``folder``.

        Raises a :class:`StoreError` subclass with a message for the user on
        every failure; never overwrites an existing file it cannot read.
        """
        root = Path(folder).expanduser().resolve()
        if not root.is_dir():
            raise NotAProjectError(f"{root} is not a folder")
        db_path = find_store(root)
        exists = db_path.exists()
        if readonly or (not create and not exists):
            if not exists:
                raise NotAProjectError(
                    f"{root} has no labeltool project yet; run `labeltool init {root}` first")
            store = cls(root, connect_readonly(db_path), True, None)
            store._check_schema(writable=False)
            return store

        try:
            db_path.parent.mkdir(exist_ok=True)
        except OSError as e:
            raise StoreReadOnlyError(
                f"cannot create the project store in {root}: {e.strerror or e}. The folder is read-only: "
                "copy it somewhere writable, or open it read-only") from None
        lock_fd = acquire_lock(db_path.parent)
        try:
            conn = connect_writable(db_path)
            store = cls(root, conn, False, lock_fd)
            store._check_schema(writable=True)
        except BaseException:
            release_lock(lock_fd)
            raise
        if scan:
            store.scan()
        return store

    def _check_schema(self, writable: bool) -> None:
        try:
            version = schema_version(self._conn)
            if version > SCHEMA_VERSION:
                raise StoreNewerSchemaError(
                    f"{self.path} was written by a newer labeltool (schema {version}, this one knows "
                    f"{SCHEMA_VERSION}); update labeltool to open it. The file was not changed.")
            if version < SCHEMA_VERSION:
                if not writable:
                    raise StoreError(f"{self.path} needs an upgrade; open it once writable")
                migrate(self._conn)
            # A cheap read of every table proves the file is a usable store.
            for table in ("images", "classes", "shapes", "meta"):
                self._conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchall()
        except sqlite3.OperationalError as e:
            self.close()
            raise operational_error(self.root, e) from None
        except sqlite3.DatabaseError as e:
            self.close()
            raise corrupt_error(self.path, e) from None
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        with self._mutex:
            if self._conn is not None:
                with contextlib.suppress(sqlite3.Error):
                    if not self.readonly:
                        self._conn.execute("PRAGMA optimize")
                    self._conn.close()
                self._conn = None  # type: ignore[assignment]
            if self._lock_fd is not None:
                release_lock(self._lock_fd)
                self._lock_fd = None

    def __enter__(self) -> "ProjectStore":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def closed(self) -> bool:
        return self._conn is None

    # ------------------------------------------------------------- plumbing
    def subscribe(self, listener: Callable[[StoreEvent], None]) -> Callable[[], None]:
        """Call ``listener`` after each committed change; returns an unsubscribe function."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _emit(self, event: StoreEvent) -> None:
        if self._batch_depth:
            self._pending.append(event)
            return
        for listener in list(self._listeners):
            listener(event)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Group several edits into one transaction (an import, a paste of
        many shapes). Nested calls join the outer transaction."""
        with self._mutex:
            if self.readonly:
                raise StoreReadOnlyError(f"{self.root} is open read-only")
            outer = self._batch_depth == 0
            if outer:
                self._execute("BEGIN IMMEDIATE")
            self._batch_depth += 1
            try:
                yield
            except BaseException:
                self._batch_depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                    self._pending.clear()
                raise
            self._batch_depth -= 1
            if outer:
                self._execute("COMMIT")
                pending, self._pending = self._pending, []
                for event in _coalesce(pending):
                    self._emit(event)

    def _execute(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, tuple(params))
        except sqlite3.OperationalError as e:
            raise operational_error(self.root, e) from None
        except sqlite3.DatabaseError as e:
            if isinstance(e, sqlite3.IntegrityError):
                raise
            raise corrupt_error(self.path, e) from None

    def _write(self, sql: str, params: Iterable[Any] = ()) -> sqlite3.Cursor:
        """One statement as its own transaction, unless inside :meth:`transaction`."""
        if self.readonly:
            raise StoreReadOnlyError(f"{self.root} is open read-only")
        with self.transaction():
            return self._execute(sql, params)

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._mutex:
            return self._execute(sql, params).fetchall()

    # --------------------------------------------------------------- images
    def scan(self) -> ScanReport:
        """Add images found on disk, mark vanished ones missing (their labels
        are kept), and un-mark those that came back."""
        on_disk = set(iter_image_paths(self.root))
        rows = self._query("SELECT path, missing FROM images")
        known = {r["path"]: bool(r["missing"]) for r in rows}
        report = ScanReport(
            added=sorted(on_disk - known.keys(), key=natural_key),
            missing=sorted(p for p, m in known.items() if not m and p not in on_disk),
            restored=sorted(p for p, m in known.items() if m and p in on_disk),
        )
        if report.added or report.missing or report.restored:
            now = _now()
            with self.transaction():
                self._conn.executemany(
                    "INSERT INTO images(path, added_at, updated_at) VALUES (?, ?, ?)",
                    [(p, now, now) for p in report.added])
                self._conn.executemany("UPDATE images SET missing = 1 WHERE path = ?",
                                       [(p,) for p in report.missing])
                self._conn.executemany("UPDATE images SET missing = 0 WHERE path = ?",
                                       [(p,) for p in report.restored])
                self._emit(StoreEvent("images_changed"))
        return report

    def relpath(self, path: os.PathLike | str) -> str:
        p = Path(path)
        if p.is_absolute():
            try:
                p = p.resolve().relative_to(self.root)
            except ValueError:
                raise StoreError(f"{path} is outside the project folder {self.root}") from None
        return p.as_posix()

    def abspath(self, item: ImageItem | str) -> Path:
        rel = item.path if isinstance(item, ImageItem) else item
        return self.root / rel

    def add_image(self, path: os.PathLike | str, width: int | None = None,
                  height: int | None = None) -> ImageItem:
        """Add an image (a path inside the folder); returns the existing one if known."""
        rel = self.relpath(path)
        existing = self.image_by_path(rel)
        if existing is not None:
            if width and height and (existing.width, existing.height) != (width, height):
                self.set_image_size(existing.id, width, height)
                existing.width, existing.height = width, height
            return existing
        now = _now()
        cur = self._write("INSERT INTO images(path, width, height, added_at, updated_at) VALUES (?,?,?,?,?)",
                          (rel, width, height, now, now))
        self._emit(StoreEvent("images_changed"))
        return ImageItem(id=cur.lastrowid, path=rel, width=width, height=height)

    def images(self, status: ImageStatus | None = None) -> list[ImageItem]:
        """All images in natural order of their paths (img2 before img10)."""
        if status is None:
            rows = self._query("SELECT * FROM images")
        else:
            rows = self._query("SELECT * FROM images WHERE status = ?", (ImageStatus(status).value,))
        items = [_image(r) for r in rows]
        items.sort(key=lambda i: natural_key(i.path))
        return items

    def image_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM images")[0][0])

    def image(self, image_id: int) -> ImageItem:
        rows = self._query("SELECT * FROM images WHERE id = ?", (image_id,))
        if not rows:
            raise KeyError(f"no image with id {image_id}")
        return _image(rows[0])

    def image_by_path(self, path: os.PathLike | str) -> ImageItem | None:
        rows = self._query("SELECT * FROM images WHERE path = ?", (self.relpath(path),))
        return _image(rows[0]) if rows else None

    def set_image_size(self, image_id: int, width: int, height: int) -> None:
        self._write("UPDATE images SET width = ?, height = ? WHERE id = ?", (int(width), int(height), image_id))

    def ensure_size(self, item: ImageItem) -> ImageItem:
        """Fill in the size of ``item`` from its file header if unknown.

        Raises :class:`ImageLoadError` when the file cannot be read.
        """
        if item.width and item.height:
            return item
        w, h = read_size(self.abspath(item))
        item.width, item.height = w, h
        if not self.readonly:
            self.set_image_size(item.id, w, h)
        return item

    def set_status(self, image_id: int, status: ImageStatus | str) -> None:
        self._write("UPDATE images SET status = ?, updated_at = ? WHERE id = ?",
                    (ImageStatus(status).value, _now(), image_id))
        self._emit(StoreEvent("image_changed", image_id))

    # -------------------------------------------------------------- classes
    def classes(self) -> list[LabelClass]:
        return [LabelClass(name=r["name"], color=r["color"], order=r["ord"], id=r["id"])
                for r in self._query("SELECT * FROM classes ORDER BY ord, id")]

    def class_names(self) -> list[str]:
        return [c.name for c in self.classes()]

    def add_class(self, name: str, color: str | None = None) -> LabelClass:
        """The class called ``name``, created (with a distinct colour) if new."""
        name = _clean_label(name)
        with self.transaction():
            rows = self._query("SELECT * FROM classes WHERE name = ?", (name,))
            if rows:
                r = rows[0]
                return LabelClass(name=r["name"], color=r["color"], order=r["ord"], id=r["id"])
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

    # --------------------------------------------------------------- shapes
    def shapes(self, image_id: int, source: Literal["human", "model"] | None = None) -> list[Shape]:
        sql = ("SELECT s.*, c.name AS label FROM shapes s JOIN classes c ON c.id = s.class_id "
               "WHERE s.image_id = ?")
        params: tuple[Any, ...] = (image_id,)
        if source is not None:
            sql += " AND s.source = ?"
            params += (source,)
        return [_shape(r) for r in self._query(sql + " ORDER BY s.ord, s.created_at", params)]

    def shape(self, shape_id: str) -> tuple[int, Shape]:
        """``(image_id, shape)`` of the shape with that id."""
        rows = self._query("SELECT s.*, c.name AS label FROM shapes s JOIN classes c ON c.id = s.class_id "
                           "WHERE s.id = ?", (shape_id,))
        if not rows:
            raise KeyError(f"no shape with id {shape_id}")
        return int(rows[0]["image_id"]), _shape(rows[0])

    def add_shape(self, image_id: int, shape: Shape, index: int | None = None) -> Shape:
        """Store ``shape`` on the image (one transaction). ``index`` puts it
        at that position among the image's shapes (used by undo)."""
        with self.transaction():
            cid = self.add_class(shape.label).id
            if index is None:
                order = int(self._query("SELECT COALESCE(MAX(ord) + 1, 0) FROM shapes WHERE image_id = ?",
                                        (image_id,))[0][0])
            else:
                self._execute("UPDATE shapes SET ord = ord + 1 WHERE image_id = ? AND ord >= ?", (image_id, index))
                order = index
            try:
                self._execute(
                    "INSERT INTO shapes(id, image_id, class_id, kind, geometry, difficult, truncated, source, "
                    "model, score, attributes, ord, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (shape.id, image_id, cid, shape.kind, json.dumps(shape.geometry()), int(shape.difficult),
                     int(shape.truncated), shape.source.kind, shape.source.model, shape.source.score,
                     json.dumps(shape.attributes, ensure_ascii=False) if shape.attributes else None,
                     order, _now()))
            except sqlite3.IntegrityError as e:
                raise StoreError(f"cannot add shape {shape.id} to image {image_id}: {e}") from None
            if not shape.source.is_model:
                self._execute("UPDATE images SET status = 'in_progress', updated_at = ? "
                              "WHERE id = ? AND status = 'new'", (_now(), image_id))
            self._emit(StoreEvent("shape_added", image_id, shape.id))
        return shape

    def add_shapes(self, image_id: int, shapes: Iterable[Shape]) -> list[Shape]:
        with self.transaction():
            return [self.add_shape(image_id, s) for s in shapes]

    def update_shape(self, shape: Shape) -> None:
        """Replace the stored shape with the same id (geometry, label, flags, source)."""
        with self.transaction():
            image_id, _ = self.shape(shape.id)
            cid = self.add_class(shape.label).id
            self._execute(
                "UPDATE shapes SET class_id = ?, kind = ?, geometry = ?, difficult = ?, truncated = ?, "
                "source = ?, model = ?, score = ?, attributes = ? WHERE id = ?",
                (cid, shape.kind, json.dumps(shape.geometry()), int(shape.difficult), int(shape.truncated),
                 shape.source.kind, shape.source.model, shape.source.score,
                 json.dumps(shape.attributes, ensure_ascii=False) if shape.attributes else None, shape.id))
            self._emit(StoreEvent("shape_changed", image_id, shape.id))

    def delete_shape(self, shape_id: str) -> tuple[int, int]:
        """Delete a shape; returns ``(image_id, index)`` it had (for undo)."""
        with self.transaction():
            rows = self._query("SELECT image_id, ord FROM shapes WHERE id = ?", (shape_id,))
            if not rows:
                raise KeyError(f"no shape with id {shape_id}")
            image_id, order = int(rows[0][0]), int(rows[0][1])
            self._execute("DELETE FROM shapes WHERE id = ?", (shape_id,))
            self._emit(StoreEvent("shape_removed", image_id, shape_id))
        return image_id, order

    def delete_shapes(self, image_id: int, source: Literal["human", "model"] | None = None) -> int:
        with self.transaction():
            if source is None:
                n = self._execute("DELETE FROM shapes WHERE image_id = ?", (image_id,)).rowcount
            else:
                n = self._execute("DELETE FROM shapes WHERE image_id = ? AND source = ?",
                                  (image_id, source)).rowcount
            self._emit(StoreEvent("image_changed", image_id))
        return n

    def replace_predictions(self, image_id: int, shapes: Iterable[Shape], model: str | None = None) -> list[Shape]:
        """Put ``shapes`` (model-made) in place of the image's predictions, in
        one transaction: the window's pre-labelling and ``labeltool predict
        --into-project`` both come here.

        ``model=None`` drops every prediction the image had: review shows one
        model's proposals at a time, and an older run's would mix in
        unnoticed. With ``model`` only that model's predictions go, so an
        assistant (OCR, click-to-segment) and a trained run can each keep
        theirs. A person's labels always stay."""
        with self.transaction():
            if model is None:
                self._execute("DELETE FROM shapes WHERE image_id = ? AND source = 'model'", (image_id,))
            else:
                self._execute("DELETE FROM shapes WHERE image_id = ? AND source = 'model' AND model = ?",
                              (image_id, model))
            added = [self.add_shape(image_id, s) for s in shapes]
            self._emit(StoreEvent("image_changed", image_id))
        return added

    # -------------------------------------------------------------- reading
    def image_ids_with_shapes(self, label: str | None = None,
                              source: Literal["human", "model"] | None = None) -> set[int]:
        """Ids of the images that have a shape (of class ``label``, from
        ``source``): one query, for the GUI's image-list filters."""
        sql = "SELECT DISTINCT s.image_id FROM shapes s JOIN classes c ON c.id = s.class_id WHERE 1"
        params: tuple[Any, ...] = ()
        if label is not None:
            sql, params = sql + " AND c.name = ?", params + (label,)
        if source is not None:
            sql, params = sql + " AND s.source = ?", params + (source,)
        return {int(r[0]) for r in self._query(sql, params)}

    def stats(self) -> dict[str, Any]:
        """Counts for ``labeltool stats``: human labels only; predictions apart."""
        q = self._query
        by_status = {s.value: 0 for s in ImageStatus}
        for r in q("SELECT status, COUNT(*) FROM images GROUP BY status"):
            by_status[r[0]] = r[1]
        by_kind = {k: 0 for k in ("box", "polygon", "mask", "text", "tag")}
        for r in q("SELECT kind, COUNT(*) FROM shapes WHERE source = 'human' GROUP BY kind"):
            by_kind[r[0]] = r[1]
        by_class = {c.name: 0 for c in self.classes()}
        for r in q("SELECT c.name, COUNT(*) FROM shapes s JOIN classes c ON c.id = s.class_id "
                   "WHERE s.source = 'human' GROUP BY c.name"):
            by_class[r[0]] = r[1]
        return {
            "project": str(self.root),
            "images": int(q("SELECT COUNT(*) FROM images")[0][0]),
            "labelled_images": int(q("SELECT COUNT(DISTINCT image_id) FROM shapes WHERE source = 'human'")[0][0]),
            "missing_images": int(q("SELECT COUNT(*) FROM images WHERE missing = 1")[0][0]),
            "images_by_status": by_status,
            "shapes": int(q("SELECT COUNT(*) FROM shapes WHERE source = 'human'")[0][0]),
            "shapes_by_kind": by_kind,
            "shapes_by_class": by_class,
            "predictions": int(q("SELECT COUNT(*) FROM shapes WHERE source = 'model'")[0][0]),
        }

    def snapshot(self, include_predictions: bool = False) -> Snapshot:
        """A consistent copy of the whole project, read on a connection of its
        own so that any thread may call it while edits go on."""
        raw = self.snapshot_rows(include_predictions)
        names = {c.id: c.name for c in raw.classes}
        return Snapshot(self.root, raw.classes,
                        [SnapshotImage(i, self.root / i.path,
                                       [shape_from_row(r, names[r[2]]) for r in raw.shapes.get(i.id, ())])
                         for i in raw.images])

    def snapshot_rows(self, include_predictions: bool = False) -> RowSnapshot:
        """:meth:`snapshot` with shapes as raw rows (one consistent read)."""
        conn = connect_readonly(self.path)
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
            items = sorted((_image(r) for r in conn.execute("SELECT * FROM images")),
                           key=lambda i: natural_key(i.path))
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            raise corrupt_error(self.path, e) from None
        finally:
            conn.close()
        return RowSnapshot(self.root, classes, items, shapes)

    # ----------------------------------------------------------------- meta
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A project setting kept in the store (e.g. ``active_run``)."""
        rows = self._query("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else default

    def set_meta(self, key: str, value: str | None) -> None:
        """Set (or with ``None`` remove) a project setting; one transaction."""
        if value is None:
            self._write("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self._write("INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = "
                        "excluded.value", (key, str(value)))

    def integrity_check(self) -> str:
        return str(self._query("PRAGMA integrity_check")[0][0])


# ---------------------------------------------------------------- helpers
def _clean_label(name: str) -> str:
    name = str(name).strip()
    if not name:
        raise ValueError("a label name cannot be empty")
    return name


def _image(r: sqlite3.Row) -> ImageItem:
    return ImageItem(id=r["id"], path=r["path"], width=r["width"], height=r["height"],
                     status=ImageStatus(r["status"]), missing=bool(r["missing"]))


def _shape(r: sqlite3.Row, label: str | None = None) -> Shape:
    return shape_from_row(tuple(r[c] for c in SHAPE_ROW), label if label is not None else r["label"])


def shape_from_row(row: ShapeRow, label: str) -> Shape:
    """The Shape of a raw row (``SHAPE_ROW`` columns) whose class is ``label``."""
    _, sid, _, kind, geometry, difficult, truncated, source, model, score, attributes = row
    src = Source(source, model, score) if source == "model" else Source()
    return shape_from_geometry(
        kind, json.loads(geometry), id=sid, label=label, difficult=bool(difficult), truncated=bool(truncated),
        source=src, attributes=json.loads(attributes) if attributes else {})


def _coalesce(events: list[StoreEvent]) -> list[StoreEvent]:
    """Many events of one transaction, each once, in order (an import of
    10,000 shapes should not repaint 10,000 times)."""
    if len(events) > 64:
        images = {e.image_id for e in events if e.image_id is not None}
        out = [StoreEvent("images_changed")] if len(images) > 1 else [StoreEvent("image_changed", images.pop())] \
            if images else []
        if any(e.kind == "classes_changed" for e in events):
            out.append(StoreEvent("classes_changed"))
        return out
    seen: list[StoreEvent] = []
    for e in events:
        if e not in seen:
            seen.append(e)
    return seen



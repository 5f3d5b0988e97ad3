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
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Literal

from .connection import (STORE_DIR, STORE_FILE, acquire_lock, connect_readonly, connect_writable, corrupt_error,
                         operational_error, release_lock)
from .errors import NotAProjectError, StoreError, StoreNewerSchemaError, StoreReadOnlyError
from .folder_scan import iter_image_paths, natural_key
from .groups import renumber
from .images import read_size
from .project import ImageItem, ImageStatus
from .schema import SCHEMA_VERSION, migrate, schema_version
from .shapes import Shape
from .snapshot import RowSnapshot, Snapshot, SnapshotImage, from_rows, read_rows
from .store_classes import ClassesMixin
from .store_edits import BulkEditsMixin
from .store_events import StoreEvent, coalesce
from .store_rows import (SHAPE_COLUMNS, ShapeRow, image_from_row, shape_columns, shape_from_labelled_row,
                         shape_from_row)
from .store_stats import project_stats

# Callers import these from here, the store's one front door.
__all__ = [
    "STORE_DIR", "ProjectStore", "RowSnapshot", "ScanReport", "ShapeRow", "Snapshot", "SnapshotImage",
    "StoreEvent", "find_store", "iter_image_paths", "shape_from_row",
]


@dataclass
class ScanReport:
    added: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)


def find_store(folder: os.PathLike | str) -> Path:
    return Path(folder) / STORE_DIR / STORE_FILE


def _now() -> float:
    return time.time()


class ProjectStore(ClassesMixin, BulkEditsMixin):
    """Open with :meth:`open`; use as a context manager or call :meth:`close`.

    The class operations live in :class:`~.store_classes.ClassesMixin`;
    splits and groups (set for many rows at once) in
    :class:`~.store_edits.BulkEditsMixin`."""

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
        """Open (and with ``create`` make) the project of ``folder``. Raises a
        :class:`StoreError` subclass with a message for the user on every
        failure; never overwrites an existing file it cannot read."""
        root = Path(folder).expanduser().resolve()
        if not root.is_dir():
            raise NotAProjectError(f"{root} is not a folder")
        db_path = find_store(root)
        exists = db_path.exists()
        if readonly or (not create and not exists):
            if not exists:
                raise NotAProjectError(
                    f"{root} has no labeltool project yet; run `labeltool init {root}` first")
            conn = connect_readonly(db_path)
            if schema_version(conn) < SCHEMA_VERSION:
                # A store of an older labeltool: upgrade it once (added columns,
                # under the write lock) rather than refuse `stats` and `export`.
                conn.close()
                try:
                    cls.open(root, scan=False).close()
                except StoreError as e:
                    raise StoreError(f"{db_path} was written by an older labeltool and needs a one-time "
                                     f"upgrade, which failed: {e}") from None
                conn = connect_readonly(db_path)
            store = cls(root, conn, True, None)
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
                for event in coalesce(pending):
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
        items = [image_from_row(r) for r in rows]
        items.sort(key=lambda i: natural_key(i.path))
        return items

    def image_count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM images")[0][0])

    def image(self, image_id: int) -> ImageItem:
        rows = self._query("SELECT * FROM images WHERE id = ?", (image_id,))
        if not rows:
            raise KeyError(f"no image with id {image_id}")
        return image_from_row(rows[0])

    def image_by_path(self, path: os.PathLike | str) -> ImageItem | None:
        rows = self._query("SELECT * FROM images WHERE path = ?", (self.relpath(path),))
        return image_from_row(rows[0]) if rows else None

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

    # --------------------------------------------------------------- shapes
    def shapes(self, image_id: int, source: Literal["human", "model"] | None = None) -> list[Shape]:
        sql = ("SELECT s.*, c.name AS label FROM shapes s JOIN classes c ON c.id = s.class_id "
               "WHERE s.image_id = ?")
        params: tuple[Any, ...] = (image_id,)
        if source is not None:
            sql += " AND s.source = ?"
            params += (source,)
        return [shape_from_labelled_row(r) for r in self._query(sql + " ORDER BY s.ord, s.created_at", params)]

    def shape(self, shape_id: str) -> tuple[int, Shape]:
        """``(image_id, shape)`` of the shape with that id."""
        rows = self._query("SELECT s.*, c.name AS label FROM shapes s JOIN classes c ON c.id = s.class_id "
                           "WHERE s.id = ?", (shape_id,))
        if not rows:
            raise KeyError(f"no shape with id {shape_id}")
        return int(rows[0]["image_id"]), shape_from_labelled_row(rows[0])

    def add_shape(self, image_id: int, shape: Shape, index: int | None = None) -> Shape:
        """Store ``shape`` on the image (one transaction). ``index`` puts it
        at that position among the image's shapes (used by undo)."""
        if index is None:
            return self.add_shapes(image_id, [shape])[0]
        with self.transaction():
            cid = self.add_class(shape.label).id
            self._execute("UPDATE shapes SET ord = ord + 1 WHERE image_id = ? AND ord >= ?", (image_id, index))
            self._insert_shapes(image_id, [(shape, cid, index)])
        return shape

    def add_shapes(self, image_id: int, shapes: Iterable[Shape]) -> list[Shape]:
        """Store ``shapes`` after the image's others, in one transaction and
        one INSERT (an import adds 20,000 shapes this way)."""
        shapes = list(shapes)
        with self.transaction():
            order = int(self._query("SELECT COALESCE(MAX(ord) + 1, 0) FROM shapes WHERE image_id = ?",
                                    (image_id,))[0][0])
            ids: dict[str, int] = {}
            for s in shapes:
                if s.label not in ids:
                    ids[s.label] = self.add_class(s.label).id
            self._insert_shapes(image_id, [(s, ids[s.label], order + k) for k, s in enumerate(shapes)])
        return shapes

    _INSERT_SHAPE = (f"INSERT INTO shapes(id, image_id, class_id, {', '.join(SHAPE_COLUMNS)}, ord, created_at) "
                     f"VALUES (?, ?, ?{', ?' * len(SHAPE_COLUMNS)}, ?, ?)")

    def _insert_shapes(self, image_id: int, rows: list[tuple[Shape, int, int]]) -> None:
        """Insert ``(shape, class id, order)``; a person's shape moves a new image to in progress."""
        now = _now()
        try:
            self._conn.executemany(self._INSERT_SHAPE, [(s.id, image_id, cid, *shape_columns(s), order, now)
                                                        for s, cid, order in rows])
        except sqlite3.IntegrityError as e:
            raise StoreError(f"cannot add shapes to image {image_id}: {e}") from None
        except sqlite3.OperationalError as e:
            raise operational_error(self.root, e) from None
        if any(not s.source.is_model for s, _, _ in rows):
            self._execute("UPDATE images SET status = 'in_progress', updated_at = ? "
                          "WHERE id = ? AND status = 'new'", (now, image_id))
        for s, _, _ in rows:
            self._emit(StoreEvent("shape_added", image_id, s.id))

    def update_shape(self, shape: Shape) -> None:
        """Replace the stored shape with the same id (geometry, label, flags, source)."""
        with self.transaction():
            image_id, _ = self.shape(shape.id)
            cid = self.add_class(shape.label).id
            self._execute(f"UPDATE shapes SET class_id = ?, {', '.join(c + ' = ?' for c in SHAPE_COLUMNS)} "
                          "WHERE id = ?", (cid, *shape_columns(shape), shape.id))
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

    def replace_predictions(self, image_id: int, shapes: Iterable[Shape], model: str | None = None,
                            keep: Collection[str] = ()) -> list[Shape]:
        """Put ``shapes`` (model-made) in place of the image's predictions, in
        one transaction: the window's pre-labelling and ``labeltool predict
        --into-project`` both come here.

        ``model=None`` drops every prediction the image had but those of the
        models in ``keep``: review shows one model's proposals at a time, and
        an older run's would mix in unnoticed, while an assistant's (OCR,
        click-to-segment) are work of their own to review. With ``model``
        only that model's predictions go. A person's labels always stay."""
        with self.transaction():
            if model is not None:
                self._execute("DELETE FROM shapes WHERE image_id = ? AND source = 'model' AND model = ?",
                              (image_id, model))
            else:
                kept = sorted(keep)
                self._execute("DELETE FROM shapes WHERE image_id = ? AND source = 'model' AND "
                              f"COALESCE(model, '') NOT IN ({', '.join('?' * len(kept))})", (image_id, *kept))
            # A prediction in several parts (an instance traced as pieces) is a group: numbered past the
            # image's own groups, so that accepting it does not join it to a person's object.
            taken = [int(r[0]) for r in self._query(
                "SELECT DISTINCT group_id FROM shapes WHERE image_id = ? AND group_id IS NOT NULL", (image_id,))]
            added = [self.add_shape(image_id, s) for s in renumber(list(shapes), taken)]
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
        return project_stats(self._query, self.root, self.class_names())

    def snapshot(self, include_predictions: bool = False) -> Snapshot:
        """A consistent copy of the whole project, read on a connection of its
        own so that any thread may call it while edits go on."""
        return from_rows(self.snapshot_rows(include_predictions))

    def snapshot_rows(self, include_predictions: bool = False) -> RowSnapshot:
        """:meth:`snapshot` with shapes as raw rows (one consistent read)."""
        return read_rows(self.path, self.root, include_predictions)

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

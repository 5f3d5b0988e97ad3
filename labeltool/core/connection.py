"""Opening the SQLite file of a project store, the single-writer lock, and
turning SQLite's errors into :class:`StoreError` messages a person can act on."""
from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from .errors import StoreCorruptError, StoreError, StoreLockedError, StoreReadOnlyError

try:  # POSIX; on Windows the lock is skipped (SQLite still serialises writes).
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

STORE_DIR = ".labeltool"
STORE_FILE = "project.sqlite"


def configure(conn: sqlite3.Connection) -> None:
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")


def connect_writable(path: Path) -> sqlite3.Connection:
    try:
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per edit.
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        configure(conn)
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreReadOnlyError(f"cannot switch {path} to WAL mode (is the folder read-only?)")
        conn.execute("PRAGMA synchronous = FULL")
        return conn
    except sqlite3.OperationalError as e:
        raise operational_error(path.parent.parent, e) from None
    except sqlite3.DatabaseError as e:
        raise corrupt_error(path, e) from None


def connect_readonly(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None, check_same_thread=False)
        configure(conn)
        try:
            conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            # A WAL store in a read-only folder: SQLite cannot create the
            # shared-memory file a WAL reader needs. Nobody can write there
            # either, so reading the file as immutable is safe.
            conn.close()
            conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None,
                                   check_same_thread=False)
            configure(conn)
        return conn
    except sqlite3.OperationalError as e:
        raise operational_error(path.parent.parent, e) from None
    except sqlite3.DatabaseError as e:
        raise corrupt_error(path, e) from None


def corrupt_error(path: Path, e: Exception) -> StoreCorruptError:
    return StoreCorruptError(
        f"{path} is damaged or not a labeltool store ({e}). It was left as it is: keep a copy, and move it "
        "away to start a fresh project, or restore it from a backup.")


def operational_error(root: Path, e: sqlite3.OperationalError) -> StoreError:
    text = str(e)
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StoreReadOnlyError(
            f"cannot write the project store in {root}: the folder or file is read-only ({text}). "
            "Copy the folder somewhere writable, or open it read-only.")
    if "locked" in text or "busy" in text:
        return StoreLockedError(f"the project store in {root} is busy in another process ({text}); try again")
    if "malformed" in text or "not a database" in text or "no such table" in text or "no such column" in text:
        return corrupt_error(root / STORE_DIR / STORE_FILE, e)
    return StoreError(f"project store error in {root}: {text}")


def acquire_lock(store_dir: Path) -> int | None:
    if fcntl is None:  # pragma: no cover
        return None
    lock_path = store_dir / "lock"
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise StoreReadOnlyError(
            f"cannot write in {store_dir.parent} ({e.strerror or e}); the folder is read-only: copy it "
            "somewhere writable, or open it read-only") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        try:
            other = os.read(fd, 64).decode("ascii", "replace").strip() or "?"
        finally:
            os.close(fd)
        raise StoreLockedError(
            f"{store_dir.parent} is already open in another labeltool (process {other}). Close it there "
            "first, or open this project read-only.") from None
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())
    return fd


def release_lock(fd: int | None) -> None:
    if fd is None:
        return
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

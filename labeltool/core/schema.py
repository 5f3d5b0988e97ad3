"""The SQLite schema of a project store and its migrations.

``PRAGMA user_version`` holds the schema version. Each migration moves the
schema one version up inside one transaction; a store written by a newer
labeltool (a higher version than we know) is refused, never touched.
"""
from __future__ import annotations

import sqlite3

SCHEMA_VERSION = 3

_V1 = """
CREATE TABLE meta(
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE images(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    width INTEGER,
    height INTEGER,
    status TEXT NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'in_progress', 'done', 'skipped')),
    missing INTEGER NOT NULL DEFAULT 0,
    added_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE classes(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    color TEXT NOT NULL,
    ord INTEGER NOT NULL
);
CREATE TABLE shapes(
    id TEXT PRIMARY KEY,
    image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
    class_id INTEGER NOT NULL REFERENCES classes(id),
    kind TEXT NOT NULL CHECK (kind IN ('box', 'polygon', 'mask', 'text', 'tag')),
    geometry TEXT NOT NULL,
    difficult INTEGER NOT NULL DEFAULT 0,
    truncated INTEGER NOT NULL DEFAULT 0,
    source TEXT NOT NULL DEFAULT 'human' CHECK (source IN ('human', 'model')),
    model TEXT,
    score REAL,
    attributes TEXT,
    ord INTEGER NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX shapes_by_image ON shapes(image_id, ord);
CREATE INDEX shapes_by_class ON shapes(class_id);
"""


# Version 2: the split an image belongs to (a dataset's train / val / test
# layout, kept so that training and exports use it), and the third shape
# flag beside difficult and truncated. Added columns, so a version-1 store
# keeps every row; NULL split = not assigned.
_V2 = """
ALTER TABLE images ADD COLUMN split TEXT CHECK (split IS NULL OR split IN ('train', 'val', 'test'));
ALTER TABLE shapes ADD COLUMN occluded INTEGER NOT NULL DEFAULT 0;
"""


# Version 3: the object a shape is a part of (``Shape.group``; labelme's
# group_id, a COCO annotation's polygons, a VOC instance). NULL = a whole
# object on its own, which is what every older row is.
_V3 = """
ALTER TABLE shapes ADD COLUMN group_id INTEGER;
"""


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


# MIGRATIONS[v] are the statements that turn a version-v schema into v+1.
MIGRATIONS: dict[int, list[str]] = {
    0: _statements(_V1),
    1: _statements(_V2),
    2: _statements(_V3),
}


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> None:
    """Bring ``conn``'s schema up to ``target``, one transaction per step."""
    version = schema_version(conn)
    while version < target:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Not executescript: it would COMMIT first and split the step.
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version += 1

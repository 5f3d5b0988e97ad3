"""Rows of the store's tables <-> the records of :mod:`.project` and
:mod:`.shapes`: the one place that knows how a shape is laid out in SQLite
(geometry and attributes as JSON, the source split over three columns)."""
from __future__ import annotations

import json
import sqlite3
from typing import Any

from .project import ImageItem, ImageStatus, LabelClass
from .shapes import Shape, Source, shape_from_geometry

# The columns of a raw shape row (what ``ProjectStore.snapshot_rows`` keeps),
# in this order; :func:`shape_from_row` turns one into a Shape.
SHAPE_ROW = ("image_id", "id", "class_id", "kind", "geometry", "difficult", "truncated", "source", "model",
             "score", "attributes", "occluded", "group_id")
ShapeRow = tuple[Any, ...]


def shape_from_row(row: ShapeRow, label: str) -> Shape:
    """The Shape of a raw row (``SHAPE_ROW`` columns) whose class is ``label``."""
    _, sid, _, kind, geometry, difficult, truncated, source, model, score, attributes, occluded, group = row
    # A person's shape keeps the model and score it had when it was an accepted prediction.
    src = Source(source, model, score) if source in ("model", "human") else Source()
    return shape_from_geometry(
        kind, json.loads(geometry), id=sid, label=label, difficult=bool(difficult), truncated=bool(truncated),
        occluded=bool(occluded), group=group, source=src, attributes=json.loads(attributes) if attributes else {})


def shape_from_labelled_row(r: sqlite3.Row) -> Shape:
    """The Shape of a ``shapes`` row joined with its class name as ``label``."""
    return shape_from_row(tuple(r[c] for c in SHAPE_ROW), r["label"])


def shape_columns(shape: Shape) -> tuple[Any, ...]:
    """``(kind, geometry, difficult, truncated, source, model, score,
    attributes, occluded, group)`` of ``shape`` as stored (:data:`SHAPE_COLUMNS`):
    what an insert and an update write."""
    return (shape.kind, json.dumps(shape.geometry()), int(shape.difficult), int(shape.truncated),
            shape.source.kind, shape.source.model, shape.source.score,
            json.dumps(shape.attributes, ensure_ascii=False) if shape.attributes else None, int(shape.occluded),
            shape.group)


# The columns :func:`shape_columns` fills, in its order.
SHAPE_COLUMNS = ("kind", "geometry", "difficult", "truncated", "source", "model", "score", "attributes", "occluded",
                 "group_id")


def image_from_row(r: sqlite3.Row) -> ImageItem:
    return ImageItem(id=r["id"], path=r["path"], width=r["width"], height=r["height"],
                     status=ImageStatus(r["status"]), missing=bool(r["missing"]), split=r["split"])


def class_from_row(r: sqlite3.Row) -> LabelClass:
    return LabelClass(name=r["name"], color=r["color"], order=r["ord"], id=r["id"])

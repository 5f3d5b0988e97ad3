"""The counts ``labeltool stats`` prints, read from a project store."""
from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable

from .project import ImageStatus

Query = Callable[[str], list[sqlite3.Row]]


def project_stats(q: Query, root: Path, class_names: list[str]) -> dict[str, Any]:
    """Counts of images and shapes through the store's query ``q``: human
    labels only; predictions apart. Every class of ``class_names`` is
    listed, with 0 when it has no shape."""
    by_status = {s.value: 0 for s in ImageStatus}
    for r in q("SELECT status, COUNT(*) FROM images GROUP BY status"):
        by_status[r[0]] = r[1]
    by_kind = {k: 0 for k in ("box", "polygon", "mask", "text", "tag")}
    for r in q("SELECT kind, COUNT(*) FROM shapes WHERE source = 'human' GROUP BY kind"):
        by_kind[r[0]] = r[1]
    by_class = {name: 0 for name in class_names}
    for r in q("SELECT c.name, COUNT(*) FROM shapes s JOIN classes c ON c.id = s.class_id "
               "WHERE s.source = 'human' GROUP BY c.name"):
        by_class[r[0]] = r[1]
    return {
        "project": str(root),
        "images": int(q("SELECT COUNT(*) FROM images")[0][0]),
        "labelled_images": int(q("SELECT COUNT(DISTINCT image_id) FROM shapes WHERE source = 'human'")[0][0]),
        "missing_images": int(q("SELECT COUNT(*) FROM images WHERE missing = 1")[0][0]),
        "images_by_status": by_status,
        "shapes": int(q("SELECT COUNT(*) FROM shapes WHERE source = 'human'")[0][0]),
        "shapes_by_kind": by_kind,
        "shapes_by_class": by_class,
        "predictions": int(q("SELECT COUNT(*) FROM shapes WHERE source = 'model'")[0][0]),
    }

"""Settings a project keeps in its store's meta (Read text's, the AI
mask's, the Train dialog's, the Review dock's): JSON that another version
may have written, and file paths kept relative to the project so that a
moved or copied project still finds them."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def json_object(text: str | None) -> dict[str, Any]:
    """The JSON object ``text`` holds; {} when there is none or it is not
    one (unreadable, or written by another version): a setting never stops
    the work it sets up."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def resolved_path(path: str, root: Path | None) -> Path | None:
    """A kept path as a file: relative ones under the project ``root``."""
    if not path:
        return None
    p = Path(path).expanduser()
    return p if p.is_absolute() or root is None else root / p


def relative_path(path: str, root: Path | None) -> str:
    """``path`` as kept: relative to the project ``root`` when inside it."""
    if not path or root is None:
        return path
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:  # outside the project: kept as chosen
        return path

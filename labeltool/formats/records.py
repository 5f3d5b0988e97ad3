"""What a format reads and writes: plain records, no store, no Qt.

Readers return a :class:`Dataset`; writers take a list of
:class:`ImageRecord`. ``labeltool.formats.project_io`` moves records in and
out of a project store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labeltool.core.shapes import Shape


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
    shapes: list[Shape] = field(default_factory=list)
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

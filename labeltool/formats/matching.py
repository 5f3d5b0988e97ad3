"""Where an imported record's image is in the project: found, not copied,
whenever the project already has it.

An annotation's image is, in this order, the project's own file when the
dataset lies inside the project; the project image at the record's path
(its name in the dataset, layout folders taken off) when it holds the same
bytes, or when the dataset came without its images; a project image of the
same file name, byte size and content hash (the same photo in another
folder); and only then a copy. So ``labeltool init photos/`` followed by an
import of labels made elsewhere for the same photos links them, and a
dataset imported twice, by two paths, adds nothing the second time.
"""
from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from labeltool.core.project import ImageItem
from labeltool.core.store import ProjectStore

from .layout import clean_relpath, relative_to
from .records import ImageRecord

How = Literal["in place", "matched", "copied"]


@dataclass
class Placement:
    rel: str  # the image's path in the project
    how: How


class ImageMatcher:
    """Places the records of one import; knows the project's images by path
    and by file name, and the content hash of each file it has compared."""

    def __init__(self, store: ProjectStore, copy_root: Path):
        self.root = store.root
        self.copy_root = copy_root
        self.by_path: dict[str, ImageItem | None] = {i.path: i for i in store.images()}
        self._by_name: dict[str, list[str]] | None = None
        self._digests: dict[Path, str] = {}

    def place(self, record: ImageRecord) -> Placement | None:
        """The record's image in the project, copied in when it is not
        there; None when its file is nowhere (nothing to copy, no match)."""
        source = record.source if record.source is not None and record.source.is_file() else None
        if source is not None:
            inside = relative_to(source.resolve(), self.root)
            if inside is not None:
                return Placement(inside, "in place")
        data = record.image_data if source is None else None
        rel = clean_relpath(record.path)
        if rel in self.by_path and (source is None and data is None or self._same(rel, source, data)):
            return Placement(rel, "matched")
        found = self._by_file_name(rel, source, data, record)
        if found is not None:
            return Placement(found, "matched")
        if source is None and data is None:
            return None
        dest = self._free_dest(self.copy_root / rel, source, data)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            if source is not None:
                shutil.copy2(source, dest)
            else:
                dest.write_bytes(data or b"")
            placed = Placement(dest.relative_to(self.root).as_posix(), "copied")
        else:  # an earlier copy of the same bytes (a re-import of a dataset copied before)
            placed = Placement(dest.relative_to(self.root).as_posix(), "matched")
        self.known(placed.rel)
        return placed

    def known(self, rel: str) -> None:
        """Count ``rel`` among the project's images (added by this import)."""
        if rel not in self.by_path:
            self.by_path[rel] = None
            if self._by_name is not None:
                self._by_name.setdefault(rel.rsplit("/", 1)[-1], []).append(rel)

    # ----------------------------------------------------------- comparing
    def _by_file_name(self, rel: str, source: Path | None, data: bytes | None, record: ImageRecord) -> str | None:
        if self._by_name is None:
            self._by_name = {}
            for path in self.by_path:
                self._by_name.setdefault(path.rsplit("/", 1)[-1], []).append(path)
        candidates = [p for p in self._by_name.get(rel.rsplit("/", 1)[-1], []) if p != rel]
        if source is None and data is None:
            # Labels without their image: a file name the project holds once,
            # of the size the labels give if they give one.
            sized = [p for p in candidates if self._size_fits(p, record)]
            return sized[0] if len(sized) == 1 else None
        return next((p for p in candidates if self._same(p, source, data)), None)

    def _size_fits(self, rel: str, record: ImageRecord) -> bool:
        item = self.by_path.get(rel)
        if item is None or not (record.width and item.width):
            return True
        return (item.width, item.height) == (record.width, record.height)

    def _same(self, rel: str, source: Path | None, data: bytes | None) -> bool:
        """Whether the project file ``rel`` holds the bytes of ``source`` (or ``data``)."""
        target = self.root / rel
        try:
            size = target.stat().st_size
            if size != (source.stat().st_size if source is not None else len(data or b"")):
                return False
        except OSError:
            return False
        theirs = self._digest(source) if source is not None else hashlib.sha1(data or b"").hexdigest()
        return self._digest(target) == theirs

    def _digest(self, path: Path) -> str:
        digest = self._digests.get(path)
        if digest is None:
            h = hashlib.sha1()
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            digest = self._digests[path] = h.hexdigest()
        return digest

    def _free_dest(self, dest: Path, source: Path | None, data: bytes | None) -> Path:
        """``dest``, or ``dest`` with ``_1``, ``_2`` ... when another file
        holds the name; a file with the same bytes is reused."""
        candidate, n = dest, 0
        while candidate.exists():
            rel = candidate.relative_to(self.root).as_posix()
            if self._same(rel, source, data):
                return candidate
            n += 1
            candidate = dest.with_name(f"{dest.stem}_{n}{dest.suffix}")
        return candidate

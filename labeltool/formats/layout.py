"""How dataset layouts name their parts: split folders and files
(``train``, ``valid``, ``train2017``, ``ch4_training_images``,
``det_gt_val.txt``) and the layout folders taken off an image's path so
that a project keeps the image's own name (``JPEGImages/a.jpg`` -> ``a.jpg``).
Shared by the readers; no format of its own."""
from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Iterator

from labeltool.core.images import IMAGE_EXTENSIONS

# How layouts spell the splits, by the one name a project keeps.
SPLIT_ALIASES = {"train": "train", "training": "train", "val": "val", "valid": "val", "validation": "val",
                 "test": "test", "testing": "test"}
_WORDS = re.compile(r"[a-z]+")


def split_token(name: str) -> str | None:
    """The word of ``name`` that names a split, as written (``"valid"`` in
    ``valid``, ``"train"`` in ``instances_train2017.json``, ``"training"``
    in ``ch4_training_images``); None when it names none or two
    (``trainval`` names none: it is train and val together)."""
    found = {w for w in _WORDS.findall(name.lower()) if w in SPLIT_ALIASES}
    return found.pop() if len(found) == 1 else None


def split_of(name: str) -> str | None:
    """The split ``name`` names, as a project keeps it (train, val, test)."""
    token = split_token(name)
    return SPLIT_ALIASES[token] if token else None


def note_split(split_names: dict[str, str], name: str) -> str | None:
    """:func:`split_of` ``name``, remembering how the layout spells it
    (``split_names["val"] = "valid"``) for the summary."""
    token = split_token(name)
    if token is None:
        return None
    split_names.setdefault(SPLIT_ALIASES[token], token)
    return SPLIT_ALIASES[token]


def clean_relpath(path: str) -> str:
    """``path`` as a safe relative POSIX path: backslashes and drive letters
    of Windows-made files, ``..`` and leading ``/`` taken out, so that a
    copy of the image always lands inside the project."""
    parts = PureWindowsPath(path).parts if "\\" in path or re.match(r"^[A-Za-z]:", path) \
        else PurePosixPath(path).parts
    keep = [p for p in parts if p not in ("", ".", "..") and not p.endswith((":\\", ":", "/", "\\"))]
    return "/".join(keep) or Path(path).name or "image"


def is_absolute_anywhere(path: str) -> bool:
    """Whether ``path`` is absolute on POSIX or on Windows (``C:\\x``, ``\\\\server``)."""
    return path.startswith("/") or PureWindowsPath(path).is_absolute()


def relative_to(path: Path | str, root: Path | str) -> str | None:
    """``path`` relative to ``root`` (POSIX), or None when it lies outside.
    On strings: an import asks this of every image, and Path objects were a
    tenth of a 1,000-image import."""
    p, r = os.path.abspath(path), os.path.abspath(root)
    if p == r:
        return "."
    prefix = r if r.endswith(os.sep) else r + os.sep
    return p[len(prefix):].replace(os.sep, "/") if p.startswith(prefix) else None


def iter_files(root: Path, suffixes: tuple[str, ...] | frozenset[str] | None = None,
               max_depth: int = 12) -> Iterator[Path]:
    """Files under ``root`` (sorted per folder, hidden ones and project
    stores skipped), with one of ``suffixes`` (lower case) if given."""
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for e in entries:
            if e.name.startswith("."):
                continue
            try:
                if e.is_dir():
                    if depth < max_depth:
                        subdirs.append((Path(e.path), depth + 1))
                elif suffixes is None or os.path.splitext(e.name)[1].lower() in suffixes:
                    yield Path(e.path)
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def iter_images(root: Path) -> Iterator[Path]:
    return iter_files(root, IMAGE_EXTENSIONS)

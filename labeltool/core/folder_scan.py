"""Finding the images of a project folder, in the order a person expects."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterator

from .images import IMAGE_EXTENSIONS

_DIGITS = re.compile(r"(\d+)")
# Folders of a Pascal VOC set (beside JPEGImages/ or Annotations/) that hold
# masks as PNGs.
VOC_MASK_FOLDERS = frozenset({"SegmentationClass", "SegmentationObject", "SegmentationClassAug"})


def natural_key(path: str) -> list[Any]:
    """Sort key that puts ``img2`` before ``img10``."""
    return [int(t) if t.isdigit() else t.lower() for t in _DIGITS.split(path)]


def iter_image_paths(root: Path) -> Iterator[str]:
    """Relative POSIX paths of the images under ``root``; hidden folders
    (``.labeltool``, ``.git``) and a VOC set's mask folders are skipped.

    Plain strings throughout, no ``Path`` objects: opening a folder of
    10,000 photos scans it on the GUI thread, and Path construction was most
    of that time.
    """
    stack = [("", os.fspath(root))]  # (relative prefix, absolute folder)
    while stack:
        prefix, folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            continue
        voc = any(e.name in ("JPEGImages", "Annotations") for e in entries)
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if voc and name in VOC_MASK_FOLDERS:
                        continue  # a VOC set's label PNGs are labels, not images to label
                    stack.append((f"{prefix}{name}/", entry.path))
                elif os.path.splitext(name)[1].lower() in IMAGE_EXTENSIONS and entry.is_file():
                    yield prefix + name
            except OSError:
                continue

"""ImageFolder (classification, as torchvision's ``ImageFolder`` reads it):
``root/<class>/<image>``, or ``root/{train,val}/<class>/<image>`` with a
split. Each image's class is its image tag."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from labeltool.core.images import is_image_file
from labeltool.core.shapes import ImageTag

from .errors import FormatError
from .fileio import CopyMode, flat_name, place_file
from .records import Dataset, ImageRecord, WriteResult

SPLIT_NAMES = {"train", "val", "valid", "validation", "test"}


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    src = Path(src)
    if not src.is_dir():
        raise FormatError(src, "is not a folder (expected one sub-folder per class)")
    subdirs = sorted(p for p in src.iterdir() if p.is_dir() and not p.name.startswith("."))
    roots = subdirs if subdirs and all(p.name.lower() in SPLIT_NAMES for p in subdirs) else [src]
    ds = Dataset(root=src)
    classes: dict[str, None] = {}
    for root in roots:
        split = root.name.lower() if root != src else None
        for p in sorted(root.iterdir()):
            if p.is_file() and is_image_file(p):
                ds.skipped.append(f"{p.relative_to(src).as_posix()}: not inside a class folder")
        for class_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
            classes.setdefault(class_dir.name, None)
            for image in sorted(class_dir.rglob("*")):
                if is_image_file(image) and image.is_file():
                    ds.records.append(ImageRecord(path=image.relative_to(src).as_posix(), source=image,
                                                  shapes=[ImageTag(label=class_dir.name)],
                                                  split="val" if split in ("val", "valid", "validation")
                                                  else split))
            if progress:
                progress(len(ds.records), 0)
    if not ds.records:
        raise FormatError(src, "no images inside class folders")
    ds.classes = list(classes)
    return ds


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    result = WriteResult()
    for n, record in enumerate(records, 1):
        tags = [s.label for s in record.shapes if isinstance(s, ImageTag)]
        if len(tags) != 1:
            result.skipped.append(f"{record.path}: has {len(tags)} image classes (ImageFolder needs one)")
            continue
        folder = tags[0].replace("/", "_").replace("\\", "_")
        if folder in ("", ".", ".."):
            result.skipped.append(f"{record.path}: class {tags[0]!r} cannot be a folder name")
            continue
        dest = out / (record.split or "") / folder / flat_name(record.path)
        if not place_file(record.source, dest, copy_mode):
            result.skipped.append(f"{record.path}: image file missing")
            continue
        result.images += 1
        result.shapes += 1
        result.files += 1
        if progress:
            progress(n, len(records))
    return result

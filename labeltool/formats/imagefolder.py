"""ImageFolder (classification, as torchvision's ``ImageFolder`` reads it):
``root/<class>/<image>``, or ``root/{train,val,test}/<class>/<image>``
with a split (``valid`` and ``validation`` read as val). Each image's class
is its image tag; its name is its path inside the class folder."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from labeltool.core.images import is_image_file
from labeltool.core.shapes import ImageTag

from .errors import FormatError
from .fileio import CopyMode, flat_name, place_file
from .layout import SPLIT_ALIASES, iter_images, note_split
from .records import Dataset, ImageRecord, WriteResult, count_unheld

LOOKED_FOR = "one sub-folder of images per class, or train/ val/ test/ each holding them"


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    src = Path(src)
    if not src.is_dir():
        raise FormatError(src, "is not a folder (expected one sub-folder per class)")
    subdirs = sorted(p for p in src.iterdir() if p.is_dir() and not p.name.startswith("."))
    # A folder named as a split that holds folders is a split of class
    # folders; the other folders beside it are classes of images in no split.
    split_dirs = [p for p in subdirs if p.name.lower() in SPLIT_ALIASES and any(c.is_dir() for c in p.iterdir())]
    ds = Dataset(root=src, looked_for=LOOKED_FOR,
                 layout="split folders of class folders" if split_dirs else "class folders")
    classes: dict[str, None] = {}
    for root in [src, *split_dirs]:
        split = note_split(ds.split_names, root.name) if root != src else None
        for p in sorted(root.iterdir()):
            if p.is_file() and is_image_file(p):
                ds.lose("images outside a class folder", f"{p.relative_to(src).as_posix()}: not inside a class "
                                                          "folder")
        for class_dir in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")
                                and p not in split_dirs):
            classes.setdefault(class_dir.name, None)
            for image in iter_images(class_dir):
                # Its name inside the class folder: the class is a tag, not a folder of the project.
                ds.records.append(ImageRecord(path=image.relative_to(class_dir).as_posix(), source=image,
                                              shapes=[ImageTag(label=class_dir.name)], split=split))
            if progress:
                progress(len(ds.records), 0)
    if not ds.records:
        raise FormatError(src, f"no images inside class folders; looked for {LOOKED_FOR}")
    ds.classes = list(classes)
    return ds


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    result = WriteResult()
    for n, record in enumerate(records, 1):
        tags = [s.label for s in record.shapes if isinstance(s, ImageTag)]
        if len(tags) != 1:
            result.lose("images without exactly one class",
                        f"{record.path}: has {len(tags)} image classes (ImageFolder needs one)")
            continue
        count_unheld(record, result, "ImageFolder", held=lambda s: isinstance(s, ImageTag))
        folder = tags[0].replace("/", "_").replace("\\", "_")
        if folder in ("", ".", ".."):
            result.lose("images without exactly one class", f"{record.path}: class {tags[0]!r} cannot be a "
                                                             "folder name")
            continue
        dest = out / (record.split or "") / folder / flat_name(record.path)
        if not place_file(record.source, dest, copy_mode):
            result.lose("images not found", f"{record.path}: image file missing")
            continue
        result.images += 1
        result.shapes += 1
        result.files += 1
        if progress:
            progress(n, len(records))
    return result

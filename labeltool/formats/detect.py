"""Which format a folder (or file) holds, found by looking at it, and what
is in it: ``detect(src)`` reads the dataset and says, in one line, what it
found ("COCO, 3 annotation files: train 120 images, valid 30, test 15").

The CLI's ``labeltool import`` without ``--format`` and the File > Import
dialog both call it; :func:`~labeltool.formats.project_io.import_into`
takes the result so that the dataset is read once.
"""
from __future__ import annotations

import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from labeltool.core.images import IMAGE_EXTENSIONS
from labeltool.core.project import SPLITS

from . import format_module
from .errors import FormatError
from .fileio import PEEK, json_kind
from .layout import iter_files
from .records import Dataset, settle_records

# Names as people know the formats (for messages).
FORMAT_NAMES = {"voc": "Pascal VOC", "coco": "COCO", "labelme": "labelme", "yolo": "YOLO", "ppocr": "PPOCRLabel",
                "icdar": "ICDAR 2015", "imagefolder": "ImageFolder"}
# When a folder holds several, the first of these wins (a labelme2coco
# output folder holds the labelme files and the COCO file made of them).
PRECEDENCE = ("coco", "voc", "yolo", "labelme", "ppocr", "icdar", "imagefolder")
LOOKED_FOR = ("COCO JSON (annotations/*.json, _annotations.coco.json in train/ valid/ test/), Pascal VOC "
              "(Annotations/*.xml, XML beside images, SegmentationClass/*.png), YOLO (data.yaml, labels/*.txt, "
              ".txt beside images), labelme JSON beside images, PPOCRLabel Label.txt, ICDAR gt_*.txt, or "
              "class folders of images (ImageFolder)")
_MAX_PEEKS = 400  # annotation files looked into per folder tree; enough to decide


@dataclass
class Detected:
    """What a dataset folder holds, read."""

    format: str
    dataset: Dataset
    summary: str  # "COCO, 3 annotation files: train 120 images, valid 30, test 15"
    # Images per split as the layout names them ("valid"); "" for none.
    splits: dict[str, int] = field(default_factory=dict)
    # Other formats seen in the folder and not read (said in the summary).
    others: list[str] = field(default_factory=list)

    @property
    def layout(self) -> str:
        return self.dataset.layout


def detect(src: os.PathLike | str, progress: Callable[[int, int], None] | None = None) -> Detected:
    """Find the format of ``src`` and read it; FormatError naming what it
    looked for when no format fits."""
    return read_dataset(src, None, progress)


def read_dataset(src: os.PathLike | str, fmt: str | None,
                 progress: Callable[[int, int], None] | None = None) -> Detected:
    """Read ``src`` as ``fmt`` (found by :func:`guess_format` when None)."""
    src = Path(src).expanduser()
    if not src.exists():
        raise FormatError(src, "does not exist")
    others: list[str] = []
    if fmt is None:
        found = guess_format(src)
        if not found:
            raise FormatError(src, f"no dataset found; looked for {LOOKED_FOR}")
        fmt, others = found[0], found[1:]
    ds = format_module(fmt).read(src, progress=progress)
    ds.records = settle_records(ds.records)
    counts = Counter(r.split for r in ds.records)
    # In train, val, test order, named as the layout spells them ("valid").
    splits = {ds.split_names.get(s, s): counts[s] for s in SPLITS if counts[s]}
    if counts[None] and splits:
        splits[""] = counts[None]
    return Detected(fmt, ds, describe(fmt, ds, splits, others), splits, others)


def describe(fmt: str, ds: Dataset, splits: dict[str, int], others: list[str]) -> str:
    """One line: the format, its annotation files, images per split, the layout."""
    head = FORMAT_NAMES.get(fmt, fmt) + (f", {ds.files} annotation file{'s' if ds.files != 1 else ''}"
                                         if ds.files else "")
    if splits:
        parts = [f"{s} {n}" if s else f"in no split {n}" for s, n in splits.items()]
        text = f"{head}: {parts[0]} images" + "".join(f", {p}" for p in parts[1:])
    else:
        text = f"{head}: {len(ds.records)} images"
    if ds.layout:
        text += f" ({ds.layout})"
    if others:
        text += f"; also found {', '.join(FORMAT_NAMES.get(o, o) for o in others)} files, not read " \
                "(give --format to read those)"
    return text


# ----------------------------------------------------------------- guessing
def guess_format(src: Path) -> list[str]:
    """The formats ``src`` looks like it holds, the likeliest first (by
    :data:`PRECEDENCE`); [] when none. Looks at names and at the first
    bytes of a few hundred files; reads nothing whole."""
    if src.is_file():
        kind = _file_kind(src)
        return [kind] if kind else []
    seen: Counter[str] = Counter()
    peeks = 0
    images_in_subfolders = False
    for f in iter_files(src, max_depth=6):
        rel_parts = f.relative_to(src).parts
        suffix = f.suffix.lower()
        if suffix in IMAGE_EXTENSIONS:
            images_in_subfolders = images_in_subfolders or len(rel_parts) > 1
            if f.parent.name in ("SegmentationClass", "SegmentationObject"):
                seen["voc"] += 1
            continue
        if f.name in ("data.yaml", "dataset.yaml", "data.yml", "obj.data", "obj.names"):
            seen["yolo"] += 1
            continue
        if suffix not in (".json", ".xml", ".txt") or peeks >= _MAX_PEEKS:
            continue
        peeks += 1
        kind = _file_kind(f)
        if kind:
            seen[kind] += 1
    if images_in_subfolders and not seen:
        seen["imagefolder"] += 1
    return [fmt for fmt in PRECEDENCE if seen[fmt]]


def _file_kind(f: Path) -> str | None:
    """The format one annotation file is written in, from its name and first bytes."""
    name, suffix = f.name, f.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yolo"
    try:
        with open(f, "rb") as fh:
            head = fh.read(PEEK).decode("utf-8-sig", "replace")
    except OSError:
        return None
    if suffix == ".json":
        return json_kind(f, head)
    if suffix == ".xml":
        # <annotation> is VOC's root; CVAT's own XML has <annotations>.
        return "voc" if re.search(r"<annotation[\s>]", head) else None
    if suffix == ".txt":
        if name.startswith("gt_"):
            return "icdar"
        first = next((line for line in head.splitlines() if line.strip()), "")
        if "\t[" in first or (name == "Label.txt" and "\t" in first):
            return "ppocr"
        if name == "classes.txt":
            return None
        if _yolo_line(first) and any(f.with_suffix(e).exists() for e in (".jpg", ".png", ".jpeg")) or \
                f.parent.name.lower() in ("labels", "annotations") and _yolo_line(first):
            return "yolo"
    return None


def _yolo_line(line: str) -> bool:
    parts = line.split()
    if not parts or (len(parts) - 1 != 4 and (len(parts) - 1 < 6 or (len(parts) - 1) % 2)):
        return False
    try:
        int(parts[0])
        [float(p) for p in parts[1:]]
    except ValueError:
        return False
    return True

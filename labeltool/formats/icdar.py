"""ICDAR 2015 text localisation: ``gt_<image stem>.txt`` per image, lines
``x1,y1,x2,y2,x3,y3,x4,y4,transcription`` (integers, clockwise from
top-left; the transcription may hold commas). ``###`` marks a region to
ignore: it becomes a difficult text region, and difficult regions are
written as ``###``.

Written: ``OUT/images/<file>`` and ``OUT/gt/gt_<stem>.txt``.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from labeltool.core.images import is_image_file
from labeltool.core.shapes import Shape, TextRegion

from .errors import FormatError
from .fileio import CopyMode, atomic_write_text, flat_name, number, place_file, read_text, reading
from .records import Dataset, ImageRecord, WriteResult

DONT_CARE = "###"
TEXT_LABEL = "text"


def read_gt(path: Path) -> tuple[list[Shape], list[str]]:
    """The text regions of one gt file; notes on lines it skipped."""
    text = read_text(path)
    shapes: list[Shape] = []
    notes: list[str] = []
    with reading(path):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            parts = line.strip().split(",", 8)
            if len(parts) < 8:
                notes.append(f"{path.name}: line {n} has fewer than 8 coordinates; skipped")
                continue
            v = [number(p, f"line {n} coordinate", path) for p in parts[:8]]
            transcription = parts[8] if len(parts) > 8 else ""
            difficult = transcription == DONT_CARE
            shapes.append(TextRegion(label=TEXT_LABEL, points=list(zip(v[0::2], v[1::2])),
                                     transcription="" if difficult else transcription, difficult=difficult))
    return shapes, notes


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A folder with images and ``gt_*.txt`` files anywhere below it."""
    src = Path(src)
    if not src.is_dir():
        raise FormatError(src, "is not a folder (expected images and gt_*.txt files)")
    gts = sorted(src.rglob("gt_*.txt"))
    if not gts:
        raise FormatError(src, "no gt_*.txt files found")
    images: dict[str, Path] = {}
    for p in sorted(src.rglob("*")):
        if is_image_file(p):
            images.setdefault(p.stem, p)
    ds = Dataset(root=src, classes=[TEXT_LABEL])
    for i, gt in enumerate(gts, 1):
        stem = gt.stem[3:]
        image = images.get(stem)
        if image is None:
            ds.skipped.append(f"{gt.name}: no image named {stem}.*")
            continue
        try:
            shapes, notes = read_gt(gt)
        except FormatError as e:
            ds.skipped.append(str(e))
            continue
        ds.skipped += notes
        ds.records.append(ImageRecord(path=image.relative_to(src).as_posix(), source=image, shapes=shapes))
        if progress:
            progress(i, len(gts))
    return ds


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    result = WriteResult()
    for n, record in enumerate(records, 1):
        name = flat_name(record.path)
        if not place_file(record.source, out / "images" / name, copy_mode):
            result.skipped.append(f"{record.path}: image file missing; its gt file was written")
        lines = []
        for s in record.shapes:
            if not isinstance(s, TextRegion):
                result.skipped.append(f"{record.path}: {s.kind} {s.label!r} is not a text region")
                continue
            coords = ",".join(str(int(round(c))) for p in s.points for c in p)
            lines.append(f"{coords},{DONT_CARE if s.difficult else s.transcription}\n")
        atomic_write_text(out / "gt" / f"gt_{Path(name).stem}.txt", "".join(lines))
        result.images += 1
        result.shapes += len(lines)
        result.files += 1
        if progress:
            progress(n, len(records))
    return result

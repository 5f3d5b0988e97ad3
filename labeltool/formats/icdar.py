"""ICDAR 2015 text localisation: ``gt_<image stem>.txt`` per image, lines
``x1,y1,x2,y2,x3,y3,x4,y4,transcription`` (integers, clockwise from
top-left; the transcription may hold commas). ``###`` marks a region to
ignore: it becomes a difficult text region, and difficult regions are
written as ``###``.

Written: ``OUT/images/[<split>/]<file>`` and ``OUT/gt/[<split>/]gt_<stem>.txt``.
Read as well: ICDAR 2013's ``x1, y1, x2, y2, "text"`` lines.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable

from labeltool.core.shapes import Shape, TextRegion

from .errors import FormatError
from .fileio import CopyMode, atomic_write_text, flat_name, number, place_file, read_text, reading
from .layout import iter_files, iter_images, note_split, split_of
from .records import Dataset, ImageRecord, WriteResult, count_unheld

DONT_CARE = "###"
TEXT_LABEL = "text"


# ICDAR 2013's localisation lines: an axis-aligned box and the text in quotes,
# commas or spaces between ("38, 43, 920, 215, "Tiredness"").
_LINE_2013 = re.compile(r'^\s*(-?[\d.]+)[,\s]+(-?[\d.]+)[,\s]+(-?[\d.]+)[,\s]+(-?[\d.]+)[,\s]+"(.*)"\s*$')


def read_gt(path: Path) -> tuple[list[Shape], list[str]]:
    """The text regions of one gt file (ICDAR 2015 quads, or 2013 boxes);
    notes on lines it skipped."""
    text = read_text(path)
    shapes: list[Shape] = []
    notes: list[str] = []
    with reading(path):
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            parts = line.strip().split(",", 8)
            old = _LINE_2013.match(line) if len(parts) < 9 else None
            if old:
                x1, y1, x2, y2 = (number(v, f"line {n} coordinate", path) for v in old.groups()[:4])
                points, transcription = [(x1, y1), (x2, y1), (x2, y2), (x1, y2)], old.group(5)
            elif len(parts) >= 8:
                v = [number(p, f"line {n} coordinate", path) for p in parts[:8]]
                points, transcription = list(zip(v[0::2], v[1::2])), parts[8] if len(parts) > 8 else ""
            else:
                notes.append(f"{path.name}: line {n} has fewer than 8 coordinates; skipped")
                continue
            difficult = transcription == DONT_CARE
            shapes.append(TextRegion(label=TEXT_LABEL, points=points,
                                     transcription="" if difficult else transcription, difficult=difficult))
    return shapes, notes


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A folder with images and ``gt_*.txt`` files anywhere below it (ICDAR
    2015's ``ch4_training_images/`` + ``ch4_training_localization_transcription_gt/``,
    ``ch4_test_images/`` + ``Challenge4_Test_Task1_GT/``, our ``images/`` +
    ``gt/``). ICDAR 2015 reuses image names across train and test: each gt
    file takes the image of its own split."""
    src = Path(src)
    if not src.is_dir():
        raise FormatError(src, "is not a folder (expected images and gt_*.txt files)")
    looked_for = "gt_<image name>.txt files and images of those names (the gt file's split folder first)"
    gts = sorted(iter_files(src, frozenset({".txt"})))
    gts = [g for g in gts if g.name.startswith("gt_")]
    if not gts:
        raise FormatError(src, f"no gt_*.txt files found; looked for {looked_for}")
    images: dict[str, list[Path]] = {}
    for p in iter_images(src):
        images.setdefault(p.stem, []).append(p)
    ds = Dataset(root=src, classes=[TEXT_LABEL], looked_for=looked_for, layout="gt_*.txt per image")
    for i, gt in enumerate(gts, 1):
        stem = gt.stem[3:]
        image = _pick(images.get(stem, []), gt, src)
        if image is None:
            ds.lose("images not found", f"{gt.name}: no image named {stem}.*"
                    + (" in its split" if images.get(stem) else ""))
            continue
        try:
            shapes, notes = read_gt(gt)
        except FormatError as e:
            ds.lose("unreadable files", str(e))
            continue
        ds.files += 1
        for note in notes:
            ds.lose("malformed lines", note)
        split = _split_of(gt, src, ds) or _split_of(image, src, ds)
        ds.records.append(ImageRecord(path=image.name, source=image, shapes=shapes, split=split))
        if progress:
            progress(i, len(gts))
    return ds


def _split_of(f: Path, src: Path, ds: Dataset) -> str | None:
    """The split the folders of ``f`` below ``src`` name (the nearest one)."""
    for part in reversed(f.relative_to(src).parts[:-1]):
        split = note_split(ds.split_names, part)
        if split is not None:
            return split
    return None


def _pick(candidates: list[Path], gt: Path, src: Path) -> Path | None:
    """The image of a gt file among those of its name: the one in the same
    split (train gt, train images), else the one whose folder is nearest."""
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    split = next((split_of(p) for p in reversed(gt.relative_to(src).parts[:-1]) if split_of(p)), None)
    same = [c for c in candidates if split is not None and
            next((split_of(p) for p in reversed(c.relative_to(src).parts[:-1]) if split_of(p)), None) == split]
    pool = same or ([] if split is not None else candidates)
    if not pool:
        return None

    def shared(c: Path) -> int:
        return len([1 for a, b in zip(c.parent.parts, gt.parent.parts) if a == b])

    return max(pool, key=shared)


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    """``images/[<split>/]<file>`` and ``gt/[<split>/]gt_<stem>.txt``
    (sub-folders flattened into the name, coordinates rounded to integers)."""
    out = Path(out)
    result = WriteResult()
    gt_names: dict[Path, str] = {}
    for n, record in enumerate(records, 1):
        name = flat_name(record.path)
        sub = record.split or ""
        gt = out / "gt" / sub / f"gt_{name.rsplit('.', 1)[0]}.txt"
        if gt in gt_names:
            result.lose("images sharing a gt file", f"{record.path}: its gt file would be {gt_names[gt]}'s; "
                                                    "not written")
            continue
        gt_names[gt] = record.path
        if not place_file(record.source, out / "images" / sub / name, copy_mode):
            result.skipped.append(f"{record.path}: image file missing; its gt file was written")
        count_unheld(record, result, "ICDAR", held=lambda s: isinstance(s, TextRegion),
                     flags=("truncated", "occluded"), label=TEXT_LABEL)
        lines = []
        for s in record.shapes:
            if isinstance(s, TextRegion):
                coords = ",".join(str(int(round(c))) for p in s.points for c in p)
                lines.append(f"{coords},{DONT_CARE if s.difficult else s.transcription}\n")
        atomic_write_text(gt, "".join(lines))
        result.images += 1
        result.shapes += len(lines)
        result.files += 1
        if progress:
            progress(n, len(records))
    return result

"""A dataset in one format to another, without a project: the records a
reader gives go straight to a writer (``labeltool convert``).

What a project import would do on the way is done here too: images found
once per file (:func:`~.records.settle_records`), sizes read from the image
headers where a format has none, labelme's embedded images written out,
masks of another size than their image refused, and every loss of the
reader and of the writer counted in one report.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from labeltool.core.images import ImageLoadError, read_size
from labeltool.core.shapes import Mask

from . import format_module
from .detect import Detected, read_dataset
from .errors import FormatError
from .fileio import CopyMode
from .layout import clean_relpath
from .project_io import ExportReport, Progress, check_write_options, choose_split, write_records
from .records import ImageRecord


def convert(src: os.PathLike | str, out: os.PathLike | str, to: str, *, fmt: str | None = None,
            split: float | None = None, seed: int = 0, resplit: bool = False, copy_mode: CopyMode = "copy",
            progress: Progress | None = None) -> tuple[Detected, ExportReport]:
    """Read ``src`` (as ``fmt``, or found by looking) and write it to ``out``
    as format ``to``. Splits as :func:`~.project_io.export_from` takes them:
    the dataset's own, ``split`` for images without one, ``resplit`` for all."""
    module = format_module(to)
    check_write_options(copy_mode, split, resplit)
    detected = read_dataset(src, fmt)
    ds = detected.dataset
    out = Path(out).expanduser().resolve()
    root = ds.root.resolve()
    if out == root or root in out.parents:
        raise FormatError(out, f"is inside the dataset {root}; reading it again would read the copies too. "
                               "Choose a folder outside it")
    report = ExportReport(out=out, skipped=list(ds.skipped), lost=ds.lost.copy())
    with tempfile.TemporaryDirectory(prefix="labeltool_convert_") as tmp:
        records = [r for r in (_ready(r, Path(tmp), report) for r in ds.records) if r is not None]
        if not records:
            raise FormatError(src, f"nothing to convert ({len(ds.records)} images in the dataset, none found); "
                                   f"looked for {ds.looked_for}")
        for r in records:
            r.split = choose_split(r.split, r.path, split, seed, resplit)
        write_records(module, records, out, ds.classes, report, copy_mode, progress)
    return detected, report


def _ready(record: ImageRecord, tmp: Path, report: ExportReport) -> ImageRecord | None:
    """The record with its image file and size, or None (counted as lost)."""
    if record.source is None or not record.source.is_file():
        if record.image_data is None:
            report.lose("images not found", f"{record.path}: image file not found; its {len(record.shapes)} "
                                            "shapes not written")
            report.lost["shapes of images not found"] += len(record.shapes)
            return None
        record.source = tmp / clean_relpath(record.path)  # labelme's embedded image, as a file
        record.source.parent.mkdir(parents=True, exist_ok=True)
        record.source.write_bytes(record.image_data)
    if not (record.width and record.height):
        try:
            record.width, record.height = read_size(record.source)
        except ImageLoadError as e:
            report.lose("unreadable images", f"{record.path}: {e.reason}; its size is needed")
            return None
    kept = []
    for s in record.shapes:
        if isinstance(s, Mask) and s.size != (record.height, record.width):
            report.lose("masks of another size than their image",
                        f"{record.path}: mask {s.label!r} is {s.size[1]}x{s.size[0]}, the image "
                        f"{record.width}x{record.height}")
        else:
            kept.append(s)
    record.shapes = kept
    return record

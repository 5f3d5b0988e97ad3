"""Import a dataset into a project store, export a project as a dataset.

The GUI's File menu and the CLI both call :func:`import_into` and
:func:`export_from`; the format modules stay pure (files in, records out).
"""
from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from labeltool.core.images import ImageLoadError
from labeltool.core.project import ImageStatus
from labeltool.core.shapes import Mask
from labeltool.core.store import ProjectStore

from . import format_module
from .errors import FormatError
from .fileio import COPY_MODES, CopyMode
from .geometry import same_geometry
from .records import ImageRecord, StoredShapes

Progress = Callable[[int, int], None]


@dataclass
class ImportReport:
    images: int = 0           # images that received records
    new_images: int = 0       # images the project did not know before
    shapes: int = 0           # shapes added
    duplicates: int = 0       # shapes already on their image (re-import)
    copied: list[str] = field(default_factory=list)  # images copied into the project
    skipped: list[str] = field(default_factory=list)  # "what: why", one per line

    def summary(self) -> list[str]:
        lines = [f"images: {self.images} ({self.new_images} new to the project)",
                 f"shapes: {self.shapes} added, {self.duplicates} already there (not duplicated)"]
        if self.copied:
            lines.append(f"copied into the project (their files were outside it): {len(self.copied)} images, "
                         f"e.g. {self.copied[0]}")
        lines += _skipped_lines(self.skipped)
        return lines


@dataclass
class ExportReport:
    out: Path
    images: int = 0
    shapes: int = 0
    train: int = 0
    val: int = 0
    skipped: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        lines = [f"written to: {self.out}", f"images: {self.images}", f"shapes: {self.shapes}"]
        if self.train or self.val:
            lines.append(f"split: {self.train} train, {self.val} val")
        return lines + _skipped_lines(self.skipped)


def _skipped_lines(skipped: list[str], limit: int = 10) -> list[str]:
    if not skipped:
        return ["skipped: none"]
    lines = [f"skipped: {len(skipped)}"] + [f"  {s}" for s in skipped[:limit]]
    if len(skipped) > limit:
        lines.append(f"  ... and {len(skipped) - limit} more")
    return lines


# ------------------------------------------------------------------- split
def split_of(path: str, ratio: float, seed: int = 0) -> str:
    """``"train"`` or ``"val"`` for an image, from a seeded hash of its path:
    the same image stays on the same side when images are added."""
    digest = hashlib.sha256(f"{seed}\0{path}".encode("utf-8")).digest()
    return "train" if int.from_bytes(digest[:8], "big") / 2**64 < ratio else "val"


# ------------------------------------------------------------------ import
def import_into(store: ProjectStore, fmt: str, src: os.PathLike | str,
                progress: Progress | None = None) -> ImportReport:
    """Read ``src`` in format ``fmt`` and add its images, classes and shapes
    to ``store`` in one transaction. Shapes already on an image (same kind,
    label and geometry) are not added again. Images outside the project are
    copied into ``<project>/<src name>/`` so that the project stays whole."""
    module = format_module(fmt)
    src = Path(src).expanduser()
    if not src.exists():
        raise FormatError(src, "does not exist")
    dataset = module.read(src, progress=progress)
    report = ImportReport(skipped=list(dataset.skipped))
    if not dataset.records:
        reason = dataset.skipped[0] if dataset.skipped else "no labelled images found"
        raise FormatError(src, f"nothing to import ({reason})")
    copy_root = store.root / (src.resolve().name.lstrip(".") or "imported")
    with store.transaction():
        for name in dataset.classes:
            store.add_class(name)
        for record in dataset.records:
            rel = _place_in_project(store, dataset.root, record, copy_root, report)
            if rel is None:
                continue
            known = store.image_by_path(rel)
            item = store.add_image(rel, record.width, record.height)
            report.new_images += known is None
            report.images += 1
            if not (item.width and item.height):
                try:
                    store.ensure_size(item)
                except ImageLoadError as e:
                    report.skipped.append(f"{rel}: size unknown ({e.reason})")
            existing = store.shapes(item.id)
            for shape in record.shapes:
                if isinstance(shape, Mask) and item.height and shape.size != (item.height, item.width):
                    report.skipped.append(f"{rel}: mask {shape.label!r} is {shape.size[1]}x{shape.size[0]}, "
                                          f"the image {item.width}x{item.height}")
                    continue
                if any(same_geometry(shape, e) for e in existing):
                    report.duplicates += 1
                    continue
                store.add_shape(item.id, shape)
                existing.append(shape)
                report.shapes += 1
            if record.done:
                store.set_status(item.id, ImageStatus.DONE)
    return report


def _place_in_project(store: ProjectStore, root: Path, record: ImageRecord, copy_root: Path,
                      report: ImportReport) -> str | None:
    """The project-relative path of the record's image, copying the file into
    the project when it lies outside (or writing labelme's embedded bytes)."""
    source = record.source or (root / record.path)
    if source.is_file():
        resolved = source.resolve()
        try:
            return resolved.relative_to(store.root).as_posix()
        except ValueError:
            pass
    elif record.image_data is None:
        report.skipped.append(f"{record.path}: image file not found")
        return None
    rel_in_src = Path(record.path) if not Path(record.path).is_absolute() else Path(Path(record.path).name)
    dest = _free_dest(copy_root / rel_in_src, source if source.is_file() else None, record.image_data)
    if not dest.exists():
        dest.parent.mkdir(parents=True, exist_ok=True)
        if source.is_file():
            shutil.copy2(source, dest)
        else:
            dest.write_bytes(record.image_data or b"")
        report.copied.append(dest.relative_to(store.root).as_posix())
    return dest.relative_to(store.root).as_posix()


def _free_dest(dest: Path, source: Path | None, data: bytes | None) -> Path:
    """``dest``, or ``dest`` with ``_1``, ``_2`` ... when another file holds
    the name; a file with the same bytes is reused (a re-import copies nothing)."""
    candidate, n = dest, 0
    while candidate.exists():
        same = (source is not None and _same_file(source, candidate)) or \
            (data is not None and candidate.read_bytes() == data)
        if same:
            return candidate
        n += 1
        candidate = dest.with_name(f"{dest.stem}_{n}{dest.suffix}")
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    try:
        if a.stat().st_size != b.stat().st_size:
            return False
        return a.read_bytes() == b.read_bytes()
    except OSError:
        return False


# ------------------------------------------------------------------ export
def export_from(store: ProjectStore, fmt: str, out: os.PathLike | str, *, split: float | None = None,
                seed: int = 0, only_done: bool = False, copy_mode: CopyMode = "copy",
                progress: Progress | None = None) -> ExportReport:
    """Write the project's human labels to ``out`` in format ``fmt``.

    ``split`` (e.g. 0.8) sends that share of images to ``train`` and the rest
    to ``val`` by a seeded hash of each path; ``only_done`` exports only
    images marked done. Images are copied (or linked, ``copy_mode``)."""
    module = format_module(fmt)
    if copy_mode not in COPY_MODES:
        raise FormatError(None, f"unknown copy mode {copy_mode!r}; choose one of {', '.join(COPY_MODES)}")
    if split is not None and not 0.0 < split <= 1.0:
        raise FormatError(None, f"split {split} must be a fraction in (0, 1]")
    out = Path(out).expanduser().resolve()
    if out == store.root or store.root in out.parents:
        raise FormatError(out, "is inside the project folder; its image copies would be added to the "
                               "project as new images. Choose a folder outside it")
    if out.exists() and not out.is_dir():
        raise FormatError(out, "exists and is not a folder")
    # Raw rows: a writer turns them into Shapes only if it needs them (COCO
    # writes plain boxes straight from the rows).
    snapshot = store.snapshot_rows()
    labels = {c.id: c.name for c in snapshot.classes}
    report = ExportReport(out=out)
    records: list[ImageRecord] = []
    for item in snapshot.images:
        if only_done and item.status != ImageStatus.DONE:
            continue
        if not (item.width and item.height):
            try:
                store.ensure_size(item)
            except ImageLoadError as e:
                report.skipped.append(f"{item.path}: size unknown and {e.reason}; not exported")
                continue
        record = ImageRecord(path=item.path, width=item.width, height=item.height,
                             shapes=StoredShapes(snapshot.shapes.get(item.id, []), labels),
                             source=store.abspath(item), done=item.status == ImageStatus.DONE)
        if split is not None:
            record.split = split_of(item.path, split, seed)
            report.train += record.split == "train"
            report.val += record.split == "val"
        records.append(record)
    out.mkdir(parents=True, exist_ok=True)
    result = module.write(records, out, [c.name for c in snapshot.classes], copy_mode=copy_mode,
                          progress=progress)
    report.images, report.shapes = result.images, result.shapes
    report.skipped += result.skipped
    return report

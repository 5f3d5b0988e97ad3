"""Import a dataset into a project store, export a project as a dataset.

The GUI's File menu and the CLI both call :func:`detect` (what a folder
holds), :func:`import_into` and :func:`export_from`; the format modules
stay pure (files in, records out).
"""
from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Callable, Hashable

from labeltool.core.groups import renumber
from labeltool.core.images import ImageLoadError
from labeltool.core.project import ImageStatus
from labeltool.core.shapes import Mask, Shape
from labeltool.core.store import ProjectStore

from . import format_module
from .detect import LOOKED_FOR, Detected, detect, read_dataset
from .errors import FormatError
from .fileio import COPY_MODES, CopyMode
from .geometry import shape_key
from .matching import ImageMatcher, Placement
from .records import ImageRecord, Losses, StoredShapes

__all__ = ["Detected", "ExportReport", "ImportReport", "detect", "export_from", "import_into", "split_of",
           "write_records"]

Progress = Callable[[int, int], None]


@dataclass
class ImportReport(Losses):
    found: str = ""           # what was read: "COCO, 3 annotation files: train 120 images, ..."
    images: int = 0           # images that received records
    new_images: int = 0       # images the project did not know before
    matched: int = 0          # found in the project (same path, or same name, size and content)
    in_place: int = 0         # the dataset lies inside the project: its files are the project's
    shapes: int = 0           # shapes added
    duplicates: int = 0       # shapes already on their image (re-import)
    splits: Counter[str] = field(default_factory=Counter)  # images per split the dataset gave
    copied: list[str] = field(default_factory=list)  # images copied into the project
    skipped: list[str] = field(default_factory=list)  # "what: why", one per line
    lost: Counter[str] = field(default_factory=Counter)  # what could not come in, by kind

    def summary(self) -> list[str]:
        lines = [f"found: {self.found}"] if self.found else []
        lines += [f"images: {self.images} ({self.new_images} new to the project; {self.matched} matched to "
                  f"images already in it, {len(self.copied)} copied in, {self.in_place} in place)",
                  f"shapes: {self.shapes} added, {self.duplicates} already there (not duplicated)"]
        if self.splits:
            lines.append("splits kept: " + ", ".join(f"{s} {n}" for s, n in self.splits.items()))
        if self.copied:
            lines.append(f"copied into the project (their files were outside it): {len(self.copied)} images, "
                         f"e.g. {self.copied[0]}")
        return lines + _lost_lines(self.lost) + _skipped_lines(self.skipped)


@dataclass
class ExportReport(Losses):
    """What an export (or a conversion) wrote, and what it lost by kind."""

    out: Path
    images: int = 0
    shapes: int = 0
    splits: Counter[str] = field(default_factory=Counter)  # images per split written
    skipped: list[str] = field(default_factory=list)
    lost: Counter[str] = field(default_factory=Counter)

    @property
    def train(self) -> int:
        return self.splits["train"]

    @property
    def val(self) -> int:
        return self.splits["val"]

    def summary(self) -> list[str]:
        lines = [f"written to: {self.out}", f"images: {self.images}", f"shapes: {self.shapes}"]
        if self.splits:
            lines.append("split: " + ", ".join(f"{n} {s}" for s, n in sorted(self.splits.items(),
                                                                            key=lambda kv: _SPLIT_ORDER[kv[0]])))
        return lines + _lost_lines(self.lost) + _skipped_lines(self.skipped)


_SPLIT_ORDER = {"train": 0, "val": 1, "test": 2, "no split": 3}


def _lost_lines(lost: Counter[str]) -> list[str]:
    """``lost: keypoints 12, line shapes 3``: what did not make it, by kind."""
    kinds = [(k, n) for k, n in lost.most_common() if n]
    return ["lost: " + ", ".join(f"{k} {n}" for k, n in kinds)] if kinds else ["lost: nothing"]


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


def choose_split(stored: str | None, path: str, ratio: float | None, seed: int, resplit: bool) -> str | None:
    """The split an exported image goes to: the one it has, unless asked to
    split again (``resplit``); a hash split by ``ratio`` for one without."""
    if ratio is not None and (resplit or stored is None):
        return split_of(path, ratio, seed)
    return stored


# ------------------------------------------------------------------ import
def import_into(store: ProjectStore, fmt: str | None, src: os.PathLike | str,
                progress: Progress | None = None, *, detected: Detected | None = None) -> ImportReport:
    """Read ``src`` in format ``fmt`` (found by looking when None, or taken
    from ``detected``) and add its images, classes, splits and shapes to
    ``store`` in one transaction.

    Images are matched to the project's own (:mod:`.matching`) and copied
    in only when it lacks them: to the same path when the project had no
    images yet, else under ``<project>/<dataset name>/``. Shapes already on
    an image (same kind, label and geometry) are not added again. Raises
    FormatError, and adds nothing, when the dataset gives no image and no
    shape, naming what the reader looked for."""
    src = Path(src).expanduser()
    if detected is None:
        detected = read_dataset(src, fmt, progress)
    ds = detected.dataset
    report = ImportReport(found=detected.summary, skipped=list(ds.skipped), lost=Counter(ds.lost))
    first = store.image_count() == 0
    copy_root = store.root if first else store.root / (ds.root.resolve().name.lstrip(".") or "imported")
    matcher = ImageMatcher(store, copy_root)
    before = set(matcher.by_path)
    with store.transaction():
        for name in ds.classes:
            store.add_class(name)
        keys: dict[int, set[Hashable] | None] = {}
        for record in ds.records:
            placed = matcher.place(record)
            if placed is None:
                report.lose("images not found", f"{record.path}: image file not found, in the dataset or the "
                                                f"project; its {len(record.shapes)} shapes not imported")
                report.lost["shapes of images not found"] += len(record.shapes)
                continue
            _add_record(store, record, placed, placed.rel not in before, keys, report)
        if not (report.images or report.shapes or report.duplicates):
            reason = f"{len(ds.records)} images in the dataset, none found" if ds.records else \
                ds.skipped[0] if ds.skipped else "nothing found"
            raise FormatError(src, f"nothing to import ({reason}); looked for {ds.looked_for or LOOKED_FOR}")
    return report


def _add_record(store: ProjectStore, record: ImageRecord, placed: Placement, new: bool,
                keys: dict[int, set[Hashable] | None], report: ImportReport) -> None:
    item = store.add_image(placed.rel, record.width, record.height)
    report.images += 1
    report.new_images += new
    report.in_place += placed.how == "in place"
    report.matched += placed.how == "matched"
    if placed.how == "copied":
        report.copied.append(placed.rel)
    if record.split:
        report.splits[record.split] += 1
        if item.split != record.split:
            store.set_split(item.id, record.split)
    if not (item.width and item.height):
        try:
            store.ensure_size(item)
        except ImageLoadError as e:
            report.skipped.append(f"{placed.rel}: size unknown ({e.reason})")
    fresh: list[Shape] = []
    for shape in record.shapes:
        if isinstance(shape, Mask) and item.height and shape.size != (item.height, item.width):
            report.lose("masks of another size than their image",
                        f"{placed.rel}: mask {shape.label!r} is {shape.size[1]}x{shape.size[0]}, "
                        f"the image {item.width}x{item.height}")
            continue
        fresh.append(shape)
    # Keys of the shapes an image has, to leave repeats out. An image with no
    # shapes before this import needs none until a second record comes to it
    # (keys are a fifth of a 20,000-shape import's time otherwise).
    if item.id not in keys:
        existing = [] if new else store.shapes(item.id)
        seen = {shape_key(s) for s in existing} if existing else None
    else:
        seen = keys[item.id]
        if seen is None:
            seen = {shape_key(s) for s in store.shapes(item.id)}
    keys[item.id] = seen
    if seen is not None:
        kept = []
        for shape in fresh:
            key = shape_key(shape)
            if key in seen:
                report.duplicates += 1
            else:
                seen.add(key)
                kept.append(shape)
        fresh = kept
    if any(s.group is not None for s in fresh):
        # The dataset numbers its groups per image as the project may too:
        # its objects must not join the image's own by sharing a number.
        fresh = renumber(fresh, {s.group for s in store.shapes(item.id) if s.group is not None})
    store.add_shapes(item.id, fresh)
    report.shapes += len(fresh)
    if record.done:
        store.set_status(item.id, ImageStatus.DONE)


# ------------------------------------------------------------------ export
def export_from(store: ProjectStore, fmt: str, out: os.PathLike | str, *, split: float | None = None,
                seed: int = 0, resplit: bool = False, only_done: bool = False, only_labelled: bool = False,
                copy_mode: CopyMode = "copy", progress: Progress | None = None) -> ExportReport:
    """Write the project's human labels to ``out`` in format ``fmt``.

    Each image goes to the split the project keeps for it. ``split`` (e.g.
    0.8) sends that share of the images without one to ``train`` and the
    rest to ``val``, by a seeded hash of each path; with ``resplit`` every
    image is split so. ``only_done`` exports only images marked done;
    ``only_labelled`` only those with labels or marked done (an image never
    labelled would be written as one without objects, which it may have).
    Images are copied (or linked, ``copy_mode``)."""
    module = format_module(fmt)
    check_write_options(copy_mode, split, resplit)
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
        if only_labelled and item.status != ImageStatus.DONE and not snapshot.shapes.get(item.id):
            continue
        if not (item.width and item.height):
            try:
                store.ensure_size(item)
            except ImageLoadError as e:
                report.lose("images of unknown size", f"{item.path}: size unknown and {e.reason}; not exported")
                continue
        record = ImageRecord(path=item.path, width=item.width, height=item.height,
                             shapes=StoredShapes(snapshot.shapes.get(item.id, []), labels),
                             source=store.abspath(item), done=item.status == ImageStatus.DONE,
                             split=choose_split(item.split, item.path, split, seed, resplit))
        records.append(record)
    return write_records(module, records, out, [c.name for c in snapshot.classes], report, copy_mode, progress)


def check_write_options(copy_mode: str, split: float | None, resplit: bool) -> None:
    """FormatError for options an export (or a conversion) cannot follow."""
    if copy_mode not in COPY_MODES:
        raise FormatError(None, f"unknown copy mode {copy_mode!r}; choose one of {', '.join(COPY_MODES)}")
    if split is not None and not 0.0 < split <= 1.0:
        raise FormatError(None, f"split {split} must be a fraction in (0, 1]")
    if resplit and split is None:
        raise FormatError(None, "splitting again needs the share of train images (--split 0.8 --resplit)")


def write_records(module: ModuleType, records: list[ImageRecord], out: Path, classes: list[str],
                  report: ExportReport, copy_mode: CopyMode = "copy",
                  progress: Progress | None = None) -> ExportReport:
    """Write ``records`` with a format ``module`` into ``out``; the counts and
    losses go to ``report`` (export and convert share this)."""
    if any(r.split for r in records):
        report.splits.update(r.split or "no split" for r in records)
    out.mkdir(parents=True, exist_ok=True)
    result = module.write(records, out, classes, copy_mode=copy_mode, progress=progress)
    report.images, report.shapes = result.images, result.shapes
    report.skipped += result.skipped
    report.lost.update(result.lost)
    return report

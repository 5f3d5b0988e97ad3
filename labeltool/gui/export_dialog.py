"""File > Export's dialog and what it writes.

Where: a folder, new or not (typed, or chosen), or for COCO a ``.json``
file name (the annotations go to that file, the images to ``images/``
beside it). Splits: images keep the split stored for them; the train share
splits the others, or with "split all again" every image. Which images: by default those with labels or marked done; an
image never labelled would otherwise be exported as an image without
objects, which it may well have, so exporting those is asked for. After the
export the files written are named.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import (
    QAbstractSpinBox, QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout,
    QLabel, QLineEdit, QPushButton, QSizePolicy, QStyle, QStyleOptionSpinBox, QWidget,
)

from labeltool.core.project import ImageStatus

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.store import ProjectStore
    from labeltool.formats.project_io import ExportReport

FILE_FORMATS = {"coco": ".json"}  # formats that can write their annotations to one file of this suffix
LISTED_PER_FOLDER = 3  # a folder with more files written is named with its count


def unlabelled_images(store: "ProjectStore") -> int:
    """Images neither labelled nor marked done: what an export would write
    as images without objects."""
    labelled = store.image_ids_with_shapes(source="human")
    return sum(1 for i in store.images() if i.status != ImageStatus.DONE and i.id not in labelled)


def fit_special_text(spin: QAbstractSpinBox) -> None:
    """Make ``spin`` wide enough for its special value text (Qt sizes it by
    its numbers only, which cuts "不划分" off)."""
    text = spin.specialValueText()
    if not text:
        return
    opt = QStyleOptionSpinBox()
    spin.initStyleOption(opt)
    text_size = QSize(spin.fontMetrics().horizontalAdvance(text) + 8, spin.sizeHint().height())
    size = spin.style().sizeFromContents(QStyle.ContentsType.CT_SpinBox, opt, text_size, spin)
    spin.setMinimumWidth(max(spin.sizeHint().width(), size.width()))


def stored_splits(store: "ProjectStore") -> int:
    """Images with a split of their own (train / val / test): an export
    writes them to it unless asked to split all again."""
    return sum(1 for i in store.images() if i.split)


@dataclass
class ExportChoice:
    destination: Path
    split: float | None
    only_done: bool
    unlabelled: bool  # also the images never labelled, as images without objects
    resplit: bool = False  # split every image by ``split``, the stored splits too


class ExportOptions(QDialog):
    def __init__(self, fmt: str, title: str, default: Path, unlabelled: int, parent: QWidget | None = None,
                 stored: int = 0):
        super().__init__(parent)
        self.fmt = fmt
        self.setWindowTitle(self.tr("Export %1").replace("%1", title))
        self.destination = QLineEdit(str(default))
        self.destination.setMinimumWidth(self.fontMetrics().horizontalAdvance("x" * 48))
        folder = QPushButton(self.tr("Folder…"))
        folder.clicked.connect(self._choose_folder)
        where = QHBoxLayout()
        where.addWidget(self.destination, 1)
        where.addWidget(folder)
        suffix = FILE_FORMATS.get(fmt)
        if suffix:
            file = QPushButton(self.tr("File…"))
            file.clicked.connect(self._choose_file)
            where.addWidget(file)
        hint = QLabel(self.tr("A folder that does not exist yet is made; a %1 file name writes the annotations "
                              "to that file and the images to images/ beside it.").replace("%1", suffix)
                      if suffix else self.tr("A folder that does not exist yet is made."))
        hint.setWordWrap(True)
        self.split = QDoubleSpinBox()
        self.split.setRange(0.0, 1.0)
        self.split.setSingleStep(0.05)
        self.split.setValue(0.0)
        self.split.setSpecialValueText(self.tr("no split"))
        fit_special_text(self.split)
        self.split.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # a number, not a line
        # With stored splits (an imported dataset's, or set in the image list)
        # the share splits only the images without one, unless asked to split all.
        self.resplit = QCheckBox(self.tr("Split all images again by this share, replacing the %n stored "
                                         "split(s)", "", stored))
        self.resplit.setVisible(stored > 0)
        self.resplit.setEnabled(False)
        self.split.valueChanged.connect(lambda v: self.resplit.setEnabled(stored > 0 and v > 0))
        split_hint = QLabel(self.tr("%n image(s) have a split of their own (train, val or test) and are written "
                                    "to it; the share splits the others.", "", stored))
        split_hint.setWordWrap(True)
        split_hint.setVisible(stored > 0)
        self.only_done = QCheckBox(self.tr("Only images marked done"))
        self.unlabelled = QCheckBox(self.tr("Also export the %n image(s) never labelled, as images without "
                                            "objects", "", unlabelled))
        self.unlabelled.setChecked(False)
        self.unlabelled.setEnabled(unlabelled > 0)
        self.unlabelled.setToolTip(self.tr("Images nobody labelled may well show objects; a model trained on "
                                           "them learns to miss those."))
        self.only_done.toggled.connect(lambda on: self.unlabelled.setEnabled(not on and unlabelled > 0))
        form = QFormLayout(self)
        form.addRow(self.tr("Export to"), where)
        form.addRow("", hint)
        form.addRow(self.tr("Train share (rest is val)"), self.split)
        form.addRow("", split_hint)
        form.addRow(self.resplit)
        form.addRow(self.only_done)
        form.addRow(self.unlabelled)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to folder"), self._start())
        if folder:
            self.destination.setText(folder)

    def _choose_file(self) -> None:
        suffix = FILE_FORMATS[self.fmt]
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Export to file"), self._start(),
                                              f"{self.fmt.upper()} (*{suffix})")
        if name:
            self.destination.setText(name if name.lower().endswith(suffix) else name + suffix)

    def _start(self) -> str:
        p = Path(self.destination.text().strip() or ".").expanduser()
        while not p.is_dir() and p != p.parent:
            p = p.parent
        return str(p)

    def accept(self) -> None:
        if not self.destination.text().strip():  # nowhere to write: stay open and say so
            self.destination.setPlaceholderText(self.tr("a folder or a file name"))
            self.destination.setFocus()
            return
        super().accept()

    def choice(self) -> ExportChoice:
        return ExportChoice(Path(self.destination.text().strip()).expanduser(), self.split.value() or None,
                            self.only_done.isChecked(), self.unlabelled.isChecked() and self.unlabelled.isEnabled(),
                            self.resplit.isChecked() and self.resplit.isEnabled())


def default_destination(store: "ProjectStore", fmt: str) -> Path:
    """``<project>-<format>`` beside the project folder, numbered so as not to reuse a folder."""
    base = store.root.parent / f"{store.root.name}-{fmt}"
    n, out = 2, base
    while out.exists():
        out, n = base.with_name(f"{base.name}-{n}"), n + 1
    return out


def export_project(store: "ProjectStore", fmt: str, choice: ExportChoice,
                   progress: Callable[[int, int], None] | None = None) -> tuple["ExportReport", list[Path]]:
    """Export as chosen; returns the report and the files written (a file
    that was there already and was rewritten the same counts only if its
    time or size changed)."""
    from labeltool.formats.project_io import export_from

    dest = choice.destination
    options = dict(split=choice.split, resplit=choice.resplit, only_done=choice.only_done,
                   only_labelled=not choice.unlabelled, progress=progress)
    suffix = FILE_FORMATS.get(fmt)
    if suffix and dest.suffix.lower() == suffix:
        return _export_to_file(store, fmt, dest, options)
    before = _listing(dest)
    report = export_from(store, fmt, dest, **options)
    after = _listing(dest)
    return report, sorted(p for p, stamp in after.items() if before.get(p) != stamp)


def _export_to_file(store: "ProjectStore", fmt: str, dest: Path, options: dict) -> tuple["ExportReport", list[Path]]:
    """COCO to ``dest`` (a .json name): written into a folder of its own
    beside it, then its JSON renamed to ``dest`` (``<stem>_<split>.json``
    per split) and its images moved to ``images/`` beside it."""
    from labeltool.formats.project_io import export_from

    folder = dest.parent
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".labeltool-export-", dir=folder))
    try:
        report = export_from(store, fmt, tmp, **options)
        written: list[Path] = []
        for f in sorted((tmp / "annotations").glob("instances_*.json")):
            split = f.stem.removeprefix("instances_")
            target = dest if split == "default" else dest.with_name(f"{dest.stem}_{split}{dest.suffix}")
            os.replace(f, target)
            written.append(target)
        for f in sorted((tmp / "images").rglob("*")):
            if f.is_file():
                target = folder / "images" / f.relative_to(tmp / "images")
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(f, target)
                written.append(target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report.out = folder
    return report, written


def _listing(folder: Path) -> dict[Path, tuple[int, int]]:
    if not folder.is_dir():
        return {}
    out = {}
    for root, _, files in os.walk(folder):
        for name in files:
            p = Path(root) / name
            st = p.stat()
            out[p] = (st.st_mtime_ns, st.st_size)
    return out


def files_written(files: list[Path], root: Path) -> list[str]:
    """The files as lines for the finished message: each named, or a folder
    with many of them as ``images/ (13 files)``."""
    by_folder: dict[Path, list[Path]] = defaultdict(list)
    for f in files:
        by_folder[f.parent].append(f)
    lines = []
    for folder in sorted(by_folder):
        names = by_folder[folder]
        rel = folder.relative_to(root) if folder.is_relative_to(root) else folder
        if len(names) > LISTED_PER_FOLDER:
            lines.append(QCoreApplication.translate("ExportOptions", "%1/ (%2 files)")
                         .replace("%1", rel.as_posix()).replace("%2", str(len(names))))
        else:
            lines += [(f.relative_to(root) if f.is_relative_to(root) else f).as_posix() for f in names]
    return lines

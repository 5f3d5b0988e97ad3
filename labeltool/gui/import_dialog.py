"""File > Import's steps in the window: read the dataset off the GUI thread
(:class:`ReadJob`: finding the format and reading every annotation file of
a large dataset takes seconds), show what was found before anything is
imported (:class:`ImportPreview`); :mod:`.io_menu` says after the import
what came in. Reading touches no store; the import itself is
one store transaction on the GUI thread."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from .gui_queue import PostingThread

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.formats.detect import Detected

# The format names the menus show.
FORMAT_TITLES = {"voc": "Pascal VOC", "coco": "COCO", "labelme": "labelme", "yolo": "YOLO",
                 "ppocr": "PPOCRLabel", "icdar": "ICDAR", "imagefolder": "ImageFolder"}


class ReadJob(PostingThread):
    """Read ``src`` as ``fmt`` (found by looking when None) on a thread of
    its own; ``on_done(detected)`` or ``on_failed(message)`` is called on the
    GUI thread, ``on_progress(done, total)`` as it goes. A cancelled job
    finishes its read and calls nothing."""

    def __init__(self, src: Path, fmt: str | None, on_done: Callable[["Detected"], None],
                 on_failed: Callable[[str], None], on_progress: Callable[[int, int], None],
                 parent: QObject | None = None):
        super().__init__(parent)
        self.src, self.fmt = src, fmt
        self._on = (on_done, on_failed, on_progress)
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def _call(self, index: int, *args: Any) -> None:
        if not self.cancelled:
            self._on[index](*args)

    def run(self) -> None:
        from labeltool.formats import FormatError
        from labeltool.formats.detect import read_dataset

        try:
            detected = read_dataset(self.src, self.fmt, lambda d, t: self.post(self._call, 2, d, t))
        except (FormatError, OSError, ValueError) as e:
            self.post(self._call, 1, str(e))
            return
        self.post(self._call, 0, detected)


class ImportPreview(QDialog):
    """What a dataset folder holds, read: the format, its layout and
    annotation files, images per split, other formats seen beside it, and
    what cannot come in. Import or Cancel."""

    def __init__(self, detected: "Detected", src: Path, parent: QWidget | None = None):
        super().__init__(parent)
        self.detected = detected
        ds = detected.dataset
        title = FORMAT_TITLES.get(detected.format, detected.format)
        self.setWindowTitle(self.tr("Import %1").replace("%1", title))
        lines = [self.tr("Found in %1:").replace("%1", str(src)),
                 self.tr("Format: %1").replace("%1", title)]
        if ds.layout:
            lines.append(self.tr("Layout: %1").replace("%1", ds.layout))
        if ds.files:
            lines.append(self.tr("%n annotation file(s)", "", ds.files))
        lines.append(self.tr("%n image(s) with %1 shapes", "", len(ds.records))
                     .replace("%1", str(sum(len(r.shapes) for r in ds.records))))
        if detected.splits:
            parts = [f"{name} {n}" if name else self.tr("in no split %1").replace("%1", str(n))
                     for name, n in detected.splits.items()]
            lines.append(self.tr("Splits (kept per image): %1").replace("%1", ", ".join(parts)))
        if detected.others:
            lines.append(self.tr("Also found %1 files, not read: choose that format under File > Import to read "
                                 "them.").replace("%1", ", ".join(FORMAT_TITLES.get(o, o) for o in detected.others)))
        if ds.lost:
            lines.append(self.tr("Cannot come in: %1").replace("%1", lost_text(ds.lost)))
        self.text = QLabel("\n".join(lines))
        self.text.setWordWrap(True)
        self.text.setToolTip(detected.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton(self.tr("Import"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.text)
        lay.addWidget(buttons)


def lost_text(lost: dict[str, int]) -> str:
    """``keypoints 12, line shapes 3``: what did not come in, by kind (the
    formats name the kinds)."""
    return ", ".join(f"{kind} {n}" for kind, n in sorted(lost.items(), key=lambda kv: -kv[1]) if n)

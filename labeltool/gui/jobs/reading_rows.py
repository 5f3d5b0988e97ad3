"""A recogniser run's streamed predictions as lines to look at: each text
region it read, cut out rectified as the model saw it, with what it read
and what the person typed, worst read first (as the run's report lists
them).

Built on the training thread beside the thumbnails (QImage only, which Qt
allows off the GUI thread), so a new epoch costs the GUI thread a pixmap
per line.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from engine.ocr.reader import reading_order
from engine.text.reading import line_cer, worst_first
from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import TextRegion
from labeltool.formats.ppocr import rotate_crop

from ..training.thumbnails import _qimage

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from engine.events import PredictionSample
    from engine.text.reading import LineReading

LINE_HEIGHT = 32  # the crop's height in the list (the recognisers read 32-pixel lines)
MAX_WIDTH = 320  # a longer line is squeezed to this width in the list


@dataclass
class LineRow:
    crop: QImage
    read: str
    truth: str
    score: float
    cer: float  # this line's character error rate
    sample: int  # which of the epoch's samples (and thumbnails) it was read on

    @property
    def correct(self) -> bool:
        return self.read == self.truth


def line_image(image: np.ndarray | None, points: Sequence[tuple[float, float]]) -> QImage:
    """The line inside ``points`` cut out upright, 32 px high (a grey stand-in when there is none)."""
    crop = rotate_crop(image, [tuple(p) for p in reading_order(points)]) if image is not None else None
    if crop is None:  # the image is gone, or the quad has no area
        blank = QImage(LINE_HEIGHT * 3, LINE_HEIGHT, QImage.Format.Format_RGB888)
        blank.fill(QColor(60, 60, 60))
        return blank
    line = _qimage(crop).scaledToHeight(LINE_HEIGHT, Qt.TransformationMode.SmoothTransformation)
    if line.width() > MAX_WIDTH:
        line = line.scaled(MAX_WIDTH, LINE_HEIGHT, Qt.AspectRatioMode.IgnoreAspectRatio,
                           Qt.TransformationMode.SmoothTransformation)
    return line


def reading_rows(samples: Sequence[PredictionSample]) -> list[LineRow]:
    """The lines a recogniser read in ``samples`` (its readings name the
    region they read in ``attributes["reads"]``), worst first; [] for the
    other tasks, without loading an image."""
    rows: list[LineRow] = []
    for k, sample in enumerate(samples):
        truths = {s.id: s for s in sample.ground_truth if isinstance(s, TextRegion)}
        readings = [p for p in sample.predictions
                    if isinstance(p, TextRegion) and p.attributes.get("reads") in truths]
        if not readings:
            continue
        try:
            image = load_image(sample.image_path)
        except (ImageLoadError, OSError):
            image = None
        for p in readings:
            truth = truths[p.attributes["reads"]].transcription
            rows.append(LineRow(line_image(image, p.points), p.transcription, truth, p.source.score or 0.0,
                                line_cer(p.transcription, truth), k))
    return worst_first(rows)  # type: ignore[arg-type, return-value]  (it sorts anything with cer and score)


def report_rows(lines: Sequence[LineReading], root: Path) -> list[LineRow]:
    """The lines of a recogniser's report (engine.text.report, worst first)
    as rows to show, in that order; ``sample`` is each line's index in
    ``lines``. Each image (under the project folder ``root``) is loaded once."""
    images: dict[str, np.ndarray | None] = {}
    rows = []
    for k, line in enumerate(lines):
        if line.image not in images:
            try:
                images[line.image] = load_image(root / line.image)
            except (ImageLoadError, OSError):
                images[line.image] = None
        rows.append(LineRow(line_image(images[line.image], line.points), line.predicted, line.truth, line.score,
                            line.cer, k))
    return rows

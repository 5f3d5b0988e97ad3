"""The OCR engine: a detector finds quads, each quad is cut out rectified
(perspective transform, as PPOCRLabel crops), an optional direction
classifier turns upside-down crops, and a recogniser reads them.

The steps are objects behind small protocols so that one can be swapped (a
recogniser trained in this project in place of PP-OCR's) without touching
the others. Images and crops are RGB ``uint8`` arrays, quads are 4 points in
image pixels, clockwise from the text's top-left.
"""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from labeltool.core.images import load_image
from labeltool.core.shapes import Source, TextRegion
# PPOCRLabel's crop and class name: the crops read here are the crops an
# export writes to crop_img/ for training a recogniser.
from labeltool.formats.ppocr import TEXT_LABEL, rotate_crop

from ..errors import ConfigError

# The model name of every text region read here. One fixed name (not the
# recogniser file's) so that reading text again replaces the earlier reading
# in the store, whatever recogniser made it, and leaves a trained detector's
# predictions alone (ProjectStore.replace_predictions(..., model=OCR_MODEL)).
OCR_MODEL = "pp-ocr"

Point = tuple[float, float]
QuadLike = Sequence[Sequence[float]]  # 4 points (x, y), as a list or a (4, 2) array


@dataclass(frozen=True)
class OcrSettings:
    """How text is read; the defaults are PP-OCR's (and PPOCRLabel's).

    ``rec_model``/``rec_keys``: another PP-OCR ONNX recogniser and its
    character list (one character a line; not needed when the ONNX file
    embeds it, as rapidocr's do). ``rec_run``: a recogniser trained here
    (a run folder or its export) reads instead (engine.text, on the CPU).
    ``det_run``: a text detector trained here finds the quads instead of
    PP-OCR's detector (``box_threshold`` is then the least score of a quad
    it keeps; ``unclip_ratio`` is PP-OCR's alone). With both runs, a trained
    pair reads text end to end.
    ``threads``: ONNX Runtime threads per model (None: all cores), so the
    window can leave one to the GUI."""

    box_threshold: float = 0.5  # DB detector: mean probability inside a box to keep it
    unclip_ratio: float = 1.6  # DB detector: how far a found text kernel is grown into its box
    use_direction_classifier: bool = True
    min_score: float = 0.5  # read_text keeps regions whose recognition score is at least this
    rec_model: Path | None = None
    rec_keys: Path | None = None
    threads: int | None = None
    rec_run: Path | None = None
    det_run: Path | None = None

    def __post_init__(self) -> None:
        for name in ("rec_model", "rec_keys", "rec_run", "det_run"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, Path):
                object.__setattr__(self, name, Path(os.fspath(value)).expanduser())
        if not 0.0 <= self.box_threshold < 1.0:
            raise ConfigError(f"box threshold {self.box_threshold} is outside [0, 1); PP-OCR uses 0.5")
        if not self.unclip_ratio > 0:
            raise ConfigError(f"unclip ratio {self.unclip_ratio} must be above 0; PP-OCR uses 1.6")
        if not 0.0 <= self.min_score <= 1.0:
            raise ConfigError(f"minimum text score {self.min_score} is outside [0, 1]")
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"threads must be at least 1, not {self.threads}")
        if self.rec_keys is not None and self.rec_model is None:
            raise ConfigError("a character list belongs to a recogniser: give the recogniser's ONNX file too")
        if self.rec_run is not None and self.rec_model is not None:
            raise ConfigError("choose one recogniser: a PP-OCR ONNX file or a run trained here, not both")


class TextDetector(Protocol):
    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Quads (``(4, 2)`` float arrays, clockwise from the text's
        top-left) in ``image``'s pixels, in reading order."""


class TextRecognizer(Protocol):
    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        """``(text, score)`` of each upright RGB crop, in order."""


class CropOrienter(Protocol):
    def upright(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        """The crops, each turned right way up."""


def reading_order(quad: QuadLike) -> np.ndarray:
    """``quad`` as a ``(4, 2)`` array clockwise (on screen) from the corner
    that starts its most nearly left-to-right edge.

    A person may click the corners of a quad in any order; cut out as given,
    a counter-clockwise quad comes out mirrored and one started at another
    corner comes out turned, and neither reads. Text within 45 degrees of
    level comes out upright; steeper text is turned by the crop's
    tall-to-wide rule and the direction classifier."""
    pts = np.asarray(quad, dtype=np.float32).reshape(-1, 2)
    if pts.shape != (4, 2) or not np.isfinite(pts).all():
        raise ValueError(f"a text quad has 4 finite points (x, y), got {np.asarray(quad).tolist()!r}")
    x, y = pts[:, 0], pts[:, 1]
    # Shoelace sum: positive for clockwise on screen (y points down).
    if float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y)) < 0:
        pts = pts[[0, 3, 2, 1]]
    edges = np.roll(pts, -1, axis=0) - pts
    lengths = np.linalg.norm(edges, axis=1)
    rightward = np.divide(edges[:, 0], lengths, out=np.full(4, -2.0, dtype=np.float32), where=lengths > 0)
    return np.roll(pts, -int(np.argmax(rightward)), axis=0)


def _as_rgb(image: np.ndarray) -> np.ndarray:
    """An ``(h, w, 3)`` uint8 view/copy of a grey, grey+1, RGB or RGBA array."""
    a = np.asarray(image)
    if a.dtype != np.uint8:
        raise ValueError(f"an image to read is a uint8 array, not {a.dtype}")
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[..., 0]
    if a.ndim == 2:
        a = np.repeat(a[..., None], 3, axis=2)
    if a.ndim != 3 or a.shape[2] not in (3, 4) or a.shape[0] < 1 or a.shape[1] < 1:
        raise ValueError(f"an image to read is (h, w), (h, w, 3) or (h, w, 4), not {a.shape}")
    return a[..., :3]


class OcrEngine:
    """Detector + (direction classifier) + recogniser, loaded once and reused.

    Calls may come from several threads (the window re-reads a quad while a
    worker reads a folder): one lock runs them one at a time, since
    rapidocr's detector keeps per-call state on itself."""

    def __init__(self, detector: TextDetector, recognizer: TextRecognizer, orienter: CropOrienter | None = None,
                 min_score: float = 0.5, model: str = OCR_MODEL):
        self.detector = detector
        self.recognizer = recognizer
        self.orienter = orienter
        self.min_score = min_score
        self.model = model
        self._lock = threading.Lock()

    @classmethod
    def load(cls, settings: OcrSettings | None = None) -> "OcrEngine":
        """PP-OCR's models from the rapidocr wheel (seconds); prefer
        :func:`load_ocr`, which keeps the loaded engine."""
        from .ppocr import load_ppocr

        return load_ppocr(settings or OcrSettings())

    def detect(self, image: np.ndarray) -> list[list[Point]]:
        """The quads the detector finds, in reading order, no text read."""
        rgb = _as_rgb(image)
        with self._lock:
            quads = self.detector.detect(rgb)
        return [_points(q) for q in quads]

    def recognize_quads(self, image: np.ndarray, quads: Sequence[QuadLike]) -> list[tuple[str, float]]:
        """PPOCRLabel's re-recognition: ``(text, score)`` for each quad of
        ``image`` (drawn by a person or accepted), cut out rectified, turned
        text included. A quad with no area reads ``("", 0.0)``; a malformed
        one raises ValueError."""
        rgb = _as_rgb(image)
        ordered = [reading_order(q) for q in quads]
        with self._lock:
            return self._recognize(rgb, ordered)

    def read_text(self, image: np.ndarray, label: str = TEXT_LABEL) -> list[TextRegion]:
        """Model text regions of ``image`` (an RGB, RGBA or grey uint8 array):
        quad, transcription, and the recognition score in ``source``. Empty
        readings and those scoring under ``min_score`` are left out."""
        rgb = _as_rgb(image)
        with self._lock:
            quads = self.detector.detect(rgb)
            readings = self._recognize(rgb, quads)
        return [TextRegion(label=label, points=_points(q), transcription=text,
                           source=Source.from_model(self.model, score))
                for q, (text, score) in zip(quads, readings)
                if text.strip() and score >= self.min_score]

    def read_file(self, path: os.PathLike | str, label: str = TEXT_LABEL) -> list[TextRegion]:
        """:meth:`read_text` of the upright image at ``path``; raises
        :class:`~labeltool.core.images.ImageLoadError` (naming the file and
        why) when it cannot be read."""
        return self.read_text(load_image(path), label)

    def _recognize(self, rgb: np.ndarray, quads: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        crops = [rotate_crop(rgb, q) for q in quads]
        kept = [i for i, c in enumerate(crops) if c is not None]
        upright = [np.ascontiguousarray(crops[i]) for i in kept]
        if upright and self.orienter is not None:
            upright = self.orienter.upright(upright)
        readings: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for i, reading in zip(kept, self.recognizer.recognize(upright) if upright else []):
            readings[i] = reading
        return readings


def _points(quad: np.ndarray) -> list[Point]:
    return [(float(x), float(y)) for x, y in np.asarray(quad).reshape(4, 2)]


def load_ocr(settings: OcrSettings | None = None) -> OcrEngine:
    """The engine for ``settings``, loaded on the first call and kept (one
    at a time: other settings load anew and let the old one go)."""
    settings = settings or OcrSettings()
    return _load_kept(settings, _weights_stamp(settings))


def _weights_stamp(settings: OcrSettings) -> tuple[tuple[str, int], ...]:
    """When each model file the settings name was last written: a run
    trained on (resumed) or exported again keeps its folder but not its
    weights, and the engine kept for those settings must load anew."""
    stamp = []
    for path in (settings.rec_run, settings.det_run, settings.rec_model, settings.rec_keys):
        if path is None:
            continue
        path = Path(path)
        files = sorted(f for f in path.iterdir() if f.suffix in (".pt", ".onnx", ".ts")) if path.is_dir() else [path]
        stamp += [(str(f), f.stat().st_mtime_ns) for f in files if f.is_file()]
    return tuple(stamp)


@functools.lru_cache(maxsize=1)
def _load_kept(settings: OcrSettings, stamp: tuple[tuple[str, int], ...]) -> OcrEngine:
    return OcrEngine.load(settings)

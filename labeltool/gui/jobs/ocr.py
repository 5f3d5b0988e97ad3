"""Reading text from the window: PP-OCR (:mod:`engine.ocr`) on worker threads,
or a text detector and recogniser trained in the project in its place.

- Read text: :class:`OcrRef` has :class:`~.predict.ModelRef`'s shape
  (``name``, ``load``), so the Review panel runs it in the same
  :class:`~.predict.PredictJob` as a trained run (progress, Cancel, an
  unreadable image skipped with a message); what ``load`` returns reads
  each image with :meth:`engine.ocr.OcrEngine.read_file`.
- Re-read: :class:`RereadJob` recognises the quads of text regions a person
  drew or accepted (PPOCRLabel's re-recognition), off the GUI thread.

Both get the engine from :func:`engine.ocr.load_ocr`, which loads it once
(seconds) and keeps it for the next call with the same settings. The
settings a person chooses are :class:`OcrOptions`, plain data kept per
project in the store's meta (paths inside the project relative to it, so
that the project can move).
"""
from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from engine.ocr import OCR_MODEL, OcrEngine, OcrSettings
from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import Shape

from ..gui_queue import PostingThread
from .failure import failure_text
from .predict import MIN_SCORE
from .project_meta import json_object, relative_path, resolved_path

__all__ = ["OCR_MODEL", "OPTIONS_KEY", "OcrOptions", "OcrRef", "RegionReader", "RereadJob", "TextReader",
           "reading_regions"]

OPTIONS_KEY = "ocr_settings"  # store meta: the project's OcrOptions as JSON
_PP_OCR = OcrSettings()  # PP-OCR's own defaults, the engine's word on them
# ONNX Runtime threads: every core but one, which the window keeps (as
# training on the CPU does), so that reading text never freezes it.
WINDOW_THREADS = max(1, (os.cpu_count() or 2) - 1)


@dataclass(frozen=True)
class OcrOptions:
    """What a person sets about reading text (the Read text settings)."""

    box_threshold: float = _PP_OCR.box_threshold
    unclip_ratio: float = _PP_OCR.unclip_ratio
    direction_classifier: bool = _PP_OCR.use_direction_classifier
    rec_model: str = ""  # another PP-OCR ONNX recogniser; "" = the shipped one
    rec_keys: str = ""  # its character list, when the ONNX file holds none
    det_run: str = ""  # a text detector trained here (a run folder) finds the lines; "" = PP-OCR's
    rec_run: str = ""  # a recogniser trained here reads them; "" = PP-OCR's (or rec_model)

    def settings(self, root: Path | None, min_score: float) -> OcrSettings:
        """The engine's settings (raises :class:`engine.errors.ConfigError`
        with the engine's words when a value cannot work); relative paths
        are under the project folder ``root``."""
        return OcrSettings(box_threshold=self.box_threshold, unclip_ratio=self.unclip_ratio,
                           use_direction_classifier=self.direction_classifier, min_score=min_score,
                           rec_model=resolved_path(self.rec_model, root), rec_keys=resolved_path(self.rec_keys, root),
                           det_run=resolved_path(self.det_run, root), rec_run=resolved_path(self.rec_run, root),
                           threads=WINDOW_THREADS)

    def problem(self, root: Path | None) -> str | None:
        """The engine's sentence on why these options cannot work, else None."""
        from engine.errors import ConfigError

        try:
            self.settings(root, 0.0)
        except ConfigError as e:
            return str(e)
        return None

    def to_json(self, root: Path | None) -> str:
        """For the store's meta: files inside ``root`` relative to it."""
        return json.dumps({**asdict(self), **{k: relative_path(getattr(self, k), root) for k in _PATHS}})

    @classmethod
    def from_json(cls, text: str | None) -> "OcrOptions":
        """What :meth:`to_json` wrote; PP-OCR's defaults for anything
        missing or unreadable (a value written by another version)."""
        data = json_object(text)
        kept: dict[str, Any] = {}
        for f in fields(cls):
            value, default = data.get(f.name), getattr(cls, f.name)
            if isinstance(default, bool):
                ok = isinstance(value, bool)
            elif isinstance(default, float):
                ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            else:
                ok = isinstance(value, str)
            if ok:
                kept[f.name] = type(default)(value)
        return cls(**kept)


_PATHS = ("rec_model", "rec_keys", "det_run", "rec_run")  # OcrOptions' files and folders


class TextReader:
    """An OCR engine with a trained predictor's ``predict`` (what
    :class:`~.predict.PredictJob` calls)."""

    def __init__(self, engine: OcrEngine):
        self.engine = engine

    def predict(self, paths: Sequence[os.PathLike | str], score_threshold: float = 0.0, *,
                on_unreadable: Callable[[Path, ImageLoadError], None] | None = None) -> list[list[Shape]]:
        out: list[list[Shape]] = []
        for p in paths:
            try:
                regions = self.engine.read_file(p)
            except ImageLoadError as e:
                if on_unreadable is None:
                    raise
                on_unreadable(Path(p), e)
                out.append([])
                continue
            out.append([r for r in regions if (r.source.score or 0.0) >= score_threshold])
        return out


class RegionReader:
    """A recogniser run as pre-labelling calls a predictor: it finds no text
    by itself, so each image's text regions that a person drew or accepted
    are read (:func:`engine.text.cli.read_project_regions`'s way), each
    reading a model text region on the same quad. Everything else (task,
    classes, run name) is the predictor's."""

    def __init__(self, predictor: Any, run: Path):
        self.predictor = predictor
        self.run = Path(run)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.predictor, name)

    def predict(self, paths: Sequence[os.PathLike | str], score_threshold: float = 0.0, *,
                on_unreadable: Callable[[Path, ImageLoadError], None] | None = None,
                **_options: Any) -> list[list[Shape]]:
        from engine.text.cli import read_project_regions

        def unreadable(path: Path, e: ImageLoadError) -> None:
            if on_unreadable is None:
                raise e
            on_unreadable(path, e)

        images = [Path(p) for p in paths]
        # Every reading is kept, whatever its score: the region's text is what the review is for.
        read = dict(read_project_regions(self.run, self.predictor, images, unreadable, progress=False))
        return [read.get(path, []) for path in images]


def reading_regions(predictor: Any, run: Path) -> Any:
    """``predictor``, or for a recogniser the :class:`RegionReader` that
    reads the images' text regions with it."""
    return RegionReader(predictor, run) if getattr(predictor, "task", None) == "recognize" else predictor


@dataclass(frozen=True)
class OcrRef:
    """Read text with PP-OCR, as :class:`~.predict.PredictJob` runs a model."""

    options: OcrOptions
    root: Path | None = None  # the project folder (relative recogniser paths)
    min_score: float = MIN_SCORE  # kept down to this, so the score slider can show less sure readings

    name = OCR_MODEL  # the model name its predictions carry in the store

    def load(self, device: str = "auto") -> TextReader:
        """The engine, loaded on the first call (seconds; call it on a
        worker thread) and kept; ``device`` is ignored: PP-OCR runs on the CPU."""
        from engine.ocr import load_ocr

        return TextReader(load_ocr(self.options.settings(self.root, self.min_score)))


Quad = Sequence[tuple[float, float]]


class RereadJob(PostingThread):
    """Recognise ``quads`` (``(shape id, 4 points)``) of the image at ``path``."""

    read = Signal(object)  # list[(shape id, points, text, score)], in the order given
    failed = Signal(str)  # the engine could not load, or the image could not be read

    def __init__(self, ref: OcrRef, path: Path, quads: list[tuple[str, Quad]], parent: Any = None):
        super().__init__(parent)
        self.ref = ref
        self.path = Path(path)
        self.quads = list(quads)

    def run(self) -> None:
        try:
            engine = self.ref.load().engine
            image = load_image(self.path)
            readings = engine.recognize_quads(image, [q for _, q in self.quads])
            self.post(self.read.emit, [(sid, list(q), text, score)
                                       for (sid, q), (text, score) in zip(self.quads, readings)])
        except ImageLoadError as e:
            self.post(self.failed.emit, str(e))
        except Exception as e:  # noqa: BLE001 - shown to the user; the window must survive any model error
            self.post(self.failed.emit, failure_text(e))

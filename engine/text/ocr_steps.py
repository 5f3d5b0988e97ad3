"""Trained text models as steps of :class:`engine.ocr.OcrEngine`: a
recogniser run (or its export) in place of PP-OCR's recogniser, and a
text-detector run in place of PP-OCR's detector, so that a trained pair
reads text end to end::

    engine = OcrEngine(RunTextDetector.load(det_run), RunRecognizer.load(rec_run))
    regions = engine.read_text(image)
"""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np
import torch

from labeltool.core.shapes import Shape

from ..errors import ConfigError
from ..predict import Predictor, load_model


def _load(path: os.PathLike | str, task: str, device: str, checkpoint: str | None) -> Predictor:
    predictor = load_model(path, device=device, checkpoint=checkpoint)
    if predictor.task != task:
        what = {"recognize": "a text recogniser (task recognize)", "textdet": "a text detector (task textdet)"}[task]
        raise ConfigError(f"{path} holds a {predictor.task} model, not {what}")
    return predictor


class RunRecognizer:
    """A recogniser trained here, with :class:`engine.ocr.reader.TextRecognizer`'s
    ``recognize(crops)``."""

    def __init__(self, predictor: Predictor, batch_size: int = 64):
        self.predictor = predictor
        self.batch_size = batch_size

    @classmethod
    def load(cls, path: os.PathLike | str, device: str = "cpu", checkpoint: str | None = None) -> "RunRecognizer":
        """From a run folder or an exported model; :class:`ConfigError` when
        it holds another kind of model."""
        return cls(_load(path, "recognize", device, checkpoint))

    @property
    def characters(self) -> list[str]:
        """What the recogniser can write (the run's character set)."""
        return list(self.predictor.classes)

    @property
    def name(self) -> str:
        return self.predictor.run_name

    def recognize(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        p = self.predictor
        return p.adapter.read_crops(p.model, crops, p.img_size, p.device,  # type: ignore[attr-defined]
                                    batch_size=self.batch_size)


class RunTextDetector:
    """A text detector trained here, with :class:`engine.ocr.reader.TextDetector`'s ``detect(image)``."""

    def __init__(self, predictor: Predictor, box_threshold: float = 0.5):
        self.predictor = predictor
        self.box_threshold = box_threshold

    @classmethod
    def load(cls, path: os.PathLike | str, device: str = "cpu", checkpoint: str | None = None,
             box_threshold: float = 0.5) -> "RunTextDetector":
        return cls(_load(path, "textdet", device, checkpoint), box_threshold)

    def detect(self, image: np.ndarray) -> list[np.ndarray]:
        """Quads in reading order: top to bottom, then left to right."""
        p = self.predictor
        with torch.no_grad():
            regions = p.adapter.predict(p.model, [image], p.img_size, p.device, p.run_name, self.box_threshold)[0]
        quads = [np.asarray(r.points, dtype=np.float32) for r in regions]  # type: ignore[attr-defined]
        return sorted(quads, key=_reading_key)


def _reading_key(quad: np.ndarray) -> tuple[float, float]:
    # By the top-left corner's row, in steps of half the line's height (a line a little lower is the
    # same row), then by its column.
    height = float(np.linalg.norm(quad[3] - quad[0])) or 1.0
    return round(float(quad[0][1]) / max(1.0, height / 2)), float(quad[0][0])


def read_regions(predictor: Predictor, image: np.ndarray, regions: Sequence[Shape]) -> list[Shape]:
    """A recogniser ``predictor``'s reading of the text regions among
    ``regions`` of ``image`` (an RGB array): model text regions with the
    same quads and the text read, each naming the region it read
    (``attributes["reads"]``)."""
    return predictor.adapter.predict(predictor.model, [image], predictor.img_size, predictor.device,
                                     predictor.run_name, regions=[list(regions)])[0]

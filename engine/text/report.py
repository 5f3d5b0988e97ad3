"""The recogniser's report: every text region of the images a run was
validated on, read by the model, worst read first, a queue for checking
transcriptions (a line the model reads confidently otherwise may be typed
wrong) and for seeing what the model cannot read yet."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import TextRegion
from labeltool.core.store import Snapshot

from ..predict import Predictor
from ..samples import TEXT_CLASS, is_readable
from ..splits import evaluation_set
from .lines import line_crop
from .reading import LineReading, ReadingScore, worst_first


@dataclass
class ReadingReport:
    lines: list[LineReading]  # worst read first
    score: ReadingScore  # accuracy and CER over all of them
    source: str  # which images: engine.splits.EvaluationSet.source
    unreadable: list[str] = field(default_factory=list)  # images that could not be loaded
    images: int = 0  # the images judged (EvaluationSet.samples)
    gone: int = 0  # EvaluationSet.gone: recorded validation images no longer labelled


def reading_report(predictor: Predictor, snapshot: Snapshot, run_dir: Path | str | None = None) -> ReadingReport:
    """Read the transcribed regions (not marked difficult) of the images
    ``run_dir`` was validated on (every labelled image for an exported
    model) with ``predictor``, a recogniser."""
    # Regions are collected under the one class text regions share; their
    # characters need not be the model's (those lines show what it cannot write).
    chosen = evaluation_set(snapshot, "recognize", [TEXT_CLASS], run_dir)
    lines: list[LineReading] = []
    score = ReadingScore()
    unreadable: list[str] = []
    adapter = predictor.adapter
    for sample in chosen.samples:
        try:
            image = load_image(sample.path)
        except ImageLoadError:
            unreadable.append(sample.rel)
            continue
        regions = [s for s in sample.shapes if isinstance(s, TextRegion) and is_readable(s)]
        crops = [line_crop(image, r.points) for r in regions]
        kept = [i for i, c in enumerate(crops) if c is not None]
        readings = adapter.read_crops(predictor.model, [crops[i] for i in kept],  # type: ignore[attr-defined]
                                      predictor.img_size, predictor.device)
        for i, (text, conf) in zip(kept, readings):
            region = regions[i]
            lines.append(LineReading(sample.rel, region.id, list(region.points), region.transcription, text, conf))
            score.add(text, region.transcription)
    return ReadingReport(worst_first(lines), score, chosen.source, unreadable, len(chosen.samples), chosen.gone)

"""Which text regions teach a recogniser, and the characters it learns.

No torch here: the Train dialog, ``engine.checks`` and the run read the same
rules. A region trains a recogniser when it has a transcription and is not
marked difficult (PPOCRLabel's and ICDAR's "###": a person could not read
it either): :func:`engine.samples.is_readable`. The character set is every
character of those transcriptions (any script: Chinese is the common case),
sorted by code point; it is the run's ``classes``, so ``config.json``,
every checkpoint and every export's ``model.json`` carry it.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from labeltool.core.shapes import TextRegion
from labeltool.core.store import Snapshot

from ..i18n import QT_TRANSLATE_NOOP
from ..samples import Sample, collect, is_readable

__all__ = ["TEXT_REASONS", "TextHint", "build_charset", "is_readable", "recognition_data", "text_hint",
           "unknown_characters"]


def build_charset(texts: Iterable[str]) -> list[str]:
    """Every character of ``texts``, sorted by code point (a stable order:
    the same transcriptions give the same output columns)."""
    return sorted({ch for t in texts for ch in t})


def unknown_characters(text: str, charset: Iterable[str]) -> set[str]:
    known = set(charset)
    return {ch for ch in text if ch not in known}


def recognition_data(snapshot: Snapshot, charset: list[str] | None = None,
                     ) -> tuple[list[Sample], list[str], list[str]]:
    """``(samples, charset, warnings)`` for a recogniser: the images with
    readable regions (each sample's shapes are those regions). With
    ``charset`` given (a resumed run) regions holding other characters are
    left out, since the model has no output for them."""
    samples, _, warnings = collect(snapshot, "recognize")
    if charset is None:
        charset = build_charset(s.transcription for sample in samples for s in sample.shapes  # type: ignore
                                if isinstance(s, TextRegion))
        return samples, charset, warnings
    dropped: set[str] = set()
    kept: list[Sample] = []
    count = 0
    for sample in samples:
        shapes = []
        for s in sample.shapes:
            unknown = unknown_characters(s.transcription, charset)  # type: ignore[attr-defined]
            dropped |= unknown
            count += bool(unknown)
            if not unknown:
                shapes.append(s)
        if shapes:
            kept.append(Sample(sample.path, sample.rel, shapes))
    if count:
        shown = "".join(sorted(dropped)[:20]) + ("..." if len(dropped) > 20 else "")
        warnings.append(f"{count} text region(s) hold characters the resumed model cannot write ({shown}) and "
                        "were left out; start a new run to learn them")
    return kept, list(charset), warnings


# ------------------------------------------------------------- the hint
# Most regions transcribed: enough to learn reading from.
TRANSCRIBED_SHARE = 0.5

# Why a text task is suggested (engine.checks.SUGGESTION_REASONS holds them
# beside the other tasks' reasons), in the context "TrainingChecks".
TEXT_REASONS = {
    "text_transcribed": QT_TRANSLATE_NOOP(
        "TrainingChecks", "{transcribed} of {regions} text regions have a transcription: a recogniser learns to "
                          "read them. Train a text detector as well, to find the lines in new images."),
    "text_lines": QT_TRANSLATE_NOOP(
        "TrainingChecks", "{images} images have text regions, {transcribed} of {regions} with a transcription: a "
                          "text detector learns to find the lines. Type the text of most regions to train a "
                          "recogniser too."),
}


@dataclass
class TextHint:
    """The text task to suggest (``code``: a key of :data:`TEXT_REASONS`)
    and the counts behind it."""

    task: str  # "textdet" | "recognize"
    code: str
    images: int  # images holding text regions that train (not skipped, not missing)
    regions: int
    transcribed: int  # of the regions, readable ones (a transcription, not difficult)

    @property
    def params(self) -> dict[str, Any]:
        return {"images": self.images, "regions": self.regions, "transcribed": self.transcribed}

    @property
    def message(self) -> str:
        return TEXT_REASONS[self.code].format(**self.params)


def text_hint(snapshot: Snapshot) -> TextHint | None:
    """Which text task a project's text regions suggest: the detector by
    default, the recogniser when most regions have a transcription. None
    when the project has no text region."""
    samples = [s for s in collect(snapshot, "textdet")[0] if s.shapes]
    regions = sum(len(s.shapes) for s in samples)
    if not regions:
        return None
    transcribed = sum(len(s.shapes) for s in collect(snapshot, "recognize")[0])
    if transcribed > TRANSCRIBED_SHARE * regions:
        return TextHint("recognize", "text_transcribed", len(samples), regions, transcribed)
    return TextHint("textdet", "text_lines", len(samples), regions, transcribed)

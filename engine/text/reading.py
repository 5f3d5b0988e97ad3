"""How well lines were read: exact-match accuracy and character error rate
(edit distance from ``rapidfuzz``), and the report that lists the worst
read lines first (a review queue for transcriptions). No torch here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable

from rapidfuzz.distance import Levenshtein


def edit_distance(predicted: str, truth: str) -> int:
    """Characters to insert, delete or substitute to turn one into the other."""
    return int(Levenshtein.distance(predicted, truth))


def line_cer(predicted: str, truth: str) -> float:
    """The character error rate of one line: its edits per true character
    (an empty truth: 0 when nothing was read, else 1)."""
    if not truth:
        return 0.0 if not predicted else 1.0
    return edit_distance(predicted, truth) / len(truth)


@dataclass
class ReadingScore:
    """Accumulates lines; ``cer`` is all edits over all true characters
    (long lines weigh more, as every OCR benchmark counts)."""

    lines: int = 0
    exact: int = 0
    edits: int = 0
    characters: int = 0

    def add(self, predicted: str, truth: str) -> None:
        self.lines += 1
        self.exact += predicted == truth
        self.edits += edit_distance(predicted, truth)
        self.characters += len(truth)

    @property
    def accuracy(self) -> float:
        return self.exact / self.lines if self.lines else float("nan")

    @property
    def cer(self) -> float:
        return self.edits / self.characters if self.characters else float("nan")

    def metrics(self) -> dict[str, float]:
        return {"cer": self.cer, "line_accuracy": self.accuracy}


@dataclass
class LineReading:
    """One text region as a recogniser read it."""

    image: str  # the image's path relative to the project
    region_id: str  # the human shape's id
    points: list[tuple[float, float]]
    truth: str
    predicted: str
    score: float
    cer: float = field(init=False)

    def __post_init__(self) -> None:
        self.cer = line_cer(self.predicted, self.truth)

    @property
    def correct(self) -> bool:
        return self.predicted == self.truth


def worst_first(readings: Iterable[LineReading]) -> list[LineReading]:
    """Readings in the order a person should check them: the highest
    character error first; among equals the least sure reading first (a
    right reading the model doubts may be a wrong transcription)."""
    return sorted(readings, key=lambda r: (-r.cer, r.score))

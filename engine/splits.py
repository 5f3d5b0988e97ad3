"""The train/validation split, and what it holds per class.

A small project needs a split that a hash threshold per image cannot give:
22 labelled images at 20 % left one validation image, an empty one, and a
run with mAP "nan" for every epoch. So the split takes exact counts,
stratified by class:

* every class labelled in at least two images gets its share of the
  validation images (at least one), rarest class first, and keeps at least
  one image to train on;
* the images with objects then fill up to their share of the whole;
* negatives (images marked done with nothing drawn) go to validation at
  their own share, and only beside images with objects: validation made of
  negatives alone measures nothing.

Within each group, images are taken in the order of a seeded hash of their
path: the split is the same for the same labels and seed, and when images
are added an image's side changes only where the counts move past it.

A project may carry a split of its own (:attr:`ImageItem.split`: a COCO
val file, VOC's ImageSets, a person's choice). :func:`choose_split` then
uses it: validation on its ``val`` images, its ``test`` images kept for one
evaluation at the end, the rest trained on (see the function for what
happens without ``val`` images).

:func:`summarize_split` gives the Train dialog the split's counts per class
and a share to suggest when validation would see too few objects of a
class; :func:`evaluation_set` gives the model report the images a run was
validated on. No torch here.
"""
from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from labeltool.core.store import Snapshot

from .config import Task
from .errors import ConfigError
from .i18n import QT_TRANSLATE_NOOP
from .runs import RecordedSplit, RunFolder
from .samples import Sample, class_of, collect, group_objects

# Which split a run trains on: the project's own ("stored") or one made here.
SplitSource = Literal["stored", "seeded"]

# Fewer validation objects of a class than this and its AP swings from epoch to epoch.
MIN_VAL_OBJECTS = 3
# A share above this leaves too little to train on: never suggested.
MAX_SUGGESTED_FRACTION = 0.5
SUGGESTION_STEP = 0.05  # the suggestion is a whole multiple of 5 %

CONTEXT = "Splits"  # the translation context of the messages below
COUNTS = {
    "with_empty": QT_TRANSLATE_NOOP("Splits", "{with_shapes} with shapes, {empty} marked empty"),
    "shapes_only": QT_TRANSLATE_NOOP("Splits", "{with_shapes} with shapes"),
}
ADVICE = {
    "no_validation": QT_TRANSLATE_NOOP(
        "Splits", "No image is kept for validation: the run will show no metrics and keep no best model."),
    "few_val_objects": QT_TRANSLATE_NOOP(
        "Splits", "Validation would see fewer than {min} objects of {names}: use {percent} % for validation."),
    "label_more": QT_TRANSLATE_NOOP(
        "Splits", "Validation would see fewer than {min} objects of {names} even at {max_percent} %: "
                  "label more images of them."),
    "stored_few_val_objects": QT_TRANSLATE_NOOP(
        "Splits", "The project's own validation images hold fewer than {min} objects of {names}: put more "
                  "images of them in val, or let training split the images itself."),
}
# Which split the dialog says a run uses (SplitSummary.source_template).
SOURCES = {
    "stored": QT_TRANSLATE_NOOP("Splits", "The project's own split: validation on its {val} val images, "
                                          "{test} test images evaluated once at the end."),
    "stored_val_split_off": QT_TRANSLATE_NOOP(
        "Splits", "The project's own split has no val images: {percent} % of its training images validate, "
                  "{test} test images are evaluated once at the end."),
    "seeded": QT_TRANSLATE_NOOP("Splits", "A split made by training: {percent} % of the labelled images "
                                          "validate."),
}


# ------------------------------------------------------------------- split
def split_key(rel: str, seed: int) -> float:
    """A stable number in [0, 1) for an image path: its place in its group."""
    digest = hashlib.sha1(f"{seed}:{rel}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def share(n: int, fraction: float) -> int:
    """``fraction`` of ``n``, rounded half up (Python's round() would send
    2.5 to 2 and 3.5 to 4)."""
    return int(math.floor(n * fraction + 0.5))


def split(samples: list[Sample], val_fraction: float, seed: int) -> tuple[list[Sample], list[Sample]]:
    """``(train, val)``, each in the order of ``samples`` (see the module's
    docstring for the rules)."""
    if val_fraction <= 0 or len(samples) < 2:
        return list(samples), []
    rank = {s.rel: split_key(s.rel, seed) for s in samples}
    positives = sorted((s for s in samples if s.shapes), key=lambda s: rank[s.rel])
    negatives = sorted((s for s in samples if not s.shapes), key=lambda s: rank[s.rel])
    classes_of = {s.rel: frozenset(class_of(shape) for shape in s.shapes) for s in positives}
    images_of: dict[str, list[Sample]] = {}
    for s in positives:
        for c in classes_of[s.rel]:
            images_of.setdefault(c, []).append(s)
    in_val: set[str] = set()
    val_count: Counter[str] = Counter()

    def try_take(s: Sample) -> None:
        # Every class of the image keeps at least one image to train on.
        if s.rel in in_val or any(len(images_of[c]) - val_count[c] <= 1 for c in classes_of[s.rel]):
            return
        in_val.add(s.rel)
        val_count.update(classes_of[s.rel])

    for c in sorted(images_of, key=lambda c: (len(images_of[c]), c)):  # rarest class first
        want = max(1, share(len(images_of[c]), val_fraction))
        for s in images_of[c]:
            if val_count[c] >= want:
                break
            try_take(s)
    want = share(len(positives), val_fraction)
    for s in positives:
        if len(in_val) >= want:
            break
        try_take(s)
    if in_val:
        in_val.update(s.rel for s in negatives[:share(len(negatives), val_fraction)])
    return [s for s in samples if s.rel not in in_val], [s for s in samples if s.rel in in_val]


def split_as_recorded(samples: list[Sample], val_images: list[str], test_images: list[str] = ()
                      ) -> tuple[list[Sample], list[Sample], list[Sample]]:
    """``(train, val, test)`` with the images a run recorded (a resumed run
    validates and tests on the same images); images labelled since train."""
    val, test = set(val_images), set(test_images)
    return ([s for s in samples if s.rel not in val and s.rel not in test], [s for s in samples if s.rel in val],
            [s for s in samples if s.rel in test])


@dataclass
class ChosenSplit:
    """The images a run trains, validates and tests on, and why."""

    train: list[Sample]
    val: list[Sample]
    test: list[Sample]
    source: SplitSource
    val_split_off: bool = False  # stored, without val images: validation split off its training images
    unassigned: int = 0  # stored: labelled images in no split of the project, trained on
    notes: list[str] = field(default_factory=list)  # for the run's log, in English


def has_stored_split(samples: list[Sample]) -> bool:
    """Whether the project sets images apart itself (val or test images)."""
    return any(s.split in ("val", "test") for s in samples)


def choose_split(samples: list[Sample], choice: str | None, val_fraction: float, seed: int,
                 recorded: RecordedSplit | None = None) -> ChosenSplit:
    """The split a run uses.

    ``choice`` ``"auto"``: the seeded split (:func:`split`) of every labelled
    image by ``val_fraction``. ``"stored"``: the project's own split:
    validation on its val images, its test images kept for the end, the
    other labelled images (train, or in no split) trained on; without val
    images, ``val_fraction`` of those validate. None: stored when the
    project has val or test images, else auto. ``recorded`` (a resumed
    run's ``split.json``) keeps a run on the images it began with."""
    if recorded is not None and recorded.val:
        train, val, test = split_as_recorded(samples, recorded.val, recorded.test)
        if val:  # else none of its validation images is labelled any more: choose again
            source: SplitSource = "stored" if recorded.source == "stored" else "seeded"
            return ChosenSplit(train, val, test, source)
    if choice not in (None, "stored", "auto"):
        raise ConfigError(f"unknown split {choice!r}: use stored or auto")
    if choice == "stored" and not any(s.split for s in samples):
        raise ConfigError("the project has no split of its own (no image is in train, val or test): set the "
                          "images' split, or train with --split auto")
    if choice == "auto" or (choice is None and not has_stored_split(samples)):
        train, val = split(samples, val_fraction, seed)
        return ChosenSplit(train, val, [], "seeded")
    test = [s for s in samples if s.split == "test"]
    val = [s for s in samples if s.split == "val"]
    train = [s for s in samples if s.split not in ("val", "test")]
    chosen = ChosenSplit(train, val, test, "stored", unassigned=sum(1 for s in train if s.split is None))
    if not val:
        chosen.train, chosen.val = split(train, val_fraction, seed)
        chosen.val_split_off = True
        chosen.notes.append(f"the project's own split has no val images: {share(len(train), val_fraction)} of "
                            f"its {len(train)} training images validate (--val)")
    if chosen.unassigned:
        chosen.notes.append(f"{chosen.unassigned} labelled image(s) in no split of the project are trained on")
    return chosen


# ---------------------------------------------------------- what it holds
@dataclass
class ClassCounts:
    """One class on each side of a split (classify: objects are images)."""

    name: str
    train_images: int = 0
    val_images: int = 0
    train_objects: int = 0
    val_objects: int = 0


def count_classes(train: list[Sample], val: list[Sample], classes: list[str]) -> list[ClassCounts]:
    """Images and objects of each class on each side, in ``classes`` order
    (an object drawn in grouped parts counts once)."""
    counts = {c: ClassCounts(c) for c in classes}
    for side, samples in (("train", train), ("val", val)):
        for s in samples:
            objects = Counter(class_of(parts[0]) for parts in group_objects(s.shapes))
            for c, n in objects.items():
                row = counts.setdefault(c, ClassCounts(c))
                setattr(row, f"{side}_images", getattr(row, f"{side}_images") + 1)
                setattr(row, f"{side}_objects", getattr(row, f"{side}_objects") + n)
    return list(counts.values())


@dataclass
class SplitSummary:
    """What a run of ``task`` at ``val_fraction`` would train and validate
    on, for the Train dialog. ``counts_template``, ``advice_template`` and
    ``source_template`` are English, marked for translation in the context
    :data:`CONTEXT`; fill them with ``counts_params`` / ``advice_params`` /
    ``source_params`` after translating."""

    task: Task
    val_fraction: float
    with_shapes: int  # images with shapes of the task: what `labeltool stats` counts as labelled
    marked_empty: int  # images marked done with nothing drawn: negatives
    train_images: int
    val_images: int
    val_empty: int  # negatives among the validation images
    classes: list[ClassCounts]
    short: list[str]  # classes with fewer than MIN_VAL_OBJECTS validation objects
    suggested_fraction: float | None  # a share that gives every class enough, when this one does not
    advice_code: Literal["", "no_validation", "few_val_objects", "label_more", "stored_few_val_objects"] = ""
    advice_params: dict[str, Any] = field(default_factory=dict)
    source: SplitSource = "seeded"  # the project's own split, or one made by training
    test_images: int = 0  # stored: the project's test images, evaluated once at the end
    unassigned: int = 0  # stored: labelled images in no split of the project, trained on
    val_split_off: bool = False  # stored without val images: validation split off the training images

    @property
    def source_code(self) -> str:
        """Which :data:`SOURCES` sentence says where validation comes from."""
        return "stored_val_split_off" if self.val_split_off else self.source

    @property
    def source_template(self) -> str:
        return SOURCES[self.source_code]

    @property
    def source_params(self) -> dict[str, Any]:
        return {"val": self.val_images, "test": self.test_images, "percent": round(100 * self.val_fraction)}

    @property
    def source_message(self) -> str:
        return self.source_template.format(**self.source_params)

    @property
    def counts_template(self) -> str:
        return COUNTS["with_empty" if self.task != "classify" else "shapes_only"]

    @property
    def counts_params(self) -> dict[str, Any]:
        return {"with_shapes": self.with_shapes, "empty": self.marked_empty}

    @property
    def advice_template(self) -> str:
        """The warning to show, or "" when the split is fine."""
        return ADVICE.get(self.advice_code, "")

    @property
    def counts_message(self) -> str:
        return self.counts_template.format(**self.counts_params)

    @property
    def advice(self) -> str:
        return self.advice_template.format(**self.advice_params)


def summarize_split(snapshot: Snapshot, task: Task, val_fraction: float, seed: int = 0,
                    split_choice: str | None = None) -> SplitSummary:
    """The split a run of ``task`` would make (the same code the run uses,
    :func:`choose_split` with ``split_choice``), counted per class, with a
    suggestion when validation would see fewer than :data:`MIN_VAL_OBJECTS`
    objects of a class. ``source`` says whether it is the project's own."""
    samples, classes, _ = collect(snapshot, task)
    chosen = choose_split(samples, split_choice, val_fraction, seed)
    train, val = chosen.train, chosen.val
    rows = count_classes(train, val, classes)
    short = _short(rows)
    summary = SplitSummary(
        task=task, val_fraction=val_fraction, with_shapes=sum(1 for s in samples if s.shapes),
        marked_empty=sum(1 for s in samples if not s.shapes), train_images=len(train), val_images=len(val),
        val_empty=sum(1 for s in val if not s.shapes), classes=rows, short=short, suggested_fraction=None,
        source=chosen.source, test_images=len(chosen.test), unassigned=chosen.unassigned,
        val_split_off=chosen.val_split_off)
    if not samples:
        return summary
    if chosen.source == "stored" and not chosen.val_split_off:  # the share plays no part: say what to move
        if short:
            summary.advice_code = "stored_few_val_objects"
            summary.advice_params = {"min": MIN_VAL_OBJECTS, "names": ", ".join(short)}
        return summary
    if val_fraction <= 0:
        summary.advice_code = "no_validation"
        return summary
    if not short:
        return summary
    if chosen.source == "stored":  # validation split off the training images: a share of those
        samples = train + val
    n = math.ceil(round(val_fraction / SUGGESTION_STEP, 6))
    for k in range(max(1, n), int(round(MAX_SUGGESTED_FRACTION / SUGGESTION_STEP)) + 1):
        fraction = round(k * SUGGESTION_STEP, 2)
        if fraction > val_fraction and not _short(count_classes(*split(samples, fraction, seed), classes)):
            summary.suggested_fraction = fraction
            summary.advice_code = "few_val_objects"
            summary.advice_params = {"min": MIN_VAL_OBJECTS, "names": ", ".join(short),
                                     "percent": round(100 * fraction)}
            return summary
    summary.advice_code = "label_more"
    summary.advice_params = {"min": MIN_VAL_OBJECTS, "names": ", ".join(short),
                             "max_percent": round(100 * MAX_SUGGESTED_FRACTION)}
    return summary


def _short(rows: list[ClassCounts]) -> list[str]:
    return [r.name for r in rows if r.val_objects < MIN_VAL_OBJECTS]


# ------------------------------------------------- what a report evaluates
@dataclass
class EvaluationSet:
    """The labelled images a model is judged on, and those it trained on."""

    samples: list[Sample]
    train: list[Sample]
    # recorded: the run's own validation images (split.json); recomputed: a
    # run from before split.json, its split computed again; training: the
    # run had no validation images; labelled: no run folder (an exported
    # model), every labelled image.
    source: Literal["recorded", "recomputed", "training", "labelled"]
    gone: int = 0  # recorded validation images no longer labelled (or missing): left out


def evaluation_set(snapshot: Snapshot, task: Task, classes: list[str], run_dir: Path | str | None = None
                   ) -> EvaluationSet:
    """The images to judge the model of ``run_dir`` on: the validation
    images the run recorded, so that the report and the training dock
    evaluate the same images."""
    samples = collect(snapshot, task, classes)[0]
    run = RunFolder(run_dir) if run_dir is not None else None
    if run is None or not run.is_run():
        return EvaluationSet(samples, samples, "labelled")
    recorded = run.recorded_split()
    if recorded is not None:
        by_rel = {s.rel: s for s in samples}
        val = [by_rel[r] for r in recorded.val if r in by_rel]
        train = [by_rel[r] for r in recorded.train if r in by_rel]
        if recorded.val:
            return EvaluationSet(val, train, "recorded", gone=len(recorded.val) - len(val))
        return EvaluationSet(train, train, "training")
    config = run.config()
    train, val = split(samples, float(config.get("val_fraction", 0.2)), int(config.get("seed", 0)))
    return EvaluationSet(val, train, "recomputed") if val else EvaluationSet(train, train, "training")

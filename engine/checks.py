"""Is this project ready to train? Pure functions over a core Snapshot.

No Qt and no torch here, so the checks are unit-testable and the Train
dialog can show them the moment it opens. Which images and classes count
comes from :func:`engine.samples.collect`, as the run reads them, so the
dialog and the run never disagree.
Each :class:`Problem` carries an English ``template`` and its ``params``
apart, so the dialog can translate the template
(``QCoreApplication.translate("TrainingChecks", template)``) before it fills
in names and numbers.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, TextRegion
from labeltool.core.store import Snapshot, SnapshotImage

from .config import Task
from .i18n import QT_TRANSLATE_NOOP
from .models.catalog import ALL_TASKS
from .samples import TASK_KINDS, class_of, collect, group_objects, is_crowd
from .text.regions import TEXT_REASONS, text_hint

Severity = Literal["error", "warning", "info"]


# What a person calls each kind of label (used in the messages).
TASK_LABEL_WORDS: dict[str, str] = {
    "detect": QT_TRANSLATE_NOOP("TrainingChecks", "boxes, polygons, masks or text regions"),
    "instance": QT_TRANSLATE_NOOP("TrainingChecks", "polygons or masks"),
    "segment": QT_TRANSLATE_NOOP("TrainingChecks", "polygons or masks"),
    "classify": QT_TRANSLATE_NOOP("TrainingChecks", "image classes"),
    "textdet": QT_TRANSLATE_NOOP("TrainingChecks", "text regions"),
    "recognize": QT_TRANSLATE_NOOP("TrainingChecks", "text regions with a transcription"),
}

# Fewer labelled images than this trains, but a person should expect little.
FEW_IMAGES = 10


@dataclass
class Problem:
    severity: Severity
    code: str  # stable, for tests and for choosing an icon
    template: str  # English, with {named} fields; translate before formatting
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.template.format(**self.params)

    @property
    def blocking(self) -> bool:
        return self.severity == "error"


@dataclass
class TaskSummary:
    """What the project holds for one task, counted the way the engine
    will read it (``engine.samples.collect``: the same images, the same classes)."""

    task: Task
    labelled_images: int  # images the run will use (negatives included)
    labels: int
    per_class: dict[str, int]  # class -> number of labels (classify: images)
    missing_labelled: int  # labelled images whose file is gone
    several_tags: int  # classify: images with more than one class


def _has_task_labels(image: SnapshotImage, task: Task) -> bool:
    return any(isinstance(s, TASK_KINDS[task]) for s in image.shapes)


def summarize(snapshot: Snapshot, task: Task) -> TaskSummary:
    samples, _, _ = collect(snapshot, task)
    per_class: Counter[str] = Counter()
    for sample in samples:  # an object drawn in grouped parts counts once
        per_class.update(class_of(parts[0]) for parts in group_objects(sample.shapes))
    missing = sum(1 for im in snapshot.images if im.item.missing and _has_task_labels(im, task))
    several = 0
    if task == "classify":
        several = sum(1 for im in snapshot.images if not im.item.missing
                      and sum(isinstance(s, ImageTag) for s in im.shapes) > 1)
    labels = sum(len(group_objects(sample.shapes)) for sample in samples)
    return TaskSummary(task, len(samples) if labels else 0, labels, dict(per_class), missing, several)


# A quarter of the images with polygons or masks showing several objects of
# one class: telling them apart matters, and a U-Net, which paints a class
# and not its objects, would merge the touching ones.
INSTANCE_SHARE = 0.25

SUGGESTION_REASONS: dict[str, str] = {
    "nothing_yet": QT_TRANSLATE_NOOP("TrainingChecks", "Nothing is labelled yet: detecting objects with boxes is "
                                                       "the usual start."),
    "boxes": QT_TRANSLATE_NOOP("TrainingChecks", "{n} images have boxes or text regions: a detector learns to find "
                                                 "those objects."),
    "several_objects": QT_TRANSLATE_NOOP(
        "TrainingChecks", "{several} of {n} images with polygons or masks show several objects of one class: "
                          "Mask R-CNN outlines each object apart."),
    "one_region_per_class": QT_TRANSLATE_NOOP(
        "TrainingChecks", "The {n} images with polygons or masks show one region per class: a U-Net paints each "
                          "class's pixels, faster than Mask R-CNN."),
    "image_classes": QT_TRANSLATE_NOOP("TrainingChecks", "{n} images have an image class: a classifier learns them."),
    **TEXT_REASONS,  # textdet and recognize (engine.text.regions)
}


@dataclass
class TaskSuggestion:
    """The task a new run should start from, and why (``template`` is
    English, for translation in the context "TrainingChecks", filled with
    ``params``)."""

    task: Task
    code: str  # a key of SUGGESTION_REASONS
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def template(self) -> str:
        return SUGGESTION_REASONS[self.code]

    @property
    def message(self) -> str:
        return self.template.format(**self.params)


def suggest_training(snapshot: Snapshot) -> TaskSuggestion:
    """What the labels suggest training: the kind of label on the most
    images wins (boxes and text regions: detect; polygons and masks: instance
    or segment; image classes: classify; ties in that order). Polygons and
    masks suggest instance segmentation when at least
    :data:`INSTANCE_SHARE` of their images show several objects of one class
    (a group of parts is one object, a crowd region none), else semantic
    segmentation."""
    families = {"detect": (Box, TextRegion), "region": (Polygon, Mask), "classify": (ImageTag,)}
    images = {k: 0 for k in families}
    several = 0
    for image in snapshot.images:
        if image.item.missing:
            continue
        for family, kinds in families.items():
            images[family] += any(isinstance(s, kinds) for s in image.shapes)
        objects = Counter(class_of(parts[0]) for parts in group_objects(
            [s for s in image.shapes if isinstance(s, (Polygon, Mask))]) if not is_crowd(parts))
        several += any(n > 1 for n in objects.values())
    family = max(families, key=lambda f: (images[f], -list(families).index(f)))
    n = images[family]
    if n == 0:
        return TaskSuggestion("detect", "nothing_yet")
    if family == "detect":
        text = text_hint(snapshot)  # text regions on more images than boxes: a text task
        boxes = sum(1 for im in snapshot.images if not im.item.missing and any(isinstance(s, Box) for s in im.shapes))
        if text is not None and text.images > boxes:
            return TaskSuggestion(text.task, text.code, text.params)  # type: ignore[arg-type]
        return TaskSuggestion("detect", "boxes", {"n": n})
    if family == "classify":
        return TaskSuggestion("classify", "image_classes", {"n": n})
    if several >= INSTANCE_SHARE * n:
        return TaskSuggestion("instance", "several_objects", {"several": several, "n": n})
    return TaskSuggestion("segment", "one_region_per_class", {"n": n})


# Where a dialog does not offer a suggested task: the nearest it does.
FALLBACK_TASKS: dict[str, Task] = {"instance": "segment", "textdet": "detect", "recognize": "detect"}


def suggest_task(snapshot: Snapshot, tasks: tuple[Task, ...] = ALL_TASKS) -> Task:
    """:func:`suggest_training`'s task, among ``tasks`` (the ones a dialog
    offers): where it is not offered, instance segmentation falls back to
    semantic, a text task to the detector."""
    task = suggest_training(snapshot).task
    return task if task in tasks else FALLBACK_TASKS.get(task, "detect")


def check_project(snapshot: Snapshot, task: Task, val_fraction: float = 0.2) -> list[Problem]:
    """Everything that stops (``error``) or weakens (``warning``) a run of
    ``task`` on this project, in the order a person should fix them."""
    problems: list[Problem] = []
    words = TASK_LABEL_WORDS[task]
    if not snapshot.images:
        return [Problem("error", "no_images",
                        QT_TRANSLATE_NOOP("TrainingChecks", "The project has no images. Add images to the project folder first."))]
    s = summarize(snapshot, task)
    if s.missing_labelled:
        problems.append(Problem(
            "warning" if s.labelled_images else "error", "images_missing",
            QT_TRANSLATE_NOOP("TrainingChecks", "{n} labelled image(s) are missing on disk and will be left out. Put the files back where they "
            "were, or remove those images from the project."), {"n": s.missing_labelled}))
    if s.labelled_images == 0:
        if s.missing_labelled:
            return problems
        others = [t for t in ALL_TASKS if t != task and summarize(snapshot, t).labelled_images]
        if others:
            problems.append(Problem(
                "error", "no_labels", QT_TRANSLATE_NOOP("TrainingChecks", "No image has {words} yet, but the project has {other}: choose that task, "
                "or label some images with {words} first."), {"words": words, "other": TASK_LABEL_WORDS[others[0]]}))
        else:
            problems.append(Problem("error", "no_labels", QT_TRANSLATE_NOOP("TrainingChecks", "No image has {words} yet: label some images first."),
                                    {"words": words}))
        return problems
    if s.labelled_images < 2:
        problems.append(Problem(
            "error", "too_few_images",
            QT_TRANSLATE_NOOP("TrainingChecks", "Only {n} image has {words}: training needs at least 2 (one to learn from, one to check on)."),
            {"n": s.labelled_images, "words": words}))
    if task == "classify" and len(s.per_class) < 2:
        problems.append(Problem(
            "error", "one_class",
            QT_TRANSLATE_NOOP("TrainingChecks", "All labelled images are of the one class \"{name}\": a classifier needs at least two classes."),
            {"name": next(iter(s.per_class), "")}))
    singles = sorted(name for name, n in s.per_class.items() if n == 1)
    if singles:
        problems.append(Problem(
            "warning", "class_one_example",
            QT_TRANSLATE_NOOP("TrainingChecks", "Class(es) with only one example: {names}. The model cannot learn them and validation may not "
            "see them; label a few more, or merge them into another class."),
            {"names": ", ".join(singles), "count": len(singles)}))
    if s.several_tags:
        problems.append(Problem(
            "warning", "several_tags",
            QT_TRANSLATE_NOOP("TrainingChecks", "{n} image(s) have more than one class; training uses the first class of each."),
            {"n": s.several_tags}))
    if val_fraction <= 0:
        problems.append(Problem(
            "warning", "no_validation",
            QT_TRANSLATE_NOOP("TrainingChecks", "The validation share is 0: no image is kept aside, so there will be no metrics and no "
            "predictions to watch. Set it to 10-20%."), {}))
    if 2 <= s.labelled_images < FEW_IMAGES:
        problems.append(Problem(
            "warning", "few_images",
            QT_TRANSLATE_NOOP("TrainingChecks", "Only {n} labelled images: training will run, but expect a weak model. "
            "Around 50 or more per class give useful results."), {"n": s.labelled_images}))
    unlabelled = len(snapshot.images) - s.labelled_images - s.missing_labelled
    if unlabelled > 0:
        problems.append(Problem("info", "unlabelled",
                                QT_TRANSLATE_NOOP("TrainingChecks", "{n} image(s) without {words} are not used for training."),
                                {"n": unlabelled, "words": words}))
    return problems


def blocking(problems: list[Problem]) -> bool:
    return any(p.blocking for p in problems)

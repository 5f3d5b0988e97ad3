"""Which images of a snapshot take part in training a task, and as what.

Images with shapes of the task's kinds take part with those shapes. A
detector learns from every region label (boxes, polygons, masks: the
latter two as their bounding boxes; text regions as the one class
``text``); instance and semantic segmentation from polygons and masks.
For the region tasks an image a person marked *done* with no region
drawn at all (no box, text region, polygon or mask; an image class does not
count) takes part too, as a negative: "nothing here" is a label. Images
still *new* or *in progress* with no shapes are not yet labelled and are
left out; so are skipped and missing ones.

One object may be drawn as several shapes (an object hidden in the middle
by a pole: two polygons). Shapes of one class in one group
(:attr:`Shape.group`) are one object: one box, one mask, counted once.
COCO's ``iscrowd`` regions (:func:`is_crowd`) mark a crowd, not an object:
never a positive, and ignored by the evaluation as COCOeval ignores them.

No torch here: the Train dialog counts with it the moment it opens, and
the split (:mod:`engine.splits`) is computed from these samples.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labeltool.core.groups import objects
from labeltool.core.project import ImageStatus
from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Shape, TextRegion
from labeltool.core.store import Snapshot, SnapshotImage

from .config import Task

TEXT_CLASS = "text"  # the class text regions train as in a detector
TASK_KINDS: dict[str, tuple[type[Shape], ...]] = {
    "detect": (Box, TextRegion, Polygon, Mask), "instance": (Polygon, Mask), "segment": (Polygon, Mask),
    "classify": (ImageTag,), "textdet": (TextRegion,), "recognize": (TextRegion,)}
# Shapes that say "an object is here": an image holding one is never a negative.
REGION_KINDS: tuple[type[Shape], ...] = (Box, TextRegion, Polygon, Mask)


@dataclass
class Sample:
    path: Path  # absolute
    rel: str  # relative to the project: the split key
    shapes: list[Shape]  # the shapes of the task's kinds, with known labels
    split: str | None = None  # the project's split of the image (train / val / test), if it has one

    @property
    def is_negative(self) -> bool:
        """An image that trains as "nothing here"."""
        return not self.shapes


def class_of(shape: Shape) -> str:
    """The class a shape trains as (text regions all as one "text" class)."""
    return TEXT_CLASS if isinstance(shape, TextRegion) else shape.label


def group_objects(shapes: list[Shape]) -> list[list[Shape]]:
    """The objects of one image (:func:`labeltool.core.groups.objects`):
    each ungrouped shape alone, the parts of a group of one class together,
    the class being what the shape trains as (:func:`class_of`)."""
    return objects(shapes, key=lambda s: None if s.group is None else (class_of(s), s.group))


def is_crowd(shapes: list[Shape]) -> bool:
    """Whether an object is a COCO crowd region (``iscrowd``, kept by the
    COCO import as an attribute): a group is one when any part is."""
    return any(bool(s.attributes.get("iscrowd")) for s in shapes)


def is_readable(shape: Shape) -> bool:
    """A text region a recogniser learns from: transcribed and not marked
    difficult (PPOCRLabel's and ICDAR's "###": a person could not read it)."""
    return isinstance(shape, TextRegion) and not shape.difficult and bool(shape.transcription.strip())


def is_marked_empty(image: SnapshotImage) -> bool:
    """Marked done with no region drawn: a negative for detection and segmentation."""
    return image.item.status == ImageStatus.DONE and not any(isinstance(s, REGION_KINDS) for s in image.shapes)


def collect(snapshot: Snapshot, task: Task, classes: list[str] | None = None) -> tuple[list[Sample], list[str],
                                                                                           list[str]]:
    """``(samples, classes, warnings)`` of ``task`` in ``snapshot``. With
    ``classes`` given (a resumed run) shapes of other classes are dropped."""
    kinds = TASK_KINDS[task]
    warnings: list[str] = []
    samples: list[Sample] = []
    for image in snapshot.images:
        if image.item.missing or image.item.status == ImageStatus.SKIPPED:
            continue
        shapes = [s for s in image.shapes if isinstance(s, kinds)]
        if task == "recognize":
            shapes = [s for s in shapes if is_readable(s)]
        if task == "classify" and len(shapes) > 1:
            warnings.append(f"{image.item.path}: {len(shapes)} image classes; training uses the first, "
                            f"{shapes[0].label!r}")
            shapes = shapes[:1]
        if not shapes and (task in ("classify", "recognize") or not is_marked_empty(image)):
            continue
        samples.append(Sample(image.path, image.item.path, shapes, image.item.split))
    if classes is None:
        used = {class_of(s) for sample in samples for s in sample.shapes}
        classes = [n for n in snapshot.class_names if n in used]
        classes += sorted(used - set(classes))  # "text", or a class deleted meanwhile
    else:
        known = set(classes)
        dropped = sum(1 for sample in samples for s in sample.shapes if class_of(s) not in known)
        if dropped:
            warnings.append(f"{dropped} shape(s) of classes the resumed model does not know were left out")
        for sample in samples:
            sample.shapes = [s for s in sample.shapes if class_of(s) in known]
        if task == "classify":
            samples = [s for s in samples if s.shapes]
    return samples, list(classes), warnings

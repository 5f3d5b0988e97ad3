"""What each validation metric is: its name for a person, its kind (a
fraction from 0 to 1, a loss, a count) and which way is better, and why a
metric is undefined when it is.

One table for the curves, the per-class table, the run list and the
command line, so that no view guesses a unit (a fraction drawn on a loss
axis showed mAP 0.4 as 400) or prints "nan". The metrics file keeps an
undefined metric as NaN, as it always did; :class:`engine.events.EpochEnd`
says why in ``undefined``. No torch here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal, Mapping

from .i18n import QT_TRANSLATE_NOOP

MetricKind = Literal["fraction", "loss", "count", "value"]


@dataclass(frozen=True)
class MetricInfo:
    name: str  # the key in EpochEnd.metrics / per_class
    label: str  # as a person reads it; the names of measures are not translated
    kind: MetricKind  # fraction: 0 to 1; loss: 0 up, lower is better; count: a whole number
    higher_is_better: bool

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The range a plot of it should show, when fixed."""
        return (0.0, 1.0) if self.kind == "fraction" else None

    def format(self, value: float) -> str:
        """The value as the views print it (fractions to 3 places, losses to 4)."""
        if self.kind == "count":
            return str(int(value))
        return f"{value:.3f}" if self.kind == "fraction" else f"{value:.4f}"


METRICS: dict[str, MetricInfo] = {m.name: m for m in [
    # EpochEnd.metrics
    MetricInfo("map50", "mAP@0.5", "fraction", True),
    MetricInfo("map", "mAP@[.5:.95]", "fraction", True),
    MetricInfo("segm_map50", "mask mAP@0.5", "fraction", True),  # instance: COCOeval's segm, beside bbox
    MetricInfo("segm_map", "mask mAP@[.5:.95]", "fraction", True),
    MetricInfo("miou", "mIoU", "fraction", True),
    MetricInfo("dice", "Dice", "fraction", True),
    MetricInfo("accuracy", "accuracy", "fraction", True),
    MetricInfo("hmean", "hmean", "fraction", True),  # textdet: ICDAR 2015, with precision and recall below
    # recognize: edits per true character (above 1 only while a model writes more than is there)
    MetricInfo("cer", "CER", "fraction", False),
    MetricInfo("line_accuracy", "line accuracy", "fraction", True),  # recognize: lines read exactly
    MetricInfo("val_loss", "val loss", "loss", False),
    # EpochEnd.per_class
    MetricInfo("ap50", "AP@0.5", "fraction", True),
    MetricInfo("ap", "AP@[.5:.95]", "fraction", True),
    MetricInfo("segm_ap50", "mask AP@0.5", "fraction", True),
    MetricInfo("segm_ap", "mask AP@[.5:.95]", "fraction", True),
    MetricInfo("iou", "IoU", "fraction", True),
    MetricInfo("precision", "precision", "fraction", True),
    MetricInfo("recall", "recall", "fraction", True),
    MetricInfo("support", "images", "count", True),
]}
# The metrics every validated epoch of a task reports (besides val_loss).
TASK_METRICS: dict[str, tuple[str, ...]] = {"detect": ("map50", "map"),
                                            "instance": ("map50", "map", "segm_map50", "segm_map"),
                                            "segment": ("miou", "dice"), "classify": ("accuracy",),
                                            "textdet": ("hmean", "precision", "recall"),
                                            "recognize": ("cer", "line_accuracy")}

# Why a metric has no value: EpochEnd.undefined's values. English, marked
# for translation in the context "Metrics".
UNDEFINED_REASONS: dict[str, str] = {
    "no_val_images": QT_TRANSLATE_NOOP("Metrics", "not measured: no validation images"),
    "no_val_objects": QT_TRANSLATE_NOOP("Metrics", "not measured: the validation images hold no objects"),
    "not_measured": QT_TRANSLATE_NOOP("Metrics", "not measured"),
}


def metric_info(name: str) -> MetricInfo:
    """The facts of metric ``name``; an unknown name (a newer engine's) is a
    loss when it says so, else a plain value."""
    if name in METRICS:
        return METRICS[name]
    if name.endswith("loss"):
        return MetricInfo(name, name.replace("_", " "), "loss", False)
    return MetricInfo(name, name, "value", True)


def is_defined(value: float | None) -> bool:
    return value is not None and math.isfinite(value)


def undefined_metrics(task: str, metrics: Mapping[str, float], val_images: int) -> dict[str, str]:
    """``{metric: reason}`` for each metric of ``task`` that has no value
    after a validation over ``val_images`` images (0: none was kept, or
    none could be read)."""
    out: dict[str, str] = {}
    for name in (*TASK_METRICS.get(task, ()), *metrics):
        if name in out or is_defined(metrics.get(name)):
            continue
        # A classifier counts images; a detector or segmenter needs an object to be judged on.
        out[name] = "no_val_images" if not val_images or task == "classify" else "no_val_objects"
    return out


def describe_metric(name: str, value: float | None, reason: str | None = None) -> str:
    """One metric in English words, e.g. ``"mAP@0.5 0.412"`` or ``"mAP@0.5:
    not measured: no validation images"``; never "nan". The window builds
    the same from :func:`metric_info` and :data:`UNDEFINED_REASONS` with
    the reason translated."""
    info = metric_info(name)
    if is_defined(value):
        return f"{info.label} {info.format(float(value))}"  # type: ignore[arg-type]
    return f"{info.label}: {UNDEFINED_REASONS[reason if reason in UNDEFINED_REASONS else 'not_measured']}"

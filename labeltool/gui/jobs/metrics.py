"""How the window names, bounds and prints a validation metric.

:mod:`engine.metric_info` is the one table of what each metric is (its
label, a fraction or a loss, which way is better) and why a metric can be
undefined; it imports no torch, so it comes through here as it is, with the
window's own rendering: the reason in the person's language, never "nan".
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication

from engine.metric_info import UNDEFINED_REASONS, MetricInfo, is_defined, metric_info
from engine.runs import PRIMARY_METRIC

__all__ = ["PRIMARY_METRIC", "MetricInfo", "is_defined", "metric_info", "metric_label", "metric_text",
           "undefined_text", "value_text"]

# An instance run measures its boxes and its masks: beside the mask
# figures, the box ones say so (the names of measures are not translated).
BOX_LABELS = {"map50": "box mAP@0.5", "map": "box mAP@[.5:.95]", "ap50": "box AP@0.5", "ap": "box AP@[.5:.95]"}
MASK_METRICS = frozenset({"segm_map50", "segm_map", "segm_ap50", "segm_ap"})


def metric_label(name: str, beside: Iterable[str] = ()) -> str:
    """The label of metric ``name`` shown with the metrics ``beside`` it:
    "box mAP@0.5" where mask figures are shown too, else the table's label."""
    if name in BOX_LABELS and MASK_METRICS.intersection(beside):
        return BOX_LABELS[name]
    return metric_info(name).label


def undefined_text(reason: str | None) -> str:
    """Why a metric has no value, translated (context "Metrics", marked in engine/metric_info.py)."""
    key = reason if reason in UNDEFINED_REASONS else "not_measured"
    return QCoreApplication.translate("Metrics", UNDEFINED_REASONS[key])


def value_text(name: str, value: float | None, reason: str | None = None) -> str:
    """The value in its metric's format, or in words why there is none."""
    if is_defined(value):
        return metric_info(name).format(float(value))  # type: ignore[arg-type]
    return undefined_text(reason)


def metric_text(name: str, value: float | None, reason: str | None = None) -> str:
    """``"mAP@0.5 0.412"``, or ``"mAP@0.5: not measured: …"`` in the person's language."""
    label = metric_info(name).label
    if is_defined(value):
        return f"{label} {value_text(name, value)}"
    return f"{label}: {undefined_text(reason)}"

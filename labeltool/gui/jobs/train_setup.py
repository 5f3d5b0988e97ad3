"""What the Train dialog asks the engine before a run: the models of a
task, the devices, whether pretrained weights are on this computer, and the
project checks.

The model catalogue and the checks are plain Python (no torch), so they
come through as they are; devices and cached weights import torch, so they
are imported when first asked, once the dialog opens (the window preloads
them: :mod:`.preload`).
"""
from __future__ import annotations

from engine.checks import Problem, TaskSuggestion, TaskSummary, check_project, suggest_task, suggest_training, summarize
from engine.config import Task
from engine.models.catalog import ALL_TASKS, CATALOG, ModelEntry, default_model
from labeltool.core.shapes import TextRegion
from engine.splits import CONTEXT as SPLITS_CONTEXT
from engine.splits import SplitSummary, summarize_split

__all__ = ["SPLITS_CONTEXT", "ModelEntry", "Problem", "SplitSummary", "Task", "TaskSuggestion", "TaskSummary",
           "available_devices", "check_project", "default_model", "default_model_on", "model_entry", "models_for",
           "offered_tasks", "suggest_task", "suggest_training", "summarize", "summarize_split", "weights_cached"]

TEXT_TASKS: tuple[Task, ...] = ("textdet", "recognize")


def offered_tasks(snapshot) -> tuple[Task, ...]:
    """The tasks the Train dialog lists for this project: every task, the
    text detector and recogniser only when the project has text regions."""
    if any(isinstance(s, TextRegion) for image in snapshot.images for s in image.shapes):
        return ALL_TASKS
    return tuple(t for t in ALL_TASKS if t not in TEXT_TASKS)


def models_for(task: Task) -> list[ModelEntry]:
    """The catalogue's models of ``task``, in menu order."""
    return [e for e in CATALOG.values() if e.task == task]


def model_entry(name: str | None) -> ModelEntry | None:
    return CATALOG.get(name) if name else None


def available_devices() -> list[tuple[str, str]]:
    """``(device id, what a person reads)``, the best first."""
    from engine.device import available_devices as devices

    return devices()


def default_model_on(task: Task, device: str) -> str:
    """The model a new run of ``task`` starts from on ``device`` (a device
    id or ``auto``): the small detector on a CPU, the larger one on a GPU."""
    from engine.device import device_kind

    return default_model(task, device_kind(device))  # type: ignore[arg-type]


def weights_cached(model: str) -> bool:
    """Whether ``model``'s pretrained weights are on this computer (an
    unknown model needs none, nor one that has none: crnn_lite)."""
    if model not in CATALOG:
        return True
    from engine.models import get_spec
    from engine.models.weights import cached_weights_path

    weights = get_spec(model).weights
    return weights is None or cached_weights_path(weights).is_file()

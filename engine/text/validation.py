"""The text tasks' validation: :func:`engine.tasks.validate` with the
task's score (lines read, quads found) and the mean loss as ``val_loss``."""
from __future__ import annotations

from typing import Any, Callable, Protocol

import torch
from torch import nn

from ..data import Batch
from ..metrics import MetricResult
from ..tasks import validate


class Score(Protocol):
    def metrics(self) -> dict[str, float]: ...


def validate_text(model: nn.Module, loader: Any, device: torch.device, autocast: Any, channels_last: bool,
                  judge: Callable[[Batch, torch.Tensor], float], score: Score) -> MetricResult:
    """``score``'s metrics after ``judge`` has scored every batch, with the mean loss as ``val_loss``."""
    val_loss = validate(model, loader, device, autocast, channels_last, judge)
    metrics = score.metrics()
    if val_loss is not None:
        metrics["val_loss"] = val_loss
    return MetricResult(metrics)

"""Optimiser and learning-rate schedule of a run."""
from __future__ import annotations

import math

import torch
from torch import nn

from .config import TrainConfig
from .models import ModelSpec


def freeze_stages(model: nn.Module, stages: int) -> None:
    """Freeze the first ``stages`` stages of a torchvision ResNet
    (1: the stem, 2: the stem and layer1, ... 5: everything but the head)."""
    parts = [["conv1", "bn1"], ["layer1"], ["layer2"], ["layer3"], ["layer4"]][:max(0, stages)]
    for names in parts:
        for name in names:
            for p in getattr(model, name).parameters():
                p.requires_grad_(False)


def build_optimizer(model: nn.Module, spec: ModelSpec, config: TrainConfig, lr: float) -> torch.optim.Optimizer:
    kind = config.optimizer or spec.optimizer
    if spec.task == "classify":
        freeze_stages(model, config.freeze_backbone_stages)
    head = set(id(p) for p in _head(model, spec).parameters()) if config.backbone_lr_mult != 1.0 else set()
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{"params": [p for p in params if id(p) in head], "lr": lr},
              {"params": [p for p in params if id(p) not in head], "lr": lr * config.backbone_lr_mult}]
    groups = [g for g in groups if g["params"]]
    for g in groups:
        g["base_lr"] = g["lr"]
    if kind == "adamw":
        return torch.optim.AdamW(groups, lr=lr, weight_decay=1e-4)
    return torch.optim.SGD(groups, lr=lr, momentum=0.9, weight_decay=1e-4)


def _head(model: nn.Module, spec: ModelSpec) -> nn.Module:
    """The freshly initialised part (trained at the full learning rate)."""
    if spec.task == "classify":
        return model.fc  # type: ignore[return-value]
    if spec.task == "segment":
        return nn.ModuleList([model.decoder, model.head])  # type: ignore[list-item]
    return nn.ModuleList([model.rpn, model.roi_heads])  # type: ignore[list-item]


def lr_factor(step: int, total: int, warmup: int, schedule: str) -> float:
    """Multiplier of the base learning rate for global step ``step`` (1-based).

    A pure function of the step, so that a resumed run continues the same
    curve without any scheduler state in the checkpoint.
    """
    total = max(1, total)
    if schedule == "onecycle":
        # One-cycle's shape: up from base/25 over 30% of the run, then a
        # cosine down to base/1e4.
        peak = max(1, int(0.3 * total)) if warmup <= 0 else warmup
        if step <= peak:
            return 1 / 25 + (1 - 1 / 25) * step / peak
        t = min(1.0, (step - peak) / max(1, total - peak))
        return 1e-4 + (1 - 1e-4) * 0.5 * (1 + math.cos(math.pi * t))
    if warmup > 0 and step <= warmup:
        return max(1e-3, step / warmup)
    if schedule == "constant":
        return 1.0
    t = min(1.0, (step - warmup) / max(1, total - warmup))
    return 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * t))


def default_warmup(total: int) -> int:
    return min(500, max(1, total // 10))


def set_lr(optimizer: torch.optim.Optimizer, factor: float) -> float:
    for g in optimizer.param_groups:
        g["lr"] = g["base_lr"] * factor
    return float(optimizer.param_groups[0]["lr"])

"""Which devices can train here, and picking one."""
from __future__ import annotations

import os

import torch

from .errors import ConfigError


def available_devices() -> list[tuple[str, str]]:
    """``(id, description)`` of every device a run can use, best first:
    each CUDA GPU with its memory, Apple MPS, then the CPU."""
    out: list[tuple[str, str]] = []
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            out.append((f"cuda:{i}", f"{props.name} ({props.total_memory / 2**30:.0f} GiB)"))
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        out.append(("mps", "Apple GPU (Metal)"))
    out.append(("cpu", f"CPU ({os.cpu_count() or 1} cores)"))
    return out


def device_kind(name: str = "auto") -> str:
    """``"cuda"``, ``"mps"`` or ``"cpu"``: what a config's ``device`` trains
    on here (``auto``: what :func:`resolve_device` would pick), for the
    defaults that depend on it (``engine.models.catalog.default_model``)."""
    name = (name or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return "cuda"
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return "mps"
        return "cpu"
    if name.startswith("cuda"):
        return "cuda"
    if name in ("mps", "cpu"):
        return name
    raise ConfigError(f"unknown device {name!r}: use auto, cpu, cuda, cuda:N or mps")


def resolve_device(name: str = "auto", local_rank: int | None = None) -> torch.device:
    """The ``torch.device`` for a config's ``device`` field.

    ``auto`` picks CUDA, then MPS, then the CPU; on the CPU it leaves one
    core free so that the window that started the run stays responsive.
    Under torchrun each rank takes the GPU of its ``local_rank``.
    """
    name = (name or "auto").strip().lower()
    if name == "auto":
        kind = device_kind(name)
        if kind == "cuda":
            return torch.device("cuda", local_rank or 0)
        if kind == "mps":
            return torch.device("mps")
        torch.set_num_threads(max(1, (os.cpu_count() or 1) - 1))
        return torch.device("cpu")
    if name.startswith("cuda"):
        if not torch.cuda.is_available():
            raise ConfigError(f"device {name!r} asked for, but no CUDA GPU is available here; "
                              "use --device cpu or auto")
        if local_rank is not None and name == "cuda":
            return torch.device("cuda", local_rank)
        dev = torch.device(name)
        if dev.index is not None and dev.index >= torch.cuda.device_count():
            raise ConfigError(f"there is no {name}: this machine has {torch.cuda.device_count()} GPU(s)")
        return dev
    if name == "mps":
        if not (getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()):
            raise ConfigError("device 'mps' asked for, but Metal is not available here; use --device cpu")
        return torch.device("mps")
    if name == "cpu":
        return torch.device("cpu")
    raise ConfigError(f"unknown device {name!r}: use auto, cpu, cuda, cuda:N or mps")

"""The models: :mod:`.catalog` (names, tasks, defaults, weight file names;
no torch) and :mod:`.registry` (the torchvision builders).

Importing this package imports no torch, so that the command line's
``--help`` and model checks stay light. The registry's names
(``MODELS``, ``ModelSpec``, ``get_spec``, ``models_for``, ``UNet``) are
loaded on first use (PEP 562 ``__getattr__``): ``from engine.models import
MODELS`` works as before and imports torchvision then.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .catalog import ALL_TASKS, CATALOG, DEFAULT_MODELS, ModelEntry, default_model, get_entry, model_names

if TYPE_CHECKING:  # pragma: no cover
    from .registry import MODELS, ModelSpec, get_spec, models_for
    from .unet import UNet

_REGISTRY_NAMES = frozenset({"MODELS", "ModelSpec", "Builder", "get_spec", "models_for", "UNet"})


def __getattr__(name: str) -> Any:
    if name in _REGISTRY_NAMES:
        from . import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ALL_TASKS", "CATALOG", "DEFAULT_MODELS", "MODELS", "ModelEntry", "ModelSpec", "UNet",
           "default_model", "get_entry", "get_spec", "model_names", "models_for"]

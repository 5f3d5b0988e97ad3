"""Checkpoint files (``best.pt``, ``last.pt``) of a run.

Only tensors, dicts, lists, strings and numbers go in, so every file loads
with ``torch.load(weights_only=True)``: a checkpoint someone sends you cannot
run code on your machine (a plain pickle can).
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import torch

from .errors import CheckpointError

FORMAT = "labeltool-checkpoint"
VERSION = 1


def save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    """Write atomically: a run killed while saving keeps the previous file.
    A new file each time, never written in place: ``path`` may share its
    file with another name (:func:`link_checkpoint`), which must keep it."""
    data = {"format": FORMAT, "version": VERSION, **payload}
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)  # a leftover could be a link to a checkpoint: writing into it would change that
    torch.save(data, tmp)
    os.replace(tmp, path)


def link_checkpoint(source: Path, path: Path) -> bool:
    """Make ``path`` a second name of ``source``'s file (a hard link, put in
    place atomically), so that two equal checkpoints take the disk once;
    False where the file system has no hard links (then nothing changed)."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        return False
    os.replace(tmp, path)
    return True


def load_checkpoint_file(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> Any:
    """``torch.load(weights_only=True)`` with errors a person can act on."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path} does not exist")
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        raise CheckpointError(
            f"{path.name} was refused: it is not a plain weights file (it asks to run code or build objects "
            f"while loading: {str(e).splitlines()[0][:200]}). Only load checkpoints from sources you trust; "
            "labeltool loads tensors and plain data only.") from None
    except (RuntimeError, EOFError, OSError, ValueError) as e:
        raise CheckpointError(f"{path.name} is damaged or not a PyTorch file ({e})") from None


def load_checkpoint(path: str | os.PathLike, map_location: str | torch.device = "cpu") -> dict[str, Any]:
    """A labeltool checkpoint: ``state_dict``, ``classes``, ``task``, ``model``,
    ``img_size``, ``step``, ``epoch`` (and in ``last.pt`` ``optimizer``)."""
    data = load_checkpoint_file(path, map_location)
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"{Path(path).name} is not a labeltool checkpoint")
    if int(data.get("version", 0)) > VERSION:
        raise CheckpointError(f"{Path(path).name} was written by a newer labeltool; update to load it")
    return data

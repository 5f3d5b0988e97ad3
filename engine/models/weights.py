"""Pretrained weights: fetched the way torchvision does (into
``torch.hub.get_dir()/checkpoints/``), with a progress callback, and with a
message that says what to do when the machine is offline.

We download the file ourselves (torchvision's builders print a tqdm bar to
stderr and offer no callback) and then let the builder find it in the cache,
so the result is exactly what ``weights=DEFAULT`` would have loaded.
"""
from __future__ import annotations

import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, Callable

import torch
from torch import nn

from ..errors import CheckpointError, WeightsUnavailableError

# progress(bytes_done, bytes_total or None)
DownloadProgress = Callable[[int, int | None], None]


def cached_weights_path(weights: Any) -> Path:
    """Where torchvision looks for the file of a weights enum."""
    return Path(torch.hub.get_dir()) / "checkpoints" / os.path.basename(weights.url)


def ensure_weights(weights: Any, progress: DownloadProgress | None = None, timeout: float = 30.0) -> Path:
    """The cached file of ``weights`` (a torchvision ``WeightsEnum``),
    downloading it first when missing. Raises :class:`WeightsUnavailableError`
    naming the file to place by hand when the download fails."""
    path = cached_weights_path(weights)
    if path.is_file() and path.stat().st_size > 0:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".partial")
    try:
        with urllib.request.urlopen(weights.url, timeout=timeout) as response, open(tmp, "wb") as out:
            total = response.headers.get("Content-Length")
            total_n = int(total) if total and total.isdigit() else None
            done = 0
            while chunk := response.read(1 << 20):
                out.write(chunk)
                done += len(chunk)
                if progress is not None:
                    progress(done, total_n)
        os.replace(tmp, path)
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        tmp.unlink(missing_ok=True)
        raise weights_unavailable(weights, e) from None
    return path


def weights_unavailable(weights: Any, error: BaseException | str) -> WeightsUnavailableError:
    """The error for weights that could not be fetched: the command line's
    message, with the file, its folder and its address as facts."""
    path = cached_weights_path(weights)
    reason = str(getattr(error, "reason", None) or error)
    message = (f"cannot download the pretrained weights {path.name} ({reason}). This machine seems to be offline. "
               f"Either download {weights.url} elsewhere and place it as {path}, or pass --weights FILE "
               "(a weights file you have), or train from scratch with --no-pretrained (needs more labels and "
               "more epochs).")
    return WeightsUnavailableError(message, file_name=path.name, folder=path.parent, url=weights.url, reason=reason)


def load_weights_file(model: nn.Module, path: str | os.PathLike, backbone: nn.Module | None = None) -> int:
    """Load the tensors of a local weights file that fit ``model``.

    The file may be a labeltool checkpoint (fine-tune from an earlier run), a
    state dict of the whole torchvision model (heads for other classes are
    skipped), or of its backbone alone (loaded into ``backbone``). Returns
    the number of tensors loaded; raises :class:`CheckpointError` when none fit.
    """
    from ..checkpoint import load_checkpoint_file

    data = load_checkpoint_file(path)
    state = data.get("state_dict", data) if isinstance(data, dict) else None
    if not isinstance(state, dict) or not any(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(f"{path} holds no weights (expected a state dict of tensors)")
    loaded = _load_matching(model, state)
    if loaded == 0 and backbone is not None:
        loaded = _load_matching(backbone, state)
    if loaded == 0:
        raise CheckpointError(f"no tensor of {Path(path).name} fits this model; is it the weights file of "
                              "another architecture?")
    return loaded


def _load_matching(module: nn.Module, state: dict[str, Any]) -> int:
    own = module.state_dict()
    fit = {k: v for k, v in state.items()
           if k in own and isinstance(v, torch.Tensor) and v.shape == own[k].shape}
    if fit:
        module.load_state_dict(fit, strict=False)
    return len(fit)

"""The weights of a promptable-segmentation model: kept where torchvision
keeps its own (``torch.hub.get_dir()/checkpoints/``), fetched from the
official address on first use (resumable, with progress), checked against
the published SHA-256 where one is known, and loaded with
``weights_only=True``. Offline, the error names the file, its address and
the folder to place it in, as :mod:`engine.models.weights` does for
torchvision's weights.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import CheckpointError, WeightsUnavailableError
from .catalog import SamModelInfo
from .download import DownloadFailed, DownloadMismatch, DownloadProgress, fetch, file_sha256, part_path

# (path, size, mtime) of files whose SHA-256 was found right in this process:
# hashing ViT-B's 375 MB takes about a second, once is enough.
_verified: set[tuple[str, int, float]] = set()


def weights_folder() -> Path:
    import torch

    return Path(torch.hub.get_dir()) / "checkpoints"


def sam_weights_path(info: SamModelInfo) -> Path:
    return weights_folder() / info.file_name


def ensure_sam_weights(info: SamModelInfo, progress: DownloadProgress | None = None,
                       timeout: float = 30.0) -> Path:
    """The checked weights file of ``info``, downloaded first when missing.

    Raises :class:`WeightsUnavailableError` (file, folder and address in its
    details) when it cannot be fetched, :class:`CheckpointError` when the
    file there is not the published one."""
    path = sam_weights_path(info)
    if not path.is_file():
        try:
            fetch(info.url, path, sha256=info.sha256, size=info.size, progress=progress, timeout=timeout)
        except DownloadFailed as e:
            raise sam_weights_unavailable(info, e.reason, e.received) from None
        except DownloadMismatch as e:
            raise CheckpointError(f"the download of {info.file_name} from {info.url} is not the published file "
                                  f"({e}); it was deleted. Try again later, or download it elsewhere and place it "
                                  f"as {path}.") from None
    verify_sam_weights(info, path)
    return path


def sam_weights_unavailable(info: SamModelInfo, reason: str, received: int = 0) -> WeightsUnavailableError:
    path = sam_weights_path(info)
    kept = (f" The {received} bytes received are kept in {part_path(path).name} and the next try resumes from "
            "there." if received else "")
    message = (f"cannot download the weights of {info.title}, {path.name} ({reason}). This machine seems to be "
               f"offline. Download {info.url} elsewhere and place it as {path} (folder {path.parent}), or pass "
               f"--sam-weights FILE.{kept}")
    return WeightsUnavailableError(message, file_name=path.name, folder=path.parent, url=info.url, reason=reason)


def verify_sam_weights(info: SamModelInfo, path: Path) -> None:
    """Size and SHA-256 against the published values, where known (a file
    placed by hand is checked as a downloaded one is). Without them the
    check is the load itself (:func:`load_sam_state_dict`)."""
    if info.sha256 is None:
        return
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime)
    if key in _verified:
        return
    if info.size is not None and st.st_size != info.size:
        what = "truncated (an interrupted download?)" if st.st_size < info.size else "not that file"
        raise CheckpointError(f"{path} has {st.st_size} bytes, the published {info.file_name} has {info.size}: "
                              f"it is {what}. Delete it and download {info.url} again.")
    digest = file_sha256(path)
    if digest != info.sha256:
        raise CheckpointError(f"{path} is not the published {info.file_name} of {info.title}: its SHA-256 is "
                              f"{digest}, the published one is {info.sha256}. Delete it and download {info.url} "
                              "again.")
    _verified.add(key)


def load_sam_state_dict(path: str | os.PathLike) -> dict[str, Any]:
    """The tensors of a SAM-family weights file: Meta's and MobileSAM's are
    plain state dicts; a dict holding one under ``model`` or ``state_dict``
    is taken too. Loaded with ``weights_only=True``."""
    from ..checkpoint import load_checkpoint_file

    import torch

    data = load_checkpoint_file(path)
    if isinstance(data, dict):
        for key in ("model", "state_dict"):
            if isinstance(data.get(key), dict):
                data = data[key]
                break
    if not isinstance(data, dict) or not any(isinstance(v, torch.Tensor) for v in data.values()):
        raise CheckpointError(f"{Path(path).name} holds no weights (expected a state dict of tensors)")
    return data

"""The promptable-segmentation models we know: their weights' official
addresses and what is known about each file. No torch here, so that the
command line lists them at once.

Hashes: a SHA-256 is written here only when it is the published value of
the official file, checked against several independent sources. Where none
could be verified (MobileSAM's repository publishes none), ``sha256`` is
None and the file is checked by what can be checked without it: it loads
with ``weights_only=True`` and holds every tensor of the architecture with
its shape (a truncated or other file fails that). We never take the hash of
a first download as the reference: that would only prove the file is the
one we happened to get.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..errors import ConfigError

Encoder = Literal["vit_b", "tiny_vit"]


@dataclass(frozen=True)
class SamModelInfo:
    """One promptable-segmentation model: how to build it and its weights."""

    name: str  # what --sam-model and the window call it
    title: str
    encoder: Encoder  # the image encoder's architecture (see .build)
    url: str  # the official address of the weights
    file_name: str
    sha256: str | None  # the published SHA-256 of the official file; None: not verified (see above)
    size: int | None  # its size in bytes, when published with the hash
    source: str  # whose code and weights, and their licence

    @property
    def verified(self) -> bool:
        return self.sha256 is not None


SAM_MODELS: dict[str, SamModelInfo] = {m.name: m for m in (
    SamModelInfo(
        name="mobile-sam", title="MobileSAM (TinyViT encoder, CPU-friendly)", encoder="tiny_vit",
        url="https://github.com/ChaoningZhang/MobileSAM/raw/master/weights/mobile_sam.pt",
        file_name="mobile_sam.pt", sha256=None, size=None,
        source="MobileSAM (Zhang et al. 2023, Apache-2.0): TinyViT distilled from SAM's ViT-H encoder, with "
               "SAM's prompt encoder and mask decoder"),
    SamModelInfo(
        name="sam-vit-b", title="Segment Anything ViT-B (Meta)", encoder="vit_b",
        url="https://dl.fbaipublicfiles.com/segment_anything/sam_vit_b_01ec64.pth",
        file_name="sam_vit_b_01ec64.pth",
        sha256="ec2df62732614e57411cdcf32a23ffdf28910380d03139ee0f4fcbe91eb8c912", size=375_042_383,
        source="Segment Anything (Kirillov et al. 2023, Apache-2.0), Meta's segment-anything package"),
)}

# The CPU-friendly one: its encoder takes about a fifth of ViT-B's time here.
DEFAULT_SAM_MODEL = "mobile-sam"

# The model name of the masks decoded from boxes in bulk. One fixed name,
# whatever backend decoded them, so that decoding again replaces the earlier
# masks and leaves the detector's boxes (another model name) alone.
BOXES_MODEL = "sam-boxes"


def sam_model_names() -> list[str]:
    return list(SAM_MODELS)


def get_sam_model(name: str) -> SamModelInfo:
    try:
        return SAM_MODELS[name]
    except KeyError:
        raise ConfigError(f"unknown promptable-segmentation model {name!r}; pick one of: "
                          + ", ".join(SAM_MODELS)) from None

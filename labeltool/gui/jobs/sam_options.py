"""The AI mask settings a person chooses, kept per project in the store's
meta (a weights file inside the project relative to it, so that the project
can move), and the models to choose from. No torch here: the settings
dialog opens without it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from engine.sam.catalog import DEFAULT_SAM_MODEL, SAM_MODELS

from .project_meta import json_object, relative_path, resolved_path

if TYPE_CHECKING:  # pragma: no cover
    from engine.sam import SamSettings

OPTIONS_KEY = "sam_settings"  # store meta: the project's SamOptions as JSON
KEEP_KINDS = ("mask", "polygon")
MAX_TOLERANCE = 50.0


def model_choices() -> list[tuple[str, str]]:
    """``(name, title)`` of each promptable-segmentation model, the default first."""
    return [(m.name, m.title) for m in sorted(SAM_MODELS.values(), key=lambda m: m.name != DEFAULT_SAM_MODEL)]


def model_source(name: str) -> tuple[str, str]:
    """``(file name, official address)`` of a model's weights."""
    info = SAM_MODELS[name]
    return info.file_name, info.url


@dataclass(frozen=True)
class SamOptions:
    """What a person sets about the AI mask tool, kept per project."""

    model: str = DEFAULT_SAM_MODEL
    weights: str = ""  # a local weights file instead of the download ("" = the official one)
    keep: str = "mask"  # what Enter stores: "mask" or "polygon"
    tolerance: float = 1.0  # polygon simplification (Douglas-Peucker), image pixels

    def settings(self, root: Path | None) -> "SamSettings":
        """The engine's settings (imports torch: a worker thread's call)."""
        from engine.sam import SamSettings

        return SamSettings(model=self.model, weights=self.weights_path(root))

    def weights_path(self, root: Path | None) -> Path | None:
        """The weights file of one's own (relative to the project ``root``), if any."""
        return resolved_path(self.weights, root)

    def to_json(self, root: Path | None) -> str:
        return json.dumps({**asdict(self), "weights": relative_path(self.weights, root)})

    @classmethod
    def from_json(cls, text: str | None) -> "SamOptions":
        """What :meth:`to_json` wrote; the default for any value missing or
        not understood (a value written by another version)."""
        data = json_object(text)
        d = cls()
        tolerance = data.get("tolerance")
        return cls(model=data["model"] if data.get("model") in SAM_MODELS else d.model,
                   weights=data["weights"] if isinstance(data.get("weights"), str) else d.weights,
                   keep=data["keep"] if data.get("keep") in KEEP_KINDS else d.keep,
                   tolerance=float(tolerance) if isinstance(tolerance, (int, float)) and not isinstance(
                       tolerance, bool) and 0 <= tolerance <= MAX_TOLERANCE else d.tolerance)

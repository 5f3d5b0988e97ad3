"""Project-level records: images, label classes, image status."""
from __future__ import annotations

import colorsys
import enum
from dataclasses import dataclass


class ImageStatus(str, enum.Enum):
    NEW = "new"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    SKIPPED = "skipped"


# The splits an image may belong to (``ImageItem.split``): what dataset
# layouts name train / valid / validation / test, each under one name.
SPLITS: tuple[str, ...] = ("train", "val", "test")


@dataclass
class ImageItem:
    """One image of a project. ``path`` is relative to the project folder,
    POSIX-style, so the folder can be moved or zipped whole."""

    id: int
    path: str
    width: int | None = None
    height: int | None = None
    status: ImageStatus = ImageStatus.NEW
    missing: bool = False
    # "train", "val", "test" (SPLITS) as an imported dataset or the user
    # put it; None: not assigned, training and exports split by hash.
    split: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class LabelClass:
    name: str
    color: str = "#ff0000"
    order: int = 0
    id: int | None = None


def default_color(index: int) -> str:
    """A distinct, stable colour for the ``index``-th class (golden-ratio hues)."""
    h = (index * 0.618033988749895) % 1.0
    r, g, b = colorsys.hsv_to_rgb(h, 0.75, 0.95)
    return "#{:02x}{:02x}{:02x}".format(int(r * 255), int(g * 255), int(b * 255))


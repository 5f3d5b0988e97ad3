"""What a :class:`~.store.ProjectStore` tells its listeners after a commit."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EventKind = Literal[
    "shape_added", "shape_changed", "shape_removed", "image_changed", "images_changed", "classes_changed"
]


@dataclass(frozen=True)
class StoreEvent:
    """What changed; listeners re-read what they show from the store."""

    kind: EventKind
    image_id: int | None = None
    shape_id: str | None = None


def coalesce(events: list[StoreEvent]) -> list[StoreEvent]:
    """Many events of one transaction, each once, in order (an import of
    10,000 shapes should not repaint 10,000 times)."""
    if len(events) > 64:
        images = {e.image_id for e in events if e.image_id is not None}
        out = [StoreEvent("images_changed")] if len(images) > 1 else [StoreEvent("image_changed", images.pop())] \
            if images else []
        if any(e.kind == "classes_changed" for e in events):
            out.append(StoreEvent("classes_changed"))
        return out
    seen: list[StoreEvent] = []
    for e in events:
        if e not in seen:
            seen.append(e)
    return seen

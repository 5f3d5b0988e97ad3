"""The annotation document model and the project store (no Qt, no torch)."""
from .errors import (
    NotAProjectError,
    StoreCorruptError,
    StoreError,
    StoreLockedError,
    StoreNewerSchemaError,
    StoreReadOnlyError,
)
from .images import ImageLoadError, load_image, read_size
from .project import ImageItem, ImageStatus, LabelClass
from .shapes import HUMAN, Box, ImageTag, Mask, Polygon, Shape, Source, TextRegion
from .store import ProjectStore, Snapshot, SnapshotImage, StoreEvent

__all__ = [
    "Box", "HUMAN", "ImageItem", "ImageLoadError", "ImageStatus", "ImageTag", "LabelClass", "Mask",
    "NotAProjectError", "Polygon", "ProjectStore", "Shape", "Snapshot", "SnapshotImage", "Source",
    "StoreCorruptError", "StoreError", "StoreEvent", "StoreLockedError", "StoreNewerSchemaError",
    "StoreReadOnlyError", "TextRegion", "load_image", "read_size",
]

"""Shape kinds of the annotation model, as plain dataclasses.

No Qt and no torch here: the store, the formats, the GUI and the engine all
speak these types. Coordinates are image pixels (float, origin top-left).
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, ClassVar, Literal

if TYPE_CHECKING:  # numpy is imported where used: `labeltool stats` and `--help` start without it
    import numpy as np

Point = tuple[float, float]
ShapeKind = Literal["box", "polygon", "mask", "text", "tag"]

# The yes/no flags any shape may carry, as Pascal VOC names them.
FLAGS: tuple[str, ...] = ("difficult", "truncated", "occluded")


def new_shape_id() -> str:
    """A stable, globally unique id (survives export, import and undo)."""
    return uuid.uuid4().hex


@dataclass(frozen=True)
class Source:
    """Who made a shape: a person (``kind == "human"``) or a model.

    Model-made shapes carry the model (run) name and its score so that
    predictions stay apart from human labels until a person accepts them.
    An accepted prediction is a person's shape that still names its model
    and score (review counts it as found by that model).
    """

    kind: Literal["human", "model"] = "human"
    model: str | None = None
    score: float | None = None

    @property
    def is_model(self) -> bool:
        return self.kind == "model"

    @classmethod
    def from_model(cls, model: str, score: float | None) -> "Source":
        return cls("model", model, None if score is None else float(score))


HUMAN = Source()


@dataclass(kw_only=True)
class Shape:
    """Fields every shape kind has; use a concrete subclass."""

    kind: ClassVar[ShapeKind]
    label: str
    id: str = field(default_factory=new_shape_id)
    difficult: bool = False
    truncated: bool = False
    # A field like its two siblings, not an attribute: VOC writes
    # <occluded> beside <truncated> and <difficult>, CVAT gives every shape
    # an occluded flag, and the window toggles the three alike. An attribute
    # would be a dict key each format spells its own way.
    occluded: bool = False
    # The object this shape is a part of (one person hidden in the middle by
    # a pole: two polygons), as labelme's ``group_id``: shapes of one image
    # with the same class and the same group are one object (one COCO
    # annotation, one VOC instance, one training target). None: a whole
    # object on its own. Numbers only mean something within their image.
    group: int | None = None
    source: Source = HUMAN
    # Extra attributes a format carried that we do not model (kept so that
    # files round-trip, as labelme keeps ``other_data``).
    attributes: dict[str, Any] = field(default_factory=dict)

    def geometry(self) -> dict[str, Any]:  # pragma: no cover - abstract
        raise NotImplementedError

    def bounds(self) -> tuple[float, float, float, float] | None:
        """Axis-aligned ``(x1, y1, x2, y2)`` or None for image-level shapes."""
        raise NotImplementedError  # pragma: no cover

    def flag_fields(self) -> dict[str, bool]:
        """``{"difficult": ..., "truncated": ..., "occluded": ...}``: what a
        shape made from this one (a mask from a polygon) keeps."""
        return {"difficult": self.difficult, "truncated": self.truncated, "occluded": self.occluded}

    def object_key(self) -> tuple[str, int] | None:
        """``(label, group)`` of a grouped part (its object), None for a
        shape that is an object on its own."""
        return None if self.group is None else (self.label, self.group)

    @property
    def flagged(self) -> bool:
        return self.difficult or self.truncated or self.occluded

    def copy(self, **changes: Any) -> "Shape":
        """A copy with a fresh id unless one is given (for paste/duplicate)."""
        changes.setdefault("id", new_shape_id())
        return replace(self, **changes)


def _points_bounds(points: list[Point]) -> tuple[float, float, float, float]:
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass(kw_only=True)
class Box(Shape):
    kind: ClassVar[ShapeKind] = "box"
    x1: float
    y1: float
    x2: float
    y2: float

    def __post_init__(self) -> None:
        # Normalise so that (x1, y1) is the top-left corner whatever way the
        # box was dragged or written.
        self.x1, self.x2 = sorted((float(self.x1), float(self.x2)))
        self.y1, self.y2 = sorted((float(self.y1), float(self.y2)))

    @property
    def width(self) -> float:
        return self.x2 - self.x1

    @property
    def height(self) -> float:
        return self.y2 - self.y1

    @property
    def area(self) -> float:
        return self.width * self.height

    def geometry(self) -> dict[str, Any]:
        return {"box": [self.x1, self.y1, self.x2, self.y2]}

    def bounds(self) -> tuple[float, float, float, float]:
        return self.x1, self.y1, self.x2, self.y2


@dataclass(kw_only=True)
class Polygon(Shape):
    kind: ClassVar[ShapeKind] = "polygon"
    points: list[Point]

    def __post_init__(self) -> None:
        self.points = [(float(x), float(y)) for x, y in self.points]

    @property
    def area(self) -> float:
        """Shoelace area (absolute)."""
        if len(self.points) < 3:
            return 0.0
        import numpy as np

        a = np.asarray(self.points, dtype=np.float64)
        x, y = a[:, 0], a[:, 1]
        return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)

    def geometry(self) -> dict[str, Any]:
        return {"points": [list(p) for p in self.points]}

    def bounds(self) -> tuple[float, float, float, float]:
        return _points_bounds(self.points)


@dataclass(kw_only=True)
class Mask(Shape):
    """A binary mask as COCO compressed RLE (``{"size": [h, w], "counts": str}``).

    The RLE is what pycocotools' ``mask.encode`` produces (counts decoded to
    ``str`` so that it is JSON-serialisable), so it goes to COCO unchanged.
    """

    kind: ClassVar[ShapeKind] = "mask"
    rle: dict[str, Any]

    def __post_init__(self) -> None:
        counts = self.rle.get("counts")
        if isinstance(counts, list):
            # Uncompressed RLE (COCO ``iscrowd`` files): compress it once here.
            from pycocotools import mask as mask_utils

            h, w = self.rle["size"]
            counts = mask_utils.frPyObjects({"size": [h, w], "counts": counts}, h, w)["counts"]
        if isinstance(counts, bytes):
            self.rle = {"size": list(self.rle["size"]), "counts": counts.decode("ascii")}

    @classmethod
    def from_array(cls, array: np.ndarray, **fields: Any) -> "Mask":
        import numpy as np
        from pycocotools import mask as mask_utils

        m = np.asfortranarray(np.asarray(array, dtype=bool).astype(np.uint8))
        rle = mask_utils.encode(m)
        return cls(rle={"size": [int(s) for s in rle["size"]], "counts": rle["counts"].decode("ascii")}, **fields)

    def to_array(self) -> np.ndarray:
        """The mask as an ``(h, w)`` bool array."""
        from pycocotools import mask as mask_utils

        return mask_utils.decode(self._coco_rle()).astype(bool)

    def _coco_rle(self) -> dict[str, Any]:
        return {"size": list(self.rle["size"]), "counts": self.rle["counts"].encode("ascii")}

    @property
    def size(self) -> tuple[int, int]:
        """``(height, width)`` of the image the mask covers."""
        h, w = self.rle["size"]
        return int(h), int(w)

    @property
    def area(self) -> float:
        from pycocotools import mask as mask_utils

        return float(mask_utils.area(self._coco_rle()))

    def geometry(self) -> dict[str, Any]:
        return {"rle": self.rle}

    def bounds(self) -> tuple[float, float, float, float] | None:
        from pycocotools import mask as mask_utils

        if self.area == 0:
            return None
        x, y, w, h = (float(v) for v in mask_utils.toBbox(self._coco_rle()))
        return x, y, x + w, y + h


@dataclass(kw_only=True)
class TextRegion(Shape):
    """A text quadrilateral (clockwise from top-left, as PPOCRLabel writes)."""

    kind: ClassVar[ShapeKind] = "text"
    points: list[Point]
    transcription: str = ""

    def __post_init__(self) -> None:
        self.points = [(float(x), float(y)) for x, y in self.points]
        if len(self.points) != 4:
            raise ValueError(f"a text region has 4 points, got {len(self.points)}")

    def geometry(self) -> dict[str, Any]:
        return {"points": [list(p) for p in self.points], "transcription": self.transcription}

    def bounds(self) -> tuple[float, float, float, float]:
        return _points_bounds(self.points)


@dataclass(kw_only=True)
class ImageTag(Shape):
    """An image-level class (classification label)."""

    kind: ClassVar[ShapeKind] = "tag"

    def geometry(self) -> dict[str, Any]:
        return {}

    def bounds(self) -> None:
        return None


SHAPE_TYPES: dict[str, type[Shape]] = {t.kind: t for t in (Box, Polygon, Mask, TextRegion, ImageTag)}


def shape_from_geometry(kind: str, geometry: dict[str, Any], **fields: Any) -> Shape:
    """Rebuild a shape from its kind and ``geometry()`` dict (the store's row)."""
    if kind == "box":
        x1, y1, x2, y2 = geometry["box"]
        return Box(x1=x1, y1=y1, x2=x2, y2=y2, **fields)
    if kind == "polygon":
        return Polygon(points=[tuple(p) for p in geometry["points"]], **fields)
    if kind == "mask":
        return Mask(rle=geometry["rle"], **fields)
    if kind == "text":
        return TextRegion(points=[tuple(p) for p in geometry["points"]],
                          transcription=geometry.get("transcription", ""), **fields)
    if kind == "tag":
        return ImageTag(**fields)
    raise ValueError(f"unknown shape kind {kind!r}")


def shape_to_dict(shape: Shape) -> dict[str, Any]:
    """A JSON-ready dict of ``shape`` (clipboard, event streams, run files)."""
    d: dict[str, Any] = {"kind": shape.kind, "id": shape.id, "label": shape.label,
                         "difficult": shape.difficult, "truncated": shape.truncated, "occluded": shape.occluded,
                         "group": shape.group,
                         "source": {"kind": shape.source.kind, "model": shape.source.model,
                                    "score": shape.source.score}}
    if shape.attributes:
        d["attributes"] = shape.attributes
    d.update(shape.geometry())
    return d


def shape_from_dict(d: dict[str, Any]) -> Shape:
    """Inverse of :func:`shape_to_dict`."""
    src = d.get("source") or {}
    source = Source(src.get("kind", "human"), src.get("model"), src.get("score")) \
        if src.get("kind") == "model" else HUMAN
    fields = {"label": d["label"], "difficult": bool(d.get("difficult", False)),
              "truncated": bool(d.get("truncated", False)), "occluded": bool(d.get("occluded", False)),
              "source": source, "group": _group(d.get("group")),
              "attributes": dict(d.get("attributes") or {})}
    if d.get("id"):
        fields["id"] = d["id"]
    geometry = {k: d[k] for k in ("box", "points", "rle", "transcription") if k in d}
    return shape_from_geometry(d["kind"], geometry, **fields)


def _group(value: Any) -> int | None:
    """A group number read from outside (a clipboard, a file), or None."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

"""labelme JSON: one file per image, next to it (``version``, ``flags``,
``shapes``, ``imagePath``, ``imageData``, ``imageHeight``, ``imageWidth``).

Read: every shape type labelme and X-AnyLabeling write. ``rectangle`` ->
box (two corners, or X-AnyLabeling's four), ``polygon`` -> polygon,
``circle`` -> 32-gon, ``rotation`` (X-AnyLabeling's turned box) -> its
4-point polygon, ``mask`` -> mask (labelme stores a base64 PNG of the
bounding-box crop, ``points`` = the crop's two corner pixels); ``point``,
``points``, ``line`` and ``linestrip`` have no area and are counted as
lost. ``group_id`` is the shape's group (parts of one object, per label as
``labelme2coco`` joins them). Image-level flags set to true become image
tags; a shape's ``difficult`` / ``truncated`` / ``occluded`` (a key of its
own, as X-AnyLabeling writes ``difficult``, or a shape flag) become its
flags.
Write: boxes, polygons, masks, text regions (a 4-point polygon with a
``transcription`` key, which labelme keeps as ``other_data``), tags,
groups as ``group_id``, the flags as keys, and the image's split as a
top-level ``split`` key (labelme keeps unknown keys too).
"""
from __future__ import annotations

import base64
import binascii
import io
from math import isfinite
from pathlib import Path, PureWindowsPath
from typing import Any, Callable

import numpy as np
from PIL import Image

from labeltool.core.project import SPLITS
from labeltool.core.shapes import FLAGS, Box, ImageTag, Mask, Polygon, Shape, TextRegion

from .errors import FormatError
from .fileio import (MAX_COORD, MAX_SIDE, CopyMode, atomic_write_text, dump_json, load_json, number, place_file,
                     reading, side)
from .geometry import circle_polygon
from .layout import is_absolute_anywhere, relative_to
from .records import Dataset, ImageRecord, WriteResult

VERSION = "5.5.0"  # the labelme file version whose fields we write
_KNOWN = {"label", "points", "group_id", "shape_type", "flags", "description", "mask"}
_READ = frozenset(_KNOWN | {"transcription", *FLAGS})  # keys that are not other_data
_NUMBERS = {int, float}
# Shape types with no area, by the kind of loss the summary counts.
_NO_AREA = {"point": "point shapes", "points": "point shapes", "line": "line shapes", "linestrip": "line shapes"}


# ------------------------------------------------------------------- reading
def read_file(path: Path) -> tuple[ImageRecord, list[tuple[str, str]]]:
    """One labelme JSON: its record (``path`` = ``imagePath`` as written,
    relative to the JSON's folder) and ``(kind, note)`` of each shape it
    could not read."""
    data = load_json(path)
    with reading(path):
        if not isinstance(data, dict) or not isinstance(data.get("shapes"), list):
            raise FormatError(path, "not a labelme file (no \"shapes\" list)")
        image_path = data.get("imagePath")
        if not isinstance(image_path, str) or not image_path:
            raise FormatError(path, "no imagePath")
        width = side(data["imageWidth"], "imageWidth", path) if data.get("imageWidth") is not None else None
        height = side(data["imageHeight"], "imageHeight", path) if data.get("imageHeight") is not None else None
        record = ImageRecord(path=PureWindowsPath(image_path).as_posix(), width=width, height=height)
        if data.get("imageData"):
            try:
                record.image_data = base64.b64decode(str(data["imageData"]), validate=True)
            except (binascii.Error, ValueError):
                raise FormatError(path, "imageData is not base64") from None
        notes: list[tuple[str, str]] = []
        for n, raw in enumerate(data["shapes"], 1):
            try:
                shape = _shape(raw, n, record, path)
            except FormatError as e:
                notes.append(("malformed shapes", str(e)))
                continue
            if isinstance(shape, tuple):
                notes.append((shape[0], f"{path.name}: shape {n}: {shape[1]}"))
            else:
                record.shapes.append(shape)
        flags = data.get("flags") or {}
        if isinstance(flags, dict):
            record.shapes += [ImageTag(label=str(k)) for k, v in flags.items() if v is True and str(k).strip()]
        split = data.get("split")
        record.split = split if split in SPLITS else None
        return record, notes


def _shape(raw: Any, n: int, record: ImageRecord, path: Path) -> Shape | tuple[str, str]:
    """The shape of one entry, or ``(kind of loss, why)`` for one labeltool holds no form of."""
    if not isinstance(raw, dict):
        raise FormatError(path, f"shape {n} is not an object")
    label, shape_type = raw.get("label"), raw.get("shape_type") or "polygon"
    if not isinstance(label, str) or not label.strip():
        raise FormatError(path, f"shape {n} has no label")
    if shape_type in _NO_AREA:
        return _NO_AREA[shape_type], f"{shape_type} {label!r} skipped (labeltool keeps regions, not points or lines)"
    pts_raw = raw.get("points")
    # Set-of-types checks run in C: 20,000 shapes of 10 points each are read at once.
    if not isinstance(pts_raw, list) or set(map(type, pts_raw)) - {list} or set(map(len, pts_raw)) - {2}:
        raise FormatError(path, f"shape {n}: points must be a list of [x, y]")
    pts = _points(pts_raw, n, path)
    fields = {"label": label.strip(), **_flags_and_attributes(raw)}
    if shape_type == "rectangle":
        if len(pts) == 2:
            (x1, y1), (x2, y2) = pts
            return Box(x1=x1, y1=y1, x2=x2, y2=y2, **fields)
        if len(pts) == 4:  # X-AnyLabeling writes a rectangle's four corners
            xs, ys = sorted({round(x, 6) for x, _ in pts}), sorted({round(y, 6) for _, y in pts})
            if len(xs) <= 2 and len(ys) <= 2:
                return Box(x1=xs[0], y1=ys[0], x2=xs[-1], y2=ys[-1], **fields)
            return Polygon(points=pts, **fields)  # turned: its corners are the truth
        raise FormatError(path, f"shape {n}: a rectangle has 2 or 4 points, not {len(pts)}")
    if shape_type in ("polygon", "rotation"):
        if len(pts) < 3:
            raise FormatError(path, f"shape {n}: a polygon needs 3 points, not {len(pts)}")
        if "transcription" in raw and len(pts) == 4:
            return TextRegion(points=pts, transcription=str(raw["transcription"]), **fields)
        return Polygon(points=pts, **fields)
    if shape_type == "circle":
        if len(pts) != 2:
            raise FormatError(path, f"shape {n}: a circle has 2 points, not {len(pts)}")
        (cx, cy), (px, py) = pts
        return Polygon(points=circle_polygon(cx, cy, float(np.hypot(px - cx, py - cy))), **fields)
    if shape_type == "mask":
        return _mask(raw.get("mask"), pts, n, record, path, fields)
    return "unknown shape types", f"unknown shape_type {str(shape_type)[:40]!r} skipped"


def _points(raw: list[list[Any]], n: int, path: Path) -> list[tuple[float, float]]:
    """The points as floats: plain finite numbers in range at once (a
    1,000-file import reads 100,000 of them), anything else checked one by
    one for the message."""
    flat = [v for p in raw for v in p]
    if flat and set(map(type, flat)) <= _NUMBERS:
        total = sum(flat)  # not finite when a value is NaN or infinite
        if isfinite(total) and -MAX_COORD <= min(flat) and max(flat) <= MAX_COORD:
            return [(float(x), float(y)) for x, y in raw]
    return [(number(p[0], f"shape {n} x", path), number(p[1], f"shape {n} y", path)) for p in raw]


def _flags_and_attributes(raw: dict[str, Any]) -> dict[str, Any]:
    """A shape's flags (its own keys, or labelme shape flags of those names),
    its group (``group_id``) and its other keys as attributes; keys with nothing in them
    (X-AnyLabeling's ``"attributes": {}``, ``"score": null``) are left out."""
    attrs: dict[str, Any] = {k: v for k, v in raw.items() if k not in _READ and v not in (None, "", [], {})}
    shape_flags = dict(raw["flags"]) if isinstance(raw.get("flags"), dict) else {}
    fields: dict[str, Any] = {f: raw.get(f) is True or shape_flags.pop(f, None) is True for f in FLAGS}
    group = raw.get("group_id")
    if isinstance(group, int) and not isinstance(group, bool):
        fields["group"] = group
    elif group is not None:  # a group id labelme itself would not write: kept as it was
        attrs["group_id"] = group
    if raw.get("description"):
        attrs["description"] = raw["description"]
    if shape_flags:
        attrs["flags"] = shape_flags
    return {**fields, "attributes": attrs}


def _mask(b64: Any, pts: list[tuple[float, float]], n: int, record: ImageRecord, path: Path,
          fields: dict[str, Any]) -> Mask:
    if not isinstance(b64, str) or len(pts) != 2:
        raise FormatError(path, f"shape {n}: a mask needs a base64 PNG and 2 corner points")
    if not (record.width and record.height):
        raise FormatError(path, f"shape {n}: a mask needs imageWidth and imageHeight")
    try:
        img = Image.open(io.BytesIO(base64.b64decode(b64, validate=True)))
        if img.width * img.height > MAX_SIDE * 1000:
            raise FormatError(path, f"shape {n}: mask image too large")
        crop = np.asarray(img)
    except (binascii.Error, ValueError, OSError, Image.DecompressionBombError) as e:
        raise FormatError(path, f"shape {n}: mask is not a base64 PNG ({e})") from None
    if crop.ndim == 3:
        crop = crop[..., 0]
    x1, y1 = int(pts[0][0]), int(pts[0][1])
    h, w = crop.shape
    if x1 < 0 or y1 < 0 or x1 + w > record.width or y1 + h > record.height:
        raise FormatError(path, f"shape {n}: mask crop {w}x{h} at ({x1}, {y1}) lies outside the image")
    full = np.zeros((record.height, record.width), dtype=bool)
    full[y1:y1 + h, x1:x1 + w] = crop.astype(bool)
    return Mask.from_array(full, **fields)


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A folder of labelme JSON files (searched recursively) or one file."""
    src = Path(src)
    if src.is_file():
        files, root = [src], src.parent
    elif src.is_dir():
        files = sorted(p for p in src.rglob("*.json")
                       if not any(part.startswith(".") for part in p.relative_to(src).parts))
        root = src
    else:
        raise FormatError(src, "does not exist")
    looked_for = "labelme .json files (with \"shapes\" and \"imagePath\"), their images beside them"
    if not files:
        raise FormatError(src, f"no labelme .json files found; looked for {looked_for}")
    ds = Dataset(root=root, looked_for=looked_for, layout="JSON beside each image")
    classes: dict[str, None] = {}
    for i, f in enumerate(files, 1):
        try:
            record, notes = read_file(f)
        except FormatError as e:
            ds.lose("unreadable files", str(e))
            continue
        ds.files += 1
        for kind, note in notes:
            ds.lose(kind, note)
        image = _find_image(f, record.path)
        record.source = image
        record.path = (relative_to(image, root) if image is not None else None) or \
            PureWindowsPath(record.path).name
        ds.records.append(record)
        for s in record.shapes:
            classes.setdefault(s.label, None)
        if progress:
            progress(i, len(files))
    ds.classes = list(classes)
    return ds


def _find_image(json_file: Path, image_path: str) -> Path | None:
    """``imagePath`` beside the JSON; when it names another machine's file
    (``C:\\Users\\...``), the file of that name beside the JSON, else
    labelme's own habit: the image named as the JSON."""
    first = Path(image_path) if is_absolute_anywhere(image_path) else json_file.parent / image_path
    if first.is_file():
        return first
    name = PureWindowsPath(image_path).name
    candidates = [json_file.parent / name, *(json_file.with_suffix(ext) for ext in
                                             (".jpg", ".png", ".jpeg", ".bmp", ".JPG", ".PNG"))]
    return next((c for c in candidates if c.is_file()), None)


# ------------------------------------------------------------------- writing
def shape_json(shape: Shape) -> dict[str, Any] | None:
    """labelme's dict of a region shape; None for a tag (tags are flags)."""
    base: dict[str, Any] = {"label": shape.label, "points": [], "group_id": None, "description": "",
                            "shape_type": "polygon", "flags": {}, "mask": None}
    attrs = dict(shape.attributes)
    base["group_id"] = shape.group if shape.group is not None else attrs.pop("group_id", None)
    base["description"] = attrs.pop("description", "") or ""
    base["flags"] = attrs.pop("flags", {}) or {}
    if isinstance(shape, Box):
        base.update(shape_type="rectangle", points=[[shape.x1, shape.y1], [shape.x2, shape.y2]])
    elif isinstance(shape, (Polygon, TextRegion)):
        base["points"] = [[x, y] for x, y in shape.points]
        if isinstance(shape, TextRegion):
            base["transcription"] = shape.transcription
    elif isinstance(shape, Mask):
        m = shape.to_array()
        ys, xs = np.nonzero(m)
        if not len(xs):
            return None
        x1, x2, y1, y2 = int(xs.min()), int(xs.max()), int(ys.min()), int(ys.max())
        buf = io.BytesIO()
        Image.fromarray(m[y1:y2 + 1, x1:x2 + 1].astype(np.uint8)).save(buf, format="PNG")
        base.update(shape_type="mask", points=[[float(x1), float(y1)], [float(x2), float(y2)]],
                    mask=base64.b64encode(buf.getvalue()).decode("ascii"))
    else:
        return None
    base.update((f, True) for f, on in shape.flag_fields().items() if on)
    for k, v in attrs.items():  # other_data labelme keeps as it is
        base.setdefault(k, v)
    return base


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    """Each image at ``out/<project path>`` with its JSON beside it, as labelme
    saves (``imagePath`` = the file name, ``imageData`` null)."""
    out = Path(out)
    result = WriteResult()
    for n, record in enumerate(records, 1):
        image = out / record.path
        if not place_file(record.source, image, copy_mode):
            result.skipped.append(f"{record.path}: image file missing; its JSON was written")
        shapes: list[dict[str, Any]] = []
        flags: dict[str, bool] = {}
        for s in record.shapes:
            if isinstance(s, ImageTag):
                flags[s.label] = True
                continue
            d = shape_json(s)
            if d is None:
                result.lose("empty masks", f"{record.path}: empty mask {s.label!r}")
            else:
                shapes.append(d)
        doc = {"version": VERSION, "flags": flags, "shapes": shapes, "imagePath": image.name,
               "imageData": None, "imageHeight": record.height, "imageWidth": record.width}
        if record.split:
            doc["split"] = record.split
        atomic_write_text(image.with_suffix(".json"), dump_json(doc, indent=2))
        result.images += 1
        result.shapes += len(shapes) + len(flags)
        result.files += 1
        if progress:
            progress(n, len(records))
    return result

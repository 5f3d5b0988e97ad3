"""labelme JSON: one file per image, next to it (``version``, ``flags``,
``shapes``, ``imagePath``, ``imageData``, ``imageHeight``, ``imageWidth``).

Read: every shape type labelme writes. ``rectangle`` -> box, ``polygon`` ->
polygon, ``circle`` -> 32-gon, ``mask`` -> mask (labelme stores a base64 PNG
of the bounding-box crop, ``points`` = the crop's two corner pixels);
``point``, ``points``, ``line`` and ``linestrip`` have no area and are
reported as skipped. Image-level flags set to true become image tags.
Write: boxes, polygons, masks, text regions (a 4-point polygon with a
``transcription`` key, which labelme keeps as ``other_data``) and tags.
"""
from __future__ import annotations

import base64
import binascii
import io
from pathlib import Path, PureWindowsPath
from typing import Any, Callable

import numpy as np
from PIL import Image

from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Shape, TextRegion

from .errors import FormatError
from .fileio import (MAX_SIDE, CopyMode, atomic_write_text, dump_json, load_json, number, place_file,
                     reading, side)
from .geometry import circle_polygon
from .records import Dataset, ImageRecord, WriteResult

VERSION = "5.5.0"  # the labelme file version whose fields we write
_KNOWN = {"label", "points", "group_id", "shape_type", "flags", "description", "mask"}
_NO_AREA = {"point", "points", "line", "linestrip"}


# ------------------------------------------------------------------- reading
def read_file(path: Path) -> tuple[ImageRecord, list[str]]:
    """One labelme JSON: its record (``path`` = ``imagePath`` as written,
    relative to the JSON's folder) and notes on shapes it skipped."""
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
        notes: list[str] = []
        for n, raw in enumerate(data["shapes"], 1):
            try:
                shape = _shape(raw, n, record, path)
            except FormatError as e:
                notes.append(str(e))
                continue
            if isinstance(shape, str):
                notes.append(f"{path.name}: shape {n}: {shape}")
            else:
                record.shapes.append(shape)
        flags = data.get("flags") or {}
        if isinstance(flags, dict):
            record.shapes += [ImageTag(label=str(k)) for k, v in flags.items() if v is True and str(k).strip()]
        return record, notes


def _shape(raw: Any, n: int, record: ImageRecord, path: Path) -> Shape | str:
    if not isinstance(raw, dict):
        raise FormatError(path, f"shape {n} is not an object")
    label, shape_type = raw.get("label"), raw.get("shape_type") or "polygon"
    if not isinstance(label, str) or not label.strip():
        raise FormatError(path, f"shape {n} has no label")
    if shape_type in _NO_AREA:
        return f"{shape_type} {label!r} skipped (labeltool keeps regions, not points or lines)"
    pts_raw = raw.get("points")
    if not isinstance(pts_raw, list) or not all(isinstance(p, list) and len(p) == 2 for p in pts_raw):
        raise FormatError(path, f"shape {n}: points must be a list of [x, y]")
    pts = [(number(p[0], f"shape {n} x", path), number(p[1], f"shape {n} y", path)) for p in pts_raw]
    attrs: dict[str, Any] = {k: v for k, v in raw.items() if k not in _KNOWN | {"transcription", "difficult",
                                                                                 "truncated"}}
    if raw.get("group_id") is not None:
        attrs["group_id"] = raw["group_id"]
    if raw.get("description"):
        attrs["description"] = raw["description"]
    if isinstance(raw.get("flags"), dict) and raw["flags"]:
        attrs["flags"] = raw["flags"]
    fields = {"label": label.strip(), "attributes": attrs, "difficult": raw.get("difficult") is True,
              "truncated": raw.get("truncated") is True}
    if shape_type == "rectangle":
        if len(pts) != 2:
            raise FormatError(path, f"shape {n}: a rectangle has 2 points, not {len(pts)}")
        (x1, y1), (x2, y2) = pts
        return Box(x1=x1, y1=y1, x2=x2, y2=y2, **fields)
    if shape_type == "polygon":
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
    return f"unknown shape_type {str(shape_type)[:40]!r} skipped"


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
    if not files:
        raise FormatError(src, "no labelme .json files found")
    ds = Dataset(root=root)
    classes: dict[str, None] = {}
    for i, f in enumerate(files, 1):
        try:
            record, notes = read_file(f)
        except FormatError as e:
            ds.skipped.append(str(e))
            continue
        ds.skipped += notes
        image = (f.parent / record.path)
        record.source = image if image.is_file() else None
        try:
            record.path = image.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            record.path = Path(record.path).name
        ds.records.append(record)
        for s in record.shapes:
            classes.setdefault(s.label, None)
        if progress:
            progress(i, len(files))
    ds.classes = list(classes)
    return ds


# ------------------------------------------------------------------- writing
def shape_json(shape: Shape) -> dict[str, Any] | None:
    """labelme's dict of a region shape; None for a tag (tags are flags)."""
    base: dict[str, Any] = {"label": shape.label, "points": [], "group_id": None, "description": "",
                            "shape_type": "polygon", "flags": {}, "mask": None}
    attrs = dict(shape.attributes)
    base["group_id"] = attrs.pop("group_id", None)
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
    if shape.difficult:
        base["difficult"] = True
    if shape.truncated:
        base["truncated"] = True
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
                result.skipped.append(f"{record.path}: empty mask {s.label!r}")
            else:
                shapes.append(d)
        doc = {"version": VERSION, "flags": flags, "shapes": shapes, "imagePath": image.name,
               "imageData": None, "imageHeight": record.height, "imageWidth": record.width}
        atomic_write_text(image.with_suffix(".json"), dump_json(doc, indent=2))
        result.images += 1
        result.shapes += len(shapes) + len(flags)
        result.files += 1
        if progress:
            progress(n, len(records))
    return result

"""Objects drawn in several parts (:attr:`Shape.group <labeltool.core.shapes.Shape.group>`)
as the formats write them.

labelme keeps the parts and their ``group_id``. COCO writes one annotation
per object (:func:`coco_annotation`): its parts' polygons as the
``segmentation`` list, area and box of their union, as labelme's own
``labelme2coco`` does; one RLE when a mask is among the parts. VOC and YOLO
hold one shape per object: :func:`join_groups` makes each object one shape
(the union mask; the union box when all parts are boxes; for YOLO the
parts' outlines joined into one by :func:`merge_outlines`, as Ultralytics'
converter does), counting each joined group as a loss.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np

from labeltool.core.groups import objects
from labeltool.core.raster import box_polygon, mask_polygons, polygons_rle, shapes_rle
from labeltool.core.shapes import FLAGS, Box, Mask, Point, Polygon, Shape, TextRegion

from .records import ImageRecord, Losses, StoredShapes

GROUP_COLUMN = 12  # the group's place in a store's raw shape row (SHAPE_ROW)


def has_groups(shapes: Sequence[Shape]) -> bool:
    """Whether any shape is a part of a group (raw rows are not built into
    Shapes to find out: most exports have no group at all)."""
    if isinstance(shapes, StoredShapes):
        return any(r[GROUP_COLUMN] is not None for r in shapes.rows)
    return any(s.group is not None for s in shapes)


def multi_part(shapes: Sequence[Shape]) -> tuple[dict[int, list[Shape]], set[int]]:
    """``(first, later)``: the objects of two parts or more by the index of
    their first part (-> all their parts), and the indices of their other
    parts. A group of one part is a shape like any other."""
    shapes = list(shapes)
    first: dict[int, list[Shape]] = {}
    later: set[int] = set()
    for obj in objects(range(len(shapes)), key=lambda i: shapes[i].object_key()):
        if len(obj) > 1:
            first[obj[0]] = [shapes[i] for i in obj]
            later.update(obj[1:])
    return first, later


def joined_fields(parts: list[Shape], result: Losses, path: str, fmt: str) -> dict[str, Any]:
    """The label, flags and attributes of one object of several parts: a
    flag any part has, every part's attributes (the first part's value where
    two differ). Parts that differ in flags or attributes are counted: the
    format holds them once per object."""
    first = parts[0]
    attrs: dict[str, Any] = {}
    for p in parts:
        for k, v in p.attributes.items():
            attrs.setdefault(k, v)
    flags = {f: any(getattr(p, f) for p in parts) for f in FLAGS}
    if any(p.flag_fields() != first.flag_fields() or p.attributes != first.attributes for p in parts):
        result.lose("flags or attributes differing within a group",
                    f"{path}: the parts of a {first.label!r} group differ in flags or attributes; {fmt} holds "
                    "them once per object")
    texts = [p.transcription for p in parts if isinstance(p, TextRegion) and p.transcription]
    if texts:
        result.lose("transcriptions", f"{path}: text of a grouped text region ({texts[0]!r}) not written; "
                                      f"{fmt} writes a group as one object")
    return {"label": first.label, **flags, "attributes": attrs}


def outline(shape: Shape) -> list[Point] | None:
    """The polygon a part covers (a box as its corners); None for a mask or a tag."""
    if isinstance(shape, Box):
        return box_polygon(shape.x1, shape.y1, shape.x2, shape.y2)
    if isinstance(shape, (Polygon, TextRegion)):
        return list(shape.points)
    return None


def union_rle(parts: list[Shape], height: int, width: int) -> dict[str, Any]:
    """The pixels of all parts as one COCO RLE (pycocotools' merge: a union)."""
    from pycocotools import mask as mask_utils

    rles = [r for r in shapes_rle(parts, height, width) if r is not None]
    return rles[0] if len(rles) == 1 else mask_utils.merge(rles)


def union_bounds(parts: list[Shape]) -> tuple[float, float, float, float] | None:
    bounds = [b for b in (p.bounds() for p in parts) if b is not None]
    if not bounds:
        return None
    return (min(b[0] for b in bounds), min(b[1] for b in bounds), max(b[2] for b in bounds),
            max(b[3] for b in bounds))


# ------------------------------------------------------------------- COCO
def coco_annotation(parts: list[Shape], ann_id: int, image_id: int, category_id: int, height: int, width: int,
                    result: Losses, path: str) -> dict[str, Any] | None:
    """The one COCO annotation of an object in several parts, as
    ``labelme2coco`` writes it: ``segmentation`` the parts' polygons (boxes
    as their corners), ``area`` the pixels of their union, ``bbox`` the
    union's box. A mask among the parts makes it one RLE of the union."""
    from pycocotools import mask as mask_utils

    fields = joined_fields(parts, result, path, "COCO")
    polys = [outline(p) for p in parts]
    if any(p is None for p in polys):
        rle = union_rle(parts, height, width)
        if not mask_utils.area(rle):
            return None
        seg: Any = {"size": [height, width], "counts": rle["counts"].decode("ascii")}
        bbox = [float(v) for v in mask_utils.toBbox(rle)]
        result.lose("groups with a mask (as one mask)", f"{path}: a {fields['label']!r} group holds a mask; "
                                                        "written as one RLE, read back as one mask")
    else:
        rle = polygons_rle(polys, height, width)  # type: ignore[arg-type]
        seg = [[float(v) for pt in poly for v in pt] for poly in polys]  # type: ignore[union-attr]
        x1, y1, x2, y2 = union_bounds(parts)  # type: ignore[misc]
        bbox = [x1, y1, x2 - x1, y2 - y1]
    attrs = dict(fields["attributes"])
    ann: dict[str, Any] = {"id": ann_id, "image_id": image_id, "category_id": category_id, "segmentation": seg,
                           "area": float(mask_utils.area(rle)), "bbox": bbox,
                           "iscrowd": 1 if attrs.pop("iscrowd", None) else 0}
    attrs.update((f, True) for f in FLAGS if fields[f])
    if attrs:
        ann["attributes"] = attrs
    return ann


def read_parts(polys: list[list[Point]], fields: dict[str, Any], group: int) -> list[Shape]:
    """The parts of a COCO annotation with several polygons, as one group:
    an axis-aligned rectangle (a box part, as :func:`coco_annotation` writes
    it) as a box, any other outline as a polygon."""
    parts: list[Shape] = []
    for pts in polys:
        fields = {**fields, "attributes": dict(fields.get("attributes") or {})}  # each part its own
        x1, y1 = min(x for x, _ in pts), min(y for _, y in pts)
        x2, y2 = max(x for x, _ in pts), max(y for _, y in pts)
        if is_rectangle(pts, x1, y1, x2, y2):
            parts.append(Box(x1=x1, y1=y1, x2=x2, y2=y2, group=group, **fields))
        else:
            parts.append(Polygon(points=pts, group=group, **fields))
    return parts


def is_rectangle(points: list[Point], x1: float, y1: float, x2: float, y2: float, tol: float = 1e-3) -> bool:
    """Whether ``points`` are the four corners of the box ``(x1, y1, x2, y2)``
    (in any order, within ``tol``): how COCO writers give a box its polygon."""
    if len(points) != 4:
        return False
    corners = box_polygon(x1, y1, x2, y2)
    return all(any(abs(px - cx) <= tol and abs(py - cy) <= tol for px, py in points) for cx, cy in corners) \
        and all(any(abs(px - cx) <= tol and abs(py - cy) <= tol for cx, cy in corners) for px, py in points)


# -------------------------------------------------------- VOC and YOLO
def join_groups(record: ImageRecord, result: Losses, fmt: str, how: Literal["mask", "outline"]) -> list[Shape]:
    """The record's shapes with each object of several parts made one shape
    in the place of its first part: all boxes -> their union box; else the
    union of their pixels as a mask (``how="mask"``, VOC) or the parts'
    outlines joined into one polygon (``"outline"``, YOLO-seg). Each joined
    group is counted: read back, it is one shape without parts."""
    shapes = list(record.shapes)
    first, later = multi_part(shapes)
    out: list[Shape] = []
    for i, s in enumerate(shapes):
        if i in later:
            continue
        parts = first.get(i)
        if parts is None:
            out.append(s)
            continue
        fields = joined_fields(parts, result, record.path, fmt)
        h, w = int(record.height or 0), int(record.width or 0)
        if all(isinstance(p, Box) for p in parts):
            x1, y1, x2, y2 = union_bounds(parts)  # type: ignore[misc]
            out.append(Box(x1=x1, y1=y1, x2=x2, y2=y2, **fields))
            kind = "as one box"
        elif how == "mask":
            rle = union_rle(parts, h, w)
            out.append(Mask(rle={"size": [h, w], "counts": rle["counts"]}, **fields))
            kind = "as one mask"
        else:
            polys = [outline(p) or _mask_outline(p, h, w) for p in parts]
            out.append(Polygon(points=merge_outlines([p for p in polys if p]), **fields))
            kind = "as one outline"
        result.lose(f"groups ({kind})", f"{record.path}: a {fields['label']!r} object of {len(parts)} parts "
                                        f"written {kind}; {fmt} has no parts of objects")
    return out


def _mask_outline(shape: Shape, height: int, width: int) -> list[Point]:
    """A mask part's outlines joined into one (Ultralytics joins a mask's
    pieces the same way)."""
    from labeltool.core.raster import shape_mask

    m = shape_mask(shape, height, width)
    polys = mask_polygons(m) if m is not None else []
    return merge_outlines(polys) if polys else []


def merge_outlines(polygons: list[list[Point]]) -> list[Point]:
    """Several outlines as one, the way Ultralytics' ``merge_multi_segment``
    turns a COCO annotation of several polygons into one YOLO segment: the
    parts are chained in order, each joined to the next at their two
    closest points; the outline goes out along the chain, around the last
    part, and back, so each joint is crossed twice (a line without area)
    and the outline covers what the parts cover."""
    parts = [np.asarray(p, dtype=np.float64).reshape(-1, 2) for p in polygons if len(p)]
    if len(parts) <= 1:
        return [(float(x), float(y)) for x, y in (parts[0] if parts else [])]
    # Where part k meets part k+1: (index in part k, index in part k+1).
    links = []
    for a, b in zip(parts, parts[1:]):
        d = ((a[:, None, :] - b[None, :, :]) ** 2).sum(-1)
        links.append(np.unravel_index(int(np.argmin(d)), d.shape))
    out: list[np.ndarray] = []
    back: list[np.ndarray] = []
    last = len(parts) - 1
    for k, p in enumerate(parts):
        entry = 0 if k == 0 else int(links[k - 1][1])
        exit_ = int(links[k][0]) if k < last else entry
        if k == 0:
            entry = exit_
        ring = np.concatenate([np.roll(p, -entry, axis=0), p[entry:entry + 1]])  # closed, from the entry
        if k in (0, last):
            out.append(ring)  # all the way round, back to where the chain goes on
            continue
        step = (exit_ - entry) % len(p)
        out.append(ring[:step + 1])  # entry -> exit on the way out
        back.append(ring[step:])  # exit -> entry on the way back
    points = np.concatenate(out + back[::-1])
    return [(float(x), float(y)) for x, y in points]

"""The one rasteriser: shapes to pixels, and pixels back to outlines.

Pixel convention (COCO's, as pycocotools implements it): pixel ``(col, row)``
is the unit square ``[col, col + 1) x [row, row + 1)`` and belongs to a region
when its centre ``(col + 0.5, row + 0.5)`` lies inside it, ties on an edge
broken the way pycocotools' ``frPyObjects`` breaks them. So a box
``(0, 0, 10, 5)`` covers exactly 50 pixels, the polygon of its corners the
same 50, and a mask of those pixels traces back to that rectangle. Every
rasterising caller (formats, training targets, review IoU, the window's mask
tools) comes here, so a polygon is the same pixels in a COCO file, in a
U-Net's target and in the review's mask IoU.

pycocotools and OpenCV are imported on first use: the window imports this
module at start and needs neither to show an image.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Iterable, Sequence

import numpy as np

from .shapes import Box, Mask, Point, Polygon, Shape, TextRegion

RLE = dict[str, Any]  # pycocotools' compressed RLE: {"size": [h, w], "counts": bytes}


# ------------------------------------------------------------ shape -> RLE
def box_polygon(x1: float, y1: float, x2: float, y2: float) -> list[Point]:
    """A box's corners, clockwise from top-left (the polygon it covers)."""
    return [(x1, y1), (x2, y1), (x2, y2), (x1, y2)]


def empty_rle(height: int, width: int) -> RLE:
    from pycocotools import mask as mask_utils

    return mask_utils.frPyObjects({"size": [height, width], "counts": [height * width]}, height, width)


def polygons_rle(polygons: Iterable[Sequence[Point]], height: int, width: int) -> RLE:
    """The union of polygons as a COCO RLE (an object in several parts).
    Polygons of fewer than three points cover nothing: pycocotools would
    take four numbers for a box."""
    from pycocotools import mask as mask_utils

    flats = [[float(v) for p in points for v in p] for points in polygons if len(points) >= 3]
    if not flats:
        return empty_rle(height, width)
    rles = mask_utils.frPyObjects(flats, height, width)
    return rles[0] if len(rles) == 1 else mask_utils.merge(rles)


def polygon_rle(points: Sequence[Point], height: int, width: int) -> RLE:
    """One polygon as a COCO RLE, rasterised as COCO does."""
    return polygons_rle([points], height, width)


def fit_mask(a: np.ndarray, height: int, width: int) -> np.ndarray:
    """``a`` cropped or zero-padded to ``(height, width)``.

    A mask on another grid (its image was replaced by one of another size, or
    it is pasted onto another image) keeps its pixel positions, as polygon
    and box coordinates do: scaling it instead would move it off the other
    shapes of its image.
    """
    out = np.zeros((height, width), bool)
    h, w = min(height, a.shape[0]), min(width, a.shape[1])
    out[:h, :w] = a[:h, :w]
    return out


def mask_rle(mask: np.ndarray) -> RLE:
    from pycocotools import mask as mask_utils

    return mask_utils.encode(np.asfortranarray(np.asarray(mask, dtype=bool).astype(np.uint8)))


def shapes_rle(shapes: Sequence[Shape], height: int, width: int) -> list[RLE | None]:
    """The pixels of each shape on an ``height x width`` image as a COCO RLE
    (None for a shape without area, an image tag). Polygons go to
    pycocotools in one call: per call it costs more than per polygon."""
    from pycocotools import mask as mask_utils

    out: list[RLE | None] = [None] * len(shapes)
    outlines: list[tuple[int, list[float]]] = []
    for i, shape in enumerate(shapes):
        if isinstance(shape, Mask):
            if shape.size == (height, width):
                out[i] = {"size": [height, width], "counts": shape.rle["counts"].encode("ascii")}
            else:
                out[i] = mask_rle(fit_mask(shape.to_array(), height, width))
            continue
        if isinstance(shape, (Polygon, TextRegion)):
            points = shape.points
        elif isinstance(shape, Box):
            points = box_polygon(shape.x1, shape.y1, shape.x2, shape.y2)
        else:
            continue
        if len(points) >= 3:
            outlines.append((i, [float(v) for p in points for v in p]))
        else:  # pycocotools would read four numbers as a box
            out[i] = empty_rle(height, width)
    if outlines:
        for (i, _), rle in zip(outlines, mask_utils.frPyObjects([f for _, f in outlines], height, width)):
            out[i] = rle
    return out


def shape_rle(shape: Shape, height: int, width: int) -> RLE | None:
    """The pixels of a region shape on an ``height x width`` image as a COCO
    RLE; None for a shape without area (an image tag)."""
    return shapes_rle([shape], height, width)[0]


def shape_mask(shape: Shape, height: int, width: int) -> np.ndarray | None:
    """The pixels a region shape covers, as an ``(height, width)`` bool
    array; None for a shape without area (an image tag)."""
    if isinstance(shape, Mask) and shape.size != (height, width):
        return fit_mask(shape.to_array(), height, width)
    rle = shape_rle(shape, height, width)
    if rle is None:
        return None
    from pycocotools import mask as mask_utils

    return mask_utils.decode(rle).astype(bool)


def to_mask(shape: Shape, height: int, width: int) -> Mask:
    """A region shape as a mask of the image size, keeping its id, label,
    flags and attributes (the window's "Convert to mask")."""
    a = shape_mask(shape, height, width)
    if a is None:
        raise ValueError(f"a {shape.kind} has no pixels to make a mask of")
    return Mask.from_array(a, label=shape.label, id=shape.id, **shape.flag_fields(),
                           attributes=dict(shape.attributes))


# -------------------------------------------------- several shapes -> map
def label_map(regions: Iterable[tuple[Shape, int]], height: int, width: int,
              dtype: type = np.uint8) -> np.ndarray:
    """An ``(height, width)`` map of values: each ``(shape, value)`` paints
    its pixels with ``value``, later ones over earlier ones; 0 where none.

    Painting goes run by run from the RLEs, all shapes' runs decoded at
    once: decoding one 512 x 512 mask with pycocotools costs a millisecond,
    twenty polygons' runs a fraction of that.
    """
    pairs = list(regions)
    rles = shapes_rle([s for s, _ in pairs], height, width)
    painted = [(rle["counts"], value) for rle, (_, value) in zip(rles, pairs) if rle is not None]
    if not painted:
        return np.zeros((height, width), dtype=dtype)
    starts, lengths, owner = foreground_runs([c for c, _ in painted])
    offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
    pixels = offsets + np.arange(len(offsets))
    bounds = np.concatenate(([0], np.cumsum(np.bincount(owner, weights=lengths, minlength=len(painted))))).astype(
        np.int64)
    # The runs go down the columns: paint the transposed map, whose rows are
    # the columns, and transpose it once at the end.
    columns = np.zeros((width, height), dtype=dtype)
    flat = columns.reshape(-1)
    for k, (_, value) in enumerate(painted):  # one shape after the other: later ones win
        if bounds[k + 1] > bounds[k]:
            flat[pixels[bounds[k]:bounds[k + 1]]] = value
    return _transpose(columns)


def _transpose(a: np.ndarray) -> np.ndarray:
    """``a.T``, row-major: OpenCV's is ten times faster than NumPy's copy
    (it works in cache-sized blocks) for the types it knows."""
    if a.dtype in (np.uint8, np.int8, np.uint16, np.int16, np.int32, np.float32, np.float64):
        import cv2

        return cv2.transpose(a)
    return np.ascontiguousarray(a.T)


def foreground_runs(counts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(starts, lengths, owner)`` of the foreground runs of compressed COCO
    RLE strings: positions in column-major order, and which string each run
    came from (runs of one string together, in order).

    This is pycocotools' ``rleFrString`` vectorised over all the strings:
    numbers in 5-bit chunks (0x20: more follow, 0x10 of the last: negative),
    from the third number on stored as the difference to the number two
    places back; counts alternate background and foreground.
    """
    b = np.frombuffer(b"".join(counts), dtype=np.uint8).astype(np.int64) - 48
    empty = np.zeros(0, dtype=np.int64)
    if not len(b):
        return empty, empty, empty
    last = np.flatnonzero((b & 0x20) == 0)  # the final chunk of each number
    first = np.concatenate(([0], last[:-1] + 1))
    chunk = np.arange(len(b)) - np.repeat(first, last - first + 1)
    x = np.add.reduceat((b & 0x1F) << (5 * chunk), first)
    negative = (b[last] & 0x10) != 0
    x[negative] -= np.left_shift(1, 5 * (chunk[last][negative] + 1))
    owner = np.repeat(np.arange(len(counts)), [len(c) for c in counts])[last]
    m = np.arange(len(x)) - np.searchsorted(owner, owner)  # index of the number in its string
    odd = m % 2 == 1
    x[odd] = _segmented_cumsum(x[odd], owner[odd])
    even = ~odd
    x[even] = _segmented_cumsum(x[even], 2 * owner[even] + (m[even] >= 2))  # 0 alone; 2, 4, ... chained
    ends = _segmented_cumsum(x, owner)
    lengths = x[odd]
    keep = lengths > 0
    return (ends - x)[odd][keep], lengths[keep], owner[odd][keep]


def _segmented_cumsum(v: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Cumulative sums restarting wherever ``key`` changes."""
    if not len(v):
        return v
    total = np.cumsum(v)
    new = np.concatenate(([True], key[1:] != key[:-1]))
    before = (total - v)[new]
    return total - before[np.cumsum(new) - 1]


# ---------------------------------------------------------- mask -> outline
def mask_polygons(mask: np.ndarray, epsilon: float = 0.0, min_area: float = 0.0) -> list[list[Point]]:
    """Outer outlines of a binary mask as polygons, largest first.

    The outline runs a quarter pixel inside the mask's pixel edges, so that
    the polygon rasterises back to the same pixels (every pixel centre is a
    quarter pixel clear of it): OpenCV traces the centres of the boundary
    pixels of the mask upsampled twice. ``epsilon`` > 0 simplifies by
    Douglas-Peucker with that many pixels (a brushed blob need not become a
    thousand vertices); outlines under ``min_area`` square pixels are dropped.
    Holes are not kept: a polygon has none.
    """
    import cv2

    m = np.asarray(mask, dtype=bool)
    if not m.any():
        return []
    x0, y0, w, h = cv2.boundingRect(m.view(np.uint8))
    crop = np.ascontiguousarray(m[y0:y0 + h, x0:x0 + w], dtype=np.uint8)
    up = cv2.resize(crop, (2 * w, 2 * h), interpolation=cv2.INTER_NEAREST)
    contours, _ = cv2.findContours(up, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    out: list[tuple[float, list[Point]]] = []
    for c in contours:
        pts = (c.reshape(-1, 2).astype(np.float64) + 0.5) / 2 + (x0, y0)
        if epsilon > 0:
            pts = cv2.approxPolyDP(pts.astype(np.float32), epsilon, True).reshape(-1, 2).astype(np.float64)
        area = polygon_area(pts)
        if len(pts) < 3 or area < min_area or area == 0:
            continue
        out.append((area, [(float(x), float(y)) for x, y in pts]))
    out.sort(key=lambda item: -item[0])
    return [pts for _, pts in out]


def polygon_area(points: np.ndarray | Sequence[Point]) -> float:
    """Shoelace area of a simple polygon (square pixels)."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return float(abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2)


def to_polygons(mask: Mask, epsilon: float = 1.0, min_area: float = 4.0) -> list[Polygon]:
    """A mask shape as polygons (largest first; see :func:`mask_polygons`),
    with its label, flags and attributes. The first keeps the mask's id (the
    window's "Convert to polygons" replaces it in place)."""
    out: list[Polygon] = []
    for pts in mask_polygons(mask.to_array(), epsilon, min_area):
        fields: dict[str, Any] = dict(label=mask.label, **mask.flag_fields(), attributes=dict(mask.attributes))
        poly = Polygon(points=pts, **fields)
        out.append(replace(poly, id=mask.id) if not out else poly)
    return out

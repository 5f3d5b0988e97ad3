"""Predictions as a COCO results file: the list of ``{image_id,
category_id, bbox, score}`` (instance models add ``segmentation``, a
compressed RLE) that pycocotools' ``COCO.loadRes`` reads and COCOeval
scores, and that the COCO evaluation server takes.

The ids must be those of the ground truth the file is scored against:
given its annotation file (``--coco-gt``), images are found there by file
name and classes by category name; without it an image's id is the number
its file is named by (COCO's ``000000397133.jpg``) when every image has
one, else its place in the list (1, 2, ...), and a class's id its place in
the run's classes (1, 2, ...), as labeltool's COCO export numbers them. No
torch here.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Sequence

from labeltool.core.raster import shapes_rle
from labeltool.core.shapes import Shape

from .errors import ConfigError
from .samples import class_of, group_objects


@dataclass
class CocoIds:
    """The ground truth's ids of the images and classes predicted on."""

    images: dict[Path, int]
    categories: dict[str, int]
    source: str  # what the ids came from, for the command line's report


def ids_from_names(images: Sequence[Path], classes: Sequence[str]) -> CocoIds:
    """Ids without a ground truth file (see the module's docstring)."""
    stems = [p.stem for p in images]
    if stems and all(s.isdigit() for s in stems) and len(set(map(int, stems))) == len(stems):
        ids, source = {p: int(p.stem) for p in images}, "the numbers the images are named by"
    else:
        ids, source = {p: i for i, p in enumerate(images, 1)}, "the images' order (1, 2, ...)"
    return CocoIds(ids, {c: i for i, c in enumerate(classes, 1)}, source)


def ids_from_ground_truth(path: Path, images: Sequence[Path], classes: Sequence[str]) -> CocoIds:
    """Ids from a COCO annotation file: each image by its ``file_name``
    (the whole relative path where it matches, else the name alone), each
    class by its category ``name``. Images or classes the file lacks are
    refused by name: a result the evaluation cannot place would be lost."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        files = [(str(im["file_name"]), int(im["id"])) for im in data["images"]]
        categories = {str(c["name"]): int(c["id"]) for c in data["categories"]}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ConfigError(f"{path} is not a COCO annotation file with images and categories ({e})") from None
    by_name: dict[str, list[int]] = {}
    for name, iid in files:
        by_name.setdefault(PurePosixPath(name.replace("\\", "/")).name, []).append(iid)
    ids: dict[Path, int] = {}
    for image in images:
        whole = [iid for name, iid in files if image.as_posix().endswith("/" + name.replace("\\", "/").lstrip("/"))
                 or image.as_posix() == name]
        found = whole or by_name.get(image.name, [])
        if len(found) != 1:
            what = "no image" if not found else f"{len(found)} images"
            raise ConfigError(f"{path} has {what} named {image.name}: give the annotation file of these images")
        ids[image] = found[0]
    missing = [c for c in classes if c not in categories]
    if missing:
        raise ConfigError(f"{path} has no category {', '.join(map(repr, missing))}: the run's classes are "
                          f"{', '.join(classes)}")
    return CocoIds(ids, {c: categories[c] for c in classes}, f"{Path(path).name}")


def coco_results(results: Sequence[tuple[Path, int, int, Sequence[Shape]]], ids: CocoIds) -> list[dict[str, Any]]:
    """The results of ``(image, height, width, shapes)`` per image. Each
    object (a shape, or the parts of a group) is one result: its box, and
    for masks and polygons its pixels as a compressed RLE (counts as text,
    as COCO's JSON holds them); boxes and text regions give a box alone."""
    out: list[dict[str, Any]] = []
    for image, height, width, shapes in results:
        for parts in group_objects(list(shapes)):
            bounds = [b for b in (s.bounds() for s in parts) if b is not None]
            if not bounds:
                continue
            x1, y1 = min(b[0] for b in bounds), min(b[1] for b in bounds)
            x2, y2 = max(b[2] for b in bounds), max(b[3] for b in bounds)
            score = max(float(s.source.score if s.source.score is not None else 1.0) for s in parts)
            result: dict[str, Any] = {"image_id": ids.images[image], "category_id": ids.categories[class_of(parts[0])],
                                      "bbox": [round(v, 2) for v in (x1, y1, x2 - x1, y2 - y1)],
                                      "score": round(score, 5)}
            if any(s.kind in ("polygon", "mask") for s in parts):
                result["segmentation"] = _rle(parts, height, width)
            out.append(result)
    return out


def _rle(parts: list[Shape], height: int, width: int) -> dict[str, Any]:
    from pycocotools import mask as mask_utils

    rles = [r for r in shapes_rle(parts, height, width) if r is not None]
    rle = rles[0] if len(rles) == 1 else mask_utils.merge(rles)
    counts = rle["counts"]
    return {"size": [int(height), int(width)], "counts": counts.decode("ascii") if isinstance(counts, bytes)
            else counts}


def write_coco_results(path: Path, results: list[dict[str, Any]]) -> None:
    """Write the list (atomically: a reader never sees half a file)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(results, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"cannot write {path}: {e.strerror or e}") from None

"""COCO instances JSON: ``images`` / ``annotations`` / ``categories``,
``bbox`` as ``[x, y, w, h]``, segmentation as polygons or RLE (area and RLE
from pycocotools), category ids 1..N in the project's class order (stable
across exports). Text regions carry COCO-Text's ``utf8_string`` and
``legibility``. An object in several parts (a group) is one annotation
with its parts' polygons, as labelme's ``labelme2coco`` writes it
(:mod:`.groups`); read back, it is one group again.

Layout written: ``images/<project path>`` and
``annotations/instances_default.json``; with splits
``annotations/instances_{train,val,test}.json`` instead (and
``instances_default.json`` for images in no split). Read: any JSON with
COCO's keys, whatever its name (``person_keypoints_*``, ``stuff_*``,
Roboflow's ``_annotations.coco.json`` in ``train/ valid/ test/``), the
split from the file's or its folder's name.
"""
from __future__ import annotations

from collections import Counter
from math import isfinite
from pathlib import Path, PureWindowsPath
from typing import Any, Callable

from pycocotools import mask as mask_utils

from labeltool.core.groups import next_group
from labeltool.core.raster import polygon_rle
from labeltool.core.project import SPLITS
from labeltool.core.shapes import FLAGS, Box, ImageTag, Mask, Polygon, Shape, TextRegion

from .errors import FormatError
from .groups import coco_annotation, has_groups, is_rectangle, multi_part, read_parts
from .fileio import CopyMode, atomic_writer, dump_json, json_kind, load_json, number, place_file, reading, side
from .layout import clean_relpath, is_absolute_anywhere, iter_files, iter_images, note_split
from .records import Dataset, ImageRecord, StoredShapes, WriteResult


# ------------------------------------------------------------------- writing
def annotation(shape: Shape, ann_id: int, image_id: int, category_id: int, height: int,
               width: int) -> dict[str, Any] | None:
    """The COCO annotation of one shape (None for an image tag)."""
    if isinstance(shape, Box):
        x1, y1, x2, y2 = shape.x1, shape.y1, shape.x2, shape.y2
        # A box also gets its rectangle as a polygon: segm evaluation and
        # loaders that build masks need a segmentation on every annotation.
        seg: Any = [[x1, y1, x2, y1, x2, y2, x1, y2]]
        area = (x2 - x1) * (y2 - y1)
        bbox = [x1, y1, x2 - x1, y2 - y1]
    elif isinstance(shape, (Polygon, TextRegion)):
        seg = [[v for p in shape.points for v in p]]
        area = float(mask_utils.area(polygon_rle(shape.points, height, width)))
        x1, y1, x2, y2 = shape.bounds()
        bbox = [x1, y1, x2 - x1, y2 - y1]
    elif isinstance(shape, Mask):
        seg = {"size": list(shape.rle["size"]), "counts": shape.rle["counts"]}
        area = shape.area
        bbox = [float(v) for v in mask_utils.toBbox(shape._coco_rle())]
    else:
        return None
    attrs = shape.attributes
    ann: dict[str, Any] = {"id": ann_id, "image_id": image_id, "category_id": category_id,
                           "segmentation": seg, "area": area, "bbox": bbox,
                           "iscrowd": 1 if attrs and attrs.get("iscrowd") else 0}
    if isinstance(shape, TextRegion):
        ann["utf8_string"] = shape.transcription
        ann["legibility"] = "illegible" if shape.difficult else "legible"
    # The common case (no flags, no extra attributes) builds nothing more:
    # this runs 200,000 times for a big project.
    if shape.difficult or shape.truncated or shape.occluded or attrs:
        extra = {k: v for k, v in attrs.items() if k != "iscrowd"}
        extra.update((f, True) for f, on in shape.flag_fields().items() if on)
        if extra:
            ann["attributes"] = extra
    return ann


def dumps(records: list[ImageRecord], classes: list[str],
          progress: Callable[[int, int], None] | None = None) -> tuple[str, WriteResult]:
    """The COCO JSON of ``records`` (ids are 1-based, in record order), the
    very text ``dump_json`` gives for the document of :func:`annotation` dicts."""
    parts, result = _json_parts(records, classes, progress)
    return "".join(parts), result


def _write_json(path: Path, parts: list[str]) -> None:
    # Piece by piece: the whole text of 200,000 annotations (and its UTF-8
    # copy) would be another ~130 MB at once.
    with atomic_writer(path) as f:
        for part in parts:
            f.write(part.encode("utf-8"))


def _json_parts(records: list[ImageRecord], classes: list[str],
                progress: Callable[[int, int], None] | None = None) -> tuple[list[str], WriteResult]:
    """:func:`dumps` in pieces of about a megabyte, in order.

    Plain boxes and polygons (no flags, no attributes; raw rows a store
    exported, :class:`StoredShapes`, are not even made Shapes) go from their
    numbers straight to text: no dict, no JSON encoder, each box corner
    formatted once though it appears up to three times, the polygons' areas
    from one pycocotools call per image. That is most of what a
    10,000-image, 200,000-box export spends its time on."""
    cat_ids = {name: i for i, name in enumerate(classes, 1)}
    categories = [{"id": i, "name": name, "supercategory": ""} for name, i in cat_ids.items()]
    images: list[dict[str, Any]] = []
    anns: list[str] = []  # one JSON object each, since the last chunk
    chunks: list[str] = []  # anns joined, ~1 MB each: 200,000 small strings would weigh ~50 MB
    n = 0  # annotations so far
    result = WriteResult()
    for image_id, record in enumerate(records, 1):
        images.append({"id": image_id, "file_name": record.path, "width": record.width,
                       "height": record.height})
        shapes = record.shapes
        boxes = shapes.plain_boxes() if isinstance(shapes, StoredShapes) else \
            [(s.label, s.x1, s.y1, s.x2, s.y2) if type(s) is Box and _plain(s) else None for s in shapes]
        polygons = _plain_polygons(shapes, record) if None in boxes else {}
        # Objects in several parts: one annotation each, where the first part is.
        grouped, later = multi_part(shapes) if None in boxes and has_groups(shapes) else ({}, set())
        for i, box in enumerate(boxes):
            polygon = polygons.get(i)
            if box is not None:
                label, x1, y1, x2, y2 = box
            elif polygon is not None:
                label = polygon[0]
            elif i in later:
                continue
            else:
                shape = shapes[i]
                label = shape.label
            category_id = cat_ids.get(label)
            if category_id is None:  # a label the class list lacks: add it, keep ids stable
                category_id = cat_ids[label] = len(cat_ids) + 1
                categories.append({"id": category_id, "name": label, "supercategory": ""})
            if box is not None:
                w, h = x2 - x1, y2 - y1
                area = w * h
                # Finite area means finite corners; NaN or infinity takes the
                # general path, whose dump_json refuses it.
                if isfinite(area):
                    n += 1
                    a, b, c, d = f"{x1!r}", f"{y1!r}", f"{x2!r}", f"{y2!r}"
                    anns.append(f'{{"id":{n},"image_id":{image_id},"category_id":{category_id},'
                                f'"segmentation":[[{a},{b},{c},{b},{c},{d},{a},{d}]],"area":{area!r},'
                                f'"bbox":[{a},{b},{w!r},{h!r}],"iscrowd":0}}')
                    continue
                shape = shapes[i]
            elif polygon is not None:
                _, flat, area, (x, y, bw, bh) = polygon
                n += 1
                anns.append(f'{{"id":{n},"image_id":{image_id},"category_id":{category_id},'
                            f'"segmentation":[[{",".join(map(repr, flat))}]],"area":{area!r},'
                            f'"bbox":[{x!r},{y!r},{bw!r},{bh!r}],"iscrowd":0}}')
                continue
            if i in grouped:
                ann = coco_annotation(grouped[i], n + 1, image_id, category_id, int(record.height),  # type: ignore
                                      int(record.width), result, record.path)  # type: ignore[arg-type]
            else:
                ann = annotation(shape, n + 1, image_id, category_id,  # type: ignore[arg-type]
                                 record.height, record.width)  # type: ignore[arg-type]
            if ann is None:
                if i in grouped:
                    result.lose("empty masks", f"{record.path}: a {label!r} group covers no pixel")
                else:
                    result.lose("image tags", f"{record.path}: image tag {label!r} has no COCO instance form")
                continue
            try:
                anns.append(dump_json(ann))
            except ValueError:  # NaN or infinity: JSON has no such number
                raise FormatError(None, f"{record.path}: shape {label!r} has a coordinate or area that is not a "
                                        "finite number; fix or delete it, then export again") from None
            n += 1
        if len(anns) >= 4096:
            chunks.append(("," if chunks else "") + ",".join(anns))
            anns.clear()
        if progress and image_id % 256 == 0:
            progress(image_id, len(records))
    if anns:
        chunks.append(("," if chunks else "") + ",".join(anns))
    result.images, result.shapes = len(images), n
    # Key order and separators as dump_json writes the whole document.
    head = ('{"info":' + dump_json({"description": "exported by labeltool"}) + ',"licenses":[],"images":'
            + dump_json(images) + ',"annotations":[')
    return [head, *chunks, '],"categories":' + dump_json(categories) + "}"], result


def _plain(shape: Shape) -> bool:
    """No flags, no attributes, no group: nothing for an annotation but its geometry."""
    return not (shape.difficult or shape.truncated or shape.occluded or shape.attributes) and shape.group is None


def _plain_polygons(shapes: StoredShapes | list[Shape], record: ImageRecord
                    ) -> dict[int, tuple[str, list[float], float, tuple[float, float, float, float]]]:
    """Row index -> ``(label, coordinates, area, bbox)`` of the image's plain
    polygons with finite coordinates: their areas from one pycocotools call
    for the image (the general path's numbers: the same rasterisation, one
    polygon at a time)."""
    found = shapes.plain_polygons() if isinstance(shapes, StoredShapes) else \
        [(s.label, [v for p in s.points for v in p]) if type(s) is Polygon and _plain(s) else None for s in shapes]
    index = [i for i, p in enumerate(found) if p is not None and len(p[1]) >= 6 and isfinite(sum(p[1]))]
    if not index:
        return {}
    areas = mask_utils.area(mask_utils.frPyObjects([found[i][1] for i in index],  # type: ignore[index]
                                                   int(record.height), int(record.width)))  # type: ignore[arg-type]
    out = {}
    for i, area in zip(index, areas):
        label, flat = found[i]  # type: ignore[misc]
        xs, ys = flat[0::2], flat[1::2]
        x1, y1 = min(xs), min(ys)
        out[i] = (label, flat, float(area), (x1, y1, max(xs) - x1, max(ys) - y1))
    return out


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    # Without splits one file holds every image; with splits one file per
    # split (train and val even if one is empty, as trainers expect both),
    # and instances_default.json for images in none.
    splits = sorted(({"train", "val"} | {r.split for r in records}) - {None}, key=SPLITS.index) \
        if any(r.split for r in records) else []
    unsplit = [r for r in records if not r.split]
    result = WriteResult()
    if unsplit or not splits:
        parts, result = _json_parts(unsplit, classes, progress)
        _write_json(out / "annotations" / "instances_default.json", parts)
        del parts
    for split in splits:
        parts, part_result = _json_parts([r for r in records if r.split == split], classes)
        _write_json(out / "annotations" / f"instances_{split}.json", parts)
        result.images += part_result.images
        result.shapes += part_result.shapes
        result.skipped += part_result.skipped
        result.lost.update(part_result.lost)
    missing = 0
    for record in records:
        if record.source is not None and not place_file(record.source, out / "images" / record.path, copy_mode):
            missing += 1
    if missing:
        result.skipped.append(f"{missing} image files missing on disk; their annotations were written")
    if progress:
        progress(len(records), len(records))
    result.files = bool(unsplit or not splits) + len(splits) + len(records) - missing
    return result


# ------------------------------------------------------------------- reading
# COCO's own file names say what a file holds: instances_val2017.json,
# person_keypoints_val2017.json, stuff_val2017.json, captions_val2017.json.
_PREFIXES = ("instances_", "person_keypoints_", "stuff_", "panoptic_", "captions_", "image_info_")


def annotation_files(src: Path) -> list[Path]:
    """The COCO JSON files of a dataset folder, whatever their names:
    ``annotations/*.json`` (COCO, CVAT, ours), ``_annotations.coco.json``
    in each split folder (Roboflow), any JSON with COCO's keys (at most
    three folders down)."""
    files = [f for f in iter_files(src, frozenset({".json"}), max_depth=3) if json_kind(f) == "coco"]
    return sorted(files)


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A COCO JSON file, or a folder holding such files: every one is read,
    each image found beside it or in the folders COCO, CVAT and Roboflow
    put images in; an image in several files is one image."""
    src = Path(src)
    if src.is_file():
        files = [src]
        root = src.parent.parent if src.parent.name == "annotations" else src.parent
    elif src.is_dir():
        files, root = annotation_files(src), src
    else:
        raise FormatError(src, "does not exist")
    ds = Dataset(root=root, looked_for="COCO JSON files (annotations/*.json, _annotations.coco.json in split "
                                       "folders, any JSON with \"images\") and their images (images/, "
                                       "images/<split>/, <split>/, beside the JSON)")
    if not files:
        raise FormatError(src, f"no COCO .json file found; looked for {ds.looked_for}")
    finder = _ImageFinder(root)
    seen: dict[str, int] = {}
    layouts: set[str] = set()
    for n, f in enumerate(files, 1):
        try:
            part = read_file(f)
        except FormatError as e:
            ds.lose("unreadable files", str(e))
            continue
        ds.files += 1
        for name in part.classes:
            seen.setdefault(name, len(seen))
        ds.skipped += part.skipped
        ds.lost.update(part.lost)
        split = note_split(ds.split_names, f.stem) or \
            (note_split(ds.split_names, f.parent.name) if f.parent != root and f.parent.name != "annotations" else None)
        layouts.add("Roboflow: _annotations.coco.json in each split folder" if f.name == "_annotations.coco.json"
                    else "annotations/*.json" if f.parent.name == "annotations" else f"{f.name}")
        for record in part.records:
            record.source = finder.find(f, record.path)
            # An absolute file_name (another machine's) names the image, not its place.
            record.path = PureWindowsPath(record.path).name if is_absolute_anywhere(record.path) \
                else clean_relpath(record.path)
            record.split = split
            ds.records.append(record)
        if progress:
            progress(n, len(files))
    ds.classes = list(seen)
    ds.layout = "; ".join(sorted(layouts)) if len(layouts) <= 2 else f"{len(files)} JSON files"
    return ds


class _ImageFinder:
    """Where the image of a ``file_name`` is: beside the JSON, in
    ``images/``, in the folder the JSON's name points to (``train2017/``
    for ``instances_train2017.json``, ``images/default/`` for CVAT's
    ``instances_default.json``), else the one image of that name below the
    dataset root."""

    def __init__(self, root: Path):
        self.root = root
        self._by_name: dict[str, list[Path]] | None = None

    def find(self, json_file: Path, file_name: str) -> Path | None:
        rel = clean_relpath(file_name)
        direct = Path(file_name)
        if direct.is_absolute() and direct.is_file():
            return direct
        stem = json_file.stem
        subsets = [stem] + [stem[i + 1:] for i, c in enumerate(stem) if c == "_"]
        subsets = [s for s in subsets if s and not s.startswith(tuple(p.rstrip("_") for p in _PREFIXES))] or [stem]
        here, up = json_file.parent, json_file.parent.parent
        bases = [self.root / "images", self.root, here, up / "images", up]
        for sub in subsets:
            bases += [self.root / "images" / sub, self.root / sub, up / sub, up / "images" / sub, here / sub]
        for base in bases:
            p = base / rel
            if p.is_file():
                return p
        return self._unique_by_name(rel.rsplit("/", 1)[-1])

    def _unique_by_name(self, name: str) -> Path | None:
        if self._by_name is None:
            self._by_name = {}
            for p in iter_images(self.root):
                self._by_name.setdefault(p.name, []).append(p)
        found = self._by_name.get(name, [])
        return found[0] if len(found) == 1 else None


def read_file(path: Path) -> Dataset:
    """One COCO JSON file; FormatError when its structure is broken, notes
    (and losses by kind) for annotations that cannot be used."""
    data = load_json(path)
    with reading(path):
        if not isinstance(data, dict) or not isinstance(data.get("images"), list):
            raise FormatError(path, "not a COCO file (no \"images\" list)")
        cats = data.get("categories") or []
        anns = data.get("annotations") or []
        if not isinstance(cats, list) or not isinstance(anns, list):
            raise FormatError(path, "\"categories\" and \"annotations\" must be lists")
        names = _category_names(cats, anns, path)
        records: dict[int, ImageRecord] = {}
        for im in data["images"]:
            iid = _int(im["id"], "image id", path)
            if iid in records:
                raise FormatError(path, f"image id {iid} appears twice")
            file_name = im["file_name"]
            if not isinstance(file_name, str) or not file_name:
                raise FormatError(path, f"image {iid} has no file_name")
            records[iid] = ImageRecord(path=file_name.replace("\\", "/"),
                                       width=side(im["width"], f"image {iid} width", path),
                                       height=side(im["height"], f"image {iid} height", path))
        ds = Dataset(root=path.parent, classes=list(names.values()))
        extra: Counter[str] = Counter()
        for ann in anns:
            try:
                if not isinstance(ann, dict):
                    raise FormatError(path, "an annotation is not an object")
                _not_held(ann, extra)
                if "caption" in ann or "segments_info" in ann:
                    continue
                record = records.get(_int(ann.get("image_id"), "image_id", path))
                if record is None:
                    raise FormatError(path, f"annotation {ann.get('id')} refers to an unknown image")
                label = names.get(_int(ann.get("category_id"), "category_id", path))
                if label is None:
                    raise FormatError(path, f"annotation {ann.get('id')} has an unknown category")
                shape = _shape(ann, label, record, path)
                if isinstance(shape, tuple):  # an object in several parts: one group
                    record.shapes += read_parts(*shape, group=next_group(record.shapes))
                else:
                    record.shapes.append(shape)
            except FormatError as e:
                ds.lose("malformed annotations", str(e))
            except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError) as e:
                ds.lose("malformed annotations", f"{path}: annotation "
                        f"{ann.get('id') if isinstance(ann, dict) else '?'} is malformed ({e})")
        for kind, (n, why) in ((k, (v, _NOT_HELD[k])) for k, v in extra.items()):
            ds.lose(kind, f"{path.name}: {kind} of {n} annotations not imported ({why})", n)
        ds.records = list(records.values())
        return ds


# Parts of an annotation labeltool holds no form of, and why.
_NOT_HELD = {"keypoints": "labeltool holds no keypoints; their boxes and outlines were imported",
             "captions": "labeltool holds no captions",
             "panoptic segments": "panoptic segments live in PNGs; import their instances file instead"}


def _not_held(ann: dict[str, Any], extra: Counter[str]) -> None:
    keypoints = ann.get("keypoints")
    if isinstance(keypoints, list) and any(keypoints[2::3]):  # a visibility flag set: a keypoint is there
        extra["keypoints"] += 1
    if "caption" in ann:
        extra["captions"] += 1
    if "segments_info" in ann:
        extra["panoptic segments"] += 1


def _category_names(cats: list[Any], anns: list[Any], path: Path) -> dict[int, str]:
    """Category id -> name. Roboflow puts the project's name first (id 0,
    supercategory "none", the supercategory of every other) and no
    annotation on it: that one is not a class."""
    names: dict[int, str] = {}
    supers: dict[int, Any] = {}
    for c in cats:
        cid, name = _int(c["id"], "category id", path), c["name"]
        if not isinstance(name, str) or not name.strip():
            raise FormatError(path, f"category {cid} has no name")
        names[cid] = name.strip()
        supers[cid] = c.get("supercategory")
    for cid, name in list(names.items()):
        others = [s for k, s in supers.items() if k != cid]
        if supers[cid] == "none" and others and all(s == name for s in others) and \
                not any(isinstance(a, dict) and a.get("category_id") == cid for a in anns):
            del names[cid]
    return dict(sorted(names.items()))


def _int(value: Any, what: str, path: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise FormatError(path, f"{what} {str(value)[:40]!r} is not an integer")
    return value


def _shape(ann: dict[str, Any], label: str, record: ImageRecord,
           path: Path) -> Shape | tuple[list[list[tuple[float, float]]], dict[str, Any]]:
    aid = ann.get("id")
    attrs = dict(ann.get("attributes") or {}) if isinstance(ann.get("attributes"), dict) else {}
    # Flags ride in "attributes", where CVAT writes "occluded" for every shape.
    fields: dict[str, Any] = {"label": label, **{f: attrs.pop(f, False) is True for f in FLAGS}}
    if ann.get("iscrowd"):
        attrs["iscrowd"] = 1
    fields["attributes"] = attrs
    seg = ann.get("segmentation")
    h, w = int(record.height), int(record.width)  # type: ignore[arg-type]
    bbox = ann.get("bbox")
    if isinstance(seg, dict):
        size = [int(number(v, "RLE size", path)) for v in seg["size"]]
        if size != [h, w]:
            raise FormatError(path, f"annotation {aid}: RLE size {size} is not the image's {[h, w]}")
        counts = seg["counts"]
        if isinstance(counts, list):
            if any(isinstance(c, bool) or not isinstance(c, int) or c < 0 for c in counts) or sum(counts) != h * w:
                raise FormatError(path, f"annotation {aid}: RLE counts do not cover the image")
        elif not isinstance(counts, str):
            raise FormatError(path, f"annotation {aid}: RLE counts must be a string or a list")
        mask = Mask(rle={"size": size, "counts": counts}, **fields)
        if int(mask_utils.area(mask._coco_rle())) > h * w:  # a string that decodes past the image
            raise FormatError(path, f"annotation {aid}: RLE counts do not match its size")
        return mask
    polys = []
    if isinstance(seg, list):
        for poly in seg:
            if not isinstance(poly, list) or len(poly) < 6 or len(poly) % 2:
                raise FormatError(path, f"annotation {aid}: a polygon needs an even number (>= 6) of values")
            v = [number(x, f"annotation {aid} coordinate", path) for x in poly]
            polys.append(list(zip(v[0::2], v[1::2])))
    elif seg is not None:
        raise FormatError(path, f"annotation {aid}: segmentation must be a list or an RLE dict")
    box = None
    if bbox is not None:
        if not isinstance(bbox, list) or len(bbox) != 4:
            raise FormatError(path, f"annotation {aid}: bbox must be [x, y, w, h]")
        x, y, bw, bh = (number(v, f"annotation {aid} bbox", path) for v in bbox)
        if bw < 0 or bh < 0:
            raise FormatError(path, f"annotation {aid}: bbox has a negative size")
        box = Box(x1=x, y1=y, x2=x + bw, y2=y + bh, **fields)
    if len(polys) == 1 and "utf8_string" in ann and len(polys[0]) == 4:
        text = ann["utf8_string"]
        fields["difficult"] = fields["difficult"] or ann.get("legibility") == "illegible"
        return TextRegion(points=polys[0], transcription=str(text) if text is not None else "", **fields)
    if box is not None and (not polys or (len(polys) == 1 and is_rectangle(polys[0], box.x1, box.y1, box.x2, box.y2))):
        return box
    if not polys:
        raise FormatError(path, f"annotation {aid} has neither bbox nor segmentation")
    if len(polys) == 1:
        return Polygon(points=polys[0], **fields)
    return polys, fields  # an object in several parts (occluded): its parts, as one group

"""Pascal VOC: ``Annotations/*.xml`` exactly as labelImg writes them,
``JPEGImages/``, ``ImageSets/Main/{trainval,train,val,test}.txt``, and masks
as ``SegmentationClass/*.png`` / ``SegmentationObject/*.png`` (palette PNGs
in the VOC colour map, 255 = void; :mod:`.voc_masks`).

Read as well: labelImg's XML beside the images, CVAT's and datumaro's VOC
(``<occluded>``, ``<attributes>``, ``<part>``, ``<actions>``, nested
``Annotations/<folder>/``, RGB masks named by ``labelmap.txt``,
``ImageSets/Main/default.txt``), and segmentation-only sets (PNGs without
XML). Parts, actions and attributes are kept as the shape's attributes and
written back. An object drawn in several parts (a group) is written as one
object, one instance id of its pixels' union (:mod:`.groups`).

VOC boxes are 1-based integer pixel indices, inclusive: the box of our
continuous ``(x1, y1, x2, y2)`` is ``xmin = x1 + 1 ... xmax = x2`` (the
convention torchvision and detectron2 read VOC with).
"""
from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable
from xml.sax.saxutils import escape

from lxml import etree

from labeltool.core.images import IMAGE_EXTENSIONS, is_image_file
from labeltool.core.project import SPLITS
from labeltool.core.shapes import FLAGS, Box, ImageTag, Shape, TextRegion

from .errors import FormatError
from .groups import has_groups, join_groups
from .fileio import (CopyMode, atomic_write_bytes, atomic_write_text, flat_name, number, parse_xml,
                     place_file, read_text, reading, side)
from .layout import iter_files, note_split, relative_to
from .records import Dataset, ImageRecord, StoredShapes, WriteResult
from .voc_masks import (PALETTE, VOC_CLASSES, colormap, instance_masks, labelmap_text, load_index_png,
                        masks_from_pngs, read_class_list, write_masks)

__all__ = ["PALETTE", "annotation_xml", "colormap", "read", "read_xml", "voc_box", "write"]

# Object children that become attributes, and back.
_KEPT = ("pose", "parts", "actions")


# ------------------------------------------------------------------- reading
def read_xml(path: Path) -> tuple[ImageRecord, list[str]]:
    """One annotation file: its record (``path`` = the ``filename`` element)
    and notes on objects it skipped. Raises FormatError for a bad file."""
    root = parse_xml(path)
    with reading(path):
        if root.tag != "annotation":
            raise FormatError(path, f"root element is <{root.tag}>, not <annotation>")
        filename = (root.findtext("filename") or "").strip()
        if not filename:
            raise FormatError(path, "no <filename>")
        width = height = None
        size = root.find("size")
        if size is not None and size.findtext("width") and size.findtext("height"):
            width = side(size.findtext("width"), "size/width", path)
            height = side(size.findtext("height"), "size/height", path)
        record = ImageRecord(path=filename, width=width, height=height,
                             done=root.get("verified") == "yes")
        record.source = _local_path(root.findtext("path"))
        notes: list[str] = []
        for n, obj in enumerate(root.iterfind("object"), 1):
            name = (obj.findtext("name") or "").strip()
            box = obj.find("bndbox")
            if not name or box is None:
                notes.append(f"{path.name}: object {n} has no name or no bndbox")
                continue
            xmin, ymin, xmax, ymax = _bndbox(box, f"object {n}", path)
            record.shapes.append(Box(label=name, x1=xmin - 1, y1=ymin - 1, x2=xmax, y2=ymax,
                                     **{f: _flag(obj.findtext(f)) for f in FLAGS},
                                     attributes=_extra(obj, n, path)))
        return record, notes


def _bndbox(box: etree._Element, what: str, path: Path) -> tuple[float, float, float, float]:
    return tuple(number(box.findtext(k), f"{what} {k}", path)  # type: ignore[return-value]
                 for k in ("xmin", "ymin", "xmax", "ymax"))


def _flag(text: str | None) -> bool:
    t = (text or "0").strip().lower()
    if t in ("1", "true", "yes"):
        return True
    if t in ("0", "false", "no", ""):
        return False
    return float(t) != 0  # "0.0" from some converters; ValueError -> FormatError


def _extra(obj: etree._Element, n: int, path: Path) -> dict[str, Any]:
    """A non-default ``pose``, the ``<part>`` boxes (person layout, as VOC's
    integers), ``<actions>`` and CVAT's ``<attributes>``: kept so that a
    VOC file written back holds them."""
    attrs: dict[str, Any] = {}
    pose = (obj.findtext("pose") or "").strip()
    if pose and pose != "Unspecified":
        attrs["pose"] = pose
    parts = []
    for part in obj.iterfind("part"):
        box = part.find("bndbox")
        if box is not None:
            parts.append({"name": (part.findtext("name") or "").strip(),
                          "bndbox": [_number_text(v) for v in _bndbox(box, f"object {n} part", path)]})
    if parts:
        attrs["parts"] = parts
    actions = obj.find("actions")
    if actions is not None and len(actions):
        attrs["actions"] = {a.tag: _flag(a.text) for a in actions}
    for a in obj.iterfind("attributes/attribute"):
        key = (a.findtext("name") or "").strip()
        if key and key not in FLAGS and key not in _KEPT:
            attrs[key] = a.findtext("value") or ""
    return attrs


def _number_text(v: float) -> int | float:
    return int(v) if v == int(v) else v


def _local_path(text: str | None) -> Path | None:
    if not text:
        return None
    try:
        p = Path(text.strip())
        return p if p.is_absolute() and p.is_file() else None
    except (OSError, ValueError):
        return None


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A VOC folder (``Annotations/``, or segmentation PNGs alone), or any
    folder of labelImg XMLs (labelImg saves them next to the images)."""
    src = Path(src)
    if src.is_file() and src.suffix.lower() == ".xml":
        src, only = src.parent, [src]
    elif src.is_dir():
        only = None
    else:
        raise FormatError(src, "is not a folder")
    ds = Dataset(root=src, looked_for="Annotations/*.xml (or .xml files beside the images) and "
                                      "SegmentationClass/*.png, with the images in JPEGImages/ or beside")
    ann_dir = src / "Annotations"
    xmls = only or sorted(iter_files(ann_dir if ann_dir.is_dir() else src, frozenset({".xml"})))
    names, colours = read_class_list(src)
    classes: dict[str, None] = {n: None for n in names if n != "background"}
    ids: dict[str, ImageRecord] = {}  # annotation id (its path in Annotations/, no suffix) -> record
    for n, xml in enumerate(xmls, 1):
        try:
            record, notes = read_xml(xml)
        except FormatError as e:
            ds.lose("unreadable files", str(e))
            continue
        ds.files += 1
        ds.skipped.extend(notes)
        ds.lost["objects without a name or box"] += len(notes)
        image = _find_image(src, xml, record)
        if image is None:
            ds.lose("images not found", f"{xml.name}: image {record.path} not found")
            ds.lost["shapes of images not found"] += len(record.shapes)
            continue
        record.source = image
        ident = (relative_to(xml, ann_dir) or xml.name)[:-4] if ann_dir.is_dir() else xml.stem
        record.path = _name_in_dataset(image, src)
        _attach_masks(src, ident, record, colours, ds)
        ids[ident] = record
        ds.records.append(record)
        for s in record.shapes:
            classes.setdefault(s.label, None)
        if progress:
            progress(n, len(xmls))
    if only is None:
        _segmentation_only(src, ids, names, colours, ds)
        for s in (sh for r in ds.records for sh in r.shapes):
            classes.setdefault(s.label, None)
    _read_splits(src, ids, ds)
    ds.classes = list(classes)
    ds.layout = "Annotations/*.xml" if ann_dir.is_dir() else "XML beside the images" if xmls else \
        "segmentation PNGs"
    return ds


def _find_image(src: Path, xml: Path, record: ImageRecord) -> Path | None:
    name = record.path
    # VOC layout, labelImg's default (XML beside the image), then its "change
    # save dir" habit (labels/ beside the image folder).
    for candidate in (src / "JPEGImages" / name, xml.parent / name, xml.parent.parent / "JPEGImages" / name,
                      src / name, xml.parent.parent / name, xml.parent.parent / "images" / name):
        if candidate.is_file():
            return candidate
    if record.source is not None:
        return record.source
    # labelImg keeps the file name even when the image extension differs
    for candidate in xml.parent.glob(Path(xml).stem + ".*"):
        if is_image_file(candidate):
            return candidate
    return None


def _name_in_dataset(image: Path, src: Path) -> str:
    """The image's path without the layout: inside ``JPEGImages/``, else
    inside the dataset folder, else its file name."""
    return relative_to(image, src / "JPEGImages") or relative_to(image, src) or image.name


def _read_splits(src: Path, ids: dict[str, ImageRecord], ds: Dataset) -> None:
    """Splits from ``ImageSets/{Main,Segmentation}/{train,val,test}.txt`` (one
    id a line; ``trainval`` and CVAT's ``default`` name no split)."""
    for task in ("Main", "Segmentation"):
        for f in sorted((src / "ImageSets" / task).glob("*.txt")):
            split = note_split(ds.split_names, f.stem) if f.stem.lower() in ("train", "val", "test", "valid",
                                                                             "validation") else None
            if split is None:
                continue
            for line in read_text(f).splitlines():
                record = ids.get(line.strip())
                if record is not None:
                    record.split = split


def _attach_masks(src: Path, ident: str, record: ImageRecord, colours: dict[int, int], ds: Dataset) -> None:
    obj_png = src / "SegmentationObject" / f"{ident}.png"
    if not obj_png.is_file():
        return
    try:
        inst = load_index_png(obj_png, None)
    except FormatError as e:
        ds.lose("unreadable masks", str(e))
        return
    if record.width and record.height and inst.shape != (record.height, record.width):
        ds.lose("unreadable masks", f"{obj_png.name}: size {inst.shape[1]}x{inst.shape[0]} differs from the "
                                    "annotation's")
        return
    record.shapes = instance_masks(inst, list(record.shapes))


def _segmentation_only(src: Path, ids: dict[str, ImageRecord], names: list[str], colours: dict[int, int],
                       ds: Dataset) -> None:
    """Images with segmentation PNGs and no XML: masks from the PNGs."""
    seg_dir = src / "SegmentationClass"
    if not seg_dir.is_dir():
        return
    names = names or list(VOC_CLASSES)
    for png in sorted(iter_files(seg_dir, frozenset({".png"}))):
        ident = (relative_to(png, seg_dir) or png.name)[:-4]
        if ident in ids:
            continue
        image = next((src / "JPEGImages" / f"{ident}{ext}" for ext in sorted(IMAGE_EXTENSIONS)
                      if (src / "JPEGImages" / f"{ident}{ext}").is_file()), None)
        if image is None:
            ds.lose("masks without an image", f"{png.name}: no JPEGImages/{ident}.* for it")
            continue
        try:
            cls = load_index_png(png, colours or None)
            obj_png = src / "SegmentationObject" / png.name
            inst = load_index_png(obj_png, None) if obj_png.is_file() else None
        except FormatError as e:
            ds.lose("unreadable masks", str(e))
            continue
        if inst is not None and inst.shape != cls.shape:
            ds.lose("unreadable masks", f"{obj_png.name}: size differs from {png.name}")
            continue
        record = ImageRecord(path=_name_in_dataset(image, src), width=cls.shape[1], height=cls.shape[0],
                             source=image, shapes=masks_from_pngs(cls, inst, names))
        ids[ident] = record
        ds.records.append(record)
        ds.files += 1


# ------------------------------------------------------------------- writing
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: Any) -> str:
    text = str(value)
    if _XML_BAD.search(text):
        raise FormatError(None, f"{text[:40]!r} holds a control character XML cannot carry; rename it")
    return escape(text)


def annotation_xml(record: ImageRecord, filename: str, folder: str, path: str,
                   shapes: list[Shape]) -> bytes:
    """The XML of one image, byte for byte as labelImg writes it (lxml's
    pretty print with tabs, no declaration); ``<occluded>``, parts, actions
    and other attributes as datumaro writes them, only where a shape has them."""
    return _document(record, filename, folder, path,
                     [_object_xml(s, voc_box(s, record.width, record.height)) for s in shapes],
                     any(s.kind in ("polygon", "mask") for s in shapes))


def _document(record: ImageRecord, filename: str, folder: str, path: str, objects: list[str],
              segmented: bool) -> bytes:
    # Built as text, not as an lxml tree: a 10,000-image export spends its time here.
    return "".join([
        '<annotation verified="yes">\n' if record.done else "<annotation>\n",
        f"\t<folder>{_text(folder)}</folder>\n\t<filename>{_text(filename)}</filename>\n"
        f"\t<path>{_text(path)}</path>\n\t<source>\n\t\t<database>Unknown</database>\n\t</source>\n"
        f"\t<size>\n\t\t<width>{record.width}</width>\n\t\t<height>{record.height}</height>\n"
        f"\t\t<depth>3</depth>\n\t</size>\n\t<segmented>{1 if segmented else 0}</segmented>\n",
        *objects, "</annotation>\n"]).encode("utf-8")


def _objects(record: ImageRecord, result: WriteResult, names: dict[str, str]) -> tuple[list[str], list[Shape | None]]:
    """The ``<object>`` texts of an image, and beside each the shape it
    came from (None for a plain box: raw store rows go straight to text,
    as in the COCO writer, with each label escaped once per export)."""
    shapes = record.shapes
    plain = shapes.plain_boxes() if isinstance(shapes, StoredShapes) else [None] * len(shapes)
    w, h = record.width or 10**9, record.height or 10**9
    objects: list[str] = []
    kept: list[Shape | None] = []
    for i, box in enumerate(plain):
        if box is None:
            s = _voc_shape(record, shapes[i], result)
            if s is not None:
                objects.append(_object_xml(s, voc_box(s, record.width, record.height)))
                kept.append(s)
            continue
        label, x1, y1, x2, y2 = box
        name = names.get(label)
        if name is None:
            name = names[label] = _text(label)
        # voc_box, inline: most boxes lie inside their image and need no clamping
        xmin, ymin, xmax, ymax = round(x1) + 1, round(y1) + 1, round(x2), round(y2)
        if not (1 <= xmin <= xmax <= w and 1 <= ymin <= ymax <= h):
            xmin, ymin = min(max(xmin, 1), w), min(max(ymin, 1), h)
            xmax, ymax = min(max(xmax, xmin), w), min(max(ymax, ymin), h)
        objects.append(f"\t<object>\n\t\t<name>{name}</name>\n\t\t<pose>Unspecified</pose>\n"
                       f"\t\t<truncated>0</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n"
                       f"\t\t\t<xmin>{xmin}</xmin>\n\t\t\t<ymin>{ymin}</ymin>\n\t\t\t<xmax>{xmax}</xmax>\n"
                       f"\t\t\t<ymax>{ymax}</ymax>\n\t\t</bndbox>\n\t</object>\n")
        kept.append(None)
    return objects, kept


def _object_xml(s: Shape, box: tuple[int, int, int, int]) -> str:
    attrs = s.attributes
    xml = (f"\t<object>\n\t\t<name>{_text(s.label)}</name>\n"
           f"\t\t<pose>{_text(attrs.get('pose') or 'Unspecified')}</pose>\n"
           f"\t\t<truncated>{int(s.truncated)}</truncated>\n"
           + ("\t\t<occluded>1</occluded>\n" if s.occluded else "")
           + f"\t\t<difficult>{int(s.difficult)}</difficult>\n" + _bndbox_xml(box, 2))
    if attrs or isinstance(s, TextRegion):
        xml += _attributes_xml(s)
    return xml + "\t</object>\n"


def _bndbox_xml(box: tuple[Any, Any, Any, Any], depth: int) -> str:
    t = "\t" * depth
    return (f"{t}<bndbox>\n{t}\t<xmin>{box[0]}</xmin>\n{t}\t<ymin>{box[1]}</ymin>\n{t}\t<xmax>{box[2]}</xmax>"
            f"\n{t}\t<ymax>{box[3]}</ymax>\n{t}</bndbox>\n")


def _attributes_xml(s: Shape) -> str:
    xml = ""
    for part in s.attributes.get("parts") or []:
        if isinstance(part, dict) and isinstance(part.get("bndbox"), list) and len(part["bndbox"]) == 4:
            xml += (f"\t\t<part>\n\t\t\t<name>{_text(part.get('name', ''))}</name>\n"
                    + _bndbox_xml(tuple(part["bndbox"]), 3) + "\t\t</part>\n")  # type: ignore[arg-type]
    actions = s.attributes.get("actions")
    if isinstance(actions, dict) and actions:
        xml += "\t\t<actions>\n" + "".join(f"\t\t\t<{a}>{int(bool(v))}</{a}>\n" for a, v in actions.items()
                                           if re.fullmatch(r"[A-Za-z_][\w.-]*", str(a))) + "\t\t</actions>\n"
    other = [(k, v) for k, v in s.attributes.items() if k not in _KEPT]
    if isinstance(s, TextRegion):  # its box is written; its text is kept
        other.append(("transcription", s.transcription))
    if other:
        xml += "\t\t<attributes>\n" + "".join(
            f"\t\t\t<attribute>\n\t\t\t\t<name>{_text(k)}</name>\n\t\t\t\t<value>"
            f"{_text(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))}</value>\n"
            "\t\t\t</attribute>\n" for k, v in other) + "\t\t</attributes>\n"
    return xml


def voc_box(shape: Shape, width: int | None, height: int | None) -> tuple[int, int, int, int]:
    """1-based inclusive integer pixels of a shape's bounds, inside the image."""
    x1, y1, x2, y2 = shape.bounds()  # type: ignore[misc]
    w, h = width or 10**9, height or 10**9
    xmin = min(max(int(round(x1)) + 1, 1), w)
    ymin = min(max(int(round(y1)) + 1, 1), h)
    xmax = min(max(int(round(x2)), xmin), w)
    ymax = min(max(int(round(y2)), ymin), h)
    return xmin, ymin, xmax, ymax


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    result = WriteResult()
    stems: dict[str, str] = {}
    splits: dict[str, list[str]] = {"trainval": [], "train": [], "val": [], "test": []}
    seg_stems: list[str] = []
    class_index = {c: i + 1 for i, c in enumerate(classes)}
    images_dir = out / "JPEGImages"
    images_abs = str(images_dir.absolute())
    names: dict[str, str] = {}  # label -> its XML text
    for n, record in enumerate(records, 1):
        filename = flat_name(record.path)
        stem = filename.rsplit(".", 1)[0] if "." in filename else filename
        if stem in stems:
            result.lose("images sharing an annotation name",
                        f"{record.path}: same annotation name as {stems[stem]}; not written")
            continue
        stems[stem] = record.path
        if has_groups(record.shapes):  # one object, one instance id, per group
            record = replace(record, shapes=join_groups(record, result, "VOC", "mask"))
        objects, shapes = _objects(record, result, names)
        if not place_file(record.source, images_dir / filename, copy_mode):
            result.skipped.append(f"{record.path}: image file missing, annotation written without it")
        segmented = any(s is not None and s.kind in ("polygon", "mask") for s in shapes)
        xml = _document(record, filename, "JPEGImages", f"{images_abs}/{filename}", objects, segmented)
        atomic_write_bytes(out / "Annotations" / f"{stem}.xml", xml)
        if segmented:
            write_masks(out, stem, record.path, int(record.height), int(record.width),  # type: ignore[arg-type]
                        shapes, class_index, result)
            seg_stems.append(stem)
        splits["trainval"].append(stem)
        if record.split in SPLITS:
            splits[record.split].append(stem)
        result.images += 1
        result.shapes += len(objects)
        if progress:
            progress(n, len(records))
    split_asked = any(r.split for r in records)
    for name, stems_ in splits.items():
        if name == "trainval" or (split_asked and (stems_ or name != "test")):
            atomic_write_text(out / "ImageSets" / "Main" / f"{name}.txt", "".join(s + "\n" for s in stems_))
    if seg_stems:
        atomic_write_text(out / "ImageSets" / "Segmentation" / "trainval.txt",
                          "".join(s + "\n" for s in seg_stems))
    atomic_write_text(out / "labels.txt", "".join(c + "\n" for c in ["background", *classes]))
    atomic_write_text(out / "labelmap.txt", labelmap_text(classes))
    result.files = len(stems) * 2
    return result


def _voc_shape(record: ImageRecord, s: Shape, result: WriteResult) -> Shape | None:
    """``s`` if VOC holds it (every region, by its box, and polygons and
    masks by their pixels), counting what it loses; None for one it cannot."""
    if isinstance(s, ImageTag):
        result.lose("image tags", f"{record.path}: image tag {s.label!r} has no VOC form")
        return None
    if s.bounds() is None:
        result.lose("empty masks", f"{record.path}: empty mask {s.label!r}")
        return None
    if isinstance(s, TextRegion):
        result.lose("text regions (as boxes)", f"{record.path}: text {s.transcription!r} written as its box, the "
                                                "text as an attribute; VOC has no quads")
    elif s.kind == "polygon":
        result.lose("polygons (as masks)", f"{record.path}: polygon {s.label!r} written as its pixels "
                                           "(SegmentationObject); VOC has no outlines")
    return s

"""Pascal VOC: ``Annotations/*.xml`` exactly as labelImg writes them,
``JPEGImages/``, ``ImageSets/Main/{trainval,train,val}.txt``, and masks as
``SegmentationClass/*.png`` / ``SegmentationObject/*.png`` (palette PNGs in
the VOC colour map, 255 = void).

VOC boxes are 1-based integer pixel indices, inclusive: the box of our
continuous ``(x1, y1, x2, y2)`` is ``xmin = x1 + 1 ... xmax = x2`` (the
convention torchvision and detectron2 read VOC with).
"""
from __future__ import annotations

import io
from pathlib import Path
from typing import Callable

import numpy as np
from lxml import etree
from PIL import Image

from labeltool.core.images import is_image_file
from labeltool.core.raster import shape_mask
from labeltool.core.shapes import Box, ImageTag, Mask, Shape

from .errors import FormatError
from .fileio import (CopyMode, atomic_write_bytes, atomic_write_text, flat_name, number, parse_xml,
                     place_file, reading, side)
from .records import Dataset, ImageRecord, WriteResult

VOID = 255


def colormap(n: int = 256) -> np.ndarray:
    """The VOC palette (``n x 3`` uint8): index bits spread over R, G, B."""
    cmap = np.zeros((n, 3), dtype=np.uint8)
    for i in range(n):
        r = g = b = 0
        c = i
        for j in range(8):
            r |= ((c >> 0) & 1) << (7 - j)
            g |= ((c >> 1) & 1) << (7 - j)
            b |= ((c >> 2) & 1) << (7 - j)
            c >>= 3
        cmap[i] = (r, g, b)
    return cmap


_PALETTE = colormap().flatten().tolist()


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
            xmin, ymin, xmax, ymax = (number(box.findtext(k), f"object {n} {k}", path)
                                      for k in ("xmin", "ymin", "xmax", "ymax"))
            record.shapes.append(Box(
                label=name, x1=xmin - 1, y1=ymin - 1, x2=xmax, y2=ymax,
                difficult=_flag(obj.findtext("difficult")), truncated=_flag(obj.findtext("truncated")),
                attributes=_extra(obj)))
        return record, notes


def _flag(text: str | None) -> bool:
    t = (text or "0").strip().lower()
    if t in ("1", "true", "yes"):
        return True
    if t in ("0", "false", "no", ""):
        return False
    return float(t) != 0  # "0.0" from some converters; ValueError -> FormatError


def _extra(obj: etree._Element) -> dict:
    """Keep a non-default ``pose`` (and only that: other tags are rare)."""
    pose = (obj.findtext("pose") or "").strip()
    return {"pose": pose} if pose and pose != "Unspecified" else {}


def _local_path(text: str | None) -> Path | None:
    if not text:
        return None
    try:
        p = Path(text.strip())
        return p if p.is_absolute() and p.is_file() else None
    except (OSError, ValueError):
        return None


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A VOC folder (with ``Annotations/``) or any folder of labelImg XMLs
    (labelImg saves them next to the images)."""
    src = Path(src)
    if not src.is_dir():
        raise FormatError(src, "is not a folder")
    ann_dir = src / "Annotations"
    xmls = sorted((ann_dir if ann_dir.is_dir() else src).rglob("*.xml"))
    if not xmls:
        raise FormatError(src, "no .xml annotation files found (expected Annotations/*.xml)")
    ds = Dataset(root=src)
    classes: dict[str, None] = {}
    labels_file = src / "labels.txt"
    if labels_file.is_file():
        for line in labels_file.read_text("utf-8", "replace").splitlines():
            if line.strip() and line.strip() != "background":
                classes.setdefault(line.strip(), None)
    for n, xml in enumerate(xmls, 1):
        try:
            record, notes = read_xml(xml)
        except FormatError as e:
            ds.skipped.append(str(e))
            continue
        ds.skipped.extend(notes)
        image = _find_image(src, xml, record)
        if image is None:
            ds.skipped.append(f"{xml.name}: image {record.path} not found")
            continue
        record.source = image
        record.path = _relative(image, src)
        _attach_masks(src, image.stem, record, ds.skipped)
        ds.records.append(record)
        for s in record.shapes:
            classes.setdefault(s.label, None)
        if progress:
            progress(n, len(xmls))
    _read_splits(src, ds.records)
    ds.classes = list(classes)
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


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _read_splits(src: Path, records: list[ImageRecord]) -> None:
    by_stem = {Path(r.path).stem: r for r in records}
    for split in ("train", "val"):
        f = src / "ImageSets" / "Main" / f"{split}.txt"
        if f.is_file():
            for line in f.read_text("utf-8", "replace").split():
                if line in by_stem:
                    by_stem[line].split = split


def _load_index_png(path: Path) -> np.ndarray:
    with reading(path):
        img = Image.open(io.BytesIO(path.read_bytes()))
        if img.mode not in ("P", "L"):
            raise FormatError(path, f"is a {img.mode} image, not a palette or greyscale index PNG")
        if img.width * img.height > 100_000_000:
            raise FormatError(path, "image too large")
        return np.asarray(img)


def _attach_masks(src: Path, stem: str, record: ImageRecord, skipped: list[str]) -> None:
    """Objects whose instance index has pixels in ``SegmentationObject/``
    become masks (VOC numbers instances in the XML's object order)."""
    obj_png = src / "SegmentationObject" / f"{stem}.png"
    if not obj_png.is_file():
        return
    try:
        inst = _load_index_png(obj_png)
    except FormatError as e:
        skipped.append(str(e))
        return
    if record.width and record.height and inst.shape != (record.height, record.width):
        skipped.append(f"{obj_png.name}: size {inst.shape[1]}x{inst.shape[0]} differs from the annotation's")
        return
    for i, shape in enumerate(record.shapes, 1):
        m = inst == i
        if m.any():
            record.shapes[i - 1] = Mask.from_array(m, label=shape.label, id=shape.id, difficult=shape.difficult,
                                                   truncated=shape.truncated, attributes=shape.attributes)


# ------------------------------------------------------------------- writing
def annotation_xml(record: ImageRecord, filename: str, folder: str, path: str,
                   shapes: list[Shape]) -> bytes:
    """The XML of one image, element for element as labelImg writes it."""
    top = etree.Element("annotation")
    if record.done:
        top.set("verified", "yes")
    etree.SubElement(top, "folder").text = folder
    etree.SubElement(top, "filename").text = filename
    etree.SubElement(top, "path").text = path
    etree.SubElement(etree.SubElement(top, "source"), "database").text = "Unknown"
    size = etree.SubElement(top, "size")
    etree.SubElement(size, "width").text = str(record.width)
    etree.SubElement(size, "height").text = str(record.height)
    etree.SubElement(size, "depth").text = "3"
    seg = any(s.kind in ("polygon", "mask") for s in shapes)
    etree.SubElement(top, "segmented").text = "1" if seg else "0"
    for s in shapes:
        x1, y1, x2, y2 = voc_box(s, record.width, record.height)
        obj = etree.SubElement(top, "object")
        etree.SubElement(obj, "name").text = s.label
        etree.SubElement(obj, "pose").text = str(s.attributes.get("pose") or "Unspecified")
        etree.SubElement(obj, "truncated").text = "1" if s.truncated else "0"
        etree.SubElement(obj, "difficult").text = "1" if s.difficult else "0"
        bb = etree.SubElement(obj, "bndbox")
        for k, v in zip(("xmin", "ymin", "xmax", "ymax"), (x1, y1, x2, y2)):
            etree.SubElement(bb, k).text = str(v)
    etree.indent(top, space="\t")
    return etree.tostring(top, encoding="utf-8", xml_declaration=False) + b"\n"


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
    splits: dict[str, list[str]] = {"trainval": [], "train": [], "val": []}
    seg_stems: list[str] = []
    class_index = {c: i + 1 for i, c in enumerate(classes)}
    for n, record in enumerate(records, 1):
        filename = flat_name(record.path)
        stem = Path(filename).stem
        if stem in stems:
            result.skipped.append(f"{record.path}: same annotation name as {stems[stem]}")
            continue
        stems[stem] = record.path
        shapes: list[Shape] = []
        for s in record.shapes:
            if isinstance(s, ImageTag):
                result.skipped.append(f"{record.path}: image tag {s.label!r} has no VOC form")
            elif s.bounds() is None:
                result.skipped.append(f"{record.path}: empty mask {s.label!r}")
            else:
                shapes.append(s)
        image_path = out / "JPEGImages" / filename
        if not place_file(record.source, image_path, copy_mode):
            result.skipped.append(f"{record.path}: image file missing, annotation written without it")
        xml = annotation_xml(record, filename, "JPEGImages", str(image_path.absolute()), shapes)
        atomic_write_bytes(out / "Annotations" / f"{stem}.xml", xml)
        if any(s.kind in ("polygon", "mask") for s in shapes):
            _write_masks(out, stem, record, shapes, class_index)
            seg_stems.append(stem)
        splits["trainval"].append(stem)
        if record.split in ("train", "val"):
            splits[record.split].append(stem)
        result.images += 1
        result.shapes += len(shapes)
        if progress:
            progress(n, len(records))
    split_asked = any(r.split for r in records)
    for name, stems_ in splits.items():
        if name == "trainval" or split_asked:
            atomic_write_text(out / "ImageSets" / "Main" / f"{name}.txt", "".join(s + "\n" for s in stems_))
    if seg_stems:
        atomic_write_text(out / "ImageSets" / "Segmentation" / "trainval.txt",
                          "".join(s + "\n" for s in seg_stems))
    atomic_write_text(out / "labels.txt", "".join(c + "\n" for c in ["background", *classes]))
    result.files = len(stems) * 2
    return result


def _write_masks(out: Path, stem: str, record: ImageRecord, shapes: list[Shape],
                 class_index: dict[str, int]) -> None:
    h, w = int(record.height), int(record.width)  # type: ignore[arg-type]
    cls = np.zeros((h, w), dtype=np.uint8)
    inst = np.zeros((h, w), dtype=np.uint8)
    for i, s in enumerate(shapes, 1):
        if s.kind not in ("polygon", "mask") or i >= VOID:
            continue
        m = shape_mask(s, h, w)
        if m is None:
            continue
        cls[m] = min(class_index.get(s.label, VOID - 1), VOID - 1)
        inst[m] = i
    for folder, a in (("SegmentationClass", cls), ("SegmentationObject", inst)):
        img = Image.fromarray(a, "P")
        img.putpalette(_PALETTE)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        atomic_write_bytes(out / folder / f"{stem}.png", buf.getvalue())

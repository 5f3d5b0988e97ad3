"""YOLO (Ultralytics layout): ``images/[train|val/]...`` with
``labels/[train|val/]...txt`` beside them (the label of ``.../images/x.jpg``
is ``.../labels/x.txt``), ``data.yaml`` and ``classes.txt``.

A line is ``class cx cy w h`` (a box, normalised by the image size) or
``class x1 y1 x2 y2 ...`` (a polygon, the segment format). ``data.yaml`` is
YAML as Ultralytics reads it (``yaml.safe_load``): no tags, and no aliases
either, since a few nested aliases expand to billions of names.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

from labeltool.core.images import ImageLoadError, is_image_file, read_size
from labeltool.core.raster import mask_polygons
from labeltool.core.shapes import Box, Mask, Point, Polygon, Shape, TextRegion

from .errors import FormatError
from .fileio import CopyMode, atomic_write_text, number, place_file, read_text, reading
from .records import Dataset, ImageRecord, WriteResult


# ------------------------------------------------------------------- writing
def _clip(v: float, hi: float) -> float:
    return min(max(v, 0.0), hi)


def label_line(shape: Shape, cls: int, width: int, height: int) -> tuple[str | None, str | None]:
    """``(line, note)``: the YOLO line of a shape, or None and why not."""
    if isinstance(shape, Box):
        x1, x2 = _clip(shape.x1, width), _clip(shape.x2, width)
        y1, y2 = _clip(shape.y1, height), _clip(shape.y2, height)
        if x2 <= x1 or y2 <= y1:
            return None, f"box {shape.label!r} lies outside the image"
        return (f"{cls} {(x1 + x2) / 2 / width:.6f} {(y1 + y2) / 2 / height:.6f} "
                f"{(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}"), None
    note = None
    if isinstance(shape, (Polygon, TextRegion)):
        points: list[Point] = shape.points
    elif isinstance(shape, Mask):
        polys = mask_polygons(shape.to_array())
        if not polys:
            return None, f"mask {shape.label!r} is empty"
        points = polys[0]
        if len(polys) > 1:
            note = f"mask {shape.label!r} has {len(polys)} parts; its largest was written"
    else:
        return None, f"image tag {shape.label!r} has no YOLO detection form (export ImageFolder for classes)"
    coords = " ".join(f"{_clip(x, width) / width:.6f} {_clip(y, height) / height:.6f}" for x, y in points)
    return f"{cls} {coords}", note


class _Name(str):
    """A class name, written double-quoted: names such as ``yes``, ``1``,
    ``null`` or ``a: b`` stay text for every YAML reader, 1.1 or 1.2."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Name, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))


def data_yaml(classes: list[str], train: str, val: str) -> str:
    """Ultralytics' ``data.yaml``; ``names`` as the mapping it writes itself
    (``{0: person}``), non-ASCII names as they are (not ``\\u`` escapes)."""
    doc = {"train": train, "val": val, "nc": len(classes), "names": {i: _Name(n) for i, n in enumerate(classes)}}
    return ("# Written by labeltool. Paths are relative to this file's folder.\n"
            + yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000))


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    result = WriteResult()
    index = {c: i for i, c in enumerate(classes)}
    split = any(r.split for r in records)
    for n, record in enumerate(records, 1):
        sub = f"{record.split or 'train'}/" if split else ""
        image = out / "images" / f"{sub}{record.path}"
        if not place_file(record.source, image, copy_mode):
            result.skipped.append(f"{record.path}: image file missing; its label file was written")
        lines = []
        for s in record.shapes:
            if s.label not in index:
                index[s.label] = len(index)
                classes = [*classes, s.label]
            line, note = label_line(s, index[s.label], int(record.width), int(record.height))  # type: ignore
            if note:
                result.skipped.append(f"{record.path}: {note}")
            if line:
                lines.append(line)
        label = (out / "labels" / f"{sub}{record.path}").with_suffix(".txt")
        atomic_write_text(label, "".join(f"{line}\n" for line in lines))
        result.images += 1
        result.shapes += len(lines)
        result.files += 1
        if progress:
            progress(n, len(records))
    train, val = ("images/train", "images/val") if split else ("images", "images")
    atomic_write_text(out / "data.yaml", data_yaml(classes, train, val))
    atomic_write_text(out / "classes.txt", "".join(f"{c}\n" for c in classes))
    return result


# ------------------------------------------------------------------- reading
class _Loader(yaml.SafeLoader):
    """``yaml.safe_load`` without aliases. Safe loading refuses tags
    (``!!python/object``), but aliases still share one object many times:
    nine nested levels of ten make 10**9 names when anything walks them."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(None, None, f"alias *{event.anchor} refused (data.yaml needs none)",
                                              event.start_mark)
        return super().compose_node(parent, index)


def load_data_yaml(text: str) -> dict[str, Any]:
    """The mapping of a ``data.yaml`` ({} when it is empty). ValueError when
    it is not YAML, uses aliases or tags, or is not a mapping."""
    try:
        doc = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.YAMLError as e:
        raise ValueError(f"not valid YAML: {' '.join(str(e).split())[:300]}") from None
    if doc is None:
        return {}
    if not isinstance(doc, dict):
        raise ValueError(f"data.yaml holds a {type(doc).__name__}, not a mapping of keys (train, val, names)")
    return doc


def _name(value: Any, cls: int) -> str:
    if value is None:  # ``3:`` with nothing after it
        return str(cls)
    if isinstance(value, (list, dict)):
        raise ValueError(f"class {cls}: name is a {type(value).__name__}, not text")
    return str(value)


def parse_names(text: str) -> list[str] | None:
    """Class names from a ``data.yaml``: ``names`` as a list (``[a, b]`` or
    ``- a``) or a mapping of ids (``0: a``; ids it skips are named by their
    number). None when there is no ``names`` key."""
    doc = load_data_yaml(text)
    if "names" not in doc:
        return None
    names = doc["names"]
    if names is None:
        return []
    if isinstance(names, list):
        return [_name(v, i) for i, v in enumerate(names)]
    if not isinstance(names, dict):
        raise ValueError(f"names is a {type(names).__name__}: give a list or a mapping of class ids")
    named: dict[int, str] = {}
    for k, v in names.items():
        if isinstance(k, bool) or not isinstance(k, (int, str)):
            raise ValueError(f"names: key {k!r} is not a class id")
        named[int(k)] = _name(v, int(k))
    if named and not 0 <= min(named) <= max(named) < 100_000:
        raise ValueError(f"class ids {min(named)}..{max(named)} out of range")
    return [named.get(i, str(i)) for i in range(max(named) + 1)] if named else []


def read_classes(src: Path) -> list[str] | None:
    for name in ("data.yaml", "dataset.yaml", "data.yml"):
        f = src / name
        if f.is_file():
            with reading(f):
                names = parse_names(read_text(f))
            if names is not None:
                return names
    for name in ("classes.txt", "obj.names"):
        f = src / name
        if f.is_file():
            return [line.strip() for line in read_text(f).splitlines() if line.strip()]
    return None


def read_label_file(path: Path, width: int, height: int, names: list[str]) -> tuple[list[Shape], list[str]]:
    """The shapes of one label file, in pixels; notes for lines it skipped.
    Class ids beyond ``names`` extend it with the id as the name."""
    text = read_text(path)
    shapes: list[Shape] = []
    notes: list[str] = []
    with reading(path):
        for n, line in enumerate(text.splitlines(), 1):
            parts = line.split()
            if not parts:
                continue
            try:
                cls = int(parts[0])
            except ValueError:
                raise FormatError(path, f"line {n}: class {parts[0][:20]!r} is not an integer") from None
            if not 0 <= cls < 100_000:
                raise FormatError(path, f"line {n}: class {cls} out of range")
            v = [number(p, f"line {n} value", path) for p in parts[1:]]
            if len(v) == 4 or (len(v) >= 6 and len(v) % 2 == 0):
                while cls >= len(names):  # an id the class list lacks is named by its number
                    names.append(str(len(names)))
            if len(v) == 4:
                cx, cy, w, h = v
                if w < 0 or h < 0:
                    raise FormatError(path, f"line {n}: negative box size")
                shapes.append(Box(label=names[cls], x1=(cx - w / 2) * width, y1=(cy - h / 2) * height,
                                  x2=(cx + w / 2) * width, y2=(cy + h / 2) * height))
            elif len(v) >= 6 and len(v) % 2 == 0:
                shapes.append(Polygon(label=names[cls],
                                      points=[(x * width, y * height) for x, y in zip(v[0::2], v[1::2])]))
            else:
                notes.append(f"{path.name}: line {n} has {len(v)} values (a box has 4, a polygon an even "
                             "number >= 6); skipped")
    return shapes, notes


def label_path(image: Path) -> Path:
    """Ultralytics' rule: the last ``images`` folder becomes ``labels``."""
    parts = list(image.parts)
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "images":
            parts[i] = "labels"
            return Path(*parts).with_suffix(".txt")
    return image.with_suffix(".txt")


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    src = Path(src)
    if not src.is_dir():
        raise FormatError(src, "is not a folder (expected a YOLO dataset with images/ and labels/)")
    ds = Dataset(root=src)
    names = read_classes(src)
    if names is None:
        ds.skipped.append(f"{src}: no data.yaml or classes.txt; classes are named by their ids")
        names = []
    images = sorted(p for p in src.rglob("*") if is_image_file(p) and "labels" not in p.relative_to(src).parts
                    and not any(part.startswith(".") for part in p.relative_to(src).parts))
    if not images:
        raise FormatError(src, "no images found")
    for i, image in enumerate(images, 1):
        rel = image.relative_to(src).as_posix()
        label = label_path(image)
        if not label.is_file() and image.with_suffix(".txt").is_file():
            label = image.with_suffix(".txt")  # darknet keeps labels beside images
        record = ImageRecord(path=rel, source=image)
        ds.records.append(record)
        if progress:
            progress(i, len(images))
        if not label.is_file():
            continue  # an image without objects: a negative example
        try:
            record.width, record.height = read_size(image)
        except ImageLoadError as e:
            ds.skipped.append(f"{rel}: {e.reason}; its labels need the image size")
            ds.records.pop()
            continue
        try:
            record.shapes, notes = read_label_file(label, record.width, record.height, names)
            ds.skipped += notes
        except FormatError as e:
            ds.skipped.append(str(e))
    ds.classes = list(names)
    return ds



"""YOLO (Ultralytics layout): ``images/[train|val|test/]...`` with each
label file where Ultralytics' ``img2label_paths`` looks (the last
``images`` folder of the image's path becomes ``labels``: the label of
``.../images/x.jpg`` is ``.../labels/x.txt``), ``data.yaml`` and
``classes.txt``. Read as well: the sets ``data.yaml`` names (folders or list
files; Roboflow's ``../train/images``), darknet's and CVAT's ``obj.data``,
``train.txt`` and labels beside the images, ``Images/`` + ``Annotations/``.

A line is ``class cx cy w h`` (a box, normalised by the image size) or
``class x1 y1 x2 y2 ...`` (a polygon, the segment format). An object in
several parts (a group, a mask in pieces) is one line: its outlines joined
at their closest points as Ultralytics' ``merge_multi_segment`` does; a
group of boxes is their union box. ``data.yaml`` is
YAML as Ultralytics reads it (``yaml.safe_load``): no tags, and no aliases
either, since a few nested aliases expand to billions of names.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import yaml

from labeltool.core.images import ImageLoadError, read_size
from labeltool.core.raster import mask_polygons
from labeltool.core.shapes import Box, Mask, Point, Polygon, Shape, TextRegion

from .errors import FormatError
from .groups import has_groups, join_groups, merge_outlines
from .fileio import CopyMode, atomic_write_text, number, place_file, read_text, reading
from .layout import iter_files, iter_images, note_split, split_of
from .records import Dataset, ImageRecord, WriteResult, count_unheld


# ------------------------------------------------------------------- writing
def _clip(v: float, hi: float) -> float:
    return min(max(v, 0.0), hi)


def label_line(shape: Shape, cls: int, width: int, height: int) -> tuple[str | None, tuple[str, str] | None]:
    """``(line, loss)``: the YOLO line of a shape (or None), and what it
    lost as ``(kind, why)`` (or None)."""
    if isinstance(shape, Box):
        x1, x2 = _clip(shape.x1, width), _clip(shape.x2, width)
        y1, y2 = _clip(shape.y1, height), _clip(shape.y2, height)
        if x2 <= x1 or y2 <= y1:
            return None, ("boxes outside the image", f"box {shape.label!r} lies outside the image")
        return (f"{cls} {(x1 + x2) / 2 / width:.6f} {(y1 + y2) / 2 / height:.6f} "
                f"{(x2 - x1) / width:.6f} {(y2 - y1) / height:.6f}"), None
    if isinstance(shape, (Polygon, TextRegion)):
        points: list[Point] = shape.points
    elif isinstance(shape, Mask):
        polys = mask_polygons(shape.to_array())
        if not polys:
            return None, ("empty masks", f"mask {shape.label!r} is empty")
        points = merge_outlines(polys)  # a mask in pieces: one outline, as Ultralytics joins them
    else:
        return None, ("image tags", f"image tag {shape.label!r} has no YOLO detection form (export ImageFolder "
                                    "for classes)")
    coords = " ".join(f"{_clip(x, width) / width:.6f} {_clip(y, height) / height:.6f}" for x, y in points)
    return f"{cls} {coords}", None


class _Name(str):
    """A class name, written double-quoted: names such as ``yes``, ``1``,
    ``null`` or ``a: b`` stay text for every YAML reader, 1.1 or 1.2."""


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(_Name, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", str(v), style='"'))


def data_yaml(classes: list[str], sets: dict[str, str]) -> str:
    """Ultralytics' ``data.yaml`` (``sets``: train, val, test -> their image
    folders); ``names`` as the mapping it writes itself (``{0: person}``),
    non-ASCII names as they are (not ``\\u`` escapes)."""
    doc = {**sets, "nc": len(classes), "names": {i: _Name(n) for i, n in enumerate(classes)}}
    return ("# Written by labeltool. Paths are relative to this file's folder.\n"
            + yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1_000_000))


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    """``images/[<split>/]<project path>`` with each label file where
    Ultralytics looks for it (:func:`label_path`: the last ``images`` folder
    of the path becomes ``labels``, whatever folders the project path holds),
    ``data.yaml`` and ``classes.txt``. Images in no split, when others have
    one, go to ``images/<project path>`` and are in none of data.yaml's sets."""
    out = Path(out)
    result = WriteResult()
    index = {c: i for i, c in enumerate(classes)}
    split = any(r.split for r in records)
    labels: dict[Path, str] = {}
    unsplit = 0
    for n, record in enumerate(records, 1):
        rel = Path("images", record.split or "", record.path) if split else Path("images", record.path)
        label = out / label_path(rel)
        if label in labels:
            result.lose("images sharing a label file", f"{record.path}: its label file would be "
                        f"{labels[label]}'s ({label_path(rel).as_posix()}); not written")
            continue
        labels[label] = record.path
        unsplit += split and not record.split
        if not place_file(record.source, out / rel, copy_mode):
            result.skipped.append(f"{record.path}: image file missing; its label file was written")
        count_unheld(record, result, "YOLO", text=True, groups=True)  # joined below
        shapes = join_groups(record, result, "YOLO", "outline") if has_groups(record.shapes) else record.shapes
        lines = []
        for s in shapes:
            if s.label not in index:
                index[s.label] = len(index)
                classes = [*classes, s.label]
            line, loss = label_line(s, index[s.label], int(record.width), int(record.height))  # type: ignore
            if loss:
                result.lose(loss[0], f"{record.path}: {loss[1]}")
            if line:
                lines.append(line)
        atomic_write_text(label, "".join(f"{line}\n" for line in lines))
        result.images += 1
        result.shapes += len(lines)
        result.files += 1
        if progress:
            progress(n, len(records))
    sets = {"train": "images/train", "val": "images/val"} if split else {"train": "images", "val": "images"}
    if any(r.split == "test" for r in records):
        sets["test"] = "images/test"
    if unsplit:
        result.skipped.append(f"{unsplit} images in no split: written under images/, in none of data.yaml's sets "
                              "(give --split to place them)")
    atomic_write_text(out / "data.yaml", data_yaml(classes, sets))
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
    """Ultralytics' rule (``img2label_paths``): the last ``images`` folder
    becomes ``labels``, the suffix ``.txt``; beside the image when the path
    has no ``images`` folder."""
    parts = list(image.parts)
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "images":
            parts[i] = "labels"
            return Path(*parts).with_suffix(".txt")
    return image.with_suffix(".txt")


# Folders other tools keep labels in, for an image folder of theirs: darknet
# sets with Images/ + Annotations/, Labels/ in any case.
_LABEL_DIRS = {"images": ("labels", "annotations"), "jpegimages": ("labels", "annotations")}
LOOKED_FOR = ("images with .txt labels where Ultralytics looks (the last images/ folder of the path as labels/), "
              "in Annotations/ beside Images/, or beside the image; data.yaml, obj.data, classes.txt or obj.names "
              "for class names")


def label_candidates(image: Path, root: Path) -> list[Path]:
    """Where an image's label file may be, in the order tried: Ultralytics'
    rule on the full path and inside the dataset, darknet's swaps of an
    ``Images`` folder in any case, then beside the image."""
    out = [label_path(image)]
    rel = image.relative_to(root) if image.is_relative_to(root) else Path(image.name)
    out.append(root / label_path(rel))
    parts = list(rel.parts)
    for i in range(len(parts) - 2, -1, -1):
        for other in _LABEL_DIRS.get(parts[i].lower(), ()):
            for spelled in (other, other.capitalize(), other.upper()):
                out.append(root.joinpath(*parts[:i], spelled, *parts[i + 1:]).with_suffix(".txt"))
    out.append(image.with_suffix(".txt"))
    return list(dict.fromkeys(out))


def _sets(src: Path, ds: Dataset) -> list[tuple[str, list[Path], Path | None]]:
    """``(split, images, folder)`` of each set ``data.yaml`` or darknet's
    ``obj.data`` names (``folder``: the set's image folder, which the images'
    names are taken relative to; None for a list file)."""
    doc: dict[str, Any] = {}
    for name in ("data.yaml", "dataset.yaml", "data.yml"):
        f = src / name
        if f.is_file():
            with reading(f):
                doc = load_data_yaml(read_text(f))
            break
    else:
        obj = src / "obj.data"
        if obj.is_file():  # darknet / CVAT "YOLO 1.1": "train = data/train.txt"
            doc = dict(line.split("=", 1) for line in read_text(obj).splitlines() if "=" in line)
            doc = {k.strip(): v.strip() for k, v in doc.items()}
            doc["val"] = doc.pop("valid", doc.get("val"))
    base = src
    if isinstance(doc.get("path"), str) and (src / doc["path"]).is_dir():
        base = src / doc["path"]
    out = []
    folders: dict[Path, list[str]] = {}
    for key in ("train", "val", "test"):
        values = doc.get(key)
        for value in values if isinstance(values, list) else [values] if isinstance(values, str) else []:
            target = _resolve(base, src, value)
            if target is None:
                ds.skipped.append(f"data.yaml: {key}: {value} not found")
                continue
            split = split_of(key)
            # Named as the folder spells it (Roboflow's "valid"), else as the key.
            spelled = next((p for p in reversed(target.relative_to(src).parts) if split_of(p) == split), key) \
                if target.is_relative_to(src) else key
            note_split(ds.split_names, spelled)
            if target.is_dir():
                folders.setdefault(target, []).append(split or key)
                out.append((split or key, sorted(iter_images(target)), target))
            else:
                out.append((split or key, _listed(target, src), None))
    # One folder for train and val (our export without a split): no split.
    return [(s if len(folders.get(f, [])) < 2 else "", images, f) for s, images, f in out]  # type: ignore[arg-type]


def _resolve(base: Path, src: Path, value: str) -> Path | None:
    """A data.yaml path as Ultralytics resolves it (a leading ``../`` that
    leads nowhere is tried without: Roboflow writes ``../train/images``)."""
    for root in (base, src):
        for v in (value, value[3:] if value.startswith("../") else None, value.removeprefix("data/")):
            if v and (root / v).exists():
                return root / v
    return None


def _listed(list_file: Path, src: Path) -> list[Path]:
    """The images of a list file (one path a line; darknet's ``data/...``)."""
    out = []
    for line in read_text(list_file).splitlines():
        line = line.strip()
        if not line:
            continue
        for cand in (list_file.parent / line, src / line, src / line.removeprefix("data/"), Path(line)):
            if cand.is_file():
                out.append(cand)
                break
    return out


def _name_without_layout(rel: Path, split: str | None, ds: Dataset) -> tuple[str, str | None]:
    """An image's path without the layout's folders (a leading ``images``
    and split folder, in either order: ``images/train/``, Roboflow's
    ``train/images/``) and the split the folder names."""
    parts = list(rel.parts)
    stripped_images = False
    for _ in range(2):  # each at most once: images/images/x.jpg is the project's images/x.jpg
        if len(parts) > 1 and not stripped_images and parts[0].lower() in ("images", "jpegimages"):
            parts.pop(0)
            stripped_images = True
        elif len(parts) > 1 and split is None and split_of(parts[0]) is not None:
            split = note_split(ds.split_names, parts[0])
            parts.pop(0)
    return "/".join(parts), split


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    src = Path(src)
    if src.is_file() and src.suffix.lower() in (".yaml", ".yml", ".data"):
        src = src.parent
    if not src.is_dir():
        raise FormatError(src, "is not a folder (expected a YOLO dataset with images/ and labels/)")
    ds = Dataset(root=src, looked_for=LOOKED_FOR)
    names = read_classes(src)
    if names is None:
        ds.skipped.append(f"{src}: no data.yaml or classes.txt; classes are named by their ids")
        names = []
    placed: dict[Path, tuple[str, str | None]] = {}  # image -> (name in the dataset, split)
    sets = _sets(src, ds)
    for split, images, folder in sets:
        for image in images:
            rel = image.relative_to(folder).as_posix() if folder is not None else \
                _name_without_layout(image.relative_to(src), None, ds)[0]
            placed.setdefault(image, (rel, split or None))
    for image in iter_images(src):
        if image not in placed:
            placed[image] = _name_without_layout(image.relative_to(src), None, ds)
    if not placed:
        raise FormatError(src, f"no images found; looked for {LOOKED_FOR}")
    used: set[Path] = set()
    for i, (image, (rel, split)) in enumerate(placed.items(), 1):
        record = ImageRecord(path=rel, source=image, split=split)
        label = next((c for c in label_candidates(image, src) if c.is_file()), None)
        ds.records.append(record)
        if progress:
            progress(i, len(placed))
        if label is None:
            continue  # an image without objects: a negative example
        used.add(label)
        try:
            record.width, record.height = read_size(image)
        except ImageLoadError as e:
            ds.lose("unreadable images", f"{rel}: {e.reason}; its labels need the image size")
            ds.records.pop()
            continue
        try:
            record.shapes, notes = read_label_file(label, record.width, record.height, names)
            for note in notes:
                ds.lose("malformed lines", note)
        except FormatError as e:
            ds.lose("unreadable files", str(e))
    ds.files = len(used)
    _orphan_labels(src, used, ds)
    ds.classes = list(names)
    ds.layout = "data.yaml sets" if sets else "labels/ beside images/" if any(
        "labels" in p.parts for p in used) else "labels beside the images" if used else "images only"
    return ds


def _orphan_labels(src: Path, used: set[Path], ds: Dataset) -> None:
    """Label files no image was found for (a CVAT export without its images)."""
    skip = {"classes.txt", "obj.names", "train.txt", "val.txt", "test.txt", "valid.txt"}
    for f in iter_files(src, frozenset({".txt"})):
        if f not in used and f.name not in skip and f.parent != src:
            ds.lose("label files without an image", f"{f.relative_to(src).as_posix()}: no image found for it "
                                                     "(looked for it under images/ and beside it)")

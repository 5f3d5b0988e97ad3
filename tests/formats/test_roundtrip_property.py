"""Round trip as a property: for every format and any generated project
(folders named ``images`` and ``labels`` at any depth, non-ASCII names,
splits, every shape kind and flag the format holds, objects in several
parts where the format holds them), import(export(project))
is the project, within what the format holds; exporting the result again
writes the same file names (they do not grow); importing the same export
once more adds nothing."""
from __future__ import annotations

import contextlib
import io
import json
import shutil
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from labeltool.core import Box, ImageTag, Mask, Polygon, ProjectStore, Shape, TextRegion
from labeltool.core.groups import objects
from labeltool.core.raster import shape_mask
from labeltool.formats.fileio import flat_name
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image
from tests.formats.test_layouts_yolo_coco import img2label_paths

FOLDERS = ["images", "labels", "数据", "Ünï", "a b", "Images"]
STEMS = ["a", "照片", "é-1", "x y", "0", "labels", "images"]
LABELS = ["猫", "dog", "a b", "行人"]
SPLITS = [None, "train", "val", "test"]
CELL = 12  # regions are drawn in cells of a grid, so that masks never overlap (VOC keeps one object a pixel)

# What each format holds: the kinds generated for it, which flags, and how
# its file names a project path.
HELD = {
    "coco": (("box", "polygon", "mask", "text"), ("difficult", "truncated", "occluded")),
    "labelme": (("box", "polygon", "mask", "text", "tag"), ("difficult", "truncated", "occluded")),
    "voc": (("box", "polygon", "mask"), ("difficult", "truncated", "occluded")),
    "yolo": (("box", "polygon"), ()),
    "ppocr": (("text",), ("difficult",)),
    "icdar": (("text",), ("difficult",)),
    "imagefolder": (("tag",), ()),
}
FLAT = {"voc", "ppocr", "icdar", "imagefolder"}  # these keep no folders: sub/a.jpg is sub__a.jpg
# The one change an export says it makes to what is generated for it.
SAID = {"voc": {"polygons (as masks)"}}
# Formats that hold objects in several parts (groups), and the kinds of part
# each keeps as parts (COCO writes a group with a mask as one RLE).
GROUPED = {"labelme": ("box", "polygon", "mask", "text"), "coco": ("box", "polygon")}


@dataclass
class Image_:
    path: str
    width: int
    height: int
    split: str | None
    shapes: list[Shape]


@st.composite
def regions(draw: Any, fmt: str, width: int, height: int) -> list[Shape]:
    kinds, flags = HELD[fmt]
    if fmt == "imagefolder":
        return [ImageTag(label=draw(st.sampled_from(LABELS)))]
    cells = [(x, y) for x in range(0, width - CELL + 1, CELL) for y in range(0, height - CELL + 1, CELL)]
    picked = draw(st.lists(st.sampled_from(cells), max_size=min(4, len(cells)), unique=True))
    shapes: list[Shape] = []
    for x, y in picked:
        kind = draw(st.sampled_from(kinds))
        on = {f: draw(st.booleans()) for f in flags}
        label = "text" if fmt == "icdar" else draw(st.sampled_from(LABELS))
        a, b = draw(st.integers(1, 4)), draw(st.integers(1, 4))
        c, d = draw(st.integers(a + 4, CELL - 1)), draw(st.integers(b + 4, CELL - 1))
        if kind == "box":
            shapes.append(Box(label=label, x1=x + a, y1=y + b, x2=x + c, y2=y + d, **on))
        elif kind == "polygon":
            shapes.append(Polygon(label=label, points=[(x + a, y + b), (x + c, y + b + 1), (x + (a + c) / 2, y + d)],
                                  **on))
        elif kind == "text":
            text = "" if on.get("difficult") else draw(st.sampled_from(["出口", "EXIT, 1", "a\tb", "###x"]))
            shapes.append(TextRegion(label=label if fmt != "ppocr" else draw(st.sampled_from(["text", "金额"])),
                                     points=[(x + a, y + b), (x + c, y + b), (x + c, y + d), (x + a, y + d)],
                                     transcription=text, **on))
        else:
            m = np.zeros((height, width), dtype=bool)
            m[y + b:y + d, x + a:x + c] = True
            m[y + b, x + a] = False  # not a rectangle
            shapes.append(Mask.from_array(m, label=label, **on))
    shapes = _grouped(draw, fmt, shapes)
    if "tag" in kinds and draw(st.booleans()):
        shapes.append(ImageTag(label=draw(st.sampled_from(LABELS))))
    return shapes


def _grouped(draw: Any, fmt: str, shapes: list[Shape]) -> list[Shape]:
    """Some of the shapes made parts of groups (objects of one class and
    group), for the formats that hold groups. COCO writes an object's flags
    once, so the parts of one take its first part's."""
    if fmt not in GROUPED:
        return shapes
    out: list[Shape] = []
    first: dict[tuple[str, int], Shape] = {}
    for s in shapes:
        group = draw(st.sampled_from([None, 1, 2])) if s.kind in GROUPED[fmt] else None
        s = replace(s, group=group)
        if group is not None and fmt == "coco":
            s = replace(s, **first.setdefault((s.label, group), s).flag_fields())
        out.append(s)
    return out


@st.composite
def projects(draw: Any, fmt: str) -> list[Image_]:
    stems = draw(st.lists(st.sampled_from(STEMS), min_size=1, max_size=3, unique=True))
    images = []
    for stem in stems:
        folders = draw(st.lists(st.sampled_from(FOLDERS), max_size=3))
        width, height = draw(st.integers(24, 40)), draw(st.integers(24, 40))
        path = "/".join([*folders, stem + draw(st.sampled_from([".jpg", ".png"]))])
        images.append(Image_(path, width, height, draw(st.sampled_from(SPLITS)),
                             draw(regions(fmt, width, height))))
    return images


def _build(root: Path, images: list[Image_]) -> ProjectStore:
    for k, im in enumerate(images):
        write_image(root / im.path, im.width, im.height, (40 * k, 90, 160))
    store = ProjectStore.open(root)
    for im in images:
        item = store.image_by_path(im.path)
        store.ensure_size(item)
        store.add_shapes(item.id, im.shapes)
        store.set_split(item.id, im.split)
    return store


def _canonical(shape: Shape, fmt: str, height: int, width: int) -> tuple[Any, ...]:
    """What of a shape ``fmt`` holds, comparable: VOC keeps polygons as their
    pixels; flags and texts as the format keeps them."""
    flags = tuple(getattr(shape, f) for f in HELD[fmt][1])
    if fmt == "voc" and shape.kind in ("polygon", "mask"):
        return ("mask", shape.label, flags, Mask.from_array(shape_mask(shape, height, width), label="").rle["counts"])
    text = shape.transcription if isinstance(shape, TextRegion) else None
    if isinstance(shape, Mask):
        return ("mask", shape.label, flags, shape.rle["counts"])
    bounds = shape.bounds()
    points = shape.points if isinstance(shape, (Polygon, TextRegion)) else [bounds[:2], bounds[2:]] if bounds else []
    # YOLO writes six decimals of the image size; the others what they were given.
    return (shape.kind, shape.label, flags, text, tuple(round(v, 2 if fmt == "yolo" else 6) for p in points
                                                        for v in p))


def _contents(store: ProjectStore, fmt: str) -> dict[str, tuple[str | None, list[tuple[Any, ...]]]]:
    """Per image: its split and its shapes, each with the other parts of its
    object (groups compare by which shapes they join, not by number)."""
    out = {}
    for item in store.images():
        key = flat_name(item.path) if fmt in FLAT else item.path
        shapes = []
        for obj in objects(store.shapes(item.id)):
            parts = sorted((_canonical(s, fmt, item.height, item.width) for s in obj), key=repr)
            shapes += [(part, tuple(parts) if len(parts) > 1 else ()) for part in parts]
        out[key] = (item.split, sorted(shapes, key=repr))
    return out


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _other_tools_find(fmt: str, out: Path) -> None:
    """Each file is where the other tools' readers look: Ultralytics'
    img2label_paths, pycocotools with the images under images/, VOC's
    JPEGImages/<filename>, labelme's imagePath beside the JSON."""
    if fmt == "yolo":
        images = [str(p) for p in (out / "images").rglob("*") if p.suffix in (".jpg", ".png")]
        assert all(Path(label).is_file() for label in img2label_paths(images))
    elif fmt == "coco":
        from pycocotools.coco import COCO

        for f in (out / "annotations").glob("*.json"):
            with contextlib.redirect_stdout(io.StringIO()):
                coco = COCO(str(f))
            assert all((out / "images" / im["file_name"]).is_file() for im in coco.dataset["images"])
    elif fmt == "voc":
        for f in (out / "Annotations").glob("*.xml"):
            assert (out / "JPEGImages" / etree.parse(str(f)).findtext("filename")).is_file()
    elif fmt == "labelme":
        for f in out.rglob("*.json"):
            assert (f.parent / json.loads(f.read_text("utf-8"))["imagePath"]).is_file()


def _round_trip(fmt: str, images: list[Image_]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix=f"rt_{fmt}_"))
    try:
        with _build(tmp / "项目", images) as original:
            want = _contents(original, fmt)
            first = export_from(original, fmt, tmp / "out1")
        assert set(first.lost) <= SAID.get(fmt, set()), first.skipped
        _other_tools_find(fmt, tmp / "out1")
        (tmp / "back").mkdir()
        with ProjectStore.open(tmp / "back") as back:
            import_into(back, fmt, tmp / "out1")
            assert _contents(back, fmt) == want
            export_from(back, fmt, tmp / "out2")
            again = import_into(back, fmt, tmp / "out2")  # the same dataset by another path
            assert (again.shapes, again.new_images, again.copied) == (0, 0, [])
        one, two = _files(tmp / "out1"), _files(tmp / "out2")
        assert one == two  # names do not grow
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _property(fmt: str):
    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(projects(fmt))
    def check(images: list[Image_]) -> None:
        _round_trip(fmt, images)

    return check


test_coco_round_trip = _property("coco")
test_labelme_round_trip = _property("labelme")
test_voc_round_trip = _property("voc")
test_yolo_round_trip = _property("yolo")
test_ppocr_round_trip = _property("ppocr")
test_icdar_round_trip = _property("icdar")
test_imagefolder_round_trip = _property("imagefolder")

"""Pascal VOC's segmentation PNGs and class list: ``SegmentationClass/``
(a class index per pixel) and ``SegmentationObject/`` (an instance index
per pixel, in the order of the XML's objects), as palette PNGs in the VOC
colour map or -- as CVAT, datumaro and many converters write them -- RGB
PNGs whose colours ``labelmap.txt`` names (``cat:64,0,0::``)."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from labeltool.core.raster import shape_mask
from labeltool.core.shapes import Mask, Shape

from .errors import FormatError
from .fileio import atomic_write_bytes, read_text, reading
from .records import WriteResult

VOID = 255  # VOC's "do not care" index, drawn around objects
VOID_RGB = (224, 224, 192)  # its colour in the VOC colour map
# The VOC 2012 classes in index order: the class list of a segmentation set
# that comes without labelmap.txt or labels.txt.
VOC_CLASSES = ("background", "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
               "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train",
               "tvmonitor")


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


_CMAP = colormap()
PALETTE = _CMAP.flatten().tolist()


def _packed(rgb: np.ndarray) -> np.ndarray:
    rgb = rgb.astype(np.int32)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


# Colour (packed) -> VOC index, for RGB instance masks.
_INDEX_OF_COLOUR = {int(c): i for i, c in enumerate(_packed(_CMAP))}


# ------------------------------------------------------------- class list
def read_class_list(src: Path) -> tuple[list[str], dict[int, int]]:
    """The class names in index order (background first) and, from a
    ``labelmap.txt``, each colour's index. ``labelmap.txt`` (CVAT, datumaro:
    ``name:r,g,b:parts:actions``) first, then our ``labels.txt``; ([], {})
    when neither is there."""
    labelmap = src / "labelmap.txt"
    if labelmap.is_file():
        names: list[str] = []
        colours: dict[int, int] = {}
        with reading(labelmap):
            for line in read_text(labelmap).splitlines():
                line = line.strip()
                if not line or line.startswith("#"):
                    continue
                name, _, rest = line.partition(":")
                colour = rest.split(":", 1)[0]
                if colour.strip():
                    r, g, b = (int(v) for v in colour.split(","))
                    colours[(r << 16) | (g << 8) | b] = len(names)
                names.append(name.strip())
        return names, colours
    labels = src / "labels.txt"
    if labels.is_file():
        return [line.strip() for line in read_text(labels).splitlines() if line.strip()], {}
    return [], {}


def labelmap_text(classes: list[str]) -> str:
    """``labelmap.txt`` as CVAT and datumaro write it, in the VOC colours."""
    lines = ["# label:color_rgb:parts:actions"]
    for i, name in enumerate(["background", *classes]):
        r, g, b = (int(v) for v in _CMAP[min(i, VOID - 1)])
        lines.append(f"{name}:{r},{g},{b}::")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- reading
def load_index_png(path: Path, colours: dict[int, int] | None) -> np.ndarray:
    """A segmentation PNG as indices: a palette or greyscale PNG as it is;
    an RGB one through ``colours`` (labelmap.txt's, for classes) or the VOC
    colour map (instances). Void stays 255; a colour neither knows is
    FormatError."""
    with reading(path):
        img = Image.open(io.BytesIO(path.read_bytes()))
        if img.width * img.height > 100_000_000:
            raise FormatError(path, "image too large")
        if img.mode in ("P", "L"):
            return np.asarray(img)
        if img.mode not in ("RGB", "RGBA"):
            raise FormatError(path, f"is a {img.mode} image, not an index or RGB segmentation PNG")
        packed = _packed(np.asarray(img.convert("RGB")))
        lookup = dict(_INDEX_OF_COLOUR if colours is None else colours)
        lookup[(VOID_RGB[0] << 16) | (VOID_RGB[1] << 8) | VOID_RGB[2]] = VOID
        lookup.setdefault(0, 0)
        values, inverse = np.unique(packed, return_inverse=True)
        unknown = [int(v) for v in values if int(v) not in lookup]
        if unknown:
            v = unknown[0]
            raise FormatError(path, f"colour ({v >> 16}, {(v >> 8) & 255}, {v & 255}) is in no class of "
                                    "labelmap.txt" if colours else "is not a VOC instance colour")
        return np.asarray([lookup[int(v)] for v in values], dtype=np.uint8)[inverse].reshape(packed.shape)


def instance_masks(inst: np.ndarray, shapes: list[Shape]) -> list[Shape]:
    """``shapes`` with each object whose instance index has pixels made a
    mask of them (VOC numbers instances in the XML's object order)."""
    out = list(shapes)
    for i, shape in enumerate(shapes, 1):
        m = inst == i
        if m.any():
            out[i - 1] = Mask.from_array(m, label=shape.label, id=shape.id, **shape.flag_fields(),
                                         attributes=shape.attributes)
    return out


def masks_from_pngs(cls: np.ndarray, inst: np.ndarray | None, names: list[str]) -> list[Shape]:
    """The masks of a segmentation-only image: one per instance with its
    most common class, or without instances one per class present."""
    def name(index: int) -> str:
        return names[index] if index < len(names) else f"class_{index}"

    shapes: list[Shape] = []
    if inst is not None:
        for i in (int(v) for v in np.unique(inst) if 0 < v < VOID):
            m = inst == i
            classes = cls[m]
            classes = classes[(classes != 0) & (classes != VOID)]
            label = name(int(np.bincount(classes).argmax())) if classes.size else "object"
            shapes.append(Mask.from_array(m, label=label))
        return shapes
    for c in (int(v) for v in np.unique(cls) if 0 < v < VOID):
        shapes.append(Mask.from_array(cls == c, label=name(c)))
    return shapes


# ---------------------------------------------------------------- writing
def write_masks(out: Path, stem: str, path: str, height: int, width: int, shapes: list[Shape | None],
                class_index: dict[str, int], result: WriteResult) -> None:
    """``SegmentationClass/<stem>.png`` and ``SegmentationObject/<stem>.png``
    of an image's polygons and masks (palette PNGs, the VOC colours).
    A pixel holds one object: pixels a later object covers, and objects past
    the 254th, are counted as lost. ``shapes`` are in the order of the
    XML's objects (None for a box: it has no pixels here)."""
    cls = np.zeros((height, width), dtype=np.uint8)
    inst = np.zeros((height, width), dtype=np.uint8)
    for i, s in enumerate(shapes, 1):
        if s is None or s.kind not in ("polygon", "mask"):
            continue
        if i >= VOID:
            result.lose("objects past VOC's 254 per image", f"{path}: {s.kind} {s.label!r} is object {i}; "
                                                              "VOC's masks number 254 at most")
            continue
        m = shape_mask(s, height, width)
        if m is None:
            continue
        hidden = int(np.count_nonzero(inst[m]))
        if hidden:
            result.lose("mask pixels under a later object",
                        f"{path}: {hidden} pixels of an earlier object lie under {s.kind} {s.label!r} "
                        "(VOC's masks hold one object per pixel)", hidden)
        cls[m] = min(class_index.get(s.label, VOID - 1), VOID - 1)
        inst[m] = i
    for folder, a in (("SegmentationClass", cls), ("SegmentationObject", inst)):
        img = Image.fromarray(a, "P")
        img.putpalette(PALETTE)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        atomic_write_bytes(out / folder / f"{stem}.png", buf.getvalue())

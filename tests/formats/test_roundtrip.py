"""Store -> export -> import into a fresh project -> the same shapes, within
what each format can hold, with Chinese file and label names."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from labeltool.core import ProjectStore, Shape
from labeltool.core.raster import shape_mask
from labeltool.formats.fileio import flat_name
from labeltool.formats.geometry import same_geometry
from labeltool.formats.project_io import export_from, import_into


def _by_image(store: ProjectStore) -> dict[str, tuple[tuple[int, int], list[Shape]]]:
    """Shapes per image, keyed by file name (formats flatten sub-folders)."""
    out = {}
    for item in store.images():
        shapes = store.shapes(item.id)
        out[Path(item.path).name] = ((item.height, item.width), shapes)
    return out


def _original(project: ProjectStore) -> dict[str, tuple[tuple[int, int], list[Shape]]]:
    out = {}
    for item in project.images():
        value = ((item.height, item.width), project.shapes(item.id))
        out[Path(item.path).name] = value
        out[flat_name(item.path)] = value
    return out


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    return float((a & b).sum() / max((a | b).sum(), 1))


def _roundtrip(project: ProjectStore, fmt: str, tmp_path: Path):
    out = tmp_path / f"导出_{fmt}"
    export = export_from(project, fmt, out)
    fresh = tmp_path / f"fresh_{fmt}"
    fresh.mkdir()
    with ProjectStore.open(fresh) as store:
        report = import_into(store, fmt, out)
        got = _by_image(store)
    return export, report, got


# kind each shape kind becomes in a format; None = the format cannot hold it
KINDS = {
    "voc": {"box": "box", "polygon": "mask", "mask": "mask", "text": "box", "tag": None},
    "coco": {"box": "box", "polygon": "polygon", "mask": "mask", "text": "text", "tag": None},
    "labelme": {"box": "box", "polygon": "polygon", "mask": "mask", "text": "text", "tag": "tag"},
    "yolo": {"box": "box", "polygon": "polygon", "mask": "polygon", "text": "polygon", "tag": None},
    "ppocr": {"box": None, "polygon": None, "mask": None, "text": "text", "tag": None},
    "icdar": {"box": None, "polygon": None, "mask": None, "text": "text", "tag": None},
    "imagefolder": {"box": None, "polygon": None, "mask": None, "text": None, "tag": "tag"},
}
# which flags survive
FLAGS = {"voc": True, "coco": True, "labelme": True, "yolo": False, "ppocr": True, "icdar": True,
         "imagefolder": False}


@pytest.mark.parametrize("fmt", list(KINDS))
def test_roundtrip_keeps_shapes_within_format_precision(project, tmp_path, fmt):
    export, report, got = _roundtrip(project, fmt, tmp_path)
    original = _original(project)
    expected_total = 0
    for name, ((h, w), shapes) in got.items():
        (oh, ow), want = original[name]
        assert (h, w) == (oh, ow)
        want = [s for s in want if KINDS[fmt][s.kind] is not None]
        expected_total += len(want)
        assert len(shapes) == len(want), (fmt, name, shapes, want)
        for old, new in zip(want, shapes):
            assert new.kind == KINDS[fmt][old.kind], (fmt, old, new)
            assert new.label == old.label
            if FLAGS[fmt]:
                assert (new.difficult, new.truncated) == (old.difficult, old.truncated)
            if new.kind == old.kind and fmt in ("coco", "labelme", "ppocr", "icdar", "voc"):
                assert same_geometry(new, old), (fmt, old, new)
            elif new.kind == "tag":
                pass
            elif new.kind == "box":  # a region exported as its bounding box
                assert np.allclose(new.bounds(), old.bounds(), atol=0.51)
            else:  # polygons from masks, masks from polygons: compare pixels
                iou = _iou(shape_mask(old, h, w), shape_mask(new, h, w))
                # A mask traced to a polygon (YOLO) rasterises back to its pixels.
                assert iou > 0.99, (fmt, old.kind, iou)
            if fmt == "yolo" and old.kind in ("box", "polygon"):
                assert np.allclose(new.bounds(), old.bounds(), atol=0.01)
            if old.kind == "text" and new.kind == "text":
                assert new.transcription == old.transcription == "中文, 字"
    assert report.shapes == expected_total > 0
    assert export.images == len(got) or fmt == "imagefolder"


def test_chinese_names_survive_in_files(project, tmp_path):
    for fmt in ("voc", "yolo", "coco", "labelme"):
        export_from(project, fmt, tmp_path / fmt)
    assert (tmp_path / "voc" / "Annotations" / "街景_02.xml").read_text("utf-8").count("行人") == 1
    assert (tmp_path / "voc" / "JPEGImages" / "sub__深处.png").is_file()
    assert (tmp_path / "yolo" / "labels" / "街景_02.txt").is_file()
    assert '"行人"' in (tmp_path / "yolo" / "data.yaml").read_text("utf-8")
    assert "行人" in (tmp_path / "coco" / "annotations" / "instances_default.json").read_text("utf-8")
    assert (tmp_path / "labelme" / "sub" / "深处.json").is_file()

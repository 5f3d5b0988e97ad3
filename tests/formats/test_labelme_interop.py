"""labelme interop: our JSON in labelme's exact format (the rules of
labelme 6.3.1's ``_label_file.py``), files labelme writes imported with every
shape type, and -- where a Python with labelme installed is given in
``LABELME_PYTHON`` -- labelme's own ``LabelFile`` loading our files.

labelme is not a test dependency of this project: it pulls in PyQt5 (a
second Qt beside PySide6), onnxruntime and matplotlib. Run
``python -m venv /tmp/lm && /tmp/lm/bin/pip install labelme`` and
``LABELME_PYTHON=/tmp/lm/bin/python pytest tests/formats`` to check against
the real thing.
"""
from __future__ import annotations

import base64
import io
import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from labeltool.core import Mask, ProjectStore
from labeltool.formats import labelme
from labeltool.formats.project_io import export_from, import_into
from tests.conftest import write_image

SHAPE_KEYS = {"label", "points", "group_id", "shape_type", "flags", "description", "mask"}


def _check_labelme_file(path: Path) -> dict:
    """The checks labelme's ``read_label_file`` and ``_load_shape_json_obj``
    make, one by one; returns the parsed file."""
    raw = json.loads(path.read_text("utf-8"))
    for key in ("version", "flags", "shapes", "imagePath", "imageData", "imageHeight", "imageWidth"):
        assert key in raw, key
    image = Image.open(path.parent / raw["imagePath"])  # imageData null: the image beside the JSON
    assert image.size == (raw["imageWidth"], raw["imageHeight"])
    assert all(isinstance(k, str) and isinstance(v, bool) for k, v in raw["flags"].items())
    for s in raw["shapes"]:
        assert isinstance(s["label"], str)
        assert isinstance(s["points"], list) and s["points"]
        assert all(isinstance(p, list) and len(p) == 2 and all(isinstance(v, (int, float)) for v in p)
                   for p in s["points"])
        assert isinstance(s["shape_type"], str)
        assert s.get("flags") is None or all(isinstance(v, bool) for v in s["flags"].values())
        assert s.get("description") is None or isinstance(s["description"], str)
        assert s.get("group_id") is None or isinstance(s["group_id"], int)
        if s["shape_type"] == "mask":
            crop = np.asarray(Image.open(io.BytesIO(base64.b64decode(s["mask"]))))
            (x1, y1), (x2, y2) = np.asarray(s["points"]).astype(int)
            assert crop.shape == (y2 - y1 + 1, x2 - x1 + 1)  # labelme pastes it at mask[y1:y2+1, x1:x2+1]
        else:
            assert s["mask"] is None
    return raw


def test_our_labelme_json_has_labelmes_exact_format(project, tmp_path):
    export_from(project, "labelme", tmp_path / "lm")
    files = sorted((tmp_path / "lm").rglob("*.json"))
    assert len(files) == 3
    docs = {f.stem: _check_labelme_file(f) for f in files}
    types = {s["shape_type"] for d in docs.values() for s in d["shapes"]}
    assert types == {"rectangle", "polygon", "mask"}
    assert docs["深处"]["flags"] == {"室内": True}
    # the mask pasted back labelme's way is our mask
    shape = next(s for s in docs["深处"]["shapes"] if s["shape_type"] == "mask")
    full = np.zeros((30, 40), dtype=bool)
    (x1, y1), (x2, y2) = np.asarray(shape["points"]).astype(int)
    full[y1:y2 + 1, x1:x2 + 1] = np.asarray(Image.open(io.BytesIO(base64.b64decode(shape["mask"])))).astype(bool)
    item = project.image_by_path("sub/深处.png")
    ours = next(s for s in project.shapes(item.id) if isinstance(s, Mask))
    assert np.array_equal(full, ours.to_array())


def _b64_png(a: np.ndarray) -> str:
    buf = io.BytesIO()
    Image.fromarray(a.astype(np.uint8)).save(buf, format="PNG")
    return base64.b64encode(buf.getvalue()).decode()


def _labelme_shape(label, points, shape_type, **extra):
    # the key order labelme's format_shape writes
    d = {"label": label, "points": points, "group_id": None, "description": "", "shape_type": shape_type,
         "flags": {}, "mask": None}
    d.update(extra)
    return d


def test_import_every_shape_type_labelme_writes(tmp_path):
    src = tmp_path / "labelme_data"
    write_image(src / "路口.jpg", 60, 40)
    crop = np.zeros((6, 8), dtype=np.uint8)
    crop[1:5, 2:7] = 1
    doc = {"version": "5.5.0", "flags": {"晴天": True, "雨天": False}, "imagePath": "路口.jpg",
           "imageData": None, "imageHeight": 40, "imageWidth": 60, "shapes": [
               _labelme_shape("车", [[30, 20], [5, 2]], "rectangle", group_id=3, description="左转"),
               _labelme_shape("人", [[1, 1], [10, 1], [10, 12]], "polygon", flags={"occluded": True}),
               _labelme_shape("灯", [[20, 20], [25, 20]], "circle"),
               _labelme_shape("水", [[10, 20], [17, 25]], "mask", mask=_b64_png(crop)),
               _labelme_shape("点", [[3, 3]], "point"),
               _labelme_shape("线", [[3, 3], [9, 9]], "line"),
               _labelme_shape("折线", [[3, 3], [9, 9], [1, 20]], "linestrip"),
           ]}
    (src / "路口.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    # a second file embeds its image (imageData) and the image file is gone
    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (1, 2, 3)).save(buf, format="PNG")
    embedded = {"version": "5.5.0", "flags": {}, "imagePath": "gone.png",
                "imageData": base64.b64encode(buf.getvalue()).decode(), "imageHeight": 10, "imageWidth": 20,
                "shapes": [_labelme_shape("车", [[1, 1], [5, 5]], "rectangle")]}
    (src / "gone.json").write_text(json.dumps(embedded), "utf-8")
    project = tmp_path / "proj"
    project.mkdir()
    with ProjectStore.open(project) as store:
        report = import_into(store, "labelme", src)
        item = store.image_by_path("路口.jpg")  # a project with no images keeps the dataset's names
        shapes = {s.label: s for s in store.shapes(item.id)}
        assert set(shapes) == {"车", "人", "灯", "水", "晴天"}
        assert shapes["车"].bounds() == (5, 2, 30, 20) and shapes["车"].group == 3  # labelme group_id: the group
        assert shapes["车"].attributes == {"description": "左转"}
        assert shapes["人"].occluded and "flags" not in shapes["人"].attributes  # a shape flag of that name
        assert shapes["灯"].kind == "polygon" and len(shapes["灯"].points) == 32
        assert np.allclose(shapes["灯"].bounds(), (15, 15, 25, 25), atol=1e-6)
        m = shapes["水"].to_array()
        assert m.sum() == crop.sum() and m[21:25, 12:17].all()
        assert shapes["晴天"].kind == "tag"
        assert sum("skipped" in s for s in report.skipped) == 3  # point, line, linestrip, each named
        assert (report.lost["point shapes"], report.lost["line shapes"]) == (1, 2)
        assert any("linestrip" in s for s in report.skipped)
        gone = store.image_by_path("gone.png")
        assert gone is not None and (project / gone.path).read_bytes() == buf.getvalue()
        assert (gone.width, gone.height) == (20, 10)


@pytest.mark.skipif(not os.environ.get("LABELME_PYTHON"), reason="set LABELME_PYTHON to a Python with labelme")
def test_real_labelme_labelfile_loads_our_files(project, tmp_path):
    export_from(project, "labelme", tmp_path / "lm")
    script = (
        "import json, sys\n"
        "from labelme._label_file import LabelFile\n"
        "from labelme.utils import shapes_to_label\n"
        "out = {}\n"
        "for f in sys.argv[1:]:\n"
        "    lf = LabelFile(f)\n"
        "    names = {s['label']: i + 1 for i, s in enumerate(lf.shapes)}\n"
        "    import PIL.Image, io\n"
        "    h, w = PIL.Image.open(io.BytesIO(lf.image_data)).size[::-1]\n"
        "    cls, _ = shapes_to_label((h, w), lf.shapes, names)\n"
        "    out[f] = {'flags': lf.flags, 'shapes': [[s['label'], s['shape_type'], s['points']] for s in lf.shapes],\n"
        "              'pixels': {k: int((cls == v).sum()) for k, v in names.items()}}\n"
        "print(json.dumps(out, ensure_ascii=False))\n")
    files = [str(f) for f in sorted((tmp_path / "lm").rglob("*.json"))]
    run = subprocess.run([os.environ["LABELME_PYTHON"], "-c", script, *files], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"}, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    loaded = json.loads(run.stdout.strip().splitlines()[-1])
    deep = loaded[str(tmp_path / "lm" / "sub" / "深处.json")]
    assert deep["flags"] == {"室内": True}
    assert deep["shapes"][0][:2] == ["狗", "mask"]
    item = project.image_by_path("sub/深处.png")
    mask = next(s for s in project.shapes(item.id) if isinstance(s, Mask))
    assert deep["pixels"]["狗"] == mask.area
    street = loaded[str(tmp_path / "lm" / "街景_02.json")]
    assert [s[:2] for s in street["shapes"]] == [["行人", "polygon"], ["text", "polygon"]]

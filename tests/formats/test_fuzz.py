"""Broken and hostile files: each reader gets 2,000 seeded mutations of a
valid file (truncation, byte flips, wrong types, huge numbers, NaN,
negative sizes, entities) and may only ever raise FormatError."""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pytest

from labeltool.core import ProjectStore
from labeltool.formats import coco, icdar, labelme, ppocr, voc, yolo
from labeltool.formats.errors import FormatError
from labeltool.formats.project_io import export_from

N = 2000
NASTY_VALUES: list[Any] = [None, True, "", "x", "NaN", "1e309", -1, 0, -1e308, 1e308, 10**30, [], {}, [[1]],
                           "###", "中文", [1, 2, 3], {"a": 1}, 2**63, -(2**63), 0.5]
NASTY_TEXT = [b"NaN", b"nan", b"inf", b"-1", b"1e309", b"99999999999999999999999", b"\x00", b"\xff\xfe",
              b"<!ENTITY x 'y'>", b"&x;", b"<!DOCTYPE a [<!ENTITY b SYSTEM 'file:///etc/passwd'>]>",
              b"]]>", b"{", b"[", b"\t", b",", b"-0", b"1" * 5000, b"\xe4\xb8", "中".encode()]


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        pos = rng.randrange(len(b) + 1)
        if op == 0:
            b = b[:pos]  # truncation
        elif op == 1 and b:
            b[min(pos, len(b) - 1)] = rng.randrange(256)  # byte flip
        elif op == 2:
            b[pos:pos] = rng.choice(NASTY_TEXT)
        elif op == 3 and b:
            end = min(len(b), pos + rng.randint(1, 40))
            del b[pos:end]
        else:
            b[pos:pos] = b[max(0, pos - 30):pos]  # duplication
    return bytes(b)


def _mutate_json(obj: Any, rng: random.Random) -> Any:
    """Replace one value somewhere in the tree by a value of the wrong kind."""
    if isinstance(obj, dict) and obj:
        k = rng.choice(list(obj))
        if rng.random() < 0.15:
            return {kk: v for kk, v in obj.items() if kk != k}  # missing key
        return {**obj, k: _mutate_json(obj[k], rng) if rng.random() < 0.7 else rng.choice(NASTY_VALUES)}
    if isinstance(obj, list) and obj:
        i = rng.randrange(len(obj))
        out = list(obj)
        out[i] = _mutate_json(obj[i], rng) if rng.random() < 0.7 else rng.choice(NASTY_VALUES)
        return out
    return rng.choice(NASTY_VALUES)


def _fuzz(valid: bytes, reader: Callable[[Path], Any], path: Path, seed: int, as_json: bool = False) -> int:
    rng = random.Random(seed)
    errors = 0
    reader(path.write_bytes(valid) and path)  # the valid file reads
    for i in range(N):
        if as_json and rng.random() < 0.5:
            data = json.dumps(_mutate_json(json.loads(valid), rng), ensure_ascii=False).encode()
        else:
            data = _mutate_bytes(valid, rng)
        # a new file each time: truncating one file 2,000 times is slow on ext4
        mutated = path.with_name(f"{i}_{path.name}")
        mutated.write_bytes(data)
        try:
            reader(mutated)
        except FormatError as e:
            assert str(mutated) in str(e)
            errors += 1
    return errors


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    from tests.formats.conftest import make_project

    tmp = tmp_path_factory.mktemp("fuzz")
    store = make_project(tmp / "p")
    for fmt in ("voc", "coco", "labelme", "yolo", "ppocr", "icdar"):
        export_from(store, fmt, tmp / fmt)
    store.close()
    return tmp


def test_fuzz_voc(exported, tmp_path):
    valid = (exported / "voc" / "Annotations" / "img0.xml").read_bytes()
    assert _fuzz(valid, voc.read_xml, tmp_path / "a.xml", 1) > N / 4


def test_fuzz_coco(exported, tmp_path):
    valid = (exported / "coco" / "annotations" / "instances_default.json").read_bytes()
    assert _fuzz(valid, coco.read_file, tmp_path / "a.json", 2, as_json=True) > N / 4


def test_fuzz_labelme(exported, tmp_path):
    for name, seed in (("sub/深处.json", 3), ("img0.json", 4)):
        valid = (exported / "labelme" / name).read_bytes()
        assert _fuzz(valid, labelme.read_file, tmp_path / "a.json", seed, as_json=True) > N / 4


def test_fuzz_yolo(exported, tmp_path):
    valid = (exported / "yolo" / "labels" / "街景_02.txt").read_bytes()
    assert _fuzz(valid, lambda p: yolo.read_label_file(p, 80, 60, ["a", "b"]), tmp_path / "a.txt", 5) > N / 10
    valid_yaml = (exported / "yolo" / "data.yaml").read_bytes()

    def read_yaml(p: Path) -> None:  # read_classes looks for data.yaml in a folder
        folder = p.parent / p.name.replace(".", "_")
        folder.mkdir()
        p.rename(folder / "data.yaml")
        try:
            yolo.read_classes(folder)
        except FormatError as e:
            raise FormatError(p, str(e)) from None

    _fuzz(valid_yaml, read_yaml, tmp_path / "data.yaml", 6)


def test_fuzz_ppocr(exported, tmp_path):
    valid = (exported / "ppocr" / "Label.txt").read_bytes()
    _fuzz(valid, ppocr.read_label_txt, tmp_path / "Label.txt", 7)


def test_fuzz_icdar(exported, tmp_path):
    valid = (exported / "icdar" / "gt" / "gt_街景_02.txt").read_bytes() * 3
    assert _fuzz(valid, icdar.read_gt, tmp_path / "gt_a.txt", 8) > N / 10


def test_negative_and_nan_sizes_are_refused(tmp_path):
    f = tmp_path / "a.json"
    base = {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}], "annotations": [],
            "categories": []}
    for bad in (-5, 0, 1e9, "NaN", 3.5):
        base["images"][0]["width"] = bad
        f.write_text(json.dumps(base))
        with pytest.raises(FormatError, match="width"):
            coco.read_file(f)
    f.write_text('{"images": [{"id": 1, "file_name": "a.jpg", "width": NaN, "height": 1}]}')
    with pytest.raises(FormatError, match="a.json"):
        coco.read_file(f)


def test_rle_that_decodes_past_its_size_is_refused(tmp_path):
    f = tmp_path / "a.json"
    doc = {"images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 4}],
           "categories": [{"id": 1, "name": "x"}],
           "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 1, 1],
                            "segmentation": {"size": [4, 4], "counts": [3, 100]}}]}
    f.write_text(json.dumps(doc))
    ds = coco.read_file(f)
    assert ds.records[0].shapes == [] and "cover" in ds.skipped[0]
    assert np.isfinite(len(ds.skipped))


def test_empty_and_binary_files(tmp_path):
    for reader, name in ((voc.read_xml, "a.xml"), (coco.read_file, "a.json"), (labelme.read_file, "b.json")):
        for data in (b"", b"\x89PNG\r\n\x1a\n\x00\x00", b"\xff" * 100):
            (tmp_path / name).write_bytes(data)
            with pytest.raises(FormatError):
                reader(tmp_path / name)
    with pytest.raises(FormatError):
        voc.read_xml(tmp_path / "missing.xml")

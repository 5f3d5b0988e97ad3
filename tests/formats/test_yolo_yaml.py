"""YOLO's data.yaml through PyYAML: the files Ultralytics writes, ours read
back by PyYAML itself, and hostile YAML refused with a FormatError."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from labeltool.formats import yolo
from labeltool.formats.errors import FormatError
from tests.conftest import write_image

# What Ultralytics ships (ultralytics/cfg/datasets/coco8.yaml), comments and all.
COCO8 = """\
# Ultralytics 🚀 AGPL-3.0 License - https://ultralytics.com/license
path: coco8 # dataset root dir
train: images/train # train images (relative to 'path') 4 images
val: images/val # val images (relative to 'path') 4 images
test: # test images (optional)

# Classes
names:
  0: person
  1: bicycle
  2: 汽车
"""


def _dataset(root: Path, data_yaml: str) -> Path:
    write_image(root / "images" / "train" / "a.jpg", 40, 20)
    write_image(root / "images" / "val" / "b.jpg", 40, 20)
    (root / "labels" / "train").mkdir(parents=True)
    (root / "labels" / "train" / "a.txt").write_text("2 0.5 0.5 0.5 0.5\n", "utf-8")
    (root / "data.yaml").write_text(data_yaml, "utf-8")
    return root


@pytest.mark.parametrize("data_yaml", [
    COCO8,
    # What Ultralytics' YAML.save writes (safe_dump, allow_unicode): names as a mapping.
    yaml.safe_dump({"path": "/data/coco8", "train": "images/train", "val": "images/val", "test": None,
                    "names": {0: "person", 1: "bicycle", 2: "汽车"}}, sort_keys=False, allow_unicode=True),
    # Older YOLOv5 files: a flow list, nc, and train/val as lists of folders or a file of image paths.
    "train: [images/train, images/extra]\nval: val.txt\nnc: 3\nnames: ['person', \"bicycle\", 汽车]\n",
])
def test_datasets_as_ultralytics_describes_them_read(tmp_path, data_yaml):
    ds = yolo.read(_dataset(tmp_path / "coco8", data_yaml))
    assert ds.classes == ["person", "bicycle", "汽车"]
    # Names without the layout's folders; the split each set (or folder) names kept.
    assert sorted((r.path, r.split) for r in ds.records) == [("a.jpg", "train"), ("b.jpg", "val")]
    [box] = next(r for r in ds.records if r.path.endswith("a.jpg")).shapes
    assert box.label == "汽车" and box.bounds() == pytest.approx((10, 5, 30, 15))


def test_written_data_yaml_is_what_pyyaml_reads_with_names_left_readable():
    names = ["行人", "yes", "null", "1", "a: b", "#x", "it's \"q\"", " pad "]
    text = yolo.data_yaml(names, {"train": "images/train", "val": "images/val"})
    doc = yaml.safe_load(text)  # as Ultralytics loads it
    assert doc["names"] == dict(enumerate(names)) and doc["nc"] == len(names)
    assert (doc["train"], doc["val"]) == ("images/train", "images/val")
    assert '"行人"' in text and "\\u" not in text  # Chinese as it is, not escaped
    assert yolo.parse_names(text) == names


@pytest.mark.parametrize("text, names", [
    ("names:\n  0: a\n  '1': b\n  3:\n", ["a", "b", "2", "3"]),  # ids as text; gaps and empty names get the id
    ("names: []\n", []),
    ("names:\n", []),
    ("", None),
    ("# only a comment\n", None),
])
def test_names_forms(text, names):
    assert yolo.parse_names(text) == names


def _refused(tmp_path: Path, text: str) -> FormatError:
    (tmp_path / "data.yaml").write_text(text, "utf-8")
    with pytest.raises(FormatError) as e:
        yolo.read_classes(tmp_path)
    assert str(tmp_path / "data.yaml") in str(e.value)
    return e.value


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"
    e = _refused(tmp_path, f"names: !!python/object/apply:os.mkdir [{str(marker)!r}]\n")
    assert "python/object" in str(e) and not marker.exists()


def test_an_alias_bomb_is_refused_at_once(tmp_path):
    # Nine levels of ten aliases: 10**9 names if anything walked them.
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    lines.append("names: *a8")
    t = time.perf_counter()
    e = _refused(tmp_path, "\n".join(lines) + "\n")
    assert "alias" in str(e) and time.perf_counter() - t < 5


@pytest.mark.parametrize("text", [
    "names: [" * 50_000,  # nested past Python's recursion limit
    "names: person\n",  # a string, not a list or mapping
    "names:\n  0: [a, b]\n",  # a name that is a list
    "names: {x: a}\n",  # an id that is not a number
    "names: {0: a, 100000000: b}\n",  # ids out of range
    "- just\n- a list\n",
    "names: [a\n",  # not YAML
    "\tnames: [a]\n",
])
def test_malformed_data_yaml_is_a_format_error(tmp_path, text):
    _refused(tmp_path, text)

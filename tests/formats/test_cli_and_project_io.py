"""``labeltool import`` / ``labeltool export`` and the project-level rules
behind them: no duplicates on re-import, images copied into the project,
a deterministic and stable split, --only-done, one-line errors."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labeltool.app.cli import main
from labeltool.core import Box, ProjectStore
from labeltool.formats.errors import FormatError
from labeltool.formats.project_io import export_from, split_of
from tests.formats.conftest import make_project

LABELTOOL = Path(sys.executable).with_name("labeltool")


@pytest.fixture
def project_dir(tmp_path):
    make_project(tmp_path / "项目").close()
    return tmp_path / "项目"


def test_cli_export_split_only_done_then_import_twice(project_dir, tmp_path, capsys):
    out = tmp_path / "coco_out"
    assert main(["export", str(project_dir), "--format", "coco", str(out), "--split", "0.8", "--seed", "0"]) == 0
    text = capsys.readouterr().out
    assert "images: 3" in text and "shapes: 5" in text and "skipped: 1" in text and "室内" in text
    assert (out / "annotations" / "instances_train.json").is_file()
    assert (out / "annotations" / "instances_val.json").is_file()

    done = tmp_path / "done_out"
    assert main(["export", str(project_dir), "-f", "coco", str(done), "--only-done"]) == 0
    coco = json.loads((done / "annotations" / "instances_default.json").read_text("utf-8"))
    assert [i["file_name"] for i in coco["images"]] == ["img0.jpg"]

    fresh = tmp_path / "新项目"  # created by import
    assert main(["import", str(fresh), "--format", "coco", str(out)]) == 0
    first = capsys.readouterr().out
    assert "shapes: 5 added" in first and "copied into the project" in first
    assert main(["import", str(fresh), "--format", "coco", str(out)]) == 0
    second = capsys.readouterr().out
    assert "shapes: 0 added, 5 already there" in second
    with ProjectStore.open(fresh, readonly=True) as store:
        assert store.stats()["shapes"] == 5 and store.image_count() == 3


def test_cli_bad_input_exits_non_zero_with_one_line(project_dir, tmp_path, capsys):
    cases = [
        ["import", str(project_dir), "--format", "voc", str(tmp_path / "nowhere")],
        ["import", str(project_dir), "--format", "coco", str(project_dir / "img0.jpg")],
        ["export", str(project_dir), "--format", "voc", str(project_dir / "inside")],
        ["export", str(tmp_path / "not_a_project"), "--format", "voc", str(tmp_path / "o")],
    ]
    (tmp_path / "not_a_project").mkdir()
    for argv in cases:
        assert main(argv) == 1, argv
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and err.startswith(f"labeltool {argv[0]}: error:"), err
    assert not (project_dir / "inside").exists()


def test_cli_help_of_both_commands(capsys):
    for cmd in ("import", "export"):
        with pytest.raises(SystemExit) as e:
            main([cmd, "--help"])
        assert e.value.code == 0
        assert "--format" in capsys.readouterr().out


def test_cli_split_must_be_a_fraction(project_dir, tmp_path, capsys):
    with pytest.raises(SystemExit) as e:
        main(["export", str(project_dir), "-f", "yolo", str(tmp_path / "o"), "--split", "1.5"])
    assert e.value.code == 2 and "fraction" in capsys.readouterr().err


def test_cli_subprocess_import_of_a_broken_file(tmp_path):
    src = tmp_path / "broken"
    src.mkdir()
    (src / "a.json").write_text('{"images": [{"id": 1, "file_name": "a.jpg", "width": -3, "height": 2}]}')
    run = subprocess.run([str(LABELTOOL), "import", str(tmp_path / "p"), "--format", "coco", str(src)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    lines = [line for line in run.stderr.splitlines() if line.startswith("labeltool")]
    assert len(lines) == 1 and "a.json" in lines[0] and "width" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_split_is_deterministic_and_stable_when_images_are_added():
    paths = [f"img{i}.jpg" for i in range(2000)]
    sides = {p: split_of(p, 0.8, seed=0) for p in paths}
    assert 0.76 < sum(s == "train" for s in sides.values()) / len(paths) < 0.84
    assert all(split_of(p, 0.8, seed=0) == sides[p] for p in paths)  # same again, and more images do not move it
    assert any(split_of(p, 0.8, seed=1) != sides[p] for p in paths)  # the seed matters


def test_reimport_of_a_changed_dataset_adds_only_new_shapes(project_dir, tmp_path):
    out = tmp_path / "lm"
    with ProjectStore.open(project_dir) as store:
        export_from(store, "labelme", out)
        doc = json.loads((out / "img0.json").read_text("utf-8"))
        doc["shapes"].append({**doc["shapes"][0], "points": [[1, 1], [9, 9]]})
        (out / "img0.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
        from labeltool.formats.project_io import import_into

        # The exported images are the project's own, found by path and content:
        # nothing copied, only the new shape added (this copied every image
        # again, with all their shapes, before images were matched).
        report = import_into(store, "labelme", out)
        assert (report.shapes, report.duplicates, report.matched, report.copied) == (1, 6, 3, [])
        assert store.image_count() == 3
        again = import_into(store, "labelme", out)
        assert again.shapes == 0 and again.duplicates == 7 and not again.copied


def test_labels_for_images_already_in_the_project_link_to_them(project_dir, tmp_path):
    with ProjectStore.open(project_dir) as store:
        export_from(store, "voc", tmp_path / "voc")
        # labelImg with "Change Save Dir": XMLs in labels/ beside the images, <path> from another machine
        (project_dir / "labels").mkdir()
        xml = (tmp_path / "voc" / "Annotations" / "img0.xml").read_text("utf-8")
        xml = xml.replace(str(tmp_path / "voc" / "JPEGImages"), "/home/someone/else")
        (project_dir / "labels" / "img0.xml").write_text(xml, "utf-8")
        from labeltool.formats.project_io import import_into

        before = store.image_count()
        report = import_into(store, "voc", project_dir / "labels")
        assert store.image_count() == before and not report.copied
        assert report.images == 1 and report.duplicates == 2 and report.shapes == 0


def test_export_refuses_a_folder_inside_the_project(project_dir):
    with ProjectStore.open(project_dir) as store:
        with pytest.raises(FormatError, match="inside the project"):
            export_from(store, "voc", project_dir / "out")


def test_export_with_missing_image_files_still_writes_labels(project_dir, tmp_path):
    (project_dir / "img0.jpg").unlink()
    with ProjectStore.open(project_dir) as store:
        report = export_from(store, "yolo", tmp_path / "y")
    assert any("img0.jpg: image file missing" in s for s in report.skipped)
    assert (tmp_path / "y" / "labels" / "img0.txt").read_text().count("\n") == 2


def test_hardlink_and_symlink_exports(project_dir, tmp_path):
    with ProjectStore.open(project_dir) as store:
        export_from(store, "imagefolder", tmp_path / "h", copy_mode="hardlink", split=1.0)
        export_from(store, "labelme", tmp_path / "s", copy_mode="symlink")
    linked = tmp_path / "h" / "train" / "室内" / "sub__深处.png"
    assert linked.stat().st_ino == (project_dir / "sub" / "深处.png").stat().st_ino
    assert (tmp_path / "s" / "img0.jpg").is_symlink()


def test_box_outside_store_class_list_still_exports(project_dir, tmp_path):
    with ProjectStore.open(project_dir) as store:
        item = store.image_by_path("img0.jpg")
        store.add_shape(item.id, Box(label="新", x1=0, y1=0, x2=5, y2=5))
        report = export_from(store, "yolo", tmp_path / "y")
    assert report.shapes == 6 and "新" in (tmp_path / "y" / "classes.txt").read_text("utf-8")

"""The command line: every subcommand has --help; bad input is one line and
a non-zero exit, never a traceback."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labeltool.app.cli import build_parser, main
from labeltool.core import Box, ProjectStore

REPO = Path(__file__).resolve().parents[2]


def _subcommands() -> list[str]:
    return list(build_parser()._subparsers._group_actions[0].choices)


def test_every_subcommand_has_help(capsys):
    names = _subcommands()
    assert {"gui", "init", "stats"} <= set(names)
    for name in names:
        with pytest.raises(SystemExit) as e:
            main([name, "--help"])
        assert e.value.code == 0
        assert "usage: labeltool " + name in capsys.readouterr().out


def test_init_then_stats_json(image_folder: Path, capsys):
    assert main(["init", str(image_folder)]) == 0
    assert "images: 5" in capsys.readouterr().out
    with ProjectStore.open(image_folder) as store:
        store.add_shape(store.images()[0].id, Box(label="行人", x1=0, y1=0, x2=5, y2=5))
        assert store.images()[0].width == 64  # init read the sizes
    assert main(["stats", str(image_folder), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["images"] == 5 and stats["labelled_images"] == 1
    assert stats["shapes_by_class"] == {"行人": 1} and stats["shapes_by_kind"]["box"] == 1


@pytest.mark.parametrize("argv,message", [
    (["init", "/no/such/folder"], "is not a folder"),
    (["stats", "/no/such/folder"], "is not a folder"),
])
def test_bad_input_is_one_line_and_non_zero(argv, message, capsys):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


def test_stats_on_a_folder_without_project_says_to_init(tmp_path: Path, capsys):
    assert main(["stats", str(tmp_path)]) == 1
    assert "labeltool init" in capsys.readouterr().err


def test_unknown_option_exits_non_zero(capsys):
    with pytest.raises(SystemExit) as e:
        main(["stats", "--frobnicate", "x"])
    assert e.value.code == 2


def test_stats_of_the_bundled_demo_counts_every_kind(tmp_path: Path):
    """Through the installed console script, on a copy of resources/demo."""
    demo = tmp_path / "demo"
    shutil.copytree(REPO / "resources" / "demo", demo)
    exe = Path(sys.executable).parent / "labeltool"
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "labeltool"]
    out = subprocess.run([*cmd, "stats", str(demo), "--json"], capture_output=True, text=True, timeout=120,
                         env=dict(os.environ, PYTHONPATH=str(REPO)))
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    assert stats["images"] == 6 and stats["labelled_images"] == 5
    assert stats["shapes_by_kind"] == {"box": 30, "polygon": 2, "mask": 1, "text": 2, "tag": 2}
    assert stats["shapes_by_class"]["coin"] == 24
    assert stats["images_by_status"] == {"new": 1, "in_progress": 1, "done": 4, "skipped": 0}


def test_python_dash_m_labeltool_works():
    out = subprocess.run([sys.executable, "-m", "labeltool", "--version"], capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=60)
    assert out.returncode == 0 and out.stdout.startswith("labeltool ")

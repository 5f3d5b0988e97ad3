"""The command line stays light and well-behaved: commands that neither
train nor predict import no torch (seconds before any work), the engine's
own entry needs nothing of the app or the window, and output piped into a
reader that stops early ends quietly."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from labeltool.core import Box, ProjectStore
from tests.conftest import write_image
from tests.test_layers import BLOCK

REPO = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(REPO))

# Runs `labeltool ARGS...` in this fresh interpreter, then says on stderr
# which of torch and torchvision it imported.
WRAPPER = textwrap.dedent("""
    import sys
    from labeltool.app.cli import main
    try:
        rc = main(sys.argv[1:])
    except SystemExit as e:
        rc = e.code or 0
    print("HEAVY=" + ",".join(m for m in ("torch", "torchvision") if m in sys.modules), file=sys.stderr)
    print("NUMPY=" + str("numpy" in sys.modules), file=sys.stderr)
    sys.exit(rc)
""")


def _labeltool(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", WRAPPER, *map(str, args)], capture_output=True, text=True,
                          env=ENV, timeout=120)


def test_commands_that_neither_train_nor_predict_import_no_torch(tmp_path: Path):
    folder = tmp_path / "照片"
    for name in ("a.jpg", "b.png"):
        write_image(folder / name, 40, 30)
    with ProjectStore.open(folder) as store:
        store.add_shape(store.images()[0].id, Box(label="cat", x1=1, y1=1, x2=20, y2=20))
    commands = [
        ["--help"], ["train", "--help"], ["predict", "--help"], ["export-model", "--help"],
        ["init", folder], ["stats", folder], ["stats", folder, "--json"],
        ["export", folder, "--format", "coco", tmp_path / "coco"],
        ["import", tmp_path / "again", "--format", "coco", tmp_path / "coco"],
        ["import", tmp_path / "found", tmp_path / "coco"],  # the format found by looking
        ["convert", tmp_path / "coco", tmp_path / "as_voc", "--to", "voc"],
    ]
    for argv in commands:
        out = _labeltool(*argv)
        assert out.returncode == 0, (argv, out.stderr[-2000:])
        heavy = next(line for line in out.stderr.splitlines() if line.startswith("HEAVY="))
        assert heavy == "HEAVY=", (argv, heavy)
        if argv[0] == "stats" or argv[-1] == "--help":  # counting and help need no arrays either: numpy alone is ~100 ms of a 140 ms start
            assert "NUMPY=False" in out.stderr, argv
    for project in ("again", "found"):
        with ProjectStore.open(tmp_path / project, readonly=True) as store:
            assert store.stats()["shapes_by_class"] == {"cat": 1}  # the commands did their work
    assert len(list((tmp_path / "as_voc" / "Annotations").glob("*.xml"))) == 2


def test_engine_entry_imports_nothing_of_the_app_or_the_window():
    # test_layers imports every engine module so but skips __main__, which would run.
    probe = BLOCK.format(blocked=["labeltool.app", "labeltool.gui", "PySide6"]) + textwrap.dedent("""
        import runpy
        sys.argv = ["engine", "predict", "--help"]
        runpy.run_module("engine", run_name="__main__")
    """)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=ENV, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert "usage: python -m engine predict" in out.stdout


def _console_script() -> list[str]:
    exe = Path(sys.executable).parent / "labeltool"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "labeltool"]


def test_stats_piped_into_head_ends_quietly(tmp_path: Path):
    # More output than a pipe holds (64 KiB), so the writer is still writing
    # when the reader has gone: without care, a BrokenPipeError traceback.
    folder = tmp_path / "many"
    folder.mkdir()
    with ProjectStore.open(folder) as store, store.transaction():
        for k in range(5000):
            store.add_class(f"class_{k:05d}")
    cmd = [*_console_script(), "stats", str(folder), "--json"]

    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV)
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"{\n"
    proc.stdout.close()  # the reader stops, as `head -1` does
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 141 and err == "", err  # 128 + SIGPIPE, as a shell reports it

    shell = subprocess.run(["bash", "-c", 'set -o pipefail; "$@" | head -1', "bash", *cmd], capture_output=True,
                           text=True, env=ENV, timeout=120)
    assert shell.stdout == "{\n" and shell.stderr == "", shell.stderr
    whole = subprocess.run(cmd, capture_output=True, text=True, env=ENV, timeout=120)
    assert whole.returncode == 0 and len(json.loads(whole.stdout)["shapes_by_class"]) == 5000

"""The layers stay apart: core, formats and engine import with Qt blocked,
and core and formats without torch (napari enforces the same with
import-linter contracts)."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# Refuses to import the packages (and their submodules) named in BLOCKED.
BLOCK = textwrap.dedent("""
    import importlib, importlib.abc, pkgutil, sys
    BLOCKED = {blocked!r}

    class Block(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if any(name == b or name.startswith(b + ".") for b in BLOCKED):
                raise ImportError(f"{{name}} must not be imported here")
            return None

    sys.meta_path.insert(0, Block())
""")
BLOCKER = BLOCK + textwrap.dedent("""
    pkg = importlib.import_module({package!r})
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
        if info.name.split(".")[-1] == "__main__":
            continue
        importlib.import_module(info.name)
    print("ok")
""")


@pytest.mark.parametrize("package,blocked", [
    ("labeltool.core", {"PySide6", "shiboken6", "torch", "torchvision", "pyqtgraph"}),
    ("labeltool.formats", {"PySide6", "shiboken6", "torch", "torchvision", "pyqtgraph"}),
    # The engine sits below the command line and the window.
    ("engine", {"PySide6", "shiboken6", "pyqtgraph", "labeltool.app", "labeltool.gui"}),
])
def test_package_imports_without_forbidden_layers(package: str, blocked: set[str]):
    if not (REPO / package.replace(".", "/")).is_dir():
        pytest.skip(f"{package} not built yet")
    out = subprocess.run([sys.executable, "-c", BLOCKER.format(package=package, blocked=sorted(blocked))],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]

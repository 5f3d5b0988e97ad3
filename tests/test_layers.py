"""The layers stay apart (ARCHITECTURE.md).

The rules are import-linter contracts in pyproject.toml ([tool.importlinter]):
core imports no Qt, no torch and none of our other packages; formats no Qt,
no torch, no window, engine or command line; the engine no Qt, no window and
no command line; and in the window only ``labeltool.gui.jobs`` imports the
engine. ``lint-imports`` checks them on the source, imports inside functions
included; the tests below run it, and prove it fails on a tree that breaks
each contract.

The runtime check at the end stays beside it for what a static graph cannot
see: import-linter records that our module imports a third-party package
(cv2, pycocotools, tensorboard...) but never what that package imports in
turn (opencv-python, unlike its headless build, bundles Qt; matplotlib can
pick a Qt backend), nor a module imported by name (``importlib``). So each
layer is also imported for real, every module of it, with the packages it
must not reach blocked.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the tree at ``root`` (its pyproject.toml, its packages)."""
    exe = str(LINT_IMPORTS) if LINT_IMPORTS.exists() else shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports is missing: install the test extras (pip install -e '.[test]')")
    # --no-cache: no .import_linter_cache folder left in the checkout.
    return subprocess.run([exe, "--no-cache", "--no-logo"], cwd=root, capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, PYTHONPATH=str(root)))


def test_the_import_contracts_hold():
    out = lint_imports(REPO)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout
    for contract in ("core is the bottom layer", "formats reads and writes files", "the engine runs headless",
                     "only labeltool.gui.jobs imports the engine"):
        assert contract in " ".join(out.stdout.split()), contract  # each contract was checked


def _copy_tree(dst: Path) -> Path:
    """The packages and pyproject.toml, sources only."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("labeltool", "engine"):
        shutil.copytree(REPO / package, dst / package, ignore=ignore)
    shutil.copy(REPO / "pyproject.toml", dst / "pyproject.toml")
    return dst


@pytest.mark.parametrize("module,added,contract,reported", [
    ("labeltool/core/shapes.py", "import PySide6.QtCore\n",
     "core is the bottom layer", "labeltool.core.shapes -> PySide6"),
    # Inside a function: lazy imports are imports too.
    ("labeltool/formats/voc.py", "def _later():\n    import torch\n",
     "formats reads and writes files", "labeltool.formats.voc -> torch"),
    ("engine/review.py", "from labeltool.gui import gui_queue\n",
     "the engine runs headless", "engine.review -> labeltool.gui"),
    ("labeltool/gui/review/panel.py", "def _later():\n    from engine import runs\n",
     "only labeltool.gui.jobs imports the engine", "labeltool.gui.review.panel -> engine.runs"),
])
def test_lint_imports_reports_a_broken_contract(tmp_path: Path, module: str, added: str, contract: str,
                                                reported: str):
    root = _copy_tree(tmp_path / "tree")
    assert lint_imports(root).returncode == 0  # the copy itself keeps them
    with open(root / module, "a", encoding="utf-8") as f:
        f.write("\n\n" + added)
    out = lint_imports(root)
    text = " ".join(out.stdout.split())
    assert out.returncode != 0, out.stdout[-3000:]
    # (Qt in core breaks the layers above it too: they import core.)
    assert contract in text.split("Broken contracts")[-1], out.stdout[-3000:]
    assert reported in text, out.stdout[-3000:]


def test_a_view_may_name_engine_types_for_annotations_only(tmp_path: Path):
    """``if TYPE_CHECKING:`` imports are left out of the contracts: a view can
    annotate with an engine event without reaching the engine."""
    root = _copy_tree(tmp_path / "tree")
    with open(root / "labeltool/gui/review/panel.py", "a", encoding="utf-8") as f:
        f.write("\n\nif TYPE_CHECKING:\n    from engine.events import Step  # noqa: F401\n")
    out = lint_imports(root)
    assert out.returncode == 0, out.stdout[-3000:]


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
    out = subprocess.run([sys.executable, "-c", BLOCKER.format(package=package, blocked=sorted(blocked))],
                         capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr[-2000:]

"""Start-up stays light: opening a folder shows the window and the first
image without importing torch (seconds on a laptop) or pyqtgraph (the
training curves and the review report import it when they are shown). torch is imported only
when a model is trained, predicts or is exported, on a worker thread."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_image

# Runs `labeltool FOLDER` through the real command line in a fresh process;
# once the first image is painted it looks at the Review and Training docks
# (both list the project's runs), prints what it saw, and closes the window.
PROBE = r"""
import json, os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDockWidget
from labeltool.gui.app import make_app

app = make_app()
seen = {}

def window():
    from labeltool.gui.main_window import MainWindow
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)), None)

def poll():
    w = window()
    layer = w.canvas.canvas_scene.image if w is not None else None
    if layer is None or w.current_image() is None or (layer.preview is None and layer.full is None):
        QTimer.singleShot(5, poll)
        return
    seen["image"] = w.current_image().path
    seen["torch_at_first_image"] = "torch" in sys.modules
    seen["pyqtgraph_at_first_image"] = "pyqtgraph" in sys.modules
    seen["cv2_at_first_image"] = "cv2" in sys.modules  # the mask tools (core.raster) import it on first use
    w.findChild(QDockWidget, "dock_review").raise_()
    app.processEvents()
    seen["review_runs"] = [w.review.panel.run_combo.itemData(k) for k in range(w.review.panel.run_combo.count())]
    seen["pyqtgraph_after_review"] = "pyqtgraph" in sys.modules  # the report's plots: only when it opens
    w.training.show_dock()
    app.processEvents()
    seen["pyqtgraph_after_training_dock"] = "pyqtgraph" in sys.modules  # the curves are built when shown
    seen["torch_after_docks"] = "torch" in sys.modules
    seen["torch_modules"] = sorted(m for m in sys.modules if m.split(".")[0] in ("torch", "torchvision"))[:5]
    print("PROBE " + json.dumps(seen), flush=True)
    w.close()  # the last window: the application quits

QTimer.singleShot(0, poll)
QTimer.singleShot(60_000, app.quit)  # never hang the suite
from labeltool.app.cli import main
sys.exit(main([sys.argv[1]]))
"""


def test_opening_a_folder_shows_the_first_image_without_importing_torch(tmp_path: Path):
    root = tmp_path / "照片"
    write_image(root / "a.jpg", 320, 240)
    write_image(root / "b.jpg", 320, 240)
    run = root / ".labeltool" / "runs" / "20240101-000000_fasterrcnn"
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"task": "detect", "model": "fasterrcnn_mobilenet_v3_large_320_fpn",
                                                 "created": "2024-01-01T00:00:00", "classes": ["cat"]}))
    (run / "best.pt").write_bytes(b"")  # listed as a model; never loaded here
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    out = subprocess.run([sys.executable, "-c", PROBE, str(root)], capture_output=True, text=True, timeout=120,
                         env=env, cwd=Path(__file__).parents[2])
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("PROBE ")), None)
    assert line is not None, out.stdout + out.stderr
    seen = json.loads(line[len("PROBE "):])
    assert seen["image"] == "a.jpg"
    assert seen["review_runs"] == [str(run)]  # the runs were listed, from their files alone
    assert not seen["torch_at_first_image"], seen["torch_modules"]
    assert not seen["torch_after_docks"], seen["torch_modules"]
    assert not seen["pyqtgraph_at_first_image"]  # ~250 ms of imports the first image need not wait for
    assert not seen["cv2_at_first_image"]
    assert not seen["pyqtgraph_after_review"]
    assert seen["pyqtgraph_after_training_dock"]
    assert out.returncode == 0, out.stderr


def test_command_names_known_without_importing_the_commands():
    # `labeltool FOLDER` decides "this is not a command" from COMMAND_NAMES,
    # so the gui parser alone is built; it must name what the parsers register.
    from labeltool.app.cli import COMMAND_NAMES, build_parser

    registered = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert registered == COMMAND_NAMES


def test_runs_list_knows_each_tasks_primary_metric():
    # engine.runs repeats TaskAdapter.primary so that listing runs needs no torch.
    from engine.runs import PRIMARY_METRIC
    from engine.tasks import ADAPTERS
    from engine.text.adapters import TEXT_ADAPTERS

    adapters = {**ADAPTERS, **TEXT_ADAPTERS}
    assert PRIMARY_METRIC == {task: adapter.primary for task, adapter in adapters.items()}

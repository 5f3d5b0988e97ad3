"""Save a screenshot of the window on the demo project (docs/screenshot.png).

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/gui/screenshot.py [OUT.png] [--lang zh_CN] [--image NAME]

The demo is copied to a temporary folder first, so the repository stays clean.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs" / "screenshot.png"))
    ap.add_argument("--lang", default="en")
    ap.add_argument("--image", default="astronaut.jpg")
    ap.add_argument("--select", type=int, default=0, help="select the n-th shape (-1: none)")
    args = ap.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    keep = []
    if args.lang != "en":
        from labeltool.gui.i18n import install_translators
        keep = install_translators(app, args.lang)
    from labeltool.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        demo = Path(tmp) / "demo"
        shutil.copytree(ROOT / "resources" / "demo", demo)
        w = MainWindow()
        w.resize(1500, 920)
        w.show()
        w.open_project(demo)
        item = w.store.image_by_path(args.image)
        if item is not None:
            w.go_to_image(item.id)
        end = time.time() + 2.0
        while time.time() < end:  # let the background decode land
            app.processEvents()
            time.sleep(0.01)
        shapes = [s for s in w.store.shapes(w.current_image().id) if s.bounds() is not None]
        if 0 <= args.select < len(shapes):
            w.canvas.canvas_scene.select([shapes[args.select].id])
        from PySide6.QtCore import QPoint
        from PySide6.QtTest import QTest
        w.canvas.set_tool("box")
        QTest.mouseMove(w.canvas.viewport(), QPoint(w.canvas.viewport().width() * 3 // 5,
                                                    w.canvas.viewport().height() // 3))
        for _ in range(50):
            app.processEvents()
            time.sleep(0.01)
        w.grab().save(args.out)
        print("saved", args.out)
        w.close()
    del keep
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Save a screenshot of review mode (docs/review.png): a detector trained
for real on a small synthetic project, its predictions over a labelled
image (found / missed colours) and the review queue.

    xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.review.screenshot [OUT.png] [--steps 150]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pump(app, seconds: float, until=None) -> None:
    end = time.time() + seconds
    while time.time() < end and not (until and until()):
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs" / "review.png"))
    ap.add_argument("--steps", type=int, default=150)
    args = ap.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDockWidget

    from engine.config import TrainConfig
    from engine.run import train
    from labeltool.core import Box, ImageStatus, ProjectStore
    from tests.engine.synth import detection_project

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from labeltool.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        root = detection_project(Path(tmp) / "零件", n=30, size=192, seed=3)
        with ProjectStore.open(root) as store:
            items = store.images()
            for item in items[24:]:  # the last six: not labelled yet
                store.delete_shapes(item.id)
                store.set_status(item.id, ImageStatus.NEW)
        result = train(root, TrainConfig(task="detect", model="fasterrcnn_mobilenet_v3_large_320_fpn",
                                         pretrained=False, epochs=100, max_steps=args.steps, batch_size=4,
                                         img_size=192, workers=0, val_fraction=0.15))
        print(result.message, result.best_metric)
        store = ProjectStore.open(root)
        shown = items[1]
        # A labelling mistake to catch: a box on empty background.
        store.add_shape(shown.id, Box(label="part", x1=8, y1=150, x2=40, y2=184))
        w = MainWindow(store)
        w.resize(1500, 920)
        w.show()
        dock = w.findChild(QDockWidget, "dock_review")
        dock.show()
        dock.raise_()
        panel = w.review.panel
        pump(app, 0.5)
        done = []
        panel.predictionFinished.connect(lambda n, c: done.append(n))
        panel.predict("unlabelled")
        pump(app, 120, lambda: done)
        for item in items[:6]:
            w.go_to_image(item.id)
            done.clear()
            panel.predict("current")
            pump(app, 60, lambda: done)
        panel.slider.setValue(30)
        panel.queue.build_button.click()
        w.go_to_image(shown.id)
        w.canvas.fit_window()
        w.review.session.next()
        pump(app, 2.0)
        w.grab().save(args.out)
        print("saved", args.out, panel.count_label.text())
        w.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

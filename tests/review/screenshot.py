"""Save a screenshot of review mode (docs/review.png) at 1366x768: a
detector trained for real (from scratch, on the CPU) on crops of
scikit-image's coins photo, its predictions over a labelled image (found /
false-alarm / missed colours) and the review queue.

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
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


def coin_project(root: Path, n: int = 36, size: int = 192, seed: int = 3) -> Path:
    """Crops of scikit-image's coins photo (flipped at random), each coin a
    box of class 硬币 (coin), kept where most of the coin shows."""
    import numpy as np
    from PIL import Image
    from scipy import ndimage as ndi
    from skimage import data, filters, measure, segmentation

    from labeltool.core import Box, ImageStatus, ProjectStore

    photo = data.coins()
    # scikit-image's own region-based recipe for this photo: watershed of the Sobel elevation from
    # markers of sure background (< 30) and sure coin (> 150), holes filled: all 24 coins.
    markers = np.zeros_like(photo)
    markers[photo < 30], markers[photo > 150] = 1, 2
    coins_mask = ndi.binary_fill_holes(segmentation.watershed(filters.sobel(photo), markers) - 1)
    coins = [r.bbox for r in measure.regionprops(measure.label(coins_mask)) if r.area > 150]
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    labels = {}
    h, w = photo.shape
    for i in range(n):
        y, x = int(rng.integers(0, h - size)), int(rng.integers(0, w - size))
        flip = bool(rng.integers(0, 2))
        crop = photo[y:y + size, x:x + size]
        boxes = []
        for y1, x1, y2, x2 in coins:
            cy1, cx1, cy2, cx2 = max(y1 - y, 0), max(x1 - x, 0), min(y2 - y, size), min(x2 - x, size)
            if cy2 <= cy1 or cx2 <= cx1 or (cy2 - cy1) * (cx2 - cx1) < 0.6 * (y2 - y1) * (x2 - x1):
                continue
            boxes.append((size - cx2, cy1, size - cx1, cy2) if flip else (cx1, cy1, cx2, cy2))
        name = f"硬币_{i:02d}.jpg"
        Image.fromarray(crop[:, ::-1] if flip else crop).convert("RGB").save(root / name, quality=92)
        labels[name] = boxes
    with ProjectStore.open(root) as store:
        for item in store.images():
            for x1, y1, x2, y2 in labels[item.name]:
                store.add_shape(item.id, Box(label="硬币", x1=x1, y1=y1, x2=x2, y2=y2))
            store.set_status(item.id, ImageStatus.DONE)
    return root


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

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from labeltool.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        root = coin_project(Path(tmp) / "硬币")
        with ProjectStore.open(root) as store:
            items = store.images()
            for item in items[30:]:  # the last six: not labelled yet
                store.delete_shapes(item.id)
                store.set_status(item.id, ImageStatus.NEW)
        result = train(root, TrainConfig(task="detect", model="fasterrcnn_mobilenet_v3_large_320_fpn",
                                         pretrained=False, epochs=100, max_steps=args.steps, batch_size=4,
                                         img_size=192, workers=0, val_fraction=0.15))
        print(result.message, result.best_metric)
        store = ProjectStore.open(root)
        shown = items[1]
        # A labelling mistake to catch: a coin left unlabelled.
        missed = max(store.shapes(shown.id), key=lambda b: b.bounds()[0])
        store.delete_shape(missed.id)
        w = MainWindow(store)
        w.resize(1366, 768)
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
        panel.slider.setValue(50)
        w.findChild(QDockWidget, "dock_classes").hide()  # room for the review list and the queue
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

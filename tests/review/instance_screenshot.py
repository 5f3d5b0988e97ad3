"""Save a screenshot of an instance model under review (docs/instance.png)
at 1366x768: Mask R-CNN trained for real (from scratch, on the CPU) on
crops of scikit-image's coins photo, each coin a polygon; its predictions
on a labelled image as polygons, coloured found / false alarm / missed by
mask IoU, and the review queue.

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.review.instance_screenshot [OUT.png] [--steps 80] [--project DIR]

``--project DIR`` keeps the project and its run there: a second call
takes the screenshot again without training again.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.review.screenshot import ROOT, pump

CLASS = "硬币"  # coin


def coin_outlines():
    """Each coin of the photo as a boolean mask: scikit-image's own coins
    tutorial (Sobel elevation, markers from the dark and bright ends,
    watershed, holes filled)."""
    import numpy as np
    from scipy import ndimage
    from skimage import data, filters, segmentation

    photo = data.coins()
    markers = np.zeros_like(photo)
    markers[photo < 30], markers[photo > 150] = 1, 2
    regions = ndimage.binary_fill_holes(segmentation.watershed(filters.sobel(photo), markers) - 1)
    labels, n = ndimage.label(regions)
    return photo, [labels == k for k in range(1, n + 1) if (labels == k).sum() > 150]


def polygon_project(root: Path, n: int = 24, size: int = 192, seed: int = 5) -> Path:
    """Crops of the coins photo (flipped at random); every coin most of
    which shows is labelled as a polygon of its pixels in the crop."""
    import numpy as np
    from PIL import Image

    from labeltool.core import ImageStatus, Polygon, ProjectStore
    from labeltool.core.raster import mask_polygons

    photo, coins = coin_outlines()
    rng = np.random.default_rng(seed)
    root.mkdir(parents=True, exist_ok=True)
    outlines = {}
    h, w = photo.shape
    for i in range(n):
        y, x = int(rng.integers(0, h - size)), int(rng.integers(0, w - size))
        flip = bool(rng.integers(0, 2))
        cut = (slice(y, y + size), slice(x, x + size, None))
        crop = photo[cut]
        shapes = []
        for coin in coins:
            part = coin[cut][:, ::-1] if flip else coin[cut]
            if part.sum() >= 0.6 * coin.sum():
                shapes += mask_polygons(part, epsilon=1.0, min_area=20.0)[:1]
        name = f"硬币_{i:02d}.jpg"
        Image.fromarray(crop[:, ::-1] if flip else crop).convert("RGB").save(root / name, quality=92)
        outlines[name] = shapes
    with ProjectStore.open(root) as store:
        for item in store.images():
            for points in outlines[item.name]:
                store.add_shape(item.id, Polygon(label=CLASS, points=points))
            store.set_status(item.id, ImageStatus.DONE)
    return root


def trained_project(root: Path, steps: int) -> Path:
    """The project at ``root`` with a finished instance run (made once)."""
    from engine.config import TrainConfig
    from engine.run import train
    from engine.runs import list_runs

    if list_runs(root):
        return root
    polygon_project(root)
    result = train(root, TrainConfig(task="instance", model="maskrcnn_resnet50_fpn", pretrained=False,
                                     epochs=100, max_steps=steps, batch_size=2, img_size=128, workers=0,
                                     val_fraction=0.2, predictions_every_epoch=0))
    print(result.message, result.best_metric)
    return root


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs" / "instance.png"))
    ap.add_argument("--steps", type=int, default=80)
    ap.add_argument("--project", type=Path, default=None)
    args = ap.parse_args()

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDockWidget

    from engine.runs import list_runs
    from labeltool.core import ProjectStore

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from labeltool.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        root = trained_project(args.project or Path(tmp) / "硬币", args.steps)
        info = list_runs(root)[0]
        run, val = info.run_dir, set(info.folder.validation_images() or [])
        store = ProjectStore.open(root)
        items = store.images()
        shown = next((i for i in items if i.path in val), items[0])
        w = MainWindow(store)
        w.resize(1366, 768)
        w.showMaximized()
        panel = w.review.panel
        panel.reveal()
        w.resizeDocks([w.findChild(QDockWidget, "dock_classes"), w.findChild(QDockWidget, "dock_review")],
                      [90, 640], Qt.Orientation.Vertical)
        pump(app, 0.5)
        panel.add_model(run)
        panel.instances.output.setCurrentIndex(panel.instances.output.findData("polygon"))
        done: list[int] = []
        panel.predictionFinished.connect(lambda n, c: done.append(n))
        w.go_to_image(shown.id)
        panel.predict("current")
        pump(app, 120, lambda: done)
        panel.review_check.setChecked(True)
        panel.slider.setValue(50)
        panel.queue.build_button.click()
        w.canvas.fit_window()
        w.review.session.next()
        pump(app, 2.0)
        w.grab().save(args.out)
        print("saved", args.out, shown.path, panel.count_label.text())
        w.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Writes docs/training.png: the window at 1366x768 with the Training panel mid-run.

Run under a virtual display (see the README of the tests):
    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python tests/gui_training/make_screenshot.py [out.png]
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from engine.config import TrainConfig
from labeltool.core import ProjectStore
from labeltool.gui.app import make_app


def make_photo_project(root: Path, n: int = 40, size: int = 128) -> Path:
    """Crops of two scikit-image photos, tagged 猫 (cat) and 咖啡 (coffee)."""
    import numpy as np
    from PIL import Image
    from skimage import data

    from labeltool.core import ImageTag

    rng = np.random.default_rng(0)
    sources = {"猫": data.chelsea(), "咖啡": data.coffee()}
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        label = list(sources)[i % 2]
        img = sources[label]
        side = int(rng.integers(160, min(img.shape[:2])))
        y, x = (int(rng.integers(0, img.shape[k] - side)) for k in (0, 1))
        Image.fromarray(img[y:y + side, x:x + side]).resize((size, size)).save(root / f"{label}_{i:02d}.jpg")
    with ProjectStore.open(root) as store:
        for item in store.images():
            store.add_shape(item.id, ImageTag(label=item.name.split("_")[0]))
    return root


def main(out: Path) -> None:
    app = make_app()
    from labeltool.gui.main_window import MainWindow

    tmp = Path(tempfile.mkdtemp())
    root = make_photo_project(tmp / "猫和咖啡")
    store = ProjectStore.open(root)
    window = MainWindow(store)
    window.resize(1366, 768)
    window.show()
    c = window.training
    c.start(TrainConfig(task="classify", model="resnet18", epochs=8, batch_size=4, img_size=64, pretrained=False,
                        lr=0.01, predictions_every_epoch=6))
    t0 = time.time()
    while time.time() - t0 < 300:
        app.processEvents()
        time.sleep(0.01)
        e = c.panel.last_epoch
        if e is not None and e.epoch >= 2 and c.panel.strip.count() and c.panel.last_step.step > e.step + 3:
            break
    for _ in range(30):  # let the throttled curves redraw
        app.processEvents()
        time.sleep(0.02)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print("saved", out)
    c.shutdown()
    app.processEvents()
    window.close_project()
    store.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/training.png"))

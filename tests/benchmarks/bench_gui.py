"""Window speed on big folders (offscreen Qt, the real MainWindow).

1. Time to first image: a folder of 10,000 JPEGs (one real 1024x768 JPEG
   hard-linked 10,000 times) opened as a new project and again as an
   existing one: window built, folder scanned, list filled, first image
   decoded and painted. Baseline: listing the folder and decoding one image
   with Pillow, the least any viewer must do. Then the cold start: fresh
   processes of `labeltool FOLDER` (the real command line), launch to first
   image painted, split into interpreter start, imports, window,
   open_project and first image; baseline: a fresh process that shows one
   image in a QLabel.
2. Next-image time on 12-megapixel JPEGs (4000x3000): from pressing "next"
   to the image painted, at a labeller's pace (a pause between images), with
   the background prefetch and with it turned off; baseline: a plain
   synchronous full decode of one such file (Pillow, then a QImage).

    .venv/bin/python tests/benchmarks/bench_gui.py [--images 10000] [--steps 25]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402


def photo_like(w: int, h: int, seed: int) -> np.ndarray:
    """Smooth gradients plus noise: JPEG-compresses like a photo, unlike flat noise."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([(xx / w) * 200, (yy / h) * 200, ((xx + yy) / (w + h)) * 255], -1)
    small = rng.normal(0, 40, (h // 16 + 1, w // 16 + 1, 3)).astype(np.float32)
    blobs = np.kron(small, np.ones((16, 16, 1), np.float32))[:h, :w]
    noise = rng.normal(0, 8, (h, w, 3)).astype(np.float32)
    return np.clip(base + blobs + noise, 0, 255).astype(np.uint8)


def wait_until(app, cond, timeout: float = 10.0) -> None:
    end = time.perf_counter() + timeout
    while not cond():
        if time.perf_counter() > end:
            raise TimeoutError("the image never showed")
        app.processEvents()
        time.sleep(0.0005)


def shown(w) -> bool:
    layer = w.canvas.canvas_scene.image
    return layer.preview is not None or layer.full is not None


def time_to_first_image(app, folder: Path) -> float:
    from labeltool.gui.main_window import MainWindow

    t = time.perf_counter()
    w = MainWindow()
    w.resize(1400, 900)
    w.show()
    w.open_project(folder)
    wait_until(app, lambda: shown(w))
    w.canvas.viewport().repaint()
    dt = time.perf_counter() - t
    assert w.image_list.model.rowCount() == len(list(folder.glob("*.jpg")))
    w.close()
    w.deleteLater()
    app.processEvents()
    return dt


def next_image_times(app, folder: Path, steps: int, pause: float, prefetch: bool) -> list[float]:
    from labeltool.gui import main_window as mw

    saved = mw.PREFETCH_AHEAD, mw.PREFETCH_BEHIND
    if not prefetch:
        mw.PREFETCH_AHEAD = mw.PREFETCH_BEHIND = 0
    try:
        w = mw.MainWindow()
        w.resize(1400, 900)
        w.show()
        w.open_project(folder)
        wait_until(app, lambda: shown(w))
        times = []
        for _ in range(steps):
            end = time.perf_counter() + pause  # the person labels this image meanwhile
            while time.perf_counter() < end:
                app.processEvents()
                time.sleep(0.002)
            t = time.perf_counter()
            if not w.step_image(1):
                break
            wait_until(app, lambda: shown(w))
            w.canvas.viewport().repaint()
            times.append(time.perf_counter() - t)
        w.close()
        w.deleteLater()
        app.processEvents()
        return times
    finally:
        mw.PREFETCH_AHEAD, mw.PREFETCH_BEHIND = saved


# `labeltool FOLDER` as a user starts it (the real command line, run_gui's
# event loop), in a fresh process; it prints wall-clock marks (time.time(),
# comparable with the parent's launch time) and closes once the first image
# is painted.
COLD = r"""
import time
T0 = time.time()
import json, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from labeltool.app.cli import main
from labeltool.gui import main_window as mw
marks = {"start": T0, "imports": time.time()}
opening = mw.MainWindow.open_project

def timed_open(self, folder):
    marks["open"] = time.time()
    ok = opening(self, folder)
    marks["opened"] = time.time()
    return ok

mw.MainWindow.open_project = timed_open

def poll():
    w = next((w for w in QApplication.topLevelWidgets() if isinstance(w, mw.MainWindow)), None)
    layer = w.canvas.canvas_scene.image if w is not None else None
    if "opened" not in marks or layer is None or (layer.preview is None and layer.full is None):
        QTimer.singleShot(0, poll)
        return
    w.canvas.viewport().repaint()
    marks["image"] = time.time()
    marks["torch"] = "torch" in sys.modules
    print("COLD " + json.dumps(marks), flush=True)
    w.close()

QTimer.singleShot(0, poll)
sys.exit(main([sys.argv[1]]))
"""

# The least a Qt image viewer does from a cold start: a QApplication and one
# decoded image shown in a QLabel.
COLD_BASELINE = r"""
import time, os, sys
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
names = sorted(e.name for e in os.scandir(sys.argv[1]))
label = QLabel()
label.setPixmap(QPixmap.fromImage(QImage(os.path.join(sys.argv[1], names[0]))))
label.show()
label.repaint()
print("COLD %r" % time.time(), flush=True)
"""


def _launch(script: str, folder: Path) -> tuple[float, str]:
    import subprocess

    launch = time.time()
    out = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, check=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    line = next(ln for ln in out.stdout.splitlines() if ln.startswith("COLD "))
    return launch, line[5:]


def cold_start(folder: Path, runs: int) -> tuple[float, dict[str, float], bool]:
    """Fresh processes of `labeltool FOLDER`: the median wall time from
    launch to the first image painted, the median of each part, and whether
    any imported torch."""
    import json

    totals, parts, torch_seen = [], {k: [] for k in ("python", "imports", "window", "open_project", "image")}, False
    for _ in range(runs):
        launch, text = _launch(COLD, folder)
        m = json.loads(text)
        totals.append(m["image"] - launch)
        parts["python"].append(m["start"] - launch)
        parts["imports"].append(m["imports"] - m["start"])
        parts["window"].append(m["open"] - m["imports"])
        parts["open_project"].append(m["opened"] - m["open"])
        parts["image"].append(m["image"] - m["opened"])
        torch_seen |= m["torch"]
    return statistics.median(totals), {k: statistics.median(v) for k, v in parts.items()}, torch_seen


def cold_baseline(folder: Path, runs: int) -> float:
    times = []
    for _ in range(runs):
        launch, text = _launch(COLD_BASELINE, folder)
        times.append(float(text) - launch)
    return statistics.median(times)


def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--pause", type=float, default=0.4, help="seconds spent on each image before 'next'")
    ap.add_argument("--cold-runs", type=int, default=5, help="fresh processes timed for the cold start")
    args = ap.parse_args()

    from labeltool.gui.app import make_app
    from labeltool.gui.image_cache import qimage_from_array
    from labeltool.core.images import load_image

    app = make_app()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # ------------------------------------------------ 1. first image
        big = tmp / "big"
        big.mkdir()
        src = tmp / "one.jpg"
        Image.fromarray(photo_like(1024, 768, 0)).save(src, quality=90)
        t = time.perf_counter()
        for i in range(args.images):
            os.link(src, big / f"img_{i:05d}.jpg")
        print(f"made {args.images} JPEGs (hard links) in {time.perf_counter() - t:.2f} s")
        t = time.perf_counter()
        names = sorted(e.name for e in os.scandir(big))
        load_image(big / names[0])
        baseline = time.perf_counter() - t
        warm = tmp / "warm"
        warm.mkdir()
        os.link(src, warm / "a.jpg")
        time_to_first_image(app, warm)  # imports everything the panels import, once
        first = time_to_first_image(app, big)  # creates the project (scan + insert 10,000 rows)
        again = [time_to_first_image(app, big) for _ in range(3)]
        print("in this process (imports done):")
        print(f"time to first image, {args.images} images, new project:      {first * 1000:7.0f} ms")
        print(f"time to first image, {args.images} images, existing project: {statistics.median(again) * 1000:7.0f} ms "
              f"(median of {len(again)})")
        wall, parts, torch_loaded = cold_start(big, args.cold_runs)
        base = cold_baseline(big, args.cold_runs)
        print(f"cold start, `labeltool FOLDER` on the existing {args.images}-image project (new process, launch "
              f"to first image painted, median of {args.cold_runs}): {wall * 1000:.0f} ms")
        print("  = " + " + ".join(f"{k} {v * 1000:.0f}" for k, v in parts.items()) + " ms (medians of each part)")
        print(f"  torch imported: {'YES (it should not be)' if torch_loaded else 'no'}")
        print(f"  baseline, fresh process showing one image in a QLabel: {base * 1000:.0f} ms   "
              f"ratio {wall / base:.1f}x")
        print(f"baseline (list folder + decode one image):          {baseline * 1000:7.0f} ms  "
              f"ratio {statistics.median(again) / baseline:.1f}x")

        # ------------------------------------------------ 2. next image
        photos = tmp / "photos"
        photos.mkdir()
        distinct = []
        for k in range(4):
            p = tmp / f"p{k}.jpg"
            Image.fromarray(photo_like(4000, 3000, k + 1)).save(p, quality=90)
            distinct.append(p)
        for i in range(args.steps + 1):
            os.link(distinct[i % len(distinct)], photos / f"IMG_{i:04d}.jpg")
        full = []
        for p in distinct:
            t = time.perf_counter()
            qimage_from_array(load_image(p))
            full.append(time.perf_counter() - t)
        with_pf = next_image_times(app, photos, args.steps, args.pause, prefetch=True)
        without = next_image_times(app, photos, args.steps, args.pause, prefetch=False)
        print(f"next image, 12 MP JPEG, {len(with_pf)} steps, {args.pause:.1f} s on each image:")
        print(f"  with prefetch:    median {statistics.median(with_pf) * 1000:6.1f} ms   "
              f"p95 {pct(with_pf, 0.95) * 1000:6.1f} ms")
        print(f"  without prefetch: median {statistics.median(without) * 1000:6.1f} ms   "
              f"p95 {pct(without, 0.95) * 1000:6.1f} ms  (reduced-size decode on demand)")
        print(f"  baseline, full synchronous decode: median {statistics.median(full) * 1000:6.1f} ms   "
              f"ratio with prefetch {statistics.median(with_pf) / statistics.median(full):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())

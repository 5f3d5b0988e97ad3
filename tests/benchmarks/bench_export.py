"""Export speed: a 10,000-image, 200,000-box project to COCO and to VOC.

Prints the median of a few runs (wall clock, and CPU time of this process,
which other work on a shared machine disturbs less), peak traced memory of
one run, the ratio to a plain baseline measured in the same run (the same
rows read with one SQL query and written with a straightforward json.dump /
one XML string per image), and the load average around the runs. Goals:
COCO < 2 s, VOC < 10 s on one core.

    .venv/bin/python tests/benchmarks/bench_export.py [--images 10000] [--boxes 20] [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path
from xml.sax.saxutils import escape

from labeltool.core import ProjectStore
from labeltool.core.store import find_store
from labeltool.formats.project_io import export_from

CLASSES = ["行人", "car", "自行车", "dog", "cat", "bus", "truck", "traffic light"]


def build_project(root: Path, n_images: int, boxes_per_image: int, seed: int = 0) -> None:
    """Rows straight into the store's tables with executemany (the images
    need not exist on disk; their sizes are in the store)."""
    ProjectStore.open(root, scan=False).close()  # creates the schema
    rng = random.Random(seed)
    conn = sqlite3.connect(find_store(root))
    now = time.time()
    with conn:
        conn.executemany("INSERT INTO classes(id, name, color, ord) VALUES (?, ?, '#ff0000', ?)",
                         [(i + 1, name, i) for i, name in enumerate(CLASSES)])
        conn.executemany("INSERT INTO images(id, path, width, height, status, added_at, updated_at) "
                         "VALUES (?, ?, 640, 480, 'in_progress', ?, ?)",
                         [(i + 1, f"images/{i // 1000:02d}/img_{i:06d}.jpg", now, now) for i in range(n_images)])
        rows = []
        for i in range(n_images):
            for k in range(boxes_per_image):
                x, y = rng.uniform(0, 600), rng.uniform(0, 440)
                box = [round(x, 2), round(y, 2), round(x + rng.uniform(2, 40), 2), round(y + rng.uniform(2, 40), 2)]
                rows.append((f"{i:06d}{k:04d}", i + 1, rng.randrange(len(CLASSES)) + 1, json.dumps({"box": box}),
                             k, now))
        conn.executemany("INSERT INTO shapes(id, image_id, class_id, kind, geometry, ord, created_at) "
                         "VALUES (?, ?, ?, 'box', ?, ?, ?)", rows)
    conn.close()


def baseline_rows(root: Path):
    conn = sqlite3.connect(find_store(root))
    images = conn.execute("SELECT id, path, width, height FROM images ORDER BY id").fetchall()
    classes = conn.execute("SELECT id, name FROM classes ORDER BY ord").fetchall()
    shapes = conn.execute("SELECT image_id, class_id, geometry FROM shapes ORDER BY image_id, ord").fetchall()
    conn.close()
    return images, classes, shapes


def baseline_coco(root: Path, out: Path) -> None:
    images, classes, shapes = baseline_rows(root)
    anns = []
    for n, (image_id, class_id, geometry) in enumerate(shapes, 1):
        x1, y1, x2, y2 = json.loads(geometry)["box"]
        anns.append({"id": n, "image_id": image_id, "category_id": class_id, "bbox": [x1, y1, x2 - x1, y2 - y1],
                     "area": (x2 - x1) * (y2 - y1), "iscrowd": 0})
    doc = {"images": [{"id": i, "file_name": p, "width": w, "height": h} for i, p, w, h in images],
           "annotations": anns, "categories": [{"id": i, "name": name} for i, name in classes]}
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "instances.json", "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False)


def baseline_voc(root: Path, out: Path) -> None:
    images, classes, shapes = baseline_rows(root)
    names = dict(classes)
    by_image: dict[int, list] = {}
    for image_id, class_id, geometry in shapes:
        by_image.setdefault(image_id, []).append((names[class_id], json.loads(geometry)["box"]))
    (out / "Annotations").mkdir(parents=True, exist_ok=True)
    for image_id, path, w, h in images:
        objs = "".join(f"<object><name>{escape(n)}</name><bndbox><xmin>{round(b[0]) + 1}</xmin><ymin>"
                       f"{round(b[1]) + 1}</ymin><xmax>{round(b[2])}</xmax><ymax>{round(b[3])}</ymax></bndbox>"
                       f"</object>" for n, b in by_image.get(image_id, []))
        name = path.replace("/", "__")
        with open(out / "Annotations" / (name.rsplit(".", 1)[0] + ".xml"), "w", encoding="utf-8") as f:
            f.write(f"<annotation><filename>{escape(name)}</filename><size><width>{w}</width><height>{h}"
                    f"</height><depth>3</depth></size>{objs}</annotation>")


def timed(fn, runs: int, out: Path | None = None) -> tuple[float, list[float], float]:
    """Median wall seconds, each run's wall seconds, median CPU seconds.
    ``out`` is emptied before each run: every run writes a fresh folder, as
    an export to a new folder does (files rewritten in place cost a tenth of
    files created, and ours leaves an unchanged file alone)."""
    times, cpu = [], []
    for _ in range(runs):
        if out is not None:
            shutil.rmtree(out, ignore_errors=True)
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), times, statistics.median(cpu)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def peak_mib(fn) -> float:
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=10_000)
    ap.add_argument("--boxes", type=int, default=20, help="boxes per image")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_export_"))
    try:
        root = tmp / "project"
        root.mkdir()
        t = time.perf_counter()
        build_project(root, args.images, args.boxes)
        print(f"built {args.images:,} images, {args.images * args.boxes:,} boxes in "
              f"{time.perf_counter() - t:.1f} s")
        store = ProjectStore.open(root, readonly=True)
        print(f"before: {load()}")
        goals = {"coco": 2.0, "voc": 10.0}
        baselines = {"coco": baseline_coco, "voc": baseline_voc}
        for fmt in ("coco", "voc"):
            out = tmp / f"out_{fmt}"
            base = tmp / f"base_{fmt}"

            def ours() -> None:
                report = export_from(store, fmt, out)
                assert report.shapes == args.images * args.boxes, report.shapes

            med, times, cpu = timed(ours, args.runs, out)
            base_med, _, base_cpu = timed(lambda: baselines[fmt](root, base), args.runs, base)
            peak = peak_mib(ours)
            base_peak = peak_mib(lambda: baselines[fmt](root, base))
            verdict = "ok" if med < goals[fmt] else "OVER GOAL"
            print(f"{fmt}: median {med:.2f} s (runs {', '.join(f'{x:.2f}' for x in times)}), goal < "
                  f"{goals[fmt]:.0f} s: {verdict}; CPU time median {cpu:.2f} s")
            print(f"  baseline (plain SQL + {'json.dump' if fmt == 'coco' else 'XML strings'}): "
                  f"{base_med:.2f} s (CPU {base_cpu:.2f} s); ratio ours/baseline {med / base_med:.2f}x "
                  f"(CPU {cpu / base_cpu:.2f}x)")
            print(f"  peak traced memory: ours {peak:.0f} MiB, baseline {base_peak:.0f} MiB")
        store.close()
        print(f"after: {load()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Rebuild the bundled demo project in resources/demo/ (``make demo``).

Real photos that ship with scikit-image, with labels of every kind already
made, so that a newcomer sees a labelled project in seconds. The store is
left in rollback-journal mode so that the committed file is one file; the
app switches it to WAL when it opens a copy (``make run`` copies it to
build/demo, keeping the repo clean).
"""
from __future__ import annotations

import shutil
import sqlite3
import sys
from pathlib import Path

import cv2
import numpy as np
import skimage.data as data
from PIL import Image
from skimage.measure import label, regionprops

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from labeltool.core import Box, ImageStatus, ImageTag, Mask, Polygon, ProjectStore, TextRegion  # noqa: E402

DEMO = ROOT / "resources" / "demo"


def ellipse_points(cx: float, cy: float, rx: float, ry: float, n: int = 24) -> list[tuple[float, float]]:
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return [(float(cx + rx * np.cos(a)), float(cy + ry * np.sin(a))) for a in t]


def coin_boxes() -> list[tuple[int, int, int, int]]:
    coins = data.coins()
    regions = regionprops(label(coins > 110))
    boxes = []
    for r in regions:
        y1, x1, y2, x2 = r.bbox
        if r.area > 400:
            boxes.append((x1, y1, x2, y2))
    return boxes


def main() -> None:
    if DEMO.exists():
        shutil.rmtree(DEMO)
    DEMO.mkdir(parents=True)
    images = {
        "astronaut.jpg": data.astronaut(),
        "coffee.jpg": data.coffee(),
        "chelsea.jpg": data.chelsea(),
        "coins.png": data.coins(),
        "page.png": data.page(),
        "火箭.jpg": data.rocket(),
    }
    for name, array in images.items():
        Image.fromarray(array).save(DEMO / name, quality=90)

    with ProjectStore.open(DEMO) as store:
        for cls in ("person", "helmet", "rocket", "cup", "spoon", "saucer", "eye", "coin", "text",
                    "portrait", "cat"):
            store.add_class(cls)
        by_name = {i.path: i for i in store.images()}
        for item in by_name.values():
            store.ensure_size(item)

        a = by_name["astronaut.jpg"].id
        store.add_shapes(a, [
            Box(label="person", x1=20, y1=14, x2=366, y2=512),
            Box(label="helmet", x1=277, y1=343, x2=512, y2=512),
            Box(label="rocket", x1=354, y1=0, x2=470, y2=287),
            ImageTag(label="portrait"),
        ])
        store.set_status(a, ImageStatus.DONE)

        c = by_name["coffee.jpg"].id
        saucer = np.zeros((400, 600), np.uint8)
        cv2.ellipse(saucer, (278, 228), (203, 157), 0, 0, 360, 1, -1)
        store.add_shapes(c, [
            Polygon(label="cup", points=[(175, 40), (230, 20), (330, 18), (400, 45), (410, 120), (380, 215),
                                         (330, 262), (262, 283), (210, 300), (197, 280), (185, 200)]),
            Box(label="spoon", x1=325, y1=66, x2=424, y2=326),
            Mask.from_array(saucer.astype(bool), label="saucer"),
        ])
        store.set_status(c, ImageStatus.DONE)

        k = by_name["chelsea.jpg"].id
        store.add_shapes(k, [
            Box(label="eye", x1=134, y1=84, x2=210, y2=146),
            Box(label="eye", x1=293, y1=108, x2=346, y2=164),
            Polygon(label="cat", points=ellipse_points(230, 150, 215, 150, 20), difficult=True),
            ImageTag(label="cat"),
        ])
        store.set_status(k, ImageStatus.DONE)

        n = by_name["coins.png"].id
        store.add_shapes(n, [Box(label="coin", x1=x1, y1=y1, x2=x2, y2=y2) for x1, y1, x2, y2 in coin_boxes()])

        p = by_name["page.png"].id
        store.add_shapes(p, [
            TextRegion(label="text", points=[(4, 8), (266, 8), (266, 39), (4, 39)],
                       transcription="Region-based segmentation"),
            TextRegion(label="text", points=[(3, 43), (377, 43), (377, 64), (3, 64)],
                       transcription="Let us first determine markers of the coins and the"),
        ])
        store.set_status(p, ImageStatus.DONE)
        print(store.stats())

    conn = sqlite3.connect(DEMO / ".labeltool" / "project.sqlite")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("VACUUM")
    conn.close()
    (DEMO / ".labeltool" / "lock").unlink(missing_ok=True)


if __name__ == "__main__":
    main()

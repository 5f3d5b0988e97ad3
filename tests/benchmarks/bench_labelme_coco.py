"""A labelme folder to COCO, end to end: 1,000 images x 20 polygons.

Ours, as a user runs it: ``labeltool init`` + ``labeltool import`` +
``labeltool export --format coco`` (three processes, start-up included),
and ``labeltool convert --to coco`` (one). The baseline is what labelme's
``examples/instance_segmentation/labelme2coco.py --noviz`` does per file
(labelme is not installed here; the same steps in plain Python, in this
process, no start-up): load the JSON and the image through LabelFile's
path (open, EXIF-orient, re-encode to bytes), decode them again, save the
image as JPEGImages/<name>.jpg, rasterise every shape to a full-size mask
(PIL ImageDraw, as ``labelme.utils.shape_to_mask``), OR the masks of one
instance, RLE-encode each with pycocotools for area and bbox, one
``json.dump`` at the end. Prints the medians, the ratio (goal: ours >= 10x
faster) and the load average.

    .venv/bin/python tests/benchmarks/bench_labelme_coco.py [--images 1000] [--polygons 20] [--runs 3]
"""
from __future__ import annotations

import argparse
import collections
import io
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import PIL.Image
import PIL.ImageDraw
import PIL.ImageOps
from pycocotools import mask as mask_utils

CLASSES = ["行人", "car", "自行车", "dog", "cat", "bus", "truck", "traffic light"]


def build_folder(root: Path, n_images: int, n_polygons: int, width: int, height: int, seed: int = 0) -> None:
    """``n_images`` JPEGs with a labelme JSON beside each, as labelme saves."""
    rng = random.Random(seed)
    base = np.random.default_rng(seed).integers(0, 255, (height, width, 3), dtype=np.uint8)
    root.mkdir(parents=True)
    for i in range(n_images):
        a = base.copy()
        a[i % height, :, i % 3] = 255 - a[i % height, :, i % 3]  # each file its own bytes
        name = f"img_{i:05d}.jpg"
        PIL.Image.fromarray(a).save(root / name, quality=90)
        shapes = []
        for _ in range(n_polygons):
            cx, cy, r = rng.uniform(40, width - 40), rng.uniform(40, height - 40), rng.uniform(8, 38)
            k = rng.randint(5, 12)
            points = [[round(cx + r * math.cos(2 * math.pi * j / k), 2), round(cy + r * math.sin(2 * math.pi * j / k), 2)]
                      for j in range(k)]
            shapes.append({"label": rng.choice(CLASSES), "points": points, "group_id": None, "description": "",
                           "shape_type": "polygon", "flags": {}, "mask": None})
        doc = {"version": "5.5.0", "flags": {}, "shapes": shapes, "imagePath": name, "imageData": None,
               "imageHeight": height, "imageWidth": width}
        (root / f"img_{i:05d}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=2), "utf-8")


# ---------------------------------------------------------------- baseline
def _load_image_file(filename: Path) -> bytes:
    """labelme.LabelFile.load_image_file: open, apply EXIF orientation, re-encode."""
    image_pil = PIL.ImageOps.exif_transpose(PIL.Image.open(filename))
    with io.BytesIO() as f:
        image_pil.save(f, format="PNG" if filename.suffix.lower() == ".png" else "JPEG")
        return f.getvalue()


def _shape_to_mask(img_shape: tuple[int, int], points: list[list[float]]) -> np.ndarray:
    """labelme.utils.shape_to_mask for a polygon."""
    mask = PIL.Image.fromarray(np.zeros(img_shape[:2], dtype=np.uint8))
    PIL.ImageDraw.Draw(mask).polygon(xy=[tuple(p) for p in points], outline=1, fill=1)
    return np.array(mask, dtype=bool)


def labelme2coco(input_dir: Path, output_dir: Path) -> None:
    """labelme2coco.py --noviz, step by step (labels from CLASSES)."""
    (output_dir / "JPEGImages").mkdir(parents=True)
    data: dict = {"info": {"description": None, "url": None, "version": None, "year": 2024, "contributor": None,
                           "date_created": "2024-01-01"},
                  "licenses": [{"url": None, "id": 0, "name": None}], "images": [], "type": "instances",
                  "annotations": [], "categories": []}
    class_name_to_id = {}
    for i, name in enumerate(["__ignore__", "_background_", *CLASSES]):
        class_id = i - 1
        if class_id == -1:
            continue
        class_name_to_id[name] = class_id
        data["categories"].append({"supercategory": None, "id": class_id, "name": name})
    out_ann_file = output_dir / "annotations.json"
    for image_id, filename in enumerate(sorted(input_dir.glob("*.json"))):
        label_file = json.loads(filename.read_text("utf-8"))  # LabelFile(filename): the JSON...
        image_data = _load_image_file(filename.parent / label_file["imagePath"])  # ...and the image bytes
        out_img_file = output_dir / "JPEGImages" / (filename.stem + ".jpg")
        img = np.asarray(PIL.Image.open(io.BytesIO(image_data)))  # utils.img_data_to_arr
        PIL.Image.fromarray(img).save(out_img_file)  # imgviz.io.imsave
        data["images"].append({"license": 0, "url": None, "file_name": os.path.relpath(out_img_file, output_dir),
                               "height": img.shape[0], "width": img.shape[1], "date_captured": None,
                               "id": image_id})
        masks: dict = {}
        segmentations: dict = collections.defaultdict(list)
        for shape in label_file["shapes"]:
            points, label = shape["points"], shape["label"]
            group_id = shape.get("group_id")
            mask = _shape_to_mask(img.shape[:2], points)
            instance = (label, group_id if group_id is not None else uuid.uuid1())
            masks[instance] = masks[instance] | mask if instance in masks else mask
            segmentations[instance].append(np.asarray(points).flatten().tolist())
        for (cls_name, _), mask in masks.items():
            if cls_name not in class_name_to_id:
                continue
            rle = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
            data["annotations"].append({"id": len(data["annotations"]), "image_id": image_id,
                                        "category_id": class_name_to_id[cls_name],
                                        "segmentation": segmentations[(cls_name, _)],
                                        "area": float(mask_utils.area(rle)),
                                        "bbox": mask_utils.toBbox(rle).flatten().tolist(), "iscrowd": 0})
    with open(out_ann_file, "w") as f:
        json.dump(data, f)


# -------------------------------------------------------------------- ours
def labeltool() -> list[str]:
    exe = Path(sys.executable).parent / "labeltool"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "labeltool"]


def ours_three_commands(folder: Path, out: Path) -> None:
    for args in (["init", str(folder)], ["import", str(folder), str(folder)],
                 ["export", str(folder), "--format", "coco", str(out)]):
        subprocess.run([*labeltool(), *args], check=True, stdout=subprocess.DEVNULL)


def ours_convert(folder: Path, out: Path) -> None:
    subprocess.run([*labeltool(), "convert", str(folder), str(out), "--to", "coco"], check=True,
                   stdout=subprocess.DEVNULL)


def timed(fn, runs: int, reset) -> tuple[float, list[float], float]:
    """Median wall seconds, each run's, and median CPU seconds (this process
    and its children: the commands run as processes)."""
    times, cpu = [], []
    for _ in range(runs):
        reset()
        before = os.times()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        after = os.times()
        cpu.append(sum(after[k] - before[k] for k in range(4)))
    return statistics.median(times), times, statistics.median(cpu)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg()) + f" ({os.cpu_count()} cores)"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--images", type=int, default=1000)
    ap.add_argument("--polygons", type=int, default=20, help="polygons per image")
    ap.add_argument("--size", default="640x480", help="image size WxH")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    tmp = Path(tempfile.mkdtemp(prefix="bench_labelme_coco_"))
    try:
        src = tmp / "labelme"
        t = time.perf_counter()
        build_folder(src, args.images, args.polygons, width, height)
        print(f"built {args.images:,} images {width}x{height}, {args.images * args.polygons:,} polygons in "
              f"{time.perf_counter() - t:.1f} s")
        print(f"before: {load()}")
        out = tmp / "out"

        def fresh() -> None:
            shutil.rmtree(out, ignore_errors=True)
            shutil.rmtree(src / ".labeltool", ignore_errors=True)

        base, base_runs, base_cpu = timed(lambda: labelme2coco(src, out), args.runs, fresh)
        print(f"baseline labelme2coco --noviz steps: median {base:.2f} s (runs "
              f"{', '.join(f'{x:.2f}' for x in base_runs)}); CPU {base_cpu:.2f} s")
        for name, fn in (("init + import + export (3 commands)", lambda: ours_three_commands(src, out)),
                         ("convert (1 command)", lambda: ours_convert(src, out))):
            med, runs, cpu = timed(fn, args.runs, fresh)
            written = json.loads((out / "annotations" / "instances_default.json").read_text("utf-8"))
            assert len(written["annotations"]) == args.images * args.polygons, len(written["annotations"])
            verdict = "ok" if base / med >= 10 else "BELOW GOAL"
            print(f"ours, {name}: median {med:.2f} s (runs {', '.join(f'{x:.2f}' for x in runs)}); CPU {cpu:.2f} s;"
                  f" {base / med:.1f}x faster than the baseline (CPU {base_cpu / cpu:.1f}x), goal >= 10x: {verdict}")
        print(f"after: {load()}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Training throughput: our Trainer against a plain hand-written loop.

The plain loop is what a course script (or torchvision's references/
``train_one_epoch``) does: a Dataset reading the files, a DataLoader, the
model, SGD, ``loss.item()`` each step. Both get the same images, the same
``transforms.v2`` pipeline (so the difference is the loop, not the
augmentation), the same model, batch and worker count, and run one after
the other, never at once; each runs twice, alternating, to even out a busy
machine. Figures: images/s as the median over timed windows of steps after
a warm-up, and the ratio ours/plain (we aim for >= 0.95).

    python tests/benchmarks/bench_train.py [--quick]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402
from PIL import Image  # noqa: E402
from torch.utils.data import DataLoader, Dataset  # noqa: E402
from torchvision import tv_tensors  # noqa: E402

from engine.config import TrainConfig  # noqa: E402
from engine.events import Callback, Step  # noqa: E402
from engine.run import train  # noqa: E402
from engine.transforms import train_transform  # noqa: E402
from tests.engine.synth import classification_project, detection_project  # noqa: E402

WARMUP = 2


def window_rates(times: list[float], batch: int, window: int) -> list[float]:
    """images/s of consecutive windows of ``window`` steps after the warm-up."""
    t = times[WARMUP:]
    return [batch * window / (t[i + window] - t[i]) for i in range(0, len(t) - window, window)]


# --------------------------------------------------------------- plain loop
class PlainImages(Dataset):
    """What a course script writes: paths and labels in lists, PIL to tensor."""

    def __init__(self, items: list[tuple[Path, object]], task: str, transform):
        self.items, self.task, self.transform = items, task, transform

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int):
        path, label = self.items[i]
        img = tv_tensors.Image(torch.from_numpy(np.array(Image.open(path).convert("RGB"))).permute(2, 0, 1))
        if self.task == "detect":
            boxes = tv_tensors.BoundingBoxes(torch.tensor([label], dtype=torch.float32), format="XYXY",
                                             canvas_size=img.shape[-2:])
            return self.transform(img, {"boxes": boxes, "labels": torch.ones(1, dtype=torch.int64)})
        return self.transform(img), label


def plain_loop(task: str, items, img_size: int, batch: int, steps: int, workers: int, model_name: str) -> list[float]:
    torch.manual_seed(0)
    ds = PlainImages(items, task, train_transform(task, img_size))
    if task == "detect":
        model = torchvision.models.detection.fasterrcnn_mobilenet_v3_large_320_fpn(
            weights=None, weights_backbone=None, num_classes=2, min_size=img_size, max_size=img_size)
        collate = lambda b: tuple(zip(*b))  # noqa: E731 - the references' collate_fn
    else:
        model = getattr(torchvision.models, model_name)(weights=None, num_classes=2)
        collate = None
    loader = DataLoader(ds, batch_size=batch, shuffle=True, num_workers=workers, collate_fn=collate, drop_last=True)
    opt = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.01, momentum=0.9,
                          weight_decay=1e-4)
    model.train()
    times = [time.perf_counter()]
    while len(times) <= steps:
        for images, targets in loader:
            if task == "detect":
                loss_dict = model(list(images), [{k: v for k, v in t.items()} for t in targets])
                loss = sum(loss_dict.values())
            else:
                loss = torch.nn.functional.cross_entropy(model(images), targets)
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss.item()  # logged each step, as MetricLogger does
            times.append(time.perf_counter())
            if len(times) > steps:
                break
    return times


# -------------------------------------------------------------------- ours
class Clock(Callback):
    def __init__(self) -> None:
        self.times = [time.perf_counter()]

    def on_train_start(self, event) -> None:
        self.times = [time.perf_counter()]

    def on_step(self, event: Step) -> None:
        self.times.append(time.perf_counter())


def our_loop(project: Path, task: str, model: str, img_size: int, batch: int, steps: int, workers: int) -> list[float]:
    clock = Clock()
    cfg = TrainConfig(task=task, model=model, epochs=1, batch_size=batch, img_size=img_size, device="cpu",
                      pretrained=False, workers=workers, max_steps=steps, val_fraction=0.05,
                      predictions_every_epoch=0, lr=0.01)
    result = train(project, cfg, [clock])
    if result.reason != "finished":
        raise SystemExit(f"our run failed: {result.message}")
    return clock.times


def bench(name: str, project: Path, task: str, model: str, items, img_size: int, batch: int, steps: int,
          window: int, workers: int, rounds: int) -> float:
    ours, plain = [], []
    for _ in range(rounds):
        plain += window_rates(plain_loop(task, items, img_size, batch, steps, workers, model), batch, window)
        ours += window_rates(our_loop(project, task, model, img_size, batch, steps, workers), batch, window)
    p, o = statistics.median(plain), statistics.median(ours)
    print(f"{name:<44} plain {p:7.2f} img/s   ours {o:7.2f} img/s   ratio {o / p:5.3f}   "
          f"({len(plain)}+{len(ours)} windows of {window} steps)", flush=True)
    return o / p


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer steps (a smoke run, noisy figures)")
    ap.add_argument("--workers", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads (1: steady figures on a shared 2-core machine, where two OpenMP "
                         "threads spin against other processes)")
    ap.add_argument("--rounds", type=int, default=3, help="alternating plain/ours runs per model")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, workers {args.workers}")
    ratios = []
    with tempfile.TemporaryDirectory() as tmp:
        cls = classification_project(Path(tmp) / "cls", n=200, size=256)
        from labeltool.core import ProjectStore

        with ProjectStore.open(cls, readonly=True) as store:
            snap = store.snapshot()
        names = sorted({s.label for i in snap.images for s in i.shapes})
        items = [(i.path, names.index(i.shapes[0].label)) for i in snap.images]
        steps = 8 if args.quick else 14  # 2 warm-up steps, then windows of 3
        ratios.append(bench("classify resnet18 224px batch 16", cls, "classify", "resnet18", items, 224, 16,
                            steps, 3, args.workers, args.rounds))

        det = detection_project(Path(tmp) / "det", n=60, size=320)
        with ProjectStore.open(det, readonly=True) as store:
            snap = store.snapshot()
        items = [(i.path, list(i.shapes[0].bounds())) for i in snap.images]
        ratios.append(bench("detect fasterrcnn_mobilenet_v3_320 320px b4", det, "detect",
                            "fasterrcnn_mobilenet_v3_large_320_fpn", items, 320, 4, min(steps, 11), 3, args.workers,
                            args.rounds))
    worst = min(ratios)
    print(f"worst ratio ours/plain: {worst:.3f} (target >= 0.95)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command-line front of the engine, shared by ``labeltool train/predict``
and ``python -m engine`` (the entry torchrun starts, and the subprocess a
GUI runs with ``--events jsonl`` to follow a multi-GPU run)."""
from __future__ import annotations

import argparse
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, TextIO

from .callbacks import JsonLines
from .config import TrainConfig
from .errors import ConfigError
from .events import Callback, CancelToken, EpochEnd, Log, Step, TrainEnd, TrainStart
from .models import MODELS, default_model, get_spec

EXIT_CODES = {"finished": 0, "early_stop": 0, "cancelled": 130, "nan": 3, "oom": 4, "error": 1}


def add_train_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", type=Path, help="the project folder")
    p.add_argument("--task", choices=["detect", "segment", "classify"],
                   help="what to learn (default: the task of --model)")
    p.add_argument("--model", choices=list(MODELS), metavar="NAME",
                   help="model to fine-tune: " + ", ".join(MODELS) + " (default: the task's default)")
    p.add_argument("--epochs", type=int, help="epochs to train (default 20)")
    p.add_argument("--batch", type=int, help="images per step and per GPU (default: the model's)")
    p.add_argument("--lr", type=float, help="learning rate (default: the model's)")
    p.add_argument("--img-size", type=int, help="image size in pixels (default: the model's)")
    p.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    p.add_argument("--no-pretrained", action="store_true", help="train from scratch (no ImageNet/COCO weights)")
    p.add_argument("--weights", help="start from this local weights file instead of downloading")
    p.add_argument("--resume", metavar="RUN", help="continue a run (folder or name) from its last.pt")
    p.add_argument("--max-steps", type=int, help="stop after this many steps in all")
    p.add_argument("--val", type=float, dest="val_fraction", help="fraction of images kept for validation (0.2)")
    p.add_argument("--seed", type=int, help="seed of the split and the initialisation (0)")
    p.add_argument("--workers", type=int, help="data loader processes (default: from the CPU count)")
    p.add_argument("--optimizer", choices=["sgd", "adamw"], help="default: the model's")
    p.add_argument("--schedule", choices=["cosine", "onecycle", "constant"], help="learning-rate schedule")
    p.add_argument("--patience", type=int, dest="early_stop_patience",
                   help="stop when the validation metric has not improved for this many epochs")
    p.add_argument("--freeze", type=int, dest="freeze_backbone_stages",
                   help="classify: freeze this many early ResNet stages (1-5)")
    p.add_argument("--backbone-lr", type=float, dest="backbone_lr_mult",
                   help="classify: learning-rate multiplier of the pretrained layers (e.g. 0.1)")
    p.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    p.add_argument("--extra", type=_json_object, help="advanced: a JSON object merged into the config's extra "
                   "options, e.g. '{\"detector\": {\"box_batch_size_per_image\": 128}}'")
    p.add_argument("--quiet", action="store_true", help="print the end only")


def _json_object(text: str) -> dict:
    import json

    try:
        value = json.loads(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not JSON: {e}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return value


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """A :class:`TrainConfig` from the parsed options; a resumed run starts
    from its ``config.json`` and takes only the options given again."""
    given = {k: getattr(args, k) for k in (
        "epochs", "lr", "img_size", "device", "weights", "max_steps", "val_fraction", "seed", "workers",
        "optimizer", "schedule", "early_stop_patience", "freeze_backbone_stages", "backbone_lr_mult")
        if getattr(args, k, None) is not None}
    if getattr(args, "batch", None) is not None:
        given["batch_size"] = args.batch
    if args.no_pretrained:
        given["pretrained"] = False
    if args.no_amp:
        given["amp"] = False
    if getattr(args, "extra", None):
        given["extra"] = args.extra
    if args.resume:
        import json

        from .run import resolve_run

        run = resolve_run(args.folder, args.resume)
        try:
            base = TrainConfig.from_dict(json.loads((run / "config.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as e:
            raise ConfigError(f"cannot read {run / 'config.json'}: {e}") from None
        return TrainConfig.from_dict({**base.to_dict(), **given, "resume": str(run)})
    model = args.model
    task = args.task
    if model is None and task is None:
        raise ConfigError("say what to train: --task detect|segment|classify and/or --model NAME")
    if model is None:
        model = default_model(task)
    spec = get_spec(model)
    if task is not None and spec.task != task:
        raise ConfigError(f"{model} is a {spec.task} model; pick a {task} model: "
                          + ", ".join(n for n, s in MODELS.items() if s.task == task))
    given.setdefault("batch_size", spec.batch_size)
    return TrainConfig(task=spec.task, model=model, **given)


class ConsoleReporter(Callback):
    """One line per epoch on ``out``, a progress bar per epoch on stderr."""

    def __init__(self, out: TextIO | None = None, quiet: bool = False):
        self.out = out or sys.stdout
        self.quiet = quiet
        self.bar = None
        self.start: TrainStart | None = None
        self.losses: list[float] = []

    def _print(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def on_train_start(self, e: TrainStart) -> None:
        self.start = e
        resumed = f", resuming at step {e.start_step}" if e.start_step else ""
        self._print(f"training {e.model} ({e.task}, {len(e.classes)} classes: {', '.join(e.classes)}) on {e.device}: "
                    f"{e.train_images} train / {e.val_images} val images, {e.epochs} epochs x {e.steps_per_epoch} "
                    f"steps{resumed}")
        self._print(f"run folder: {e.run_dir}")

    def on_step(self, e: Step) -> None:
        from labeltool.app.progress import ProgressBar

        self.losses.append(e.loss)
        if self.quiet or self.start is None:
            return
        if self.bar is None:
            self.bar = ProgressBar(f"epoch {e.epoch + 1}/{self.start.epochs}", self.start.steps_per_epoch)
        self.bar.label = f"epoch {e.epoch + 1}/{self.start.epochs} loss {e.loss:.3f}"
        self.bar.update(self.bar.done + 1)

    def on_epoch_end(self, e: EpochEnd) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        loss = sum(self.losses) / len(self.losses) if self.losses else float("nan")
        self.losses = []
        metrics = "  ".join(f"{k} {v:.4f}" for k, v in e.metrics.items())
        total = self.start.epochs if self.start else "?"
        self._print(f"epoch {e.epoch + 1}/{total}  step {e.step}  loss {loss:.4f}  {metrics}"
                    + ("  (best)" if e.is_best else ""))

    def on_log(self, e: Log) -> None:
        if e.level != "info" or not self.quiet:
            print(f"{e.level}: {e.message}", file=sys.stderr, flush=True)

    def on_train_end(self, e: TrainEnd) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None
        best = f"; best {e.best_metric:.4f}" if e.best_metric is not None else ""
        print(f"{e.reason}: {e.message}{best}", file=self.out if e.reason in ("finished", "early_stop")
              else sys.stderr, flush=True)


@contextmanager
def cancel_on_sigint(token: CancelToken) -> Iterator[None]:
    """First Ctrl-C: stop after the current step and save last.pt; a second
    one interrupts at once."""
    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        print("stopping after this step (Ctrl-C again to interrupt at once)", file=sys.stderr, flush=True)
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_train(args: argparse.Namespace, events: str = "text") -> int:
    """Train from parsed options; the exit code says how the run ended."""
    from .run import train

    config = config_from_args(args)
    callbacks: list[Callback] = []
    if events == "jsonl":
        callbacks.append(JsonLines(sys.stdout))
        callbacks.append(ConsoleReporter(sys.stderr, quiet=True))
    else:
        callbacks.append(ConsoleReporter(quiet=getattr(args, "quiet", False)))
    token = CancelToken()
    with cancel_on_sigint(token):
        result = train(args.folder, config, callbacks, token)
    return EXIT_CODES.get(result.reason, 1)

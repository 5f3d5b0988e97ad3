"""``train()``: one call from a project folder and a :class:`TrainConfig`
to a finished run folder. The GUI's worker thread, ``labeltool train`` and
``python -m engine train`` (under torchrun too) all come through here.

A run lives in ``<project>/.labeltool/runs/<timestamp>-<model>/``:
``config.json`` (the resolved config, plus classes and bookkeeping),
``metrics.jsonl`` (one event per line), ``split.json`` (the images it
trains, validates and tests on, and whether the split is the project's
own), ``best.pt``, ``last.pt`` and, when
``tensorboard`` is installed, TensorBoard event files.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import time
from dataclasses import dataclass, replace
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Any, Sequence

import torch
from torch.utils.data import DataLoader, DistributedSampler

from labeltool.core.errors import StoreError
from labeltool.core.images import ImageLoadError
from labeltool.core.store import ProjectStore, Snapshot

from .callbacks import MetricsFile, tensorboard_or_none
from .checkpoint import load_checkpoint
from .config import RCNN_TASKS, TrainConfig
from .data import TaskData, build_task_data, collate, task_dataset
from .device import resolve_device
from .distributed import DistInfo, setup_distributed
from .errors import ConfigError, EngineError, WeightsUnavailableError
from .events import Callback, CancelToken, EndReason, Log, TrainEnd, dispatch
from .models import ModelSpec, get_spec
from .models.weights import ensure_weights, load_weights_file
from .optim import build_optimizer, default_warmup
from .runs import RecordedSplit, RunFolder, resolve_run, runs_root
from .tasks import adapter_for
from .trainer import Trainer, TrainerParts, TrainState


@dataclass
class RunResult:
    run_dir: Path | None  # None when the run failed before its folder was made
    reason: EndReason
    best_metric: float | None
    last_step: int
    message: str = ""
    details: dict[str, Any] | None = None  # the failure's facts (TrainEnd.details)


def default_workers(world_size: int = 1) -> int:
    # Leave two cores for the training process itself (and the window).
    return max(0, min(8, (os.cpu_count() or 1) // world_size - 2))


def train(project_root: Path | str, config: TrainConfig, callbacks: Sequence[Callback] = (),
          cancel: CancelToken | None = None, snapshot: Snapshot | None = None,
          worker_start: str | None = None) -> RunResult:
    """Train as ``config`` says. Never raises for a failed run: the last
    event is a :class:`TrainEnd` whose ``reason`` and ``message`` say what
    happened, and the result repeats them.

    ``worker_start`` is how data-loader workers start (``"fork"``,
    ``"spawn"``, ``"forkserver"``; None: the platform's default); a property
    of the calling process, not of the run, so it is not in the config: the
    window passes ``"forkserver"`` (see :func:`worker_context`)."""
    user_callbacks = list(callbacks)
    dist = DistInfo()
    file_cb: MetricsFile | None = None
    try:
        dist = setup_distributed(config.device)
        parts, cfg, state, logs, file_cb = _prepare(Path(project_root), config, snapshot, dist, user_callbacks,
                                                     worker_start)
        listeners: list[Callback] = []
        if file_cb is not None:
            listeners.append(file_cb)
            tb = tensorboard_or_none(parts.run_dir, logs) if parts.run_dir else None
            if tb is not None:
                listeners.append(tb)
        trainer = Trainer(parts, cfg, listeners + user_callbacks, cancel, state, logs)
        end = trainer.fit()
    except Exception as e:  # set-up failed: no run folder, or nothing trained
        message = str(e) if isinstance(e, (EngineError, StoreError, ImageLoadError)) else f"{type(e).__name__}: {e}"
        end = TrainEnd(reason="error", message=message, step=0, run_dir="",
                       details=e.details if isinstance(e, EngineError) else None)
        if dist.is_main:
            for cb in user_callbacks:
                try:
                    dispatch(cb, end)
                except Exception:
                    pass
    finally:
        if file_cb is not None:
            file_cb.close()
        dist.close()
    return RunResult(Path(end.run_dir) if end.run_dir else None, end.reason, end.best_metric, end.step, end.message,
                     end.details)


def _emit_now(callbacks: list[Callback], dist: DistInfo, level: str, message: str) -> None:
    if dist.is_main:
        for cb in callbacks:
            dispatch(cb, Log(level, message))  # type: ignore[arg-type]


def _prepare(root: Path, config: TrainConfig, snapshot: Snapshot | None, dist: DistInfo, callbacks: list[Callback],
             worker_start: str | None = None,
             ) -> tuple[TrainerParts, TrainConfig, TrainState, list[Log], MetricsFile | None]:
    """Everything the loop needs, set up in this order."""
    root = root.expanduser().resolve()
    logs: list[Log] = []
    cfg, spec, ckpt, resume_dir = _resolve_config(root, config)
    data = _take_snapshot(root, cfg, snapshot, dist, ckpt, resume_dir, logs)
    device = resolve_device(cfg.device, dist.local_rank if dist.enabled else None)
    torch.manual_seed(cfg.seed + dist.rank)
    model = _build_model(spec, cfg, len(data.classes), ckpt, device, dist, callbacks, logs)
    optimizer = _build_optimizer(model, spec, cfg, ckpt)
    wrapped = _wrap_for_ranks(model, device, dist)
    loaders = _build_loaders(cfg, data, dist, device, worker_start)
    run_dir, file_cb = _open_run_folder(root, resume_dir, spec.name, cfg, data, loaders.batch, dist)
    parts = TrainerParts(model=wrapped, module=model, model_name=spec.name, adapter=adapter_for(cfg.task, data.classes),
                         data=data, train_loader=loaders.train, val_loader=loaders.val, sampler=loaders.sampler,
                         optimizer=optimizer, device=device, img_size=cfg.img_size, total_steps=loaders.total_steps,
                         warmup=loaders.warmup, run_dir=run_dir, dist=dist, test_loader=loaders.test)
    return parts, cfg, _resumed_state(ckpt), logs, file_cb


def _resolve_config(root: Path, config: TrainConfig,
                    ) -> tuple[TrainConfig, ModelSpec, dict[str, Any] | None, Path | None]:
    """The config with the model's defaults filled in; a resumed run takes
    its task, model and image size from its checkpoint (returned too)."""
    ckpt: dict[str, Any] | None = None
    resume_dir: Path | None = None
    cfg = replace(config, extra=dict(config.extra))
    if cfg.resume:
        resume_dir = resolve_run(root, cfg.resume)
        ckpt = load_checkpoint(resume_dir / "last.pt")
        cfg = replace(cfg, task=ckpt["task"], model=ckpt["model"], img_size=int(ckpt["img_size"]))
    spec = get_spec(cfg.model)
    if spec.task != cfg.task:
        raise ConfigError(f"model {spec.name} is a {spec.task} model, not {cfg.task}")
    cfg = replace(cfg, lr=cfg.lr or spec.lr, img_size=cfg.img_size or spec.img_size)
    if cfg.task not in RCNN_TASKS and cfg.img_size % 32:
        raise ConfigError(f"--img-size must be a multiple of 32 for {cfg.task}, got {cfg.img_size}")
    return cfg, spec, ckpt, resume_dir


def _take_snapshot(root: Path, cfg: TrainConfig, snapshot: Snapshot | None, dist: DistInfo,
                   ckpt: dict[str, Any] | None, resume_dir: Path | None, logs: list[Log]) -> TaskData:
    """The labels to train on: taken once by rank 0 so every rank trains on
    the same ones, split into train, validation and test (the project's own
    split when it has one, as ``cfg.split`` says). A resumed run keeps
    validating on the images it recorded (when the split is chosen as
    before), so that its epochs compare."""
    if dist.is_main and snapshot is None:
        with ProjectStore.open(root, readonly=True) as store:
            snapshot = store.snapshot()
    snapshot = dist.broadcast(snapshot)
    recorded = RunFolder(resume_dir).recorded_split() if resume_dir is not None else None
    if recorded is not None and not _same_split(recorded, cfg):
        recorded = None
    data = build_task_data(snapshot, cfg.task, cfg.val_fraction, cfg.seed, ckpt["classes"] if ckpt else None,
                           recorded=recorded, split_choice=cfg.split)
    logs += [Log("warning", w) for w in data.warnings]
    if data.source == "stored":
        logs.append(Log("info", f"the project's own split: {len(data.train)} train, {len(data.val)} val, "
                                f"{len(data.test)} test images"))
    if not data.val:
        logs.append(Log("warning", "no validation images (too few labelled images or --val 0): "
                                   "metrics are not computed and best.pt is not chosen"))
    return data


def _same_split(recorded: RecordedSplit, cfg: TrainConfig) -> bool:
    """Whether a resumed run chooses its split as it did: the project's own
    again, or the same share and seed."""
    if recorded.source == "stored":
        return cfg.split != "auto"
    return cfg.split != "stored" and (recorded.val_fraction, recorded.seed) == (cfg.val_fraction, cfg.seed)


def _build_model(spec: ModelSpec, cfg: TrainConfig, n_classes: int, ckpt: dict[str, Any] | None,
                 device: torch.device, dist: DistInfo, callbacks: list[Callback], logs: list[Log]) -> torch.nn.Module:
    """The bare model on ``device``: pretrained, from a weights file or from
    the resumed checkpoint."""
    # Pretrained weights: rank 0 downloads, the others wait for the file
    # (or for the error, so that no rank trains alone).
    pretrained = cfg.pretrained and ckpt is None and not cfg.weights and spec.weights is not None
    if pretrained:
        error = None
        if dist.is_main:
            try:
                ensure_weights(spec.weights, _download_logger(callbacks, dist, spec.weights))
            except WeightsUnavailableError as e:
                error = (str(e), e.details)
        error = dist.broadcast(error)
        if error:
            raise WeightsUnavailableError.from_details(*error)
    model = spec.build(n_classes, pretrained, cfg.img_size, options=cfg.extra.get("detector"))
    if cfg.weights and ckpt is None:
        n = load_weights_file(model, cfg.weights, spec.backbone(model))
        logs.append(Log("info", f"loaded {n} tensors from {cfg.weights}"))
    if ckpt is not None:
        model.load_state_dict(ckpt["state_dict"])
    model.to(device)
    if device.type == "cuda" and cfg.task not in RCNN_TASKS:
        model.to(memory_format=torch.channels_last)
    return model


def _build_optimizer(model: torch.nn.Module, spec: ModelSpec, cfg: TrainConfig,
                     ckpt: dict[str, Any] | None) -> torch.optim.Optimizer:
    optimizer = build_optimizer(model, spec, cfg, cfg.lr)
    if ckpt is not None and "optimizer" in ckpt:
        optimizer.load_state_dict(ckpt["optimizer"])
    return optimizer


def _wrap_for_ranks(model: torch.nn.Module, device: torch.device, dist: DistInfo) -> torch.nn.Module:
    """The model the loop steps: DDP-wrapped under torchrun, else the model itself."""
    if not dist.enabled:
        return model
    device_ids = [device.index] if device.type == "cuda" else None
    return torch.nn.parallel.DistributedDataParallel(model, device_ids=device_ids)


@dataclass
class _Loaders:
    train: DataLoader
    val: DataLoader | None  # None without validation images, and on ranks other than 0
    test: DataLoader | None  # the project's test images, on rank 0
    sampler: DistributedSampler | None
    batch: int
    total_steps: int
    warmup: int


def _build_loaders(cfg: TrainConfig, data: TaskData, dist: DistInfo, device: torch.device,
                   worker_start: str | None) -> _Loaders:
    """The data loaders, and the run's length in steps that follows from them."""
    workers = cfg.workers if cfg.workers is not None else default_workers(dist.world_size)
    cuda = device.type == "cuda"
    # Only multi-process loading takes a start method (DataLoader refuses one otherwise).
    context = worker_context(worker_start) if workers > 0 else None
    train_ds = task_dataset(data.train, cfg.task, data.classes, cfg.img_size, train=True)
    batch = max(1, min(cfg.batch_size, len(train_ds)))
    sampler = DistributedSampler(train_ds, dist.world_size, dist.rank, shuffle=True, seed=cfg.seed) \
        if dist.enabled else None
    generator = torch.Generator().manual_seed(cfg.seed)
    per_rank = len(train_ds) // dist.world_size
    train_loader = DataLoader(train_ds, batch_size=batch, shuffle=sampler is None, sampler=sampler,
                              num_workers=workers, collate_fn=collate, pin_memory=cuda,
                              drop_last=per_rank > batch, persistent_workers=workers > 0, generator=generator,
                              multiprocessing_context=context)

    def evaluation_loader(samples: list, persistent: bool) -> DataLoader | None:
        if not samples or not dist.is_main:
            return None
        # Crowd regions stay in what is evaluated, for the evaluation to ignore.
        ds = task_dataset(samples, cfg.task, data.classes, cfg.img_size, train=False, keep_crowd=True)
        return DataLoader(ds, batch_size=batch, num_workers=workers, collate_fn=collate, pin_memory=cuda,
                          persistent_workers=persistent and workers > 0, multiprocessing_context=context)

    total = cfg.epochs * len(train_loader)
    if cfg.max_steps is not None:
        total = min(total, cfg.max_steps)
    warmup = cfg.warmup_steps if cfg.warmup_steps is not None else default_warmup(total)
    # The test images are read once: no workers kept alive for them.
    return _Loaders(train_loader, evaluation_loader(data.val, True), evaluation_loader(data.test, False), sampler,
                    batch, total, warmup)


def worker_context(start: str | None) -> BaseContext | None:
    """The multiprocessing context data-loader workers start with; None:
    the platform's default (``fork`` on Linux before Python 3.14).

    ``fork`` copies the whole process, threads' locks included: fine for the
    command line, unsafe from the window, whose Qt threads may hold a lock at
    that moment (and whose cyclic GC is off, which a forked worker would
    inherit). ``spawn`` and ``forkserver`` start clean processes instead."""
    if start is None:
        return None
    methods = multiprocessing.get_all_start_methods()
    if start not in methods:
        raise ConfigError(f"data-loader workers cannot start by {start!r} here; use one of {', '.join(methods)}")
    context = multiprocessing.get_context(start)
    if start == "forkserver":
        # The server imports the data code (torch, torchvision) once; each
        # worker then forks from it ready instead of importing them again.
        context.set_forkserver_preload(["engine.data"])
    return context


def _open_run_folder(root: Path, resume_dir: Path | None, model_name: str, cfg: TrainConfig, data: TaskData,
                     batch: int, dist: DistInfo) -> tuple[Path | None, MetricsFile | None]:
    """Rank 0's run folder (the resumed one, or a new one) with its config
    and split written and its metrics file open; nothing on the other ranks."""
    if not dist.is_main:
        return None, None
    run_dir = resume_dir or _new_run_dir(root, model_name)
    for partial in run_dir.glob("*.pt.tmp"):  # a checkpoint a killed run was writing: its old file is whole
        partial.unlink(missing_ok=True)
    _write_config(run_dir, cfg, data.classes, batch, dist.world_size)
    RunFolder(run_dir).write_split(RecordedSplit(train=[s.rel for s in data.train], val=[s.rel for s in data.val],
                                                 val_fraction=cfg.val_fraction, seed=cfg.seed,
                                                 test=[s.rel for s in data.test], source=data.source))
    return run_dir, MetricsFile(run_dir / "metrics.jsonl")


def _resumed_state(ckpt: dict[str, Any] | None) -> TrainState:
    if ckpt is None:
        return TrainState()
    return TrainState(step=int(ckpt["step"]), epochs_done=int(ckpt["epoch"]), best_metric=ckpt.get("best_metric"),
                      best_epoch=ckpt.get("best_epoch"), best_step=ckpt.get("best_step"),
                      last_saved_step=int(ckpt["step"]), best_loss=float(ckpt.get("best_loss") or "inf"),
                      elapsed_before=float(ckpt.get("elapsed_s") or 0.0))


def _new_run_dir(root: Path, model: str) -> Path:
    base = runs_root(root)
    base.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for n in range(1, 1000):
        candidate = base / (f"{stamp}-{model}" if n == 1 else f"{stamp}-{model}-{n}")
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            continue
    raise EngineError(f"cannot create a run folder in {base}")


def _write_config(run_dir: Path, cfg: TrainConfig, classes: list[str], batch: int, world: int) -> None:
    path = run_dir / "config.json"
    created = None
    if path.exists():  # resumed: keep when the run began
        try:
            created = json.loads(path.read_text(encoding="utf-8")).get("created")
        except (OSError, ValueError):
            pass
    data = {**cfg.to_dict(), "batch_size": batch, "classes": classes, "world_size": world, "pid": os.getpid(),
            "created": created or time.strftime("%Y-%m-%dT%H:%M:%S")}
    tmp = path.with_name("config.json.tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path)


def _download_logger(callbacks: list[Callback], dist: DistInfo, weights: Any) -> Any:
    name = os.path.basename(weights.url)
    last = [-1]

    def progress(done: int, total: int | None) -> None:
        if total:
            tenth = int(10 * done / total)
            if tenth != last[0]:
                last[0] = tenth
                _emit_now(callbacks, dist, "info", f"downloading {name}: {100 * done // total}%")
    return progress

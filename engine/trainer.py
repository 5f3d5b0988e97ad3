"""One training loop for every task, with events.

The loop (detectron2's ``TrainerBase.train`` / fastai's ``Learner.fit``
shape): everything optional — logging, the metrics file, TensorBoard, the
Qt adapter — listens to events; checkpoints and early stopping are built in
because the decision to stop must be taken together by all ranks. The loop
runs inside ``try/finally`` so that :class:`TrainEnd` always goes out, and
every way a run ends becomes a reason and a message, never an exception out
of :meth:`Trainer.fit`.
"""
from __future__ import annotations

import contextlib
import math
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ContextManager

import torch
from torch import nn

from labeltool.core.images import ImageLoadError, load_image

from .checkpoint import link_checkpoint, load_checkpoint, save_checkpoint
from .config import RCNN_TASKS, TrainConfig
from .data import TaskData
from .distributed import DistInfo
from .errors import NonFiniteLossError
from .events import (Callback, Checkpoint, EndReason, EpochEnd, Event, Log, PredictionSample, Predictions, Step,
                     TestEnd, TrainEnd, TrainingCancelled, TrainStart, dispatch)
from .metric_info import metric_info, undefined_metrics
from .optim import lr_factor, set_lr
from .tasks import TaskAdapter


class _EarlyStop(Exception):
    pass


class _CallbackFailed(Exception):
    pass


@dataclass
class TrainState:
    step: int = 0  # global steps done
    epochs_done: int = 0
    best_metric: float | None = None
    best_epoch: int | None = None
    best_step: int | None = None  # the step best.pt was saved at
    best_loss: float = math.inf
    last_saved_step: int = -1
    elapsed_before: float = 0.0  # seconds the earlier parts of a resumed run trained
    skipped: set[str] = field(default_factory=set)


@dataclass
class TrainerParts:
    """What :func:`engine.run.train` assembled for the loop."""

    model: nn.Module  # possibly DDP-wrapped
    module: nn.Module  # the bare model (eval, checkpoints)
    model_name: str
    adapter: TaskAdapter
    data: TaskData
    train_loader: Any
    val_loader: Any | None
    sampler: Any | None
    optimizer: torch.optim.Optimizer
    device: torch.device
    img_size: int
    total_steps: int
    warmup: int
    run_dir: Path | None  # None on ranks other than 0
    dist: DistInfo
    test_loader: Any | None = None  # the project's test images (rank 0), evaluated once at the end


class Trainer:
    def __init__(self, parts: TrainerParts, config: TrainConfig, callbacks: list[Callback],
                 cancel: Any = None, state: TrainState | None = None, pending_logs: list[Log] | None = None):
        self.p = parts
        self.config = config
        self.callbacks = list(callbacks) if parts.dist.is_main else []
        self.cancel = cancel
        self.state = state or TrainState()
        self.pending_logs = pending_logs or []
        self._callback_error: str | None = None
        cuda = parts.device.type == "cuda"
        self.channels_last = cuda and parts.adapter.task not in RCNN_TASKS
        self.amp_dtype: torch.dtype | None = None
        if cuda and config.amp:
            self.amp_dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        self.scaler = torch.amp.GradScaler("cuda") if self.amp_dtype == torch.float16 else None
        self.nan_at = config.extra.get("debug_nan_at_step")  # fault injection for tests and GUI checks
        self.nan_rank = config.extra.get("debug_nan_rank")

    # ------------------------------------------------------------ events
    def emit(self, event: Event) -> None:
        for cb in self.callbacks:
            try:
                dispatch(cb, event)
            except TrainingCancelled:
                if self.cancel is not None:
                    self.cancel.cancel()
                else:
                    self._callback_error = self._callback_error or "cancelled by a callback"
            except Exception as e:  # a broken listener stops the run cleanly, on every rank
                if isinstance(event, TrainEnd):
                    continue
                self._callback_error = self._callback_error or (
                    f"{type(cb).__name__}.{type(event).__name__} failed: {type(e).__name__}: {e}")

    def log(self, level: str, message: str) -> None:
        self.emit(Log(level, message))  # type: ignore[arg-type]

    def autocast(self) -> ContextManager[Any]:
        if self.amp_dtype is None:
            return contextlib.nullcontext()
        return torch.autocast(self.p.device.type, dtype=self.amp_dtype)

    # -------------------------------------------------------------- stop
    def _stop_check(self, nonfinite: bool = False, empty: bool = False) -> bool:
        """Raise if any rank wants to stop; return True if any rank has an
        empty batch (all its images unreadable): then every rank skips it."""
        cancelled = self.cancel is not None and self.cancel.cancelled
        flags = self.p.dist.any([cancelled, nonfinite, self._callback_error is not None, empty])
        if flags[2]:
            raise _CallbackFailed(self._callback_error or "a callback failed on rank 0")
        if flags[0]:
            raise TrainingCancelled()
        if flags[1]:
            local = math.isfinite(self._last_loss)  # finite here: another rank saw it
            raise NonFiniteLossError(self.state.step + 1, float("nan") if local else self._last_loss,
                                     "another process" if local else "")
        return flags[3]

    # -------------------------------------------------------------- loop
    def elapsed(self) -> float:
        """Seconds since the run began, earlier parts of a resumed run included."""
        return self.state.elapsed_before + time.perf_counter() - self._t0

    def planned_epochs(self) -> int:
        """The epochs that will run in all: each runs a loader's length of
        steps until the step limit, so max_steps may end the run sooner than
        the config's epochs."""
        st, per_epoch = self.state, max(1, len(self.p.train_loader))
        left = max(0, self.p.total_steps - st.step)
        return min(max(self.config.epochs, st.epochs_done), st.epochs_done + math.ceil(left / per_epoch))

    def fit(self) -> TrainEnd:
        p, cfg, st = self.p, self.config, self.state
        reason: EndReason = "finished"
        message = ""
        self._last_loss = float("nan")
        self._t0 = time.perf_counter()
        self._start_step = start_step = st.step
        try:
            self.emit(TrainStart(
                run_dir=str(p.run_dir or ""), task=p.adapter.task, model=p.model_name, classes=p.adapter.classes,
                epochs=self.planned_epochs(), steps_per_epoch=len(p.train_loader), total_steps=p.total_steps,
                start_step=start_step, device=str(p.device), train_images=len(p.data.train),
                val_images=len(p.data.val), config=cfg.to_dict(), start_epoch=st.epochs_done,
                elapsed_s=st.elapsed_before))
            for log in self.pending_logs:
                self.emit(log)
            self._run_epochs()
            if st.step >= p.total_steps or st.epochs_done >= cfg.epochs:
                message = f"finished after {st.step} steps ({st.epochs_done} epochs)"
        except TrainingCancelled:
            reason, message = "cancelled", (f"stopped at step {st.step} as asked; last.pt keeps the weights "
                                            "(continue with --resume)")
        except _EarlyStop:
            reason, message = "early_stop", (f"stopped early at step {st.step}: {p.adapter.primary} did not improve "
                                             f"for {cfg.early_stop_patience} epochs (best after epoch "
                                             f"{(st.best_epoch or 0) + 1})")
        except NonFiniteLossError as e:
            reason = "nan"
            where = f" on {e.where}" if e.where else ""
            message = (f"the loss became {e.loss} at step {e.step}{where}; training stopped. The last good "
                       "checkpoint is kept. Try a lower learning rate (--lr), gradient clipping, or check the labels "
                       "(boxes of zero size, wrong classes).")
        except torch.OutOfMemoryError:
            reason = "oom"
            smaller = max(1, cfg.batch_size // 2)
            message = (f"the {p.device.type.upper()} ran out of memory at batch size {cfg.batch_size}; try "
                       f"--batch {smaller} (or a smaller --img-size)")
            if p.device.type == "cuda":
                torch.cuda.empty_cache()
        except _CallbackFailed as e:
            reason, message = "error", f"a listener of the run failed: {e}"
        except KeyboardInterrupt:
            reason, message = "cancelled", f"interrupted at step {st.step}; last.pt keeps the weights"
        except Exception as e:
            reason, message = "error", f"{type(e).__name__}: {e}"
            self.log("error", traceback.format_exc())
        finally:
            if reason in ("finished", "cancelled", "early_stop"):
                with contextlib.suppress(Exception):
                    self._save(best=False)
            if reason in ("finished", "early_stop"):
                with contextlib.suppress(Exception):
                    self._settle_last()
                self._test()
            end = TrainEnd(reason=reason, message=message, step=st.step, run_dir=str(p.run_dir or ""),
                           best_metric=st.best_metric, epochs_done=st.epochs_done, elapsed_s=self.elapsed())
            self.emit(end)
        return end

    def _run_epochs(self) -> None:
        p, cfg, st = self.p, self.config, self.state
        for epoch in range(st.epochs_done, cfg.epochs):
            if st.step >= p.total_steps:
                break
            if p.sampler is not None:
                p.sampler.set_epoch(epoch)
            p.model.train()
            self._train_epoch(epoch)
            st.epochs_done = epoch + 1
            self._end_epoch(epoch)

    def _train_epoch(self, epoch: int) -> None:
        p, cfg, st = self.p, self.config, self.state
        t_last = time.perf_counter()
        rate: float | None = None
        for batch in p.train_loader:
            if st.step >= p.total_steps:
                break
            for bad in batch.skipped:
                if bad.path not in st.skipped:
                    st.skipped.add(bad.path)
                    self.log("warning", f"skipped unreadable image {bad.path}: {bad.reason}")
            if self._stop_check(empty=not len(batch)):
                continue
            step = st.step + 1
            lr = set_lr(p.optimizer, lr_factor(step, p.total_steps, p.warmup, cfg.schedule))
            batch = batch.to(p.device, self.channels_last)
            with self.autocast():
                loss, parts = p.adapter.loss(p.model, batch)
            if self.nan_at is not None and step == int(self.nan_at) and (
                    self.nan_rank is None or int(self.nan_rank) == p.dist.rank):
                loss = loss * float("nan")
            self._last_loss = float(loss.detach())
            self._stop_check(nonfinite=not math.isfinite(self._last_loss))
            p.optimizer.zero_grad(set_to_none=True)
            if self.scaler is not None:
                self.scaler.scale(loss).backward()
                self.scaler.unscale_(p.optimizer)
            else:
                loss.backward()
            if cfg.grad_clip:
                torch.nn.utils.clip_grad_norm_(p.module.parameters(), cfg.grad_clip)
            if self.scaler is not None:
                self.scaler.step(p.optimizer)
                self.scaler.update()
            else:
                p.optimizer.step()
            st.step = step
            now = time.perf_counter()
            images = len(batch) * p.dist.world_size
            inst = images / max(now - t_last, 1e-9)
            rate = inst if rate is None else 0.9 * rate + 0.1 * inst
            t_last = now
            # At this part's pace, validation included: a resumed run's
            # earlier parts may have run on another machine.
            eta = (now - self._t0) / (step - self._start_step) * (p.total_steps - step)
            if self.callbacks:
                self.emit(Step(step=step, epoch=epoch, loss=self._last_loss,
                               parts={k: float(v) for k, v in parts.items()}, lr=lr, images_per_s=rate,
                               elapsed_s=self.elapsed(), eta_s=eta))

    def _end_epoch(self, epoch: int) -> None:
        p, cfg, st = self.p, self.config, self.state
        early = False
        if p.dist.is_main:
            result = None
            if p.val_loader is not None:
                result = p.adapter.evaluate(p.module, p.val_loader, p.device, self.autocast, self.channels_last)
            p.model.train()
            metrics = result.metrics if result else {}
            value = metrics.get(p.adapter.primary)
            # Ties (a small val set gives accuracy 1.0 early) go to the lower val loss.
            loss = metrics.get("val_loss", math.inf)
            # Which way is better is the metric's (a recogniser's error rate falls).
            sign = 1.0 if metric_info(p.adapter.primary).higher_is_better else -1.0
            is_best = value is not None and math.isfinite(value) and (
                st.best_metric is None or sign * value > sign * st.best_metric
                or (value == st.best_metric and loss < st.best_loss))
            if is_best:
                st.best_metric, st.best_epoch, st.best_step, st.best_loss = float(value), epoch, st.step, loss
            validated = len(p.data.val) if p.val_loader is not None else 0
            self.emit(EpochEnd(epoch=epoch, step=st.step, metrics=metrics,
                               per_class=result.per_class if result else {},
                               confusion=result.confusion if result else None, is_best=is_best,
                               undefined=undefined_metrics(p.adapter.task, metrics, validated),
                               elapsed_s=self.elapsed()))
            self._save(best=False)
            if is_best:
                self._save(best=True)
            self._emit_predictions(epoch)
            if cfg.early_stop_patience is not None and st.best_epoch is not None:
                early = epoch - st.best_epoch >= cfg.early_stop_patience
        if p.dist.any([early])[0]:
            raise _EarlyStop()

    def _emit_predictions(self, epoch: int) -> None:
        p, st = self.p, self.state
        n = self.config.predictions_every_epoch
        if not n or not self.callbacks:
            return
        chosen = (p.data.val or p.data.train)[:n]
        arrays, picked = [], []
        for s in chosen:
            try:
                arrays.append(load_image(s.path))
                picked.append(s)
            except ImageLoadError:
                continue
        if not arrays:
            return
        name = p.run_dir.name if p.run_dir else p.model_name
        shapes = []
        for a, s in zip(arrays, picked):  # one at a time: images of different sizes, and little memory
            # regions: what a recogniser reads (the other tasks find their own)
            shapes += p.adapter.predict(p.module, [a], p.img_size, p.device, name, 0.3, self.autocast,
                                        regions=[s.shapes])
        p.model.train()
        samples = [PredictionSample(str(s.path), a.shape[1], a.shape[0], list(s.shapes), pred)
                   for s, a, pred in zip(picked, arrays, shapes)]
        self.emit(Predictions(epoch=epoch, step=st.step, samples=samples))

    def _test(self) -> None:
        """Evaluate the project's test images once, with the model the run
        keeps (best.pt, else the last weights). A failure here is a warning:
        the run itself finished."""
        p = self.p
        if p.test_loader is None or not p.dist.is_main:
            return
        try:
            checkpoint = "last.pt"
            best = p.run_dir / "best.pt" if p.run_dir is not None else None
            if best is not None and best.is_file() and self.state.best_step is not None:
                p.module.load_state_dict(load_checkpoint(best)["state_dict"])
                checkpoint = "best.pt"
            result = p.adapter.evaluate(p.module, p.test_loader, p.device, self.autocast, self.channels_last)
            images = len(p.test_loader.dataset)
            self.emit(TestEnd(step=self.state.step, metrics=result.metrics, per_class=result.per_class,
                              confusion=result.confusion, images=images, checkpoint=checkpoint,
                              undefined=undefined_metrics(p.adapter.task, result.metrics, images)))
        except Exception as e:  # noqa: BLE001 - reported, the run's weights are saved already
            self.log("warning", f"the test images could not be evaluated: {type(e).__name__}: {e}")

    # ------------------------------------------------------- checkpoints
    def checkpoint_payload(self, with_optimizer: bool) -> dict[str, Any]:
        p, st = self.p, self.state
        data: dict[str, Any] = {
            "model": p.model_name, "task": p.adapter.task, "classes": list(p.adapter.classes),
            "img_size": int(p.img_size), "step": int(st.step), "epoch": int(st.epochs_done),
            "best_metric": st.best_metric, "best_epoch": st.best_epoch, "best_step": st.best_step,
            "best_loss": st.best_loss if math.isfinite(st.best_loss) else None, "elapsed_s": self.elapsed(),
            "state_dict": {k: v.detach().cpu() for k, v in p.module.state_dict().items()},
            "config": self.config.to_dict(),
        }
        if with_optimizer:
            data["optimizer"] = p.optimizer.state_dict()
            if self.scaler is not None:
                data["scaler"] = self.scaler.state_dict()
        return data

    def _save(self, best: bool) -> None:
        p, st = self.p, self.state
        if p.run_dir is None or not p.dist.is_main:
            return
        if not best and st.last_saved_step == st.step:
            return
        path = p.run_dir / ("best.pt" if best else "last.pt")
        save_checkpoint(path, self.checkpoint_payload(with_optimizer=not best))
        if not best:
            st.last_saved_step = st.step
        self.emit(Checkpoint(path=str(path), epoch=max(0, st.epochs_done - 1), step=st.step, best=best))

    def _settle_last(self) -> None:
        """A run that reached its end keeps ``last.pt`` without the optimiser
        state (as large as the weights again, twice with AdamW): training it
        further starts a new schedule, where fresh momentum costs a few
        steps. When the last epoch was the best, ``last.pt`` becomes a
        second name of ``best.pt``'s file, costing nothing. A run stopped
        before its end (cancelled, NaN, killed) keeps the state to resume
        exactly."""
        p, st = self.p, self.state
        if p.run_dir is None or not p.dist.is_main or st.last_saved_step != st.step:
            return
        best, last = p.run_dir / "best.pt", p.run_dir / "last.pt"
        if st.best_step == st.step and best.is_file() and link_checkpoint(best, last):
            return
        save_checkpoint(last, self.checkpoint_payload(with_optimizer=False))

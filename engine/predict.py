"""Predictions of a trained run on images, as core shapes with
``Source.from_model(run_name, score)``: the same shapes a person draws, kept
apart as model-made until accepted."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Literal

import torch

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import Shape

from .checkpoint import load_checkpoint
from .device import resolve_device
from .errors import ConfigError
from .models import get_spec
from .runs import RunFolder
from .tasks import TaskAdapter, adapter_for


class Predictor:
    def __init__(self, model: torch.nn.Module, adapter: TaskAdapter, img_size: int, device: torch.device,
                 run_name: str, model_name: str):
        self.model = model.to(device).eval()
        self.adapter = adapter
        self.img_size = img_size
        self.device = device
        self.run_name = run_name
        self.model_name = model_name

    @property
    def classes(self) -> list[str]:
        return self.adapter.classes

    @property
    def task(self) -> str:
        return self.adapter.task

    @classmethod
    def from_run(cls, run_dir: Path | str, device: str = "auto", checkpoint: str | None = None) -> "Predictor":
        """The model of a run: its :meth:`RunFolder.checkpoint
        <engine.runs.RunFolder.checkpoint>` (``best.pt``, else ``last.pt``, or
        the ``checkpoint`` file named)."""
        run = RunFolder(run_dir)
        ckpt = load_checkpoint(run.checkpoint(checkpoint))
        spec = get_spec(ckpt["model"])
        options = ((ckpt.get("config") or {}).get("extra") or {}).get("detector")
        model = spec.build(len(ckpt["classes"]), pretrained=False, img_size=int(ckpt["img_size"]), options=options)
        model.load_state_dict(ckpt["state_dict"])
        dev = resolve_device(device)
        return cls(model, adapter_for(ckpt["task"], list(ckpt["classes"])), int(ckpt["img_size"]), dev,
                   run.name, spec.name)

    def predict(self, image_paths: Iterable[os.PathLike | str], score_threshold: float = 0.5, *,
                on_unreadable: Callable[[Path, ImageLoadError], None] | None = None,
                instance_output: Literal["mask", "polygon"] = "mask", tolerance: float = 1.0) -> list[list[Shape]]:
        """Shapes per image, in its (upright) pixels. An unreadable image
        raises :class:`ImageLoadError`, or with ``on_unreadable`` is reported
        there and gets an empty list.

        An instance model gives each object as a mask, or with
        ``instance_output="polygon"`` as its outline simplified by
        ``tolerance`` pixels (Douglas-Peucker; 0 keeps every pixel step); the
        other tasks ignore both."""
        options: dict[str, Any] = {}
        if self.task == "instance":
            if instance_output not in ("mask", "polygon"):
                raise ConfigError(f"instance predictions are masks or polygons, not {instance_output!r}")
            if tolerance < 0:
                raise ConfigError(f"the polygon tolerance is a distance in pixels, 0 or more; got {tolerance}")
            options = {"output": instance_output, "tolerance": float(tolerance)}
        out: list[list[Shape]] = []
        for p in image_paths:
            try:
                array = load_image(p)
            except ImageLoadError as e:
                if on_unreadable is None:
                    raise
                on_unreadable(Path(p), e)
                out.append([])
                continue
            out += self.adapter.predict(self.model, [array], self.img_size, self.device, self.run_name,
                                        score_threshold, **options)
        return out


def load_model(path: Path | str, device: str = "auto", checkpoint: str | None = None) -> Predictor:
    """What predicts, from a run folder or a folder written by ``labeltool
    export-model``: the window's review, ``labeltool predict`` and the model
    report all load models here."""
    from .export import is_export_folder, load_exported

    if is_export_folder(path):
        if checkpoint:
            raise ConfigError(f"{path} is an exported model: it has one set of weights, no checkpoint to choose")
        return load_exported(path, device=device)
    run = RunFolder(path)
    if not run.is_run() and not run.has_checkpoint():
        raise ConfigError(f"{path} is neither a run folder (with config.json) nor an exported model (with "
                          "model.json)")
    return Predictor.from_run(path, device=device, checkpoint=checkpoint)

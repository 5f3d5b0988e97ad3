"""Export a run's model for use outside labeltool, and load it back.

An export is a folder:

* ``model.torchscript.pt`` — TorchScript, loadable with ``torch.jit.load``
  and no labeltool. Faster R-CNN is scripted (torchvision supports
  ``torch.jit.script`` of its detectors in eval mode) and wrapped to return
  the detections alone; U-Net and ResNet are traced at the run's input size.
* ``model.onnx`` — U-Net and ResNet only, and only where the ``onnx``
  package is installed (labeltool does not depend on it); otherwise
  ``model.json`` says why it is absent.
* ``model.json`` — class names, task, input size, and how to feed the model.

:func:`load_exported` gives a predictor over the TorchScript file that
``labeltool predict`` uses exactly like a run (same pre- and
post-processing, so the same shapes).
"""
from __future__ import annotations

import importlib.util
import json
import os
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List

import torch
from torch import nn

from .device import resolve_device
from .errors import EngineError
from .transforms import MEAN, STD

if TYPE_CHECKING:
    from .predict import Predictor

EXPORT_FORMAT = "labeltool-export"
EXPORT_VERSION = 1
META_FILE = "model.json"
TORCHSCRIPT_FILE = "model.torchscript.pt"
ONNX_FILE = "model.onnx"


class ExportError(EngineError):
    """A model could not be exported, or an export folder cannot be read."""


@dataclass
class ExportResult:
    folder: Path
    files: dict[str, Path]  # format -> file
    skipped: dict[str, str] = field(default_factory=dict)  # format -> why not

    def message(self) -> str:
        lines = [f"exported to {self.folder}:"] + [f"  {k}: {v.name}" for k, v in self.files.items()]
        lines += [f"  {k} skipped: {why}" for k, why in self.skipped.items()]
        return "\n".join(lines)


class _Detections(nn.Module):
    """A scripted torchvision detector returns ``(losses, detections)``;
    callers elsewhere want the detections, as the eager model gives them."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, images: List[torch.Tensor]) -> List[Dict[str, torch.Tensor]]:
        return self.model(images)[1]


def _usage(task: str, img_size: int) -> dict[str, Any]:
    norm = {"mean": list(MEAN), "std": list(STD)}
    if task == "detect":
        return {"input": "a list of float32 RGB tensors (3, H, W) scaled to [0, 1], any size; the model resizes "
                         f"them (long side {img_size}) and normalises them itself",
                "output": "a list of dicts: boxes (N, 4) x1 y1 x2 y2 in input pixels, scores (N,), labels (N,) "
                          "where label k is classes[k - 1] (0 is background)"}
    if task == "segment":
        return {"input": f"float32 (N, 3, {img_size}, {img_size}): RGB resized to {img_size} x {img_size}, "
                         "scaled to [0, 1], then normalised with mean and std", "normalise": norm,
                "output": f"logits (N, 1 + len(classes), {img_size}, {img_size}); channel 0 is background, "
                          "channel k is classes[k - 1]; resize them to the image and take the argmax"}
    return {"input": f"float32 (N, 3, {img_size}, {img_size}): RGB with its short side resized to "
                     f"{round(img_size / 0.875)}, centre-cropped to {img_size}, scaled to [0, 1], then "
                     "normalised with mean and std", "normalise": norm,
            "output": "logits (N, len(classes)); softmax for scores"}


def _torchscript(model: nn.Module, task: str, img_size: int) -> torch.jit.ScriptModule:
    with warnings.catch_warnings():
        # torch.jit is marked deprecated in favour of torch.export, but
        # TorchScript is what C++ (libtorch), Java and mobile runtimes load
        # today, and what torchvision's detectors support.
        warnings.simplefilter("ignore")
        with torch.no_grad():
            if task == "detect":
                # Scripted detectors warn on every call that they return a
                # tuple; the wrapper already takes care of it.
                model._has_warned = True
                return torch.jit.script(_Detections(model))
            example = torch.zeros(1, 3, img_size, img_size)
            return torch.jit.trace(model, example, check_trace=False)


def _onnx(model: nn.Module, task: str, img_size: int, path: Path) -> str | None:
    """Write ``path``; returns why not when it cannot be done cleanly here."""
    if task == "detect":
        return ("Faster R-CNN does not export cleanly to ONNX (its post-processing is dynamic); use the "
                "TorchScript file")
    if importlib.util.find_spec("onnx") is None:
        return "the onnx package is not installed (pip install onnx), so no ONNX file was written"
    example = torch.zeros(1, 3, img_size, img_size)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, (example,), str(path), input_names=["images"], output_names=["logits"],
                              dynamic_axes={"images": {0: "batch"}, "logits": {0: "batch"}}, dynamo=False)
    except Exception as e:  # noqa: BLE001 - any exporter failure is a skip with its reason, not a crash
        path.unlink(missing_ok=True)
        return f"the ONNX exporter failed ({type(e).__name__}: {str(e).splitlines()[0][:200]})"
    return None


def export_run(run_dir: str | os.PathLike, out_dir: str | os.PathLike | None = None,
               formats: tuple[str, ...] = ("torchscript", "onnx"), checkpoint: str = "best.pt") -> ExportResult:
    """Export the model of a run folder to ``out_dir`` (default
    ``<run>/export``). Files are written under temporary names and renamed
    at the end, so a failed export leaves no half-written model behind."""
    from .predict import Predictor

    run = Path(run_dir)
    ckpt = next((run / n for n in (checkpoint, "last.pt") if (run / n).is_file()), None)
    predictor = Predictor.from_run(run, device="cpu", checkpoint=str(ckpt) if ckpt else None)
    model, task, img_size, classes = predictor.model, predictor.task, predictor.img_size, predictor.classes
    folder = Path(out_dir) if out_dir is not None else run / "export"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ExportError(f"cannot create {folder}: {e.strerror or e}; choose a writable folder") from None
    result = ExportResult(folder, {})
    if "torchscript" in formats:
        tmp = folder / (TORCHSCRIPT_FILE + ".tmp")
        try:
            scripted = _torchscript(model, task, img_size)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.jit.save(scripted, str(tmp))
        except OSError as e:
            raise ExportError(f"cannot write {tmp.name} in {folder}: {e.strerror or e}") from None
        except Exception as e:  # noqa: BLE001 - scripting errors are long; say which model failed
            tmp.unlink(missing_ok=True)
            raise ExportError(f"TorchScript export of {predictor.model_name} failed: {str(e).splitlines()[0][:300]}") \
                from None
        os.replace(tmp, folder / TORCHSCRIPT_FILE)
        result.files["torchscript"] = folder / TORCHSCRIPT_FILE
    if "onnx" in formats:
        why = _onnx(model, task, img_size, folder / ONNX_FILE)
        if why is None:
            result.files["onnx"] = folder / ONNX_FILE
        else:
            result.skipped["onnx"] = why
    meta = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "task": task, "model": predictor.model_name,
            "classes": list(classes), "img_size": img_size, "run": run.name,
            "checkpoint": ckpt.name if ckpt else None, "files": {k: v.name for k, v in result.files.items()},
            "skipped": result.skipped, **_usage(task, img_size)}
    tmp = folder / (META_FILE + ".tmp")
    tmp.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, folder / META_FILE)
    return result


def read_export_meta(folder: str | os.PathLike) -> dict[str, Any]:
    """``model.json`` of an export folder, checked."""
    path = Path(folder) / META_FILE
    if not path.is_file():
        raise ExportError(f"{folder} is not an exported model (no {META_FILE})")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ExportError(f"{path} cannot be read ({e}); export the run again") from None
    if not isinstance(meta, dict) or meta.get("format") != EXPORT_FORMAT:
        raise ExportError(f"{path} is not a labeltool model description")
    if int(meta.get("version", 0)) > EXPORT_VERSION:
        raise ExportError(f"{path} was written by a newer labeltool; update to load it")
    missing = [k for k in ("task", "classes", "img_size") if k not in meta]
    if missing or meta["task"] not in ("detect", "segment", "classify"):
        raise ExportError(f"{path} lacks {', '.join(missing) or 'a known task'}; export the run again")
    return meta


def is_export_folder(path: str | os.PathLike) -> bool:
    return (Path(path) / META_FILE).is_file()


def load_exported_module(folder: str | os.PathLike, device: str | torch.device = "cpu") -> tuple[Any, dict]:
    """The TorchScript module of an export folder and its ``model.json``."""
    meta = read_export_meta(folder)
    path = Path(folder) / meta.get("files", {}).get("torchscript", TORCHSCRIPT_FILE)
    if not path.is_file():
        raise ExportError(f"{folder} has no TorchScript file ({path.name}); export the run again")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            module = torch.jit.load(str(path), map_location=device)
    except (RuntimeError, OSError, ValueError) as e:
        raise ExportError(f"{path.name} is damaged or not a TorchScript file ({str(e).splitlines()[0][:200]})") \
            from None
    return module.eval(), meta


def load_exported(folder: str | os.PathLike, device: str = "auto") -> "Predictor":
    """A :class:`~engine.predict.Predictor` over an export folder's
    TorchScript file: the run's own pre- and post-processing around the
    exported network, so it gives the run's shapes (``labeltool predict
    --run EXPORT_FOLDER``)."""
    from .predict import Predictor
    from .tasks import adapter_for

    dev = resolve_device(device)
    module, meta = load_exported_module(folder, dev)
    return Predictor(module, adapter_for(meta["task"], list(meta["classes"])), int(meta["img_size"]), dev,
                     str(meta.get("run") or Path(folder).name), str(meta.get("model") or "exported"))

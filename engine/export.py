"""Export a run's model for use outside labeltool, and load it back.

An export is a folder:

* ``model.torchscript.pt`` — TorchScript, loadable with ``torch.jit.load``
  and no labeltool. Faster and Mask R-CNN are scripted (torchvision
  supports ``torch.jit.script`` of its detectors in eval mode) and wrapped
  to return the detections alone; U-Net and ResNet are traced at the run's
  input size.
* ``model.onnx`` — every model (opset 17, legacy exporter), checked in
  ONNX Runtime against PyTorch before it is kept; a detector takes one
  image per call and returns ``boxes``, ``labels``, ``scores`` (Mask R-CNN
  also ``masks``). When it cannot be written or does not match,
  ``model.json`` says why.
* ``model.json`` — class names, task, input size, and how to feed the model.

:func:`load_exported` gives a predictor over the TorchScript file that
``labeltool predict`` uses exactly like a run (same pre- and
post-processing, so the same shapes).
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import warnings
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List

import numpy as np
import torch
from torch import nn

from .config import RCNN_TASKS, TEXT_TASKS
from .device import resolve_device
from .errors import EngineError
from .models.catalog import ALL_TASKS
from .text import export_usage as text_export
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
    if task in RCNN_TASKS:
        masks = (", masks (N, 1, H, W): each detection's mask as probabilities over the input image, cut at 0.5"
                 if task == "instance" else "")
        return {"input": "a list of float32 RGB tensors (3, H, W) scaled to [0, 1], any size; the model resizes "
                         f"them (long side {img_size}) and normalises them itself",
                "output": "a list of dicts: boxes (N, 4) x1 y1 x2 y2 in input pixels, scores (N,), labels (N,) "
                          f"where label k is classes[k - 1] (0 is background){masks}"}
    if task in TEXT_TASKS:
        return text_export.usage(task, img_size, norm)
    if task == "segment":
        return {"input": f"float32 (N, 3, {img_size}, {img_size}): RGB resized to {img_size} x {img_size}, "
                         "scaled to [0, 1], then normalised with mean and std", "normalise": norm,
                "output": f"logits (N, 1 + len(classes), {img_size}, {img_size}); channel 0 is background, "
                          "channel k is classes[k - 1]; resize them to the image and take the argmax"}
    return {"input": f"float32 (N, 3, {img_size}, {img_size}): RGB with its short side resized to "
                     f"{round(img_size / 0.875)}, centre-cropped to {img_size}, scaled to [0, 1], then "
                     "normalised with mean and std", "normalise": norm,
            "output": "logits (N, len(classes)); softmax for scores"}


def _onnx_usage(model: nn.Module, task: str) -> dict[str, str]:
    """How the ONNX graph differs from the TorchScript module (see :func:`_usage`)."""
    if task in TEXT_TASKS:
        return {"usage": text_export.onnx_usage(task)}
    if task not in RCNN_TASKS:
        return {"usage": "as the TorchScript module: input 'images', output 'logits'; the batch size is free"}
    heads = model.roi_heads
    masks = ", 'masks' (N, 1, H, W) probabilities over the input image (cut at 0.5)" if task == "instance" else ""
    return {"usage": "one image per call: input 'image', float32 RGB (3, H, W) scaled to [0, 1], any size; outputs "
                     "'boxes' (N, 4) x1 y1 x2 y2 in input pixels, 'labels' (N,) where label k is classes[k - 1], "
                     f"'scores' (N,){masks}; detections scoring under {heads.score_thresh:g} are dropped inside the "
                     f"graph, and at most {heads.detections_per_img} are kept"}


def to_torchscript(model: nn.Module, task: str, img_size: int) -> torch.jit.ScriptModule:
    """``model`` (in eval mode) as TorchScript: a detector scripted and
    wrapped to return its detections, the others traced at ``img_size``."""
    with warnings.catch_warnings():
        # torch.jit is marked deprecated in favour of torch.export, but
        # TorchScript is what C++ (libtorch), Java and mobile runtimes load
        # today, and what torchvision's detectors support.
        warnings.simplefilter("ignore")
        with torch.no_grad():
            if task in RCNN_TASKS:
                # Scripted detectors warn on every call that they return a
                # tuple; the wrapper already takes care of it.
                model._has_warned = True
                return torch.jit.script(_Detections(model))
            example = torch.zeros(onnx_example(task, img_size).shape)
            return torch.jit.trace(model, example, check_trace=False)


class _OneImageDetections(nn.Module):
    """ONNX graphs take tensors, not a list of images: one (3, H, W) image
    in, its ``boxes``, ``labels`` and ``scores`` (and ``masks``) out."""

    def __init__(self, model: nn.Module, outputs: list[str]):
        super().__init__()
        self.model = model
        self.outputs = outputs

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, ...]:
        out = self.model([image])[0]
        return tuple(out[k] for k in self.outputs)


# 17: torchvision's detectors need 11 or later (RoiAlign, NMS); 17 runs in
# every ONNX Runtime since 1.12 and in TensorRT and OpenVINO of recent years.
ONNX_OPSET = 17
ONNX_INPUTS = {"detect": ["image"], "instance": ["image"], "segment": ["images"], "classify": ["images"],
               "textdet": ["images"], "recognize": ["images"]}
ONNX_OUTPUTS = {"detect": ["boxes", "labels", "scores"], "instance": ["boxes", "labels", "scores", "masks"],
                "segment": ["logits"], "classify": ["logits"], "textdet": ["logits"], "recognize": ["logits"]}


def onnx_example(task: str, img_size: int) -> torch.Tensor:
    """An input of the ONNX graph of ``task``: one image for a detector, a
    batch of one for the others. Random, not zeros: a black image gives a
    detector nothing to detect, and the check below nothing to compare."""
    shape = (3, img_size, img_size) if task in RCNN_TASKS else (1, 3, img_size, img_size)
    if task in TEXT_TASKS:  # a recogniser's line is longer than high
        shape = text_export.example_shape(task, img_size)
    return torch.rand(shape, generator=torch.Generator().manual_seed(0))


def export_onnx(model: nn.Module, task: str, img_size: int, path: Path) -> None:
    """Write ``model`` (in eval mode) to ``path`` with the legacy
    (TorchScript-tracing) exporter, which torchvision's detectors support;
    the dynamo exporter needs onnxscript and does not handle them. Raises
    what the exporter raises."""
    # eval() on the module exported: the exporter puts back the training
    # flag it finds, and a wrapper left in training mode would switch the
    # detector inside back to training (it then wants targets).
    module = (_OneImageDetections(model, ONNX_OUTPUTS[task]) if task in RCNN_TASKS else model).eval()
    if task in RCNN_TASKS:  # any image size in, any number of detections out
        axes = {"image": {1: "height", 2: "width"}, **{k: {0: "detections"} for k in ONNX_OUTPUTS[task]}}
        if task == "instance":
            axes["masks"] = {0: "detections", 2: "height", 3: "width"}
    else:  # the size is fixed by the training size (model.json); the batch is free
        axes = {"images": {0: "batch"}, "logits": {0: "batch"}}
        if task in TEXT_TASKS:  # a recogniser's width is free too
            axes = text_export.dynamic_axes(task)
    example = onnx_example(task, img_size)
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings about Python control flow that the exporter handles
        torch.onnx.export(module, (example,), str(path), input_names=ONNX_INPUTS[task],
                          output_names=ONNX_OUTPUTS[task], dynamic_axes=axes, opset_version=ONNX_OPSET, dynamo=False)


def run_onnx(path: Path, x: torch.Tensor) -> list[Any]:
    """The outputs of an ONNX file in ONNX Runtime (CPU) on ``x``, as NumPy arrays."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x.numpy()})


@dataclass
class DetectionMatch:
    boxes: float  # largest box difference of the paired detections, in pixels
    scores: float  # largest score difference of the paired detections
    unmatched: int  # detections of either side without a counterpart
    detections: int  # the more numerous side's count
    # instance: of the paired detections' masks, the largest mean difference
    # of probabilities (a mean, as a box a thousandth of a pixel off may
    # paste its mask one pixel row over: one row differs, not the mask)
    masks: float | None = None


def match_detections(want: list[np.ndarray], got: list[np.ndarray], box_tol: float,
                     score_tol: float) -> DetectionMatch:
    """Pair two detectors' ``(boxes, labels, scores)``: each detection of
    ``got`` with the closest free one of ``want`` that has its label, a box
    within ``box_tol`` pixels and a score within ``score_tol``.

    Pairing, not rank: detections whose scores tie (or differ in the last
    bit) come in whatever order the runtime's sort leaves them. And a few
    may have no counterpart at all without the graph being wrong: NMS keeps
    or drops a box whose overlap sits at its IoU threshold by a rounding,
    and one flip early (among the region proposals) changes a detection or
    two downstream; ``unmatched`` counts them."""
    (wb, wl, ws), (gb, gl, gs) = ([np.asarray(a, np.float64) for a in d[:3]] for d in (want, got))
    with_masks = len(want) > 3 and len(got) > 3  # instance: masks after the scores
    free = np.ones(len(wb), bool)
    worst_box = worst_score = worst_mask = 0.0
    matched = 0
    for i, (box, label, score) in enumerate(zip(gb, gl, gs)):
        box_diff, score_diff = np.abs(wb - box).max(1, initial=0.0), np.abs(ws - score)
        cost = np.maximum(box_diff / box_tol, score_diff / score_tol)
        cost[(wl != label) | ~free] = math.inf
        j = int(cost.argmin()) if len(cost) else -1
        if j < 0 or not cost[j] <= 1.0:
            continue
        free[j] = False
        matched += 1
        worst_box, worst_score = max(worst_box, float(box_diff[j])), max(worst_score, float(score_diff[j]))
        if with_masks:
            a, b = np.asarray(want[3][j], np.float64), np.asarray(got[3][i], np.float64)
            worst_mask = max(worst_mask, float(np.abs(a - b).mean()) if a.shape == b.shape and a.size else
                             0.0 if a.shape == b.shape else math.inf)
    return DetectionMatch(worst_box, worst_score, len(wb) + len(gb) - 2 * matched, max(len(wb), len(gb)),
                          worst_mask if with_masks else None)


# How far ONNX Runtime may be from PyTorch for an export to pass. float32
# kernels sum in other orders: measured differences are 1e-5 and less for
# logits and scores, 3e-3 px for boxes at 800 px (their decoding
# exponentiates). These bounds are far above that noise and far below a
# wrong graph (a box off by a pixel, a score off by a thousandth). Masks:
# 4e-3 on average measured (a pasted row moving with a box), a wrong graph
# far more.
LOGIT_TOL, SCORE_TOL, BOX_TOL_PER_PX, MASK_TOL = 1e-3, 1e-3, 1e-3, 1e-2


def onnx_difference(model: nn.Module, task: str, img_size: int, path: Path) -> dict[str, Any]:
    """ONNX Runtime against the PyTorch model on :func:`onnx_example`: the
    largest absolute difference of the ``logits`` (``inf`` when their shapes
    differ) and the largest logit, or for a detector the fields of
    :func:`match_detections`."""
    x = onnx_example(task, img_size)
    got = run_onnx(path, x)
    with torch.no_grad():
        ref = model([x])[0] if task in RCNN_TASKS else {"logits": model(x)}
    want = [ref[name].numpy() for name in ONNX_OUTPUTS[task]]
    if task in RCNN_TASKS:
        match = asdict(match_detections(want, got, BOX_TOL_PER_PX * img_size, SCORE_TOL))
        return match if match["masks"] is not None else {k: v for k, v in match.items() if k != "masks"}
    size = float(np.abs(want[0]).max(initial=0.0))
    if want[0].shape != got[0].shape:
        return {"logits": math.inf, "largest_logit": size}
    return {"logits": float(np.abs(want[0].astype(np.float64) - got[0]).max()), "largest_logit": size}


def onnx_mismatch(diffs: dict[str, Any], img_size: int) -> str | None:
    """Why :func:`onnx_difference`'s measures fail an export, or None."""
    if "logits" in diffs:
        v = diffs["logits"]
        if v <= LOGIT_TOL * max(1.0, diffs["largest_logit"]):  # float32: relative to the values' size
            return None
        return f"logits differ by up to {v:.3g}" if math.isfinite(v) else "the logits' shapes differ"
    # One NMS flip leaves one detection unpaired on each side; a wrong graph leaves most.
    if diffs["unmatched"] > max(2, diffs["detections"] // 10):
        return (f"{diffs['unmatched']} of {diffs['detections']} detections have no counterpart within "
                f"{BOX_TOL_PER_PX * img_size:g} px and {SCORE_TOL:g} in score")
    if diffs.get("masks") is not None and not diffs["masks"] <= MASK_TOL:
        return f"the masks of paired detections differ by {diffs['masks']:.3g} on average"
    return None


def _why(e: Exception) -> str:
    return f"{type(e).__name__}: {(str(e).splitlines() or [''])[0][:200]}"


def write_onnx(model: nn.Module, task: str, img_size: int, path: Path) -> tuple[str | None, dict[str, Any]]:
    """Write ``path`` and check it in ONNX Runtime. Returns ``(why not,
    check)``: why there is no ONNX file (None when there is one), and what
    the check measured."""
    if importlib.util.find_spec("onnx") is None:
        return "the onnx package is not installed (pip install onnx), so no ONNX file was written", {}
    tmp = path.with_name(path.name + ".tmp")
    try:
        export_onnx(model, task, img_size, tmp)
    except Exception as e:  # noqa: BLE001 - any exporter failure is a skip with its reason, not a crash
        tmp.unlink(missing_ok=True)
        return f"the ONNX exporter failed ({_why(e)})", {}
    check: dict[str, Any] = {"runtime": None, "note": "not checked: onnxruntime is not installed"}
    if importlib.util.find_spec("onnxruntime") is not None:
        try:
            diffs = onnx_difference(model, task, img_size, tmp)
        except Exception as e:  # noqa: BLE001 - a file the runtime cannot run is not an export
            tmp.unlink(missing_ok=True)
            return f"ONNX Runtime cannot run the exported file ({_why(e)})", {}
        why = onnx_mismatch(diffs, img_size)
        if why is not None:
            tmp.unlink(missing_ok=True)
            return f"ONNX Runtime's outputs differ from PyTorch's: {why}", {}
        check = {"runtime": "onnxruntime", "input": "random, seed 0", **diffs}
    os.replace(tmp, path)
    return None, check


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
            scripted = to_torchscript(model, task, img_size)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                torch.jit.save(scripted, str(tmp))
        except OSError as e:
            raise ExportError(f"cannot write {tmp.name} in {folder}: {e.strerror or e}") from None
        except Exception as e:  # noqa: BLE001 - scripting errors are long; say which model failed
            tmp.unlink(missing_ok=True)
            raise ExportError(f"TorchScript export of {predictor.model_name} failed: {_why(e)}") from None
        os.replace(tmp, folder / TORCHSCRIPT_FILE)
        result.files["torchscript"] = folder / TORCHSCRIPT_FILE
    onnx_meta: dict[str, Any] = {}
    if "onnx" in formats:
        why, check = write_onnx(model, task, img_size, folder / ONNX_FILE)
        if why is None:
            result.files["onnx"] = folder / ONNX_FILE
            onnx_meta = {"opset": ONNX_OPSET, "inputs": ONNX_INPUTS[task], "outputs": ONNX_OUTPUTS[task],
                         **_onnx_usage(model, task), "check": check}
        else:
            result.skipped["onnx"] = why
            (folder / ONNX_FILE).unlink(missing_ok=True)  # an earlier export's file would pass for this one
    meta = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "task": task, "model": predictor.model_name,
            "classes": list(classes), "img_size": img_size, "run": run.name,
            "checkpoint": ckpt.name if ckpt else None, "files": {k: v.name for k, v in result.files.items()},
            "skipped": result.skipped, **_usage(task, img_size)}
    if onnx_meta:
        meta["onnx"] = onnx_meta
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
    if missing or meta["task"] not in ALL_TASKS:
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

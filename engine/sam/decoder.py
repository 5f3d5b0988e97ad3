"""The prompt decoder: points and boxes on an image embedding to low-res
mask logits and predicted IoUs, run by PyTorch or by ONNX Runtime.

One module serves both: Meta's ``SamOnnxModel`` embeds the prompt without
Python control flow (a box is two points labelled 2 and 3, a padding point
is labelled -1), so the graph ONNX Runtime runs is the very module PyTorch
runs. It stops at the decoder's low-res logits (``S/4`` square, 256 px for
a 1024 px model): the full-size mask is an upscale the caller asks for only
when a mask is kept (Meta's exported decoder always upscales, which is most
of its time per prompt). A mask fed back as a prompt is not used.

ONNX Runtime runs this decoder about twice as fast as PyTorch on a small
CPU (see tests/benchmarks/bench_sam.py); :func:`pick_decoder` checks that
both agree on the loaded model and keeps the faster.
"""
from __future__ import annotations

import io
import time
import warnings
from dataclasses import dataclass, field
from typing import Literal, Protocol

import numpy as np
import torch
from segment_anything.modeling import Sam
from segment_anything.utils.onnx import SamOnnxModel
from torch import nn

DecoderKind = Literal["auto", "onnx", "torch"]
INPUTS = ["image_embeddings", "point_coords", "point_labels"]
OUTPUTS = ["iou_predictions", "low_res_masks"]
# Largest |torch - onnx| of the low-res logits accepted, relative to their
# scale: float32 reordering gives ~1e-6; a wrong graph gives O(1).
TOLERANCE = 1e-3


class PromptDecoderModule(nn.Module):
    """SAM's prompt encoder and mask decoder: ``(1, C, h, w)`` embedding,
    ``(B, N, 2)`` point coordinates in the model's input pixels and ``(B, N)``
    labels (1 positive, 0 negative, 2/3 box corners, -1 padding) to
    ``(B, 4)`` IoU predictions and ``(B, 4, 4h, 4w)`` logits (mask 0 is the
    single-mask answer, 1-3 the multimask ones)."""

    def __init__(self, sam: Sam):
        super().__init__()
        self.sam = sam
        self.prompt = SamOnnxModel(sam, return_single_mask=False)

    def sparse_embeddings(self, point_coords: torch.Tensor, point_labels: torch.Tensor) -> torch.Tensor:
        """The prompt tokens the decoder receives (one per point)."""
        return self.prompt._embed_points(point_coords, point_labels)

    def forward(self, image_embeddings: torch.Tensor, point_coords: torch.Tensor,
                point_labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        pe = self.sam.prompt_encoder
        dense = pe.no_mask_embed.weight.reshape(1, -1, 1, 1).expand(1, -1, *image_embeddings.shape[-2:])
        masks, iou = self.sam.mask_decoder.predict_masks(
            image_embeddings=image_embeddings, image_pe=pe.get_dense_pe(),
            sparse_prompt_embeddings=self.sparse_embeddings(point_coords, point_labels),
            dense_prompt_embeddings=dense)
        return iou, masks


class Decoder(Protocol):
    kind: str

    def __call__(self, features: np.ndarray, coords: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(iou (B, 4), logits (B, 4, h, w))`` as float32 arrays."""


class TorchDecoder:
    kind = "torch"

    def __init__(self, module: PromptDecoderModule):
        self.module = module.eval()

    def __call__(self, features: np.ndarray, coords: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            iou, masks = self.module(torch.from_numpy(features), torch.from_numpy(coords), torch.from_numpy(labels))
        return iou.numpy(), masks.numpy()


class OnnxDecoder:
    """The module exported in memory (legacy exporter, opset 17: the dynamo
    one needs onnxscript) and run by ONNX Runtime on the CPU. ``threads``:
    ONNX Runtime's own threads (None: its default, every core), so that a
    window can leave a core to its GUI thread."""

    kind = "onnx"

    def __init__(self, module: PromptDecoderModule, threads: int | None = None):
        import onnxruntime as ort

        side = module.sam.image_encoder.img_size // 16
        example = (torch.zeros(1, module.sam.prompt_encoder.embed_dim, side, side), torch.zeros(1, 2, 2),
                   torch.tensor([[1.0, -1.0]]))
        buf = io.BytesIO()
        axes = {"point_coords": {0: "prompts", 1: "points"}, "point_labels": {0: "prompts", 1: "points"},
                "iou_predictions": {0: "prompts"}, "low_res_masks": {0: "prompts"}}
        with warnings.catch_warnings(), torch.no_grad():
            warnings.simplefilter("ignore")  # tracer warnings on Python ints the graph keeps as constants
            torch.onnx.export(module.eval(), example, buf, input_names=INPUTS, output_names=OUTPUTS,
                              dynamic_axes=axes, opset_version=17, dynamo=False)
        options = ort.SessionOptions()
        if threads is not None:
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(buf.getvalue(), options, providers=["CPUExecutionProvider"])

    def __call__(self, features: np.ndarray, coords: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        iou, masks = self.session.run(OUTPUTS, dict(zip(INPUTS, (features, coords, labels))))
        return iou, masks


@dataclass
class DecoderChoice:
    """Which decoder runs the prompts, and why (for the bench and the status bar)."""

    decoder: Decoder
    timings_ms: dict[str, float] = field(default_factory=dict)  # median per prompt of each measured kind
    difference: float | None = None  # max |torch - onnx| of the probe's logits, relative
    note: str = ""


def _median_ms(decoder: Decoder, probe: tuple[np.ndarray, np.ndarray, np.ndarray], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        decoder(*probe)
        times.append((time.perf_counter() - t) * 1000)
    return float(np.median(times))


def probe_prompt(module: PromptDecoderModule) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A seeded random embedding, a positive and a negative point: an input
    on which two decoders of the same weights must agree."""
    side = module.sam.image_encoder.img_size // 16
    rng = np.random.default_rng(0)
    features = rng.standard_normal((1, module.sam.prompt_encoder.embed_dim, side, side)).astype(np.float32)
    size = float(module.sam.image_encoder.img_size)
    coords = np.array([[[0.4 * size, 0.5 * size], [0.7 * size, 0.2 * size], [0, 0]]], np.float32)
    return features, coords, np.array([[1, 0, -1]], np.float32)


def pick_decoder(sam: Sam, kind: DecoderKind = "auto", threads: int | None = None, runs: int = 3) -> DecoderChoice:
    """The decoder of ``kind``; with "auto", ONNX Runtime when it agrees with
    PyTorch within :data:`TOLERANCE` and is faster on a probe prompt, else
    PyTorch (the reason in ``note``)."""
    module = PromptDecoderModule(sam)
    torch_decoder = TorchDecoder(module)
    if kind == "torch":
        return DecoderChoice(torch_decoder, note="PyTorch (asked for)")
    try:
        onnx_decoder = OnnxDecoder(module, threads)
    except Exception as e:  # noqa: BLE001 - any export or runtime failure leaves PyTorch, which always works
        if kind == "onnx":
            raise
        return DecoderChoice(torch_decoder, note=f"PyTorch: the ONNX decoder could not be made ({e})")
    if kind == "onnx":
        return DecoderChoice(onnx_decoder, note="ONNX Runtime (asked for)")
    probe = probe_prompt(module)
    (iou_t, masks_t), (iou_o, masks_o) = torch_decoder(*probe), onnx_decoder(*probe)
    scale = max(1.0, float(np.abs(masks_t).max()))
    diff = max(float(np.abs(masks_t - masks_o).max()), float(np.abs(iou_t - iou_o).max())) / scale
    timings = {"torch": _median_ms(torch_decoder, probe, runs), "onnx": _median_ms(onnx_decoder, probe, runs)}
    if diff > TOLERANCE:
        return DecoderChoice(torch_decoder, timings, diff, f"PyTorch: ONNX Runtime differs by {diff:.2g}")
    if timings["onnx"] <= timings["torch"]:
        return DecoderChoice(onnx_decoder, timings, diff, "ONNX Runtime (faster, same results)")
    return DecoderChoice(torch_decoder, timings, diff, "PyTorch (faster here)")

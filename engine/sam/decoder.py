"""The prompt decoder: points and boxes on an image embedding to low-res
mask logits and predicted IoUs, run by PyTorch or by ONNX Runtime.

One module serves both: Meta's ``SamOnnxModel`` embeds the prompt without
Python control flow (a box is two points labelled 2 and 3, a padding point
is labelled -1), so the graph ONNX Runtime runs is the very module PyTorch
runs. It stops at the decoder's low-res logits (``S/4`` square, 256 px for
a 1024 px model): the full-size mask is an upscale the caller asks for only
when a mask is kept (Meta's exported decoder always upscales, which is most
of its time per prompt). A mask fed back as a prompt is not used, so the
first layer's projections of the image tokens do not depend on the prompt:
they are computed once per embedding (:meth:`PromptDecoderModule.image_terms`).

ONNX Runtime runs this decoder about twice as fast as PyTorch on a small
CPU (see tests/benchmarks/bench_sam.py); :func:`pick_decoder` checks that
both agree on the loaded model and keeps the faster.
"""
from __future__ import annotations

import hashlib
import io
import math
import os
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Literal, Protocol

import numpy as np
import torch
import torch.nn.functional as F
from segment_anything.modeling import Sam
from segment_anything.utils.onnx import SamOnnxModel
from torch import nn

DecoderKind = Literal["auto", "onnx", "torch"]
TERM_INPUTS = ["image_embeddings"]
TERMS = ["keys", "token_to_image_k", "token_to_image_v", "image_to_token_q"]
INPUTS = [*TERMS, "point_coords", "point_labels"]
OUTPUTS = ["iou_predictions", "low_res_masks"]
# Largest |torch - onnx| of the low-res logits accepted, relative to their
# scale: float32 reordering gives ~1e-6; a wrong graph gives O(1).
TOLERANCE = 1e-3

ImageTerms = tuple  # the four arrays (or tensors) of TERMS, batch 1


def _heads(attn: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """``(B, N, C)`` to ``(B, heads, N, C / heads)``, as Meta's ``Attention`` splits them."""
    return attn._separate_heads(x, attn.num_heads)


def _attend(attn: nn.Module, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """Meta's ``Attention.forward`` after its three projections, given here
    already projected and split into heads (:func:`_heads`); a batch of 1
    broadcasts against a batch of B."""
    weights = torch.softmax(q @ k.permute(0, 1, 3, 2) / math.sqrt(q.shape[-1]), dim=-1)
    return attn.out_proj(attn._recombine_heads(weights @ v))


class PromptDecoderModule(nn.Module):
    """SAM's prompt encoder and mask decoder (Meta's modules and weights),
    split in two so that a click pays only for what depends on it.

    :meth:`image_terms` (once per embedding): the image tokens with the
    no-mask embedding added, and the projections the first decoder layer
    makes of them alone (keys and values of token-to-image attention,
    queries of image-to-token attention, split into heads), about a quarter
    of the decoder's multiplications (a click's CPU time: 85 to 71 ms).
    :meth:`forward` (per prompt): ``(B, N, 2)`` point coordinates in
    the model's input pixels and ``(B, N)`` labels (1 positive, 0 negative,
    2/3 box corners, -1 padding) to ``(B, 4)`` IoU predictions and ``(B, 4,
    4h, 4w)`` logits (mask 0 is the single-mask answer, 1-3 the multimask
    ones). Together they compute what ``MaskDecoder.predict_masks`` does,
    in the same order (tests compare with ``SamPredictor``)."""

    def __init__(self, sam: Sam):
        super().__init__()
        self.sam = sam
        self.prompt = SamOnnxModel(sam, return_single_mask=False)
        # Plain ints, so that the exported graph holds them as constants.
        self.side = int(sam.image_encoder.img_size) // 16
        self.upscaled_channels = int(sam.mask_decoder.output_upscaling[1].weight.shape[0])

    def sparse_embeddings(self, point_coords: torch.Tensor, point_labels: torch.Tensor) -> torch.Tensor:
        """The prompt tokens the decoder receives (one per point)."""
        return self.prompt._embed_points(point_coords, point_labels)

    def _image_pe(self) -> torch.Tensor:
        return self.sam.prompt_encoder.get_dense_pe().flatten(2).permute(0, 2, 1)

    def image_terms(self, image_embeddings: torch.Tensor) -> tuple[torch.Tensor, ...]:
        first = self.sam.mask_decoder.transformer.layers[0]
        dense = self.sam.prompt_encoder.no_mask_embed.weight.reshape(1, -1, 1, 1)
        keys = (image_embeddings + dense).flatten(2).permute(0, 2, 1)
        with_pe = keys + self._image_pe()
        a, b = first.cross_attn_token_to_image, first.cross_attn_image_to_token
        return keys, _heads(a, a.k_proj(with_pe)), _heads(a, a.v_proj(keys)), _heads(b, b.q_proj(with_pe))

    def forward(self, keys: torch.Tensor, k1: torch.Tensor, v1: torch.Tensor, q1: torch.Tensor,
                point_coords: torch.Tensor, point_labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        decoder = self.sam.mask_decoder
        transformer = decoder.transformer
        sparse = self.sparse_embeddings(point_coords, point_labels)
        output_tokens = torch.cat([decoder.iou_token.weight, decoder.mask_tokens.weight], dim=0)
        tokens = torch.cat((output_tokens.unsqueeze(0).expand(sparse.shape[0], -1, -1), sparse), dim=1)
        # The first TwoWayAttentionBlock (its first layer has no positional
        # encoding and no residual), with the image terms precomputed.
        first = transformer.layers[0]
        queries = first.norm1(first.self_attn(q=tokens, k=tokens, v=tokens))
        a = first.cross_attn_token_to_image
        queries = first.norm2(queries + _attend(a, _heads(a, a.q_proj(queries + tokens)), k1, v1))
        queries = first.norm3(queries + first.mlp(queries))
        b = first.cross_attn_image_to_token
        attn_out = _attend(b, q1, _heads(b, b.k_proj(queries + tokens)), _heads(b, b.v_proj(queries)))
        keys = first.norm4(keys + attn_out)
        image_pe = self._image_pe()
        for layer in transformer.layers[1:]:
            queries, keys = layer(queries=queries, keys=keys, query_pe=tokens, key_pe=image_pe)
        attn_out = transformer.final_attn_token_to_image(q=queries + tokens, k=keys + image_pe, v=keys)
        queries = transformer.norm_final_attn(queries + attn_out)
        # MaskDecoder.predict_masks after its transformer.
        hyper_in = torch.stack([mlp(queries[:, 1 + i, :]) for i, mlp in enumerate(decoder.output_hypernetworks_mlps)],
                               dim=1)
        return decoder.iou_prediction_head(queries[:, 0, :]), self._masks(keys, hyper_in)

    def _masks(self, keys: torch.Tensor, hyper_in: torch.Tensor) -> torch.Tensor:
        """``output_upscaling`` (two 2x2 stride-2 transposed convolutions, a
        LayerNorm2d and GELUs between) and the product with the mask tokens'
        hypernetwork outputs, on channel-last tokens.

        A 2x2 stride-2 transposed convolution is a matrix product per pixel
        (each input pixel makes its own 2x2 block): so the image tokens stay
        ``(B, h*w, C)``, no transpose to ``(B, C, h, w)`` and back, and the
        blocks are put in place once, on the 4 masks at the end. Same sums as
        Meta's modules; a click's CPU time in ONNX Runtime went from 71 to
        43 ms (one thread) with this alone."""
        up1, norm, act, up2, act2 = self.sam.mask_decoder.output_upscaling
        bsz, hw, _ = keys.shape
        x = keys @ _block_weight(up1) + up1.bias.repeat(4)  # (B, hw, 4 * C1): blocks (di, dj), then channels
        x = x.reshape(bsz, hw, 4, -1)
        x = act(F.layer_norm(x, (self.upscaled_channels,), norm.weight, norm.bias, norm.eps))
        x = x @ _block_weight(up2) + up2.bias.repeat(4)  # (B, hw, 4, 4 * C2)
        x = act2(x).reshape(bsz, hw * 16, -1)
        masks = x @ hyper_in.transpose(1, 2)  # (B, hw * 16, 4 masks)
        side = self.side
        # (i, j, di1, dj1, di2, dj2) to the output pixel (4i + 2 di1 + di2, 4j + 2 dj1 + dj2).
        masks = masks.reshape(bsz, side, side, 2, 2, 2, 2, -1).permute(0, 7, 1, 3, 5, 2, 4, 6)
        return masks.reshape(bsz, -1, 4 * side, 4 * side)


def _block_weight(conv: nn.ConvTranspose2d) -> torch.Tensor:
    """A 2x2 stride-2 transposed convolution's weight ``(C_in, C_out, 2, 2)``
    as the matrix ``(C_in, 4 * C_out)`` that makes each pixel's 2x2 block."""
    c_in = conv.weight.shape[0]
    return conv.weight.permute(0, 2, 3, 1).reshape(c_in, -1)


class Decoder(Protocol):
    kind: str

    def image_terms(self, features: np.ndarray) -> ImageTerms:
        """The per-embedding part, as arrays (batch 1)."""

    def __call__(self, terms: ImageTerms, coords: np.ndarray, labels: np.ndarray,
                 idle: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(iou (B, 4), logits (B, 4, h, w))`` as float32 arrays; ``idle``:
        no encoding runs beside, the decoder may use more cores."""


class TorchDecoder:
    kind = "torch"

    def __init__(self, module: PromptDecoderModule):
        self.module = module.eval()

    def image_terms(self, features: np.ndarray) -> ImageTerms:
        with torch.inference_mode():
            return tuple(t.numpy() for t in self.module.image_terms(torch.from_numpy(features)))

    def __call__(self, terms: ImageTerms, coords: np.ndarray, labels: np.ndarray,
                 idle: bool = False) -> tuple[np.ndarray, np.ndarray]:
        with torch.inference_mode():
            iou, masks = self.module(*(torch.from_numpy(t) for t in terms), torch.from_numpy(coords),
                                     torch.from_numpy(labels))
        return iou.numpy(), masks.numpy()


class _ImageTermsGraph(nn.Module):
    def __init__(self, module: PromptDecoderModule):
        super().__init__()
        self.module = module

    def forward(self, image_embeddings: torch.Tensor) -> tuple[torch.Tensor, ...]:
        return self.module.image_terms(image_embeddings)


class OnnxDecoder:
    """Both parts exported in memory (legacy exporter, opset 17: the dynamo
    one needs onnxscript) and run by ONNX Runtime on the CPU.
    ``threads``: ONNX Runtime's own threads (None: every core); with more
    than one they sleep rather than spin between runs, which on a shared CPU
    only takes time from the encoder and the GUI thread. ``idle_threads``:
    the threads of a second session of the same graph, for prompts decoded
    while no image is being encoded (the common case: a person clicks once
    the image is ready), when the cores are free."""

    kind = "onnx"

    def __init__(self, module: PromptDecoderModule, threads: int | None = None, idle_threads: int | None = None,
                 cache: Path | None = None):
        """``cache``: a folder where the exported graphs are kept, by a hash
        of the decoder's weights (exporting takes ~2 s of the GIL on a
        small CPU, each time the model loads)."""
        import onnxruntime as ort

        side = module.sam.image_encoder.img_size // 16
        features = torch.zeros(1, module.sam.prompt_encoder.embed_dim, side, side)
        with torch.no_grad():
            terms = module.image_terms(features)
        prompt_axes = {"point_coords": {0: "prompts", 1: "points"}, "point_labels": {0: "prompts", 1: "points"},
                       "iou_predictions": {0: "prompts"}, "low_res_masks": {0: "prompts"}}
        example = (*terms, torch.zeros(1, 2, 2), torch.tensor([[1.0, -1.0]]))
        def session(graph: bytes, n: int | None) -> "ort.InferenceSession":
            options = ort.SessionOptions()
            if n is not None:
                options.intra_op_num_threads = n
            options.inter_op_num_threads = 1
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            return ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])

        key = _weights_key(module) if cache is not None else ""
        self.terms_session = session(_kept_export(cache, f"terms-{key}", lambda: _export(
            _ImageTermsGraph(module), (features,), TERM_INPUTS, TERMS, {})), threads)
        graph = _kept_export(cache, f"prompt-{key}", lambda: _export(module, example, INPUTS, OUTPUTS, prompt_axes))
        self.session = session(graph, threads)
        self.idle_session = self.session
        if threads is not None and idle_threads is not None and idle_threads > threads:
            self.idle_session = session(graph, idle_threads)

    def image_terms(self, features: np.ndarray) -> ImageTerms:
        return tuple(self.terms_session.run(TERMS, {"image_embeddings": features}))

    def __call__(self, terms: ImageTerms, coords: np.ndarray, labels: np.ndarray,
                 idle: bool = False) -> tuple[np.ndarray, np.ndarray]:
        iou, masks = (self.idle_session if idle else self.session).run(
            OUTPUTS, dict(zip(INPUTS, (*terms, coords, labels))))
        return iou, masks


def _weights_key(module: PromptDecoderModule) -> str:
    """A name for the graphs of this decoder: its weights (the prompt
    encoder's and the mask decoder's, not the image encoder's), the image
    size and the torch and opset that export them."""
    digest = hashlib.sha256(f"{torch.__version__} opset17 {module.sam.image_encoder.img_size}".encode())
    for part in (module.sam.prompt_encoder, module.sam.mask_decoder):
        for name, tensor in sorted(part.state_dict().items()):
            digest.update(name.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()[:24]


def _kept_export(cache: Path | None, name: str, export: Callable[[], bytes]) -> bytes:
    """``export()``'s graph, read from ``cache/name.onnx`` when an earlier
    load kept it there; written there (atomically) when not. A folder that
    cannot be written only costs the export."""
    if cache is None:
        return export()
    path = Path(cache) / f"{name}.onnx"
    try:
        return path.read_bytes()
    except OSError:
        pass
    graph = export()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(graph)
        os.replace(tmp, path)
    except OSError:
        pass
    return graph


def _export(module: nn.Module, example: tuple, inputs: list[str], outputs: list[str], axes: dict) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # tracer warnings on Python ints the graph keeps as constants
        torch.onnx.export(module.eval(), example, buf, input_names=inputs, output_names=outputs, dynamic_axes=axes,
                          opset_version=17, dynamo=False)
    return buf.getvalue()


@dataclass
class DecoderChoice:
    """Which decoder runs the prompts, and why (for the bench and the status bar)."""

    decoder: Decoder
    timings_ms: dict[str, float] = field(default_factory=dict)  # median per prompt of each measured kind
    difference: float | None = None  # max |torch - onnx| of the probe's logits, relative
    note: str = ""


def _median_ms(decoder: Decoder, probe: tuple[np.ndarray, np.ndarray, np.ndarray], runs: int) -> float:
    terms = decoder.image_terms(probe[0])
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        decoder(terms, *probe[1:])
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


def pick_decoder(sam: Sam, kind: DecoderKind = "auto", threads: int | None = 1, runs: int = 3,
                 idle_threads: int | None = None, cache: Path | None = None) -> DecoderChoice:
    """The decoder of ``kind``; with "auto", ONNX Runtime when it agrees with
    PyTorch within :data:`TOLERANCE` and is faster on a probe prompt, else
    PyTorch (the reason in ``note``)."""
    module = PromptDecoderModule(sam)
    torch_decoder = TorchDecoder(module)
    if kind == "torch":
        return DecoderChoice(torch_decoder, note="PyTorch (asked for)")
    try:
        onnx_decoder = OnnxDecoder(module, threads, idle_threads, cache)
    except Exception as e:  # noqa: BLE001 - any export or runtime failure leaves PyTorch, which always works
        if kind == "onnx":
            raise
        return DecoderChoice(torch_decoder, note=f"PyTorch: the ONNX decoder could not be made ({e})")
    if kind == "onnx":
        return DecoderChoice(onnx_decoder, note="ONNX Runtime (asked for)")
    probe = probe_prompt(module)
    (iou_t, masks_t), (iou_o, masks_o) = (d(d.image_terms(probe[0]), *probe[1:])
                                          for d in (torch_decoder, onnx_decoder))
    scale = max(1.0, float(np.abs(masks_t).max()))
    diff = max(float(np.abs(masks_t - masks_o).max()), float(np.abs(iou_t - iou_o).max())) / scale
    timings = {"torch": _median_ms(torch_decoder, probe, runs), "onnx": _median_ms(onnx_decoder, probe, runs)}
    if diff > TOLERANCE:
        return DecoderChoice(torch_decoder, timings, diff, f"PyTorch: ONNX Runtime differs by {diff:.2g}")
    if timings["onnx"] <= timings["torch"]:
        return DecoderChoice(onnx_decoder, timings, diff, "ONNX Runtime (faster, same results)")
    return DecoderChoice(torch_decoder, timings, diff, "PyTorch (faster here)")

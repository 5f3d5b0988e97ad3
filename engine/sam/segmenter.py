"""Click to segment: the image encoder once per image (seconds), the prompt
decoder once per click (milliseconds), as Meta's ``SamPredictor`` splits
them, with the embedding as a plain value that can be cached and shared.

Coordinates are image pixels ``(x, y)``; boxes ``(x1, y1, x2, y2)``; masks
are bool arrays of the image's size, or with ``low_res=True`` of the
decoder's own grid (a quarter of the model's input side, e.g. at most
256 x 256): a preview for the view to stretch over the image, ready without
the upscale that a kept mask needs.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from segment_anything.modeling import Sam
from segment_anything.utils.transforms import ResizeLongestSide

from ..errors import ConfigError
from .catalog import DEFAULT_SAM_MODEL, get_sam_model
from .decoder import DecoderChoice, DecoderKind, ImageTerms, pick_decoder
from .download import DownloadProgress

POSITIVE, NEGATIVE = 1, 0
_BOX_LABELS = (2.0, 3.0)  # SAM's labels of a box's top-left and bottom-right corners
_PADDING = -1.0  # "not a point": SAM adds one when no box closes the prompt
_TERMS_KEPT = 4


@dataclass(frozen=True)
class Embedding:
    """What the image encoder made of one image: plain arrays, picklable.

    ``image_size`` is the ``(h, w)`` of the image the coordinates refer to
    (the full image, even when a reduced copy was encoded); ``input_size``
    the ``(h, w)`` it took inside the model's square input of side
    ``model_input``."""

    model: str
    features: np.ndarray  # (1, 256, S/16, S/16) float32
    image_size: tuple[int, int]
    input_size: tuple[int, int]
    model_input: int

    @property
    def low_res_size(self) -> tuple[int, int]:
        """``(h, w)`` of a ``low_res`` mask: the part of the decoder's grid
        that covers the image (stretch it over the whole image)."""
        g = self.model_input // 4
        return (-(-self.input_size[0] * g // self.model_input), -(-self.input_size[1] * g // self.model_input))

    @property
    def nbytes(self) -> int:
        return int(self.features.nbytes)


@dataclass(frozen=True)
class Prompt:
    """The decoder's input for one prompt: ``(1, N, 2)`` coordinates in the
    model's input pixels and ``(1, N)`` labels (1, 0, 2/3 box, -1 padding)."""

    coords: np.ndarray
    labels: np.ndarray


class PromptSegmenter:
    """A loaded SAM-family model: :meth:`encode` per image, :meth:`decode`
    per prompt, :meth:`masks_for_boxes` for many boxes at once.

    Thread-safe: encodings run one at a time (each already uses the CPU's
    cores), decodes may run beside them (the window previews a click on the
    current image while a worker encodes the next one)."""

    def __init__(self, sam: Sam, name: str, decoder: DecoderKind = "auto", threads: int | None = 1,
                 idle_threads: int | None = None, graphs: Path | None = None):
        self.sam = sam.eval()
        self.name = name
        self.model_input = int(sam.image_encoder.img_size)
        self.transform = ResizeLongestSide(self.model_input)
        self.choice: DecoderChoice = pick_decoder(self.sam, decoder, threads, idle_threads=idle_threads, cache=graphs)
        self._encode_lock = threading.Lock()
        # The decoder's per-embedding terms of the last few embeddings (the
        # shown image and its neighbours), by the identity of their features.
        self._terms: OrderedDict[int, tuple[np.ndarray, ImageTerms]] = OrderedDict()
        self._terms_lock = threading.Lock()

    @property
    def decoder_kind(self) -> str:
        return self.choice.decoder.kind

    def image_terms(self, embedding: Embedding) -> ImageTerms:
        """The decoder's per-embedding part (a few ms, once per embedding)."""
        features = embedding.features
        with self._terms_lock:
            kept = self._terms.get(id(features))
            if kept is not None and kept[0] is features:
                self._terms.move_to_end(id(features))
                return kept[1]
        terms = self.choice.decoder.image_terms(features)
        with self._terms_lock:
            self._terms[id(features)] = (features, terms)  # holding features keeps its id from being reused
            while len(self._terms) > _TERMS_KEPT:
                self._terms.popitem(last=False)
        return terms

    # ------------------------------------------------------------ encode
    def encode(self, image: np.ndarray, image_size: tuple[int, int] | None = None) -> Embedding:
        """The embedding of an RGB ``(h, w, 3)`` uint8 image, preprocessed as
        ``SamPredictor.set_image`` does. ``image_size``: the ``(h, w)`` of the
        full image when ``image`` is a reduced copy of it (the canvas's
        preview), so that prompts and masks stay in full-image pixels."""
        a = np.asarray(image)
        if a.dtype != np.uint8 or a.ndim != 3 or a.shape[2] != 3 or 0 in a.shape:
            raise ValueError(f"an image to encode is an (h, w, 3) uint8 RGB array, not {a.dtype} {a.shape}")
        resized = self.transform.apply_image(a)
        x = torch.as_tensor(resized).permute(2, 0, 1).contiguous()[None].float()
        with self._encode_lock, torch.inference_mode():
            features = self.sam.image_encoder(self.sam.preprocess(x))
        return Embedding(model=self.name, features=features.numpy().astype(np.float32, copy=False),
                         image_size=image_size or (a.shape[0], a.shape[1]), input_size=resized.shape[:2],
                         model_input=self.model_input)

    def encode_file(self, path: str | Path) -> Embedding:
        """The embedding of an image file, read reduced to the model's input
        side (JPEGs decode faster so) with its full size kept."""
        from labeltool.core.images import load_image, read_size

        w, h = read_size(path)
        return self.encode(load_image(path, max_side=self.model_input), image_size=(h, w))

    # ------------------------------------------------------------ decode
    def _check(self, embedding: Embedding) -> None:
        if embedding.model != self.name or embedding.model_input != self.model_input:
            raise ValueError(f"this embedding was made by {embedding.model}, not {self.name}: encode the image "
                             "again with this model")

    def _idle(self) -> bool:
        """No image is being encoded: the decoder may use the idle cores."""
        return not self._encode_lock.locked()

    def _to_input(self, embedding: Embedding, xy: np.ndarray) -> np.ndarray:
        (h, w), (ih, iw) = embedding.image_size, embedding.input_size
        return (xy * np.array([iw / w, ih / h], np.float32)).astype(np.float32)

    def prompt(self, embedding: Embedding, points: Sequence[Sequence[float]] = (), labels: Sequence[int] = (),
               box: Sequence[float] | None = None) -> Prompt:
        """The decoder's input for clicks ``points`` (``labels``: 1 adds, 0
        removes) and an optional ``box``, as ``SamPredictor`` builds it."""
        pts = np.asarray(points, np.float32).reshape(-1, 2)
        labs = np.asarray(labels, np.float32).reshape(-1)
        if len(pts) != len(labs):
            raise ValueError(f"{len(pts)} points but {len(labs)} labels")
        if not np.isin(labs, (POSITIVE, NEGATIVE)).all():
            raise ValueError(f"point labels are 1 (object) or 0 (background), not {sorted(set(labs.tolist()))}")
        if box is not None:
            x1, y1, x2, y2 = (float(v) for v in box)
            corners = np.array([[min(x1, x2), min(y1, y2)], [max(x1, x2), max(y1, y2)]], np.float32)
            pts, labs = np.concatenate([pts, corners]), np.concatenate([labs, np.array(_BOX_LABELS, np.float32)])
        elif len(pts):
            pts, labs = np.concatenate([pts, np.zeros((1, 2), np.float32)]), np.append(labs, _PADDING)
        else:
            raise ValueError("a prompt needs a point or a box")
        return Prompt(coords=self._to_input(embedding, pts)[None], labels=labs.astype(np.float32)[None])

    def decode(self, embedding: Embedding, points: Sequence[Sequence[float]] = (), labels: Sequence[int] = (),
               box: Sequence[float] | None = None, multimask: bool = False,
               low_res: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """``(masks, scores)`` for one prompt: ``(k, h, w)`` bool masks and
        their ``(k,)`` predicted IoUs; k is 1, or 3 with ``multimask`` (better
        for a single click, which is ambiguous). Full-size masks unless
        ``low_res`` (see the module's doc)."""
        self._check(embedding)
        p = self.prompt(embedding, points, labels, box)
        iou, logits = self.choice.decoder(self.image_terms(embedding), p.coords, p.labels, idle=self._idle())
        pick = slice(1, None) if multimask else slice(0, 1)
        logits, scores = logits[0, pick], iou[0, pick]
        if low_res:
            h, w = embedding.low_res_size
            return logits[:, :h, :w] > 0, scores
        return self.upscale(embedding, logits), scores

    def masks_for_boxes(self, embedding: Embedding, boxes: Sequence[Sequence[float]],
                        batch_size: int = 16) -> Iterator[tuple[np.ndarray, float]]:
        """``(mask, score)`` of each box in order, decoded ``batch_size`` boxes
        per decoder call; full-size masks, made one at a time (a hundred
        full-size masks at once would not fit in memory)."""
        self._check(embedding)
        b = np.asarray(boxes, np.float32).reshape(-1, 4)
        corners = np.stack([np.minimum(b[:, :2], b[:, 2:]), np.maximum(b[:, :2], b[:, 2:])], axis=1)
        for start in range(0, len(b), batch_size):
            chunk = corners[start:start + batch_size]
            coords = self._to_input(embedding, chunk.reshape(-1, 2)).reshape(-1, 2, 2)
            labels = np.tile(np.array(_BOX_LABELS, np.float32), (len(chunk), 1))
            iou, logits = self.choice.decoder(self.image_terms(embedding), coords, labels, idle=self._idle())
            for i in range(len(chunk)):
                yield self.upscale(embedding, logits[i, :1])[0], float(iou[i, 0])

    def upscale(self, embedding: Embedding, logits: np.ndarray) -> np.ndarray:
        """Low-res logits ``(k, g, g)`` to full-size bool masks, as Meta's
        ``Sam.postprocess_masks``: to the model's input, cropped to the
        image's part, to the image's size."""
        x = torch.from_numpy(np.ascontiguousarray(logits, np.float32))[None]
        x = F.interpolate(x, (self.model_input, self.model_input), mode="bilinear", align_corners=False)
        x = x[..., :embedding.input_size[0], :embedding.input_size[1]]
        x = F.interpolate(x, embedding.image_size, mode="bilinear", align_corners=False)
        return (x[0] > self.sam.mask_threshold).numpy()


# ------------------------------------------------------------------ loading
@dataclass(frozen=True)
class SamSettings:
    """Which model and how to run it. ``weights``: a local file instead of
    the official download; ``decoder``: "auto" (ONNX Runtime where it is
    faster and agrees), "onnx" or "torch"; ``threads``: ONNX Runtime's
    threads for the decoder. One by default: on a small CPU the window
    encodes the next image while a person clicks, and more threads only
    wait for a core (a click's preview on two busy cores: 117 ms with one
    thread, 126 ms with two, 227 ms with two spinning as ONNX Runtime's
    default has them). ``idle_threads``: the decoder's threads while no
    image is being encoded (None: the cores, at most 4): on this 2-core
    machine a preview's decode takes 31 ms with two where one takes 42 ms.
    PyTorch's threads are the process's (``torch.set_num_threads``), not
    set here."""

    model: str = DEFAULT_SAM_MODEL
    weights: Path | None = None
    decoder: DecoderKind = "auto"
    threads: int | None = 1
    idle_threads: int | None = None

    def __post_init__(self) -> None:
        get_sam_model(self.model)  # an unknown name fails here, with the choices
        if self.weights is not None and not isinstance(self.weights, Path):
            object.__setattr__(self, "weights", Path(self.weights).expanduser())
        if self.decoder not in ("auto", "onnx", "torch"):
            raise ConfigError(f"decoder {self.decoder!r} is auto, onnx or torch")
        if self.threads is not None and self.threads < 1:
            raise ConfigError(f"threads must be at least 1, not {self.threads}")


def decoder_graphs_folder() -> Path:
    """Where the exported ONNX decoders are kept, beside the weights in
    torch's hub folder (by a hash of the decoder's weights)."""
    return Path(torch.hub.get_dir()) / "labeltool-sam-decoders"


_loaded: dict[SamSettings, PromptSegmenter] = {}
_loading = threading.Lock()


def load_segmenter(settings: SamSettings | None = None, progress: DownloadProgress | None = None) -> PromptSegmenter:
    """The segmenter of ``settings``, loaded once per process and kept:
    building it, checking the weights and making the ONNX decoder take a few
    seconds. Downloads the weights on first use (``progress(done, total)``)."""
    from .build import load_sam

    settings = settings or SamSettings()
    with _loading:
        if settings not in _loaded:
            info = get_sam_model(settings.model)
            sam = load_sam(info, settings.weights, progress)
            idle = settings.idle_threads or min(4, os.cpu_count() or 1)
            _loaded[settings] = PromptSegmenter(sam, info.name, settings.decoder, settings.threads, idle,
                                                graphs=decoder_graphs_folder())
        return _loaded[settings]


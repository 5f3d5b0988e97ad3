"""Click to segment from the window: Segment Anything (:mod:`engine.sam`) on
worker threads.

:class:`SegmenterService` is the window's one promptable segmenter. Its
*encoder* thread loads the model once (downloading the weights on first use,
with progress) and then computes the embeddings the window wants, the shown
image first and the next one ahead, into an :class:`engine.sam.EmbeddingCache`
(the last few in memory, all under the project's ``.labeltool/cache``). Its
*decoder* thread turns prompts into masks: the low-res preview of the latest
prompt (a prompt overtaken before its turn is dropped) and the full-size mask
to keep, already made into shapes. The GUI thread never waits for either; it
asks, and the answers come back through ``gui_queue`` as signals.

Why a decoder thread and not a call on the GUI thread: a preview takes about
45 ms of CPU with ONNX Runtime, and over 100 ms of wall time on this 2-core
machine while the encoder runs beside it (tests/benchmarks/bench_sam.py,
bench_ai_mask.py): inline, every click would freeze the window that long.

PyTorch's thread count is the process's: the encoder sets every core but one
(:data:`ENCODER_THREADS`, as training on the CPU does), so that the window and
the one-thread decoder keep a core while an image is encoded.

The settings a person chooses are in :mod:`.sam_options`; Boxes to masks in
bulk is :mod:`.sam_boxes`, on the same service.
"""
from __future__ import annotations

import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
from PySide6.QtCore import QObject, Signal

from engine.errors import WeightsUnavailableError
from labeltool.core.images import ImageLoadError
from labeltool.core.shapes import Mask, Polygon, Shape

from ..gui_queue import PostingThread
from .failure import failure_text
from .preload import import_modules
from .sam_options import SamOptions

if TYPE_CHECKING:  # pragma: no cover
    from engine.sam import EmbeddingCache, PromptSegmenter, SamSettings

__all__ = ["SegmenterService", "AiPromptData", "Decoded", "EncodingStopped", "stop_encoding_when", "mask_shapes"]

ENCODER_THREADS = max(1, (os.cpu_count() or 2) - 1)
MAX_PIECES = 20  # polygons kept from one mask, largest first
MEMORY_EMBEDDINGS = 8  # the shown image, the next, and the few last seen (about 4 MB each)
PROGRESS_EVERY_S = 0.1  # download progress reaches the window at most this often

# Loads a segmenter: (settings, progress) -> PromptSegmenter. The engine's
# load_segmenter by default; tests give one that builds a smaller SAM.
Loader = Callable[["SamSettings", "Callable[[int, int | None], None] | None"], "PromptSegmenter"]


@dataclass(frozen=True)
class AiPromptData:
    """A prompt in image pixels: points with labels (1 object, 0 background)
    and an optional box ``(x1, y1, x2, y2)``."""

    points: tuple[tuple[float, float], ...] = ()
    labels: tuple[int, ...] = ()
    box: tuple[float, float, float, float] | None = None

    @property
    def multimask(self) -> bool:
        """One click alone is ambiguous (a part or the whole?): SAM's advice is
        to ask for its three masks and keep the best (SamPredictor's docs)."""
        return self.box is None and len(self.points) == 1


@dataclass
class Decoded:
    """A decoder's answer. A preview: ``mask``, the decoder's low-res grid
    (stretch it over the whole image). A mask to keep: ``shapes``, unlabelled
    (one Mask, or the polygons of its pieces, largest first; none when empty)."""

    serial: int
    image_id: int
    model: str
    ms: float  # the decode's wall time
    mask: np.ndarray | None = None
    shapes: list[Shape] = field(default_factory=list)
    left_out: int = 0  # pieces too many to become polygons (see mask_shapes)
    score: float = 0.0


@dataclass(frozen=True)
class _Request:
    serial: int
    image_id: int
    path: Path
    prompt: AiPromptData
    keep: str | None = None  # None: a preview; "mask" / "polygon": the shapes to keep
    tolerance: float = 1.0


class _DownloadCancelled(Exception):
    """Raised from the progress callback: the person pressed Cancel."""


class EncodingStopped(Exception):
    """Raised inside the image encoder when its thread is asked to stop."""


# What a worker thread answers to "stop now?", read inside the encoder (see _interruptible).
_this_thread = threading.local()


def stop_encoding_when(should_stop: Callable[[], bool]) -> None:
    """From now on an encoding on the calling thread stops (raising
    :class:`EncodingStopped`) at its next layer once ``should_stop()``."""
    _this_thread.should_stop = should_stop


def _interruptible(segmenter: "PromptSegmenter") -> None:
    """Let a thread stop an encoding half-way (ViT-B takes 20 s a CPU
    image: closing the window must not wait for it): every layer of the
    image encoder first asks the thread's ``should_stop``, a few
    microseconds each. Threads that set none are never stopped."""
    sam = segmenter.sam
    if getattr(sam, "_labeltool_interruptible", False):
        return

    def check(module: Any, args: Any) -> None:
        should_stop = getattr(_this_thread, "should_stop", None)
        if should_stop is not None and should_stop():
            raise EncodingStopped()

    for m in sam.image_encoder.modules():
        if next(m.children(), None) is None:
            m.register_forward_pre_hook(check)
    sam._labeltool_interruptible = True


class _Loop(PostingThread):
    """A worker thread running ``work(thread)`` until the service stops it."""

    def __init__(self, work: Callable[["_Loop"], None], parent: QObject | None = None):
        super().__init__(parent)
        self._work = work

    def run(self) -> None:
        self._work(self)


def mask_shapes(mask: np.ndarray, keep: str, tolerance: float) -> tuple[list[Shape], int]:
    """The unlabelled shapes a kept mask becomes: itself, or the outlines of
    its :data:`MAX_PIECES` largest pieces (polygons have no holes); and how
    many smaller pieces were left out (a speckled mask would otherwise make
    hundreds of polygons; labelme keeps the largest outline only)."""
    from labeltool.core.raster import mask_polygons

    if not mask.any():
        return [], 0
    if keep == "polygon":
        outlines = mask_polygons(mask, epsilon=tolerance, min_area=4.0)
        return [Polygon(label="", points=pts) for pts in outlines[:MAX_PIECES]], max(0, len(outlines) - MAX_PIECES)
    return [Mask.from_array(mask, label="")], 0


class SegmenterService(QObject):
    """Create on the GUI thread; every method is the GUI thread's, every
    signal arrives there."""

    loading = Signal(str)  # the model's name: loading began (seconds, once per model)
    downloading = Signal(int, int)  # bytes done, total (0: unknown)
    loaded = Signal(str)  # the model's name; the decoder it runs with is in segmenter.decoder_kind
    failed = Signal(str, object)  # the model could not load: message, WeightsUnavailableError.details or None
    embeddingReady = Signal(int, str)  # image id, model: its prompts decode at once now
    imageFailed = Signal(int, str)  # image id, why it could not be encoded
    previewReady = Signal(object)  # Decoded with .mask
    maskReady = Signal(object)  # Decoded with .shapes
    decodeFailed = Signal(str)

    def __init__(self, loader: Loader | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.loader = loader
        self.options = SamOptions()
        self.root: Path | None = None
        self.segmenter: PromptSegmenter | None = None  # set by a worker once loaded; tests may wrap it
        self.error: str | None = None  # why the model did not load; nothing more is tried until configure()
        # Each decode's wall and CPU time (ms): the bench's figures (on a shared CPU the wall time grows
        # with the others' load, the CPU time much less).
        self.decode_ms: list[float] = []
        self.decode_cpu_ms: list[float] = []
        self._cache: EmbeddingCache | None = None
        self._ready: set[tuple[int, str]] = set()  # (image id, model) kept in the cache
        self._wanted: list[tuple[int, Path]] = []
        self._preview: _Request | None = None
        self._finals: deque[_Request] = deque()
        self._stopping = False
        self._cancel_download = False
        self._generation = 0  # bumped by configure(): answers of an older model are dropped
        self._cond = threading.Condition()
        self._load_lock = threading.Lock()
        self._threads: list[_Loop] = []

    # ------------------------------------------------------------ GUI side
    @property
    def model(self) -> str:
        return self.options.model

    def configure(self, options: SamOptions, root: Path | None) -> None:
        """Use ``options`` and the project folder ``root`` from now on (its
        embeddings are kept under it); another model or weights file loads on
        the next request, and a failed load is tried again."""
        with self._cond:
            if root != self.root:
                self._cache = None
                self._ready.clear()
            changed = (options.model, options.weights, root) != (self.options.model, self.options.weights,
                                                                 self.root)
            self.options, self.root = options, root
            if changed or self.error is not None:
                self._generation += 1
                self.segmenter = None
                self.error = None
                self._ready.clear()
                self._wanted.clear()
                self._preview = None
                self._finals.clear()

    def is_ready(self, image_id: int) -> bool:
        """Whether the embedding of ``image_id`` is kept (prompts decode at once)."""
        return (image_id, self.model) in self._ready

    @property
    def loading_now(self) -> bool:
        return self.segmenter is None and self.error is None and bool(self._threads)

    def want(self, images: list[tuple[int, Path]]) -> None:
        """Encode these images, in this order (the shown one first); what was
        wanted before and not started is forgotten."""
        with self._cond:
            if self.error is not None:
                return
            self._wanted = [(i, Path(p)) for i, p in images if (i, self.model) not in self._ready]
            self._cond.notify_all()
        self._start()

    def preview(self, serial: int, image_id: int, path: Path, prompt: AiPromptData) -> None:
        """Decode the low-res preview of ``prompt`` (replaces one not started)."""
        with self._cond:
            self._preview = _Request(serial, image_id, Path(path), prompt)
            self._cond.notify_all()
        self._start()

    def keep(self, serial: int, image_id: int, path: Path, prompt: AiPromptData) -> None:
        """Decode the full-size mask of ``prompt`` and make it the shapes to keep."""
        with self._cond:
            self._finals.append(_Request(serial, image_id, Path(path), prompt, self.options.keep,
                                         self.options.tolerance))
            self._cond.notify_all()
        self._start()

    def cancel_download(self) -> None:
        self._cancel_download = True

    def shutdown(self, timeout_ms: int = 60_000) -> None:
        """Stop the threads: an encoding under way stops at its next layer; a
        model being loaded (seconds, once) finishes loading first."""
        with self._cond:
            self._stopping = True
            self._cancel_download = True
            self._cond.notify_all()
        for t in self._threads:
            t.wait(timeout_ms)
        self._threads = []
        with self._cond:
            self._stopping = False

    def _start(self) -> None:
        if not self._threads:
            self._threads = [_Loop(self._encode_loop, self), _Loop(self._decode_loop, self)]
            for t in self._threads:
                t.start()

    def _note_ready(self, image_id: int, model: str, generation: int) -> None:
        if generation == self._generation:
            self._ready.add((image_id, model))
            self.embeddingReady.emit(image_id, model)

    def _note_loaded(self, model: str, generation: int) -> None:
        if generation == self._generation:
            self.loaded.emit(model)

    def _note_failed(self, message: str, details: Any, generation: int) -> None:
        if generation == self._generation:
            self.failed.emit(message, details)

    # --------------------------------------------------------- worker side
    def cache(self) -> "EmbeddingCache":
        from engine.sam import EmbeddingCache, project_cache_folder

        with self._cond:
            if self._cache is None:
                folder = project_cache_folder(self.root) if self.root is not None else None
                self._cache = EmbeddingCache(MEMORY_EMBEDDINGS, folder)
            return self._cache

    def load(self, thread: PostingThread) -> "PromptSegmenter | None":
        """The segmenter, loaded on the first call (any worker thread); None
        when it cannot load (``failed`` says why, once)."""
        with self._load_lock:
            with self._cond:
                options, root, generation = self.options, self.root, self._generation
                if self.segmenter is not None or self.error is not None:
                    return self.segmenter
            thread.post(self.loading.emit, options.model)
            self._cancel_download = False
            try:
                import_modules("torch", "torchvision", "engine.sam.segmenter", "engine.sam.cache")
                import torch

                torch.set_num_threads(min(torch.get_num_threads(), ENCODER_THREADS))
                loader = self.loader
                if loader is None:
                    from engine.sam import load_segmenter as loader
                segmenter = loader(options.settings(root), self._progress(thread))
            except _DownloadCancelled:
                message, details = "cancelled", {"code": "cancelled"}
            except WeightsUnavailableError as e:
                message, details = str(e), e.details
            except Exception as e:  # noqa: BLE001 - shown to the user; the window must survive any model error
                message, details = failure_text(e), None
            else:
                _interruptible(segmenter)
                with self._cond:
                    if generation == self._generation:
                        self.segmenter = segmenter
                thread.post(self._note_loaded, options.model, generation)
                return segmenter
            with self._cond:
                if generation == self._generation:
                    self.error = message
                    self._wanted.clear()
            thread.post(self._note_failed, message, details, generation)
            return None

    def _progress(self, thread: PostingThread) -> Callable[[int, int | None], None]:
        last = [0.0]

        def progress(done: int, total: int | None) -> None:
            if self._cancel_download:
                raise _DownloadCancelled()
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY_S or (total and done >= total):
                last[0] = now
                thread.post(self.downloading.emit, done, total or 0)
        return progress

    def _encode_loop(self, thread: _Loop) -> None:
        stop_encoding_when(lambda: self._stopping)
        while True:
            with self._cond:
                while not self._stopping and not self._wanted:
                    self._cond.wait()
                if self._stopping:
                    return
                image_id, path = self._wanted.pop(0)
                generation = self._generation
            segmenter = self.load(thread)
            if segmenter is None:
                continue
            try:
                self.cache().embedding(segmenter, path)
            except EncodingStopped:
                return
            except ImageLoadError as e:
                thread.post(self.imageFailed.emit, image_id, str(e))
            except Exception as e:  # noqa: BLE001 - one image's failure is that image's, the tool goes on
                thread.post(self.imageFailed.emit, image_id, failure_text(e))
            else:
                thread.post(self._note_ready, image_id, segmenter.name, generation)

    def _decode_loop(self, thread: _Loop) -> None:
        stop_encoding_when(lambda: self._stopping)
        while True:
            with self._cond:
                while not self._stopping and self._preview is None and not self._finals:
                    self._cond.wait()
                if self._stopping:
                    return
                if self._finals:
                    request = self._finals.popleft()
                else:
                    request, self._preview = self._preview, None
                segmenter = self.segmenter
            if segmenter is None:
                segmenter = self.load(thread)
                if segmenter is None:
                    continue
            try:
                answer = self._decode(segmenter, request)
            except EncodingStopped:
                return
            except ImageLoadError as e:
                thread.post(self.decodeFailed.emit, str(e))
            except Exception as e:  # noqa: BLE001 - one prompt's failure must not end the tool
                thread.post(self.decodeFailed.emit, failure_text(e))
            else:
                thread.post(self.maskReady.emit if request.keep else self.previewReady.emit, answer)

    def _decode(self, segmenter: "PromptSegmenter", request: _Request) -> Decoded:
        p = request.prompt
        start, cpu = time.perf_counter(), time.thread_time()
        # Kept already (the window asks once the embedding is ready); else this encodes it here.
        embedding = self.cache().embedding(segmenter, request.path)
        masks, scores = segmenter.decode(embedding, list(p.points), list(p.labels), p.box, multimask=p.multimask,
                                         low_res=request.keep is None)
        best = int(np.argmax(scores))
        answer = Decoded(request.serial, request.image_id, segmenter.name, 0.0, score=float(scores[best]))
        if request.keep is None:
            answer.mask = masks[best]
        else:
            answer.shapes, answer.left_out = mask_shapes(masks[best], request.keep, request.tolerance)
        answer.ms = (time.perf_counter() - start) * 1000
        self.decode_ms.append(answer.ms)
        self.decode_cpu_ms.append((time.thread_time() - cpu) * 1000)
        return answer

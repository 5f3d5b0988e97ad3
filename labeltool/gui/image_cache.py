"""Background decoding and prefetching of images.

Opening a folder decodes nothing. When an image is shown, a reduced-size
*preview* (JPEG decoded at 1/2, 1/4 or 1/8 scale, which is several times
faster than a full decode) is decoded on worker threads for it and its
neighbours, so that next/previous finds it ready. The full-resolution image
is decoded only when the view needs it (zoomed in, or after the user stays
on an image). Pillow releases the GIL while it decodes, so plain threads
decode in parallel.
"""
from __future__ import annotations

import itertools
import queue
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from labeltool.core.images import ImageLoadError, load_image

from .gui_queue import GuiQueue

PREVIEW = "preview"
FULL = "full"


def qimage_from_array(a: np.ndarray) -> QImage:
    """A QImage (own memory, 32-bit, fastest to paint) of an RGB uint8 array."""
    a = np.ascontiguousarray(a)
    h, w = a.shape[:2]
    img = QImage(a.data, w, h, a.strides[0], QImage.Format.Format_RGB888)
    return img.convertToFormat(QImage.Format.Format_RGB32)  # deep copy: `a` may go


@dataclass(order=True)
class _Job:
    priority: int
    seq: int
    image_id: int = 0
    level: str = PREVIEW
    path: Path | None = None


class ImageCache(QObject):
    """Decoded images by ``(image_id, level)``, least recently used dropped
    first once ``max_bytes`` is passed. Results arrive through signals, on the
    GUI thread."""

    loaded = Signal(int, str, QImage)  # image id, level, image
    failed = Signal(int, str)  # image id, message for the user

    def __init__(self, preview_side: int = 1600, max_bytes: int = 768 << 20, workers: int = 2,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.preview_side = preview_side
        self.max_bytes = max_bytes
        self._images: OrderedDict[tuple[int, str], QImage] = OrderedDict()
        self._bytes = 0
        self._errors: dict[int, str] = {}
        self._lock = threading.Lock()
        self._queue: queue.PriorityQueue[_Job] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._wanted: set[tuple[int, str]] = set()
        self._in_flight: set[tuple[int, str]] = set()
        self._closed = False
        # Decoders post their results to the GUI thread rather than emitting
        # from their own thread (see gui_queue.py).
        self._gui = GuiQueue(self)
        self._threads = [threading.Thread(target=self._work, name=f"image-cache-{i}", daemon=True)
                         for i in range(workers)]
        for t in self._threads:
            t.start()

    # ----------------------------------------------------------- GUI side
    def get(self, image_id: int, level: str = PREVIEW) -> QImage | None:
        with self._lock:
            img = self._images.get((image_id, level))
            if img is not None:
                self._images.move_to_end((image_id, level))
            return img

    def best(self, image_id: int) -> QImage | None:
        """The full image if decoded, else the preview, else None."""
        return self.get(image_id, FULL) or self.get(image_id, PREVIEW)

    def error(self, image_id: int) -> str | None:
        return self._errors.get(image_id)

    def request(self, image_id: int, path: Path, level: str = PREVIEW, priority: int = 0) -> None:
        """Decode ``path`` at ``level`` unless cached or under way."""
        key = (image_id, level)
        with self._lock:
            if key in self._images or image_id in self._errors:
                return
            self._wanted.add(key)
            if key in self._in_flight:
                return
        self._queue.put(_Job(priority, next(self._seq), image_id, level, Path(path)))

    def prefetch(self, current: tuple[int, Path], neighbours: list[tuple[int, Path]]) -> None:
        """Show ``current`` first, then decode ``neighbours`` (nearest first).
        Anything queued earlier and not asked for again is dropped, so that
        paging fast through a folder does not leave a backlog behind."""
        with self._lock:
            self._wanted = {k for k in self._wanted if k[1] == FULL and k[0] == current[0]}
        self.request(current[0], current[1], PREVIEW, 0)
        for i, (image_id, path) in enumerate(neighbours):
            self.request(image_id, path, PREVIEW, 1 + i)

    def clear(self) -> None:
        with self._lock:
            self._images.clear()
            self._bytes = 0
            self._wanted.clear()
        self._errors.clear()

    def shutdown(self) -> None:
        self._closed = True
        for _ in self._threads:
            self._queue.put(_Job(-1, next(self._seq)))
        for t in self._threads:
            t.join(timeout=5)

    # -------------------------------------------------------- worker side
    def _work(self) -> None:
        while True:
            job = self._queue.get()
            if self._closed or job.path is None:
                return
            key = (job.image_id, job.level)
            with self._lock:
                if key not in self._wanted or key in self._images or key in self._in_flight:
                    continue
                self._in_flight.add(key)
            try:
                max_side = self.preview_side if job.level == PREVIEW else None
                img = qimage_from_array(load_image(job.path, max_side=max_side))
            except ImageLoadError as e:
                self._errors[job.image_id] = str(e)
                with self._lock:
                    self._in_flight.discard(key)
                if not self._closed:
                    self._gui.post(self.failed.emit, job.image_id, str(e))
                continue
            except MemoryError:
                self._errors[job.image_id] = f"{job.path.name}: not enough memory to open this image"
                with self._lock:
                    self._in_flight.discard(key)
                if not self._closed:
                    self._gui.post(self.failed.emit, job.image_id, self._errors[job.image_id])
                continue
            self._store(key, img)
            # A small image's preview is the image itself (a larger one comes back
            # exactly preview_side long, so "<" tells them apart).
            if job.level == PREVIEW and max(img.width(), img.height()) < self.preview_side:
                self._store((job.image_id, FULL), img)
            if not self._closed:
                self._gui.post(self.loaded.emit, job.image_id, job.level, img)

    def _store(self, key: tuple[int, str], img: QImage) -> None:
        with self._lock:
            self._in_flight.discard(key)
            self._wanted.discard(key)
            if key in self._images:
                return
            self._images[key] = img
            self._bytes += img.sizeInBytes()
            while self._bytes > self.max_bytes and len(self._images) > 1:
                _, old = self._images.popitem(last=False)
                self._bytes -= old.sizeInBytes()

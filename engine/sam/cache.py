"""Embeddings kept for reuse: the few last images in memory (LRU), and
optionally on disk under ``<project>/.labeltool/cache/sam/<model>/``, so that
going back to an image, or opening the project again, costs no encoding.

Keyed by the image and the model: a file by its path, size and modification
time (cheap, and a changed file gets a new key), an array by a hash of its
pixels. The window's worker calls :meth:`EmbeddingCache.embedding` off the
GUI thread for the shown image and the next one; the GUI thread only asks
:meth:`EmbeddingCache.get`, which never encodes.
"""
from __future__ import annotations

import hashlib
import os
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np

from .segmenter import Embedding, PromptSegmenter

DISK_LIMIT = 512 << 20  # bytes of embeddings kept on disk per project (about 128 images at 4 MB)


def file_key(path: str | os.PathLike) -> str:
    """The key of an image file: its resolved path, size and mtime."""
    p = Path(path).resolve()
    st = p.stat()
    return hashlib.sha1(f"{p}\0{st.st_size}\0{st.st_mtime_ns}".encode("utf-8", "surrogatepass")).hexdigest()


def content_key(image: np.ndarray) -> str:
    """The key of an image array: a hash of its shape and pixels."""
    a = np.ascontiguousarray(image)
    h = hashlib.blake2b(str((a.shape, a.dtype.str)).encode(), digest_size=20)
    h.update(memoryview(a).cast("B"))
    return h.hexdigest()


def project_cache_folder(project: str | os.PathLike) -> Path:
    from labeltool.core.store import STORE_DIR

    return Path(project) / STORE_DIR / "cache" / "sam"


class EmbeddingCache:
    """``capacity`` embeddings in memory, least recently used dropped first;
    with ``folder``, every embedding also goes to disk (at most
    ``disk_limit`` bytes, oldest deleted first)."""

    def __init__(self, capacity: int = 8, folder: str | os.PathLike | None = None, disk_limit: int = DISK_LIMIT):
        if capacity < 1:
            raise ValueError(f"an embedding cache holds at least 1 embedding, not {capacity}")
        self.capacity = capacity
        self.folder = Path(folder) if folder is not None else None
        self.disk_limit = disk_limit
        self.encodes = 0  # how many embeddings this cache had computed (the tests' and the bench's count)
        self._memory: OrderedDict[tuple[str, str], Embedding] = OrderedDict()
        self._pending: dict[tuple[str, str], threading.Event] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._memory)

    def __contains__(self, item: tuple[str, str]) -> bool:
        """``(key, model) in cache``: held in memory or on disk."""
        with self._lock:
            if item in self._memory:
                return True
        path = self._disk_path(*item)
        return path is not None and path.is_file()

    def get(self, key: str, model: str) -> Embedding | None:
        """The kept embedding, or None; never encodes (safe on the GUI thread,
        but reading from disk takes a few milliseconds)."""
        with self._lock:
            found = self._memory.get((key, model))
            if found is not None:
                self._memory.move_to_end((key, model))
                return found
        found = self._read(key, model)
        if found is not None:
            self._remember(key, found)
        return found

    def put(self, key: str, embedding: Embedding) -> None:
        self._remember(key, embedding)
        self._write(key, embedding)

    def embedding(self, segmenter: PromptSegmenter, image: str | os.PathLike | np.ndarray,
                  key: str | None = None, image_size: tuple[int, int] | None = None) -> Embedding:
        """The embedding of ``image`` (a file or an RGB array) by
        ``segmenter``: kept, else encoded and kept. Two threads asking for the
        same image wait for one encoding.

        The canvas's reduced preview of a file: pass the array with
        ``key=file_key(path)`` and the full ``image_size`` ``(h, w)``, so that
        prompts and masks are in the file's pixels and the file finds it."""
        if key is None:
            key = content_key(image) if isinstance(image, np.ndarray) else file_key(image)
        item = (key, segmenter.name)
        while True:
            found = self.get(*item)
            if found is not None:
                return found
            with self._lock:
                waiting = self._pending.get(item)
                if waiting is None:
                    self._pending[item] = threading.Event()
                    break
            waiting.wait()
        try:
            emb = (segmenter.encode(image, image_size) if isinstance(image, np.ndarray)
                   else segmenter.encode_file(image))
            self.encodes += 1
            self.put(key, emb)
            return emb
        finally:
            with self._lock:
                self._pending.pop(item).set()

    def clear(self) -> None:
        """Forget the embeddings in memory (those on disk stay)."""
        with self._lock:
            self._memory.clear()

    # ------------------------------------------------------------ private
    def _remember(self, key: str, embedding: Embedding) -> None:
        with self._lock:
            self._memory[(key, embedding.model)] = embedding
            self._memory.move_to_end((key, embedding.model))
            while len(self._memory) > self.capacity:
                self._memory.popitem(last=False)

    def _disk_path(self, key: str, model: str) -> Path | None:
        return None if self.folder is None else self.folder / model / f"{key}.npz"

    def _read(self, key: str, model: str) -> Embedding | None:
        path = self._disk_path(key, model)
        if path is None or not path.is_file():
            return None
        try:
            with np.load(path, allow_pickle=False) as z:
                return Embedding(model=model, features=z["features"], image_size=tuple(int(v) for v in z["image_size"]),
                                 input_size=tuple(int(v) for v in z["input_size"]),
                                 model_input=int(z["model_input"]))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            path.unlink(missing_ok=True)  # damaged (a crash while writing): encode again
            return None

    def _write(self, key: str, embedding: Embedding) -> None:
        path = self._disk_path(key, embedding.model)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.stem}.{threading.get_ident()}.tmp.npz")
            np.savez(tmp, features=embedding.features, image_size=np.array(embedding.image_size),
                     input_size=np.array(embedding.input_size), model_input=np.array(embedding.model_input))
            os.replace(tmp, path)
            self._prune()
        except OSError:
            pass  # a full or read-only disk costs an encoding later, nothing else

    def _prune(self) -> None:
        assert self.folder is not None
        files = sorted(((p.stat().st_mtime, p.stat().st_size, p) for p in self.folder.glob("*/*.npz")))
        total = sum(size for _, size, _ in files)
        for _, size, path in files:
            if total <= self.disk_limit:
                break
            path.unlink(missing_ok=True)
            total -= size

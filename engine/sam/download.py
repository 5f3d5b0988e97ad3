"""Fetching a large file over HTTP so that a broken connection costs
nothing: the bytes go to ``NAME.part`` beside the target, a later call asks
the server for the rest (an HTTP ``Range`` request) and appends, and only a
complete file (of the published size and SHA-256, when known) is renamed
into place. Plain urllib: nothing to install, and the engine stays headless.
"""
from __future__ import annotations

import hashlib
import http.client
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

# progress(bytes_done, bytes_total or None), as engine.models.weights
DownloadProgress = Callable[[int, "int | None"], None]

CHUNK = 1 << 20


class DownloadFailed(Exception):
    """The transfer stopped (no network, refused, cut short); what was
    received stays in the ``.part`` file for the next try."""

    def __init__(self, reason: str, received: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.received = received


class DownloadMismatch(Exception):
    """The file arrived whole but is not the expected one (size or SHA-256);
    the ``.part`` file was deleted."""


def part_path(path: Path) -> Path:
    return path.with_name(path.name + ".part")


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _total_of(response: http.client.HTTPResponse, start: int) -> int | None:
    """The full size: from ``Content-Range: bytes a-b/TOTAL`` on a partial
    answer, else from ``Content-Length``."""
    m = re.match(r"bytes\s+\d+-\d+/(\d+)", response.headers.get("Content-Range", ""))
    if m:
        return int(m.group(1))
    length = response.headers.get("Content-Length")
    return start + int(length) if length and length.isdigit() else None


def fetch(url: str, path: Path, sha256: str | None = None, size: int | None = None,
          progress: DownloadProgress | None = None, timeout: float = 30.0) -> Path:
    """Download ``url`` to ``path``, resuming ``path.part`` when there is one.

    Raises :class:`DownloadFailed` when the transfer stops (the part stays)
    and :class:`DownloadMismatch` when the whole file is not of ``size`` or
    ``sha256`` (the part is deleted: resuming it could never succeed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(path)
    have = part.stat().st_size if part.is_file() else 0
    if size is not None and have > size:  # not a prefix of this file
        part.unlink()
        have = 0
    headers = {"User-Agent": "labeltool"}
    if have:
        headers["Range"] = f"bytes={have}-"
    total: int | None = size
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
            if have and response.status != 206:
                have = 0  # the server ignored the range and sends the whole file: start again
            total = _total_of(response, have) or size
            with open(part, "ab" if have else "wb") as out:
                done = have
                if progress is not None:
                    progress(done, total)
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
    except urllib.error.HTTPError as e:
        if not (e.code == 416 and have):  # 416 on a resume: the part already holds every byte
            raise DownloadFailed(f"HTTP {e.code} {e.reason}", have) from None
    except (urllib.error.URLError, OSError, TimeoutError, http.client.HTTPException) as e:
        reason = str(getattr(e, "reason", None) or e) or type(e).__name__
        raise DownloadFailed(reason, part.stat().st_size if part.is_file() else 0) from None
    got = part.stat().st_size
    expected = size or total
    if expected is not None and got < expected:
        raise DownloadFailed(f"the connection closed after {got} of {expected} bytes", got)
    if expected is not None and got > expected:
        part.unlink()
        raise DownloadMismatch(f"{got} bytes arrived, {expected} were expected")
    if sha256 is not None:
        digest = file_sha256(part)
        if digest != sha256.lower():
            part.unlink()
            raise DownloadMismatch(f"its SHA-256 is {digest}, the published one is {sha256}")
    os.replace(part, path)
    return path

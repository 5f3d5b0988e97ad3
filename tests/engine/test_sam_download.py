"""Weights downloads (engine.sam.download through ensure_sam_weights) from a
real HTTP server on 127.0.0.1 that answers Range requests as a CDN does,
cuts a transfer short, or ignores the range."""
from __future__ import annotations

import dataclasses
import hashlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from engine.errors import CheckpointError, WeightsUnavailableError
from engine.sam import SAM_MODELS
from engine.sam.weights import ensure_sam_weights, sam_weights_path

PAYLOAD = bytes(range(256)) * 4096  # 1 MiB: a few chunks


class Server:
    """Serves ``body`` at every path; ``cut_after`` bytes into the first
    answer it drops the connection; ``ranges`` says whether it honours Range."""

    def __init__(self, body: bytes, cut_after: int | None = None, ranges: bool = True):
        self.body, self.cut_after, self.ranges = body, cut_after, ranges
        self.requests: list[str | None] = []  # the Range header of each request
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                asked = self.headers.get("Range")
                server.requests.append(asked)
                start = int(asked[len("bytes="):].rstrip("-")) if asked and server.ranges else 0
                if start >= len(server.body):
                    self.send_response(416)
                    self.send_header("Content-Range", f"bytes */{len(server.body)}")
                    self.end_headers()
                    return
                part = server.body[start:]
                self.send_response(206 if start else 200)
                if start:
                    self.send_header("Content-Range", f"bytes {start}-{len(server.body) - 1}/{len(server.body)}")
                self.send_header("Content-Length", str(len(part)))
                self.end_headers()
                if server.cut_after is not None:
                    part, server.cut_after = part[:server.cut_after], None
                    self.close_connection = True
                self.wfile.write(part)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/weights.pth"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> "Server":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def _info(url: str, body: bytes = PAYLOAD):
    return dataclasses.replace(SAM_MODELS["sam-vit-b"], url=url, file_name="weights.pth",
                               sha256=hashlib.sha256(body).hexdigest(), size=len(body))


@pytest.fixture(autouse=True)
def torch_home(tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))


def test_a_cut_download_keeps_its_part_and_the_next_try_resumes_with_a_range_request():
    with Server(PAYLOAD, cut_after=300_000) as server:
        info = _info(server.url)
        with pytest.raises(WeightsUnavailableError, match=r"The 300000 bytes received are kept in weights.pth.part"):
            ensure_sam_weights(info, timeout=5)
        path = sam_weights_path(info)
        assert not path.exists() and path.with_name("weights.pth.part").stat().st_size == 300_000
        seen: list[tuple[int, int | None]] = []
        assert ensure_sam_weights(info, progress=lambda done, total: seen.append((done, total))) == path
    assert server.requests == [None, "bytes=300000-"]
    assert path.read_bytes() == PAYLOAD and not path.with_name("weights.pth.part").exists()
    assert seen[0] == (300_000, len(PAYLOAD)) and seen[-1] == (len(PAYLOAD), len(PAYLOAD))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_server_that_ignores_the_range_sends_the_whole_file_again():
    with Server(PAYLOAD, cut_after=100_000, ranges=False) as server:
        info = _info(server.url)
        with pytest.raises(WeightsUnavailableError):
            ensure_sam_weights(info, timeout=5)
        path = ensure_sam_weights(info, timeout=5)
    assert server.requests == [None, "bytes=100000-"] and path.read_bytes() == PAYLOAD


def test_a_part_already_complete_is_checked_and_put_in_place():
    with Server(PAYLOAD) as server:
        info = _info(server.url)
        part = sam_weights_path(info).with_name("weights.pth.part")
        part.parent.mkdir(parents=True)
        part.write_bytes(PAYLOAD)
        assert ensure_sam_weights(info, timeout=5).read_bytes() == PAYLOAD
    assert server.requests == [f"bytes={len(PAYLOAD)}-"]  # answered 416: nothing left to send


def test_a_download_that_is_not_the_published_file_is_deleted_with_a_clear_message():
    with Server(PAYLOAD[::-1]) as server:
        info = _info(server.url)  # the hash of PAYLOAD, the bytes of another file of the same size
        with pytest.raises(CheckpointError, match=r"the download of weights.pth from http://127.0.0.1:\d+/weights.pth "
                                                  r"is not the published file \(its SHA-256 is "):
            ensure_sam_weights(info, timeout=5)
    path = sam_weights_path(info)
    assert not path.exists() and not path.with_name("weights.pth.part").exists()

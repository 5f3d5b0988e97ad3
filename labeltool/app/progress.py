"""A small text progress bar for the CLI (stderr, redrawn in place on a
terminal, a few plain lines otherwise). Library code takes a plain
``progress(done, total)`` callback; the CLI passes a bar's ``update``."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    def __init__(self, label: str, total: int | None = None, stream: TextIO | None = None,
                 min_interval: float = 0.1):
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        self.done = 0
        self.start = time.monotonic()
        self._last = 0.0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._min_interval = min_interval if self._tty else 5.0

    def update(self, done: int, total: int | None = None) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if now - self._last >= self._min_interval or (self.total and done >= self.total):
            self._last = now
            self._draw(final=False)

    def _draw(self, final: bool) -> None:
        elapsed = time.monotonic() - self.start
        if self.total:
            frac = min(1.0, self.done / self.total)
            bar = "#" * int(frac * 30)
            eta = (elapsed / frac - elapsed) if 0 < frac < 1 else 0.0
            text = f"{self.label} [{bar:<30}] {self.done}/{self.total} {elapsed:.1f}s"
            if not final and eta:
                text += f" eta {eta:.0f}s"
        else:
            text = f"{self.label} {self.done} {elapsed:.1f}s"
        if self._tty:
            self.stream.write("\r" + text + ("\n" if final else ""))
        elif final:
            self.stream.write(text + "\n")
        self.stream.flush()

    def close(self) -> None:
        self._draw(final=True)

    def __enter__(self) -> "ProgressBar":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

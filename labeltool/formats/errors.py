"""The one error every reader and writer raises for a bad file."""
from __future__ import annotations

import os
from pathlib import Path


class FormatError(Exception):
    """A file could not be read or written as its format says.

    The message names the file and the reason, so the CLI and the GUI can
    show it as it is (``labeltool import: error: Annotations/a.xml: ...``).
    """

    def __init__(self, path: os.PathLike | str | None, reason: str):
        self.path = Path(path) if path is not None else None
        self.reason = reason
        super().__init__(f"{self.path}: {reason}" if self.path is not None else reason)

"""Typed errors of the engine. Each message says what happened and what to
do, so the CLI prints it as it is and the GUI shows it in a dialog. Library
code raises these; it never calls ``sys.exit``."""
from __future__ import annotations

from pathlib import Path
from typing import Any


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""

    @property
    def details(self) -> dict[str, Any] | None:
        """The facts of the error as plain data (``{"code": ..., ...}``), for
        a caller that words its own way out; None when the message is all."""
        return None


class ConfigError(EngineError):
    """The training configuration cannot work (unknown model, wrong task...)."""


class NoTrainingDataError(EngineError):
    """The project holds nothing to learn from for the chosen task."""


class WeightsUnavailableError(EngineError):
    """Pretrained weights could not be downloaded or read.

    The message is the command line's (it names ``--weights`` and
    ``--no-pretrained``); the facts ride along apart, so that a window can
    offer its own buttons: the file's name, the folder to place it in, the
    address to download it from elsewhere, and why the download failed."""

    def __init__(self, message: str, file_name: str = "", folder: str | Path = "", url: str = "",
                 reason: str = ""):
        super().__init__(message)
        self.file_name = file_name
        self.folder = str(folder)
        self.url = url
        self.reason = reason

    @property
    def details(self) -> dict[str, Any]:
        return {"code": "weights_unavailable", "file": self.file_name, "folder": self.folder, "url": self.url,
                "reason": self.reason}

    @classmethod
    def from_details(cls, message: str, details: dict[str, Any]) -> "WeightsUnavailableError":
        """The error again from its message and :attr:`details` (sent between processes)."""
        return cls(message, file_name=details.get("file", ""), folder=details.get("folder", ""),
                   url=details.get("url", ""), reason=details.get("reason", ""))


class CheckpointError(EngineError):
    """A checkpoint file is missing, damaged, or not a plain weights file."""


class NonFiniteLossError(EngineError):
    """The loss became NaN or infinite (on any rank)."""

    def __init__(self, step: int, loss: float, where: str = ""):
        self.step = step
        self.loss = loss
        self.where = where
        super().__init__(f"the loss became {loss} at step {step}")

"""Typed errors of the engine. Each message says what happened and what to
do, so the CLI prints it as it is and the GUI shows it in a dialog. Library
code raises these; it never calls ``sys.exit``."""
from __future__ import annotations


class EngineError(Exception):
    """Base class of every error the engine raises on purpose."""


class ConfigError(EngineError):
    """The training configuration cannot work (unknown model, wrong task...)."""


class NoTrainingDataError(EngineError):
    """The project holds nothing to learn from for the chosen task."""


class WeightsUnavailableError(EngineError):
    """Pretrained weights could not be downloaded or read."""


class CheckpointError(EngineError):
    """A checkpoint file is missing, damaged, or not a plain weights file."""


class NonFiniteLossError(EngineError):
    """The loss became NaN or infinite (on any rank)."""

    def __init__(self, step: int, loss: float, where: str = ""):
        self.step = step
        self.loss = loss
        self.where = where
        super().__init__(f"the loss became {loss} at step {step}")

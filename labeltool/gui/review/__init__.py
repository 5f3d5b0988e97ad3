"""Review of a model's predictions: pre-label with the active run, judge
predictions against the labels, accept or reject them, the review queue,
the model report, and export. The window composes one :class:`Review`."""
from .wiring import Review

__all__ = ["Review"]

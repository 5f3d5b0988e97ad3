"""Review of a model's predictions: pre-label with the active run, judge
predictions against the labels, accept or reject them, the review queue,
the model report, and export. ``install(window)`` adds it all to a
MainWindow."""
from .install import install

__all__ = ["install"]

"""The drawing canvas: a QGraphicsView (zoom, pan, tools) over a scene whose
items render core shapes (they never own them)."""
from .view import CanvasView

__all__ = ["CanvasView"]

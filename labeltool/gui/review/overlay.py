"""Predictions drawn over the canvas in review: dashed, with their score,
coloured by class, or, where the image is labelled, by verdict (found,
false alarm, wrong class) with the missed objects outlined.

The items are the canvas's own shape items (``make_item(model=True)``)
added to its scene and owned here; the stored shapes the window draws are
left alone."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem

from labeltool.core.shapes import Shape, TextRegion
from labeltool.gui.canvas.items import Z_OVERLAY, ShapeItem, make_item
from labeltool.gui.canvas.scene import CanvasScene

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.jobs.review import ImageComparison

VERDICT_COLORS = {"tp": "#34c759", "fp": "#ff3b30", "wrong_class": "#d633ff", "fn": "#ff9500"}


def verdict_caption(shape: Shape, verdict: str | None, tr) -> str:
    """The prediction's class (a text region's words, which are what is
    judged there) and score, with its verdict."""
    score = shape.source.score
    name = f"“{shape.transcription}”" if isinstance(shape, TextRegion) and shape.transcription else shape.label
    text = name + (f" {score:.2f}" if score is not None else "")
    if verdict == "tp":
        return text + " ✓"
    if verdict == "fp":
        return text + " ✗ " + tr("false alarm?")
    if verdict == "wrong_class":
        return text + " ✗ " + tr("other class")
    return text


class PredictionOverlay:
    def __init__(self, scene: CanvasScene, tr=lambda s: s):
        self.scene = scene
        self.tr = tr
        self.items: dict[str, ShapeItem] = {}  # prediction id -> item
        self.missed: list[ShapeItem] = []

    def clear(self) -> None:
        for it in [*self.items.values(), *self.missed]:
            if it.scene() is self.scene:
                self.scene.removeItem(it)
        self.items, self.missed = {}, []

    def show(self, predictions: list[Shape], comparison: ImageComparison | None, truths: list[Shape],
             current: str | None) -> None:
        """Draw ``predictions`` (already filtered by the threshold); with a
        ``comparison``, colour them by verdict and outline missed ``truths``."""
        self.clear()
        for p in predictions:
            verdict = comparison.verdict(p.id) if comparison is not None else None
            color = QColor(VERDICT_COLORS[verdict]) if verdict else self.scene.color_of(p.label)
            item = make_item(p, color, model=True)
            if item is None:  # image-level tags have no item; the panel lists them
                continue
            self._add(item, verdict_caption(p, verdict, self.tr), color)
            item.set_selected(p.id == current)
            self.items[p.id] = item
        if comparison is not None:
            for t in truths:
                if t.id in comparison.missed:
                    item = make_item(t, QColor(VERDICT_COLORS["fn"]), model=True)
                    if item is not None:
                        self._add(item, self.tr("missed: %1").replace("%1", t.label), QColor(VERDICT_COLORS["fn"]))
                        self.missed.append(item)

    def _add(self, item: ShapeItem, caption: str, color: QColor) -> None:
        item.tag.set(caption, color)
        item.setZValue(Z_OVERLAY + 1)
        item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the canvas tools own the mouse
        item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)
        item.setVisible(item.shape_model.label not in self.scene.hidden_classes)
        self.scene.addItem(item)

    def prediction_at(self, p: tuple[float, float], tolerance: float) -> str | None:
        """The drawn prediction under the image point ``p``; of nested ones
        the smallest, so a small box inside a big one can still be picked."""
        hits = [(it.boundingRect().width() * it.boundingRect().height(), sid)
                for sid, it in self.items.items() if it.isVisible() and it.hit(p, tolerance)]
        return min(hits)[1] if hits else None

    def set_current(self, shape_id: str | None) -> None:
        for sid, it in self.items.items():
            it.set_selected(sid == shape_id)

"""The scene: image layer, one item per shape, prediction overlay, handles.

It keeps no annotation state of its own: ``set_shapes`` renders a list read
from the store; selection and per-shape/per-class visibility are view state.
"""
from __future__ import annotations

from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsScene

from labeltool.core.shapes import Point, Shape

from labeltool.core.shape_edits import handles
from .image_layer import ImageLayer
from .items import Z_PREVIEW, HandlesItem, ShapeItem, make_item

FALLBACK_COLOR = QColor("#ff3b30")
PENDING_COLOR = QColor("#00e5ff")  # the colour of a tool's preview: the same shape, not yet stored


class CanvasScene(QGraphicsScene):
    selectionChanged_ = Signal(list)  # selected shape ids (QGraphicsScene has its own selectionChanged)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # few items, many moves
        self.image = ImageLayer()
        self.addItem(self.image)
        self.handles = HandlesItem()
        self.addItem(self.handles)
        self.items_by_id: dict[str, ShapeItem] = {}
        self.overlay_items: list[ShapeItem] = []
        self.colors: dict[str, QColor] = {}
        self.hidden_classes: set[str] = set()
        self.hidden_shapes: set[str] = set()
        self.selected: list[str] = []
        self.pending: ShapeItem | None = None

    # ------------------------------------------------------------ image
    def set_image_size(self, width: int, height: int) -> None:
        self.image.set_image(width, height)
        # Room around the image, so that zooming at a point near an edge keeps
        # that point under the cursor and an edge can be panned to the centre.
        m = max(width, height, 1)
        self.setSceneRect(QRectF(-m, -m, width + 2 * m, height + 2 * m))

    def image_size(self) -> tuple[int, int]:
        return self.image.size

    # ----------------------------------------------------------- shapes
    def color_of(self, label: str) -> QColor:
        return self.colors.get(label, FALLBACK_COLOR)

    def set_colors(self, colors: dict[str, str]) -> None:
        self.colors = {k: QColor(v) for k, v in colors.items()}
        for item in list(self.items_by_id.values()) + self.overlay_items:
            item.set_shape(item.shape_model, self.color_of(item.shape_model.label))

    def set_shapes(self, shapes: list[Shape]) -> None:
        """Show exactly ``shapes`` (re-using items whose id is unchanged)."""
        keep = {s.id for s in shapes}
        for sid in [sid for sid in self.items_by_id if sid not in keep]:
            self.removeItem(self.items_by_id.pop(sid))
        for s in shapes:
            item = self.items_by_id.get(s.id)
            if item is not None and item.shape_model.kind == s.kind:
                if item.shape_model != s:
                    item.set_shape(s, self.color_of(s.label))
                continue
            if item is not None:
                self.removeItem(self.items_by_id.pop(s.id))
            item = make_item(s, self.color_of(s.label))
            if item is not None:
                self.items_by_id[s.id] = item
                self.addItem(item)
        for i, s in enumerate(shapes):
            if s.id in self.items_by_id:
                self.items_by_id[s.id].setZValue(self.items_by_id[s.id].zValue() // 1 + i / (len(shapes) + 1))
        self.selected = [sid for sid in self.selected if sid in self.items_by_id]
        self._apply_visibility()
        self._sync_selection()

    def shape(self, shape_id: str) -> Shape | None:
        item = self.items_by_id.get(shape_id)
        return item.shape_model if item else None

    def preview_shape(self, shape: Shape) -> None:
        """Show ``shape`` in place of the stored one while it is dragged."""
        item = self.items_by_id.get(shape.id)
        if item is not None:
            item.set_shape(shape)
            self._sync_selection()

    def shape_at(self, p: Point, tolerance: float, editable_only: bool = True) -> str | None:
        """The topmost visible shape under ``p`` (selected shapes win ties)."""
        items = sorted(self.items_by_id.values(), key=lambda it: (it.selected, it.zValue()), reverse=True)
        for it in items:
            if it.isVisible() and it.hit(p, tolerance) and not (editable_only and it.model):
                return it.shape_id
        return None

    def set_pending(self, shape: Shape | None) -> None:
        """Show ``shape``, just drawn and not stored yet, while its class is
        asked for (``None`` takes it away): the person sees what they label."""
        if self.pending is not None:
            self.removeItem(self.pending)
            self.pending = None
        item = make_item(shape, PENDING_COLOR) if shape is not None else None
        if item is not None:
            item.setZValue(Z_PREVIEW)
            self.addItem(item)
            self.pending = item

    # -------------------------------------------------------- overlay
    def set_overlay(self, shapes: list[Shape]) -> None:
        for it in self.overlay_items:
            self.removeItem(it)
        self.overlay_items = []
        for s in shapes:
            it = make_item(s, self.color_of(s.label), model=True)
            if it is not None:
                self.overlay_items.append(it)
                self.addItem(it)

    # ------------------------------------------------------ selection
    def select(self, ids: list[str]) -> None:
        ids = [i for i in ids if i in self.items_by_id]
        if ids != self.selected:
            self.selected = ids
            self._sync_selection()
            self.selectionChanged_.emit(list(ids))

    def selected_shapes(self) -> list[Shape]:
        return [self.items_by_id[i].shape_model for i in self.selected if i in self.items_by_id]

    def _sync_selection(self) -> None:
        # The other parts of a selected shape's object show with it.
        objects = {self.items_by_id[i].shape_model.object_key() for i in self.selected} - {None}
        for sid, it in self.items_by_id.items():
            it.set_selected(sid in self.selected)
            it.set_linked(sid not in self.selected and it.shape_model.object_key() in objects)
        pts: list[Point] = []
        bounds = QRectF()
        if len(self.selected) == 1:
            it = self.items_by_id[self.selected[0]]
            pts = handles(it.shape_model)
            bounds = it.boundingRect()
        self.handles.set_points(pts, bounds)

    # ----------------------------------------------------- visibility
    def set_class_hidden(self, label: str, hidden: bool) -> None:
        (self.hidden_classes.add if hidden else self.hidden_classes.discard)(label)
        self._apply_visibility()

    def set_shape_hidden(self, shape_id: str, hidden: bool) -> None:
        (self.hidden_shapes.add if hidden else self.hidden_shapes.discard)(shape_id)
        self._apply_visibility()

    def _apply_visibility(self) -> None:
        for sid, it in self.items_by_id.items():
            it.setVisible(sid not in self.hidden_shapes and it.shape_model.label not in self.hidden_classes)
        for it in self.overlay_items:
            it.setVisible(it.shape_model.label not in self.hidden_classes)

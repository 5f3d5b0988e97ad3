"""The state of reviewing one image's predictions: which are shown (score
at or above the threshold), which one is current, their verdicts against
the labels, and the edits a person makes — accept (the shape becomes
human-made, same id), reject (deleted), accept all shown. Every edit is an
undoable command on the window's undo stack."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent

from engine.review import ImageComparison, compare_image
from labeltool.core.errors import StoreError
from labeltool.core.shapes import HUMAN, ImageTag, Mask, Shape, TextRegion
from labeltool.gui.commands import DeleteShape, StoreCommand, UpdateShape

from .overlay import PredictionOverlay

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.main_window import MainWindow

TEXT_CLASS = "text"  # the class text regions train and predict as (engine.data.TEXT_CLASS)
# Which human shapes a prediction of each kind is judged against.
TRUTH_KINDS = {"box": ("box", "text"), "text": ("box", "text"), "mask": ("polygon", "mask"), "tag": ("tag",)}


def truths_for(predictions: list[Shape], humans: list[Shape]) -> list[Shape]:
    """The human shapes the model's kind of prediction can be compared with."""
    kinds = {k for p in predictions for k in TRUTH_KINDS.get(p.kind, ())}
    out = [h for h in humans if h.kind in kinds]
    if any(isinstance(p, TextRegion) for p in predictions):
        out = [replace(h, label=TEXT_CLASS) if isinstance(h, TextRegion) else h for h in out]
    return out


class ReviewSession(QObject):
    changed = Signal()  # what is shown or current changed; panels re-read

    def __init__(self, window: "MainWindow"):
        super().__init__(window)
        self.w = window
        self.overlay = PredictionOverlay(window.canvas.canvas_scene, self.tr)
        self.active = False
        self.threshold = 0.5
        self.compare = True
        self.current_id: str | None = None
        self.all_predictions: list[Shape] = []  # of the current image, best first
        self.predictions: list[Shape] = []  # those at or above the threshold
        self.truths: list[Shape] = []
        self.comparison: ImageComparison | None = None
        self._show_predictions_before: bool | None = None
        window.imageChanged.connect(lambda _: self.refresh())
        window.projectOpened.connect(self._project_opened)
        window.canvas.viewport().installEventFilter(self)  # a click on a prediction picks it
        if window.store is not None:
            self._project_opened(window.store)

    def _project_opened(self, store) -> None:
        if self.w.bridge is not None:
            self.w.bridge.imageShapesChanged.connect(self._image_shapes_changed)
            self.w.bridge.classesChanged.connect(self.refresh)
        self.refresh()

    def _image_shapes_changed(self, image_id: int) -> None:
        item = self.w.current_image()
        if item is not None and item.id == image_id:
            self.refresh()

    # ------------------------------------------------------------ state
    def set_active(self, on: bool) -> None:
        """Review mode: the window stops drawing stored predictions itself
        (all of them, at any score) and this overlay draws those shown."""
        if on == self.active:
            return
        self.active = on
        action = self.w.actions.show_predictions
        if on:
            self._show_predictions_before = action.isChecked()
            action.setChecked(False)
        elif self._show_predictions_before is not None:
            action.setChecked(self._show_predictions_before)
        self.w.reload_shapes()
        self.refresh()

    def set_threshold(self, value: float) -> None:
        self.threshold = float(value)
        self.refresh()

    def set_compare(self, on: bool) -> None:
        self.compare = on
        self.refresh()

    def refresh(self) -> None:
        """Re-read the current image's predictions and labels and redraw."""
        item, store = self.w.current_image(), self.w.store
        if item is None or store is None:
            shapes: list[Shape] = []
        else:
            try:
                shapes = store.shapes(item.id)
            except (StoreError, KeyError):
                shapes = []
        preds = sorted((s for s in shapes if s.source.is_model), key=lambda s: -(s.source.score or 0.0))
        humans = [s for s in shapes if not s.source.is_model]
        self.all_predictions = preds
        self.predictions = [p for p in preds if (p.source.score or 0.0) >= self.threshold]
        self.truths = truths_for(preds, humans)
        self.comparison = None
        if self.compare and preds and self.truths:
            semantic = any(isinstance(p, Mask) for p in preds)  # U-Net paints one mask per class
            self.comparison = compare_image(self.predictions, self.truths, semantic=semantic)
        ids = [p.id for p in self.predictions]
        if self.current_id not in ids:
            self.current_id = ids[0] if ids else None
        if self.active:
            self.overlay.show(self.predictions, self.comparison, self.truths, self.current_id)
        else:
            self.overlay.clear()
        self.changed.emit()

    @property
    def shown_count(self) -> int:
        """Predictions drawn on the canvas now (tags have no drawing)."""
        return len(self.overlay.items)

    def current(self) -> Shape | None:
        return next((p for p in self.predictions if p.id == self.current_id), None)

    def select(self, shape_id: str | None) -> None:
        self.current_id = shape_id
        self.overlay.set_current(shape_id)
        self.changed.emit()

    def eventFilter(self, obj: QObject, ev: QEvent) -> bool:
        """A plain left click on a drawn prediction makes it current (for Y/N),
        before the canvas tool sees the click. Drawn on top, it wins over a
        label beneath, except for a handle of the selected label, so that
        labels stay resizable during review. Drawing tools keep every click."""
        if (not self.active or ev.type() != QEvent.Type.MouseButtonPress
                or not isinstance(ev, QMouseEvent) or ev.button() != Qt.MouseButton.LeftButton
                or ev.modifiers() != Qt.KeyboardModifier.NoModifier):
            return False
        view = self.w.canvas
        if view.tool.name != "edit" or view.space_down:
            return False
        p = view.to_image(ev.position().toPoint())
        sid = self.overlay.prediction_at((p.x(), p.y()), 4 / view.scale_factor())
        if sid is None or view.tool.handle_at(p) is not None:
            return False
        view.canvas_scene.select([])
        view.setFocus()
        self.select(sid)
        return True

    def next(self, step: int = 1) -> None:
        """The next prediction shown (Tab), wrapping; none left: say so."""
        ids = [p.id for p in self.predictions]
        if not ids:
            self.w.statusBar().showMessage(self.tr("No predictions shown on this image."), 3000)
            return
        i = ids.index(self.current_id) if self.current_id in ids else -step
        self.select(ids[(i + step) % len(ids)])

    # ------------------------------------------------------------ edits
    def _error(self, e: Exception) -> None:
        self.w.show_error(str(e))

    def _writable(self) -> bool:
        return self.w.editor.writable()

    def _after(self, shape_id: str) -> str | None:
        """The prediction to make current once ``shape_id`` is dealt with."""
        ids = [p.id for p in self.predictions]
        if shape_id not in ids:
            return self.current_id
        i = ids.index(shape_id)
        rest = ids[i + 1:] + ids[:i]
        return rest[0] if rest else None

    def _accept_command(self, shape: Shape) -> StoreCommand:
        store = self.w.store
        if isinstance(shape, ImageTag) and any(
                isinstance(h, ImageTag) and h.label == shape.label for h in store.shapes(self._image_id(), "human")):
            # The image already has this class: accepting adds nothing but a duplicate.
            return DeleteShape(store, shape.id, self.tr("Accept %1").replace("%1", shape.label), self._error)
        return UpdateShape(store, replace(shape, source=HUMAN), self.tr("Accept %1").replace("%1", shape.label),
                           self._error)

    def _image_id(self) -> int:
        item = self.w.current_image()
        assert item is not None
        return item.id

    def accept(self, shape_id: str | None = None) -> str | None:
        """Make a prediction (default: the current one) a human shape, id
        kept; returns its id."""
        shape = self._find(shape_id)
        if shape is None or not self._writable():
            return None
        self.current_id = self._after(shape.id)
        self.w.editor.push([self._accept_command(shape)], self.tr("Accept %1").replace("%1", shape.label))
        return shape.id

    def reject(self, shape_id: str | None = None) -> str | None:
        shape = self._find(shape_id)
        if shape is None or not self._writable():
            return None
        self.current_id = self._after(shape.id)
        self.w.editor.push([DeleteShape(self.w.store, shape.id, self.tr("Reject %1").replace("%1", shape.label),
                                        self._error)],
                           self.tr("Reject %1").replace("%1", shape.label))
        return shape.id

    def accept_and_edit(self) -> None:
        """Edit, then keep: the prediction becomes a human shape and is
        selected on the canvas, handles out, to be dragged into place or
        relabelled (Ctrl+E) — one undo step each."""
        sid = self.accept()
        if sid is not None:
            self.w.canvas.set_tool("edit")
            self.w.canvas.canvas_scene.select([sid])
            self.w.canvas.setFocus()

    def accept_all(self) -> int:
        """Accept every prediction shown and drop the hidden ones (below the
        threshold): what a person sees is what the image keeps. One undo step."""
        if not self.all_predictions or not self._writable():
            return 0
        store = self.w.store
        shown = {p.id for p in self.predictions}
        cmds: list[StoreCommand] = []
        for p in self.all_predictions:
            if p.id in shown:
                cmds.append(self._accept_command(p))
            else:
                cmds.append(DeleteShape(store, p.id, self.tr("Reject %1").replace("%1", p.label), self._error))
        self.w.editor.push(cmds, self.tr("Accept %1 predictions").replace("%1", str(len(shown))))
        return len(shown)

    def _find(self, shape_id: str | None) -> Shape | None:
        sid = shape_id or self.current_id
        return next((p for p in self.all_predictions if p.id == sid), None)

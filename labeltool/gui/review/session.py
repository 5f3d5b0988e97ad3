"""The state of reviewing one image's predictions: which are shown (score
at or above the threshold), which one is current, their verdicts against
the labels, and the edits a person makes — accept (the shape becomes
human-made, same id, still naming the model that proposed it), reject
(deleted), accept all shown. Every edit is an undoable command on the
window's undo stack. An accepted prediction counts as found
(:func:`labeltool.gui.jobs.review.compare_with_labels`), never as missed."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QMouseEvent

from labeltool.core.errors import StoreError
from labeltool.core.shapes import ImageTag, Shape, TextRegion
from labeltool.gui.commands import DeleteShape, StoreCommand, UpdateShape
from labeltool.gui.jobs.ocr import OCR_MODEL
from labeltool.gui.jobs.review import (
    accepted_labels, accepted_source, compare_with_labels, review_truths, semantic_masks,
)

from .overlay import PredictionOverlay

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.canvas import CanvasView
    from labeltool.gui.editing import Editor
    from labeltool.gui.jobs.review import ImageComparison
    from labeltool.gui.workspace import Workspace


def only_readings(predictions: list[Shape], truths: list[Shape]) -> bool:
    """Text PP-OCR read, where the only labels are lines accepted from it:
    nothing to judge it by. A page is reviewed line by line, and the lines
    accepted so far say nothing of the others (they are no false alarms)."""
    return all(s.source.model == OCR_MODEL for s in [*predictions, *truths])


class ReviewSession(QObject):
    changed = Signal()  # what is shown or current changed; panels re-read
    activeChanged = Signal(bool)  # review mode on/off: the canvas draws stored predictions only when off

    def __init__(self, workspace: "Workspace", canvas: "CanvasView", editor: "Editor",
                 parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.canvas = canvas
        self.editor = editor
        self.overlay = PredictionOverlay(canvas.canvas_scene, self.tr)
        self.active = False
        self.threshold = 0.5
        self.compare = True
        self.current_id: str | None = None
        self.all_predictions: list[Shape] = []  # of the current image, best first
        self.predictions: list[Shape] = []  # those at or above the threshold
        self.truths: list[Shape] = []
        self.comparison: ImageComparison | None = None
        workspace.imageChanged.connect(lambda _: self.refresh())
        workspace.projectOpened.connect(self._project_opened)
        canvas.viewport().installEventFilter(self)  # a click on a prediction picks it
        if workspace.store is not None:
            self._project_opened(workspace.store)

    def _project_opened(self, store) -> None:
        bridge = self.workspace.bridge
        if bridge is not None:
            bridge.imageShapesChanged.connect(self._image_shapes_changed)
            bridge.classesChanged.connect(self.refresh)
        self.refresh()

    def _image_shapes_changed(self, image_id: int) -> None:
        item = self.workspace.current_image()
        if item is not None and item.id == image_id:
            self.refresh()

    # ------------------------------------------------------------ state
    def set_active(self, on: bool) -> None:
        """Review mode: this overlay draws the predictions shown (at or above
        the threshold); the window, told by :attr:`activeChanged`, stops
        drawing stored predictions itself (all of them, at any score) while
        :attr:`active`, whatever its "Show predictions" says."""
        if on == self.active:
            return
        self.active = on
        self.activeChanged.emit(on)
        self.refresh()

    def set_threshold(self, value: float) -> None:
        self.threshold = float(value)
        self.refresh()

    def set_compare(self, on: bool) -> None:
        self.compare = on
        self.refresh()

    def refresh(self) -> None:
        """Re-read the current image's predictions and labels and redraw."""
        item, store = self.workspace.current_image(), self.workspace.store
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
        self.truths = review_truths(preds, humans)
        self.comparison = None
        if self.compare and self.truths and (preds or accepted_labels(humans, preds)) \
                and not only_readings(preds, self.truths):
            semantic = semantic_masks([preds], store.root if store is not None else None)  # U-Net's, not Mask R-CNN's
            self.comparison = compare_with_labels(self.predictions, self.truths, preds, semantic=semantic)
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
        view = self.canvas
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
            self.workspace.show_status(self.tr("No predictions shown on this image."), 3000)
            return
        i = ids.index(self.current_id) if self.current_id in ids else -step
        self.select(ids[(i + step) % len(ids)])

    # ------------------------------------------------------------ edits
    def _error(self, e: Exception) -> None:
        self.workspace.show_error(str(e))

    def _writable(self) -> bool:
        return self.editor.writable()

    def _after(self, shape_id: str) -> str | None:
        """The prediction to make current once ``shape_id`` is dealt with."""
        ids = [p.id for p in self.predictions]
        if shape_id not in ids:
            return self.current_id
        i = ids.index(shape_id)
        rest = ids[i + 1:] + ids[:i]
        return rest[0] if rest else None

    def _accept_commands(self, shape: Shape) -> list[StoreCommand]:
        store = self.workspace.store
        text = self.tr("Accept %1").replace("%1", shape.label)
        if isinstance(shape, ImageTag) and any(
                isinstance(h, ImageTag) and h.label == shape.label for h in store.shapes(self._image_id(), "human")):
            # The image already has this class: accepting adds nothing but a duplicate.
            return [DeleteShape(store, shape.id, text, self._error)]
        read = shape.attributes.get("reads") if isinstance(shape, TextRegion) else None
        region = next((h for h in store.shapes(self._image_id(), "human")
                       if h.id == read and isinstance(h, TextRegion)), None) if read else None
        if isinstance(shape, TextRegion) and region is not None:
            # A recogniser's reading of a region already labelled: its text goes into that region
            # (the quad is the region's own), not a second region on top of it.
            return [UpdateShape(store, replace(region, transcription=shape.transcription), text, self._error),
                    DeleteShape(store, shape.id, text, self._error)]
        return [UpdateShape(store, replace(shape, source=accepted_source(shape)), text, self._error)]

    def _image_id(self) -> int:
        item = self.workspace.current_image()
        assert item is not None
        return item.id

    def accept(self, shape_id: str | None = None) -> str | None:
        """Make a prediction (default: the current one) a human shape, id
        kept; returns its id."""
        shape = self._find(shape_id)
        if shape is None or not self._writable():
            return None
        self.current_id = self._after(shape.id)
        self.editor.push(self._accept_commands(shape), self.tr("Accept %1").replace("%1", shape.label))
        return shape.id

    def reject(self, shape_id: str | None = None) -> str | None:
        shape = self._find(shape_id)
        if shape is None or not self._writable():
            return None
        self.current_id = self._after(shape.id)
        self.editor.push([DeleteShape(self.workspace.store, shape.id,
                                      self.tr("Reject %1").replace("%1", shape.label), self._error)],
                         self.tr("Reject %1").replace("%1", shape.label))
        return shape.id

    def accept_and_edit(self) -> None:
        """Edit, then keep: the prediction becomes a human shape and is
        selected on the canvas, handles out, to be dragged into place or
        relabelled (Ctrl+E) — one undo step each."""
        sid = self.accept()
        if sid is not None:
            self.canvas.set_tool("edit")
            self.canvas.canvas_scene.select([sid])
            self.canvas.setFocus()

    def accept_all(self) -> int:
        """Accept every prediction shown and drop the hidden ones (below the
        threshold): what a person sees is what the image keeps. One undo step.
        With none shown it does nothing (it would only delete)."""
        if not self.predictions or not self._writable():
            return 0
        store = self.workspace.store
        shown = {p.id for p in self.predictions}
        cmds: list[StoreCommand] = []
        for p in self.all_predictions:
            if p.id in shown:
                cmds.extend(self._accept_commands(p))
            else:
                cmds.append(DeleteShape(store, p.id, self.tr("Reject %1").replace("%1", p.label), self._error))
        self.editor.push(cmds, self.tr("Accept %1 predictions").replace("%1", str(len(shown))))
        return len(shown)

    def _find(self, shape_id: str | None) -> Shape | None:
        sid = shape_id or self.current_id
        return next((p for p in self.all_predictions if p.id == sid), None)

"""The canvas view: zoom at the cursor, pan, fit, crosshair, messages; mouse
and key events go to the active tool in image coordinates."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QImage, QKeyEvent, QMouseEvent, QPainter, QPen, QWheelEvent
from PySide6.QtWidgets import QFrame, QGraphicsView, QWidget

from labeltool.core.shapes import Shape

from .scene import CanvasScene
from .tools import TOOL_TYPES, BrushTool, Tool

MIN_SCALE, MAX_SCALE = 0.01, 64.0
WHEEL_STEP = 1.2


class CanvasView(QGraphicsView):
    zoomChanged = Signal(float)  # screen pixels per image pixel
    cursorMoved = Signal(float, float)  # image pixels
    shapeCreated = Signal(object)  # a new Shape with label "" (the window asks for one)
    shapesEdited = Signal(list, bool)  # changed Shapes (same ids); mergeable (nudges)
    toolChanged = Signal(str)
    spaceTapped = Signal()  # Space pressed and released without panning
    fullResolutionWanted = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.canvas_scene = CanvasScene(self)
        self.setScene(self.canvas_scene)
        self.canvas_scene.image.need_full = self.fullResolutionWanted.emit
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(40, 40, 40))
        self.setMouseTracking(True)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.NoAnchor)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontAdjustForAntialiasing, True)
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # Pan is by middle/space drag; scroll bars that come and go would
        # resize the viewport under the cursor while zooming.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tools: dict[str, Tool] = {name: cls(self) for name, cls in TOOL_TYPES.items()}
        self.tool: Tool = self.tools["edit"]
        self.fit_mode: str | None = "window"
        self.message: str | None = None
        self.editable = True
        self._pan_from: QPoint | None = None
        self._space_down = False
        self._space_panned = False
        self._cursor_view: QPoint | None = None

    # ------------------------------------------------------------- API
    @property
    def brush(self) -> BrushTool:
        return self.tools["brush"]  # type: ignore[return-value]

    def set_tool(self, name: str) -> None:
        if name != "edit" and not self.editable:
            name = "edit"
        if self.tool.name == name:
            return
        self.tool.deactivate()
        self.tool = self.tools[name]
        self.tool.activate()
        self.viewport().setCursor(self.tool.cursor)
        self.viewport().update()
        self.toolChanged.emit(name)

    def set_image(self, width: int, height: int) -> None:
        """A new image of that size (pixels come later through ``set_pixels``)."""
        self.tool.cancel()
        self.canvas_scene.set_image_size(width, height)
        self.set_message(None)
        if self.fit_mode == "window":
            self.fit_window()
        elif self.fit_mode == "width":
            self.fit_width()

    def set_pixels(self, image: QImage, full: bool) -> None:
        self.canvas_scene.image.set_pixels(image, full)

    def set_message(self, text: str | None) -> None:
        """Show ``text`` over the canvas (an image that cannot be read)."""
        self.message = text
        self.viewport().update()

    def set_overlay(self, shapes: list[Shape]) -> None:
        """Show ``shapes`` (e.g. a model's predictions) dashed over the image,
        apart from the stored shapes; ``[]`` clears it."""
        self.canvas_scene.set_overlay(shapes)

    @property
    def space_down(self) -> bool:
        """Space is held: a left drag pans."""
        return self._space_down

    def scale_factor(self) -> float:
        return self.transform().m11()

    def to_image(self, pos: QPoint | QPointF) -> QPointF:
        return self.mapToScene(pos.toPoint() if isinstance(pos, QPointF) else pos)

    # ------------------------------------------------------------ zoom
    def set_scale(self, scale: float, anchor: QPoint | None = None) -> None:
        scale = min(max(scale, MIN_SCALE), MAX_SCALE)
        anchor = anchor if anchor is not None else self.viewport().rect().center()
        before = self.mapToScene(anchor)
        self.setTransform(self.transform().fromScale(scale, scale))
        after = self.mapFromScene(before)
        delta = after - anchor
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + delta.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() + delta.y())
        self._zoom_changed()

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        self.fit_mode = None
        self.set_scale(self.scale_factor() * factor, anchor)

    def fit_window(self) -> None:
        self.fit_mode = "window"
        w, h = self.canvas_scene.image_size()
        if w and h:
            vp = self.viewport().rect()
            self.setTransform(self.transform().fromScale(1, 1))
            s = min((vp.width() - 8) / w, (vp.height() - 8) / h)
            self.setTransform(self.transform().fromScale(s, s))
            self.centerOn(w / 2, h / 2)
        self._zoom_changed()

    def fit_width(self) -> None:
        self.fit_mode = "width"
        w, h = self.canvas_scene.image_size()
        if w:
            s = (self.viewport().width() - 8) / w
            self.setTransform(self.transform().fromScale(s, s))
            self.centerOn(w / 2, self.viewport().height() / 2 / s)
        self._zoom_changed()

    def actual_size(self) -> None:
        self.fit_mode = None
        self.set_scale(1.0)

    def _zoom_changed(self) -> None:
        self.zoomChanged.emit(self.scale_factor())
        if self.canvas_scene.image.full is None and self.canvas_scene.image.wants_full(self.scale_factor()):
            self.fullResolutionWanted.emit()

    def wheelEvent(self, ev: QWheelEvent) -> None:
        dy = ev.angleDelta().y()
        if not dy:
            return super().wheelEvent(ev)
        self.zoom_by(WHEEL_STEP ** (dy / 120), ev.position().toPoint())
        ev.accept()

    def resizeEvent(self, ev) -> None:
        super().resizeEvent(ev)
        if self.fit_mode == "window":
            self.fit_window()
        elif self.fit_mode == "width":
            self.fit_width()

    # ----------------------------------------------------------- mouse
    def _pan_to(self, pos: QPoint) -> None:
        d = pos - self._pan_from
        self._pan_from = pos
        self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - d.x())
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - d.y())

    def mousePressEvent(self, ev: QMouseEvent) -> None:
        self.setFocus()
        pos = ev.position().toPoint()
        if ev.button() == Qt.MouseButton.MiddleButton or (self._space_down and ev.button() == Qt.MouseButton.LeftButton):
            self._pan_from = pos
            self._space_panned = True
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            return
        if not self.tool.press(self.to_image(pos), ev):
            super().mousePressEvent(ev)

    def mouseMoveEvent(self, ev: QMouseEvent) -> None:
        pos = ev.position().toPoint()
        if self._pan_from is not None:
            self._pan_to(pos)
            return
        p = self.to_image(pos)
        self._move_crosshair(pos)
        self.cursorMoved.emit(p.x(), p.y())
        self.tool.move(p, ev)

    def mouseReleaseEvent(self, ev: QMouseEvent) -> None:
        if self._pan_from is not None and ev.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.LeftButton):
            self._pan_from = None
            self.viewport().setCursor(self.tool.cursor)
            return
        if not self.tool.release(self.to_image(ev.position().toPoint()), ev):
            super().mouseReleaseEvent(ev)

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        if not self.tool.double_click(self.to_image(ev.position().toPoint()), ev):
            super().mouseDoubleClickEvent(ev)

    def leaveEvent(self, ev) -> None:
        self._move_crosshair(None)
        super().leaveEvent(ev)

    # ------------------------------------------------------------- keys
    def event(self, ev: QEvent) -> bool:
        # Keys a tool is using win over menu shortcuts of the same key
        # (Enter closes a polygon, arrows nudge, Space pans or marks done).
        if ev.type() == QEvent.Type.ShortcutOverride:
            k = ev.key()
            if k == Qt.Key.Key_Space and not ev.modifiers():
                ev.accept()
                return True
            if self.tool.busy and k in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Backspace,
                                         Qt.Key.Key_Escape, Qt.Key.Key_Delete):
                ev.accept()
                return True
            if self.canvas_scene.selected and k in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up,
                                                    Qt.Key.Key_Down) and self.tool.name == "edit":
                ev.accept()
                return True
        return super().event(ev)

    def keyPressEvent(self, ev: QKeyEvent) -> None:
        if ev.key() == Qt.Key.Key_Space and not ev.modifiers():
            if not ev.isAutoRepeat():
                self._space_down, self._space_panned = True, False
                self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            return
        if self.tool.key(ev):
            return
        super().keyPressEvent(ev)

    def keyReleaseEvent(self, ev: QKeyEvent) -> None:
        if ev.key() == Qt.Key.Key_Space and not ev.isAutoRepeat() and self._space_down:
            self._space_down = False
            self._pan_from = None
            self.viewport().setCursor(self.tool.cursor)
            if not self._space_panned:
                self.spaceTapped.emit()
            return
        super().keyReleaseEvent(ev)

    # ---------------------------------------------------------- drawing
    def _move_crosshair(self, pos: QPoint | None) -> None:
        if not self.tool.draws:
            self._cursor_view = None
            return
        vp = self.viewport()
        for q in (self._cursor_view, pos):
            if q is not None:
                vp.update(QRect(0, q.y() - 1, vp.width(), 3))
                vp.update(QRect(q.x() - 1, 0, 3, vp.height()))
        self._cursor_view = pos

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        painter.save()
        painter.resetTransform()
        vp = self.viewport().rect()
        if self.tool.draws and self._cursor_view is not None and not self.message:
            painter.setPen(QPen(QColor(255, 255, 255, 160), 1, Qt.PenStyle.DashLine))
            c = self._cursor_view
            painter.drawLine(0, c.y(), vp.width(), c.y())
            painter.drawLine(c.x(), 0, c.x(), vp.height())
        if self.message:
            font = QFont()
            font.setPointSize(12)
            painter.setFont(font)
            box = vp.adjusted(40, 40, -40, -40)
            painter.fillRect(box, QColor(0, 0, 0, 170))
            painter.setPen(QColor("#ffb4a8"))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.message)
        painter.restore()

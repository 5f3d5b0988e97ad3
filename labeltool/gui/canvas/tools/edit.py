"""Select and edit: click to select (Ctrl adds), drag a shape to move it,
drag a handle to resize a box or move a vertex, double-click an edge of a
polygon to insert a vertex, Shift+click a vertex to delete it, arrow keys
nudge by 1 px (Shift: 10 px). A move stops at the image edge: the shapes
keep their size and form (clamping each point would squash them)."""
from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QMouseEvent

from labeltool.core.shapes import Mask, Polygon, Shape

from labeltool.core import shape_edits as geo
from .base import Tool

HANDLE_PX = 7  # how near (on screen) a press must be to grab a handle

Limits = tuple[float, float, float, float]  # dx_min, dx_max, dy_min, dy_max


def move_limits(shapes: Sequence[Shape], width: float, height: float) -> Limits:
    """How far ``shapes`` may move together and stay inside the image. A
    shape already over an edge (imported so) may come in but not go further out."""
    bounds = [b for b in (s.bounds() for s in shapes) if b is not None]
    if not bounds:
        return -math.inf, math.inf, -math.inf, math.inf
    x1, y1 = min(b[0] for b in bounds), min(b[1] for b in bounds)
    x2, y2 = max(b[2] for b in bounds), max(b[3] for b in bounds)
    return min(0.0, -x1), max(0.0, width - x2), min(0.0, -y1), max(0.0, height - y2)


def limit_move(dx: float, dy: float, limits: Limits) -> tuple[float, float]:
    """``(dx, dy)`` cut to ``limits`` (from :func:`move_limits`)."""
    return min(max(dx, limits[0]), limits[1]), min(max(dy, limits[2]), limits[3])


def moved_inside(shapes: Sequence[Shape], dx: float, dy: float, width: float, height: float) -> list[Shape]:
    """``shapes`` moved by ``(dx, dy)`` as far as the image edges let them, all alike."""
    dx, dy = limit_move(dx, dy, move_limits(shapes, width, height))
    return [geo.move(s, dx, dy) for s in shapes]


class EditTool(Tool):
    name = "edit"
    cursor = Qt.CursorShape.ArrowCursor
    draws = False

    def __init__(self, view):
        super().__init__(view)
        self.handle: int | None = None
        self.start: QPointF | None = None
        self.originals: list[Shape] = []
        self.changed: list[Shape] = []
        self.limits: Limits = (0.0, 0.0, 0.0, 0.0)  # of the shapes being moved, taken at the press

    @property
    def busy(self) -> bool:
        return self.start is not None

    def cancel(self) -> None:
        for s in self.originals:
            self.scene.preview_shape(s)
        self.handle, self.start, self.originals, self.changed = None, None, [], []
        super().cancel()

    def handle_at(self, p: QPointF) -> int | None:
        """The handle of the one selected shape under ``p``, if any."""
        sel = self.scene.selected_shapes()
        if len(sel) != 1:
            return None
        tol = HANDLE_PX / self.view.scale_factor()
        best, best_d = None, tol
        for i, (x, y) in enumerate(geo.handles(sel[0])):
            d = math.hypot(x - p.x(), y - p.y())
            if d <= best_d:
                best, best_d = i, d
        return best

    def press(self, p: QPointF, ev: QMouseEvent) -> bool:
        if ev.button() != Qt.MouseButton.LeftButton:
            return False
        mods = ev.modifiers()
        handle = self.handle_at(p)
        sel = self.scene.selected_shapes()
        if handle is not None and mods & Qt.KeyboardModifier.ShiftModifier and isinstance(sel[0], Polygon):
            new = geo.delete_vertex(sel[0], handle)
            if new is not None:
                self.view.shapesEdited.emit([new], False)
            return True
        if handle is not None:
            self.handle, self.start, self.originals = handle, p, [sel[0]]
            self.scene.handles.active = handle
            return True
        sid = self.scene.shape_at((p.x(), p.y()), 4 / self.view.scale_factor())
        if mods & Qt.KeyboardModifier.ControlModifier:
            ids = list(self.scene.selected)
            if sid is not None:
                ids.remove(sid) if sid in ids else ids.append(sid)
            self.scene.select(ids)
            return True
        if sid is None:
            self.scene.select([])
            return True
        if sid not in self.scene.selected:
            self.scene.select([sid])
        self.start, self.originals = p, self.scene.selected_shapes()
        self.limits = move_limits(self.originals, *self.scene.image_size())
        return True

    def move(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.start is None:
            return False
        if self.handle is not None:
            q = self.clamp(p)
            self.changed = [geo.drag_handle(self.originals[0], self.handle, (q.x(), q.y()))]
        else:
            dx, dy = limit_move(p.x() - self.start.x(), p.y() - self.start.y(), self.limits)
            # Masks are re-encoded on release only: that is the slow kind.
            self.changed = [geo.move(s, dx, dy) for s in self.originals if not isinstance(s, Mask)]
        for s in self.changed:
            self.scene.preview_shape(s)
        return True

    def release(self, p: QPointF, ev: QMouseEvent) -> bool:
        if self.start is None or ev.button() != Qt.MouseButton.LeftButton:
            return False
        changed = list(self.changed)
        if self.handle is None and (p - self.start).manhattanLength() * self.view.scale_factor() >= 2:
            dx, dy = limit_move(p.x() - self.start.x(), p.y() - self.start.y(), self.limits)
            changed += [geo.move(s, dx, dy) for s in self.originals if isinstance(s, Mask)]
        originals = {s.id: s for s in self.originals}
        self.handle, self.start, self.originals, self.changed = None, None, [], []
        self.scene.handles.active = None
        edits = [s for s in changed if s != originals.get(s.id)]
        if edits:
            self.view.shapesEdited.emit(edits, False)
        return True

    def double_click(self, p: QPointF, ev: QMouseEvent) -> bool:
        sel = self.scene.selected_shapes()
        if len(sel) == 1 and isinstance(sel[0], Polygon):
            edge, d, foot = geo.nearest_edge(sel[0].points, (p.x(), p.y()))
            if d * self.view.scale_factor() <= HANDLE_PX:
                self.view.shapesEdited.emit([geo.insert_vertex(sel[0], edge, foot)], False)
                return True
        return False

    def key(self, ev: QKeyEvent) -> bool:
        steps = {Qt.Key.Key_Left: (-1, 0), Qt.Key.Key_Right: (1, 0), Qt.Key.Key_Up: (0, -1),
                 Qt.Key.Key_Down: (0, 1)}
        if ev.key() in steps and self.scene.selected:
            n = 10 if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier else 1
            dx, dy = steps[ev.key()]
            shapes = self.scene.selected_shapes()
            moved = [s for s, old in zip(moved_inside(shapes, dx * n, dy * n, *self.scene.image_size()), shapes)
                     if s != old]
            if moved:  # at the edge already: nothing to store
                self.view.shapesEdited.emit(moved, True)
            return True
        if ev.key() == Qt.Key.Key_Escape and self.busy:
            self.cancel()
            return True
        return False

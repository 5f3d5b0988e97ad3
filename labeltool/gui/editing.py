"""Edits of the current image: every one becomes an undoable command over
the store. The main window owns one Editor; menus and the canvas call it.
It works on the workspace's current image, the canvas scene's selection and
the class panel's default class."""
from __future__ import annotations

import json
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QObject, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QGuiApplication, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from labeltool.core import grabcut, raster
from labeltool.core.groups import renumber
from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Shape, TextRegion, shape_from_dict, shape_to_dict

from labeltool.core import shape_edits as geo
from .canvas.tools.edit import moved_inside
from .commands import AddShape, DeleteShape, SetGroups, StoreCommand, UpdateShape
from .label_picker import LabelPicker, RecentLabels
from .lifetime import deleted_after
from .shape_words import flag_name, group_text

if TYPE_CHECKING:  # pragma: no cover
    from .canvas.scene import CanvasScene
    from .label_panel import LabelPanel
    from .workspace import Workspace

MIME = "application/x-labeltool-shapes"
UNDO_LIMIT = 1000


def command_image(cmd: QUndoCommand | None) -> int | None:
    """The image a command (or the first command of a macro) edits."""
    while cmd is not None and not isinstance(cmd, StoreCommand):
        cmd = cmd.child(0) if cmd.childCount() else None
    return cmd.image_id if cmd is not None else None


class Editor(QObject):
    previewDropped = Signal()  # an edit the canvas previewed was not stored: draw the store's shapes again

    def __init__(self, workspace: "Workspace", scene: "CanvasScene", classes: "LabelPanel",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.scene = scene
        self.classes = classes
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_LIMIT)
        self.recent = RecentLabels()
        self.last_text_label = "text"

    # ---------------------------------------------------------- plumbing
    @property
    def store(self):
        return self.workspace.store

    def _image_id(self) -> int | None:
        item = self.workspace.current_image()
        return item.id if item is not None else None

    def writable(self) -> bool:
        if self.store is None or self.workspace.current_image() is None:
            return False
        if self.store.readonly:
            self.workspace.show_status(self.tr("This project is open read-only: changes are not saved."), 5000)
            return False
        return True

    def _error(self, e: Exception) -> None:
        self.workspace.show_error(str(e))

    def _dialog_parent(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else None

    def push(self, commands: list[StoreCommand], text: str) -> None:
        if not commands:
            return
        if len(commands) == 1:
            self.stack.push(commands[0])
            return
        self.stack.beginMacro(text)
        for c in commands:
            self.stack.push(c)
        self.stack.endMacro()

    def undo(self) -> None:
        self._step(self.stack.undo, self.stack.index() - 1)

    def redo(self) -> None:
        self._step(self.stack.redo, self.stack.index())

    def _step(self, fn, index: int) -> None:
        # Undo that touches another image shows that image: the user sees
        # what came back (the stack survives switching images).
        if index < 0 or index >= self.stack.count():
            return
        image_id = command_image(self.stack.command(index))
        if image_id is not None and image_id != self._image_id():
            self.workspace.go_to_image(image_id)
        fn()

    # ---------------------------------------------------------- new shapes
    def ask_label(self, initial: str = "", beside: Shape | None = None) -> str | None:
        default = self.classes.default_label()
        if default and not initial:
            return default
        answer = self._pick(initial or (self.recent.labels[0] if self.recent.labels else ""), beside=beside)
        return answer[0] if answer else None

    def _pick(self, initial: str, beside: Shape | None = None, **text_region: Any) -> tuple[str, str, bool] | None:
        """Ask with the label picker: (label, transcription, difficult), or
        None when cancelled. ``text_region=True`` (with ``transcription`` and
        ``difficult``) asks for a text region's fields too. The picker opens
        beside the shape ``beside`` (on screen), never over it."""
        colors = {c.name: c.color for c in self.store.classes()}
        with deleted_after(LabelPicker(colors, self.recent, initial, parent=self._dialog_parent(),
                                       **text_region)) as dlg:
            target = self._on_screen(beside) if beside is not None else None
            if target is not None:
                dlg.place_beside(target)
            if dlg.exec() != QDialog.DialogCode.Accepted:
                return None
            if dlg.transcription is None:
                return dlg.label(), "", False
            return dlg.label(), dlg.transcription.text(), dlg.difficult.isChecked()

    def _on_screen(self, shape: Shape) -> QRect | None:
        """Where ``shape`` is on the screen (global pixels), if a view shows it."""
        b = shape.bounds()
        views = self.scene.views()
        if b is None or not views:
            return None
        view = views[0]
        r = view.mapFromScene(QRectF(QPointF(b[0], b[1]), QPointF(b[2], b[3]))).boundingRect()
        r = r.intersected(view.viewport().rect())
        return QRect(view.viewport().mapToGlobal(r.topLeft()), r.size()) if r.isValid() else None

    def on_shape_created(self, shape: Shape) -> None:
        """A tool finished a shape: show it, ask for its label (and
        transcription) beside it, and store it."""
        if not self.writable():
            return
        self.scene.set_pending(shape)
        try:
            if isinstance(shape, TextRegion):
                answer = self._pick(self.last_text_label, beside=shape, text_region=True)
                if answer is None:
                    return
                label, transcription, difficult = answer
                self.last_text_label = label
                shape = replace(shape, label=label, transcription=transcription, difficult=difficult)
            else:
                label = self.ask_label(beside=shape)
                if not label:
                    return
                shape = replace(shape, label=label)
        finally:
            self.scene.set_pending(None)
        self.recent.use(shape.label)
        self.add([shape], self.tr("Add %1").replace("%1", shape.label))
        self.scene.select([shape.id])

    def add(self, shapes: list[Shape], text: str) -> None:
        image_id = self._image_id()
        if image_id is None or not self.writable():
            return
        self.push([AddShape(self.store, image_id, s, text, self._error) for s in shapes], text)

    def on_shapes_edited(self, shapes: list[Shape], mergeable: bool, text: str = "") -> None:
        """Store the edited ``shapes`` (same ids) as one undo step, named ``text``."""
        if not self.writable():
            self.previewDropped.emit()
            return
        cmds = []
        for s in shapes:
            try:
                cmds.append(UpdateShape(self.store, s, text or self.tr("Edit %1").replace("%1", s.label), self._error,
                                        mergeable=mergeable and len(shapes) == 1))
            except KeyError:
                continue
        self.push(cmds, text or self.tr("Edit shapes"))

    # ------------------------------------------------------- selection ops
    def selected(self) -> list[Shape]:
        return self.scene.selected_shapes()

    def delete_selected(self) -> None:
        shapes = self.selected()
        if not shapes or not self.writable():
            return
        self.push([DeleteShape(self.store, s.id, self.tr("Delete %1").replace("%1", s.label), self._error)
                   for s in shapes], self.tr("Delete shapes"))

    def change_label(self) -> None:
        shapes = self.selected()
        if not shapes or not self.writable():
            return
        answer = self._pick(shapes[0].label, beside=shapes[0])
        if answer is None:
            return
        self.relabel(shapes, answer[0])

    def edit_transcription(self) -> None:
        shapes = [s for s in self.selected() if isinstance(s, TextRegion)]
        if len(shapes) != 1 or not self.writable():
            return
        s = shapes[0]
        answer = self._pick(s.label, beside=s, text_region=True, transcription=s.transcription,
                            difficult=s.difficult)
        if answer is not None:
            label, transcription, difficult = answer
            self.on_shapes_edited([replace(s, label=label, transcription=transcription, difficult=difficult)], False)

    # ---------------------------------------------------- clipboard & copy
    def copy(self) -> None:
        shapes = self.selected()
        if not shapes:
            return
        data = json.dumps([shape_to_dict(s) for s in shapes], ensure_ascii=False)
        mime = QMimeData()
        mime.setData(MIME, data.encode("utf-8"))
        mime.setText(data)
        QGuiApplication.clipboard().setMimeData(mime)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None or not mime.hasFormat(MIME):
            return
        try:
            shapes = [shape_from_dict(d) for d in json.loads(bytes(mime.data(MIME)).decode("utf-8"))]
        except (ValueError, KeyError, TypeError):
            return
        self._add_copies(shapes, (0, 0), self.tr("Paste"))

    def duplicate(self) -> None:
        self._add_copies(self.selected(), (10, 10), self.tr("Duplicate"))

    def copy_from_previous(self) -> None:
        """The human shapes of the previous image in the list, on this one (sequences)."""
        prev = self.workspace.neighbour_id(-1)
        if prev is None:
            return
        self._add_copies(self.store.shapes(prev, source="human"), (0, 0), self.tr("Copy from previous image"))

    def _add_copies(self, shapes: list[Shape], offset: tuple[float, float], text: str) -> None:
        item = self.workspace.current_image()
        if not shapes or item is None or not self.writable():
            return
        w, h = item.width or 0, item.height or 0
        # Copies of grouped parts form groups of their own, never the image's.
        shapes = renumber(shapes, {s.group for s in self.store.shapes(item.id) if s.group is not None})
        out = []
        for s in shapes:
            s = s.copy()  # a fresh id: the copy is a new shape
            if isinstance(s, Mask):
                a = s.to_array()
                if a.shape != (h, w):
                    a = raster.fit_mask(a, h, w)
                s = replace(s, rle=Mask.from_array(geo.shift_array(a, int(offset[0]), int(offset[1])), label="").rle)
            elif not isinstance(s, ImageTag):
                # Moved whole as far as the edges let it; cut only where it is
                # larger than this image (pasted from a bigger one).
                s = geo.clamp(moved_inside([s], *offset, w, h)[0], w, h)
            out.append(s)
        self.add(out, text)
        self.scene.select([s.id for s in out])

    # --------------------------------------------------------------- tags
    def set_tag(self, label: str, on: bool) -> None:
        image_id = self._image_id()
        if image_id is None or not self.writable():
            return
        tags = [s for s in self.store.shapes(image_id) if isinstance(s, ImageTag) and s.label == label]
        if on and not tags:
            self.recent.use(label)
            self.add([ImageTag(label=label)], self.tr("Image class %1").replace("%1", label))
        elif not on and tags:
            self.push([DeleteShape(self.store, t.id, self.tr("Remove image class %1").replace("%1", label),
                                   self._error) for t in tags], self.tr("Remove image class"))

    def number_key(self, index: int) -> None:
        """Keys 1-9: the selected shapes take class ``index`` (one undo step);
        with no shape selected, the image class ``index`` is toggled."""
        names = self.classes.class_names()
        image_id = self._image_id()
        if index >= len(names) or image_id is None:
            return
        shapes = [s for s in self.selected() if not isinstance(s, ImageTag)]
        if shapes:
            self.relabel(shapes, names[index])
            return
        has = any(isinstance(s, ImageTag) and s.label == names[index] for s in self.store.shapes(image_id))
        self.set_tag(names[index], not has)

    def relabel(self, shapes: list[Shape], label: str) -> None:
        """Give ``shapes`` the class ``label``, as one undoable edit."""
        if not self.writable():
            return
        self.recent.use(label)
        changed = [replace(s, label=label) for s in shapes if s.label != label]
        self.on_shapes_edited(changed, False)
        self.workspace.show_status(self.tr("%n shape(s) now %1", "", len(shapes)).replace("%1", label), 3000)

    # ------------------------------------------------------ flags & groups
    def toggle_flag(self, flag: str) -> None:
        """Flag ``flag`` (difficult, truncated, occluded) on the selected
        shapes, or off when all have it: one undo step."""
        shapes = [s for s in self.selected() if not isinstance(s, ImageTag)]
        if not shapes or not self.writable():
            return
        on = not all(getattr(s, flag) for s in shapes)
        changed = [replace(s, **{flag: on}) for s in shapes if getattr(s, flag) != on]
        name = flag_name(flag)
        self.on_shapes_edited(changed, False, (self.tr("Mark %1") if on else self.tr("Unmark %1")).replace("%1", name))
        self.workspace.show_status((self.tr("%n shape(s) marked %1", "", len(shapes)) if on else
                                    self.tr("%n shape(s) no longer %1", "", len(shapes))).replace("%1", name), 3000)

    def group_selected(self) -> None:
        """The selected shapes become one object (Ctrl+G): a group they share,
        joining any group one of them is in already; one undo step."""
        image_id = self._image_id()
        shapes = [s for s in self.selected() if not isinstance(s, ImageTag)]
        if image_id is None or not self.writable():
            return
        if len(shapes) < 2:
            self.workspace.show_status(self.tr("Select two or more shapes to group them."), 4000)
            return
        labels = sorted({s.label for s in shapes})
        if len(labels) > 1:
            # An object is of one class: labelme2coco, COCO and training key objects by class and group.
            self.workspace.show_status(self.tr("A group joins parts of one class; the selected shapes are %1.")
                                       .replace("%1", ", ".join(labels)), 6000)
            return
        groups = sorted({s.group for s in shapes if s.group is not None})
        group = groups[0] if groups else self.store.next_group(image_id)
        keys = {(labels[0], g) for g in groups}
        members = {s.id: s for s in self.store.shapes(image_id) if s.object_key() in keys}
        members.update((s.id, s) for s in shapes)
        changes = {sid: group for sid, s in members.items() if s.group != group}
        if changes:
            self.push([SetGroups(self.store, image_id, changes, self.tr("Group"), self._error)], self.tr("Group"))
        self.workspace.show_status(self.tr("%n shape(s) are one %1 now (%2)", "", len(members))
                                   .replace("%1", labels[0]).replace("%2", group_text(group)), 3000)

    def ungroup_selected(self) -> None:
        """The selected shapes leave their groups (Ctrl+Shift+G); a group left
        with one part is no group. One undo step."""
        image_id = self._image_id()
        shapes = [s for s in self.selected() if s.group is not None]
        if image_id is None or not shapes or not self.writable():
            return
        changes: dict[str, int | None] = {s.id: None for s in shapes}
        left = [s for s in self.store.shapes(image_id) if s.id not in changes]
        for key in {s.object_key() for s in shapes}:
            rest = [s for s in left if s.object_key() == key]
            if len(rest) == 1:
                changes[rest[0].id] = None
        self.push([SetGroups(self.store, image_id, changes, self.tr("Ungroup"), self._error)], self.tr("Ungroup"))

    # ------------------------------------------------- conversions & assist
    def to_mask(self) -> None:
        item = self.workspace.current_image()
        shapes = [s for s in self.selected() if isinstance(s, (Polygon, Box))]
        if not shapes or item is None or not item.width:
            return
        new = []
        for s in shapes:
            poly = s if isinstance(s, Polygon) else Polygon(label=s.label, id=s.id, points=geo.box_to_quad(*s.bounds()))
            new.append(replace(raster.to_mask(poly, item.height, item.width), source=s.source, group=s.group))
        self._replace_kind(shapes, [[m] for m in new], self.tr("Convert to mask"))

    def to_polygons(self) -> None:
        masks = [s for s in self.selected() if isinstance(s, Mask)]
        if not masks:
            return
        image_id = self._image_id()
        if image_id is None:
            return
        polys = []
        fresh = self.store.next_group(image_id)
        for m in masks:
            parts = raster.to_polygons(m)
            if len(parts) > 1:  # a mask in pieces stays one object: its polygons are one group
                group = m.group if m.group is not None else fresh
                fresh += m.group is None
                parts = [replace(p, group=group) for p in parts]
            polys.append(parts)
        self._replace_kind(masks, polys, self.tr("Convert to polygons"))

    def _replace_kind(self, old: list[Shape], new: list[list[Shape]], text: str) -> None:
        """Replace each old shape by its new ones (a kind change is a delete
        and an add at the same place, so undo restores the original)."""
        image_id = self._image_id()
        if image_id is None or not self.writable():
            return
        cmds: list[StoreCommand] = []
        for o, ns in zip(old, new):
            cmds.append(DeleteShape(self.store, o.id, text, self._error))
            cmds += [AddShape(self.store, image_id, n, text, self._error) for n in ns]
        self.push(cmds, text)

    def grabcut(self) -> None:
        """Turn the selected box into a mask of the object in it (OpenCV GrabCut)."""
        item = self.workspace.current_image()
        boxes = [s for s in self.selected() if isinstance(s, Box)]
        if len(boxes) != 1 or item is None or not self.writable():
            self.workspace.show_status(self.tr("Select one box for GrabCut."), 4000)
            return
        box = boxes[0]
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            image = load_image(self.store.abspath(item))
            a = grabcut.grabcut_box(image, box.bounds())
        except (ImageLoadError, ValueError) as e:
            self.workspace.show_error(str(e))
            return
        finally:
            QApplication.restoreOverrideCursor()
        if not a.any():
            self.workspace.show_status(self.tr("GrabCut found no object in the box."), 4000)
            return
        mask = Mask.from_array(a, label=box.label, id=box.id, **box.flag_fields(), group=box.group,
                               attributes=dict(box.attributes))
        self._replace_kind([box], [[mask]], self.tr("GrabCut"))

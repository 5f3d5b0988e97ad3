"""The main window: a composition of the canvas, docks and actions.

It owns the :class:`~.workspace.Workspace` (the open project, the image
shown, its signals) and hands each part what it uses: the editor, the
import/export menus, review and training get the workspace and the few
widgets they draw on (the canvas, the undo stack), never the window.
Showing an image (pixels, prefetch, status) stays here.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QImage, QShowEvent
from PySide6.QtWidgets import (
    QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox, QVBoxLayout, QWidget,
)

from labeltool.core.errors import StoreError, StoreLockedError, StoreReadOnlyError
from labeltool.core.images import ImageLoadError
from labeltool.core.project import ImageItem, ImageStatus
from labeltool.core.shapes import ImageTag
from labeltool.core.store import ProjectStore

from . import io_menu
from .actions import Actions
from .ai_mask import AiMask
from .canvas import CanvasView
from .editing import Editor
from .help_dialog import HelpDialog, shortcut_actions
from .i18n import chosen_language, plain_text, save_language
from .image_cache import FULL, PREVIEW, ImageCache
from .image_list import ImageListWidget
from .label_panel import LabelPanel
from .lifetime import deleted_after
from .shape_list import ShapeList
from .store_bridge import StoreBridge
from .review import Review
from .tag_bar import TagBar
from .training.controller import TrainingController
from .window_layout import last_image, remember_image, restore_layout, save_layout, scrolled
from .workspace import Workspace

PREFETCH_AHEAD, PREFETCH_BEHIND = 3, 1
FULL_RES_DELAY_MS = 350  # decode the full image once the user stays on an image


class MainWindow(QMainWindow):
    def __init__(self, store: ProjectStore | None = None):
        super().__init__()
        self._owns_store = False
        self._shown_before = False
        self._layout_restored = False  # the first project opened may set the window's geometry too
        self.cache = ImageCache(parent=self)
        self._build_central()
        self._build_docks()
        self.workspace = Workspace(self.image_list.model, self)
        self.editor = Editor(self.workspace, self.canvas.canvas_scene, self.label_panel, self)
        self._build_menus()
        self._build_status_bar()
        self._build_training()  # Train menu, Training dock, closing while training
        self._build_review()  # Review dock: pre-label, accept/reject (Y/N/Tab), queue, report
        self.ai_mask = AiMask(self.workspace, self.canvas, self.editor, self.image_list.selected_ids, self)
        self.ai_mask.fill_menu(self.menus["tools"])  # its settings, Boxes to masks
        self._connect()
        self._tool_changed(self.canvas.tool.name)
        self._full_timer = QTimer(self, singleShot=True, interval=FULL_RES_DELAY_MS, timeout=self._want_full)
        self._update_title()
        self._update_enabled()
        if store is not None:
            self.set_store(store, owns=False)

    # ------------------------------------------------------------ layout
    def _build_central(self) -> None:
        """The image classes bar over the canvas."""
        self.canvas = CanvasView()
        self.tag_bar = TagBar()
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.tag_bar)
        lay.addWidget(self.canvas, 1)
        self.setCentralWidget(central)

    def _build_docks(self) -> None:
        self.image_list = ImageListWidget()
        self.label_panel = LabelPanel()
        self.shape_list = ShapeList()
        self.add_dock(self.image_list, Qt.DockWidgetArea.LeftDockWidgetArea, self.tr("Images"), "images")
        self.add_dock(self.label_panel, Qt.DockWidgetArea.RightDockWidgetArea, self.tr("Classes"), "classes")
        self.add_dock(self.shape_list, Qt.DockWidgetArea.RightDockWidgetArea, self.tr("Shapes"), "shapes")

    def _build_menus(self) -> None:
        self.actions = Actions(self)
        self.actions.build(self)
        self.menus = self.actions.build_menus(self)
        self.toolbar = self.actions.build_toolbar(self)
        self.menus["docks"].addAction(self.toolbar.toggleViewAction())
        for dock in self.findChildren(QDockWidget):
            self.menus["docks"].addAction(dock.toggleViewAction())
        for a in self.actions.languages.actions():
            a.setChecked(a.data() == chosen_language())
        self.io_menus = io_menu.IOMenus(self.workspace, self.editor.stack, self)
        self.io_menus.fill(self.menus["import"], self.menus["export"])

    def _build_training(self) -> None:
        self.training = TrainingController(self.workspace, self.canvas, parent=self)
        self.training.fill_menu(self.menus["train"])
        # The panel scrolls inside its dock: on a 768 px screen it cannot have its full height.
        self.training.dock.setWidget(scrolled(self.training.panel))
        self._place_dock(self.training.dock, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.training.dock.hide()  # until a run starts or runs are asked for
        # The right-hand panels (classes, shapes, review) keep the full height; the
        # Training dock shares its height with the canvas only.
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)

    def _build_review(self) -> None:
        self.review = Review(self.workspace, self.canvas, self.editor, self.image_list.selected_ids, self)
        self.add_dock(self.review.panel, Qt.DockWidgetArea.RightDockWidgetArea, name="review", scroll=True)
        self.addActions(list(self.review.actions.values()))
        self.review.fill_menu(self.menus["train"])
        # Review tabbed with the shape list, so the class list keeps its height.
        self.tabifyDockWidget(self.findChild(QDockWidget, "dock_shapes"), self.findChild(QDockWidget, "dock_review"))
        self.findChild(QDockWidget, "dock_shapes").raise_()
        self.resizeDocks([self.findChild(QDockWidget, "dock_classes"), self.findChild(QDockWidget, "dock_shapes")],
                         [3, 2], Qt.Orientation.Vertical)

    def add_dock(self, widget: QWidget, area: Qt.DockWidgetArea, title: str = "", name: str = "",
                 scroll: bool = False) -> QDockWidget:
        """Put a panel in a dock of its own (listed under View > Panels);
        ``scroll``: a tall panel scrolls rather than set the window's height."""
        dock = QDockWidget(title or widget.windowTitle(), self)
        dock.setObjectName(f"dock_{name or widget.__class__.__name__}")
        dock.setWidget(scrolled(widget) if scroll else widget)
        self._place_dock(dock, area)
        return dock

    def _place_dock(self, dock: QDockWidget, area: Qt.DockWidgetArea) -> None:
        self.addDockWidget(area, dock)
        if hasattr(self, "menus"):
            self.menus["docks"].addAction(dock.toggleViewAction())

    def _build_status_bar(self) -> None:
        sb = self.statusBar()
        self.status_tool = QLabel()  # the tool in use, also checked in the tool bar
        self.status_tool.setContentsMargins(0, 0, 16, 0)
        sb.addPermanentWidget(self.status_tool)
        self.status_position = QLabel()
        self.status_size = QLabel()
        self.status_zoom = QLabel()
        self.status_cursor = QLabel()
        for w in (self.status_position, self.status_size, self.status_zoom, self.status_cursor):
            w.setMinimumWidth(90)
            sb.addPermanentWidget(w)

    def _connect(self) -> None:
        ws = self.workspace
        ws.imageRequested.connect(self.go_to_image)
        ws.statusMessage.connect(lambda text, ms: self.statusBar().showMessage(text, ms))
        ws.errorRaised.connect(self.show_error)
        self.editor.previewDropped.connect(self.reload_shapes)
        self.review.session.activeChanged.connect(lambda _: self.reload_shapes())
        self.training.stoppedForClose.connect(self.close)
        cv = self.canvas
        cv.shapeCreated.connect(self.editor.on_shape_created)
        cv.shapesEdited.connect(self.editor.on_shapes_edited)
        cv.spaceTapped.connect(self.mark_done_and_next)
        cv.zoomChanged.connect(lambda s: self.status_zoom.setText(f"{s * 100:.0f}%"))
        cv.cursorMoved.connect(lambda x, y: self.status_cursor.setText(f"{x:.0f}, {y:.0f}"))
        cv.toolChanged.connect(self._tool_changed)
        cv.fullResolutionWanted.connect(self._want_full)
        cv.canvas_scene.selectionChanged_.connect(self.shape_list.set_selected_ids)
        cv.canvas_scene.selectionChanged_.connect(lambda _: self._update_enabled())
        self.shape_list.selectionChangedIds.connect(cv.canvas_scene.select)
        self.shape_list.visibilityChanged.connect(lambda sid, on: cv.canvas_scene.set_shape_hidden(sid, not on))
        self.shape_list.labelChangeRequested.connect(self.editor.change_label)
        self.label_panel.visibilityChanged.connect(lambda n, on: cv.canvas_scene.set_class_hidden(n, not on))
        self.label_panel.classesEdited.connect(self.editor.stack.clear)
        self.label_panel.error.connect(self.show_error)
        self.tag_bar.toggled.connect(self.editor.set_tag)
        self.image_list.imageActivated.connect(self.go_to_image)
        self.image_list.errorRaised.connect(self.show_error)
        self.cache.loaded.connect(self._image_loaded)
        self.cache.failed.connect(self._image_failed)
        st = self.editor.stack
        st.canUndoChanged.connect(self.actions.undo.setEnabled)
        st.canRedoChanged.connect(self.actions.redo.setEnabled)

    def _tool_changed(self, name: str) -> None:
        action = self.actions.tool(name)
        action.setChecked(True)
        self.status_tool.setText(self.tr("Tool: %1").replace("%1", plain_text(action.text())))

    # ----------------------------------------------------------- project
    @property
    def store(self) -> ProjectStore | None:
        return self.workspace.store

    @property
    def bridge(self) -> StoreBridge | None:
        return self.workspace.bridge

    def ask_open_folder(self) -> None:
        start = str(self.store.root) if self.store else str(Path.home())
        folder = QFileDialog.getExistingDirectory(self, self.tr("Open a folder of images"), start)
        if folder:
            self.open_project(folder)

    def open_project(self, folder: str | Path) -> bool:
        """Open (creating if new) the project of ``folder``; errors become
        messages, with the offer to open read-only where that can help. The
        project open here already stays open as it is."""
        if self.store is not None and Path(folder).expanduser().resolve() == self.store.root.resolve():
            self.statusBar().showMessage(self.tr("%1 is open already, here.").replace("%1", str(self.store.root)),
                                         5000)
            return True
        try:
            store = ProjectStore.open(folder)
        except (StoreReadOnlyError, StoreLockedError) as e:
            answer = QMessageBox.question(self, self.tr("Open read-only?"),
                                          str(e) + "\n\n" + self.tr("Open the project read-only (view, export, "
                                                                    "no changes)?"))
            if answer != QMessageBox.StandardButton.Yes:
                return False
            try:
                store = ProjectStore.open(folder, readonly=True)
            except StoreError as e2:
                self.show_error(str(e2))
                return False
        except StoreError as e:
            self.show_error(str(e))
            return False
        self.set_store(store, owns=True)
        return True

    def set_store(self, store: ProjectStore, owns: bool = False) -> None:
        self.close_project()
        self._owns_store = owns
        bridge = StoreBridge(store, self)
        self.workspace.set_project(store, bridge)
        bridge.imageShapesChanged.connect(self._store_image_changed)
        bridge.imagesChanged.connect(self._store_images_changed)
        bridge.classesChanged.connect(self._classes_changed)
        self.canvas.editable = not store.readonly
        self.image_list.model.set_store(store)
        self.label_panel.set_store(store)
        self._classes_changed()
        self._update_title()
        self._update_enabled()
        self.workspace.projectOpened.emit(store)
        # The window's size and place only for the first project: opening
        # another one later does not move the window under the cursor.
        restore_layout(self, store.root, geometry=not self._layout_restored)
        self._layout_restored = True
        first = last_image(store, self.image_list.model)
        if first is not None:
            self.go_to_image(first)

    def close_project(self) -> None:
        store, bridge = self.workspace.store, self.workspace.bridge
        if store is not None:
            save_layout(self, store.root)
        self.workspace.set_project(None, None)
        if bridge is not None:
            bridge.detach()
            bridge.deleteLater()
        self.editor.stack.clear()
        self.cache.clear()
        if store is not None and self._owns_store:
            store.close()
        self.image_list.model.set_store(None)
        self.label_panel.set_store(None)
        self.canvas.canvas_scene.set_shapes([])
        self.canvas.set_overlay([])
        self.canvas.set_image(0, 0)

    def showEvent(self, ev: QShowEvent) -> None:
        super().showEvent(ev)
        if not self._shown_before:
            self._shown_before = True
            self.training.schedule_preload()

    def closeEvent(self, ev: QCloseEvent) -> None:
        if not self.training.may_close():  # a run goes on: closed again once it has stopped
            ev.ignore()
            return
        self.close_project()
        self.cache.shutdown()
        self.ai_mask.shutdown()
        super().closeEvent(ev)

    # -------------------------------------------------------- navigation
    def current_image(self) -> ImageItem | None:
        return self.workspace.current_image()

    def step_image(self, step: int) -> bool:
        nid = self.workspace.neighbour_id(step)
        if nid is None:
            self.statusBar().showMessage(self.tr("This is the last image.") if step > 0
                                         else self.tr("This is the first image."), 3000)
            return False
        self.go_to_image(nid)
        return True

    def go_to_image(self, image_id: int) -> None:
        if self.store is None:
            return
        try:
            item = self.store.image(image_id)
        except KeyError:
            return
        self.workspace.set_current(item)
        remember_image(store=self.store, item=item)
        self.canvas.canvas_scene.select([])
        path = self.store.abspath(item)
        error = self.cache.error(item.id)
        if error is None:
            try:
                self.store.ensure_size(item)
            except ImageLoadError as e:
                error = str(e)
            except StoreError:
                pass  # a read-only store cannot record the size; it is still known for this session
        if error is not None or not item.width:
            self.canvas.set_image(0, 0)
            self._image_failed(item.id, error or self.tr("The image cannot be read."))
        else:
            self.canvas.set_image(item.width, item.height)
            full, preview = self.cache.get(item.id, FULL), self.cache.get(item.id, PREVIEW)
            if preview is not None:
                self.canvas.set_pixels(preview, full=False)
            if full is not None:
                self.canvas.set_pixels(full, full=True)
            model = self.image_list.model
            row = model.row_of(item.id)
            neighbours = []
            if row is not None:
                rows = [row + k for k in range(1, PREFETCH_AHEAD + 1)] + [row - k for k in range(1, PREFETCH_BEHIND + 1)]
                neighbours = [(model.item(r).id, self.store.abspath(model.item(r)))
                              for r in rows if 0 <= r < model.rowCount()]
            self.cache.prefetch((item.id, path), neighbours)
            self._full_timer.start()
        self.reload_shapes()
        self.image_list.set_current(item.id)
        self._update_status()
        self._update_enabled()
        self.workspace.imageChanged.emit(item.id)

    def _want_full(self) -> None:
        item = self.current_image()
        if item is None or self.store is None or not item.width:
            return
        img = self.cache.get(item.id, FULL)
        if img is not None:
            self.canvas.set_pixels(img, full=True)
        else:
            self.cache.request(item.id, self.store.abspath(item), FULL, priority=0)

    def _image_loaded(self, image_id: int, level: str, image: QImage) -> None:
        if self._is_current(image_id):
            self.canvas.set_pixels(image, full=(level == FULL))
            if level == PREVIEW and self.canvas.canvas_scene.image.wants_full(self.canvas.scale_factor()):
                self._want_full()

    def _image_failed(self, image_id: int, message: str) -> None:
        self.image_list.model.mark_error(image_id, message)
        if self._is_current(image_id):
            self.canvas.set_message(self.tr("This image cannot be shown:") + "\n" + message)

    def mark_done_and_next(self) -> None:
        self._mark_and_next(ImageStatus.DONE)

    def mark_skipped_and_next(self) -> None:
        self._mark_and_next(ImageStatus.SKIPPED)

    def _mark_and_next(self, status: ImageStatus) -> None:
        item = self.current_image()
        if item is None or self.store is None:
            return
        if not self.store.readonly:
            try:
                self.store.set_status(item.id, status)
            except StoreError as e:
                self.show_error(str(e))
                return
        self.step_image(1)

    # ------------------------------------------------------------ shapes
    def _is_current(self, image_id: int) -> bool:
        item = self.current_image()
        return item is not None and item.id == image_id

    def _shows_stored_predictions(self) -> bool:
        """View > Show predictions, unless review draws them itself."""
        return self.actions.show_predictions.isChecked() and not self.review.session.active

    def reload_shapes(self) -> None:
        """Re-read the current image's shapes from the store and show them."""
        scene = self.canvas.canvas_scene
        item = self.current_image()
        if item is None or self.store is None:
            scene.set_shapes([])
            self.shape_list.set_shapes([], {}, set())
            self.tag_bar.set_tags(set())
            return
        shapes = self.store.shapes(item.id)
        if not self._shows_stored_predictions():
            shapes = [s for s in shapes if not s.source.is_model]
        scene.set_shapes(shapes)
        colors = {c.name: c.color for c in self.store.classes()}
        self.shape_list.set_shapes(shapes, colors, scene.hidden_shapes)
        self.shape_list.set_selected_ids(scene.selected)
        self.tag_bar.set_tags({s.label for s in shapes if isinstance(s, ImageTag) and not s.source.is_model})

    def _store_image_changed(self, image_id: int) -> None:
        self.image_list.model.refresh(image_id)  # the first shape makes it "in progress"
        if self._is_current(image_id):
            self.reload_shapes()
        self.label_panel.schedule_refresh()

    def _store_images_changed(self) -> None:
        self.image_list.model.reload()
        item = self.current_image()
        self.image_list.set_current(item.id if item else None)
        self.reload_shapes()
        self.label_panel.schedule_refresh()
        self._update_status()

    def _classes_changed(self) -> None:
        classes = self.store.classes() if self.store is not None else []
        self.canvas.canvas_scene.set_colors({c.name: c.color for c in classes})
        self.tag_bar.set_classes([(c.name, c.color) for c in classes])
        self.image_list.set_classes([c.name for c in classes])
        self.label_panel.refresh()
        self.reload_shapes()

    def select_all_shapes(self) -> None:
        self.canvas.canvas_scene.select(list(self.canvas.canvas_scene.items_by_id))

    def hide_selected_shapes(self) -> None:
        scene = self.canvas.canvas_scene
        for sid in list(scene.selected):
            scene.set_shape_hidden(sid, True)
        scene.select([])
        self.reload_shapes()

    def show_all_shapes(self) -> None:
        scene = self.canvas.canvas_scene
        for sid in list(scene.hidden_shapes):
            scene.set_shape_hidden(sid, False)
        for name in list(scene.hidden_classes):
            self.label_panel.set_visible(name, True)
        self.reload_shapes()

    # ------------------------------------------------------------- chrome
    def _update_status(self) -> None:
        item, model = self.current_image(), self.image_list.model
        if item is None:
            self.status_position.setText("")
            self.status_size.setText("")
            return
        row = model.row_of(item.id)
        pos = f"{row + 1} / {model.rowCount()}" if row is not None else f"– / {model.rowCount()}"
        if model.rowCount() != model.total():
            pos += " " + self.tr("(of %1)").replace("%1", str(model.total()))
        self.status_position.setText(pos)
        self.status_size.setText(f"{item.width} × {item.height}" if item.width else "")

    def _update_title(self) -> None:
        title = "labeltool"
        if self.store is not None:
            title = f"{self.store.root.name} — labeltool"
            if self.store.readonly:
                title += " " + self.tr("[read-only]")
        self.setWindowTitle(title)

    def _update_enabled(self) -> None:
        editable = self.store is not None and not self.store.readonly and self.current_image() is not None
        has_sel = bool(self.canvas.canvas_scene.selected)
        A = self.actions
        for a in (A.tool_box, A.tool_polygon, A.tool_brush, A.tool_text, A.tool_ai_mask, A.paste, A.copy_previous):
            a.setEnabled(editable)
        for a in (A.delete, A.duplicate, A.change_label, A.grabcut, A.to_mask, A.to_polygons, A.edit_text,
                  A.group, A.ungroup, *A.flags.values()):
            a.setEnabled(editable and has_sel)
        A.copy.setEnabled(has_sel)
        A.undo.setEnabled(self.editor.stack.canUndo())
        A.redo.setEnabled(self.editor.stack.canRedo())
        self.tag_bar.setEnabled(editable)
        if not editable:
            self.canvas.set_tool("edit")

    def show_error(self, text: str) -> None:
        self.statusBar().showMessage(text.splitlines()[0] if text else "", 8000)
        QMessageBox.warning(self, self.tr("labeltool"), text)

    def show_help(self) -> None:
        with deleted_after(HelpDialog(shortcut_actions(self, self.actions.all), self)) as dlg:
            dlg.exec()

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About labeltool"),
                          self.tr("labeltool: label images, export datasets, fine-tune models."))

    def set_language(self, lang: str) -> None:
        save_language(lang)
        QMessageBox.information(self, self.tr("Language"),
                                self.tr("The language changes the next time labeltool starts."))

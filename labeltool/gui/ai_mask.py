"""The AI mask tool's other half: it answers the canvas tool's prompts with
Segment Anything (:class:`~.jobs.sam.SegmenterService`), stores what Enter
keeps as one undoable edit, and offers the settings and Boxes to masks.

While the tool is in use, the shown image's embedding is computed as soon as
the image appears and the next image's ahead of it; the status bar says
"preparing…" until the shown one is ready, and prompts made meanwhile are
answered then. Every answer carries the serial of the prompt it is for: one
overtaken by a newer prompt, another image or a cleared prompt is dropped.
The window gives this part its workspace, canvas and editor, nothing else.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QProgressDialog, QWidget

from labeltool.core.errors import StoreError
from labeltool.core.shapes import Box, Shape

from .ai_mask_settings import AiMaskSettingsDialog, model_title
from .jobs.sam import AiPromptData, Decoded, SegmenterService
from .jobs.sam_boxes import BOXES_MODEL, BoxesToMasksJob, images_with_boxes
from .jobs.sam_options import OPTIONS_KEY, SamOptions
from .lifetime import deleted_after

if TYPE_CHECKING:  # pragma: no cover
    from .canvas import CanvasView
    from .canvas.tools.ai_mask import AiMaskTool, BoxTuple, Point
    from .editing import Editor
    from .workspace import Workspace

TOOL = "ai_mask"
STATUS_MS = 6000


class AiMask(QObject):
    def __init__(self, workspace: "Workspace", canvas: "CanvasView", editor: "Editor",
                 selected_images: Callable[[], list[int]], parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.canvas = canvas
        self.editor = editor
        self.selected_images = selected_images
        self.tool: AiMaskTool = canvas.tools[TOOL]  # type: ignore[assignment]
        self.tool.assistant = self
        self.options = SamOptions()
        self.loader = None  # how the service loads a model (the engine's by default; tests give their own)
        self.service: SegmenterService | None = None  # made on first use: opening a project imports no torch
        self._serial = 0  # of the latest prompt
        self._shown = 0  # of the preview on the canvas
        self._cleared = 0  # answers to prompts up to this one are stale
        self._keep_wanted = False  # Enter was pressed before the image was ready
        self._waiting = False  # a prompt was made before the image was ready: answer it once it is
        self._status_kept = False  # the status line is the tool's, until replaced
        self._storing = False  # the class picker of a kept mask is open
        self._download: QProgressDialog | None = None
        self.job: BoxesToMasksJob | None = None
        self._bulk_dialog: QProgressDialog | None = None
        self._bulk_made = 0
        self._bulk_warnings: list[str] = []
        self.settings_action = QAction(self.tr("AI mask &settings…"), self)
        self.settings_action.triggered.connect(self.edit_settings)
        self.boxes_action = QAction(self.tr("Bo&xes to masks (selected images)"), self)
        self.boxes_action.setStatusTip(self.tr("Segment Anything makes a mask from every box of the selected "
                                               "images, as predictions to review with Y / N"))
        self.boxes_action.triggered.connect(self.boxes_to_masks)
        workspace.projectOpened.connect(self._project_opened)
        workspace.imageChanged.connect(lambda _: self._prepare())
        canvas.toolChanged.connect(self._tool_changed)
        if workspace.store is not None:
            self._project_opened(workspace.store)

    def fill_menu(self, menu: QMenu) -> None:
        menu.addSeparator()
        menu.addActions([self.settings_action, self.boxes_action])

    def shutdown(self) -> None:
        """The window closes: stop the workers (an encoding under way ends first)."""
        if self.job is not None:
            self.job.requestInterruption()
            self.job.wait()
        if self.service is not None:
            self.service.shutdown()

    # ------------------------------------------------------------ plumbing
    def _root(self) -> Path | None:
        store = self.workspace.store
        return store.root if store is not None else None

    def _service(self) -> SegmenterService:
        if self.service is None:
            s = self.service = SegmenterService(self.loader, self)
            s.configure(self.options, self._root())
            s.loading.connect(self._loading)
            s.downloading.connect(self._downloading)
            s.loaded.connect(self._loaded)
            s.failed.connect(self._failed)
            s.embeddingReady.connect(self._embedding_ready)
            s.imageFailed.connect(self._image_failed)
            s.previewReady.connect(self._preview_ready)
            s.maskReady.connect(self._mask_ready)
            s.decodeFailed.connect(lambda text: self._say(self.tr("AI mask: %1").replace("%1", text)))
        return self.service

    def _dialog_parent(self) -> QWidget | None:
        parent = self.parent()
        return parent if isinstance(parent, QWidget) else self.canvas.window()

    def _say(self, text: str, ms: int = STATUS_MS) -> None:
        self._status_kept = ms == 0
        self.workspace.show_status(text, ms)

    def _current(self) -> tuple[int, Path] | None:
        item, store = self.workspace.current_image(), self.workspace.store
        if item is None or store is None or not item.width:
            return None
        return item.id, store.abspath(item)

    def _title(self) -> str:
        return model_title(self.options.model)

    def _project_opened(self, store) -> None:
        self.options = SamOptions.from_json(store.get_meta(OPTIONS_KEY))
        if self.service is not None:
            self.service.configure(self.options, store.root)

    # --------------------------------------------------------- preparing
    def _tool_changed(self, name: str) -> None:
        if name == TOOL and self.service is not None and self.service.error is not None:
            self.service.configure(self.options, self._root())  # choosing the tool again tries again
        elif name != TOOL and self._status_kept:
            self._say("", 1)  # the tool's lasting status line goes with it
        self._prepare()

    def _prepare(self) -> None:
        """While the tool is in use: encode the shown image, then the next."""
        current = self._current()
        if self.canvas.tool.name != TOOL or current is None:
            if self.service is not None:
                self.service.want([])  # the one under way ends; no more
            return
        service = self._service()
        images = [current]
        nid, store = self.workspace.neighbour_id(1), self.workspace.store
        if nid is not None and store is not None:
            images.append((nid, store.abspath(store.image(nid))))
        service.want(images)
        if service.error is not None:
            self._say(self.tr("AI mask: the model could not be loaded (%1). Change it in Tools > AI mask "
                              "settings.").replace("%1", service.error.splitlines()[0]), 0)
        elif service.is_ready(current[0]):
            self._say_ready()
        elif not service.loading_now or service.segmenter is not None:
            self._say(self.tr("AI mask: preparing this image…"), 0)

    def _say_ready(self) -> None:
        self._say(self.tr("AI mask ready: click the object (right click or Shift+click: background), or drag a "
                          "box; Enter keeps the mask, Esc clears."), 0)

    def _loading(self, model: str) -> None:
        self._say(self.tr("AI mask: loading %1 (seconds, once)…").replace("%1", self._title()), 0)

    def _downloading(self, done: int, total: int) -> None:
        if self._download is None:
            d = self._download = QProgressDialog(self._dialog_parent())
            d.setWindowTitle(self.tr("AI mask"))
            d.setLabelText(self.tr("Downloading the weights of %1 (once)…").replace("%1", self._title()))
            d.setCancelButtonText(self.tr("Cancel"))
            d.setAutoClose(False)
            d.setAutoReset(False)
            d.setMinimumDuration(0)
            d.canceled.connect(self._service().cancel_download)
            d.show()
        mb = 1 << 20
        self._download.setRange(0, max(1, total // mb) if total else 0)
        self._download.setValue(done // mb)

    def _close_download(self) -> None:
        if self._download is not None:
            self._download.close()
            self._download.deleteLater()
            self._download = None

    def _loaded(self, model: str) -> None:
        self._close_download()
        self._prepare()

    def _failed(self, message: str, details: dict | None) -> None:
        self._close_download()
        code = (details or {}).get("code")
        if code == "cancelled":
            self._say(self.tr("AI mask: the download was cancelled; choosing the tool again goes on from where it "
                              "stopped."), 0)
            self._service().configure(self.options, self._root())  # not a lasting failure
        elif code == "weights_unavailable":
            self._offline(details or {})
        else:
            self._say(self.tr("AI mask: the model could not be loaded."), 0)
            self.workspace.show_error(self.tr("The AI mask model could not be loaded: %1").replace("%1", message))

    def _offline(self, details: dict) -> None:
        """The weights could not be downloaded: say which file goes where,
        and take a file the person has (as the Train dialog does)."""
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("AI mask"), self.tr(
            "The weights of %1, %2, could not be downloaded (%3); this computer seems to be offline. Download %4 "
            "elsewhere and place it in the folder %5, or choose the file if you have it.")
            .replace("%1", self._title()).replace("%2", details.get("file", ""))
            .replace("%3", details.get("reason", "")).replace("%4", details.get("url", ""))
            .replace("%5", details.get("folder", "")), QMessageBox.StandardButton.Close, self._dialog_parent())
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        choose = box.addButton(self.tr("Choose weights file…"), QMessageBox.ButtonRole.AcceptRole)
        with deleted_after(box):
            box.exec()
            chosen = box.clickedButton() is choose
        self._say(self.tr("AI mask: no weights for %1.").replace("%1", self._title()), 0)
        if chosen:
            path, _ = QFileDialog.getOpenFileName(self._dialog_parent(), self.tr("The model's weights file"),
                                                  details.get("folder", ""),
                                                  self.tr("Weights files (*.pth *.pt);;All files (*)"))
            if path:
                self.set_options(replace(self.options, weights=path))

    def _embedding_ready(self, image_id: int, model: str) -> None:
        current = self._current()
        if current is None or current[0] != image_id or self.canvas.tool.name != TOOL:
            return
        self._say_ready()
        # Prompts made while it was being prepared (only those: the worker may have cached the
        # embedding, and a click been previewed, before this signal reached the GUI thread).
        if self.tool.busy and self._waiting:
            self.prompt_changed(*self.tool.prompt())
        if self.tool.busy and self._keep_wanted:
            self.keep(*self.tool.prompt())

    def _image_failed(self, image_id: int, message: str) -> None:
        current = self._current()
        if current is not None and current[0] == image_id:
            self._say(self.tr("AI mask: this image cannot be prepared: %1").replace("%1", message), 0)

    # ------------------------------------------------- the tool's assistant
    def prompt_changed(self, points: list["Point"], labels: list[int], box: "BoxTuple | None") -> None:
        self._serial += 1
        current = self._current()
        self._waiting = False
        if not points and box is None:
            self._cleared = self._serial
            self._keep_wanted = False
            return
        if current is None:
            return
        service = self._service()
        if service.is_ready(current[0]):
            service.preview(self._serial, current[0], current[1], AiPromptData(tuple(points), tuple(labels), box))
        else:
            self._waiting = True
            self._prepare()  # answered once the image is ready (_embedding_ready)

    def keep(self, points: list["Point"], labels: list[int], box: "BoxTuple | None") -> None:
        current = self._current()
        if current is None or not self.editor.writable():
            return
        service = self._service()
        if not service.is_ready(current[0]):
            self._keep_wanted = True
            self._say(self.tr("AI mask: the mask is kept as soon as this image is prepared…"), 0)
            return
        self._keep_wanted = False
        service.keep(self._serial, current[0], current[1], AiPromptData(tuple(points), tuple(labels), box))

    def _fresh(self, answer: Decoded) -> bool:
        current = self._current()
        return (current is not None and current[0] == answer.image_id and answer.serial > self._cleared
                and answer.model == self.options.model and self.canvas.tool is self.tool)

    def _preview_ready(self, answer: Decoded) -> None:
        if self._fresh(answer) and answer.serial > self._shown:
            self._shown = answer.serial
            self.tool.show_mask(answer.mask)

    def _mask_ready(self, answer: Decoded) -> None:
        if not self._fresh(answer) or answer.serial != self._serial or self._storing:
            return  # the prompt changed after Enter (Enter again keeps the new one), or Enter was pressed twice
        if not answer.shapes:
            self._say(self.tr("AI mask: the mask is empty; click on the object."))
            return
        if self._store(answer.shapes) and answer.left_out:
            self._say(self.tr("AI mask: the %1 smallest piece(s) of the mask were left out of the polygons; keep "
                              "it as a mask (Tools > AI mask settings) to have them all.")
                      .replace("%1", str(answer.left_out)), 10000)

    def _store(self, shapes: list[Shape]) -> bool:
        """Ask for the class beside the mask, then add it (or its polygons, one
        object) as one undoable edit and clear the prompt; False when not stored."""
        store, item = self.workspace.store, self.workspace.current_image()
        scene = self.canvas.canvas_scene
        if store is None or item is None or not self.editor.writable():
            return False
        bounds = [b for b in (s.bounds() for s in shapes) if b is not None]
        beside = Box(label="", x1=min(b[0] for b in bounds), y1=min(b[1] for b in bounds),
                     x2=max(b[2] for b in bounds), y2=max(b[3] for b in bounds))
        scene.set_pending(shapes[0])
        self._storing = True  # the class picker runs an event loop: a second answer waits its turn (dropped)
        try:
            label = self.editor.ask_label(beside=beside)
        finally:
            self._storing = False
            scene.set_pending(None)
        if not label:
            return False  # the prompt stays: change it, Enter again, or Esc
        group = store.next_group(item.id) if len(shapes) > 1 else None  # a mask in pieces is one object
        shapes = [replace(s, label=label, group=group) for s in shapes]
        self.editor.recent.use(label)
        self.editor.add(shapes, self.tr("AI mask %1").replace("%1", label))
        self.tool.cancel()
        scene.select([s.id for s in shapes])
        return True

    # ------------------------------------------------------------ settings
    def edit_settings(self) -> None:
        with deleted_after(AiMaskSettingsDialog(self.options, self._root(), self._dialog_parent())) as dlg:
            if dlg.exec() != AiMaskSettingsDialog.DialogCode.Accepted:
                return
            options = dlg.options()
        self.set_options(options)

    def set_options(self, options: SamOptions) -> None:
        """Use ``options`` and keep them in the project."""
        self.options = options
        store = self.workspace.store
        if store is not None and not store.readonly:
            try:
                store.set_meta(OPTIONS_KEY, options.to_json(store.root))
            except StoreError as e:
                self.workspace.show_error(str(e))
        if self.service is not None:
            self.service.configure(options, self._root())
        self.tool.cancel()
        self._prepare()

    # -------------------------------------------------------------- in bulk
    def boxes_to_masks(self) -> None:
        """Every box of the selected images (else the shown one) becomes a
        mask prediction to review, in a worker, with progress and Cancel."""
        store, item = self.workspace.store, self.workspace.current_image()
        if store is None or self.job is not None:
            return
        if store.readonly:
            self._say(self.tr("This project is open read-only: changes are not saved."))
            return
        ids = self.selected_images() or ([item.id] if item is not None else [])
        images = images_with_boxes(store, ids)
        if not images:
            self._say(self.tr("No boxes on the %n selected image(s).", "", len(ids)))
            return
        self._bulk_made, self._bulk_warnings = 0, []
        job = self.job = BoxesToMasksJob(self._service(), images, self)
        d = self._bulk_dialog = QProgressDialog(self.tr("Making masks from boxes with %1…").replace(
            "%1", self._title()), self.tr("Cancel"), 0, 0, self._dialog_parent())
        d.setWindowTitle(self.tr("Boxes to masks"))
        d.setWindowModality(Qt.WindowModality.WindowModal)
        d.setAutoClose(False)
        d.setAutoReset(False)
        d.setMinimumDuration(0)
        d.canceled.connect(job.requestInterruption)
        job.progress.connect(lambda done, total: (d.setRange(0, total), d.setValue(done)))
        job.masks.connect(self._store_masks)
        job.warning.connect(self._bulk_warnings.append)
        job.finishedWork.connect(self._bulk_finished)
        d.show()
        job.start()

    def _store_masks(self, image_id: int, masks: list) -> None:
        store = self.workspace.store
        if store is None:
            return
        try:
            store.replace_predictions(image_id, masks, model=BOXES_MODEL)
        except (StoreError, KeyError) as e:
            self._bulk_warnings.append(str(e))
            return
        self._bulk_made += len(masks)

    def _bulk_finished(self, done: int, cancelled: bool, empty: int) -> None:
        job, self.job = self.job, None
        if job is not None:
            job.wait()
            job.deleteLater()
        if self._bulk_dialog is not None:
            self._bulk_dialog.close()
            self._bulk_dialog.deleteLater()
            self._bulk_dialog = None
        text = self.tr("Boxes to masks: %1 mask(s) on %2 image(s), to review with Y / N.").replace(
            "%1", str(self._bulk_made)).replace("%2", str(done))
        if empty:
            text += " " + self.tr("%1 box(es) gave an empty mask.").replace("%1", str(empty))
        if cancelled:
            text += " " + self.tr("Cancelled.")
        if self._bulk_warnings:
            text += " " + self.tr("Skipped: %1").replace("%1", self._bulk_warnings[0])
        self._say(text, 10000)

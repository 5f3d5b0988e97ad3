"""File > Import / Export: one entry per dataset format, calling
``labeltool.formats.project_io`` (the same functions as the CLI)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu, QMessageBox, QProgressDialog, QWidget

from labeltool.core.errors import StoreError

from .export_dialog import ExportOptions, default_destination, export_project, files_written, unlabelled_images
from .lifetime import deleted_after

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Workspace

FORMAT_TITLES = {"voc": "Pascal VOC", "coco": "COCO", "labelme": "labelme", "yolo": "YOLO",
                 "ppocr": "PPOCRLabel", "icdar": "ICDAR", "imagefolder": "ImageFolder"}


class IOMenus(QObject):
    """Fills File > Import and File > Export of a window. Imports change the
    workspace's store and clear the undo history; dialogs open over ``window``."""

    def __init__(self, workspace: "Workspace", undo_stack: QUndoStack, window: QWidget):
        super().__init__(window)
        self.workspace = workspace
        self.undo_stack = undo_stack
        self.w = window

    def fill(self, import_menu: QMenu, export_menu: QMenu) -> None:
        try:
            from labeltool.formats import FORMATS
        except ImportError:  # the formats package is optional at this layer
            for m in (import_menu, export_menu):
                m.setEnabled(False)
            return
        for fmt in FORMATS:
            title = FORMAT_TITLES.get(fmt, fmt)
            import_menu.addAction(title + "…", lambda f=fmt: self.run_import(f))
            export_menu.addAction(title + "…", lambda f=fmt: self.run_export(f))


    def _progress(self, title: str) -> tuple[QProgressDialog, Callable[[int, int], None]]:
        w = self.w
        dlg = QProgressDialog(title, self.tr("Cancel"), 0, 0, w)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        dlg.setCancelButton(None)  # the format functions cannot stop half-way safely
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # callers close() it when done

        def progress(done: int, total: int) -> None:
            dlg.setMaximum(max(total, 1))
            dlg.setValue(min(done, total))
            QApplication.processEvents()

        return dlg, progress


    def run_import(self, fmt: str) -> None:
        w, store = self.w, self.workspace.store
        if store is None or store.readonly:
            self.workspace.show_error(self.tr("Open a writable project first."))
            return
        src = QFileDialog.getExistingDirectory(w, self.tr("Import %1 from folder").replace("%1", FORMAT_TITLES.get(fmt, fmt)),
                                               str(store.root))
        if not src:
            return
        from labeltool.formats import FormatError
        from labeltool.formats.project_io import import_into

        dlg, progress = self._progress(self.tr("Importing…"))
        try:
            report = import_into(store, fmt, src, progress=progress)
        except (FormatError, StoreError, ImportError, OSError) as e:
            dlg.close()
            self.workspace.show_error(str(e))
            return
        dlg.close()
        self.undo_stack.clear()  # imported shapes are not part of the undo history
        QMessageBox.information(w, self.tr("Import finished"), "\n".join(report.summary()))


    def run_export(self, fmt: str) -> None:
        w, store = self.w, self.workspace.store
        if store is None:
            return
        title = FORMAT_TITLES.get(fmt, fmt)
        with deleted_after(ExportOptions(fmt, title, default_destination(store, fmt), unlabelled_images(store),
                                         w)) as opts:
            if opts.exec() != QDialog.DialogCode.Accepted:
                return
            choice = opts.choice()
        from labeltool.formats import FormatError

        dlg, progress = self._progress(self.tr("Exporting…"))
        try:
            report, files = export_project(store, fmt, choice, progress)
        except (FormatError, StoreError, ImportError, OSError) as e:
            dlg.close()
            self.workspace.show_error(str(e))
            return
        dlg.close()
        text = [self.tr("%1 images with %2 shapes exported to %3").replace("%1", str(report.images))
                .replace("%2", str(report.shapes)).replace("%3", str(report.out)), "",
                self.tr("Files written:")] + ["  " + line for line in files_written(files, report.out)]
        # What the format could not hold, and why, as the format reports it.
        details = [line for line in report.summary()[3:] if line not in ("lost: nothing", "skipped: none")]
        QMessageBox.information(w, self.tr("Export finished"), "\n".join(text + ([""] + details if details else [])))

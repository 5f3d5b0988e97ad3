"""File > Import / Export: one entry per dataset format, calling
``labeltool.formats.project_io`` (the same functions as the CLI)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QApplication, QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QMenu,
    QMessageBox, QProgressDialog, QWidget,
)

from labeltool.core.errors import StoreError

from .lifetime import deleted_after

if TYPE_CHECKING:  # pragma: no cover
    from .workspace import Workspace

FORMAT_TITLES = {"voc": "Pascal VOC", "coco": "COCO", "labelme": "labelme", "yolo": "YOLO",
                 "ppocr": "PPOCRLabel", "icdar": "ICDAR", "imagefolder": "ImageFolder"}


class ExportOptions(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export options"))
        self.split = QDoubleSpinBox()
        self.split.setRange(0.0, 1.0)
        self.split.setSingleStep(0.05)
        self.split.setValue(0.0)
        self.split.setSpecialValueText(self.tr("no split"))
        self.only_done = QCheckBox(self.tr("Only images marked done"))
        form = QFormLayout(self)
        form.addRow(self.tr("Train share (rest is val)"), self.split)
        form.addRow(self.only_done)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)



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
        with deleted_after(ExportOptions(w)) as opts:
            if opts.exec() != QDialog.DialogCode.Accepted:
                return
            split, only_done = opts.split.value() or None, opts.only_done.isChecked()
        out = QFileDialog.getExistingDirectory(w, self.tr("Export %1 to folder").replace("%1", FORMAT_TITLES.get(fmt, fmt)),
                                               str(store.root.parent))
        if not out:
            return
        from labeltool.formats import FormatError
        from labeltool.formats.project_io import export_from

        dlg, progress = self._progress(self.tr("Exporting…"))
        try:
            report = export_from(store, fmt, out, split=split, only_done=only_done, progress=progress)
        except (FormatError, StoreError, ImportError, OSError) as e:
            dlg.close()
            self.workspace.show_error(str(e))
            return
        dlg.close()
        QMessageBox.information(w, self.tr("Export finished"), "\n".join(report.summary()))

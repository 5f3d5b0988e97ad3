"""File > Import / Export: a dataset of any format (found by looking) and
one entry per format, calling ``labeltool.formats`` (the same functions as
the CLI): an import is read, shown, then imported (:mod:`.import_dialog`)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QEventLoop, QObject, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMenu, QMessageBox, QProgressDialog, QWidget

from labeltool.core.errors import StoreError

from .export_dialog import (ExportOptions, default_destination, export_project, files_written, stored_splits,
                            unlabelled_images)
from .import_dialog import FORMAT_TITLES, ImportPreview, ReadJob, lost_text
from .lifetime import deleted_after

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.formats.detect import Detected
    from labeltool.formats.project_io import ImportReport

    from .workspace import Workspace


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
        # First: any dataset, its format found by looking (what people have).
        import_menu.addAction(self.tr("Dataset (find the format)…"), lambda: self.run_import(None))
        import_menu.addSeparator()
        for fmt in FORMATS:
            title = FORMAT_TITLES.get(fmt, fmt)
            import_menu.addAction(title + "…", lambda f=fmt: self.run_import(f))
            export_menu.addAction(title + "…", lambda f=fmt: self.run_export(f))

    def _progress(self, title: str, cancel: bool = False) -> tuple[QProgressDialog, Callable[[int, int], None]]:
        w = self.w
        dlg = QProgressDialog(title, self.tr("Cancel"), 0, 0, w)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        dlg.setMinimumDuration(300)
        if not cancel:
            dlg.setCancelButton(None)  # the format functions cannot stop half-way safely
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # callers close() it when done

        def progress(done: int, total: int) -> None:
            dlg.setMaximum(max(total, 1))
            dlg.setValue(min(done, total))
            QApplication.processEvents()

        return dlg, progress

    def run_import(self, fmt: str | None, src: str | Path | None = None) -> None:
        """File > Import: the folder (asked for unless given) is read off the
        GUI thread, what it holds is shown, and on Import it comes into the
        project; ``fmt`` None finds the format by looking."""
        w, store = self.w, self.workspace.store
        if store is None or store.readonly:
            self.workspace.show_error(self.tr("Open a writable project first."))
            return
        if src is None:
            title = self.tr("Import %1 from folder").replace("%1", FORMAT_TITLES.get(fmt, fmt)) if fmt else \
                self.tr("Import a dataset from folder")
            src = QFileDialog.getExistingDirectory(w, title, str(store.root))
            if not src:
                return
        detected = self.read(Path(src), fmt)
        if detected is None:
            return
        with deleted_after(ImportPreview(detected, Path(src), w)) as preview:
            if preview.exec() != QDialog.DialogCode.Accepted:
                return
        from labeltool.formats import FormatError
        from labeltool.formats.project_io import import_into

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = import_into(store, detected.format, src, detected=detected)
        except (FormatError, StoreError, OSError) as e:
            self.workspace.show_error(str(e))
            return
        finally:
            QApplication.restoreOverrideCursor()
        self.undo_stack.clear()  # imported shapes are not part of the undo history
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Import finished"),
                          "\n".join(self.report_lines(report)), QMessageBox.StandardButton.Ok, w)
        box.setDetailedText("\n".join(report.summary()))  # every note, as `labeltool import` prints them
        with deleted_after(box):
            box.exec()

    def read(self, src: Path, fmt: str | None) -> "Detected | None":
        """The dataset in ``src``, read on a worker thread while a progress
        dialog (with Cancel) shows; None when cancelled or unreadable (said)."""
        result: dict[str, Any] = {}
        loop = QEventLoop(self)
        dlg, progress = self._progress(self.tr("Reading %1…").replace("%1", src.name), cancel=True)

        def done(key: str, value: Any) -> None:
            result[key] = value
            loop.quit()

        job = ReadJob(src, fmt, lambda d: done("detected", d), lambda m: done("error", m),
                      lambda d, t: (dlg.setMaximum(max(t, 1)), dlg.setValue(min(d, t))), self)
        job.finished.connect(job.deleteLater)  # a cancelled read ends on its own, unheard
        dlg.canceled.connect(job.cancel)
        dlg.canceled.connect(loop.quit)
        job.start()
        loop.exec()
        dlg.close()
        if "error" in result:
            self.workspace.show_error(result["error"])
        return result.get("detected")

    def report_lines(self, report: "ImportReport") -> list[str]:
        """The import's outcome in the window's words: images matched and
        copied, shapes added, splits kept, losses by kind."""
        lines = [self.tr("%n image(s) imported: %1 new to the project, %2 matched to images already in it, %3 "
                         "copied in, %4 in place.", "", report.images)
                 .replace("%1", str(report.new_images)).replace("%2", str(report.matched))
                 .replace("%3", str(len(report.copied))).replace("%4", str(report.in_place)),
                 self.tr("%n shape(s) added; %1 already there, not added again.", "", report.shapes)
                 .replace("%1", str(report.duplicates))]
        if report.splits:
            lines.append(self.tr("Splits kept: %1").replace("%1", ", ".join(f"{s} {n}"
                                                                           for s, n in report.splits.items())))
        lines.append(self.tr("Lost: %1").replace("%1", lost_text(report.lost)) if any(report.lost.values())
                     else self.tr("Nothing lost."))
        if report.skipped:
            lines.append(self.tr("%n note(s) under Show Details.", "", len(report.skipped)))
        return lines

    def run_export(self, fmt: str) -> None:
        w, store = self.w, self.workspace.store
        if store is None:
            return
        title = FORMAT_TITLES.get(fmt, fmt)
        with deleted_after(ExportOptions(fmt, title, default_destination(store, fmt), unlabelled_images(store),
                                         w, stored=stored_splits(store))) as opts:
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

"""The Review panel's model report and model export (the buttons under the
queue): both act on the model the panel predicts with.

Its words keep the Review panel's translation context: they were the
panel's before these buttons became a part of their own.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QWidget

from labeltool.gui.jobs.export import ExportJob
from labeltool.gui.jobs.predict import ModelRef

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.workspace import Workspace

    from .report import ReportDialog


class ModelTools(QWidget):
    def __init__(self, workspace: "Workspace", model_ref: Callable[[], ModelRef | None],
                 threshold: Callable[[], float], say: Callable[[str], None],
                 select: Callable[[str], None] | None = None, parent: QWidget | None = None):
        """``model_ref``: the model chosen; ``threshold``: the score slider's
        value; ``say``: the panel's status line; ``select``: selects a shape
        (by id) of the image shown, on the canvas."""
        super().__init__(parent)
        self.workspace = workspace
        self.model_ref = model_ref
        self.threshold = threshold
        self.say = say
        self.select = select
        self.export_job: ExportJob | None = None
        self.report_button = QPushButton(QCoreApplication.translate("ReviewPanel", "Model report…"))
        self.export_button = QPushButton(QCoreApplication.translate("ReviewPanel", "Export model…"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.report_button)
        row.addWidget(self.export_button)
        self.report_button.clicked.connect(self.open_report)
        self.export_button.clicked.connect(self.ask_export)

    def update_enabled(self, has_model: bool) -> None:
        self.report_button.setEnabled(has_model)
        self.export_button.setEnabled(has_model and self.export_job is None)

    def open_report(self) -> "ReportDialog | None":
        from .report import ReportDialog

        ref, store = self.model_ref(), self.workspace.store
        if ref is None or store is None:
            return None
        colors = {c.name: c.color for c in store.classes()}
        dlg = ReportDialog(ref, store.snapshot(), self.threshold(), colors, self.window())
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dlg.lineActivated.connect(self.show_line)
        dlg.show()
        return dlg

    def show_line(self, image: str, region_id: str) -> None:
        """A recogniser report's line, in the window: its image, the region selected."""
        store = self.workspace.store
        item = store.image_by_path(image) if store is not None else None
        if item is None:
            self.say(QCoreApplication.translate("ReviewPanel", "%1 is no longer in the project.").replace("%1", image))
            return
        self.workspace.go_to_image(item.id)
        if self.select is not None:
            self.select(region_id)

    def ask_export(self) -> None:
        ref = self.model_ref()
        if ref is None:
            return
        title = QCoreApplication.translate("ReviewPanel", "Export the model into…")
        folder = QFileDialog.getExistingDirectory(self, title, str(ref.path))
        if folder:
            self.export_model(Path(folder))

    def export_model(self, folder: Path) -> ExportJob | None:
        """Export the chosen run into ``folder`` in a worker thread."""
        ref = self.model_ref()
        if ref is None or self.export_job is not None:
            return None
        self.export_job = ExportJob(ref, folder, self)
        already = QCoreApplication.translate("ReviewPanel", "This model is already an export.")
        failed = QCoreApplication.translate("ReviewPanel", "Export failed: %1")
        self.export_job.succeeded.connect(lambda text: self.say(already if text is None else text))
        self.export_job.failed.connect(lambda t: self.workspace.show_error(failed.replace("%1", t)))
        self.export_job.finished.connect(self._export_ended)
        self.export_button.setEnabled(False)
        self.say(QCoreApplication.translate("ReviewPanel", "Exporting %1…").replace("%1", ref.name))
        self.export_job.start()
        return self.export_job

    def _export_ended(self) -> None:
        job, self.export_job = self.export_job, None
        if job is not None:
            job.deleteLater()
        self.update_enabled(self.model_ref() is not None)

"""Exporting a model in a worker thread: scripting a detector and checking
its ONNX file in ONNX Runtime take seconds, and torch is imported there."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal

from ..gui_queue import PostingThread
from .failure import failure_text
from .predict import ModelRef


class ExportJob(PostingThread):
    """Export ``model`` (a run folder) into ``folder``."""

    succeeded = Signal(object)  # what the export says it wrote (str), or None: the model is an export already
    failed = Signal(str)

    def __init__(self, model: ModelRef, folder: Path, parent: Any = None):
        super().__init__(parent)
        self.model = model
        self.folder = Path(folder)

    def run(self) -> None:
        try:
            from engine.export import export_run, is_export_folder

            if is_export_folder(self.model.path):
                message = None
            else:
                message = export_run(self.model.path, self.folder).message()
        except Exception as e:  # noqa: BLE001 - shown to the user
            self.post(self.failed.emit, failure_text(e))
            return
        self.post(self.succeeded.emit, message)

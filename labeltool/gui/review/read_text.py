"""The Review panel's "Read text" box: PP-OCR (or a text detector and
recogniser trained in the project, chosen in its settings) proposes text
regions (quad, transcription, recognition score) on this image, the
selected images or all unlabelled ones; they are reviewed like any model's
predictions.

The panel runs the reading (:meth:`~.panel.ReviewPanel.read_text`); this
box holds its buttons and the settings, which are kept per project in the
store's meta (:func:`project_options`)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QGroupBox, QPushButton, QWidget

from labeltool.core.errors import StoreError
from labeltool.gui.jobs.ocr import OPTIONS_KEY, OcrOptions

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.store import ProjectStore
    from labeltool.gui.workspace import Workspace


def project_options(store: "ProjectStore | None") -> OcrOptions:
    """The project's Read text settings (PP-OCR's defaults until changed)."""
    return OcrOptions.from_json(store.get_meta(OPTIONS_KEY) if store is not None else None)


def save_project_options(store: "ProjectStore", options: OcrOptions) -> None:
    """Keep ``options`` in the project (defaults: the entry goes)."""
    store.set_meta(OPTIONS_KEY, None if options == OcrOptions() else options.to_json(store.root))


class ReadTextBox(QGroupBox):
    readRequested = Signal(str)  # which images: "current", "selected" or "unlabelled"

    def __init__(self, workspace: "Workspace", parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.setToolTip(self.tr("PP-OCR finds text lines and reads them, on the CPU; its text regions are "
                                "reviewed like a model's predictions (Y accepts, N rejects)"))
        workspace.projectOpened.connect(lambda _store: self.show_engine())
        self.read_current = QPushButton(self.tr("This image"))
        self.read_selected = QPushButton(self.tr("Selected"))
        self.read_unlabelled = QPushButton(self.tr("Unlabelled"))
        self.read_unlabelled.setToolTip(self.tr("All images with no labels that are not marked done or skipped"))
        self.settings_button = QPushButton(self.tr("Settings…"))
        self.settings_button.setToolTip(self.tr("Detection threshold, unclip ratio, direction classifier, "
                                                "another recogniser (language)"))
        # Two a row: the dock is about 280 px wide on a 1366 px screen.
        grid = QGridLayout(self)
        for k, (which, b) in enumerate((("current", self.read_current), ("selected", self.read_selected),
                                        ("unlabelled", self.read_unlabelled))):
            grid.addWidget(b, k // 2, k % 2)
            b.clicked.connect(lambda _=False, w=which: self.readRequested.emit(w))
        grid.addWidget(self.settings_button, 1, 1)
        self.settings_button.clicked.connect(self.edit_settings)
        self.show_engine()

    @property
    def buttons(self) -> tuple[QPushButton, ...]:
        return self.read_current, self.read_selected, self.read_unlabelled

    def options(self) -> OcrOptions:
        return project_options(self.workspace.store)

    def show_engine(self) -> None:
        """The title says whose models read: PP-OCR's, the project's own or both."""
        o = self.options()
        if o.det_run and o.rec_run:
            title = self.tr("Read text (your models)")
        elif o.det_run:
            title = self.tr("Read text (your detector, PP-OCR)")
        elif o.rec_run:
            title = self.tr("Read text (PP-OCR, your recogniser)")
        else:
            title = self.tr("Read text (PP-OCR)")
        self.setTitle(title)

    def edit_settings(self) -> None:
        """The settings dialog; what it accepts is kept in the project."""
        from .ocr_settings import OcrSettingsDialog

        store = self.workspace.store
        dialog = OcrSettingsDialog(self.options(), store.root if store is not None else None, self.window())
        try:
            if not dialog.exec() or store is None:
                return
            try:
                save_project_options(store, dialog.options())
            except StoreError as e:  # open read-only: nothing can be read into it either
                self.workspace.show_error(str(e))
            self.show_engine()
        finally:
            dialog.deleteLater()

"""The AI mask settings, kept per project: which Segment Anything model
(MobileSAM by default: its encoder takes a few seconds per image on a CPU,
ViT-B's about five times as long), a weights file of one's own instead of
the download, and what Enter keeps: a mask, or polygons simplified to a
tolerance in pixels."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from .jobs.sam_options import KEEP_KINDS, MAX_TOLERANCE, SamOptions, model_choices, model_source


def model_title(name: str) -> str:
    """A model's name in the window's language (the engine's own title for a
    model added there since)."""
    words = {"mobile-sam": QCoreApplication.translate("AiMaskSettingsDialog",
                                                      "MobileSAM (TinyViT encoder, fast on a CPU)"),
             "sam-vit-b": QCoreApplication.translate("AiMaskSettingsDialog",
                                                     "Segment Anything ViT-B (Meta; about five times slower)")}
    return words.get(name) or dict(model_choices()).get(name, name)


class AiMaskSettingsDialog(QDialog):
    def __init__(self, options: SamOptions, root: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.root = root
        self.setWindowTitle(self.tr("AI mask settings"))
        self.model = QComboBox()
        for name, _ in model_choices():
            self.model.addItem(model_title(name), name)
        self.weights = QLineEdit()
        self.weights.setPlaceholderText(self.tr("the official file, downloaded on first use"))
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_weights)
        weights_row = QWidget()
        row = QHBoxLayout(weights_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.weights, 1)
        row.addWidget(browse)
        self.keep = QComboBox()
        for kind, text in zip(KEEP_KINDS, (self.tr("a mask"), self.tr("polygons"))):
            self.keep.addItem(text, kind)
        self.tolerance = QDoubleSpinBox()
        self.tolerance.setRange(0.0, MAX_TOLERANCE)
        self.tolerance.setSingleStep(0.5)
        self.tolerance.setSuffix(self.tr(" px"))
        self.tolerance.setToolTip(self.tr("How far a polygon may stray from the mask's outline to have fewer "
                                          "points (0: every step of the outline)."))
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setOpenExternalLinks(False)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.tr("Weights file"), weights_row)
        form.addRow(self.tr("Enter keeps"), self.keep)
        form.addRow(self.tr("Polygon tolerance"), self.tolerance)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.set_options(SamOptions()))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.source)
        lay.addWidget(self.problem)
        lay.addWidget(buttons)
        self.model.currentIndexChanged.connect(self._show_source)
        self.keep.currentIndexChanged.connect(lambda _: self.tolerance.setEnabled(self.keep.currentData() == "polygon"))
        self.set_options(options)

    def _show_source(self) -> None:
        file_name, url = model_source(self.model.currentData())
        self.source.setText(self.tr("Without a file of your own, %1 is downloaded on first use from %2. The masks "
                                    "are only as good as these weights.").replace("%1", file_name).replace("%2", url))

    def _choose_weights(self) -> None:
        start = self.weights.text() or (str(self.root) if self.root is not None else "")
        path, _ = QFileDialog.getOpenFileName(self, self.tr("The model's weights file"), start,
                                              self.tr("Weights files (*.pth *.pt);;All files (*)"))
        if path:
            self.weights.setText(path)

    def set_options(self, options: SamOptions) -> None:
        self.model.setCurrentIndex(max(0, self.model.findData(options.model)))
        self.weights.setText(options.weights)
        self.keep.setCurrentIndex(max(0, self.keep.findData(options.keep)))
        self.tolerance.setValue(options.tolerance)
        self.tolerance.setEnabled(options.keep == "polygon")
        self._show_source()
        self.problem.clear()

    def options(self) -> SamOptions:
        return SamOptions(model=self.model.currentData(), weights=self.weights.text().strip(),
                          keep=self.keep.currentData(), tolerance=round(self.tolerance.value(), 2))

    def accept(self) -> None:
        path = self.options().weights_path(self.root)
        if path is not None and not path.is_file():
            self.problem.setText(self.tr("The weights file %1 does not exist.").replace("%1", str(path)))
            return
        super().accept()

"""The Read text settings: PP-OCR's detection box threshold and unclip
ratio, the direction classifier, and another recogniser (another
language: a PP-OCR ONNX recogniser and its character list).

OK checks what can be checked at once and says what is wrong beside the
fields; the recogniser file itself is opened when text is next read, and
the engine's words say what is wrong with it then."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from labeltool.gui.jobs.ocr import OcrOptions


class OcrSettingsDialog(QDialog):
    def __init__(self, options: OcrOptions, root: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.root = root  # the project folder: a recogniser inside it is kept relative to it
        self.setWindowTitle(self.tr("Read text settings"))
        self.box_threshold = QDoubleSpinBox()
        self.box_threshold.setRange(0.0, 0.99)
        self.box_threshold.setSingleStep(0.05)
        self.box_threshold.setToolTip(self.tr("How sure the detector must be, on average inside a box, that it "
                                              "holds text (PP-OCR: 0.5). Lower finds faint text and more noise."))
        self.unclip_ratio = QDoubleSpinBox()
        self.unclip_ratio.setRange(0.1, 10.0)
        self.unclip_ratio.setSingleStep(0.1)
        self.unclip_ratio.setToolTip(self.tr("How far each found line is grown into its box (PP-OCR: 1.6). "
                                             "Larger boxes take in more of the letters' edges."))
        self.direction = QCheckBox(self.tr("Turn upside-down text (direction classifier)"))
        self.rec_model = QLineEdit()
        self.rec_model.setPlaceholderText(self.tr("PP-OCR's shipped recogniser"))
        self.rec_keys = QLineEdit()
        self.rec_keys.setPlaceholderText(self.tr("the one inside the recogniser file"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow(self.tr("Detection box threshold"), self.box_threshold)
        form.addRow(self.tr("Unclip ratio"), self.unclip_ratio)
        form.addRow(self.direction)
        form.addRow(self.tr("Recogniser (ONNX)"), self._with_browse(
            self.rec_model, self.tr("A PP-OCR recogniser"), self.tr("ONNX models (*.onnx)")))
        form.addRow(self.tr("Character list"), self._with_browse(
            self.rec_keys, self.tr("The recogniser's character list"), self.tr("Text files (*.txt)")))
        hint = QLabel(self.tr("Another language: choose a PP-OCR recognition model exported to ONNX and, when the "
                              "file holds none, its character list (one character a line, e.g. ppocr_keys_v1.txt)."))
        hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(
            lambda: self.set_options(OcrOptions()))
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(hint)
        lay.addWidget(self.problem)
        lay.addWidget(buttons)
        self.set_options(options)

    def _with_browse(self, edit: QLineEdit, title: str, filters: str) -> QWidget:
        row = QWidget()
        lay = QHBoxLayout(row)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(edit, 1)
        browse = QPushButton(self.tr("Choose…"))
        lay.addWidget(browse)

        def choose() -> None:
            start = edit.text() or (str(self.root) if self.root is not None else "")
            path, _ = QFileDialog.getOpenFileName(self, title, start, filters)
            if path:
                edit.setText(path)
        browse.clicked.connect(choose)
        return row

    def set_options(self, options: OcrOptions) -> None:
        self.box_threshold.setValue(options.box_threshold)
        self.unclip_ratio.setValue(options.unclip_ratio)
        self.direction.setChecked(options.direction_classifier)
        self.rec_model.setText(options.rec_model)
        self.rec_keys.setText(options.rec_keys)
        self.problem.clear()

    def options(self) -> OcrOptions:
        return OcrOptions(box_threshold=round(self.box_threshold.value(), 4),
                          unclip_ratio=round(self.unclip_ratio.value(), 4),
                          direction_classifier=self.direction.isChecked(),
                          rec_model=self.rec_model.text().strip(), rec_keys=self.rec_keys.text().strip())

    def check(self) -> str | None:
        """Why these settings cannot work, in the window's words; None if they can."""
        o = self.options()
        if o.rec_keys and not o.rec_model:
            return self.tr("A character list belongs to a recogniser: choose the recogniser's ONNX file too, or "
                           "clear the character list.")
        for text, missing in ((o.rec_model, self.tr("The recogniser %1 does not exist.")),
                              (o.rec_keys, self.tr("The character list %1 does not exist."))):
            if text:
                path = Path(text).expanduser()
                if not path.is_absolute() and self.root is not None:
                    path = self.root / path
                if not path.is_file():
                    return missing.replace("%1", str(path))
        if o.rec_model and Path(o.rec_model).suffix.lower() != ".onnx":
            return self.tr("The recogniser must be an ONNX file (.onnx): export a PaddleOCR model with "
                           "paddle2onnx first.")
        return o.problem(self.root)  # the engine's own checks, in its words

    def accept(self) -> None:
        problem = self.check()
        if problem:
            self.problem.setText(problem)
            return
        super().accept()

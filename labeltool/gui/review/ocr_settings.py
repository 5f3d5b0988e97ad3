"""The Read text settings: what finds the lines (PP-OCR's detector or a
text detector trained in the project) and what reads them (PP-OCR's
recogniser, a recogniser trained here, or another PP-OCR ONNX recogniser
and its character list: another language); PP-OCR's detection box
threshold and unclip ratio, and the direction classifier.

OK checks what can be checked at once and says what is wrong beside the
fields; the recogniser file itself is opened when text is next read, and
the engine's words say what is wrong with it then."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFileDialog, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
    QPushButton, QVBoxLayout, QWidget,
)

from labeltool.gui.jobs.ocr import OcrOptions
from labeltool.gui.jobs.project_meta import resolved_path
from labeltool.gui.jobs.runs import predictable_runs


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
        # Your own models: the project's runs of each text task (Train > text detector / recogniser).
        self.det_run = self._run_combo("textdet", self.tr("PP-OCR's detector"), self.tr(
            "What finds the text lines: PP-OCR, or a text detector trained on this project's text regions"))
        self.rec_run = self._run_combo("recognize", self.tr("PP-OCR's recogniser"), self.tr(
            "What reads each line: PP-OCR (or the ONNX recogniser below), or a recogniser trained on this "
            "project's transcriptions"))
        self.rec_run.currentIndexChanged.connect(self._follow_recogniser)
        self.rec_model = QLineEdit()
        self.rec_model.setPlaceholderText(self.tr("PP-OCR's shipped recogniser"))
        self.rec_keys = QLineEdit()
        self.rec_keys.setPlaceholderText(self.tr("the one inside the recogniser file"))
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b")
        form = QFormLayout()
        form.addRow(self.tr("Find lines with"), self.det_run)
        form.addRow(self.tr("Read with"), self.rec_run)
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

    def _run_combo(self, task: str, default: str, tip: str) -> QComboBox:
        """PP-OCR's step (data "") and the project's runs of ``task``, newest first."""
        combo = QComboBox()
        combo.setToolTip(tip)
        combo.addItem(default, "")
        for info in predictable_runs(self.root) if self.root is not None else []:
            if info.task == task:
                best = "" if info.best_metric is None else f" ({info.best_metric:.3f})"
                combo.addItem(info.name + best, str(info.run_dir))
                combo.setItemData(combo.count() - 1, str(info.run_dir), Qt.ItemDataRole.ToolTipRole)
        return combo

    def _choose_run(self, combo: QComboBox, path: str) -> None:
        """Select ``path`` (a run kept in the options), listed by its name when
        it is no longer among the project's runs (OK then says it is gone)."""
        if not path:
            combo.setCurrentIndex(0)
            return
        resolved = self._resolved(path)
        k = next((i for i in range(1, combo.count()) if Path(combo.itemData(i)).resolve() == resolved.resolve()), -1)
        if k < 0:
            combo.addItem(resolved.name, str(resolved))
            k = combo.count() - 1
        combo.setCurrentIndex(k)

    def _resolved(self, text: str) -> Path:
        """``text`` (not empty) as a file or folder: relative to the project, as the options keep it."""
        resolved = resolved_path(text, self.root)
        assert resolved is not None
        return resolved

    def _follow_recogniser(self) -> None:
        """A run that reads leaves no use for another PP-OCR recogniser."""
        own = bool(self.rec_run.currentData())
        for edit in (self.rec_model, self.rec_keys):
            edit.setEnabled(not own)
            edit.setToolTip(self.tr("Not used: a recogniser trained here reads") if own else "")

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
        self._choose_run(self.det_run, options.det_run)
        self._choose_run(self.rec_run, options.rec_run)
        self._follow_recogniser()
        self.problem.clear()

    def options(self) -> OcrOptions:
        rec_run = self.rec_run.currentData() or ""
        onnx = not rec_run  # a trained recogniser reads: the ONNX fields are greyed out, not kept
        return OcrOptions(box_threshold=round(self.box_threshold.value(), 4),
                          unclip_ratio=round(self.unclip_ratio.value(), 4),
                          direction_classifier=self.direction.isChecked(),
                          rec_model=self.rec_model.text().strip() if onnx else "",
                          rec_keys=self.rec_keys.text().strip() if onnx else "",
                          det_run=self.det_run.currentData() or "", rec_run=rec_run)

    def check(self) -> str | None:
        """Why these settings cannot work, in the window's words; None if they can."""
        o = self.options()
        if o.rec_keys and not o.rec_model:
            return self.tr("A character list belongs to a recogniser: choose the recogniser's ONNX file too, or "
                           "clear the character list.")
        for text, missing in ((o.rec_model, self.tr("The recogniser %1 does not exist.")),
                              (o.rec_keys, self.tr("The character list %1 does not exist."))):
            if text and not self._resolved(text).is_file():
                return missing.replace("%1", str(self._resolved(text)))
        for text in (o.det_run, o.rec_run):
            if text and not self._resolved(text).is_dir():
                return self.tr("The run %1 is gone (deleted or moved): choose another, or PP-OCR.").replace(
                    "%1", str(self._resolved(text)))
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

"""The Train dialog: task, model (with its speed/accuracy hint), epochs,
device and pretrained up front; batch size, image size, learning rate,
validation share and step limit under "Advanced". It checks the project
(:mod:`engine.checks`, through :mod:`labeltool.gui.jobs.train_setup`) as it
opens and whenever the task changes, and says what is wrong in words; Start
stays off while something blocks the run.

Above the checks it shows what the run would train and validate on (the
engine's own split, :func:`engine.splits.summarize_split`): images with
shapes and images marked empty, counted as ``labeltool stats`` counts them,
and the validation objects per class, with a share to use when a class
would be validated on too few. Its settings come and go as a plain dict
(:meth:`TrainDialog.settings`), which the controller keeps per project.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from labeltool.core.store import Snapshot

from ..jobs.train_setup import (
    SPLITS_CONTEXT, Problem, SplitSummary, Task, check_project, default_model_on, model_entry, models_for,
    offered_tasks, suggest_task, suggest_training, summarize_split, weights_cached,
)
from ..jobs.training import TrainConfig


def translate_problem(p: Problem) -> str:
    # The kinds of label named inside a message ("boxes or text regions") are
    # marked for translation in engine/checks.py too.
    params = {k: QCoreApplication.translate("TrainingChecks", v) if k in ("words", "other") else v
              for k, v in p.params.items()}
    return QCoreApplication.translate("TrainingChecks", p.template).format(**params)


def split_counts_text(summary: SplitSummary) -> str:
    """"12 with shapes, 10 marked empty", as ``labeltool stats`` counts them."""
    return QCoreApplication.translate(SPLITS_CONTEXT, summary.counts_template).format(**summary.counts_params)


def split_advice_text(summary: SplitSummary) -> str:
    """The split's warning in the person's language ("" when the split is fine)."""
    if not summary.advice_template:
        return ""
    return QCoreApplication.translate(SPLITS_CONTEXT, summary.advice_template).format(**summary.advice_params)


# What a dialog's settings() holds that is the model's own (reset when the model changes).
MODEL_SETTINGS = ("batch_size", "img_size", "lr")


class TrainDialog(QDialog):
    # The widgets a run's config is read from; the controller and the tests set them too.
    task_combo: QComboBox
    task_hint: QLabel  # why the labels suggest a task, while that task is chosen
    model_combo: QComboBox
    model_hint: QLabel
    epochs: QSpinBox
    device_combo: QComboBox
    pretrained: QCheckBox
    weights_note: QLabel
    advanced_toggle: QToolButton
    advanced: QGroupBox  # batch size, image size, learning rate, validation share, step limit, patience
    batch_size: QSpinBox
    img_size: QSpinBox
    lr: QDoubleSpinBox
    val_share: QSpinBox
    max_steps: QSpinBox
    patience: QSpinBox
    split_text: QLabel  # validation images and objects per class
    split_advice: QLabel  # too few validation objects of a class: what to do
    use_suggested: QPushButton  # sets the validation share the advice suggests
    checks_list: QListWidget
    buttons: QDialogButtonBox
    start_button: QPushButton

    def __init__(self, snapshot: Snapshot, devices: list[tuple[str, str]], parent: QWidget | None = None,
                 task: Task | None = None, settings: dict[str, Any] | None = None):
        """``settings``: what :meth:`settings` gave last time in this project
        (the controller keeps it); unknown or stale keys are ignored."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Train a model"))
        self.setMinimumWidth(560)
        self.snapshot = snapshot
        self.problems: list[Problem] = []
        self.split: SplitSummary | None = None
        self._default = ""  # the default model of the task on the chosen device
        self.tasks = offered_tasks(snapshot)
        self.suggestion = suggest_training(snapshot)
        layout = QVBoxLayout(self)
        layout.addLayout(self._build_basic(devices))
        layout.addWidget(self._build_advanced_toggle())
        layout.addWidget(self._build_advanced())
        layout.addWidget(self._build_split())
        layout.addWidget(QLabel(self.tr("Project check")))
        layout.addWidget(self._build_checks())
        layout.addWidget(self._build_buttons())
        self._connect()
        settings = dict(settings or {})
        if settings.get("device") is not None and self.device_combo.findData(settings["device"]) >= 0:
            self.device_combo.setCurrentIndex(self.device_combo.findData(settings["device"]))
        saved_task = settings.get("task") if settings.get("task") in self.tasks else None
        wanted = task if task in self.tasks else None
        self.task_combo.setCurrentIndex(self.tasks.index(wanted or saved_task or suggest_task(snapshot, self.tasks)))
        self._task_changed()  # fills the models and runs the checks, even when the index did not move
        self.apply_settings(settings)

    # ------------------------------------------------------------ building
    def _build_basic(self, devices: list[tuple[str, str]]) -> QFormLayout:
        """Task, model and its hint, epochs, device, pretrained: what most runs set."""
        task_names = {"detect": self.tr("Detect objects (boxes)"),
                      "instance": self.tr("Outline each object (instance masks, Mask R-CNN)"),
                      "segment": self.tr("Segment (polygons, masks)"),
                      "classify": self.tr("Classify images (image classes)"),
                      "textdet": self.tr("Find text lines (text regions as quads)"),
                      "recognize": self.tr("Read text (transcriptions of text regions)")}
        self.task_combo = QComboBox()
        self.task_hint = QLabel()
        self.task_hint.setWordWrap(True)
        self.task_hint.setStyleSheet("color: palette(mid);")
        for t in self.tasks:
            counts = split_counts_text(summarize_split(self.snapshot, t, 0.0))
            self.task_combo.addItem(self.tr("{task} - {counts}").format(task=task_names[t], counts=counts), t)
        self.model_combo = QComboBox()
        self.model_hint = QLabel()
        self.model_hint.setWordWrap(True)
        self.model_hint.setStyleSheet("color: palette(mid);")
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 10_000)
        self.epochs.setValue(TrainConfig.__dataclass_fields__["epochs"].default)
        self.device_combo = QComboBox()
        best = devices[0][1] if devices else "CPU"
        self.device_combo.addItem(self.tr("Automatic ({best})").format(best=best), "auto")
        for dev_id, text in devices:
            self.device_combo.addItem(text, dev_id)
        self.pretrained = QCheckBox(self.tr("Start from pretrained weights (ImageNet/COCO)"))
        self.pretrained.setChecked(True)
        self.weights_note = QLabel()
        self.weights_note.setWordWrap(True)
        self.weights_note.setStyleSheet("color: palette(mid);")

        basic = QFormLayout()
        basic.addRow(self.tr("Task"), self.task_combo)
        basic.addRow("", self.task_hint)
        basic.addRow(self.tr("Model"), self.model_combo)
        basic.addRow("", self.model_hint)
        basic.addRow(self.tr("Epochs"), self.epochs)
        basic.addRow(self.tr("Device"), self.device_combo)
        basic.addRow("", self.pretrained)
        basic.addRow("", self.weights_note)
        return basic

    def _build_advanced_toggle(self) -> QToolButton:
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText(self.tr("Advanced"))
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setAutoRaise(True)
        return self.advanced_toggle

    def _build_advanced(self) -> QGroupBox:
        """Hidden until asked for; the model's defaults fill it."""
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, 1024)
        self.img_size = QSpinBox()
        self.img_size.setRange(32, 4096)
        self.img_size.setSingleStep(32)
        self.img_size.setSuffix(" px")
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(6)
        self.lr.setRange(1e-6, 1.0)
        self.lr.setSingleStep(1e-4)
        self.val_share = QSpinBox()
        self.val_share.setRange(0, 90)
        self.val_share.setSuffix(" %")
        self.val_share.setValue(20)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(0, 10_000_000)
        self.max_steps.setSpecialValueText(self.tr("no limit"))
        self.patience = QSpinBox()
        self.patience.setRange(0, 1000)
        self.patience.setSpecialValueText(self.tr("off"))
        self.advanced = QGroupBox()
        adv = QFormLayout(self.advanced)
        adv.addRow(self.tr("Batch size"), self.batch_size)
        adv.addRow(self.tr("Image size"), self.img_size)
        adv.addRow(self.tr("Learning rate"), self.lr)
        adv.addRow(self.tr("Validation share"), self.val_share)
        adv.addRow(self.tr("Stop after steps"), self.max_steps)
        adv.addRow(self.tr("Early stop after epochs without gain"), self.patience)
        self.advanced.setVisible(False)
        return self.advanced

    def _build_split(self) -> QWidget:
        """What validation would see, and the share to use when it sees too little."""
        self.split_text = QLabel()
        self.split_text.setWordWrap(True)
        self.split_advice = QLabel()
        self.split_advice.setWordWrap(True)
        self.split_advice.setStyleSheet("color: #8a6d00;")
        self.use_suggested = QPushButton()
        box = QWidget()
        lay = QVBoxLayout(box)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.split_text)
        lay.addWidget(self.split_advice)
        lay.addWidget(self.use_suggested, 0, Qt.AlignmentFlag.AlignLeft)
        return box

    def _build_checks(self) -> QListWidget:
        self.checks_list = QListWidget()
        self.checks_list.setWordWrap(True)
        self.checks_list.setMaximumHeight(130)
        self.checks_list.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        return self.checks_list

    def _build_buttons(self) -> QDialogButtonBox:
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.start_button = self.buttons.addButton(self.tr("Start training"),
                                                   QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setDefault(True)
        return self.buttons

    def _connect(self) -> None:
        self.advanced_toggle.toggled.connect(self._show_advanced)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.task_combo.currentIndexChanged.connect(self._task_changed)
        self.model_combo.currentIndexChanged.connect(self._model_changed)
        self.device_combo.currentIndexChanged.connect(self._device_changed)
        self.pretrained.toggled.connect(self._update_weights_note)
        self.val_share.valueChanged.connect(self._run_checks)
        self.use_suggested.clicked.connect(self.use_suggested_share)

    # -------------------------------------------------------------- state
    @property
    def task(self) -> Task:
        return self.task_combo.currentData()

    @property
    def model(self) -> str:
        return self.model_combo.currentData()

    def set_model(self, name: str) -> None:
        """Pick ``name`` (switching the task to the model's task)."""
        entry = model_entry(name)
        if entry is None:
            return
        if entry.task not in self.tasks:
            return
        self.task_combo.setCurrentIndex(self.tasks.index(entry.task))
        self.model_combo.setCurrentIndex(self.model_combo.findData(name))

    @property
    def device(self) -> str:
        return self.device_combo.currentData()

    def settings(self) -> dict[str, Any]:
        """What to open with next time in this project (plain JSON values)."""
        return {"task": self.task, "model": self.model, "epochs": self.epochs.value(), "device": self.device,
                "pretrained": self.pretrained.isChecked(), "batch_size": self.batch_size.value(),
                "img_size": self.img_size.value(), "lr": self.lr.value(), "val_share": self.val_share.value(),
                "max_steps": self.max_steps.value(), "patience": self.patience.value()}

    def apply_settings(self, settings: dict[str, Any]) -> None:
        """Open as last time: the saved model if it is of this task, and its
        batch size, image size and learning rate only with that model."""
        if settings.get("task") != self.task:
            return  # another task was asked for: its own defaults
        if model_entry(settings.get("model")) is not None and self.model_combo.findData(settings["model"]) >= 0:
            self.model_combo.setCurrentIndex(self.model_combo.findData(settings["model"]))
        same_model = settings.get("model") == self.model
        spins = {"epochs": self.epochs, "val_share": self.val_share, "max_steps": self.max_steps,
                 "patience": self.patience}
        if same_model:
            spins.update(batch_size=self.batch_size, img_size=self.img_size, lr=self.lr)
        for key, spin in spins.items():
            value = settings.get(key)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                spin.setValue(value)  # type: ignore[arg-type]
        if isinstance(settings.get("pretrained"), bool):
            self.pretrained.setChecked(settings["pretrained"])

    def config(self) -> TrainConfig:
        return TrainConfig(
            task=self.task, model=self.model, epochs=self.epochs.value(), batch_size=self.batch_size.value(),
            lr=self.lr.value(), img_size=self.img_size.value(), device=self.device_combo.currentData(),
            pretrained=self.pretrained.isChecked(), val_fraction=self.val_share.value() / 100,
            max_steps=self.max_steps.value() or None, early_stop_patience=self.patience.value() or None)

    # ------------------------------------------------------------ updates
    def _show_advanced(self, on: bool) -> None:
        self.advanced.setVisible(on)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.adjustSize()

    def _task_changed(self) -> None:
        task = self.task
        hint = ""
        if task == self.suggestion.task:
            hint = QCoreApplication.translate("TrainingChecks", self.suggestion.template).format(
                **self.suggestion.params)
        self.task_hint.setText(hint)
        self.task_hint.setVisible(bool(hint))
        self.model_combo.blockSignals(True)
        self.model_combo.clear()
        for entry in models_for(task):
            self.model_combo.addItem(entry.name, entry.name)
        self._default = default_model_on(task, self.device)
        self.model_combo.setCurrentIndex(self.model_combo.findData(self._default))
        self.model_combo.blockSignals(False)
        self._model_changed()
        self._run_checks()

    def _device_changed(self) -> None:
        """The default model follows the device (the small detector on a CPU)
        unless another model was picked."""
        default = default_model_on(self.task, self.device)
        if self.model == self._default and default != self._default:
            self.model_combo.setCurrentIndex(self.model_combo.findData(default))
        self._default = default

    def _model_changed(self) -> None:
        entry = model_entry(self.model)
        if entry is None:
            return
        self.model_hint.setText(entry.hint)
        self.batch_size.setValue(entry.batch_size)
        self.img_size.setValue(entry.img_size)
        self.lr.setValue(entry.lr)
        self._update_weights_note()

    def _update_weights_note(self) -> None:
        entry = model_entry(self.model)
        # A model with no pretrained weights (crnn_lite) learns from scratch whatever the box says.
        self.pretrained.setEnabled(entry is None or bool(entry.weights_file))
        if entry is not None and not entry.weights_file:
            self.weights_note.setText(self.tr("This model has no pretrained weights: it learns from scratch, "
                                              "so it needs more labels and more epochs."))
            return
        if entry is None or not self.pretrained.isChecked():
            self.weights_note.setText(self.tr("From scratch: needs more labels and more epochs."))
            return
        if weights_cached(self.model):
            self.weights_note.setText(self.tr("Pretrained weights are on this computer."))
        else:
            self.weights_note.setText(self.tr(
                "Pretrained weights will be downloaded when training starts (needs the internet); "
                "untick to train from scratch offline."))

    def use_suggested_share(self) -> None:
        if self.split is not None and self.split.suggested_fraction is not None:
            self.val_share.setValue(round(100 * self.split.suggested_fraction))

    def _show_split(self) -> None:
        s = self.split = summarize_split(self.snapshot, self.task, self.val_share.value() / 100)
        unit = self.tr("images") if self.task == "classify" else self.tr("objects")
        per_class = ", ".join(f"{c.name} {c.val_objects}" for c in s.classes if c.train_images or c.val_images)
        text = self.tr("Trains on {train} images, validates on {val} ({counts}).").format(
            train=s.train_images, val=s.val_images, counts=split_counts_text(s))
        if s.val_images and per_class:
            text += " " + self.tr("Validation {unit} per class: {list}.").format(unit=unit, list=per_class)
        if getattr(s, "source", "seeded") == "stored":  # the project's own split (an engine that knows one)
            text = QCoreApplication.translate(SPLITS_CONTEXT, s.source_template).format(**s.source_params) \
                + " " + text
        self.split_text.setText(text)
        # The checks below already say when no image is kept for validation.
        advice = split_advice_text(s) if s.advice_code != "no_validation" else ""
        self.split_advice.setText(advice)
        self.split_advice.setVisible(bool(advice))
        self.use_suggested.setVisible(s.suggested_fraction is not None)
        if s.suggested_fraction is not None:
            self.use_suggested.setText(self.tr("Use {percent} % for validation").format(
                percent=round(100 * s.suggested_fraction)))

    def _run_checks(self) -> None:
        self._show_split()
        self.problems = check_project(self.snapshot, self.task, self.val_share.value() / 100)
        self.checks_list.clear()
        icons = {"error": QStyle.StandardPixmap.SP_MessageBoxCritical,
                 "warning": QStyle.StandardPixmap.SP_MessageBoxWarning,
                 "info": QStyle.StandardPixmap.SP_MessageBoxInformation}
        for p in self.problems:
            self.checks_list.addItem(QListWidgetItem(self.style().standardIcon(icons[p.severity]),
                                                     translate_problem(p)))
        if not self.problems:
            self.checks_list.addItem(QListWidgetItem(
                self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
                self.tr("Ready to train.")))
        self.start_button.setEnabled(not any(p.blocking for p in self.problems))

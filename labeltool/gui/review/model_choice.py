"""The model the Review panel predicts with: the project's runs that have a
checkpoint, the active one chosen (:class:`~labeltool.gui.jobs.runs.ActiveRun`),
or a run or exported model folder chosen with "Other…". Choosing one here
makes it the active run, so the Runs tab, the menu and this list agree.

Its words keep the Review panel's translation context: they were the
panel's before the list became a part of its own.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDir, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QHBoxLayout, QPushButton, QWidget

from labeltool.gui.jobs.predict import ModelRef
from labeltool.gui.jobs.runs import ActiveRun, predictable_runs, runs_root

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.workspace import Workspace


class ModelChoice(QWidget):
    listChanged = Signal()  # the runs were listed again (the choice may have changed)

    def __init__(self, workspace: "Workspace", active: ActiveRun, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.active = active
        self.loaded = False  # listed since the project opened
        self.combo = QComboBox()
        # Run names are long (20261201-183145-maskrcnn_resnet50_fpn): the dock must not grow to hold one.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setToolTip(QCoreApplication.translate(
            "ReviewPanel", "The model that predicts: a training run of this project (the active run is chosen), "
                           "or an exported model folder"))
        self.browse_button = QPushButton(QCoreApplication.translate("ReviewPanel", "Other…"))
        self.browse_button.setToolTip(QCoreApplication.translate(
            "ReviewPanel", "Predict with a run or exported model kept elsewhere"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.combo, 1)
        row.addWidget(self.browse_button)
        self.browse_button.clicked.connect(self.browse)
        self.combo.activated.connect(self._chosen)
        # The holder emits on each project opened too: the list follows both.
        active.changed.connect(lambda _run: self.load())

    def load(self) -> None:
        """List the project's runs, the active one chosen (else the one chosen before)."""
        store = self.workspace.store
        keep = self.model_ref()
        self.combo.clear()
        if store is not None:
            self.loaded = True
            for info in predictable_runs(store.root):
                metric = "" if info.best_metric is None else f", {info.best_metric:.3f}"
                self.combo.addItem(f"{info.name} ({info.task}{metric})", str(info.run_dir))
                self.combo.setItemData(self.combo.count() - 1, f"{info.run_dir}\n{info.model}, {info.status}",
                                       Qt.ItemDataRole.ToolTipRole)
            wanted = self.active.path() or (keep.path if keep is not None else None)
            if wanted is not None:
                self.add(Path(wanted), select=True)
        self.listChanged.emit()

    def add(self, path: Path, select: bool = True) -> None:
        """Put ``path`` in the list (once) and, with ``select``, choose it."""
        k = next((i for i in range(self.combo.count())
                  if Path(self.combo.itemData(i)).resolve() == Path(path).resolve()), -1)
        if k < 0:
            self.combo.addItem(path.name, str(path))
            k = self.combo.count() - 1
        if select:
            self.combo.setCurrentIndex(k)

    def model_ref(self) -> ModelRef | None:
        data = self.combo.currentData()
        return ModelRef(Path(data)) if data else None

    def folder_dialog(self) -> QFileDialog:
        """The "Other…" dialog: folders, hidden ones shown (runs live in the
        project's hidden ``.labeltool`` folder), starting in its runs."""
        store = self.workspace.store
        start = ""
        if store is not None:
            runs = runs_root(store.root)
            start = str(runs if runs.is_dir() else store.root)
        dialog = QFileDialog(self, QCoreApplication.translate("ReviewPanel", "A run folder or an exported model "
                                                                             "folder"), start)
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        # The platform's own dialog ignores the filter below on some systems.
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        dialog.setFilter(QDir.Filter.AllDirs | QDir.Filter.Hidden | QDir.Filter.NoDotAndDotDot)
        return dialog

    def browse(self) -> None:
        dialog = self.folder_dialog()
        try:
            if not dialog.exec() or not dialog.selectedFiles():
                return
            folder = dialog.selectedFiles()[0]
        finally:
            dialog.deleteLater()
        self.add(Path(folder))
        self._chosen()

    def _chosen(self, *_: object) -> None:
        ref = self.model_ref()
        if ref is not None and self.workspace.store is not None:
            self.active.set(ref.path)

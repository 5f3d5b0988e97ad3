"""The runs of this project: model, date, best metric, status; show a run's
curves again, resume it, make it the active model, or delete it."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeltool.core.store import ProjectStore

from ..jobs.runs import ConfigError, RunInfo, active_run, delete_run, list_runs, set_active_run


def _date_text(created: Any) -> str:
    if isinstance(created, (int, float)):
        created = dt.datetime.fromtimestamp(created)
    if isinstance(created, str):
        try:
            created = dt.datetime.fromisoformat(created)
        except ValueError:
            return created
    if isinstance(created, dt.datetime):
        return created.strftime("%Y-%m-%d %H:%M")
    return str(created or "")


class RunsBrowser(QWidget):
    showCurves = Signal(object)  # Path of the run
    resumeRequested = Signal(object)  # Path
    activeChanged = Signal(object)  # Path or None

    COLUMNS = ("", "date", "model", "task", "best", "status")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.store: ProjectStore | None = None
        self.running_dir: Path | None = None
        self.runs: list[RunInfo] = []
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(
            ["", self.tr("Date"), self.tr("Model"), self.tr("Task"), self.tr("Best"), self.tr("Status")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.itemDoubleClicked.connect(lambda _item: self.show_selected())

        self.curves_button = QPushButton(self.tr("Show curves"))
        self.resume_button = QPushButton(self.tr("Resume"))
        self.active_button = QPushButton(self.tr("Use for review"))
        self.active_button.setToolTip(self.tr("Make this run the model that reviews and pre-labels images"))
        self.delete_button = QPushButton(self.tr("Delete…"))
        self.curves_button.clicked.connect(self.show_selected)
        self.resume_button.clicked.connect(lambda: self._emit_selected(self.resumeRequested))
        self.active_button.clicked.connect(self.make_selected_active)
        self.delete_button.clicked.connect(self.delete_selected)
        buttons = QHBoxLayout()
        for b in (self.curves_button, self.resume_button, self.active_button, self.delete_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._update_buttons()

    # -------------------------------------------------------------- data
    def set_store(self, store: ProjectStore | None, refresh: bool = True) -> None:
        self.store = store
        self.runs = []
        self.table.setRowCount(0)
        if refresh:
            self.refresh()

    def set_running(self, run_dir: Path | None) -> None:
        """The run in progress (it cannot be deleted or resumed meanwhile)."""
        self.running_dir = Path(run_dir).resolve() if run_dir else None
        self._update_buttons()

    def refresh(self) -> None:
        selected = self.selected_run()
        self.runs = list_runs(self.store.root) if self.store is not None else []
        active = active_run(self.store) if self.store is not None else None
        active = active.resolve() if active else None
        self.table.setRowCount(len(self.runs))
        bold = QFont()
        bold.setBold(True)
        for row, run in enumerate(self.runs):
            is_active = active is not None and Path(run.run_dir).resolve() == active
            best = "" if run.best_metric is None else f"{run.best_metric:.3f}"
            cells = ["★" if is_active else "", _date_text(run.created), run.model, run.task, best,
                     str(run.status)]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(run.run_dir))
                if is_active:
                    item.setFont(bold)
                if col == 4:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
            if selected is not None and Path(run.run_dir) == selected:
                self.table.selectRow(row)
        self._update_buttons()

    def run_dirs(self) -> list[Path]:
        return [Path(r.run_dir) for r in self.runs]

    def selected_run(self) -> Path | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.runs):
            return None
        return Path(self.runs[rows[0].row()].run_dir)

    def select_run(self, run_dir: Path) -> bool:
        for row, run in enumerate(self.runs):
            if Path(run.run_dir).resolve() == Path(run_dir).resolve():
                self.table.selectRow(row)
                return True
        return False

    # ----------------------------------------------------------- actions
    def _is_running(self, run_dir: Path | None) -> bool:
        return run_dir is not None and self.running_dir is not None and run_dir.resolve() == self.running_dir

    def _update_buttons(self) -> None:
        run = self.selected_run()
        busy = self._is_running(run) or self.running_dir is not None
        self.curves_button.setEnabled(run is not None)
        self.active_button.setEnabled(run is not None and self.store is not None)
        self.resume_button.setEnabled(run is not None and not busy)
        self.delete_button.setEnabled(run is not None and not self._is_running(run))

    def _emit_selected(self, signal: Signal) -> None:
        run = self.selected_run()
        if run is not None:
            signal.emit(run)

    def show_selected(self) -> None:
        self._emit_selected(self.showCurves)

    def make_selected_active(self) -> None:
        run = self.selected_run()
        if run is None or self.store is None:
            return
        set_active_run(self.store, run)
        self.refresh()
        self.activeChanged.emit(run)

    def delete_selected(self) -> bool:
        run = self.selected_run()
        if run is None or self.store is None or self._is_running(run):
            return False
        answer = QMessageBox.question(
            self, self.tr("Delete run"),
            self.tr("Delete the run {name} with its checkpoints? This cannot be undone; your labels are not "
                    "touched.").format(name=run.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        was_active = active_run(self.store)
        try:
            delete_run(run)
        except (OSError, ConfigError) as e:
            QMessageBox.warning(self, self.tr("Delete run"),
                                self.tr("Could not delete {name}: {error}").format(name=run.name, error=e))
            return False
        if was_active is not None and was_active.resolve() == run.resolve():
            set_active_run(self.store, None)
            self.activeChanged.emit(None)
        self.refresh()
        return True

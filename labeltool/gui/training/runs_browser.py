"""The runs of this project: model, date, best metric, status and size on
disk; show a run's curves again, resume it, make it the model review uses,
or delete runs no longer wanted."""
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

from ..jobs.runs import ActiveRun, ConfigError, RunInfo, delete_run, list_runs


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


def size_text(n: int) -> str:
    """Bytes as a person reads them: "812 KB", "152 MB", "1.4 GB"."""
    if n < 1000 * 1000:
        return f"{max(1, round(n / 1000)) if n else 0} KB"
    if n < 1000 ** 3:
        return f"{n / 1000 ** 2:.0f} MB"
    return f"{n / 1000 ** 3:.1f} GB"


class RunsBrowser(QWidget):
    showCurves = Signal(object)  # Path of the run
    resumeRequested = Signal(object)  # Path
    runsDeleted = Signal(list)  # Paths of the runs just deleted

    COLUMNS = ("", "date", "model", "task", "best", "status", "size")
    SIZE_COLUMN = 6

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.store: ProjectStore | None = None
        self.active: ActiveRun | None = None  # the run review uses (★); given by the controller
        self.running_dir: Path | None = None
        self.runs: list[RunInfo] = []
        self.sizes: list[int] = []  # bytes on disk, per row
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(
            ["", self.tr("Date"), self.tr("Model"), self.tr("Task"), self.tr("Best"), self.tr("Status"),
             self.tr("Size")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several rows: old runs are deleted together.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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
        self.delete_button.setToolTip(self.tr("Delete the selected runs and their checkpoints (select several "
                                              "with Ctrl or Shift)"))
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
        self.sizes = []
        self.table.setRowCount(0)
        if refresh:
            self.refresh()

    def set_active_holder(self, active: ActiveRun) -> None:
        """Where the ★ is read and written; the list follows its changes."""
        self.active = active
        active.changed.connect(lambda _run: self.refresh() if self.runs else None)

    def set_running(self, run_dir: Path | None) -> None:
        """The run in progress (it cannot be deleted or resumed meanwhile)."""
        self.running_dir = Path(run_dir).resolve() if run_dir else None
        self._update_buttons()

    def refresh(self) -> None:
        selected = {p.resolve() for p in self.selected_runs()}
        self.runs = list_runs(self.store.root) if self.store is not None else []
        self.sizes = [run.folder.size_bytes() for run in self.runs]
        active = self.active.path() if self.active is not None else None
        active = active.resolve() if active else None
        self.table.blockSignals(True)
        self.table.clearSelection()
        self.table.setRowCount(len(self.runs))
        bold = QFont()
        bold.setBold(True)
        for row, run in enumerate(self.runs):
            is_active = active is not None and Path(run.run_dir).resolve() == active
            best = "" if run.best_metric is None else f"{run.best_metric:.3f}"
            cells = ["★" if is_active else "", _date_text(run.created), run.model, run.task, best,
                     str(run.status), size_text(self.sizes[row])]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(str(run.run_dir))
                if is_active:
                    item.setFont(bold)
                if col in (4, self.SIZE_COLUMN):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
            if Path(run.run_dir).resolve() in selected:
                self._select_row(row)
        self.table.blockSignals(False)
        self._update_buttons()

    def run_dirs(self) -> list[Path]:
        return [Path(r.run_dir) for r in self.runs]

    def selected_runs(self) -> list[Path]:
        model = self.table.selectionModel()
        rows = sorted(i.row() for i in model.selectedRows()) if model is not None else []
        return [Path(self.runs[r].run_dir) for r in rows if r < len(self.runs)]

    def selected_run(self) -> Path | None:
        """The run selected, when exactly one is."""
        runs = self.selected_runs()
        return runs[0] if len(runs) == 1 else None

    def select_run(self, run_dir: Path) -> bool:
        for row, run in enumerate(self.runs):
            if Path(run.run_dir).resolve() == Path(run_dir).resolve():
                self.table.clearSelection()
                self._select_row(row)
                return True
        return False

    def _select_row(self, row: int) -> None:
        # selectRow() with ExtendedSelection would add to a Ctrl-selection only under a held key.
        index = self.table.model().index(row, 0)
        self.table.selectionModel().select(
            index, self.table.selectionModel().SelectionFlag.Select | self.table.selectionModel().SelectionFlag.Rows)
        self._update_buttons()

    # ----------------------------------------------------------- actions
    def _is_running(self, run_dir: Path | None) -> bool:
        return run_dir is not None and self.running_dir is not None and run_dir.resolve() == self.running_dir

    def _update_buttons(self) -> None:
        run = self.selected_run()
        many = self.selected_runs()
        busy = self._is_running(run) or self.running_dir is not None
        self.curves_button.setEnabled(run is not None)
        self.active_button.setEnabled(run is not None and self.store is not None and self.active is not None)
        self.resume_button.setEnabled(run is not None and not busy)
        self.delete_button.setEnabled(bool(many) and not any(self._is_running(r) for r in many))

    def _emit_selected(self, signal: Signal) -> None:
        run = self.selected_run()
        if run is not None:
            signal.emit(run)

    def show_selected(self) -> None:
        self._emit_selected(self.showCurves)

    def make_selected_active(self) -> None:
        run = self.selected_run()
        if run is None or self.store is None or self.active is None:
            return
        self.active.set(run)  # the list refreshes on the holder's change
        self.refresh()

    def delete_selected(self) -> bool:
        """Delete the selected runs, after asking once; True when any went."""
        runs = [r for r in self.selected_runs() if not self._is_running(r)]
        if not runs or self.store is None:
            return False
        size = sum(self.sizes[self.run_dirs().index(r)] for r in runs if r in self.run_dirs())
        if len(runs) == 1:
            question = self.tr("Delete the run {name} with its checkpoints ({size})? This cannot be undone; your "
                               "labels are not touched.").format(name=runs[0].name, size=size_text(size))
        else:
            question = self.tr("Delete {n} runs with their checkpoints ({size})? This cannot be undone; your "
                               "labels are not touched.").format(n=len(runs), size=size_text(size))
        answer = QMessageBox.question(self, self.tr("Delete runs"), question,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        was_active = self.active.path() if self.active is not None else None
        deleted: list[Path] = []
        for run in runs:
            try:
                delete_run(run)
            except (OSError, ConfigError) as e:
                QMessageBox.warning(self, self.tr("Delete runs"),
                                    self.tr("Could not delete {name}: {error}").format(name=run.name, error=e))
                continue
            deleted.append(run)
        if was_active is not None and any(was_active.resolve() == Path(r).resolve() for r in deleted) \
                and self.active is not None:
            self.active.set(None)
        self.refresh()
        if deleted:
            self.runsDeleted.emit(deleted)
        return bool(deleted)

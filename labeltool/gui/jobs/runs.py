"""The project's training runs, as the Training and Review panels read them.

:mod:`engine.runs` is the one home of run facts and imports no torch, so
its plain dataclasses (:class:`RunFolder`, :class:`RunInfo`), finders and
:func:`delete_run` come through here as they are; what the panels read on
top of them (runs to predict with, the saved curves as events) is here too,
with :class:`ActiveRun`: the window's one holder of the run that review uses.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from engine.errors import ConfigError
from engine.events import Event, event_from_json
from engine.runs import (
    RunFolder, RunInfo, active_run, delete_run, list_runs, read_metrics, runs_root, set_active_run,
)
from labeltool.core.errors import StoreError

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.core.store import ProjectStore

    from ..workspace import Workspace

__all__ = ["ActiveRun", "ConfigError", "RunFolder", "RunInfo", "delete_run", "latest_run", "list_runs",
           "predictable_runs", "runs_root", "saved_events"]


def predictable_runs(project_root: Path) -> list[RunInfo]:
    """The runs with a checkpoint to predict with, newest first."""
    return [info for info in list_runs(project_root) if info.folder.has_checkpoint()]


def latest_run(project_root: Path) -> Path | None:
    """The newest run of the project (what the Training dock shows after a restart), or None."""
    runs = list_runs(project_root)
    return Path(runs[0].run_dir) if runs else None


def saved_events(run_dir: Path) -> Iterator[Event]:
    """The events a run wrote to its ``metrics.jsonl``, in order, to draw
    its curves again. A line from another engine version is skipped."""
    for record in read_metrics(run_dir):
        name = record.pop("event")
        try:
            yield event_from_json(json.dumps({"event": name, "data": record}))
        except (KeyError, TypeError, ValueError):
            continue


class ActiveRun(QObject):
    """The run that review and pre-labelling use, for the open project.

    One per workspace (:meth:`of`), so that the Runs tab's "Use for review",
    a run that finishes, "Review with this model" and the Review panel's own
    model list all change one fact, kept in the store
    (:func:`engine.runs.set_active_run`), and every view follows
    :attr:`changed`. A read-only project cannot record it: the choice then
    lasts as long as the window.
    """

    changed = Signal(object)  # Path of the active run, or None
    reviewRequested = Signal(object)  # Path: "Review with this model" was pressed for this run

    OBJECT_NAME = "labeltool_active_run"

    @classmethod
    def of(cls, workspace: "Workspace") -> "ActiveRun":
        """The workspace's holder, made on first use (a child of the workspace)."""
        for child in workspace.findChildren(QObject, cls.OBJECT_NAME):
            if isinstance(child, cls):
                return child
        return cls(workspace)

    def __init__(self, workspace: "Workspace"):
        super().__init__(workspace)
        self.setObjectName(self.OBJECT_NAME)
        self._workspace = workspace
        self._unrecorded: Path | None = None  # chosen in a project that cannot record it
        workspace.projectOpened.connect(self._project_opened)

    @property
    def store(self) -> "ProjectStore | None":
        return self._workspace.store

    def path(self) -> Path | None:
        """The active run's folder, or None (none chosen, or its folder is gone)."""
        if self._unrecorded is not None and self._unrecorded.is_dir():
            return self._unrecorded
        return active_run(self.store) if self.store is not None else None

    def set(self, run_dir: Path | None) -> None:
        """Make ``run_dir`` the active run (None: none) and tell the views."""
        store = self.store
        if store is None:
            return
        run = Path(run_dir) if run_dir is not None else None
        self._unrecorded = None
        try:
            set_active_run(store, run)
        except StoreError:  # read-only or busy: this window still follows the choice
            self._unrecorded = run
        self.changed.emit(self.path() if run is not None else None)

    def review_with(self, run_dir: Path) -> None:
        """Make ``run_dir`` active and ask review to start with it."""
        self.set(run_dir)
        self.reviewRequested.emit(Path(run_dir))

    def _project_opened(self, _store: object) -> None:
        self._unrecorded = None
        self.changed.emit(self.path())

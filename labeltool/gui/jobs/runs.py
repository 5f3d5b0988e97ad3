"""The project's training runs, as the Training and Review panels read them.

:mod:`engine.runs` is the one home of run facts and imports no torch, so
its plain dataclasses (:class:`RunFolder`, :class:`RunInfo`), finders and
:func:`delete_run` come through here as they are; what the panels read on
top of them (runs to predict with, the saved curves as events) is here too.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from engine.errors import ConfigError
from engine.events import Event, event_from_json
from engine.runs import RunFolder, RunInfo, active_run, delete_run, list_runs, read_metrics, set_active_run

__all__ = ["ConfigError", "RunFolder", "RunInfo", "active_run", "delete_run", "list_runs", "predictable_runs",
           "saved_events", "set_active_run"]


def predictable_runs(project_root: Path) -> list[RunInfo]:
    """The runs with a checkpoint to predict with, newest first."""
    return [info for info in list_runs(project_root) if info.folder.has_checkpoint()]


def saved_events(run_dir: Path) -> Iterator[Event]:
    """The events a run wrote to its ``metrics.jsonl``, in order, to draw
    its curves again. A line from another engine version is skipped."""
    for record in read_metrics(run_dir):
        name = record.pop("event")
        try:
            yield event_from_json(json.dumps({"event": name, "data": record}))
        except (KeyError, TypeError, ValueError):
            continue

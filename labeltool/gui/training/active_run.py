"""The project's active model: the run that review and pre-labelling use.

Kept in the store's ``meta`` table under :data:`ACTIVE_RUN_KEY`, as the run
folder relative to the project (so the project folder can move). No Qt
here: the review panel and the CLI read it the same way.
"""
from __future__ import annotations

from pathlib import Path

from labeltool.core.store import ProjectStore

ACTIVE_RUN_KEY = "active_run"


def active_run(store: ProjectStore) -> Path | None:
    """The active run's folder, or None (none chosen, or its folder is gone)."""
    value = store.get_meta(ACTIVE_RUN_KEY)
    if not value:
        return None
    path = store.root / value
    return path if path.is_dir() else None


def set_active_run(store: ProjectStore, run_dir: Path | str | None) -> None:
    if run_dir is None:
        store.set_meta(ACTIVE_RUN_KEY, None)
        return
    path = Path(run_dir).resolve()
    try:
        value = path.relative_to(store.root).as_posix()
    except ValueError:
        value = str(path)  # a run kept outside the project: remember it as it is
    store.set_meta(ACTIVE_RUN_KEY, value)

"""The runs of a project, as the GUI's run list and ``labeltool predict`` see them."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeltool.core.store import STORE_DIR

# This module is read by the GUI when a project opens: it must not import
# torch (engine.run, engine.tasks), which costs seconds of start-up.
RUNS_DIR = "runs"
# The metric that picks best.pt per task: ``TaskAdapter.primary`` of
# engine.tasks, repeated here without its torch import (a test checks they agree).
PRIMARY_METRIC = {"detect": "map50", "segment": "miou", "classify": "accuracy"}


def runs_root(project_root: Path | str) -> Path:
    return Path(project_root) / STORE_DIR / RUNS_DIR


@dataclass
class RunInfo:
    run_dir: Path
    model: str
    task: str
    created: str  # ISO time the run began
    best_metric: float | None
    status: str  # running | interrupted | finished | cancelled | early_stop | nan | oom | error
    classes: list[str]
    last_step: int = 0

    @property
    def name(self) -> str:
        return self.run_dir.name


def read_metrics(run_dir: Path | str) -> list[dict[str, Any]]:
    """The events of ``metrics.jsonl`` as flat dicts: ``{"event": "Step",
    "step": 12, "loss": 0.4, ...}``. A line cut short by a killed process is skipped."""
    path = Path(run_dir) / "metrics.jsonl"
    out: list[dict[str, Any]] = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                try:
                    obj = json.loads(line)
                except ValueError:
                    continue
                if isinstance(obj, dict) and "event" in obj:
                    out.append({"event": obj["event"], **(obj.get("data") or {})})
    except FileNotFoundError:
        pass
    return out


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_info(run_dir: Path) -> RunInfo | None:
    try:
        config = json.loads((run_dir / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    events = read_metrics(run_dir)
    primary = PRIMARY_METRIC.get(config.get("task"), "")
    best = None
    last_step = 0
    status = None
    for e in events:
        if e["event"] == "EpochEnd" and e.get("is_best"):
            value = (e.get("metrics") or {}).get(primary)
            best = value if value is not None else best
        if e["event"] in ("Step", "EpochEnd"):
            last_step = max(last_step, int(e.get("step", 0)))
        if e["event"] == "TrainStart":
            status = None  # a resumed run starts again
        if e["event"] == "TrainEnd":
            status = e["reason"]
            best = e.get("best_metric", best)
    if status is None:
        pid = config.get("pid")
        status = "running" if isinstance(pid, int) and _alive(pid) else "interrupted"
    return RunInfo(run_dir=run_dir, model=str(config.get("model", "?")), task=str(config.get("task", "?")),
                   created=str(config.get("created", "")), best_metric=best, status=status,
                   classes=list(config.get("classes", [])), last_step=last_step)


def list_runs(project_root: Path | str) -> list[RunInfo]:
    """Runs of the project, newest first."""
    root = runs_root(project_root)
    if not root.is_dir():
        return []
    infos = [info for d in root.iterdir() if d.is_dir() and (info := run_info(d)) is not None]
    infos.sort(key=lambda r: (r.created, r.run_dir.name), reverse=True)
    return infos

"""The run folder: the one home of run facts.

A run lives in ``<project>/.labeltool/runs/<timestamp>-<model>/`` (written
by :mod:`engine.run`): ``config.json`` (the resolved config, the classes and
bookkeeping), ``metrics.jsonl`` (one event per line), ``split.json`` (the images it
trained and validated on), ``best.pt`` and ``last.pt``. :class:`RunFolder`
reads them; :func:`list_runs`, :func:`resolve_run`, :func:`default_run`
find runs of a project, :func:`delete_run` removes one, and
:func:`active_run` / :func:`set_active_run` keep the project's active run
(the model review and pre-labelling use) in its store.

This module is read by the GUI when a project opens and by ``labeltool
export-model``: it must not import torch (engine.run, engine.tasks), which
costs seconds of start-up.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltool.core.store import STORE_DIR, ProjectStore, find_store

from .config import TrainConfig
from .errors import CheckpointError, ConfigError

RUNS_DIR = "runs"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.jsonl"
SPLIT_FILE = "split.json"
BEST_CHECKPOINT = "best.pt"
LAST_CHECKPOINT = "last.pt"
# The store's meta key of the active run: the run folder relative to the
# project (so the project folder can move), or absolute for a run kept elsewhere.
ACTIVE_RUN_KEY = "active_run"
# The metric that picks best.pt per task: ``TaskAdapter.primary`` of
# engine.tasks, repeated here without its torch import (a test checks they agree).
PRIMARY_METRIC = {"detect": "map50", "instance": "segm_map50", "segment": "miou", "classify": "accuracy",
                  "textdet": "hmean", "recognize": "cer"}


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

    @property
    def folder(self) -> "RunFolder":
        return RunFolder(self.run_dir)


@dataclass
class RecordedSplit:
    """``split.json``: the images (paths relative to the project) a run
    trained, validated and tested on, and what chose them: the project's
    own split (``source`` "stored") or the share and seed ("seeded")."""

    train: list[str] = field(default_factory=list)
    val: list[str] = field(default_factory=list)
    val_fraction: float = 0.0
    seed: int = 0
    test: list[str] = field(default_factory=list)  # evaluated once, at the end
    source: str = "seeded"


@dataclass(frozen=True)
class RunFolder:
    """One run folder. Reads its files each time it is asked: a run in
    progress keeps writing them."""

    path: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))  # a str is welcome too

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_FILE

    @property
    def best_checkpoint(self) -> Path:
        return self.path / BEST_CHECKPOINT

    @property
    def last_checkpoint(self) -> Path:
        return self.path / LAST_CHECKPOINT

    def is_run(self) -> bool:
        """Whether this folder holds a run (its ``config.json``)."""
        return self.config_path.is_file()

    def has_checkpoint(self) -> bool:
        """Whether there is a model to predict with yet."""
        return self.best_checkpoint.is_file() or self.last_checkpoint.is_file()

    def config(self) -> dict[str, Any]:
        """``config.json`` as a dict; :class:`ConfigError` when it cannot be read."""
        try:
            data = json.loads(self.config_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{self.path} is not a run folder (no {CONFIG_FILE})") from None
        except (OSError, ValueError) as e:
            raise ConfigError(f"cannot read {self.config_path}: {e}") from None
        if not isinstance(data, dict):
            raise ConfigError(f"{self.config_path} is not a run's config (not a JSON object)")
        return data

    def train_config(self) -> TrainConfig:
        """The run's :class:`TrainConfig` (to resume it, or train again alike)."""
        try:
            return TrainConfig.from_dict(self.config())
        except TypeError as e:  # a required field missing
            raise ConfigError(f"{self.config_path} is incomplete: {e}") from None

    def checkpoint(self, name: str | os.PathLike | None = None) -> Path:
        """The checkpoint to predict with: ``name`` (a file, or a file of this
        run) when given, else ``best.pt``, else ``last.pt`` (no epoch was
        validated yet). :class:`CheckpointError` when there is none."""
        if name:
            given = Path(name)
            for candidate in (given, self.path / given):
                if candidate.is_file():
                    return candidate
            raise CheckpointError(f"no checkpoint {name} (looked in {Path.cwd()} and {self.path})")
        for candidate in (self.best_checkpoint, self.last_checkpoint):
            if candidate.is_file():
                return candidate
        raise CheckpointError(f"{self.path} has no {BEST_CHECKPOINT} or {LAST_CHECKPOINT}: did the run save "
                              "any epoch?")

    def read_metrics(self) -> list[dict[str, Any]]:
        return read_metrics(self.path)

    @property
    def split_path(self) -> Path:
        return self.path / SPLIT_FILE

    def recorded_split(self) -> RecordedSplit | None:
        """The images the run trained and validated on; None for a run from
        before ``split.json`` was written, or when the file is unreadable."""
        try:
            data = json.loads(self.split_path.read_text(encoding="utf-8"))
            return RecordedSplit(train=[str(r) for r in data["train"]], val=[str(r) for r in data["val"]],
                                 val_fraction=float(data.get("val_fraction", 0.0)), seed=int(data.get("seed", 0)),
                                 test=[str(r) for r in data.get("test", [])],
                                 source=str(data.get("source", "seeded")))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def validation_images(self) -> list[str] | None:
        """The run's validation images (paths relative to the project), as
        it recorded them; None when it recorded none (an older run)."""
        recorded = self.recorded_split()
        return None if recorded is None else list(recorded.val)

    def write_split(self, split: RecordedSplit) -> None:
        """Record the images of the run (atomically: a reader never sees half a list)."""
        tmp = self.split_path.with_name(SPLIT_FILE + ".tmp")
        tmp.write_text(json.dumps({"source": split.source, "val_fraction": split.val_fraction, "seed": split.seed,
                                   "val": split.val, "test": split.test, "train": split.train},
                                  ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.split_path)

    def size_bytes(self) -> int:
        """What the run takes on disk: every file in its folder, a file
        linked twice (``last.pt`` and ``best.pt`` of the same epoch) once."""
        seen: set[tuple[int, int]] = set()
        total = 0
        for dirpath, _, files in os.walk(self.path):
            for name in files:
                try:
                    st = os.lstat(os.path.join(dirpath, name))
                except OSError:  # removed meanwhile (a checkpoint being replaced)
                    continue
                if (st.st_dev, st.st_ino) not in seen:
                    seen.add((st.st_dev, st.st_ino))
                    total += st.st_size
        return total

    @property
    def project_root(self) -> Path | None:
        """The project the run belongs to, or None for a run kept outside
        ``<project>/.labeltool/runs/``."""
        path = self.path.resolve()
        if path.parent.name == RUNS_DIR and path.parent.parent.name == STORE_DIR:
            return path.parent.parent.parent
        return None

    def info(self) -> RunInfo | None:
        """Model, task, best metric and status, from ``config.json`` and the
        metrics events; None when the folder holds no readable run."""
        try:
            config = self.config()
        except ConfigError:
            return None
        primary = PRIMARY_METRIC.get(config.get("task"), "")
        best = None
        last_step = 0
        status = None
        for e in self.read_metrics():
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
        return RunInfo(run_dir=self.path, model=str(config.get("model", "?")), task=str(config.get("task", "?")),
                       created=str(config.get("created", "")), best_metric=best, status=status,
                       classes=list(config.get("classes", [])), last_step=last_step)


def read_metrics(run_dir: Path | str) -> list[dict[str, Any]]:
    """The events of ``metrics.jsonl`` as flat dicts: ``{"event": "Step",
    "step": 12, "loss": 0.4, ...}``. A line cut short by a killed process is skipped."""
    path = Path(run_dir) / METRICS_FILE
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
    if pid <= 0:  # os.kill would signal a process group, or every process
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def list_runs(project_root: Path | str) -> list[RunInfo]:
    """Runs of the project, newest first."""
    root = runs_root(project_root)
    if not root.is_dir():
        return []
    infos = [info for d in root.iterdir() if d.is_dir() and (info := RunFolder(d).info()) is not None]
    infos.sort(key=lambda r: (r.created, r.run_dir.name), reverse=True)
    return infos


def resolve_run(project_root: Path | str, run: str | os.PathLike) -> Path:
    """A run folder from a path or a run name of the project."""
    p = Path(run)
    if p.is_dir():
        return p.resolve()
    candidate = runs_root(project_root) / str(run)
    if candidate.is_dir():
        return candidate.resolve()
    raise ConfigError(f"no run {run!r}: give a run folder or a name under {runs_root(project_root)}")


def delete_run(run_dir: Path | str) -> None:
    """Delete a run folder of a project, with everything in it.

    Only ever a folder directly under a project's ``.labeltool/runs/`` (and
    not a link to one elsewhere); never a run still training.
    :class:`ConfigError` says why otherwise. The project's active run, if
    it was this one, is forgotten by :func:`active_run` once the folder is gone.
    """
    path = Path(run_dir)
    if path.is_symlink() or not path.is_dir():
        raise ConfigError(f"{path} is not a run folder")
    folder = RunFolder(path)
    project = folder.project_root
    if project is None or path.resolve().parent != runs_root(project).resolve():
        raise ConfigError(f"{path} is not inside a project's runs folder ({STORE_DIR}/{RUNS_DIR}); "
                          "labeltool deletes only its own runs")
    info = folder.info()
    if info is not None and info.status == "running":
        raise ConfigError(f"{path.name} is still training; stop it before deleting it")
    shutil.rmtree(path.resolve())


# ------------------------------------------------------------ the active run
def active_run(store: ProjectStore) -> Path | None:
    """The active run's folder, or None (none chosen, or its folder is gone)."""
    value = store.get_meta(ACTIVE_RUN_KEY)
    if not value:
        return None
    path = store.root / value
    return path if path.is_dir() else None


def set_active_run(store: ProjectStore, run_dir: Path | str | None) -> None:
    """Make ``run_dir`` the project's active run (None: no active run)."""
    if run_dir is None:
        store.set_meta(ACTIVE_RUN_KEY, None)
        return
    path = Path(run_dir).resolve()
    try:
        value = path.relative_to(store.root).as_posix()
    except ValueError:
        value = str(path)  # a run kept outside the project: remember it as it is
    store.set_meta(ACTIVE_RUN_KEY, value)


def default_run(project_root: Path | str) -> Path | None:
    """The run a project's model is taken from when none is named: the
    active run (chosen in the window's Train and Review panels), else the
    newest; None when the project has no run."""
    with ProjectStore.open(project_root, readonly=True) as store:
        active = active_run(store)
    if active is not None:
        return active
    runs = list_runs(project_root)
    return runs[0].run_dir if runs else None


def find_run(path: Path | str) -> Path:
    """A run folder from a run folder or a project folder (its
    :func:`default_run`); :class:`ConfigError` saying what is wrong otherwise."""
    path = Path(path)
    if RunFolder(path).is_run():
        return path
    if not find_store(path).is_file():
        raise ConfigError(f"{path} is neither a run folder (with {CONFIG_FILE}) nor a labeltool project")
    run = default_run(path)
    if run is None:
        raise ConfigError(f"{path} has no training runs yet; train one with `labeltool train {path}`")
    return run

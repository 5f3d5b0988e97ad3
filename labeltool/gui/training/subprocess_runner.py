"""Runs training as a child process (``python -m engine train ... --events
jsonl``, or the same under ``torchrun`` for several GPUs) and turns its JSON
lines into the very signals the in-thread runner emits.

The GUI cannot itself be a torchrun worker; this is how a run that
outgrows one GPU is still watched in the window. Cancel sends SIGINT, which
the engine's CLI turns into its cancel token (stop after the step, keep
last.pt). A line that is not an event (a library printing to stdout) goes
to the log; a child that dies without its TrainEnd still ends the run.
"""
from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

from engine.config import TrainConfig
from engine.events import Log, TrainEnd, dispatch, event_from_json

from .runner import SignalCallback, TrainingSignals


def cli_arguments(project_root: Path, config: TrainConfig) -> list[str]:
    """``engine train`` options that ask for ``config``."""
    args = ["train", str(project_root), "--events", "jsonl", "--device", config.device,
            "--epochs", str(config.epochs), "--batch", str(config.batch_size),
            "--val", str(config.val_fraction), "--seed", str(config.seed)]
    if config.resume:
        args += ["--resume", str(config.resume)]
    else:
        args += ["--task", config.task, "--model", config.model]
    for flag, value in (("--lr", config.lr), ("--img-size", config.img_size), ("--max-steps", config.max_steps),
                        ("--weights", config.weights), ("--workers", config.workers),
                        ("--patience", config.early_stop_patience)):
        if value is not None:
            args += [flag, str(value)]
    if not config.pretrained:
        args.append("--no-pretrained")
    return args


class SubprocessRunner(QObject):
    """Same interface as :class:`~.runner.TrainingRunner`: ``signals``,
    ``finished``, ``start``, ``cancel``, ``running``, ``wait``."""

    finished = Signal()

    def __init__(self, parent: QObject | None = None, program: list[str] | None = None):
        super().__init__(parent)
        self.signals = TrainingSignals(self)
        # Under torchrun: ["torchrun", "--nproc_per_node=2", "-m", "engine"].
        self.program = program or [sys.executable, "-m", "engine"]
        self._process: QProcess | None = None
        self._callback: SignalCallback | None = None
        self._buffer = b""
        self.stderr_tail = ""

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.state() != QProcess.ProcessState.NotRunning

    def start(self, project_root: Path, config: TrainConfig, snapshot: object = None,
              class_colors: dict[str, str] | None = None) -> None:
        if self.running:
            raise RuntimeError("a training run is already going")
        self._callback = SignalCallback(self.signals, class_colors)
        self._buffer = b""
        self.stderr_tail = ""
        p = QProcess(self)
        env = QProcessEnvironment.systemEnvironment()
        env.insert("PYTHONUNBUFFERED", "1")
        env.insert("PYTHONIOENCODING", "utf-8")
        p.setProcessEnvironment(env)
        p.readyReadStandardOutput.connect(self._read_stdout)
        p.readyReadStandardError.connect(self._read_stderr)
        p.finished.connect(self._on_finished)
        p.errorOccurred.connect(self._on_error)
        self._process = p
        p.start(self.program[0], self.program[1:] + cli_arguments(Path(project_root), config))

    def cancel(self) -> None:
        if self.running:
            os.kill(int(self._process.processId()), signal.SIGINT)

    def wait(self, msecs: int = -1) -> bool:
        if self._process is None:
            return True
        return bool(self._process.waitForFinished(msecs))

    # ------------------------------------------------------------ reading
    def _read_stdout(self) -> None:
        self._buffer += bytes(self._process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            self._handle_line(raw.decode("utf-8", "replace").strip())

    def _handle_line(self, line: str) -> None:
        if not line:
            return
        try:
            event = event_from_json(line)
        except (ValueError, KeyError, TypeError):
            event = Log("info", line)  # not an event: keep it readable in the log
        dispatch(self._callback, event)

    def _read_stderr(self) -> None:
        text = bytes(self._process.readAllStandardError()).decode("utf-8", "replace")
        self.stderr_tail = (self.stderr_tail + text)[-4000:]

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:  # no finished() follows this one
            self._end(f"cannot start the training process {self.program[0]}: "
                      f"{self._process.errorString() if self._process else error}")
            self.finished.emit()

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        self._read_stdout()
        self._handle_line(self._buffer.decode("utf-8", "replace").strip())
        self._buffer = b""
        if self._callback is not None and not self._callback.ended:
            last = self.stderr_tail.strip().splitlines()[-3:]
            self._end(f"the training process ended (exit code {code}) without a final report"
                      + (": " + " / ".join(last) if last else ""))
        self.finished.emit()

    def _end(self, message: str) -> None:
        if self._callback is not None and not self._callback.ended:
            self._callback.on_train_end(TrainEnd("error", message, 0, ""))

"""``labeltool export-model RUN [--out DIR]``: write a run's model as
TorchScript (and ONNX where it exports cleanly and ``onnx`` is installed)
with a model.json of classes, task and input size, for use outside
labeltool; ``labeltool predict DIR IMAGES`` takes the folder too."""
from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("export-model", help="export a trained run as TorchScript/ONNX with a model.json",
                       description="Export the model of RUN: a run folder (FOLDER/.labeltool/runs/NAME) or a "
                                   "project folder (its active run, else its newest).")
    p.add_argument("run", type=Path, help="run folder or project folder")
    p.add_argument("--out", type=Path, help="output folder (default: RUN/export)")
    p.add_argument("--format", choices=["all", "torchscript", "onnx"], default="all",
                   help="what to write (default: all that the model supports)")
    p.add_argument("--checkpoint", default="best.pt", help="checkpoint of the run (default best.pt, else last.pt)")
    p.set_defaults(func=run)


def resolve_run_folder(path: Path) -> Path:
    """A run folder from a run folder or a project folder."""
    from labeltool.app.cli import CLIError
    from labeltool.core.store import ProjectStore, find_store

    if (path / "config.json").is_file():
        return path
    if not find_store(path).is_file():
        raise CLIError(f"{path} is neither a run folder (with config.json) nor a labeltool project")
    with ProjectStore.open(path, readonly=True) as store:
        active = store.get_meta("active_run")  # set by the window's Train and Review panels
    if active and (path / active).is_dir():
        return path / active
    from engine.runs import list_runs

    runs = list_runs(path)
    if not runs:
        raise CLIError(f"{path} has no training runs yet; train one with `labeltool train {path}`")
    return runs[0].run_dir


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError

    from engine.errors import EngineError
    from engine.export import export_run

    formats = ("torchscript", "onnx") if args.format == "all" else (args.format,)
    run_dir = resolve_run_folder(args.run)
    try:
        result = export_run(run_dir, args.out, formats=formats, checkpoint=args.checkpoint)
    except EngineError as e:
        raise CLIError(str(e)) from None
    print(result.message())
    return 0 if result.files else 1

"""``labeltool predict RUN IMAGES... [--out DIR | --into-project]``: run a
trained model on images and write its predictions as labelme JSON, or into
the project as model-made shapes to review."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labeltool.app.progress import ProgressBar
from labeltool.core.images import ImageLoadError, is_image_file
from labeltool.core.shapes import Shape
from labeltool.core.store import STORE_DIR, ProjectStore, iter_image_paths


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("predict", help="predict with a trained run; write labelme JSON or into the project",
                       description="Run the model of RUN (a run folder, FOLDER/.labeltool/runs/NAME) on IMAGES "
                                   "(files or folders). Without --out or --into-project the labelme JSON goes "
                                   "next to each image.")
    p.add_argument("run", type=Path, help="run folder, or a folder written by `labeltool export-model`")
    p.add_argument("images", type=Path, nargs="+", help="image files or folders")
    p.add_argument("--out", type=Path, help="write labelme JSON (and the images) into this folder")
    p.add_argument("--into-project", action="store_true",
                   help="store the predictions in the run's project as model shapes to review")
    p.add_argument("--score", type=float, default=0.5, help="keep predictions scoring at least this (0.5)")
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:N or mps")
    p.add_argument("--checkpoint", help="a checkpoint file of the run other than best.pt")
    p.set_defaults(func=run)


def expand_images(paths: list[Path]) -> list[Path]:
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += [p / rel for rel in sorted(iter_image_paths(p))]
        elif p.exists() and is_image_file(p):
            out.append(p)
        elif p.exists():
            print(f"warning: {p} is not an image; skipped", file=sys.stderr)
        else:
            from labeltool.app.cli import CLIError

            raise CLIError(f"{p} does not exist")
    return out


def run(args: argparse.Namespace) -> int:
    from labeltool.app.cli import CLIError

    from engine.errors import EngineError
    from engine.export import is_export_folder, load_exported
    from engine.predict import Predictor

    if args.out and args.into_project:
        raise CLIError("choose one of --out and --into-project")
    images = expand_images(args.images)
    if not images:
        raise CLIError("no images to predict on")
    try:
        if is_export_folder(args.run):  # a model exported with `labeltool export-model`
            predictor = load_exported(args.run, device=args.device)
        else:
            predictor = Predictor.from_run(args.run, device=args.device, checkpoint=args.checkpoint)
    except EngineError as e:
        raise CLIError(str(e)) from None
    results: list[tuple[Path, list[Shape]]] = []
    failed: set[Path] = set()

    def unreadable(path: Path, e: ImageLoadError) -> None:
        failed.add(Path(path))
        print(f"warning: skipped {e}", file=sys.stderr)

    with ProgressBar("predicting", len(images)) as bar:
        for n, image in enumerate(images, 1):
            shapes = predictor.predict([image], args.score, on_unreadable=unreadable)[0]
            results.append((image, shapes))
            bar.update(n)
    # An unreadable image has no predictions, not "no objects": writing its
    # empty list would erase what the project held for it.
    good = [(p, s) for p, s in results if p.exists() and p not in failed]
    if args.into_project:
        written = _into_project(Path(args.run), good)
        where = "the project"
    else:
        written = _write_labelme(good, args.out, predictor.classes)
        where = str(args.out) if args.out else "next to the images"
    total = sum(len(s) for _, s in results)
    print(f"{total} predictions on {len(results) - len(failed)} images ({predictor.task}, run {predictor.run_name}) "
          f"written to {where}: {written} files/images" + (f"; {len(failed)} unreadable" if failed else ""))
    return 0 if not failed else 1


def _write_labelme(results: list[tuple[Path, list[Shape]]], out: Path | None, classes: list[str]) -> int:
    from labeltool.core.images import read_size
    from labeltool.formats import labelme
    from labeltool.formats.records import ImageRecord

    count = 0
    for image, shapes in results:
        w, h = read_size(image)
        # labelme has no score field; it keeps unknown keys, so the score rides along.
        scored = [s.copy(id=s.id, attributes={**s.attributes, "score": round(s.source.score or 0.0, 4)})
                  for s in shapes]
        if out is None:  # next to the image, as labelme saves
            record = ImageRecord(path=image.name, width=w, height=h, shapes=scored, source=image)
            labelme.write([record], image.parent, classes, copy_mode="copy")
        else:
            record = ImageRecord(path=image.name, width=w, height=h, shapes=scored, source=image.resolve())
            labelme.write([record], out, classes, copy_mode="hardlink")
        count += 1
    return count


def _into_project(run_dir: Path, results: list[tuple[Path, list[Shape]]]) -> int:
    from labeltool.app.cli import CLIError

    run_dir = run_dir.resolve()
    if run_dir.parent.parent.name != STORE_DIR:
        raise CLIError(f"{run_dir} is not inside a project (.labeltool/runs/): use --out instead")
    root = run_dir.parent.parent.parent
    count = 0
    with ProjectStore.open(root, create=False, scan=False) as store, store.transaction():
        for image, shapes in results:
            try:
                item = store.add_image(image.resolve())
            except Exception as e:  # outside the project folder
                print(f"warning: {image}: {e}", file=sys.stderr)
                continue
            # The new predictions replace every model prediction of the image,
            # as the window's re-predict does: review shows one model's
            # proposals at a time, and an older run's would mix in unnoticed.
            # A person's labels stay.
            store.delete_shapes(item.id, source="model")
            store.add_shapes(item.id, shapes)
            count += 1
    return count

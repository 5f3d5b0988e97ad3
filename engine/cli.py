"""Command-line front of the engine: ``train``, ``predict`` and
``export-model``, registered by ``labeltool`` (labeltool.app) and by
``python -m engine`` (the entry torchrun starts, and the subprocess a GUI
runs with ``--events jsonl`` to follow a multi-GPU run).

Building the parsers imports no torch (model names come from the torch-free
catalogue), so ``--help`` answers at once; each ``run_*`` imports what it
needs. Errors are :class:`~engine.errors.EngineError`; the caller turns them
into its one-line message.
"""
from __future__ import annotations

import argparse
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TextIO

from labeltool.core.images import ImageLoadError, is_image_file
from labeltool.core.shapes import Shape
from labeltool.core.store import ProjectStore, iter_image_paths

from .callbacks import JsonLines
from .config import TrainConfig
from .errors import ConfigError, EngineError
from .events import Callback, CancelToken, EpochEnd, Log, Step, TrainEnd, TrainStart
from .models.catalog import ALL_TASKS, default_model, get_entry, model_names
from .runs import RunFolder, find_run, resolve_run

EXIT_CODES = {"finished": 0, "early_stop": 0, "cancelled": 130, "nan": 3, "oom": 4, "error": 1}


# ------------------------------------------------------------------ train
def add_train_arguments(p: argparse.ArgumentParser) -> None:
    models = model_names()
    p.add_argument("folder", type=Path, help="the project folder")
    p.add_argument("--task", choices=list(ALL_TASKS), help="what to learn (default: the task of --model); detect "
                   "learns from boxes, polygons, masks (as their boxes) and text regions (as the class 'text'), "
                   "instance (Mask R-CNN) and segment (U-Net) from polygons and masks, textdet (quads at any "
                   "angle) from text regions and recognize (CRNN) from their transcriptions")
    p.add_argument("--model", choices=models, metavar="NAME",
                   help="model to fine-tune: " + ", ".join(models) + " (default: the task's default for the device; "
                        "on a CPU the 320 px detector)")
    p.add_argument("--epochs", type=int, help="epochs to train (default 20)")
    p.add_argument("--batch", type=int, help="images per step and per GPU (default: the model's)")
    p.add_argument("--lr", type=float, help="learning rate (default: the model's)")
    p.add_argument("--img-size", type=int, help="image size in pixels (default: the model's)")
    p.add_argument("--device", help="auto (default), cpu, cuda, cuda:N or mps")
    p.add_argument("--no-pretrained", action="store_true", help="train from scratch (no ImageNet/COCO weights)")
    p.add_argument("--weights", help="start from this local weights file instead of downloading")
    p.add_argument("--resume", metavar="RUN", help="continue a run (folder or name) from its last.pt")
    p.add_argument("--max-steps", type=int, help="stop after this many steps in all")
    p.add_argument("--val", type=float, dest="val_fraction", help="fraction of images kept for validation (0.2)")
    p.add_argument("--split", choices=["stored", "auto"],
                   help="stored: the project's own split (validate on its val images, test its test images once at "
                        "the end); auto: split the labelled images by --val and --seed. Default: stored when the "
                        "project has val or test images, else auto")
    p.add_argument("--seed", type=int, help="seed of the split and the initialisation (0)")
    p.add_argument("--workers", type=int, help="data loader processes (default: from the CPU count)")
    p.add_argument("--optimizer", choices=["sgd", "adamw"], help="default: the model's")
    p.add_argument("--schedule", choices=["cosine", "onecycle", "constant"], help="learning-rate schedule")
    p.add_argument("--patience", type=int, dest="early_stop_patience",
                   help="stop when the validation metric has not improved for this many epochs")
    p.add_argument("--freeze", type=int, dest="freeze_backbone_stages",
                   help="classify: freeze this many early ResNet stages (1-5)")
    p.add_argument("--backbone-lr", type=float, dest="backbone_lr_mult",
                   help="classify: learning-rate multiplier of the pretrained layers (e.g. 0.1)")
    p.add_argument("--no-amp", action="store_true", help="no mixed precision on CUDA")
    p.add_argument("--extra", type=_json_object, help="advanced: a JSON object merged into the config's extra "
                   "options, e.g. '{\"detector\": {\"box_batch_size_per_image\": 128}}'")
    p.add_argument("--quiet", action="store_true", help="print the end only")


def _json_object(text: str) -> dict:
    import json

    try:
        value = json.loads(text)
    except ValueError as e:
        raise argparse.ArgumentTypeError(f"not JSON: {e}") from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object")
    return value


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    """A :class:`TrainConfig` from the parsed options; a resumed run starts
    from its ``config.json`` and takes only the options given again."""
    given = {k: getattr(args, k) for k in (
        "epochs", "lr", "img_size", "device", "weights", "max_steps", "val_fraction", "split", "seed", "workers",
        "optimizer", "schedule", "early_stop_patience", "freeze_backbone_stages", "backbone_lr_mult")
        if getattr(args, k, None) is not None}
    if getattr(args, "batch", None) is not None:
        given["batch_size"] = args.batch
    if args.no_pretrained:
        given["pretrained"] = False
    if args.no_amp:
        given["amp"] = False
    if getattr(args, "extra", None):
        given["extra"] = args.extra
    if args.resume:
        run = resolve_run(args.folder, args.resume)
        base = RunFolder(run).train_config()
        return TrainConfig.from_dict({**base.to_dict(), **given, "resume": str(run)})
    model = args.model
    task = args.task
    if model is None and task is None:
        raise ConfigError(f"say what to train: --task {'|'.join(ALL_TASKS)} and/or --model NAME")
    if model is None:
        from .device import device_kind  # imports torch: only when the model is left to us

        model = default_model(task, device_kind(args.device or "auto"))
    entry = get_entry(model)
    if task is not None and entry.task != task:
        raise ConfigError(f"{model} is a {entry.task} model; pick a {task} model: " + ", ".join(model_names(task)))
    given.setdefault("batch_size", entry.batch_size)
    return TrainConfig(task=entry.task, model=model, **given)


class ConsoleReporter(Callback):
    """One line per epoch on ``out``, a tqdm bar per epoch on stderr (left
    out when stderr is not a terminal)."""

    def __init__(self, out: TextIO | None = None, quiet: bool = False):
        self.out = out or sys.stdout
        self.quiet = quiet
        self.bar = None
        self.start: TrainStart | None = None
        self.losses: list[float] = []

    def _print(self, text: str) -> None:
        if not self.quiet:
            print(text, file=self.out, flush=True)

    def on_train_start(self, e: TrainStart) -> None:
        self.start = e
        resumed = f", resuming at step {e.start_step}" if e.start_step else ""
        self._print(f"training {e.model} ({e.task}, {len(e.classes)} classes: {', '.join(e.classes)}) on {e.device}: "
                    f"{e.train_images} train / {e.val_images} val images, {e.epochs} epochs x {e.steps_per_epoch} "
                    f"steps{resumed}")
        self._print(f"run folder: {e.run_dir}")

    def on_step(self, e: Step) -> None:
        self.losses.append(e.loss)
        if self.quiet or self.start is None:
            return
        if self.bar is None:
            from tqdm import tqdm

            # leave=False: the epoch's line printed at its end takes the bar's place.
            self.bar = tqdm(total=self.start.steps_per_epoch, file=sys.stderr, disable=None, leave=False,
                            unit="step", dynamic_ncols=True)
        self.bar.set_description(f"epoch {e.epoch + 1}/{self.start.epochs} loss {e.loss:.3f}", refresh=False)
        self.bar.update(1)

    def _close_bar(self) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None

    def on_epoch_end(self, e: EpochEnd) -> None:
        self._close_bar()
        loss = sum(self.losses) / len(self.losses) if self.losses else float("nan")
        self.losses = []
        metrics = "  ".join(f"{k} {v:.4f}" for k, v in e.metrics.items())
        total = self.start.epochs if self.start else "?"
        self._print(f"epoch {e.epoch + 1}/{total}  step {e.step}  loss {loss:.4f}  {metrics}"
                    + ("  (best)" if e.is_best else ""))

    def on_log(self, e: Log) -> None:
        if e.level != "info" or not self.quiet:
            print(f"{e.level}: {e.message}", file=sys.stderr, flush=True)

    def on_train_end(self, e: TrainEnd) -> None:
        self._close_bar()
        best = f"; best {e.best_metric:.4f}" if e.best_metric is not None else ""
        print(f"{e.reason}: {e.message}{best}", file=self.out if e.reason in ("finished", "early_stop")
              else sys.stderr, flush=True)


@contextmanager
def cancel_on_sigint(token: CancelToken) -> Iterator[None]:
    """First Ctrl-C: stop after the current step and save last.pt; a second
    one interrupts at once."""
    def handler(signum: int, frame: object) -> None:
        if token.cancelled:
            raise KeyboardInterrupt
        token.cancel()
        print("stopping after this step (Ctrl-C again to interrupt at once)", file=sys.stderr, flush=True)
    try:
        previous = signal.signal(signal.SIGINT, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_train(args: argparse.Namespace, events: str = "text") -> int:
    """Train from parsed options; the exit code says how the run ended."""
    from .run import train

    config = config_from_args(args)
    callbacks: list[Callback] = []
    if events == "jsonl":
        callbacks.append(JsonLines(sys.stdout))
        callbacks.append(ConsoleReporter(sys.stderr, quiet=True))
    else:
        callbacks.append(ConsoleReporter(quiet=getattr(args, "quiet", False)))
    token = CancelToken()
    with cancel_on_sigint(token):
        result = train(args.folder, config, callbacks, token)
    return EXIT_CODES.get(result.reason, 1)


# ---------------------------------------------------------------- predict
def add_predict_arguments(p: argparse.ArgumentParser) -> None:
    from .ocr.cli import add_ocr_arguments
    from .sam.cli import add_sam_arguments

    # One positional list: RUN then IMAGES, or with --ocr IMAGES alone (an
    # optional first positional would swallow the first image).
    p.usage = ("%(prog)s RUN IMAGES... [options]\n       %(prog)s --ocr IMAGES... (--out DIR | --into-project)\n"
               "       %(prog)s --boxes-to-masks IMAGES_OR_PROJECT... (--into-project | --out DIR)")
    p.add_argument("paths", type=Path, nargs="*", metavar="RUN IMAGES",
                   help="run folder (or a folder written by `labeltool export-model`), then image files or "
                        "folders; with --ocr image files or folders only")
    p.add_argument("--out", type=Path, help="write labelme JSON (and the images) into this folder; with --ocr "
                   "PPOCRLabel's Label.txt, rec_gt.txt and crop_img/")
    p.add_argument("--into-project", action="store_true",
                   help="store the predictions as model shapes to review in the run's project (with --ocr: the "
                        "project holding each image; a trained run's predictions stay)")
    p.add_argument("--score", type=float, default=0.5, help="keep predictions scoring at least this (0.5)")
    p.add_argument("--device", default="auto", help="auto (default), cpu, cuda, cuda:N or mps")
    p.add_argument("--checkpoint", help="a checkpoint file of the run other than best.pt")
    p.add_argument("--instances-as", choices=["polygon", "mask"], default="polygon", dest="instance_output",
                   help="instance models: write each object as its outline (default) or as a mask")
    p.add_argument("--tolerance", type=float, default=1.0,
                   help="instance models: how far (pixels) an outline may cut corners of the mask (1.0; 0 keeps "
                        "every pixel step)")
    p.add_argument("--coco-results", type=Path, metavar="FILE",
                   help="also write the predictions as a COCO results file (image_id, category_id, bbox, score "
                        "and, for instance models, an RLE segmentation), as COCOeval and loadRes read it; alone, "
                        "writes nothing else")
    p.add_argument("--coco-gt", type=Path, metavar="FILE",
                   help="with --coco-results: the COCO annotation file whose image and category ids to use "
                        "(default: numbered file names, else the images' order; the run's class order)")
    add_ocr_arguments(p)
    add_sam_arguments(p)


def expand_images(paths: list[Path]) -> list[Path]:
    """Image files of ``paths`` (files, or folders searched as a project is)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out += [p / rel for rel in sorted(iter_image_paths(p))]
        elif p.exists() and is_image_file(p):
            out.append(p)
        elif p.exists():
            print(f"warning: {p} is not an image; skipped", file=sys.stderr)
        else:
            raise EngineError(f"{p} does not exist")
    return out


def run_predict(args: argparse.Namespace) -> int:
    """Predict, then write labelme JSON or into the run's project; exit 1
    when an image could not be read."""
    from tqdm import tqdm

    from .ocr.cli import check_ocr_arguments, run_read_text
    from .sam.cli import check_sam_arguments, run_boxes_to_masks

    if args.out and args.into_project:
        raise ConfigError("choose one of --out and --into-project")
    if args.coco_gt and not args.coco_results:
        raise ConfigError("--coco-gt gives the ids of --coco-results FILE: name the results file too")
    check_ocr_arguments(args)
    check_sam_arguments(args)
    if args.boxes_to_masks:
        images = expand_images(args.paths)
        if not images:
            raise EngineError("no images: give image files, folders or a project folder")
        return run_boxes_to_masks(args, images)
    if args.ocr:
        if not args.paths:
            raise ConfigError("give the images to read: labeltool predict --ocr IMAGES...")
        images = expand_images(args.paths)
        if not images:
            raise EngineError("no images to read")
        return run_read_text(args, images)
    if len(args.paths) < 2:
        raise ConfigError("give a run and images: labeltool predict RUN IMAGES... (or read text with --ocr "
                          "IMAGES...)")
    args.run, args.images = args.paths[0], args.paths[1:]
    from .predict import load_model

    project = None
    if args.into_project:
        project = RunFolder(args.run).project_root
        if project is None:
            raise ConfigError(f"{args.run} is not inside a project (.labeltool/runs/): use --out instead")
    images = expand_images(args.images)
    if not images:
        raise EngineError("no images to predict on")
    predictor = load_model(args.run, device=args.device, checkpoint=args.checkpoint)
    failed: set[Path] = set()

    def unreadable(path: Path, e: ImageLoadError) -> None:
        failed.add(Path(path))
        tqdm.write(f"warning: skipped {e}", file=sys.stderr)

    if args.coco_results is not None and predictor.task not in ("detect", "instance"):
        raise ConfigError(f"COCO results hold boxes and masks of objects; a {predictor.task} model gives none")
    options = {"instance_output": args.instance_output, "tolerance": args.tolerance}
    if predictor.task == "recognize":  # it reads the text regions the images' project holds (engine.text.cli)
        from .text.cli import read_project_regions

        results = read_project_regions(args.run, predictor, images, unreadable)
    else:
        results = [(image, predictor.predict([image], args.score, on_unreadable=unreadable, **options)[0])
                   for image in tqdm(images, desc="predicting", unit="image", file=sys.stderr, disable=None)]
    # An unreadable image has no predictions, not "no objects": writing its
    # empty list would erase what the project held for it.
    good = [(p, s) for p, s in results if p not in failed]
    places = []
    if args.coco_results is not None:
        places.append(_write_coco_results(args.coco_results, args.coco_gt, good, predictor.classes))
    if project is not None:
        # A recogniser's readings replace its own only: the quads it read may be a detector's predictions.
        own = predictor.run_name if predictor.task == "recognize" else None
        places.append(f"the project: {into_project(project, good, model=own)} images")
    elif args.out or args.coco_results is None:
        written = _write_labelme(good, args.out, predictor.classes)
        places.append(f"{args.out or 'next to the images'}: {written} files")
    total = sum(len(s) for _, s in results)
    print(f"{total} predictions on {len(good)} images ({predictor.task}, run {predictor.run_name}) written to "
          + "; ".join(places) + (f"; {len(failed)} unreadable" if failed else ""))
    return 0 if not failed else 1


def _write_coco_results(path: Path, gt: Path | None, results: list[tuple[Path, list[Shape]]],
                        classes: list[str]) -> str:
    """Write ``results`` as a COCO results file; where, and whose ids, in words."""
    from labeltool.core.images import read_size

    from .coco_results import coco_results, ids_from_ground_truth, ids_from_names, write_coco_results

    images = [image for image, _ in results]
    ids = ids_from_ground_truth(gt, images, classes) if gt is not None else ids_from_names(images, classes)
    sized = [(image, *reversed(read_size(image)), shapes) for image, shapes in results]
    entries = coco_results(sized, ids)
    write_coco_results(path, entries)
    return f"{path} ({len(entries)} COCO results, ids from {ids.source})"


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


def into_project(project: Path, results: list[tuple[Path, list[Shape]]], model: str | None = None) -> int:
    """Put each image's shapes in place of its predictions (of ``model``
    only, when given; else of every model but the assistants, whose
    readings and masks are work of their own to review: see
    ProjectStore.replace_predictions); the number of images written."""
    from labeltool.core.errors import StoreError

    from .assistants import ASSISTANT_MODELS

    count = 0
    with ProjectStore.open(project, create=False, scan=False) as store, store.transaction():
        for image, shapes in results:
            try:
                item = store.add_image(image.resolve())
            except StoreError as e:  # outside the project folder
                print(f"warning: {image}: {e}", file=sys.stderr)
                continue
            store.replace_predictions(item.id, shapes, model=model, keep=ASSISTANT_MODELS if model is None else ())
            count += 1
    return count


# ----------------------------------------------------------- export-model
def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("run", type=Path, help="run folder or project folder")
    p.add_argument("--out", type=Path, help="output folder (default: RUN/export)")
    p.add_argument("--format", choices=["all", "torchscript", "onnx"], default="all",
                   help="what to write (default: all that the model supports)")
    p.add_argument("--checkpoint", default="best.pt", help="checkpoint of the run (default best.pt, else last.pt)")


def run_export(args: argparse.Namespace) -> int:
    from .export import export_run

    formats = ("torchscript", "onnx") if args.format == "all" else (args.format,)
    result = export_run(find_run(args.run), args.out, formats=formats, checkpoint=args.checkpoint)
    print(result.message())
    return 0 if result.files else 1


# ------------------------------------------------------------ registering
# name -> (one-line help, description, the arguments).
COMMANDS: dict[str, tuple[str, str, Callable[[argparse.ArgumentParser], None]]] = {
    "train": ("fine-tune Faster R-CNN, Mask R-CNN, U-Net, ResNet or a text detector / CRNN on the project's labels",
              "Train on the labels of FOLDER (read from a snapshot: labelling may go on). Prints one line per "
              "epoch; the run goes to FOLDER/.labeltool/runs/. Ctrl-C stops after the current step and keeps "
              "last.pt. The same command runs under torchrun --nproc_per_node=N (DistributedDataParallel, "
              "rank 0 writes).", add_train_arguments),
    "predict": ("predict with a trained run, or read text (--ocr); write files or into the project",
                "Run the model of RUN (a run folder, FOLDER/.labeltool/runs/NAME) on IMAGES (files or folders). "
                "Without --out or --into-project the labelme JSON goes next to each image. A recogniser run "
                "(task recognize) reads the text regions the images' project holds. With --ocr, read "
                "the text of IMAGES with PP-OCR instead (no RUN) into PPOCRLabel files or the project. With "
                "--boxes-to-masks, Segment Anything turns each box of the images' project into a mask.",
                add_predict_arguments),
    "export-model": ("export a trained run as TorchScript/ONNX with a model.json",
                     "Export the model of RUN: a run folder (FOLDER/.labeltool/runs/NAME) or a project folder "
                     "(its active run, else its newest).", add_export_arguments),
}


def add_command(sub: argparse._SubParsersAction, name: str) -> argparse.ArgumentParser:
    """Add the engine command ``name`` to ``sub``; the caller sets its ``func``."""
    help_text, description, add_arguments = COMMANDS[name]
    p = sub.add_parser(name, help=help_text, description=description)
    add_arguments(p)
    return p

"""``labeltool predict --ocr IMAGES... (--out DIR | --into-project)``: read
the text of images with PP-OCR and write PPOCRLabel's ``Label.txt`` layout,
or put the text regions into their project as predictions to review."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from labeltool.core.images import ImageLoadError
from labeltool.core.shapes import Shape
from labeltool.core.store import find_store

from ..errors import ConfigError

if TYPE_CHECKING:  # the reader imports numpy: `labeltool --help` and the parsers start without it
    from .reader import OcrSettings

# dest -> flag, for the message when one is given without --ocr.
OCR_OPTIONS = {"box_threshold": "--box-threshold", "unclip_ratio": "--unclip-ratio",
               "no_direction_classifier": "--no-direction-classifier", "rec_model": "--rec-model",
               "rec_keys": "--rec-keys", "rec_run": "--rec-run", "det_run": "--det-run"}


def add_ocr_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("reading text (--ocr)", "PP-OCR (the rapidocr wheel's models, on the CPU) finds text "
                             "quads and reads them; --score is the least recognition score kept")
    g.add_argument("--ocr", action="store_true",
                   help="read text: IMAGES only, no RUN; needs --out (PPOCRLabel Label.txt) or --into-project")
    g.add_argument("--box-threshold", type=float, metavar="P",
                   help="detector: least mean text probability of a box (0.5)")
    g.add_argument("--unclip-ratio", type=float, metavar="R",
                   help="detector: how far a found line is grown into its box (1.6)")
    g.add_argument("--no-direction-classifier", action="store_true",
                   help="do not turn text the classifier finds upside down (faster)")
    g.add_argument("--rec-model", type=Path, metavar="ONNX",
                   help="another PP-OCR ONNX recogniser (e.g. another language) instead of the shipped one")
    g.add_argument("--rec-keys", type=Path, metavar="TXT",
                   help="the character list of --rec-model, one a line (when the ONNX file holds none)")
    g.add_argument("--rec-run", type=Path, metavar="RUN",
                   help="a recogniser trained here (`labeltool train --task recognize`: its run folder or export) "
                        "reads PP-OCR's quads instead of PP-OCR's recogniser")
    g.add_argument("--det-run", type=Path, metavar="RUN",
                   help="a text detector trained here (`labeltool train --task textdet`: its run folder or export) "
                        "finds the quads instead of PP-OCR's detector (--box-threshold: the least score of a quad "
                        "it keeps); with --rec-run, your own pair reads the text")


def check_ocr_arguments(args: argparse.Namespace) -> None:
    """OCR options belong to --ocr, and a trained run's options do not."""
    given = [flag for dest, flag in OCR_OPTIONS.items() if getattr(args, dest, None) not in (None, False)]
    if not args.ocr and given:
        raise ConfigError(f"{', '.join(given)} set how text is read: add --ocr")
    if args.ocr:
        if args.checkpoint or args.device != "auto":
            raise ConfigError("--checkpoint and --device belong to a trained run; --ocr runs PP-OCR on the CPU")
        if not args.out and not args.into_project:
            raise ConfigError("say where the text goes: --out DIR (PPOCRLabel Label.txt) or --into-project")


def settings_from_args(args: argparse.Namespace) -> OcrSettings:
    from .reader import OcrSettings

    given = {k: getattr(args, k) for k in ("box_threshold", "unclip_ratio", "rec_model", "rec_keys", "rec_run",
                                        "det_run")
             if getattr(args, k, None) is not None}
    return OcrSettings(use_direction_classifier=not args.no_direction_classifier, min_score=args.score, **given)


def run_read_text(args: argparse.Namespace, images: list[Path]) -> int:
    """Read ``images`` and write the text where the options say; exit 1
    when an image could not be read (the others are written)."""
    from tqdm import tqdm

    from ..cli import into_project
    from .reader import OCR_MODEL, load_ocr

    projects = _projects_of(images) if args.into_project else {}
    engine = load_ocr(settings_from_args(args))
    results: list[tuple[Path, list[Shape]]] = []
    failed = 0
    for image in tqdm(images, desc="reading text", unit="image", file=sys.stderr, disable=None):
        try:
            results.append((image, list(engine.read_file(image))))
        except ImageLoadError as e:
            # Left out, not written as "no text": that would erase what the
            # project held for it.
            failed += 1
            tqdm.write(f"warning: skipped {e}", file=sys.stderr)
    if args.into_project:
        written = sum(into_project(root, [(p, s) for p, s in results if projects[p] == root], model=OCR_MODEL)
                      for root in sorted(set(projects.values())))
        where = "the project" if len(set(projects.values())) == 1 else "their projects"
    else:
        written = _write_ppocr(results, args.out)
        where = str(args.out / "Label.txt")
    total = sum(len(s) for _, s in results)
    print(f"{total} text regions on {len(results)} images ({OCR_MODEL}) written to {where}: {written} images"
          + (f"; {failed} unreadable" if failed else ""))
    return 0 if not failed else 1


def _projects_of(images: list[Path]) -> dict[Path, Path]:
    """The project folder holding each image (the nearest one above it)."""
    out: dict[Path, Path] = {}
    for image in images:
        path = image.resolve()
        root = next((d for d in path.parents if find_store(d).is_file()), None)
        if root is None:
            raise ConfigError(f"{image} is in no labeltool project: run `labeltool init FOLDER` on a folder "
                              "holding it, or write PPOCRLabel files with --out DIR")
        out[image] = root
    return out


def _write_ppocr(results: list[tuple[Path, list[Shape]]], out: Path) -> int:
    """PPOCRLabel's layout in ``out``: the images (hard links where the disk
    allows), ``Label.txt``, ``rec_gt.txt`` and ``crop_img/``. Names keep the
    folders under the images' common folder apart (``a/x.jpg`` ->
    ``a__x.jpg``)."""
    from labeltool.formats import ppocr
    from labeltool.formats.records import ImageRecord

    from .reader import TEXT_LABEL

    if not results:
        return 0
    common = Path(os.path.commonpath([p.resolve().parent for p, _ in results]))
    records = [ImageRecord(path=p.resolve().relative_to(common).as_posix(), shapes=shapes, source=p.resolve())
               for p, shapes in results]
    result = ppocr.write(records, out, [TEXT_LABEL], copy_mode="hardlink")
    for note in result.skipped:
        print(f"warning: {note}", file=sys.stderr)
    return result.images

"""``labeltool predict --boxes-to-masks IMAGES_OR_PROJECT... (--into-project
| --out DIR)``: every box of the images (read from the project holding each
image: a person's boxes, a detector run's predictions, or both) becomes the
mask SAM decodes from it; the masks go into the project as predictions of
model ``sam-boxes`` to review (a rerun replaces them, the boxes stay), or to
labelme JSON files in DIR."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from labeltool.core.shapes import Shape
from labeltool.core.store import find_store

from ..errors import ConfigError
from .catalog import BOXES_MODEL, DEFAULT_SAM_MODEL, get_sam_model, sam_model_names

# dest -> flag, for the message when one is given without --boxes-to-masks.
SAM_OPTIONS = {"sam_model": "--sam-model", "sam_weights": "--sam-weights", "box_source": "--box-source"}


def add_sam_arguments(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("masks from boxes (--boxes-to-masks)",
                             "Segment Anything decodes a mask from each box, on the CPU; the weights are downloaded "
                             "on first use into torch's cache (checkpoints/)")
    g.add_argument("--boxes-to-masks", action="store_true",
                   help="IMAGES or project folders only, no RUN; needs --into-project or --out")
    g.add_argument("--sam-model", choices=sam_model_names(), metavar="NAME",
                   help=f"{', '.join(sam_model_names())} (default {DEFAULT_SAM_MODEL}: the fast one on a CPU)")
    g.add_argument("--sam-weights", type=Path, metavar="FILE",
                   help="a local weights file of --sam-model instead of the download")
    g.add_argument("--box-source", choices=["all", "human", "predictions"],
                   help="which boxes: a person's, a model's, or all (default)")


def check_sam_arguments(args: argparse.Namespace) -> None:
    """SAM options belong to --boxes-to-masks, which reads no run and no text."""
    given = [flag for dest, flag in SAM_OPTIONS.items() if getattr(args, dest, None) is not None]
    if not args.boxes_to_masks:
        if given:
            raise ConfigError(f"{', '.join(given)} set how boxes become masks: add --boxes-to-masks")
        return
    if args.ocr:
        raise ConfigError("choose one of --ocr and --boxes-to-masks")
    if args.checkpoint or args.device != "auto":
        raise ConfigError("--checkpoint and --device belong to a trained run; --boxes-to-masks runs SAM on the CPU")
    if not args.out and not args.into_project:
        raise ConfigError("say where the masks go: --into-project (predictions to review) or --out DIR (labelme)")


def run_boxes_to_masks(args: argparse.Namespace, images: list[Path]) -> int:
    """Decode the boxes of ``images`` into masks and write them; exit 1 when
    an image could not be read (the others are written)."""
    from tqdm import tqdm

    from labeltool.core.images import ImageLoadError

    from ..cli import _write_labelme, into_project
    from .boxes import box_masks
    from .segmenter import SamSettings, load_segmenter

    boxes = _read_boxes(images, args.box_source or "all")
    todo = [p for p in images if boxes[p][1]]
    settings = SamSettings(model=args.sam_model or DEFAULT_SAM_MODEL, weights=args.sam_weights)
    if not todo:
        print(f"no boxes on the {len(images)} images: nothing to decode")
        return 0
    segmenter = load_segmenter(settings, progress=_download_bar(get_sam_model(settings.model).file_name))
    results: list[tuple[Path, list[Shape]]] = []
    failed = empty = 0
    for image in tqdm(todo, desc="boxes to masks", unit="image", file=sys.stderr, disable=None):
        try:
            embedding = segmenter.encode_file(image)
        except ImageLoadError as e:
            failed += 1  # left out, not written as "no masks": that would erase the image's earlier ones
            tqdm.write(f"warning: skipped {e}", file=sys.stderr)
            continue
        masks, n_empty = box_masks(segmenter, embedding, boxes[image][1])
        empty += n_empty
        results.append((image, list(masks)))
    if args.into_project:
        roots = sorted({boxes[p][0] for p, _ in results})
        written = sum(into_project(root, [(p, s) for p, s in results if boxes[p][0] == root], model=BOXES_MODEL)
                      for root in roots)
        where = "the project" if len(roots) == 1 else "their projects"
    else:
        labels = sorted({s.label for _, shapes in results for s in shapes})
        written = _write_labelme(results, args.out, labels)
        where = str(args.out)
    n_boxes = sum(len(boxes[p][1]) for p in todo)
    print(f"{sum(len(s) for _, s in results)} masks from {n_boxes} boxes on {len(results)} images "
          f"({settings.model}, decoder {segmenter.decoder_kind}) written to {where}: {written} images"
          + (f"; {empty} empty masks left out" if empty else "")
          + (f"; {len(images) - len(todo)} images without boxes" if len(todo) < len(images) else "")
          + (f"; {failed} unreadable" if failed else ""))
    return 0 if not failed else 1


def _read_boxes(images: list[Path], which: str) -> dict[Path, tuple[Path, list]]:
    """``image -> (its project folder, its boxes)``, one store open per project."""
    from labeltool.core.store import ProjectStore

    from .boxes import boxes_of

    roots: dict[Path, Path] = {}
    for image in images:
        root = next((d for d in image.resolve().parents if find_store(d).is_file()), None)
        if root is None:
            raise ConfigError(f"{image} is in no labeltool project: the boxes come from a project's labels (run "
                              "`labeltool init FOLDER` on a folder holding it and draw or predict boxes)")
        roots[image] = root
    out: dict[Path, tuple[Path, list]] = {}
    for root in sorted(set(roots.values())):
        with ProjectStore.open(root, create=False, scan=False) as store:
            for image in (p for p in images if roots[p] == root):
                item = store.image_by_path(image.resolve())
                found = boxes_of(store, item.id, which) if item is not None else []  # type: ignore[arg-type]
                out[image] = (root, found)
    return out


def _download_bar(name: str):  # noqa: ANN202 - a progress callback
    """A tqdm bar on stderr for the weights download, opened on its first byte."""
    from tqdm import tqdm

    bar = None

    def progress(done: int, total: int | None) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, initial=done, desc=f"downloading {name}", unit="B", unit_scale=True,
                       file=sys.stderr, disable=None)
        bar.update(done - bar.n)
        if total is not None and done >= total:
            bar.close()

    return progress

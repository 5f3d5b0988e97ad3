"""``labeltool predict RUN IMAGES`` with a recogniser run: it finds no text
by itself, so it reads the text regions the images' project holds (those a
person drew or accepted) and gives each a model reading with the same quad,
to review beside the person's transcription. ``--into-project`` stores them
as the run's predictions, in place of its earlier ones only (a text
detector's predictions, whose quads may be the ones read, stay)."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.shapes import Shape, TextRegion
from labeltool.core.errors import StoreError
from labeltool.core.store import ProjectStore

from ..errors import ConfigError
from ..predict import Predictor
from ..runs import RunFolder
from .ocr_steps import read_regions


def human_regions(project: Path, images: list[Path]) -> dict[Path, list[TextRegion]]:
    """The text regions a person drew (or accepted) on each image of ``project``."""
    out: dict[Path, list[TextRegion]] = {}
    with ProjectStore.open(project, readonly=True) as store:
        for image in images:
            try:
                item = store.image_by_path(image.resolve())
            except StoreError:
                raise ConfigError(f"{image} is not in the project {project}, whose text regions the recogniser "
                                  "reads") from None
            shapes = store.shapes(item.id, source="human") if item is not None else []
            out[image] = [s for s in shapes if isinstance(s, TextRegion)]
    return out


def read_project_regions(run: Path | str, predictor: Predictor, images: list[Path],
                         on_unreadable: Callable[[Path, ImageLoadError], None],
                         progress: bool = True) -> list[tuple[Path, list[Shape]]]:
    """Each image with the model's readings of its text regions (in the
    project of :func:`project_of`); an unreadable image is reported and
    left out. ``progress``: a progress bar on a terminal's stderr."""
    from tqdm import tqdm

    regions = human_regions(project_of(Path(run), images), images)
    out: list[tuple[Path, list[Shape]]] = []
    for image in tqdm(images, desc="reading", unit="image", file=sys.stderr, disable=None if progress else True):
        try:
            array = load_image(image)
        except ImageLoadError as e:
            on_unreadable(image, e)
            continue
        out.append((image, read_regions(predictor, array, regions[image])))
    return out


def project_of(run: Path, images: list[Path]) -> Path:
    """The project whose regions are read: the run's, else (an exported
    model) the one holding the images."""
    from ..ocr.cli import _projects_of

    project = RunFolder(run).project_root
    if project is not None:
        return project
    roots = set(_projects_of(images).values())
    if len(roots) != 1:
        raise ConfigError("the images belong to several projects: read one project's images at a time")
    return roots.pop()

"""PPOCRLabel: ``Label.txt`` lines ``<folder>/<image><TAB>[{"transcription":
..., "points": [[x, y] x4], "difficult": false}]`` in the image folder, plus
``rec_gt.txt`` and ``crop_img/`` (perspective-warped word crops, made the
way PPOCRLabel makes them) for training a recogniser.

Written: ``OUT/`` holds the images, ``Label.txt`` (paths ``<OUT name>/<file>``,
so PaddleOCR reads it with ``data_dir`` = OUT's parent), ``fileState.txt``,
``rec_gt.txt``, ``crop_img/``, and with a split ``det_gt_{train,val,test}.txt``
and ``rec_gt_{train,val,test}.txt``. Read: ``Label.txt`` and any detection
label file (``det_gt_train.txt``, ``gen_ocr_train_val_test.py``'s
``det/train.txt`` with absolute paths), the split from the file's name.
"""
from __future__ import annotations

import json
from pathlib import Path, PureWindowsPath
from typing import Any, Callable

import numpy as np

from labeltool.core.images import ImageLoadError, load_image
from labeltool.core.project import SPLITS
from labeltool.core.shapes import Polygon, Shape, TextRegion

from .errors import FormatError
from .fileio import (CopyMode, atomic_write_bytes, atomic_write_text, dump_json, flat_name, number,
                     place_file, read_text, reading)
from .layout import clean_relpath, is_absolute_anywhere, iter_files, note_split
from .records import Dataset, ImageRecord, WriteResult, count_unheld

TEXT_LABEL = "text"  # the class of text regions a file does not name


# ------------------------------------------------------------------- reading
def read_label_txt(path: Path) -> tuple[dict[str, list[Shape]], list[str]]:
    """``{image path as written: shapes}`` of one Label.txt, and notes on
    lines it skipped. FormatError only when the file itself is unreadable."""
    text = read_text(path)
    entries: dict[str, list[Shape]] = {}
    notes: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            image, shapes = _parse_line(line, n, path)
        except FormatError as e:
            notes.append(str(e))
            continue
        entries.setdefault(image, []).extend(shapes)
    return entries, notes


def _parse_line(line: str, n: int, path: Path) -> tuple[str, list[Shape]]:
    if "\t" not in line:
        raise FormatError(path, f"line {n}: no TAB between the image path and its labels")
    image, payload = line.split("\t", 1)
    image = image.strip().replace("\\", "/")
    if not image:
        raise FormatError(path, f"line {n}: empty image path")
    try:
        items = json.loads(payload, parse_constant=_no_constant)
    except (ValueError, RecursionError) as e:
        raise FormatError(path, f"line {n}: labels are not valid JSON ({str(e)[:80]})") from None
    if not isinstance(items, list):
        raise FormatError(path, f"line {n}: labels must be a JSON list")
    shapes: list[Shape] = []
    with reading(path):
        for k, item in enumerate(items, 1):
            if not isinstance(item, dict) or not isinstance(item.get("points"), list):
                raise FormatError(path, f"line {n}: label {k} has no points")
            pts = []
            for p in item["points"]:
                if not isinstance(p, list) or len(p) != 2:
                    raise FormatError(path, f"line {n}: label {k}: a point must be [x, y]")
                pts.append((number(p[0], "x", path), number(p[1], "y", path)))
            transcription = item.get("transcription", "")
            transcription = "" if transcription is None else str(transcription)
            key = item.get("key_cls")
            label = str(key).strip() if key not in (None, "", "None") and str(key).strip() else TEXT_LABEL
            difficult = item.get("difficult") is True
            if len(pts) == 4:
                shapes.append(TextRegion(label=label, points=pts, transcription=transcription,
                                         difficult=difficult))
            elif len(pts) >= 3:  # PPOCRLabel's polygon mode
                shapes.append(Polygon(label=label, points=pts, difficult=difficult,
                                      attributes={"transcription": transcription}))
            else:
                raise FormatError(path, f"line {n}: label {k} has {len(pts)} points")
    return image, shapes


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed")


LOOKED_FOR = ("PPOCRLabel's Label.txt, or detection label files (image path, TAB, JSON list of "
              "{transcription, points}: det_gt_train.txt, det/train.txt), their images beside them")


def label_files(src: Path) -> tuple[list[Path], list[Path]]:
    """The detection label files under ``src`` (``Label.txt`` and any .txt
    whose lines are ``path<TAB>[...]``), and the recognition ones
    (``path<TAB>text``: word crops, made again on export)."""
    det, rec = [], []
    for f in iter_files(src, frozenset({".txt"}), max_depth=6):
        first = next((line for line in read_text(f).splitlines()[:50] if line.strip()), "") \
            if f.stat().st_size else ""
        if f.name == "Label.txt" or "\t[" in first:
            det.append(f)
        elif "\t" in first and f.name not in ("fileState.txt",):
            rec.append(f)
    return sorted(det), sorted(rec)


def read(src: Path, progress: Callable[[int, int], None] | None = None) -> Dataset:
    """A ``Label.txt`` (or other detection label file), or a folder holding
    them: PPOCRLabel's folders, ``gen_ocr_train_val_test.py``'s ``det/``
    with ``train.txt`` / ``val.txt`` / ``test.txt``, PaddleOCR's
    ``train_icdar2015_label.txt``. A file's split comes from its name."""
    src = Path(src)
    if src.is_file():
        files, rec, root = [src], [], src.parent.parent if src.name == "Label.txt" else src.parent
    elif src.is_dir():
        (files, rec), root = label_files(src), src
    else:
        raise FormatError(src, "does not exist")
    if not files:
        raise FormatError(src, f"no Label.txt found; looked for {LOOKED_FOR}")
    ds = Dataset(root=root, looked_for=LOOKED_FOR, layout=", ".join(sorted({f.name for f in files})[:4]))
    ds.skipped += [f"{f.name}: recognition labels (word crops), not read; export makes them again" for f in rec]
    classes: dict[str, None] = {}
    for f in files:
        try:
            entries, notes = read_label_txt(f)
        except FormatError as e:
            ds.lose("unreadable files", str(e))
            continue
        ds.files += 1
        for note in notes:
            ds.lose("malformed lines", note)
        split = note_split(ds.split_names, f.stem) if f.name != "Label.txt" else None
        for i, (image, shapes) in enumerate(entries.items(), 1):
            source = _find_image(f, image)
            name = _name_in_dataset(f, image)
            if source is None:
                ds.lose("images not found", f"{f.name}: image {image} not found")
                ds.lost["shapes of images not found"] += len(shapes)
                continue
            ds.records.append(ImageRecord(path=name, source=source, shapes=shapes, split=split))
            for s in shapes:
                classes.setdefault(s.label, None)
            if progress:
                progress(i, len(entries))
    ds.classes = list(classes)
    return ds


def _name_in_dataset(label_txt: Path, image: str) -> str:
    """PPOCRLabel writes ``<its folder>/<image>``: the image's name is what
    follows its folder. An absolute path (``gen_ocr_train_val_test.py``
    writes them) names the file only."""
    if is_absolute_anywhere(image):
        return PureWindowsPath(image).name
    rel = clean_relpath(image)
    head, _, rest = rel.partition("/")
    return rest if rest and head == label_txt.parent.name else rel


def _find_image(label_txt: Path, image: str) -> Path | None:
    folder = label_txt.parent
    name = PureWindowsPath(image).name
    candidates = [Path(image)] if is_absolute_anywhere(image) else \
        [folder.parent / image, folder / image]
    # gen_ocr_train_val_test.py: det/train.txt beside det/train/<image>
    candidates += [folder / name, folder / label_txt.stem / name]
    return next((c for c in candidates if c.is_file()), None)


# ------------------------------------------------------------------- writing
def rotate_crop(img: np.ndarray, points: list[tuple[float, float]]) -> np.ndarray | None:
    """The word image under a text quadrilateral, warped upright (as
    PPOCRLabel's ``get_rotate_crop_image``); None when it has no area."""
    import cv2

    pts = np.asarray(points, dtype=np.float32)
    w = int(max(np.linalg.norm(pts[0] - pts[1]), np.linalg.norm(pts[2] - pts[3])))
    h = int(max(np.linalg.norm(pts[0] - pts[3]), np.linalg.norm(pts[1] - pts[2])))
    if w < 1 or h < 1:
        return None
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    matrix = cv2.getPerspectiveTransform(pts, target)
    crop = cv2.warpPerspective(img, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC)
    if crop.shape[0] / crop.shape[1] >= 1.5:  # a vertical word is read rotated
        crop = np.rot90(crop)
    return crop


def _encode_jpg(rgb: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".jpg", np.ascontiguousarray(rgb[..., ::-1]))
    if not ok:  # pragma: no cover - OpenCV fails only on empty arrays, filtered above
        raise ValueError("cannot encode crop")
    return buf.tobytes()


def holds(shape: Shape) -> bool:
    """Text regions, and polygons read from PPOCRLabel's polygon mode (they
    carry their text as a ``transcription`` attribute)."""
    return isinstance(shape, TextRegion) or isinstance(shape, Polygon) and "transcription" in shape.attributes


def label_items(shapes: list[Shape]) -> list[dict[str, Any]]:
    items = []
    for s in shapes:
        if holds(s):
            text = s.transcription if isinstance(s, TextRegion) else str(s.attributes["transcription"])
            item: dict[str, Any] = {"transcription": text,
                                    "points": [[x, y] for x, y in s.points],  # type: ignore[attr-defined]
                                    "difficult": s.difficult}
            if s.label != TEXT_LABEL:
                item["key_cls"] = s.label
            items.append(item)
    return items


def write(records: list[ImageRecord], out: Path, classes: list[str], copy_mode: CopyMode = "copy",
          progress: Callable[[int, int], None] | None = None) -> WriteResult:
    out = Path(out)
    result = WriteResult()
    det: dict[str | None, list[str]] = {}
    rec: dict[str | None, list[str]] = {}
    states: list[str] = []
    for n, record in enumerate(records, 1):
        name = flat_name(record.path)
        texts = [s for s in record.shapes if holds(s)]
        count_unheld(record, result, "PPOCRLabel", held=holds, flags=("truncated", "occluded"),
                     used=("transcription",))
        if not place_file(record.source, out / name, copy_mode):
            result.skipped.append(f"{record.path}: image file missing; no crops made")
            img = None
        else:
            try:
                img = load_image(out / name) if any(not t.difficult for t in texts) else None
            except ImageLoadError as e:
                result.skipped.append(f"{record.path}: {e.reason}; no crops made")
                img = None
        line = f"{out.name}/{name}\t{dump_json(label_items(texts))}\n"
        det.setdefault(None, []).append(line)
        if record.split:
            det.setdefault(record.split, []).append(line)
        states.append(f"{(out / name).absolute()}\t1\n")
        for i, t in enumerate(record.shapes):
            if not isinstance(t, TextRegion) or t.difficult or img is None:
                continue  # PPOCRLabel leaves difficult regions out of recognition data
            crop = rotate_crop(img, t.points)
            if crop is None:
                result.skipped.append(f"{record.path}: text {t.transcription!r} has no area; no crop")
                continue
            crop_name = f"{Path(name).stem}_crop_{i}.jpg"
            atomic_write_bytes(out / "crop_img" / crop_name, _encode_jpg(crop))
            rec_line = f"crop_img/{crop_name}\t{t.transcription}\n"
            rec.setdefault(None, []).append(rec_line)
            if record.split:
                rec.setdefault(record.split, []).append(rec_line)
        result.images += 1
        result.shapes += len(texts)
        if progress:
            progress(n, len(records))
    atomic_write_text(out / "Label.txt", "".join(det.get(None, [])))
    atomic_write_text(out / "rec_gt.txt", "".join(rec.get(None, [])))
    atomic_write_text(out / "fileState.txt", "".join(states))
    for split in SPLITS:
        if any(r.split for r in records) and (split != "test" or split in det):
            atomic_write_text(out / f"det_gt_{split}.txt", "".join(det.get(split, [])))
            atomic_write_text(out / f"rec_gt_{split}.txt", "".join(rec.get(split, [])))
    result.files = len(records)
    return result

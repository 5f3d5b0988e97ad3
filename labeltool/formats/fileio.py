"""File plumbing shared by the formats: atomic writes, safe XML and JSON
reading, placing image files in an export, checked numbers."""
from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Literal

from lxml import etree

from .errors import FormatError

CopyMode = Literal["copy", "hardlink", "symlink"]
COPY_MODES: tuple[str, ...] = ("copy", "hardlink", "symlink")

# Bounds a sane annotation file stays within; anything beyond is a broken
# file, and refusing it early keeps a hostile file from allocating an image
# of 10^12 pixels when a mask is drawn.
MAX_SIDE = 100_000
MAX_COORD = 1e7
MAX_FILE_BYTES = 512 * 1024 * 1024


# ------------------------------------------------------------------ writing
@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file whose content replaces ``path`` (``os.replace``) when the
    block ends without an error: a killed process or a failed writer leaves
    the old file or the new one, never half of one. For writing big files in
    pieces, without holding them whole in memory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, one of many small files of an export.

    A file that is there is replaced atomically (:func:`atomic_writer`), or
    left as it is when it holds these bytes already (exporting again
    rewrites nothing unchanged). A new file is written in place: there is no
    old file to keep, and a temporary file renamed into place costs a
    second directory entry, which doubled the time of a 10,000-file VOC
    export; a failed write removes what it began."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        try:
            _write_new(path, data)
            return
        except FileExistsError:  # made meanwhile: replace it as any other
            size = -1
    if size == len(data):
        with contextlib.suppress(OSError):
            if path.read_bytes() == data:
                return
    with atomic_writer(path) as f:
        f.write(data)


def _write_new(path: Path, data: bytes) -> None:
    try:
        f = open(path, "xb")
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        f = open(path, "xb")
    try:
        with f:
            f.write(data)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# ensure_ascii=False: Chinese labels stay readable in the file (UTF-8).
# Compact separators when not indented: a 200,000-box COCO file is big. One
# encoder for all compact dumps: COCO writes one per non-box annotation.
_COMPACT = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def dump_json(obj: Any, indent: int | None = None) -> str:
    if indent is None:
        return _COMPACT.encode(obj)
    return json.dumps(obj, ensure_ascii=False, indent=indent, allow_nan=False,
                      separators=None if indent else (",", ":"))


def place_file(source: Path | None, dest: Path, mode: CopyMode = "copy") -> bool:
    """Put ``source`` at ``dest`` by copy, hard link or symbolic link.

    Returns False when the source is not on disk (labels are still written;
    the caller reports the missing image). A hard link falls back to a copy
    across file systems. An existing ``dest`` with the same size is kept
    (re-exports do not copy 10,000 images again).
    """
    if source is None or not source.is_file():
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    if dest.exists() or dest.is_symlink():
        with contextlib.suppress(OSError):
            if mode == "symlink" and dest.is_symlink() and Path(os.readlink(dest)) == source.resolve():
                return True
            if mode != "symlink" and not dest.is_symlink() and dest.stat().st_size == source.stat().st_size \
                    and (os.path.samefile(dest, source) or mode == "copy"):
                return True
        dest.unlink()
    if mode == "symlink":
        os.symlink(source.resolve(), dest)
    elif mode == "hardlink":
        try:
            os.link(source, dest)
        except OSError:
            shutil.copy2(source, dest)
    else:
        shutil.copy2(source, dest)
    return True


# ------------------------------------------------------------------ reading
def read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise FormatError(path, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,} byte limit")
        return path.read_bytes()
    except FormatError:
        raise
    except OSError as e:
        raise FormatError(path, f"cannot read file ({e.strerror or e})") from None


def read_text(path: Path) -> str:
    """The file as text; UTF-8 with or without a BOM (ICDAR files carry one)."""
    data = read_bytes(path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise FormatError(path, f"not UTF-8 text (byte {e.start})") from None


def load_json(path: Path) -> Any:
    text = read_text(path)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise FormatError(path, "JSON nested too deeply") from None
    except ValueError as e:
        raise FormatError(path, f"not valid JSON ({e})") from None


PEEK = 4096  # bytes of a file read to tell what it holds


def json_kind(path: Path, head: str | None = None) -> str | None:
    """``"coco"``, ``"labelme"`` or None for a JSON file, from its first
    bytes (``head``, read when not given); a small file whose keys come
    later is parsed whole."""
    try:
        if head is None:
            with open(path, "rb") as f:
                head = f.read(PEEK).decode("utf-8-sig", "replace")
        if '"shapes"' in head and ('"imagePath"' in head or '"version"' in head):
            return "labelme"
        if '"images"' in head or '"annotations"' in head or '"categories"' in head:
            return "coco"
        if path.stat().st_size > 4 * PEEK:
            return "labelme" if '"imagePath"' in head else None
        data = json.loads(path.read_text("utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    if isinstance(data, dict):
        if "shapes" in data:
            return "labelme"
        if "images" in data:
            return "coco"
    return None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _xml_parser() -> etree.XMLParser:
    # No entity expansion, no DTD, no network: an XXE or billion-laughs file
    # cannot read local files or blow up memory.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                           dtd_validation=False, remove_comments=True, remove_pis=True)


def parse_xml(path: Path) -> etree._Element:
    """The root element of an XML file, refusing DOCTYPEs and entities.

    Annotation files never need a DTD; one in the file is either a mistake
    or an attack (XXE, billion laughs), so it is refused before parsing.
    """
    data = read_bytes(path)
    upper = data.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise FormatError(path, "XML with a DOCTYPE or entity declarations is refused (possible XXE or "
                                "entity-expansion attack)")
    try:
        root = etree.fromstring(data, _xml_parser())
    except etree.XMLSyntaxError as e:
        raise FormatError(path, f"not well-formed XML ({e})") from None
    except (etree.LxmlError, ValueError) as e:
        raise FormatError(path, f"cannot parse XML ({e})") from None
    if root is None:
        raise FormatError(path, "empty XML document")
    if root.getroottree().docinfo.internalDTD is not None:  # belt and braces
        raise FormatError(path, "XML with a DTD is refused")
    for node in root.iter():
        if isinstance(node, etree._Entity):
            raise FormatError(path, f"XML entity reference &{node.name}; is refused")
    return root


# ----------------------------------------------------------------- checking
def number(value: Any, what: str, path: Path | None = None) -> float:
    """``value`` as a finite float within :data:`MAX_COORD`, else FormatError."""
    if isinstance(value, bool):
        raise FormatError(path, f"{what} is a boolean, not a number")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise FormatError(path, f"{what} {value[:40]!r} is not a number") from None
    if not isinstance(value, (int, float)):
        raise FormatError(path, f"{what} is {type(value).__name__}, not a number")
    try:
        v = float(value)
    except OverflowError:
        raise FormatError(path, f"{what} is too large") from None
    if not math.isfinite(v):
        raise FormatError(path, f"{what} is {v}, not a finite number")
    if abs(v) > MAX_COORD:
        raise FormatError(path, f"{what} {v:g} is out of range")
    return v


def side(value: Any, what: str, path: Path | None = None) -> int:
    """An image width or height: a positive integer up to :data:`MAX_SIDE`."""
    v = number(value, what, path)
    if v != int(v) or not 0 < v <= MAX_SIDE:
        raise FormatError(path, f"{what} {v:g} is not a positive whole number of pixels up to {MAX_SIDE}")
    return int(v)


@contextlib.contextmanager
def reading(path: Path) -> Iterator[None]:
    """Turn any slip of a reader on a malformed file into a FormatError
    naming the file: a broken file must never crash an import."""
    try:
        yield
    except FormatError:
        raise
    except RecursionError:
        raise FormatError(path, "structure nested too deeply") from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError, ZeroDivisionError,
            UnicodeError, etree.LxmlError) as e:
        raise FormatError(path, f"malformed file ({type(e).__name__}: {e})") from None
    except OSError as e:
        raise FormatError(path, f"cannot read file ({e.strerror or e})") from None


def flat_name(rel: str) -> str:
    """A file name for ``rel`` in one flat folder (VOC JPEGImages, PPOCR):
    sub-folders join with ``__`` so ``a/x.jpg`` and ``b/x.jpg`` stay apart."""
    return rel.replace("/", "__")

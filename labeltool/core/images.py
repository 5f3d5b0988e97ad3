"""Image loading, in one place for the GUI, the formats and the engine.

Every image becomes upright 8-bit RGB: EXIF orientation is applied (a phone
photo shows upright and its labels are in upright pixels), 16-bit, palette,
CMYK, greyscale and alpha images are converted. Files are read as bytes so
that any path the OS accepts works, Chinese names included.
"""
from __future__ import annotations

import io
import os
import warnings
from pathlib import Path

from typing import TYPE_CHECKING

from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

if TYPE_CHECKING:  # numpy is imported where used: `labeltool stats` and `--help` start without it
    import numpy as np

IMAGE_EXTENSIONS = frozenset(
    {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif", ".ppm", ".pgm", ".jfif"}
)

# Images larger than this many pixels are refused as decompression bombs
# (about 2.5x Pillow's default; a 16k x 16k scan still opens).
MAX_PIXELS = 400_000_000

# EXIF orientations 5-8 swap width and height.
_TRANSPOSED_ORIENTATIONS = {5, 6, 7, 8}


class ImageLoadError(Exception):
    """An image could not be read; the message names the file and the reason."""

    def __init__(self, path: os.PathLike | str, reason: str):
        self.path = Path(path)
        self.reason = reason
        super().__init__(f"{self.path.name}: {reason}")


def is_image_file(path: os.PathLike | str) -> bool:
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def _open(path: Path, header_only: bool = False) -> Image.Image:
    """Open ``path`` with Pillow. With ``header_only`` only the first 64 KiB
    are read (enough for the size and EXIF of any common format)."""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 16) if header_only else f.read()
    except FileNotFoundError:
        raise ImageLoadError(path, "file not found") from None
    except IsADirectoryError:
        raise ImageLoadError(path, "is a folder, not an image") from None
    except OSError as e:
        raise ImageLoadError(path, f"cannot read file ({e.strerror or e})") from None
    if not data:
        raise ImageLoadError(path, "file is empty")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            if img.width * img.height > MAX_PIXELS:
                raise ImageLoadError(
                    path, f"image is {img.width}x{img.height} pixels, over the {MAX_PIXELS:,} pixel limit "
                    "(possible decompression bomb)")
        return img
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageLoadError(path, "image is too large (possible decompression bomb)") from None
    except UnidentifiedImageError:
        raise ImageLoadError(path, "not an image or an unsupported format") from None
    except ImageLoadError:
        raise
    except (OSError, ValueError, SyntaxError) as e:
        raise ImageLoadError(path, f"cannot decode image ({e})") from None


def _orientation(img: Image.Image) -> int:
    try:
        return int(img.getexif().get(0x0112, 1) or 1)
    except Exception:  # a broken EXIF block must not make the image unreadable
        return 1


def read_size(path: os.PathLike | str) -> tuple[int, int]:
    """``(width, height)`` of the upright image, from the header only."""
    path = Path(path)
    try:
        img = _open(path, header_only=True)
    except ImageLoadError:
        # Some files keep their header past 64 KiB (big EXIF thumbnails).
        img = _open(path)
    w, h = img.size
    if _orientation(img) in _TRANSPOSED_ORIENTATIONS:
        w, h = h, w
    return w, h


def _to_rgb(img: Image.Image) -> Image.Image:
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        # Scale 16/32-bit data into 0-255 by its real range; a plain
        # ``convert("L")`` clips everything above 255 to white.
        import numpy as np

        a = np.asarray(img, dtype=np.float64)
        lo, hi = float(a.min()), float(a.max())
        if mode.startswith("I;16"):
            lo, hi = (0.0, 65535.0) if hi > 255 else (lo, hi)
        scale = 255.0 / (hi - lo) if hi > lo else 0.0
        a8 = np.clip((a - lo) * scale, 0, 255).astype(np.uint8)
        return Image.fromarray(a8, "L").convert("RGB")
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    if mode == "CMYK":
        return img.convert("RGB")
    if mode != "RGB":
        return img.convert("RGB")
    return img


def load_image(path: os.PathLike | str, max_side: int | None = None) -> np.ndarray:
    """The upright RGB image as an ``(h, w, 3)`` uint8 array.

    ``max_side`` asks for a reduced image no larger than that on its long
    side; JPEGs are then decoded at reduced resolution (much faster), which
    is what a zoomed-out view needs.
    """
    import numpy as np

    path = Path(path)
    img = _open(path)
    try:
        if max_side is not None and img.format == "JPEG":
            w, h = img.size
            factor = max(w, h) / max_side
            if factor >= 2:
                img.draft("RGB", (int(w / factor), int(h / factor)))
        img.load()
        img = ImageOps.exif_transpose(img) if _orientation(img) != 1 else img
        img = _to_rgb(img)
        if max_side is not None and max(img.size) > max_side:
            img.thumbnail((max_side, max_side), Image.Resampling.BILINEAR)
        return np.asarray(img)
    except ImageLoadError:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as e:
        reason = str(e)
        if "truncated" in reason:
            reason = "file is truncated (incomplete download or copy?)"
        raise ImageLoadError(path, f"cannot decode image ({reason})") from None


# Pillow must not silently accept truncated files: a half-written JPEG must
# be reported, not shown grey at the bottom.
ImageFile.LOAD_TRUNCATED_IMAGES = False

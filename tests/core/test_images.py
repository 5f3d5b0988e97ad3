"""Image loading: upright 8-bit RGB from whatever a camera or a lab wrote,
and a clear per-file error for what cannot be read."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from labeltool.core.images import ImageLoadError, load_image, read_size


def _exif_rotated_jpeg(path: Path) -> Path:
    """A landscape 60x40 sensor image with EXIF orientation 6 (rotate 90° CW
    to view): it shows as 40 wide, 60 tall. The top-left sensor pixel is red."""
    a = np.zeros((40, 60, 3), np.uint8)
    a[:10, :10] = (255, 0, 0)
    img = Image.fromarray(a)
    exif = Image.Exif()
    exif[0x0112] = 6
    img.save(path, exif=exif, quality=95)
    return path


def test_exif_orientation_is_applied_to_pixels_and_size(tmp_path: Path):
    path = _exif_rotated_jpeg(tmp_path / "phone.jpg")
    assert read_size(path) == (40, 60)
    a = load_image(path)
    assert a.shape == (60, 40, 3)
    # After a 90° clockwise turn the red corner is at the top right.
    assert a[:8, -8:, 0].mean() > 200 and a[:8, :8, 0].mean() < 60


def test_16_bit_greyscale_uses_its_full_range(tmp_path: Path):
    a = np.linspace(0, 65535, 32 * 16).reshape(16, 32).astype(np.uint16)
    path = tmp_path / "scan16.png"
    Image.fromarray(a).save(path)
    out = load_image(path)
    assert out.shape == (16, 32, 3) and out.dtype == np.uint8
    assert out[0, 0, 0] == 0 and out[-1, -1, 0] == 255 and 100 < out[8, 16, 0] < 160


def test_cmyk_palette_greyscale_and_alpha_become_rgb(tmp_path: Path):
    rgb = np.zeros((8, 8, 3), np.uint8)
    rgb[..., 0] = 200
    Image.fromarray(rgb).convert("CMYK").save(tmp_path / "cmyk.jpg")
    Image.fromarray(rgb).convert("P").save(tmp_path / "pal.png")
    Image.fromarray(rgb[..., 0]).save(tmp_path / "grey.png")
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., 3] = 0  # fully transparent: shows as white, not black
    Image.fromarray(rgba, "RGBA").save(tmp_path / "alpha.png")
    for name in ("cmyk.jpg", "pal.png", "grey.png", "alpha.png"):
        out = load_image(tmp_path / name)
        assert out.shape == (8, 8, 3) and out.dtype == np.uint8, name
    assert abs(int(load_image(tmp_path / "cmyk.jpg")[4, 4, 0]) - 200) < 10
    assert load_image(tmp_path / "alpha.png").min() == 255


def test_non_ascii_paths_load(tmp_path: Path):
    folder = tmp_path / "数据集" / "行人 检测"
    folder.mkdir(parents=True)
    path = folder / "图片_001.jpg"
    Image.fromarray(np.full((10, 12, 3), 50, np.uint8)).save(path)
    assert read_size(path) == (12, 10)
    assert load_image(path).shape == (10, 12, 3)


def test_truncated_file_gives_a_clear_error(tmp_path: Path):
    path = tmp_path / "half.jpg"
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (200, 200, 3), np.uint8)).save(path)
    path.write_bytes(path.read_bytes()[:3000])
    with pytest.raises(ImageLoadError, match="half.jpg: .*truncated"):
        load_image(path)


def _png_header_claiming(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + chunk
            + struct.pack(">I", zlib.crc32(chunk)) + b"\0" * 64)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_claiming(60000, 60000))
    with pytest.raises(ImageLoadError, match="bomb"):
        load_image(path)
    with pytest.raises(ImageLoadError, match="bomb"):
        read_size(path)


@pytest.mark.parametrize("content,reason", [(b"", "file is empty"), (b"hello, not an image", "not an image")])
def test_junk_files_give_a_clear_error(tmp_path: Path, content: bytes, reason: str):
    path = tmp_path / "junk.jpg"
    path.write_bytes(content)
    with pytest.raises(ImageLoadError, match=f"junk.jpg: {reason}"):
        load_image(path)


def test_missing_file_and_folder(tmp_path: Path):
    with pytest.raises(ImageLoadError, match="not found"):
        load_image(tmp_path / "nope.jpg")
    with pytest.raises(ImageLoadError, match="folder"):
        load_image(tmp_path)


def test_reduced_decode_keeps_the_aspect_and_is_small(tmp_path: Path):
    path = tmp_path / "big.jpg"
    Image.fromarray(np.full((1200, 1600, 3), 90, np.uint8)).save(path)
    small = load_image(path, max_side=400)
    assert max(small.shape[:2]) <= 400 and abs(small.shape[1] / small.shape[0] - 4 / 3) < 0.02

"""Generated text projects for the text-model tests: lines of random words
rendered with Pillow's scalable default font (or a CJK font) at random
angles, colours and backgrounds, written as real image files and labelled
as text regions (quad + transcription) through the real ProjectStore."""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from labeltool.core import ImageStatus, ProjectStore, TextRegion

LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class Line:
    text: str
    quad: list[tuple[float, float]]  # clockwise from the text's top-left, in image pixels


def random_words(rng: np.random.Generator, alphabet: str = LETTERS, words: tuple[int, int] = (1, 2),
                 letters: tuple[int, int] = (3, 6), sep: str = " ") -> str:
    n = int(rng.integers(words[0], words[1] + 1))
    return sep.join("".join(rng.choice(list(alphabet), int(rng.integers(letters[0], letters[1] + 1))))
                    for _ in range(n))


def _contrasting(rng: np.random.Generator, background: np.ndarray) -> tuple[int, int, int]:
    """A text colour at least 110 grey levels from the background's mean."""
    level = float(background.mean())
    while True:
        colour = rng.integers(0, 256, 3)
        if abs(float(colour.mean()) - level) >= 110:
            return tuple(int(c) for c in colour)  # type: ignore[return-value]


def background(rng: np.random.Generator, height: int, width: int) -> np.ndarray:
    base = rng.uniform(0, 255, 3)
    ramp = np.linspace(0, 1, width)[None, :, None] * rng.uniform(-40, 40, 3)
    noise = rng.normal(0, 10, (height, width, 3))
    return np.clip(base + ramp + noise, 0, 255)


def draw_line(canvas: Image.Image, text: str, font: ImageFont.FreeTypeFont, centre: tuple[float, float],
              angle: float, colour: tuple[int, int, int]) -> list[tuple[float, float]]:
    """Draw ``text`` turned by ``angle`` degrees (counter-clockwise on screen)
    centred on ``centre``; returns its quad (the text's box, 2 px margin,
    turned with it), clockwise from the text's top-left."""
    x0, y0, x1, y1 = ImageDraw.Draw(canvas).textbbox((0, 0), text, font=font)
    pad = 2
    w, h = x1 - x0 + 2 * pad, y1 - y0 + 2 * pad
    layer = Image.new("L", (w, h), 0)
    ImageDraw.Draw(layer).text((pad - x0, pad - y0), text, font=font, fill=255)
    turned = layer.rotate(angle, resample=Image.BICUBIC, expand=True)
    cx, cy = centre
    left, top = int(round(cx - turned.width / 2)), int(round(cy - turned.height / 2))
    canvas.paste(Image.new("RGB", turned.size, colour), (left, top), turned)
    # The layer's corners about its centre, turned as PIL turns it (counter-clockwise on screen).
    t = np.deg2rad(angle)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    rot = np.array([[np.cos(t), np.sin(t)], [-np.sin(t), np.cos(t)]])
    pts = corners @ rot.T + [left + turned.width / 2, top + turned.height / 2]
    return [(float(x), float(y)) for x, y in pts]


def render_line_image(rng: np.random.Generator, text: str, font: ImageFont.FreeTypeFont,
                      max_angle: float = 30.0) -> tuple[np.ndarray, Line]:
    """One image holding one line, turned at most ``max_angle`` degrees."""
    angle = float(rng.uniform(-max_angle, max_angle))
    x0, y0, x1, y1 = ImageDraw.Draw(Image.new("L", (1, 1))).textbbox((0, 0), text, font=font)
    diag = float(np.hypot(x1 - x0, y1 - y0))
    width, height = int(diag + rng.integers(16, 40)), int(diag * abs(np.sin(np.deg2rad(angle)))
                                                          + (y1 - y0) + rng.integers(16, 40))
    bg = background(rng, height, width)
    canvas = Image.fromarray(bg.astype(np.uint8))
    quad = draw_line(canvas, text, font, (width / 2 + rng.uniform(-4, 4), height / 2 + rng.uniform(-4, 4)), angle,
                     _contrasting(rng, bg))
    return np.asarray(canvas), Line(text, quad)


def render_page(rng: np.random.Generator, size: int, lines: int, font_sizes: tuple[int, int] = (12, 18),
                max_angle: float = 30.0) -> tuple[np.ndarray, list[Line]]:
    """A ``size`` x ``size`` image with up to ``lines`` turned lines that do
    not overlap (a line that finds no free place is left out)."""
    bg = background(rng, size, size)
    canvas = Image.fromarray(bg.astype(np.uint8))
    taken = np.zeros((size, size), bool)
    out: list[Line] = []
    for _ in range(lines):
        font = ImageFont.load_default(size=int(rng.integers(font_sizes[0], font_sizes[1] + 1)))
        text = random_words(rng)
        for _try in range(20):
            angle = float(rng.uniform(-max_angle, max_angle))
            centre = (float(rng.uniform(0, size)), float(rng.uniform(0, size)))
            probe = Image.new("L", (size, size), 0)
            quad = draw_line(probe, text, font, centre, angle, (255, 255, 255))
            pts = np.asarray(quad)
            if pts.min() < 2 or pts.max() > size - 3:
                continue
            region = Image.new("L", (size, size), 0)
            ImageDraw.Draw(region).polygon([tuple(p) for p in pts], fill=1)
            mask = np.asarray(region, bool)
            grown = np.zeros_like(mask)
            ys, xs = np.nonzero(mask)
            grown[np.clip(ys.min() - 4, 0, size):ys.max() + 5, np.clip(xs.min() - 4, 0, size):xs.max() + 5] = True
            if (taken & grown).any():
                continue
            taken |= grown
            quad = draw_line(canvas, text, font, centre, angle, _contrasting(rng, bg))
            out.append(Line(text, quad))
            break
    return np.asarray(canvas), out


def cjk_font() -> str | None:
    """A font file with Chinese glyphs, when the machine has one (fc-list)."""
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    files = sorted(line.split(":")[0].strip() for line in out.splitlines() if line.strip())
    return files[0] if files else None


def store_lines(root: Path, images: dict[str, tuple[np.ndarray, list[Line]]], label: str = "text",
                difficult: set[str] = frozenset()) -> Path:
    """Write each image and label its lines as text regions (a line whose
    text is in ``difficult`` is flagged difficult)."""
    for name, (array, _) in images.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(array).save(path)
    with ProjectStore.open(root) as store:
        for item in store.images():
            for line in images[item.path][1]:
                store.add_shape(item.id, TextRegion(label=label, points=line.quad, transcription=line.text,
                                                    difficult=line.text in difficult))
            store.set_status(item.id, ImageStatus.DONE)
    return root


def line_project(root: Path, n: int, seed: int = 0, font_sizes: tuple[int, int] = (16, 22),
                 max_angle: float = 30.0, alphabet: str = LETTERS, font_path: str | None = None,
                 sep: str = " ") -> Path:
    """``n`` images of one turned line each (a recogniser's data)."""
    rng = np.random.default_rng(seed)
    images = {}
    for i in range(n):
        size = int(rng.integers(font_sizes[0], font_sizes[1] + 1))
        font = ImageFont.truetype(font_path, size) if font_path else ImageFont.load_default(size=size)
        array, line = render_line_image(rng, random_words(rng, alphabet, sep=sep), font, max_angle)
        images[f"line{i:04d}.png"] = (array, [line])
    return store_lines(root, images)


def page_project(root: Path, n: int, size: int = 128, lines: int = 3, seed: int = 0,
                 max_angle: float = 30.0) -> Path:
    """``n`` images of ``size`` px with several turned lines each (a detector's data)."""
    rng = np.random.default_rng(seed)
    images = {f"page{i:03d}.png": render_page(rng, size, lines, max_angle=max_angle) for i in range(n)}
    return store_lines(root, images)

"""Reading text with PP-OCR (engine.ocr): the real models of the rapidocr
wheel on the CPU. They are deterministic, so scikit-image's fixed ``page``
picture reads the same every time. Loading takes seconds: one engine serves
the module (load_ocr keeps it)."""
from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from skimage import data

from engine.errors import ConfigError
from engine.ocr import OCR_MODEL, TEXT_LABEL, OcrEngine, OcrSettings, load_ocr, reading_order
from labeltool.core.images import ImageLoadError

# A quad drawn by hand over the page's title line ("Region-based segmentation").
TITLE = [(0.0, 4.0), (305.0, 4.0), (305.0, 40.0), (0.0, 40.0)]


@pytest.fixture(scope="module")
def engine() -> OcrEngine:
    return load_ocr()


@pytest.fixture(scope="module")
def page_regions(engine):
    return engine.read_text(data.page())


# ------------------------------------------------------------ installation
def test_only_headless_opencv_is_installed_beside_pyside():
    """The full opencv-python (and rapidocr-onnxruntime 1.x, which pulls it
    in) bundles a Qt of its own that must not sit beside PySide6."""
    names = {(d.metadata["Name"] or "").lower().replace("_", "-") for d in importlib.metadata.distributions()}
    assert "opencv-python-headless" in names
    assert not names & {"opencv-python", "opencv-contrib-python", "rapidocr-onnxruntime"}
    assert int(importlib.metadata.version("rapidocr").split(".")[0]) >= 3
    requires = " ".join(importlib.metadata.requires("rapidocr") or [])
    assert "opencv-python-headless" in requires


# ------------------------------------------------------------------ reading
def test_read_text_finds_the_lines_of_the_page(page_regions):
    page = data.page()
    h, w = page.shape[:2]
    assert len(page_regions) >= 6
    text = " ".join(r.transcription for r in page_regions).lower()
    for word in ("segmentation", "markers", "coins", "background", "histogram"):
        assert word in text
    assert "segmentation" in page_regions[0].transcription.lower()  # the title comes first: reading order
    tops = [min(y for _, y in r.points) for r in page_regions]
    assert tops == sorted(tops)
    for r in page_regions:
        assert r.label == TEXT_LABEL and r.source.is_model and r.source.model == OCR_MODEL
        assert 0.5 <= r.source.score <= 1.0  # the default least score is kept
        assert all(0 <= x <= w and 0 <= y <= h for x, y in r.points)
        (x0, y0), (x1, y1), (x2, y2), _ = r.points
        assert x1 > x0 and y2 > y1  # clockwise from the top-left


def test_a_picture_without_text_reads_nothing(engine):
    assert engine.read_text(np.full((120, 160, 3), 255, np.uint8)) == []


def test_read_file_names_an_unreadable_file(engine, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG not really")
    with pytest.raises(ImageLoadError, match="broken.png"):
        engine.read_file(bad)
    with pytest.raises(ValueError, match="uint8"):
        engine.read_text(np.zeros((10, 10), np.float32))


# --------------------------------------------------------------- re-reading
def _rotated(image: np.ndarray, quad: list[tuple[float, float]], degrees: float):
    """``image`` turned by ``degrees`` on a canvas that holds all of it, and
    ``quad`` moved with it."""
    import cv2

    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * sin + w * cos) + 1, int(h * cos + w * sin) + 1
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    turned = cv2.warpAffine(image, m, (nw, nh), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
    points = np.hstack([np.asarray(quad), np.ones((4, 1))]) @ m.T
    return turned, [tuple(p) for p in points]


def test_recognize_quads_reads_a_drawn_quad_level_turned_and_clicked_in_any_order(engine):
    page = data.page()
    turned, quad = _rotated(page, TITLE, 20)
    assert abs(quad[1][1] - quad[0][1]) > 50  # the title line now climbs steeply
    ccw_from_bottom_right = [TITLE[2], TITLE[1], TITLE[0], TITLE[3]]
    readings = engine.recognize_quads(page, [TITLE, ccw_from_bottom_right, [(5, 5), (5, 5), (5, 5), (5, 5)]])
    [(turned_text, turned_score)] = engine.recognize_quads(turned, [quad])
    for text, score in (readings[0], readings[1], (turned_text, turned_score)):
        assert text.replace(" ", "").lower() == "region-basedsegmentation" and score > 0.9
    assert readings[2] == ("", 0.0)  # no area: nothing to read
    with pytest.raises(ValueError, match="4 finite points"):
        engine.recognize_quads(page, [[(0, 0), (1, 0), (1, 1)]])


def test_reading_order_starts_at_the_text_top_left_clockwise():
    square = [(0, 0), (10, 0), (10, 4), (0, 4)]
    for quad in (square, square[2:] + square[:2], square[::-1], [square[3], square[2], square[1], square[0]]):
        assert reading_order(quad).tolist() == [[0, 0], [10, 0], [10, 4], [0, 4]]
    # A line climbing at 30 degrees keeps its own top-left first.
    c, s = np.cos(np.radians(-30)), np.sin(np.radians(-30))
    climbing = [(x * c - y * s, x * s + y * c) for x, y in square]
    assert np.allclose(reading_order(climbing[::-1]), climbing, atol=1e-4)


# ------------------------------------------------------------------ Chinese
def _cjk_font() -> str | None:
    if shutil.which("fc-list") is None:
        return None
    out = subprocess.run(["fc-list", ":lang=zh", "-f", "%{file}\n"], capture_output=True, text=True).stdout
    fonts = sorted(line for line in out.splitlines() if line.strip())
    return fonts[0] if fonts else None


def test_the_recogniser_reads_chinese(engine):
    """Chinese is what most of our users label: the dictionary holds it, and
    a rendered line reads back (where this machine has a CJK font)."""
    line = "标注数据用于训练文字识别模型"
    common = "中华人民共和国的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能"
    assert set(common + line) <= set(engine.recognizer.characters)
    font_file = _cjk_font()
    if font_file is None:
        pytest.skip("no CJK font here (fc-list :lang=zh) to render a Chinese line; the dictionary covers it")
    from difflib import SequenceMatcher

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_file, 36)
    x0, y0, x1, y1 = ImageDraw.Draw(Image.new("RGB", (1, 1))).textbbox((0, 0), line, font=font)
    w, h = x1 + 30, y1 + 30
    img = Image.new("RGB", (w, h), "white")
    ImageDraw.Draw(img).text((15, 15), line, font=font, fill="black")
    [(text, score)] = engine.recognize_quads(np.asarray(img), [[(0, 0), (w, 0), (w, h), (0, h)]])
    # Fonts draw some characters in forms the model may take for their
    # traditional twins; the line as a whole must come back.
    assert SequenceMatcher(None, text, line).ratio() >= 0.9, text
    assert score > 0.9


# ----------------------------------------------------------------- settings
def test_settings_are_checked_before_anything_loads(tmp_path):
    with pytest.raises(ConfigError, match="box threshold"):
        OcrSettings(box_threshold=1.5)
    with pytest.raises(ConfigError, match="unclip ratio"):
        OcrSettings(unclip_ratio=0)
    with pytest.raises(ConfigError, match="recogniser's ONNX file"):
        OcrSettings(rec_keys=tmp_path / "keys.txt")
    with pytest.raises(ConfigError, match="does not exist"):
        OcrEngine.load(OcrSettings(rec_model=tmp_path / "missing.onnx"))
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"\x00\x01 not a model")
    with pytest.raises(ConfigError, match="not an ONNX model"):
        OcrEngine.load(OcrSettings(rec_model=junk))


def test_another_recogniser_with_its_character_list_takes_the_place_of_the_shipped_one(engine, tmp_path):
    """What a user does with another PP-OCR recogniser: name its ONNX file
    and dictionary. Here the shipped file with its dictionary written out;
    a list of the wrong length is refused with a message."""
    import rapidocr

    models = Path(rapidocr.__file__).parent / "models"
    [model] = models.glob("*rec*.onnx")  # the recogniser it ships
    [detector] = models.glob("*det*.onnx")
    keys = tmp_path / "keys.txt"
    keys.write_text("\n".join(engine.recognizer.characters[:-1]) + "\n", encoding="utf-8")  # the space is added
    short = tmp_path / "short.txt"
    short.write_text("a\nb\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="has 2 characters"):
        OcrEngine.load(OcrSettings(rec_model=model, rec_keys=short))
    with pytest.raises(ConfigError, match="holds no character list"):
        OcrEngine.load(OcrSettings(rec_model=detector))
    with pytest.raises(ConfigError, match="is it a PP-OCR recogniser"):
        OcrEngine.load(OcrSettings(rec_model=detector, rec_keys=keys))
    other = OcrEngine.load(OcrSettings(rec_model=model, rec_keys=keys, use_direction_classifier=False))
    assert other.orienter is None
    assert other.recognize_quads(data.page(), [TITLE]) == engine.recognize_quads(data.page(), [TITLE])

"""Reading text with a trained pair: a text detector run in place of
PP-OCR's detector (OcrSettings.det_run, ``--det-run``) and a recogniser run
in place of its recogniser (``--rec-run``), through engine.ocr and
``labeltool predict --ocr``. The runs train for real (one step) and are
then given one known answer (tests/engine/text_pair.py)."""
from __future__ import annotations

import pytest

from engine.errors import ConfigError
from engine.ocr import OCR_MODEL, OcrSettings, load_ocr
from engine.text.ocr_steps import RunRecognizer, RunTextDetector
from labeltool.app.cli import main
from labeltool.core import ProjectStore, TextRegion
from labeltool.core.images import load_image
from labeltool.formats import ppocr

from .text_pair import teach_one_answer, train_tiny
from .text_synth import line_project

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    root = line_project(tmp_path_factory.mktemp("pair") / "lines", n=8, seed=3)
    det = train_tiny(root, "textdet", "textdet_unet_resnet18", img_size=64)
    rec = train_tiny(root, "recognize", "crnn_lite")
    teach_one_answer(det)
    return root, det, rec, teach_one_answer(rec)


def test_a_trained_detector_finds_the_quads_and_a_trained_recogniser_reads_them(pair):
    root, det, rec, letter = pair
    engine = load_ocr(OcrSettings(det_run=det, rec_run=rec, use_direction_classifier=False))
    assert isinstance(engine.detector, RunTextDetector) and isinstance(engine.recognizer, RunRecognizer)
    image = load_image(root / "line0000.png")
    h, w = image.shape[:2]
    (region,) = engine.read_text(image)
    # The detector that marks everything as text finds the whole image as one line, its quad inside the image.
    xs, ys = zip(*region.points)
    assert min(xs) == pytest.approx(0, abs=1) and max(xs) == pytest.approx(w - 1, abs=1.5)
    assert min(ys) == pytest.approx(0, abs=1) and max(ys) == pytest.approx(h - 1, abs=1.5)
    assert region.transcription == letter and region.source.model == OCR_MODEL


def test_det_run_must_be_a_text_detector(pair):
    _root, _det, rec, _letter = pair
    with pytest.raises(ConfigError, match="holds a recognize model, not a text detector"):
        load_ocr(OcrSettings(det_run=rec, use_direction_classifier=False))


def test_predict_ocr_with_det_run_and_rec_run(pair, tmp_path, capsys):
    root, det, rec, letter = pair
    images = [str(root / "line0001.png"), str(root / "line0002.png")]
    assert main(["predict", "--det-run", str(det), *images, "--out", str(tmp_path / "x")]) == 1  # a usage error
    assert "--det-run set how text is read: add --ocr" in capsys.readouterr().err

    out = tmp_path / "ppocr"
    assert main(["predict", "--ocr", *images, "--det-run", str(det), "--rec-run", str(rec),
                 "--no-direction-classifier", "--out", str(out)]) == 0
    assert "2 text regions on 2 images" in capsys.readouterr().out
    records = ppocr.read(out).records
    assert sorted(r.path for r in records) == ["line0001.png", "line0002.png"]
    assert all([s.transcription for s in r.shapes] == [letter] for r in records)

    assert main(["predict", "--ocr", images[0], "--det-run", str(det), "--rec-run", str(rec),
                 "--no-direction-classifier", "--into-project"]) == 0
    with ProjectStore.open(root, readonly=True) as store:
        (read,) = store.shapes(store.image_by_path("line0001.png").id, source="model")
    assert isinstance(read, TextRegion) and read.transcription == letter and read.source.model == OCR_MODEL


def test_a_recogniser_trained_again_is_loaded_again(tmp_path):
    """load_ocr keeps one engine per settings; a run resumed (or taught
    anew) keeps its folder, so its weights' time decides too."""
    import os

    root = line_project(tmp_path / "lines", n=8, seed=4)
    rec = train_tiny(root, "recognize", "crnn_lite")
    settings = OcrSettings(rec_run=rec, use_direction_classifier=False)
    first = teach_one_answer(rec)
    engine = load_ocr(settings)
    assert load_ocr(settings) is engine  # kept
    line = load_image(root / "line0000.png")
    assert engine.recognizer.recognize([line])[0][0] == first
    second = teach_one_answer(rec, next(c for c in engine.recognizer.characters if c.strip() and c != first))
    for name in ("best.pt", "last.pt"):  # as if written a second later (a coarse file system clock)
        path = rec / name
        if path.exists():
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    again = load_ocr(settings)
    assert again is not engine and again.recognizer.recognize([line])[0][0] == second

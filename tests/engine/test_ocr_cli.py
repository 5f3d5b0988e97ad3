"""``labeltool predict --ocr``: PPOCRLabel files and the project, with the
real PP-OCR models (about one page read per test)."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from skimage import data

from engine.__main__ import main as engine_main
from engine.ocr import OCR_MODEL, load_ocr
from labeltool.app.cli import main
from labeltool.core import ProjectStore
from labeltool.core.shapes import Box, Source, TextRegion
from labeltool.formats import ppocr


@pytest.fixture(scope="module")
def page_regions():
    # The command loads the engine with the same default settings: load_ocr
    # keeps it, so the module loads it once.
    return load_ocr().read_text(data.page())


def _folder_with_page(root):
    root.mkdir(parents=True)
    Image.fromarray(data.page()).save(root / "page.png")
    (root / "broken.jpg").write_bytes(b"\xff\xd8 cut short")
    return root


@pytest.mark.slow
def test_ocr_out_writes_label_txt_that_reads_back_and_skips_an_unreadable_image(tmp_path, capsys, page_regions):
    images = _folder_with_page(tmp_path / "scans")
    out = tmp_path / "ppocr"
    assert main(["predict", "--ocr", str(images), "--out", str(out)]) == 1  # one image could not be read
    captured = capsys.readouterr()
    assert "skipped broken.jpg" in captured.err
    assert f"{len(page_regions)} text regions on 1 images" in captured.out and "1 unreadable" in captured.out
    # As PPOCRLabel writes it: "<folder>/<image>\t[{...}]", Chinese-safe JSON.
    [line] = (out / "Label.txt").read_text(encoding="utf-8").splitlines()
    assert line.startswith("ppocr/page.png\t[{")
    dataset = ppocr.read(out)
    [record] = dataset.records
    assert record.path == "page.png"
    assert [s.transcription for s in record.shapes] == [r.transcription for r in page_regions]
    for read, region in zip(record.shapes, page_regions):
        assert isinstance(read, TextRegion) and np.allclose(read.points, region.points)
    # rec_gt.txt pairs each rectified crop with its words, for training a recogniser.
    rec = (out / "rec_gt.txt").read_text(encoding="utf-8").splitlines()
    assert len(rec) == len(page_regions) and all((out / r.split("\t")[0]).is_file() for r in rec)


@pytest.mark.slow
def test_ocr_into_project_replaces_only_its_own_predictions(tmp_path, capsys, page_regions):
    root = _folder_with_page(tmp_path / "proj")
    with ProjectStore.open(root) as store:
        item = store.image_by_path("page.png")
        store.add_shape(item.id, Box(label="title", x1=0, y1=0, x2=300, y2=40))  # a person's label
        store.replace_predictions(item.id, [Box(label="title", x1=2, y1=3, x2=290, y2=38,
                                                source=Source.from_model("run-1", 0.8))], model="run-1")
        stale = TextRegion(label="text", points=[(0, 0), (9, 0), (9, 9), (0, 9)], transcription="stale",
                           source=Source.from_model(OCR_MODEL, 0.7))
        store.replace_predictions(item.id, [stale], model=OCR_MODEL)
    # The engine's own entry, as the window's subprocesses and torchrun use it.
    assert engine_main(["predict", "--ocr", str(root / "page.png"), "--into-project"]) == 0
    assert "written to the project: 1 images" in capsys.readouterr().out
    with ProjectStore.open(root, readonly=True) as store:
        item = store.image_by_path("page.png")
        ocr = [s for s in store.shapes(item.id, source="model") if s.source.model == OCR_MODEL]
        run = [s for s in store.shapes(item.id, source="model") if s.source.model == "run-1"]
        assert [s.transcription for s in ocr] == [r.transcription for r in page_regions]  # "stale" is gone
        assert len(run) == 1 and run[0].source.score == pytest.approx(0.8)
        assert [s.label for s in store.shapes(item.id, source="human")] == ["title"]


def test_ocr_options_are_checked_before_any_model_loads(tmp_path, capsys):
    image = tmp_path / "page.png"
    Image.fromarray(data.page()).save(image)
    assert main(["predict", "--ocr", str(image)]) == 1
    assert "--out DIR (PPOCRLabel Label.txt) or --into-project" in capsys.readouterr().err
    assert main(["predict", "--ocr", str(image), "--into-project"]) == 1
    assert "is in no labeltool project" in capsys.readouterr().err
    assert main(["predict", str(tmp_path), str(image), "--rec-model", "x.onnx"]) == 1
    assert "--rec-model set how text is read: add --ocr" in capsys.readouterr().err
    assert main(["predict", "--ocr", str(image), "--out", str(tmp_path / "o"), "--device", "cuda"]) == 1
    assert "--ocr runs PP-OCR on the CPU" in capsys.readouterr().err
    assert main(["predict", str(image)]) == 1
    assert "give a run and images" in capsys.readouterr().err
    assert main(["predict", "--ocr", str(image), "--out", str(tmp_path / "o"), "--box-threshold", "2"]) == 1
    assert "box threshold 2.0 is outside" in capsys.readouterr().err

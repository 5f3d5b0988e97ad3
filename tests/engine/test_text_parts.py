"""The parts of the text models (engine/text) that need no training: which
regions teach a recogniser and its characters, the Train dialog's
suggestion, CTC decoding, DBNet's kernels, ICDAR 2015's counting, lines
as the model sees them, and the registrations in the shared tables."""
from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch

from engine.checks import check_project, suggest_task, suggest_training
from engine.metric_info import METRICS, TASK_METRICS, undefined_metrics
from engine.models import ALL_TASKS, MODELS, default_model
from engine.runs import PRIMARY_METRIC
from engine.samples import collect
from engine.tasks import adapter_for
from engine.text.icdar import Icdar2015
from engine.text.kernels import kernel_maps, polygon_area_perimeter, quads_from_map, shrink, unclip
from engine.text.lines import LineLabel, collate_lines, line_width, model_input, to_input
from engine.text.reading import LineReading, ReadingScore, line_cer, worst_first
from engine.text.recognize import ctc_loss, greedy_decode
from engine.text.regions import recognition_data, text_hint
from labeltool.core import Box, ProjectStore, TextRegion
from tests.conftest import write_image

QUAD = [(10.0, 10.0), (110.0, 10.0), (110.0, 30.0), (10.0, 30.0)]


def _store(tmp_path: Path, n: int = 4) -> ProjectStore:
    for i in range(n):
        write_image(tmp_path / "p" / f"im{i}.png", 120, 40)
    return ProjectStore.open(tmp_path / "p")


def _region(text: str = "", difficult: bool = False) -> TextRegion:
    return TextRegion(label="text", points=QUAD, transcription=text, difficult=difficult)


# ------------------------------------------------------------ regions and charset
def test_a_recogniser_learns_transcribed_regions_and_their_characters(tmp_path):
    with _store(tmp_path) as store:
        ids = [i.id for i in store.images()]
        store.add_shape(ids[0], _region("ab 12"))
        store.add_shape(ids[0], _region("###", difficult=True))  # a person could not read it either
        store.add_shape(ids[1], _region("  "))  # drawn, not typed yet
        store.add_shape(ids[2], _region("收据 b"))
        store.add_shape(ids[3], Box(label="logo", x1=1, y1=1, x2=9, y2=9))
        snap = store.snapshot()
    samples, charset, warnings = recognition_data(snap)
    assert [s.rel for s in samples] == ["im0.png", "im2.png"]
    assert [r.transcription for s in samples for r in s.shapes] == ["ab 12", "收据 b"]
    assert charset == sorted(set("ab 12收据")) and charset[0] == " " and not warnings
    # The detector learns every region, difficult ones too (the loss ignores them).
    assert sum(len(s.shapes) for s in collect(snap, "textdet")[0]) == 4

    # A resumed model cannot write characters it has no output for: those lines are left out, with a word.
    samples, kept, warnings = recognition_data(snap, charset=list(" 12ab"))
    assert kept == list(" 12ab") and [s.rel for s in samples] == ["im0.png"]
    assert len(warnings) == 1 and "收" in warnings[0] and "1 text region" in warnings[0]


def test_text_regions_suggest_the_detector_then_the_recogniser_once_most_are_typed(tmp_path):
    with _store(tmp_path) as store:
        ids = [i.id for i in store.images()]
        for i in ids[:3]:
            store.add_shape(i, _region())
        store.add_shape(ids[0], _region("typed"))
        hint = text_hint(store.snapshot())
        assert (hint.task, hint.images, hint.regions, hint.transcribed) == ("textdet", 3, 4, 1)
        suggestion = suggest_training(store.snapshot())
        assert (suggestion.task, suggestion.code) == ("textdet", "text_lines")
        assert "3 images have text regions, 1 of 4 with a transcription" in suggestion.message
        assert suggest_task(store.snapshot()) == "textdet"
        # A list of tasks without the text tasks starts from the detector of boxes.
        assert suggest_task(store.snapshot(), ("detect", "instance", "segment", "classify")) == "detect"

        for s in store.shapes(ids[1]) + store.shapes(ids[2]):
            store.update_shape(s.copy(id=s.id, transcription="more"))
        suggestion = suggest_training(store.snapshot())
        assert (suggestion.task, suggestion.code) == ("recognize", "text_transcribed")
        assert suggestion.message.startswith("3 of 4 text regions have a transcription")

        for i in ids:  # boxes on more images than text: a detector of objects
            store.add_shape(i, Box(label="logo", x1=1, y1=1, x2=9, y2=9))
        assert suggest_training(store.snapshot()).task == "detect"


def test_no_transcription_blocks_the_recogniser_with_its_own_words(tmp_path):
    with _store(tmp_path) as store:
        ids = [i.id for i in store.images()]
        store.add_shape(ids[0], _region())
        store.add_shape(ids[1], _region())
        problems = check_project(store.snapshot(), "recognize")
        assert not [p for p in check_project(store.snapshot(), "textdet") if p.blocking]
    (p,) = [p for p in problems if p.code == "no_labels"]
    assert p.blocking and "text regions with a transcription" in p.message


# --------------------------------------------------------------------- CTC
def _logits(path: list[int], classes: int = 4, sure: float = 8.0) -> torch.Tensor:
    out = torch.zeros(1, len(path), classes)
    for t, k in enumerate(path):
        out[0, t, k] = sure
    return out


def test_greedy_decoding_merges_repeats_and_keeps_a_blank_separated_double_letter():
    charset = ["a", "l", "o"]
    # columns: blank a a blank l l blank l o o -> "allo" (the blank between the l's keeps both)
    (text, score), = greedy_decode(_logits([0, 1, 1, 0, 2, 2, 0, 2, 3, 3]), charset)
    assert text == "allo" and 0.99 < score <= 1.0
    # Only the line's own columns count (the rest is padding).
    assert greedy_decode(_logits([0, 1, 1, 0, 2, 2, 0, 2, 3, 3]), charset, [3])[0][0] == "a"
    assert greedy_decode(_logits([0, 0, 0]), charset) == [("", 0.0)]


def test_ctc_loss_prefers_the_right_line_and_counts_an_impossible_one_zero():
    logits = _logits([0, 1, 0, 2, 0, 3, 0, 0])  # 8 columns: 32 px of line
    codes = torch.tensor([[1, 2, 3]])
    widths = torch.tensor([32])
    right = ctc_loss(logits, codes, torch.tensor([3]), widths)
    wrong = ctc_loss(logits, torch.tensor([[3, 2, 1]]), torch.tensor([3]), widths)
    assert float(right) < 0.01 < float(wrong)
    # 12 characters cannot fit in 8 columns: no alignment; zero, not inf (one bad line must not end a run).
    long = ctc_loss(logits, torch.ones(1, 12, dtype=torch.int64), torch.tensor([12]), widths)
    assert float(long) == 0.0


# ------------------------------------------------------------------- lines
def test_lines_keep_their_aspect_up_to_ten_heights_and_batch_padded_to_the_widest():
    assert line_width(20, 100, 32) == 160  # 5 heights, a multiple of 4
    assert line_width(20, 1000, 32) == 320  # squeezed to 10 heights
    assert line_width(40, 3, 32) == 4  # at least one column
    short = np.full((20, 60, 3), 200, np.uint8)
    long = np.full((20, 100, 3), 200, np.uint8)
    batch = model_input([short, long], 32)
    assert batch.shape == (2, 3, 32, 160)
    assert torch.all(batch[0, :, :, 96:] == 0)  # padding: zero after normalising, the mean colour
    images, targets = collate_lines([to_input(cv2.resize(short, (96, 32))), to_input(cv2.resize(long, (160, 32)))],
                                    [LineLabel([1, 2]), LineLabel([3])])
    assert images.shape == (2, 3, 32, 160)
    assert targets["codes"].tolist() == [[1, 2], [3, 0]] and targets["lengths"].tolist() == [2, 1]
    assert targets["widths"].tolist() == [96, 160]


def test_reading_scores_and_the_worst_read_lines_first():
    score = ReadingScore()
    for predicted, truth in (("hello", "hello"), ("helo", "hello"), ("", "abc")):
        score.add(predicted, truth)
    assert score.accuracy == pytest.approx(1 / 3) and score.cer == pytest.approx(4 / 13)
    assert line_cer("abcd", "ab") == 1.0 and line_cer("", "") == 0.0
    lines = [LineReading("a.png", "1", QUAD, "hello", "helo", 0.9), LineReading("a.png", "2", QUAD, "ok", "ok", 0.4),
             LineReading("b.png", "3", QUAD, "abc", "", 0.0), LineReading("b.png", "4", QUAD, "no", "no", 0.99)]
    assert [r.region_id for r in worst_first(lines)] == ["3", "1", "2", "4"]  # equal CER: the least sure first


# ----------------------------------------------------------------- kernels
def _rotated_quad(cx: float, cy: float, w: float, h: float, degrees: float) -> np.ndarray:
    return cv2.boxPoints(((cx, cy), (w, h), degrees)).astype(np.float32)


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    from shapely.geometry import Polygon

    pa, pb = Polygon(a), Polygon(b)
    return pa.intersection(pb).area / pa.union(pb).area


def test_a_kernel_is_shrunk_by_dbnets_distance_and_grows_back_to_its_quad():
    quad = np.array(QUAD, np.float32)  # 100 x 20
    kernel = shrink(quad)
    area, perimeter = polygon_area_perimeter(quad)
    d = area * (1 - 0.4 ** 2) / perimeter  # 7 px
    x0, y0 = kernel.min(0)
    x1, y1 = kernel.max(0)
    assert (x0, y0, x1, y1) == pytest.approx((10 + d, 10 + d, 110 - d, 30 - d), abs=1.0)
    # DBNet's unclip gives a thin exact kernel back smaller (a model's blurred kernels are fatter)
    grown = cv2.boxPoints(cv2.minAreaRect(unclip(kernel)))
    (cx, cy), (w, h), _ = cv2.minAreaRect(grown)
    assert (cx, cy) == pytest.approx((60, 20), abs=0.5) and sorted((w, h)) == pytest.approx([14, 94], abs=1.5)
    assert shrink(np.array([(0, 0), (5, 0), (5, 0.5), (0, 0.5)], np.float32)) is None


def test_maps_mark_kernels_and_ignore_difficult_and_too_thin_regions():
    quads = [np.array(QUAD, np.float32), _rotated_quad(60, 60, 80, 16, 20), np.array([(5, 50), (40, 50), (40, 51),
                                                                                      (5, 51)], np.float32)]
    kernel, ignore = kernel_maps(quads, [False, True, False], 80, 120)
    assert kernel[20, 60] == 1 and kernel[11, 60] == 0  # inside the shrunk kernel, not at the quad's edge
    assert ignore[60, 60] == 1 and kernel[60, 60] == 0  # difficult: left out of the loss
    assert ignore[50, 20] == 1  # one pixel high: no kernel to learn


def test_a_turned_kernel_in_the_map_comes_back_as_a_turned_quad():
    truth = _rotated_quad(64, 64, 90, 18, -25)
    # a model's kernel: fatter than the drawn one (the map is blurred)
    kernel, _ = kernel_maps([truth], [False], 128, 128)
    kernel = cv2.dilate(kernel, np.ones((3, 3), np.uint8), iterations=2)
    prob = np.where(kernel > 0, 0.9, 0.05).astype(np.float32)
    (found,) = quads_from_map(prob)
    assert found.score == pytest.approx(0.9)
    assert _iou(found.points, truth) > 0.6  # ICDAR counts 0.5
    edge = found.points[1] - found.points[0]
    angle = math.degrees(math.atan2(edge[1], edge[0])) % 90
    assert min(angle, 90 - angle) == pytest.approx(25, abs=3)
    assert quads_from_map(prob * 0.5, box_threshold=0.5) == []  # a faint kernel is not text


# ------------------------------------------------------------------- ICDAR
def test_icdar2015_pairs_one_to_one_and_passes_over_do_not_care_regions():
    a = _rotated_quad(50, 20, 80, 20, 0)
    b = _rotated_quad(50, 70, 80, 20, 0)
    dc = _rotated_quad(150, 70, 40, 20, 0)
    score = Icdar2015()
    # two detections on a, one on the do-not-care region, one on nothing; b is missed
    assert score.add_image([a + 2, a, dc, a + 100], [a, b, dc], [False, False, True]) == 1
    assert (score.matched, score.truths, score.detections) == (1, 2, 3)
    assert score.precision == pytest.approx(1 / 3) and score.recall == pytest.approx(1 / 2)
    assert score.hmean == pytest.approx(0.4)
    # IoU under 0.5 is a miss
    assert Icdar2015().add_image([_rotated_quad(50, 20, 80, 20, 45)], [a]) == 0
    assert math.isnan(Icdar2015().metrics()["hmean"])


# ------------------------------------------------------------ registrations
def test_the_text_tasks_are_registered_where_the_engine_looks():
    assert {"textdet", "recognize"} <= set(ALL_TASKS)
    assert default_model("textdet") == default_model("textdet", "cpu") == "textdet_unet_resnet18"
    assert (default_model("recognize"), default_model("recognize", "cpu")) == ("crnn_resnet18",
                                                                              "crnn_mobilenet_v3_small")
    for task in ("textdet", "recognize"):
        adapter = adapter_for(task, ["text"])
        assert adapter.primary == PRIMARY_METRIC[task] and set(TASK_METRICS[task]) <= set(METRICS)
        assert undefined_metrics(task, {}, 0) == dict.fromkeys(TASK_METRICS[task], "no_val_images")
    assert not METRICS["cer"].higher_is_better and METRICS["hmean"].higher_is_better


@pytest.mark.parametrize("name", [n for n, s in MODELS.items() if s.task == "recognize"])
def test_recognisers_write_a_column_per_four_pixels_for_each_character_and_the_blank(name):
    model = MODELS[name].build(5, pretrained=False, img_size=32).eval()
    with torch.no_grad():
        out = model(torch.zeros(2, 3, 32, 96))
    assert out.shape == (2, 24, 6)
    assert model.encoder is MODELS[name].backbone(model)


def test_the_text_detector_draws_one_map_at_the_input_size():
    model = MODELS["textdet_unet_resnet18"].build(1, pretrained=False, img_size=64).eval()
    with torch.no_grad():
        assert model(torch.zeros(1, 3, 64, 64)).shape == (1, 1, 64, 64)


def test_the_train_command_takes_the_text_tasks_and_ocr_a_trained_recogniser(tmp_path):
    import argparse

    from engine.cli import add_train_arguments, config_from_args
    from engine.errors import ConfigError
    from engine.ocr import OcrSettings

    parser = argparse.ArgumentParser()
    add_train_arguments(parser)
    cfg = config_from_args(parser.parse_args([str(tmp_path), "--task", "recognize", "--device", "cpu"]))
    assert (cfg.task, cfg.model, cfg.batch_size) == ("recognize", "crnn_mobilenet_v3_small", 64)
    cfg = config_from_args(parser.parse_args([str(tmp_path), "--model", "textdet_unet_resnet34"]))
    assert (cfg.task, cfg.batch_size) == ("textdet", 8)
    with pytest.raises(ConfigError, match="choose one recogniser"):
        OcrSettings(rec_run=tmp_path, rec_model=tmp_path / "rec.onnx")

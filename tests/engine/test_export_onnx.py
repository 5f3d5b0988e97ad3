"""Every task's model exports to ONNX, and ONNX Runtime gives what the
TorchScript module gives on the same input."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.export import ONNX_OUTPUTS, export_onnx, match_detections, onnx_difference, onnx_mismatch, run_onnx, \
    to_torchscript, write_onnx
from engine.models import get_spec

TOL = 1e-4  # absolute


def _inputs(task: str, size: int) -> list[torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    if task == "detect":  # one image per call, of any size: the square it was traced at, and another
        return [torch.rand(3, size, size, generator=g), torch.rand(3, size * 2 // 3, size + 16, generator=g)]
    return [torch.rand(2, 3, size, size, generator=g)]  # a batch of two; the graph was traced with one


def _calibrate_batchnorm(model: torch.nn.Module, images: list[torch.Tensor]) -> None:
    """Give a detector's untrained BatchNorms the statistics of ``images``,
    as training would. Without it the backbone's features are too faint to
    matter and every box scores the same: a comparison of such detections
    compares how two runtimes break ties, not what they compute."""
    for bn in (m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.reset_running_stats()
        bn.momentum = None  # a plain average over what it sees
    model.backbone.train()
    with torch.no_grad():
        model.backbone(model.transform(images)[0].tensors)
    model.eval()


@pytest.mark.parametrize("name, size", [
    pytest.param("fasterrcnn_mobilenet_v3_large_320_fpn", 96, marks=pytest.mark.slow),  # ~25 s of exporting
    ("unet_resnet18", 64), ("resnet18", 64)])
def test_onnx_runs_in_onnxruntime_like_the_torchscript_module(name, size, tmp_path):
    spec = get_spec(name)
    torch.manual_seed(0)
    model = spec.build(2, pretrained=False, img_size=size).eval()
    inputs = _inputs(spec.task, size)
    if spec.task == "detect":
        _calibrate_batchnorm(model, inputs)
        model.roi_heads.score_thresh = 0.0  # an untrained detector scores everything low: keep all it finds
    path = tmp_path / "model.onnx"
    export_onnx(model, spec.task, size, path)
    scripted = to_torchscript(model, spec.task, size)
    for x in inputs:
        got = run_onnx(path, x)
        with torch.no_grad():
            out = scripted([x])[0] if spec.task == "detect" else {"logits": scripted(x)}
        want = [out[k].numpy() for k in ONNX_OUTPUTS[spec.task]]
        assert [(g.shape, g.dtype) for g in got] == [(w.shape, w.dtype) for w in want]
        if spec.task == "detect":
            assert len(np.unique(want[2])) > len(want[2]) // 2, "scores all tie: nothing would be compared"
            # Boxes in pixels: within 1e-4 of the image's side (0.01 px here; 2e-4 px measured).
            match = match_detections(want, got, box_tol=TOL * max(x.shape[1:]), score_tol=TOL)
            assert match.unmatched == 0 and match.detections == len(got[0]) > 0, match
        else:
            assert got[0].shape[0] == x.shape[0] == 2
            assert np.abs(got[0] - want[0]).max() <= TOL
    diffs = onnx_difference(model, spec.task, size, path)  # the check export_run makes
    assert onnx_mismatch(diffs, size) is None, diffs
    assert diffs["unmatched"] == 0 and diffs["detections"] > 0 if spec.task == "detect" else diffs["logits"] <= TOL


def test_detections_are_paired_by_content_not_by_order():
    boxes = np.array([[0, 0, 10, 10], [5, 5, 20, 20], [1, 1, 2, 2]], np.float32)
    labels, scores = np.array([1, 2, 1]), np.array([0.5, 0.5, 0.25], np.float32)
    want = [boxes, labels, scores]

    def match(b, l, s):
        m = match_detections(want, [b, l, s], box_tol=1.0, score_tol=0.2)
        return m.boxes, m.scores, m.unmatched

    order = [1, 0, 2]  # a tie, broken the other way
    assert match(boxes[order], labels[order], scores[order]) == (0.0, 0.0, 0)
    moved, lower = boxes.copy(), scores.copy()
    moved[2] += 0.5
    lower[0] -= 0.125
    assert match(moved, labels, lower) == pytest.approx((0.5, 0.125, 0))
    moved[2] += 1.0  # now beyond box_tol: one unpaired on each side
    assert match(moved, labels, scores)[2] == 2
    assert match(boxes, np.array([1, 2, 2]), scores)[2] == 2  # a label changed
    assert match(boxes[:2], labels[:2], scores[:2])[2] == 1  # one detection lost
    assert match(boxes[:0], labels[:0], scores[:0])[2] == 3


def test_an_export_fails_its_check_when_detections_or_logits_differ():
    assert onnx_mismatch({"logits": 1e-5, "largest_logit": 0.5}, 64) is None
    assert "up to 0.01" in onnx_mismatch({"logits": 0.01, "largest_logit": 0.5}, 64)
    assert onnx_mismatch({"logits": 0.01, "largest_logit": 40.0}, 64) is None  # 2.5e-4 of the values
    assert "shapes" in onnx_mismatch({"logits": float("inf"), "largest_logit": 1.0}, 64)
    fine = {"boxes": 0.0, "scores": 0.0, "detections": 100}
    assert onnx_mismatch({**fine, "unmatched": 10}, 800) is None  # a few NMS flips
    assert "11 of 100 detections" in onnx_mismatch({**fine, "unmatched": 11}, 800)
    assert onnx_mismatch({**fine, "unmatched": 2, "detections": 3}, 800) is None
    assert onnx_mismatch({**fine, "unmatched": 3, "detections": 3}, 800) is not None


class _Noisy(torch.nn.Module):
    """A classifier whose output PyTorch and ONNX Runtime cannot agree on:
    fresh random numbers on each side (the graph holds a RandomNormal)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.mean((2, 3)) + torch.randn(x.shape[0], 3)


def test_a_file_that_does_not_match_pytorch_is_not_kept(tmp_path):
    path = tmp_path / "model.onnx"
    why, check = write_onnx(_Noisy(), "classify", 32, path)
    assert why is not None and "logits differ" in why and check == {}
    assert not list(tmp_path.iterdir())  # neither model.onnx nor its temporary file
    why, check = write_onnx(get_spec("resnet18").build(3, pretrained=False).eval(), "classify", 32, path)
    assert why is None and path.is_file() and check["runtime"] == "onnxruntime" and check["logits"] <= TOL

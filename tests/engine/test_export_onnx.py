"""Every task's model exports to ONNX, and ONNX Runtime gives what the
TorchScript module gives on the same input."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from engine.export import ONNX_OUTPUTS, detections_difference, export_onnx, onnx_difference, onnx_tolerance, \
    run_onnx, to_torchscript
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
            boxes, scores = detections_difference(want, got)
            # Boxes in pixels: 1e-4 of the image's side (0.01 px here; 2e-4 px measured).
            assert scores <= TOL and boxes <= TOL * max(x.shape[1:]), (boxes, scores)
        else:
            assert got[0].shape[0] == x.shape[0] == 2
            assert np.abs(got[0] - want[0]).max() <= TOL
    diffs = onnx_difference(model, spec.task, size, path)  # the check export_run makes
    assert set(diffs) == ({"boxes", "scores"} if spec.task == "detect" else {"logits"})
    assert all(v <= onnx_tolerance(k, size) for k, v in diffs.items()), diffs


def test_detections_are_paired_by_content_not_by_order():
    boxes = np.array([[0, 0, 10, 10], [5, 5, 20, 20], [1, 1, 2, 2]], np.float32)
    labels, scores = np.array([1, 2, 1]), np.array([0.5, 0.5, 0.25], np.float32)
    swapped = [boxes[[1, 0, 2]], labels[[1, 0, 2]], scores[[1, 0, 2]]]  # a tie, broken the other way
    assert detections_difference([boxes, labels, scores], swapped) == (0.0, 0.0)
    moved, lower = boxes.copy(), scores.copy()
    moved[2] += 0.5
    lower[0] -= 0.125
    assert detections_difference([boxes, labels, scores], [moved, labels, lower]) == pytest.approx((0.5, 0.125))
    inf = (float("inf"), float("inf"))
    assert detections_difference([boxes, labels, scores], [boxes, np.array([1, 2, 2]), scores]) == inf
    assert detections_difference([boxes, labels, scores], [boxes[:2], labels[:2], scores[:2]]) == inf

"""Exported models give the run's predictions, and say what they are."""
from __future__ import annotations

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.export import ExportError, export_run, load_exported, match_detections, onnx_mismatch, \
    read_export_meta, run_onnx
from engine.predict import Predictor
from engine.transforms import inference_input
from labeltool.core.images import load_image

from .conftest import project_of


def _images(run: Path, n: int = 3) -> list[Path]:
    return sorted(p for p in project_of(run).rglob("*.png") if ".labeltool" not in p.parts)[:n]


def _same(a, b, tol=1e-4):
    assert [len(x) for x in a] == [len(x) for x in b]
    assert sum(len(x) for x in a) > 0, "nothing predicted: the comparison would prove nothing"
    for xs, ys in zip(a, b):
        for x, y in zip(xs, ys):
            assert (x.kind, x.label) == (y.kind, y.label)
            assert x.source.score == pytest.approx(y.source.score, abs=tol)
            if x.kind == "box":
                assert np.allclose(x.bounds(), y.bounds(), atol=tol)
            if x.kind == "mask":
                assert x.rle == y.rle


def _onnx_like_torchscript(folder: Path, images: list[Path]) -> int:
    """Run each image through model.onnx in ONNX Runtime and through the
    TorchScript file; assert the same outputs. Returns how many outputs
    (detections, or images) were compared."""
    meta = read_export_meta(folder)
    task, size = meta["task"], meta["img_size"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.load's deprecation notice
        module = torch.jit.load(str(folder / "model.torchscript.pt")).eval()
    compared = 0
    for path in images:
        x = inference_input(task, size, load_image(path))
        x = x if task == "detect" else x[None]
        got = run_onnx(folder / "model.onnx", x)
        with torch.no_grad():
            want = module([x])[0] if task == "detect" else {"logits": module(x)}
        want = [want[k].numpy() for k in meta["onnx"]["outputs"]]
        assert [g.shape for g in got] == [w.shape for w in want]
        if task == "detect":
            match = match_detections(want, got, box_tol=1e-4 * max(x.shape[1:]), score_tol=1e-4)
            assert match.unmatched == 0, match  # boxes within 1e-4 of the image's side, scores within 1e-4
        else:
            assert np.abs(got[0] - want[0]).max() <= 1e-4
        compared += len(got[0])
    return compared


@pytest.mark.parametrize("which", ["classification_run", "detection_run", "segmentation_run"])
def test_export_predicts_like_the_checkpoint_in_torchscript_and_onnx(which, request, tmp_path):
    run = request.getfixturevalue(which)
    result = export_run(run, tmp_path / "export")
    assert (tmp_path / "export" / "model.torchscript.pt").is_file()
    images = _images(run)
    expected = Predictor.from_run(run, device="cpu").predict(images, score_threshold=0.0)
    got = load_exported(tmp_path / "export", device="cpu").predict(images, score_threshold=0.0)
    _same(expected, got)
    meta = read_export_meta(result.folder)
    ckpt = torch.load(run / "best.pt", weights_only=True)
    assert meta["classes"] == ckpt["classes"] and meta["task"] == ckpt["task"]
    assert meta["img_size"] == ckpt["img_size"] and meta["model"] == ckpt["model"]
    assert "input" in meta and "output" in meta
    # Every model exports to ONNX now, detectors too, and the export checked it in ONNX Runtime.
    assert result.files["onnx"] == tmp_path / "export" / "model.onnx" and result.skipped == meta["skipped"] == {}
    assert meta["files"]["onnx"] == "model.onnx" and meta["onnx"]["opset"] >= 11
    check = meta["onnx"]["check"]
    assert check["runtime"] == "onnxruntime" and onnx_mismatch(check, meta["img_size"]) is None
    assert _onnx_like_torchscript(tmp_path / "export", images) > 0
    assert not list((tmp_path / "export").glob("*.tmp"))


@pytest.mark.filterwarnings("ignore:.*torch.jit.load.*:FutureWarning")
def test_exported_file_runs_without_labeltool(classification_run, tmp_path):
    """What someone elsewhere does: torch.jit.load and call it on a tensor."""
    export_run(classification_run, tmp_path, formats=("torchscript",))
    module = torch.jit.load(str(tmp_path / "model.torchscript.pt"))
    size = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))["img_size"]
    logits = module(torch.zeros(2, 3, size, size))
    assert logits.shape == (2, len(read_export_meta(tmp_path)["classes"]))


@pytest.mark.parametrize("missing, written", [("onnx", False), ("onnxruntime", True)])
def test_without_onnx_packages_the_export_says_what_it_could_not_do(classification_run, tmp_path, monkeypatch,
                                                                    missing, written):
    monkeypatch.setitem(sys.modules, missing, None)  # what an import sees when the package is absent
    (tmp_path / "model.onnx").write_bytes(b"an earlier export's")
    result = export_run(classification_run, tmp_path, formats=("onnx",))
    meta = read_export_meta(tmp_path)
    if written:  # the file is there, but nothing ran it
        assert result.files["onnx"].stat().st_size > 1_000_000 and not result.skipped  # the new file
        assert meta["onnx"]["check"]["runtime"] is None and "onnxruntime" in meta["onnx"]["check"]["note"]
    else:
        assert not result.files and "pip install onnx" in result.skipped["onnx"] == meta["skipped"]["onnx"]
        assert "onnx" not in meta and not (tmp_path / "model.onnx").exists()


def test_broken_export_folders_are_refused_with_a_message(tmp_path):
    with pytest.raises(ExportError, match="not an exported model"):
        load_exported(tmp_path)
    (tmp_path / "model.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ExportError, match="cannot be read"):
        load_exported(tmp_path)
    (tmp_path / "model.json").write_text(json.dumps({"format": "labeltool-export", "version": 1, "task": "detect",
                                                     "classes": ["a"], "img_size": 96}), encoding="utf-8")
    with pytest.raises(ExportError, match="no TorchScript"):
        load_exported(tmp_path)
    (tmp_path / "model.torchscript.pt").write_bytes(b"garbage")
    with pytest.raises(ExportError, match="damaged"):
        load_exported(tmp_path)


def test_cli_export_then_predict_with_the_export(detection_run, tmp_path, capsys):
    from labeltool.app.cli import main

    project = project_of(detection_run)
    assert main(["export-model", str(project), "--out", str(tmp_path / "model")]) == 0  # project: newest run
    out = capsys.readouterr().out
    assert "torchscript: model.torchscript.pt" in out and "onnx: model.onnx" in out and "skipped" not in out
    image = _images(detection_run, 1)[0]
    assert main(["predict", str(tmp_path / "model"), str(image), "--out", str(tmp_path / "json"),
                 "--score", "0.0"]) == 0
    data = json.loads((tmp_path / "json" / (image.stem + ".json")).read_text(encoding="utf-8"))
    expected = Predictor.from_run(detection_run, device="cpu").predict([image], 0.0)[0]
    assert len(data["shapes"]) == len(expected) > 0
    assert main(["export-model", str(tmp_path)]) == 1  # neither a run nor a project
    assert "neither a run folder" in capsys.readouterr().err

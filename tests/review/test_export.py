"""Exported models give the run's predictions, and say what they are."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from engine.export import ExportError, export_run, load_exported, read_export_meta
from engine.predict import Predictor

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


@pytest.mark.parametrize("which", ["classification_run", "detection_run", "segmentation_run"])
def test_torchscript_export_predicts_like_the_checkpoint(which, request, tmp_path):
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


@pytest.mark.filterwarnings("ignore:.*torch.jit.load.*:FutureWarning")
def test_exported_file_runs_without_labeltool(classification_run, tmp_path):
    """What someone elsewhere does: torch.jit.load and call it on a tensor."""
    export_run(classification_run, tmp_path)
    module = torch.jit.load(str(tmp_path / "model.torchscript.pt"))
    size = json.loads((tmp_path / "model.json").read_text(encoding="utf-8"))["img_size"]
    logits = module(torch.zeros(2, 3, size, size))
    assert logits.shape == (2, len(read_export_meta(tmp_path)["classes"]))


def test_onnx_is_written_or_skipped_with_a_reason(classification_run, detection_run, tmp_path):
    cls = export_run(classification_run, tmp_path / "cls")
    try:
        import onnx  # noqa: F401
    except ImportError:
        assert "onnx" not in cls.files and "pip install onnx" in cls.skipped["onnx"]
        assert "onnx" in read_export_meta(tmp_path / "cls")["skipped"]
    else:
        assert cls.files["onnx"].stat().st_size > 0
    det = export_run(detection_run, tmp_path / "det", formats=("onnx",))
    assert "TorchScript" in det.skipped["onnx"] and not det.files


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
    assert "torchscript: model.torchscript.pt" in capsys.readouterr().out
    image = _images(detection_run, 1)[0]
    assert main(["predict", str(tmp_path / "model"), str(image), "--out", str(tmp_path / "json"),
                 "--score", "0.0"]) == 0
    data = json.loads((tmp_path / "json" / (image.stem + ".json")).read_text(encoding="utf-8"))
    expected = Predictor.from_run(detection_run, device="cpu").predict([image], 0.0)[0]
    assert len(data["shapes"]) == len(expected) > 0
    assert main(["export-model", str(tmp_path)]) == 1  # neither a run nor a project
    assert "neither a run folder" in capsys.readouterr().err

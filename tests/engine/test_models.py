"""The model registry, pretrained weights offline, local weights files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from engine.errors import CheckpointError
from engine.models import MODELS, default_model, get_spec
from engine.models.unet import UNet
from engine.models.weights import cached_weights_path, load_weights_file
from engine.run import train

from .conftest import tiny_config


def test_registry_names_task_defaults_and_hint():
    assert {s.task for s in MODELS.values()} == {"detect", "segment", "classify"}
    for name in ("fasterrcnn_resnet50_fpn_v2", "fasterrcnn_resnet50_fpn", "fasterrcnn_mobilenet_v3_large_fpn",
                 "fasterrcnn_mobilenet_v3_large_320_fpn", "resnet18", "resnet34", "resnet50"):
        assert name in MODELS
    for spec in MODELS.values():
        assert spec.hint and spec.lr > 0 and spec.img_size > 0 and spec.batch_size > 0
    for task in ("detect", "segment", "classify"):
        assert MODELS[default_model(task)].task == task


def test_catalog_and_registry_agree():
    # The catalogue repeats, without torch, what the builders and weights enums say.
    from dataclasses import fields

    from engine.models.catalog import CATALOG, ModelEntry

    assert list(CATALOG) == list(MODELS)
    for name, entry in CATALOG.items():
        spec = MODELS[name]
        assert {f.name: getattr(spec, f.name) for f in fields(ModelEntry)} == vars(entry)
        assert entry.weights_file == os.path.basename(spec.weights.url) == cached_weights_path(spec.weights).name


@pytest.mark.parametrize("name", [n for n, s in MODELS.items() if s.task == "detect"])
def test_detectors_build_offline_with_a_predictor_for_our_classes(name):
    # No download may happen: weights and weights_backbone are both None.
    model = get_spec(name).build(num_classes=3, pretrained=False, img_size=256)
    assert model.roi_heads.box_predictor.cls_score.out_features == 4  # 3 classes + background
    assert model.transform.min_size == (256,) and model.transform.max_size == 256


def test_unet_keeps_the_input_size_and_takes_torchvision_resnet_weights():
    net = UNet(num_classes=3, depth=18).eval()
    with torch.no_grad():
        assert net(torch.zeros(1, 3, 64, 96)).shape == (1, 3, 64, 96)
    import torchvision

    state = torchvision.models.resnet18(weights=None).state_dict()
    assert load_weights_file(net, _saved(state), backbone=net.encoder) == len(
        [k for k in state if not k.startswith("fc.")])


_tmp_files: list[str] = []


def _saved(state) -> str:
    import tempfile

    fd, path = tempfile.mkstemp(suffix=".pth")
    os.close(fd)
    torch.save(state, path)
    _tmp_files.append(path)
    return path


def test_weights_file_of_another_architecture_is_refused():
    net = get_spec("resnet18").build(2, pretrained=False)
    with pytest.raises(CheckpointError, match="fits"):
        load_weights_file(net, _saved({"foo.weight": torch.zeros(3, 3)}))


def test_offline_pretrained_names_the_file_to_place(tiny_classify, tmp_path, monkeypatch, recorder):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")  # offline for sure, even with a network
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    result = train(tiny_classify, tiny_config(pretrained=True), [recorder])
    assert result.reason == "error" and result.run_dir is None
    expected = cached_weights_path(get_spec("resnet18").weights)
    assert "resnet18-f37072fd.pth" in result.message and str(expected) in result.message
    assert "--weights" in result.message and "--no-pretrained" in result.message
    assert recorder.end.message == result.message
    # The facts apart, for a window that offers its own way out (no command-line flags).
    details = recorder.end.details
    assert details == result.details and details["code"] == "weights_unavailable"
    assert Path(details["folder"]) / details["file"] == expected
    assert details["url"].endswith("/" + details["file"]) and details["reason"]

    # Placing that very file where the facts say makes the same run work offline.
    import torchvision

    expected = Path(details["folder"]) / details["file"]
    expected.parent.mkdir(parents=True, exist_ok=True)
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), expected)
    result = train(tiny_classify, tiny_config(pretrained=True, max_steps=1, epochs=1))
    assert result.reason == "finished", result.message


def test_available_devices_end_with_the_cpu():
    from engine.device import available_devices, resolve_device

    devices = available_devices()
    assert devices[-1][0] == "cpu" and "cores" in devices[-1][1]
    assert resolve_device("cpu").type == "cpu"
    if not torch.cuda.is_available():
        from engine.errors import ConfigError

        with pytest.raises(ConfigError, match="no CUDA GPU"):
            resolve_device("cuda:0")


def test_the_default_model_follows_the_device():
    import argparse

    from engine.cli import add_train_arguments, config_from_args
    from engine.device import device_kind, resolve_device
    from engine.errors import ConfigError
    from engine.models import default_model

    assert default_model("detect", "cpu") == "fasterrcnn_mobilenet_v3_large_320_fpn"
    assert default_model("detect", "cuda") == default_model("detect", "mps") == "fasterrcnn_mobilenet_v3_large_fpn"
    assert default_model("segment", "cpu") == default_model("segment") == "unet_resnet18"
    with pytest.raises(ConfigError, match="unknown kind of device"):
        default_model("detect", "tpu")
    assert device_kind("cpu") == "cpu" and device_kind("cuda:1") == "cuda" and device_kind("MPS") == "mps"
    assert device_kind("auto") == resolve_device("auto").type
    with pytest.raises(ConfigError, match="unknown device"):
        device_kind("gpu")
    # labeltool train without --model asks the same function.
    parser = argparse.ArgumentParser()
    add_train_arguments(parser)
    for device in ("cpu", "cuda"):
        config = config_from_args(parser.parse_args(["folder", "--task", "detect", "--device", device]))
        assert config.model == default_model("detect", device)

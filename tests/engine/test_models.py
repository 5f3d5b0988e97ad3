"""The model registry, pretrained weights offline, local weights files."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
import torch

from engine.errors import CheckpointError, ConfigError
from engine.models import ALL_TASKS, MODELS, default_model, get_spec
from engine.models.unet import UNet
from engine.models.weights import cached_weights_path, load_weights_file
from engine.run import train

from .conftest import tiny_config


def test_registry_names_task_defaults_and_hint():
    assert {s.task for s in MODELS.values()} == set(ALL_TASKS)
    for name in ("fasterrcnn_resnet50_fpn_v2", "fasterrcnn_resnet50_fpn", "fasterrcnn_mobilenet_v3_large_fpn",
                 "fasterrcnn_mobilenet_v3_large_320_fpn", "maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_v2",
                 "resnet18", "resnet34", "resnet50"):
        assert name in MODELS
    for spec in MODELS.values():
        assert spec.hint and spec.lr > 0 and spec.img_size > 0 and spec.batch_size > 0
    for task in ALL_TASKS:
        assert MODELS[default_model(task)].task == task == MODELS[default_model(task, "cpu")].task


def test_catalog_and_registry_agree():
    # The catalogue repeats, without torch, what the builders and weights enums say.
    from dataclasses import fields

    from engine.models.catalog import CATALOG, ModelEntry

    assert list(CATALOG) == list(MODELS)
    for name, entry in CATALOG.items():
        spec = MODELS[name]
        assert {f.name: getattr(spec, f.name) for f in fields(ModelEntry)} == vars(entry)
        if spec.weights is None:  # learns from scratch (crnn_lite): no file to fetch or cache
            assert entry.weights_file == ""
            continue
        assert entry.weights_file == os.path.basename(spec.weights.url) == cached_weights_path(spec.weights).name


@pytest.mark.parametrize("name", [n for n, s in MODELS.items() if s.task == "detect"])
def test_detectors_build_offline_with_a_predictor_for_our_classes(name):
    # No download may happen: weights and weights_backbone are both None.
    model = get_spec(name).build(num_classes=3, pretrained=False, img_size=256)
    assert model.roi_heads.box_predictor.cls_score.out_features == 4  # 3 classes + background
    assert model.transform.min_size == (256,) and model.transform.max_size == 256


@pytest.mark.parametrize("name", [n for n, s in MODELS.items() if s.task == "instance"])
def test_mask_rcnn_builds_offline_with_box_and_mask_heads_for_our_classes(name):
    model = get_spec(name).build(num_classes=3, pretrained=False, img_size=128)
    assert model.roi_heads.box_predictor.cls_score.out_features == 4  # 3 classes + background
    assert model.roi_heads.mask_predictor.mask_fcn_logits.out_channels == 4
    assert model.transform.min_size == (128,) and model.transform.max_size == 128
    assert all(p.requires_grad for p in model.backbone.body.parameters())  # from scratch: everything trains


def test_trainable_backbone_layers_freezes_a_resnet_trained_from_scratch():
    # torchvision trains every layer of a model without weights whatever the option says; we freeze as asked.
    model = get_spec("maskrcnn_resnet50_fpn").build(1, pretrained=False, img_size=128,
                                                    options={"trainable_backbone_layers": 2})
    trained = {name.split(".")[0] for name, p in model.backbone.body.named_parameters() if p.requires_grad}
    assert trained == {"layer3", "layer4"}
    assert all(p.requires_grad for p in model.backbone.fpn.parameters())
    model = get_spec("maskrcnn_resnet50_fpn").build(1, pretrained=False, img_size=128,
                                                    options={"trainable_backbone_layers": 0})
    assert not any(p.requires_grad for p in model.backbone.body.parameters())
    with pytest.raises(ConfigError, match="0 to 5"):
        get_spec("maskrcnn_resnet50_fpn").build(1, pretrained=False, options={"trainable_backbone_layers": 6})


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


def test_offline_coco_weights_of_mask_rcnn_name_their_file(tmp_path, monkeypatch, recorder):
    from .synth import instance_project

    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setenv("https_proxy", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    root = instance_project(tmp_path / "p", n=4, size=64)
    for name, file in (("maskrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"),
                       ("maskrcnn_resnet50_fpn_v2", "maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth")):
        result = train(root, tiny_config(task="instance", model=name, pretrained=True, img_size=64), [recorder])
        assert result.reason == "error" and result.run_dir is None
        assert result.details["code"] == "weights_unavailable" and result.details["file"] == file
        assert Path(result.details["folder"]) / file == cached_weights_path(get_spec(name).weights)
        assert "--no-pretrained" in result.message


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
    # No light Mask R-CNN: the lighter of the two everywhere (the tutorial's model).
    assert default_model("instance", "cpu") == default_model("instance") == "maskrcnn_resnet50_fpn"
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

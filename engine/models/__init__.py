"""The model registry: each entry names its task, how to build it for the
project's classes, and its defaults (learning rate, image size, batch).

Every builder passes ``weights`` and ``weights_backbone`` explicitly: a
torchvision detection builder given ``weights=None`` alone still downloads
its ImageNet backbone.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Literal

import torchvision
from torch import nn
from torchvision.models import detection as tvd

from ..config import Task
from ..errors import ConfigError
from .unet import UNet
from .weights import DownloadProgress, ensure_weights

# (num_outputs, weights enum or None, img_size, options): options are extra
# keyword arguments of torchvision's FasterRCNN (detection only), e.g.
# box_batch_size_per_image for images with few objects.
Builder = Callable[[int, Any, int, dict[str, Any]], nn.Module]


@dataclass(frozen=True)
class ModelSpec:
    name: str
    task: Task
    hint: str  # one line for the model menu: speed vs accuracy
    lr: float
    img_size: int  # detection: the long side; segment/classify: the square side
    batch_size: int
    optimizer: Literal["sgd", "adamw"]
    weights: Any  # the torchvision weights enum used when pretrained
    _build: Builder

    def build(self, num_classes: int, pretrained: bool, img_size: int | None = None,
              progress: DownloadProgress | None = None, options: dict[str, Any] | None = None) -> nn.Module:
        """The model for ``num_classes`` project classes (detection and
        segmentation add a background class themselves)."""
        weights = self.weights if pretrained else None
        if weights is not None:
            ensure_weights(weights, progress)
        outputs = num_classes if self.task == "classify" else num_classes + 1
        return self._build(outputs, weights, img_size or self.img_size, dict(options or {}))

    def backbone(self, model: nn.Module) -> nn.Module:
        """The ImageNet-pretrainable part (a backbone-only ``--weights`` file loads here)."""
        if self.task == "detect":
            return model.backbone.body  # type: ignore[union-attr]
        if self.task == "segment":
            return model.encoder  # type: ignore[union-attr]
        return model


def _faster_rcnn(fn: Callable[..., nn.Module]) -> Builder:
    def build(outputs: int, weights: Any, img_size: int, options: dict[str, Any]) -> nn.Module:
        # The model's own transform resizes every image so that its long side
        # is img_size (min_size = max_size), the size our dataset gives it.
        model = fn(weights=weights, weights_backbone=None, min_size=img_size, max_size=img_size, **options)
        in_features = model.roi_heads.box_predictor.cls_score.in_features
        model.roi_heads.box_predictor = tvd.faster_rcnn.FastRCNNPredictor(in_features, outputs)
        return model
    return build


def _resnet(fn: Callable[..., nn.Module]) -> Builder:
    def build(outputs: int, weights: Any, img_size: int, options: dict[str, Any]) -> nn.Module:
        model = fn(weights=weights)
        model.fc = nn.Linear(model.fc.in_features, outputs)
        return model
    return build


def _unet(depth: int) -> Builder:
    def build(outputs: int, weights: Any, img_size: int, options: dict[str, Any]) -> nn.Module:
        return UNet(outputs, depth=depth, encoder_weights=weights)
    return build


_tv = torchvision.models
MODELS: dict[str, ModelSpec] = {s.name: s for s in [
    ModelSpec("fasterrcnn_mobilenet_v3_large_320_fpn", "detect",
              "fastest (320 px): quick tries and the CPU; misses small objects",
              0.02, 320, 8, "sgd", tvd.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.DEFAULT,
              _faster_rcnn(tvd.fasterrcnn_mobilenet_v3_large_320_fpn)),
    ModelSpec("fasterrcnn_mobilenet_v3_large_fpn", "detect",
              "fast, good on medium and large objects; fine on a laptop GPU",
              0.01, 800, 4, "sgd", tvd.FasterRCNN_MobileNet_V3_Large_FPN_Weights.DEFAULT,
              _faster_rcnn(tvd.fasterrcnn_mobilenet_v3_large_fpn)),
    ModelSpec("fasterrcnn_resnet50_fpn", "detect",
              "accurate, small objects too; slow, wants a GPU",
              0.01, 800, 4, "sgd", tvd.FasterRCNN_ResNet50_FPN_Weights.DEFAULT,
              _faster_rcnn(tvd.fasterrcnn_resnet50_fpn)),
    ModelSpec("fasterrcnn_resnet50_fpn_v2", "detect",
              "most accurate boxes; slowest, wants a GPU with 8 GB or more",
              0.01, 800, 4, "sgd", tvd.FasterRCNN_ResNet50_FPN_V2_Weights.DEFAULT,
              _faster_rcnn(tvd.fasterrcnn_resnet50_fpn_v2)),
    ModelSpec("unet_resnet18", "segment",
              "fast U-Net (ResNet-18 encoder): good default, runs on the CPU",
              1e-3, 256, 8, "adamw", _tv.ResNet18_Weights.DEFAULT, _unet(18)),
    ModelSpec("unet_resnet34", "segment",
              "U-Net with a ResNet-34 encoder: finer masks, about 1.5x slower",
              1e-3, 256, 8, "adamw", _tv.ResNet34_Weights.DEFAULT, _unet(34)),
    ModelSpec("resnet18", "classify",
              "fast classifier; good with few images per class",
              0.01, 224, 32, "sgd", _tv.ResNet18_Weights.DEFAULT, _resnet(_tv.resnet18)),
    ModelSpec("resnet34", "classify",
              "deeper classifier: a little more accurate, 2x slower",
              0.01, 224, 32, "sgd", _tv.ResNet34_Weights.DEFAULT, _resnet(_tv.resnet34)),
    ModelSpec("resnet50", "classify",
              "most accurate classifier; 3x slower, wants a GPU",
              0.01, 224, 16, "sgd", _tv.ResNet50_Weights.DEFAULT, _resnet(_tv.resnet50)),
]}

_DEFAULTS: dict[str, str] = {"detect": "fasterrcnn_mobilenet_v3_large_fpn", "segment": "unet_resnet18",
                             "classify": "resnet18"}


def default_model(task: Task) -> str:
    """The registry name a new run of ``task`` starts from."""
    if task not in _DEFAULTS:
        raise ConfigError(f"unknown task {task!r}: use detect, segment or classify")
    return _DEFAULTS[task]


def get_spec(name: str) -> ModelSpec:
    try:
        return MODELS[name]
    except KeyError:
        raise ConfigError(f"unknown model {name!r}; known models: {', '.join(MODELS)}") from None


def models_for(task: Task) -> list[ModelSpec]:
    return [s for s in MODELS.values() if s.task == task]


__all__ = ["MODELS", "ModelSpec", "default_model", "get_spec", "models_for", "UNet"]

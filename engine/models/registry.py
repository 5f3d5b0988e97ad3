"""The model registry: each :mod:`catalog <engine.models.catalog>` entry
with its torchvision weights enum and how to build it for the project's
classes.

Every builder passes ``weights`` and ``weights_backbone`` explicitly: a
torchvision detection builder given ``weights=None`` alone still downloads
its ImageNet backbone.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Callable

import torchvision
from torch import nn
from torchvision.models import detection as tvd

from ..config import RCNN_TASKS, Task
from ..errors import ConfigError
from .catalog import CATALOG, ModelEntry, get_entry
from ..text.builders import TEXT_PARTS
from .unet import UNet
from .weights import DownloadProgress, ensure_weights

# (num_outputs, weights enum or None, img_size, options): options are extra
# keyword arguments of torchvision's FasterRCNN / MaskRCNN (detection and
# instance segmentation only), e.g. box_batch_size_per_image for images
# with few objects.
Builder = Callable[[int, Any, int, dict[str, Any]], nn.Module]


@dataclass(frozen=True)
class ModelSpec(ModelEntry):
    weights: Any  # the torchvision weights enum used when pretrained; None: the model has none
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
        if self.task in RCNN_TASKS:
            return model.backbone.body  # type: ignore[union-attr]
        if self.task in ("segment", "textdet", "recognize"):
            return model.encoder  # type: ignore[union-attr]
        return model


def _rcnn(fn: Callable[..., nn.Module]) -> Builder:
    """Faster or Mask R-CNN with heads for our classes (a COCO model keeps
    its backbone, FPN, RPN and the heads' hidden layers)."""
    def build(outputs: int, weights: Any, img_size: int, options: dict[str, Any]) -> nn.Module:
        # torchvision trains every backbone layer of a model from scratch,
        # whatever trainable_backbone_layers says (with a warning); we freeze
        # a ResNet's early stages as it would for a pretrained one.
        trainable = options.pop("trainable_backbone_layers", None) if weights is None else None
        # The model's own transform resizes every image so that its long side
        # is img_size (min_size = max_size), the size our dataset gives it.
        model = fn(weights=weights, weights_backbone=None, min_size=img_size, max_size=img_size, **options)
        if trainable is not None:
            freeze_resnet_body(model.backbone.body, int(trainable))
        in_features = model.roi_heads.box_predictor.cls_score.in_features
        model.roi_heads.box_predictor = tvd.faster_rcnn.FastRCNNPredictor(in_features, outputs)
        if model.roi_heads.mask_predictor is not None:  # the tutorial's swap of the mask head
            hidden = model.roi_heads.mask_predictor.conv5_mask.out_channels
            in_channels = model.roi_heads.mask_predictor.conv5_mask.in_channels
            model.roi_heads.mask_predictor = tvd.mask_rcnn.MaskRCNNPredictor(in_channels, hidden, outputs)
        return model
    return build


def freeze_resnet_body(body: nn.Module, trainable: int) -> None:
    """Train only the last ``trainable`` (0-5) stages of a ResNet body, as
    torchvision's ``trainable_backbone_layers`` does."""
    if not hasattr(body, "layer4"):
        raise ConfigError("trainable_backbone_layers from scratch is for ResNet backbones only")
    if not 0 <= trainable <= 5:
        raise ConfigError(f"trainable_backbone_layers must be 0 to 5, got {trainable}")
    train = ["layer4", "layer3", "layer2", "layer1", "conv1"][:trainable] + (["bn1"] if trainable == 5 else [])
    for name, p in body.named_parameters():
        if not any(name.startswith(layer) for layer in train):
            p.requires_grad_(False)


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
# name -> (pretrained weights, builder); the rest of each model is its catalogue entry.
_TORCH_PARTS: dict[str, tuple[Any, Builder]] = {
    "fasterrcnn_mobilenet_v3_large_320_fpn": (tvd.FasterRCNN_MobileNet_V3_Large_320_FPN_Weights.DEFAULT,
                                              _rcnn(tvd.fasterrcnn_mobilenet_v3_large_320_fpn)),
    "fasterrcnn_mobilenet_v3_large_fpn": (tvd.FasterRCNN_MobileNet_V3_Large_FPN_Weights.DEFAULT,
                                          _rcnn(tvd.fasterrcnn_mobilenet_v3_large_fpn)),
    "fasterrcnn_resnet50_fpn": (tvd.FasterRCNN_ResNet50_FPN_Weights.DEFAULT, _rcnn(tvd.fasterrcnn_resnet50_fpn)),
    "fasterrcnn_resnet50_fpn_v2": (tvd.FasterRCNN_ResNet50_FPN_V2_Weights.DEFAULT,
                                   _rcnn(tvd.fasterrcnn_resnet50_fpn_v2)),
    "maskrcnn_resnet50_fpn": (tvd.MaskRCNN_ResNet50_FPN_Weights.DEFAULT, _rcnn(tvd.maskrcnn_resnet50_fpn)),
    "maskrcnn_resnet50_fpn_v2": (tvd.MaskRCNN_ResNet50_FPN_V2_Weights.DEFAULT, _rcnn(tvd.maskrcnn_resnet50_fpn_v2)),
    "unet_resnet18": (_tv.ResNet18_Weights.DEFAULT, _unet(18)),
    "unet_resnet34": (_tv.ResNet34_Weights.DEFAULT, _unet(34)),
    "resnet18": (_tv.ResNet18_Weights.DEFAULT, _resnet(_tv.resnet18)),
    "resnet34": (_tv.ResNet34_Weights.DEFAULT, _resnet(_tv.resnet34)),
    "resnet50": (_tv.ResNet50_Weights.DEFAULT, _resnet(_tv.resnet50)),
    **TEXT_PARTS,  # text detectors and recognisers (engine/text)
}


def _spec(entry: ModelEntry) -> ModelSpec:
    weights, build = _TORCH_PARTS[entry.name]
    return ModelSpec(**{f.name: getattr(entry, f.name) for f in fields(ModelEntry)}, weights=weights, _build=build)


MODELS: dict[str, ModelSpec] = {name: _spec(entry) for name, entry in CATALOG.items()}


def get_spec(name: str) -> ModelSpec:
    return MODELS[get_entry(name).name]


def models_for(task: Task) -> list[ModelSpec]:
    return [s for s in MODELS.values() if s.task == task]

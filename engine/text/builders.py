"""The text models' torchvision parts, for :mod:`engine.models.registry`:
name -> (pretrained weights enum or None, builder). The builders take the
registry's ``(outputs, weights, img_size, options)``: a recogniser's
outputs are its characters plus CTC's blank (the registry adds one to the
classes, as for a detector's background); a text detector draws one map,
whatever the outputs."""
from __future__ import annotations

from typing import Any, Callable

import torchvision
from torch import nn

from ..models.unet import UNet
from . import crnn

Builder = Callable[[int, Any, int, dict[str, Any]], nn.Module]


def _crnn(fn: Callable[..., nn.Module]) -> Builder:
    def build(outputs: int, weights: Any, img_size: int, options: dict[str, Any]) -> nn.Module:
        return fn(outputs, weights)
    return build


def _kernel_unet(depth: int) -> Builder:
    def build(outputs: int, weights: Any, img_size: int, options: dict[str, Any]) -> nn.Module:
        return UNet(1, depth=depth, encoder_weights=weights)  # one map: the kernels' logits
    return build


_tv = torchvision.models
TEXT_PARTS: dict[str, tuple[Any, Builder]] = {
    "textdet_unet_resnet18": (_tv.ResNet18_Weights.DEFAULT, _kernel_unet(18)),
    "textdet_unet_resnet34": (_tv.ResNet34_Weights.DEFAULT, _kernel_unet(34)),
    "crnn_resnet18": (_tv.ResNet18_Weights.DEFAULT, _crnn(crnn.crnn_resnet18)),
    "crnn_mobilenet_v3_small": (_tv.MobileNet_V3_Small_Weights.DEFAULT, _crnn(crnn.crnn_mobilenet_v3_small)),
    "crnn_lite": (None, _crnn(crnn.crnn_lite)),
}

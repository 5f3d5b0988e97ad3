"""A compact U-Net whose encoder is a torchvision ResNet.

Why not segmentation_models_pytorch: it is not a dependency of labeltool,
and its pretrained encoders come from a second download mechanism (timm /
its own URLs). With the encoder taken from ``torchvision.models.resnet18/34``
the ImageNet weights arrive exactly as for the classifier and the detector
(``weights=DEFAULT`` into ``torch.hub.get_dir()``), one offline message and
one ``--weights`` option cover all three, and the whole model is ~80 lines
we can read.

Input: ``(N, 3, H, W)`` float, normalised like ImageNet, H and W multiples
of 32. Output: ``(N, num_classes, H, W)`` logits (class 0 is background).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torchvision.models import resnet18, resnet34


def _conv_bn_relu(cin: int, cout: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True))


class DecoderBlock(nn.Module):
    """Upsample x2, concatenate the skip connection, two 3x3 convolutions."""

    def __init__(self, cin: int, cskip: int, cout: int):
        super().__init__()
        self.conv = nn.Sequential(_conv_bn_relu(cin + cskip, cout), _conv_bn_relu(cout, cout))

    def forward(self, x: torch.Tensor, skip: torch.Tensor | None) -> torch.Tensor:
        size = skip.shape[-2:] if skip is not None else (x.shape[-2] * 2, x.shape[-1] * 2)
        x = F.interpolate(x, size=size, mode="bilinear", align_corners=False)
        if skip is not None:
            x = torch.cat([x, skip], dim=1)
        return self.conv(x)


class ResNetEncoder(nn.Module):
    """The stem and four stages of a torchvision ResNet (its pooling and fc
    dropped); attribute names match torchvision's so its state dict loads."""

    def __init__(self, depth: int = 18, weights: object | None = None):
        super().__init__()
        net = {18: resnet18, 34: resnet34}[depth](weights=weights)
        self.conv1, self.bn1, self.relu, self.maxpool = net.conv1, net.bn1, net.relu, net.maxpool
        self.layer1, self.layer2, self.layer3, self.layer4 = net.layer1, net.layer2, net.layer3, net.layer4
        self.channels = (64, 64, 128, 256, 512)  # strides 2, 4, 8, 16, 32

    def forward(self, x: torch.Tensor) -> list[torch.Tensor]:
        x0 = self.relu(self.bn1(self.conv1(x)))
        x1 = self.layer1(self.maxpool(x0))
        x2 = self.layer2(x1)
        x3 = self.layer3(x2)
        x4 = self.layer4(x3)
        return [x0, x1, x2, x3, x4]


class UNet(nn.Module):
    def __init__(self, num_classes: int, depth: int = 18, encoder_weights: object | None = None,
                 decoder_channels: tuple[int, ...] = (256, 128, 64, 32, 16)):
        super().__init__()
        self.encoder = ResNetEncoder(depth, encoder_weights)
        c0, c1, c2, c3, c4 = self.encoder.channels
        d = decoder_channels
        self.decoder = nn.ModuleList([
            DecoderBlock(c4, c3, d[0]),
            DecoderBlock(d[0], c2, d[1]),
            DecoderBlock(d[1], c1, d[2]),
            DecoderBlock(d[2], c0, d[3]),
            DecoderBlock(d[3], 0, d[4]),  # back to full resolution: no skip at stride 1
        ])
        self.head = nn.Conv2d(d[4], num_classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        feats = self.encoder(x)
        y = feats[-1]
        for block, skip in zip(self.decoder, [feats[3], feats[2], feats[1], feats[0], None]):
            y = block(y, skip)
        return self.head(y)

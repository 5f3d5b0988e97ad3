"""CRNN (Shi, Bai and Yao, 2015; the OCR lecture's recogniser): convolutions
turn a text line into a sequence of column features, a two-layer
bidirectional LSTM reads the sequence, and a linear layer scores each
column for every character and CTC's blank.

The convolutions are a torchvision backbone, so ImageNet weights arrive as
for every other model (``weights=DEFAULT`` into torch's hub cache): a
ResNet-18 (its first three stages) or a MobileNetV3-Small (PP-OCR's mobile
recognisers use the same family); or the lecture's VGG-style stack, thin,
which learns from scratch on a CPU in minutes. Their downsampling is changed to halve
the height only after the first stride 4, as CRNN's pooling does: a line
``height`` pixels high comes out one feature row high and ``width / 4``
columns long, one column per 4 pixels, enough for narrow characters.

Input: ``(N, 3, H, W)`` float normalised like ImageNet, H a multiple of 32
(the checkpoint's ``img_size``), W a multiple of 4. Output: ``(N, W / 4,
1 + len(charset))`` logits; column 0 is CTC's blank, column k is
``charset[k - 1]``.
"""
from __future__ import annotations

import torch
from torch import nn
from torchvision.models import mobilenet_v3_small, resnet18

COLUMN_STRIDE = 4  # input pixels per output column


def _halve_height_only(module: nn.Module) -> None:
    """Make every stride-2 convolution of ``module`` stride (2, 1)."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d) and m.stride == (2, 2):
            m.stride = (2, 1)


class ResNetLines(nn.Module):
    """ResNet-18's stem and first three stages (256 channels); stages 2 and
    3 halve the height only. Attribute names match torchvision's, so its
    ImageNet state dict loads (stage 4 is left out)."""

    channels = 256

    def __init__(self, weights: object | None = None):
        super().__init__()
        net = resnet18(weights=weights)
        self.conv1, self.bn1, self.relu, self.maxpool = net.conv1, net.bn1, net.relu, net.maxpool
        self.layer1, self.layer2, self.layer3 = net.layer1, net.layer2, net.layer3
        _halve_height_only(self.layer2)
        _halve_height_only(self.layer3)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer3(self.layer2(self.layer1(x)))


class MobileNetLines(nn.Module):
    """MobileNetV3-Small's features (576 channels); after the first two
    stride-2 blocks, the others halve the height only."""

    channels = 576

    def __init__(self, weights: object | None = None):
        super().__init__()
        self.features = mobilenet_v3_small(weights=weights).features
        for block in list(self.features)[2:]:
            _halve_height_only(block)
        # torchvision's MobileNetV3 averages batch statistics with momentum
        # 0.01, fine for ImageNet's long runs; over a few hundred steps its
        # running statistics stay near their start and validation reads
        # nothing (measured: CER 1.0 in eval mode at a training loss of 0.15).
        for m in self.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.1

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)


def _conv_bn_relu(cin: int, cout: int, stride: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(cin, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class VGGLines(nn.Module):
    """The lecture's CRNN convolutions (VGG-style 3x3 convolutions, pooling
    that halves the height only after the first stride 4), thin enough to
    learn from scratch on a CPU: no pretrained weights exist for it."""

    def __init__(self, widths: tuple[int, int, int, int] = (16, 32, 64, 96)):
        super().__init__()
        c0, c1, c2, c3 = widths
        self.channels = c3
        self.features = nn.Sequential(
            *_conv_bn_relu(3, c0, stride=2), *_conv_bn_relu(c0, c1), nn.MaxPool2d(2),
            *_conv_bn_relu(c1, c2), nn.MaxPool2d((2, 1)),
            *_conv_bn_relu(c2, c3), nn.MaxPool2d((2, 1)),
            *_conv_bn_relu(c3, c3))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)


class CRNN(nn.Module):
    """Convolutions, a BiLSTM over the columns, a linear layer per column.

    The LSTM's output is added to a projection of the column features it
    reads (a residual path): trained from scratch on generated lines, the
    plain stack stayed at CTC's all-blank plateau for 300 steps where this
    one read 95 % of the characters, and with the path the LSTM still adds
    what the convolutions alone cannot see (context across the line)."""

    def __init__(self, num_outputs: int, encoder: nn.Module, hidden: int = 256):
        super().__init__()
        self.encoder = encoder
        self.rnn = nn.LSTM(encoder.channels, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.shortcut = nn.Linear(encoder.channels, 2 * hidden)
        self.head = nn.Linear(2 * hidden, num_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        features = self.encoder(x)  # (N, C, h, W / 4); h is 1 for 32 px lines
        columns = features.mean(2).permute(0, 2, 1)  # (N, W / 4, C): a taller line's rows averaged
        return self.head(self.rnn(columns)[0] + self.shortcut(columns))


def crnn_lite(num_outputs: int, weights: object | None = None) -> CRNN:
    return CRNN(num_outputs, VGGLines(), hidden=64)


def crnn_resnet18(num_outputs: int, weights: object | None = None) -> CRNN:
    return CRNN(num_outputs, ResNetLines(weights), hidden=256)


def crnn_mobilenet_v3_small(num_outputs: int, weights: object | None = None) -> CRNN:
    return CRNN(num_outputs, MobileNetLines(weights), hidden=128)

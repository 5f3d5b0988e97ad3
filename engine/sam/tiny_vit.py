"""TinyViT as MobileSAM uses it: SAM's image encoder replaced by a 5M
parameter TinyViT (Wu et al. 2022, Microsoft, MIT licence) distilled from
SAM's ViT-H, so that SAM's prompt encoder and mask decoder work unchanged on
its 256 x 64 x 64 embedding.

Written here because MobileSAM is not on PyPI. The module tree and the
parameter names follow MobileSAM's ``mobile_sam/modeling/tiny_vit_sam.py``
(github.com/ChaoningZhang/MobileSAM, Apache-2.0) so that its published
``mobile_sam.pt`` loads as it is; MobileSAM's changes to TinyViT are kept:
the last patch merging keeps the resolution (stride 1, so a 1024 px input
gives 64 x 64 tokens) and a SAM-style neck makes 256 channels. Training-only
parts (drop path, gradient checkpointing, the classification head) are left
out.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from segment_anything.modeling.common import LayerNorm2d
from torch import nn


class Conv2d_BN(nn.Sequential):  # noqa: N801 - the name the weights' keys come from
    """A convolution without bias followed by batch norm (keys ``c``, ``bn``)."""

    def __init__(self, a: int, b: int, ks: int = 1, stride: int = 1, pad: int = 0, groups: int = 1,
                 bn_weight_init: float = 1.0):
        super().__init__()
        self.add_module("c", nn.Conv2d(a, b, ks, stride, pad, groups=groups, bias=False))
        bn = nn.BatchNorm2d(b)
        nn.init.constant_(bn.weight, bn_weight_init)
        nn.init.constant_(bn.bias, 0)
        self.add_module("bn", bn)


class PatchEmbed(nn.Module):
    """Two stride-2 convolutions: the image at a quarter of its size."""

    def __init__(self, in_chans: int, embed_dim: int):
        super().__init__()
        self.seq = nn.Sequential(Conv2d_BN(in_chans, embed_dim // 2, 3, 2, 1), nn.GELU(),
                                 Conv2d_BN(embed_dim // 2, embed_dim, 3, 2, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.seq(x)


class MBConv(nn.Module):
    """MobileNet's inverted residual: expand, depth-wise 3x3, project."""

    def __init__(self, dim: int, expand_ratio: float):
        super().__init__()
        hidden = int(dim * expand_ratio)
        self.conv1 = Conv2d_BN(dim, hidden)
        self.conv2 = Conv2d_BN(hidden, hidden, 3, 1, 1, groups=hidden)
        self.conv3 = Conv2d_BN(hidden, dim, bn_weight_init=0.0)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.act(self.conv1(x))
        y = self.act(self.conv2(y))
        return self.act(self.conv3(y) + x)


class PatchMerging(nn.Module):
    """Point-wise, depth-wise (stride 2, or 1 for MobileSAM's last stage),
    point-wise; tokens ``(B, L, C)`` or a map ``(B, C, H, W)`` in, tokens out."""

    def __init__(self, resolution: tuple[int, int], dim: int, out_dim: int, stride: int):
        super().__init__()
        self.resolution = resolution
        self.conv1 = Conv2d_BN(dim, out_dim)
        self.conv2 = Conv2d_BN(out_dim, out_dim, 3, stride, 1, groups=out_dim)
        self.conv3 = Conv2d_BN(out_dim, out_dim)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.ndim == 3:
            h, w = self.resolution
            x = x.view(x.shape[0], h, w, -1).permute(0, 3, 1, 2)
        x = self.act(self.conv1(x))
        x = self.act(self.conv2(x))
        return self.conv3(x).flatten(2).transpose(1, 2)


class Mlp(nn.Module):
    def __init__(self, dim: int, hidden: int):
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, hidden)
        self.fc2 = nn.Linear(hidden, dim)
        self.act = nn.GELU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.act(self.fc1(self.norm(x))))


class Attention(nn.Module):
    """Multi-head attention within a window, with a learnt bias per head for
    each (|dy|, |dx|) offset between two positions (LeViT's)."""

    def __init__(self, dim: int, num_heads: int, window: int):
        super().__init__()
        self.num_heads = num_heads
        self.key_dim = dim // num_heads
        self.scale = self.key_dim ** -0.5
        self.norm = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        # Offset (dy, dx) has index dy * window + dx: the order in which the
        # original numbers the offsets (first seen from position (0, 0)).
        ys, xs = torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij")
        ys, xs = ys.flatten(), xs.flatten()
        idx = (ys[:, None] - ys[None, :]).abs() * window + (xs[:, None] - xs[None, :]).abs()
        self.attention_biases = nn.Parameter(torch.zeros(num_heads, window * window))
        self.register_buffer("attention_bias_idxs", idx, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, n, _ = x.shape
        qkv = self.qkv(self.norm(x)).view(b, n, self.num_heads, -1)
        q, k, v = qkv.split([self.key_dim, self.key_dim, self.key_dim], dim=3)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        attn = (q @ k.transpose(-2, -1)) * self.scale + self.attention_biases[:, self.attention_bias_idxs]
        out = (attn.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, n, -1)
        return self.proj(out)


class TinyViTBlock(nn.Module):
    """Window attention, a depth-wise 3x3 convolution, an MLP."""

    def __init__(self, dim: int, resolution: tuple[int, int], num_heads: int, window: int, mlp_ratio: float):
        super().__init__()
        self.resolution = resolution
        self.window = window
        self.attn = Attention(dim, num_heads, window)
        self.mlp = Mlp(dim, int(dim * mlp_ratio))
        self.local_conv = Conv2d_BN(dim, dim, 3, 1, 1, groups=dim)

    def _windowed_attention(self, x: torch.Tensor) -> torch.Tensor:
        (h, w), s = self.resolution, self.window
        b, n, c = x.shape
        if h == s and w == s:
            return self.attn(x)
        x = x.view(b, h, w, c)
        pad_b, pad_r = (s - h % s) % s, (s - w % s) % s
        if pad_b or pad_r:
            x = F.pad(x, (0, 0, 0, pad_r, 0, pad_b))
        ph, pw = h + pad_b, w + pad_r
        nh, nw = ph // s, pw // s
        x = x.view(b, nh, s, nw, s, c).transpose(2, 3).reshape(b * nh * nw, s * s, c)
        x = self.attn(x)
        x = x.view(b, nh, nw, s, s, c).transpose(2, 3).reshape(b, ph, pw, c)
        return x[:, :h, :w].reshape(b, n, c)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h, w = self.resolution
        b, n, c = x.shape
        x = x + self._windowed_attention(x)
        x = self.local_conv(x.transpose(1, 2).reshape(b, c, h, w)).view(b, c, n).transpose(1, 2)
        return x + self.mlp(x)


class ConvLayer(nn.Module):
    """The first stage: MBConv blocks on the map, then a patch merging."""

    def __init__(self, dim: int, depth: int, expand_ratio: float, downsample: PatchMerging):
        super().__init__()
        self.blocks = nn.ModuleList([MBConv(dim, expand_ratio) for _ in range(depth)])
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return self.downsample(x)


class BasicLayer(nn.Module):
    """A transformer stage on tokens, with a patch merging after it but for the last."""

    def __init__(self, dim: int, resolution: tuple[int, int], depth: int, num_heads: int, window: int,
                 mlp_ratio: float, downsample: PatchMerging | None):
        super().__init__()
        self.blocks = nn.ModuleList([TinyViTBlock(dim, resolution, num_heads, window, mlp_ratio)
                                     for _ in range(depth)])
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for block in self.blocks:
            x = block(x)
        return x if self.downsample is None else self.downsample(x)


class TinyViT(nn.Module):
    """MobileSAM's image encoder: ``(B, 3, S, S)`` normalised and padded as
    SAM's, to ``(B, out_chans, S/16, S/16)``. The defaults are MobileSAM's
    (TinyViT-5M at 1024 px)."""

    def __init__(self, img_size: int = 1024, in_chans: int = 3, embed_dims: tuple[int, ...] = (64, 128, 160, 320),
                 depths: tuple[int, ...] = (2, 2, 6, 2), num_heads: tuple[int, ...] = (2, 4, 5, 10),
                 window_sizes: tuple[int, ...] = (7, 7, 14, 7), mlp_ratio: float = 4.0,
                 mbconv_expand_ratio: float = 4.0, out_chans: int = 256):
        super().__init__()
        if img_size % 64:
            raise ValueError(f"TinyViT's input size is a multiple of 64, not {img_size}")
        self.img_size = img_size
        self.patch_embed = PatchEmbed(in_chans, embed_dims[0])
        # Each stage halves the tokens' side, but the last keeps the third's
        # (S/4, S/8, S/16, S/16): MobileSAM's change for SAM's 64 x 64 embedding.
        sides = [img_size // 4 // 2 ** min(i, len(depths) - 2) for i in range(len(depths))]
        self.out_side = sides[-1]
        self.layers = nn.ModuleList()
        for i, depth in enumerate(depths):
            res = (sides[i], sides[i])
            merge = None
            if i < len(depths) - 1:
                merge = PatchMerging(res, embed_dims[i], embed_dims[i + 1], stride=sides[i] // sides[i + 1])
            if i == 0:
                self.layers.append(ConvLayer(embed_dims[0], depth, mbconv_expand_ratio, merge))
            else:
                self.layers.append(BasicLayer(embed_dims[i], res, depth, num_heads[i], window_sizes[i], mlp_ratio,
                                              merge))
        self.neck = nn.Sequential(nn.Conv2d(embed_dims[-1], out_chans, 1, bias=False), LayerNorm2d(out_chans),
                                  nn.Conv2d(out_chans, out_chans, 3, padding=1, bias=False), LayerNorm2d(out_chans))
        for m in self.modules():
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.patch_embed(x)
        for layer in self.layers:
            x = layer(x)
        b, _, c = x.shape
        x = x.view(b, self.out_side, self.out_side, c).permute(0, 3, 1, 2)
        return self.neck(x)


# Keys of MobileSAM's file that belong to TinyViT's ImageNet head, which the
# encoder does not use (its module keeps them, so its file holds them).
UNUSED_KEYS = ("image_encoder.norm_head.", "image_encoder.head.")

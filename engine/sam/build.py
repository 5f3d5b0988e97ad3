"""Building a SAM-family model and loading its weights.

Every model here is Meta's ``segment_anything.modeling.Sam``: the prompt
encoder and mask decoder of Segment Anything, behind an image encoder
(SAM's ViT-B, or MobileSAM's TinyViT). The parts are put together as
``segment_anything.build_sam`` does, with the input size as a parameter, so
that tests build the same classes smaller (a 256 px input, a shallow
encoder) and run the real code path in a second.
"""
from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Any

import torch
from segment_anything.modeling import ImageEncoderViT, MaskDecoder, PromptEncoder, Sam, TwoWayTransformer

from ..errors import CheckpointError
from .catalog import Encoder, SamModelInfo
from .tiny_vit import UNUSED_KEYS, TinyViT

PROMPT_DIM = 256  # the prompt and image embedding width of every SAM
PATCH = 16  # input pixels per embedding cell

# Meta's ViT-B (segment_anything.build_sam.build_sam_vit_b).
VIT_B = {"embed_dim": 768, "depth": 12, "num_heads": 12, "global_attn_indexes": (2, 5, 8, 11), "window_size": 14}


def build_sam(encoder: Encoder, image_size: int = 1024, **encoder_options: Any) -> Sam:
    """A SAM with random weights, in eval mode. ``encoder_options`` change
    the encoder's size (tests): ``embed_dim``, ``depth``, ``num_heads``,
    ``global_attn_indexes``, ``window_size`` for ViT; TinyViT's own
    arguments for ``tiny_vit``."""
    if encoder == "vit_b":
        o = {**VIT_B, **encoder_options}
        image_encoder: torch.nn.Module = ImageEncoderViT(
            img_size=image_size, patch_size=PATCH, embed_dim=o["embed_dim"], depth=o["depth"],
            num_heads=o["num_heads"], mlp_ratio=4, norm_layer=partial(torch.nn.LayerNorm, eps=1e-6), qkv_bias=True,
            use_rel_pos=True, global_attn_indexes=tuple(o["global_attn_indexes"]), window_size=o["window_size"],
            out_chans=PROMPT_DIM)
    elif encoder == "tiny_vit":
        image_encoder = TinyViT(img_size=image_size, out_chans=PROMPT_DIM, **encoder_options)
    else:
        raise ValueError(f"unknown SAM image encoder {encoder!r}")
    side = image_size // PATCH
    sam = Sam(
        image_encoder=image_encoder,
        prompt_encoder=PromptEncoder(embed_dim=PROMPT_DIM, image_embedding_size=(side, side),
                                     input_image_size=(image_size, image_size), mask_in_chans=16),
        mask_decoder=MaskDecoder(num_multimask_outputs=3, transformer_dim=PROMPT_DIM, iou_head_depth=3,
                                 iou_head_hidden_dim=256,
                                 transformer=TwoWayTransformer(depth=2, embedding_dim=PROMPT_DIM, mlp_dim=2048,
                                                               num_heads=8)),
        pixel_mean=[123.675, 116.28, 103.53], pixel_std=[58.395, 57.12, 57.375])
    return sam.eval()


def load_sam_weights(sam: Sam, path: str | os.PathLike, title: str = "this model") -> Sam:
    """Put the tensors of ``path`` (loaded with ``weights_only=True``) into
    ``sam``; every tensor of the architecture must be there with its shape,
    so that a truncated file, a file of another model or another SAM size
    is refused with a message saying which."""
    from .weights import load_sam_state_dict

    state = {k: v for k, v in load_sam_state_dict(path).items() if not k.startswith(UNUSED_KEYS)}
    own = sam.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    wrong = [f"{k} {tuple(state[k].shape)} instead of {tuple(own[k].shape)}" for k in own
             if k in state and state[k].shape != own[k].shape]
    if missing or unexpected or wrong:
        name = Path(path).name
        facts = "; ".join(f"{what} {len(keys)} tensors (e.g. {', '.join(keys[:3])})"
                          for what, keys in (("lacks", missing), ("has another shape for", wrong),
                                             ("has unknown", unexpected)) if keys)
        raise CheckpointError(f"{name} is not a weights file of {title}: it {facts}. Is it the file of another "
                              "model or another size of SAM?")
    sam.load_state_dict(state)
    return sam.eval()


def load_sam(info: SamModelInfo, weights: str | os.PathLike | None = None, progress: Any = None) -> Sam:
    """The model of ``info`` with its official weights (downloaded and
    checked on first use), or with the local file ``weights``."""
    from .weights import ensure_sam_weights

    path = Path(weights) if weights is not None else ensure_sam_weights(info, progress)
    return load_sam_weights(build_sam(info.encoder), path, info.title)

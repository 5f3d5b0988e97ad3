"""How an exported text model is fed (``model.json``'s ``input``,
``output`` and ONNX ``usage``), and the example its export is traced and
checked on. The export folder's ``classes`` are a recogniser's characters."""
from __future__ import annotations

from typing import Any

# A recogniser is traced and checked on a line this many heights long (any
# width a multiple of 4 runs: the graphs keep the width free).
EXAMPLE_ASPECT = 8


def example_shape(task: str, img_size: int) -> tuple[int, ...]:
    """The ``(1, 3, H, W)`` input an export of a text model is made from."""
    width = EXAMPLE_ASPECT * img_size if task == "recognize" else img_size
    return (1, 3, img_size, width)


def dynamic_axes(task: str) -> dict[str, dict[int, str]]:
    if task == "recognize":
        return {"images": {0: "batch", 3: "width"}, "logits": {0: "batch", 1: "columns"}}
    return {"images": {0: "batch"}, "logits": {0: "batch"}}


def usage(task: str, img_size: int, norm: dict[str, Any]) -> dict[str, Any]:
    if task == "recognize":
        return {"input": f"float32 (N, 3, {img_size}, W): text lines cut out upright, resized to {img_size} px high "
                         f"with their aspect kept (at most {10 * img_size} px wide), scaled to [0, 1], normalised "
                         "with mean and std, padded on the right with zeros to a common W, a multiple of 4",
                "normalise": norm,
                "output": "logits (N, W / 4, 1 + len(classes)): per column, channel 0 is CTC's blank and channel "
                          "k is classes[k - 1] (the character set); take the argmax per column, merge repeats, "
                          "drop blanks"}
    return {"input": f"float32 (N, 3, {img_size}, {img_size}): RGB with its long side scaled to {img_size}, padded "
                     "right and below, scaled to [0, 1], normalised with mean and std (the padding is 0)",
            "normalise": norm,
            "output": f"logits (N, 1, {img_size}, {img_size}): text-kernel logits (DBNet's shrunk kernels, "
                      "r = 0.4); the kernel probability is sigmoid(logit - ln 3) (the loss weighs kernel pixels "
                      "3 times): cut it at 0.5, grow each connected kernel by area x 1.5 / perimeter (DBNet's "
                      "unclip) and take its minimum-area rectangle as the text quad"}


def onnx_usage(task: str) -> str:
    if task == "recognize":
        return "as the TorchScript module: input 'images', output 'logits'; the batch size and the width are free"
    return "as the TorchScript module: input 'images', output 'logits'; the batch size is free"

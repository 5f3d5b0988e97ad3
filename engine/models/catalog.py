"""The models labeltool trains, as plain facts: name, task, one-line hint,
defaults (learning rate, image size, batch, optimiser) and the file name
the pretrained weights are cached under. No torch here: the command line's
``--help``, argument checks and run lists read this without paying seconds
of torch and torchvision imports. :mod:`engine.models.registry` adds the
torchvision builders to each entry (a test checks the two agree).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..config import Task
from ..errors import ConfigError

# Every task the engine trains, in menu order.
ALL_TASKS: tuple[Task, ...] = ("detect", "instance", "segment", "classify", "textdet", "recognize")


@dataclass(frozen=True)
class ModelEntry:
    name: str
    task: Task
    hint: str  # one line for the model menu: speed vs accuracy
    lr: float
    img_size: int  # detection: the long side; segment/classify: the square side
    batch_size: int
    optimizer: Literal["sgd", "adamw"]
    weights_file: str  # the pretrained weights' file name in torch's hub cache; "": none exist (learns from scratch)


CATALOG: dict[str, ModelEntry] = {e.name: e for e in [
    ModelEntry("fasterrcnn_mobilenet_v3_large_320_fpn", "detect",
               "fastest (320 px): quick tries and the CPU; misses small objects",
               0.02, 320, 8, "sgd", "fasterrcnn_mobilenet_v3_large_320_fpn-907ea3f9.pth"),
    ModelEntry("fasterrcnn_mobilenet_v3_large_fpn", "detect",
               "fast, good on medium and large objects; fine on a laptop GPU",
               0.01, 800, 4, "sgd", "fasterrcnn_mobilenet_v3_large_fpn-fb6a3cc7.pth"),
    ModelEntry("fasterrcnn_resnet50_fpn", "detect",
               "accurate, small objects too; slow, wants a GPU",
               0.01, 800, 4, "sgd", "fasterrcnn_resnet50_fpn_coco-258fb6c6.pth"),
    ModelEntry("fasterrcnn_resnet50_fpn_v2", "detect",
               "most accurate boxes; slowest, wants a GPU with 8 GB or more",
               0.01, 800, 4, "sgd", "fasterrcnn_resnet50_fpn_v2_coco-dd69338a.pth"),
    # The torchvision fine-tuning tutorial's model (PennFudan: batch 2, SGD lr 0.005).
    ModelEntry("maskrcnn_resnet50_fpn", "instance",
               "masks of each object (the torchvision tutorial's model); wants a GPU",
               0.005, 800, 2, "sgd", "maskrcnn_resnet50_fpn_coco-bf2d0c1e.pth"),
    ModelEntry("maskrcnn_resnet50_fpn_v2", "instance",
               "most accurate masks of each object; slowest, wants a GPU with 12 GB or more",
               0.005, 800, 2, "sgd", "maskrcnn_resnet50_fpn_v2_coco-73cbd019.pth"),
    ModelEntry("unet_resnet18", "segment",
               "fast U-Net (ResNet-18 encoder): good default, runs on the CPU",
               1e-3, 256, 8, "adamw", "resnet18-f37072fd.pth"),
    ModelEntry("unet_resnet34", "segment",
               "U-Net with a ResNet-34 encoder: finer masks, about 1.5x slower",
               1e-3, 256, 8, "adamw", "resnet34-b627a593.pth"),
    ModelEntry("resnet18", "classify",
               "fast classifier; good with few images per class",
               0.01, 224, 32, "sgd", "resnet18-f37072fd.pth"),
    ModelEntry("resnet34", "classify",
               "deeper classifier: a little more accurate, 2x slower",
               0.01, 224, 32, "sgd", "resnet34-b627a593.pth"),
    ModelEntry("resnet50", "classify",
               "most accurate classifier; 3x slower, wants a GPU",
               0.01, 224, 16, "sgd", "resnet50-11ad3fa6.pth"),
    # Text (engine/text): img_size is the square side of a detector, the line height of a recogniser;
    # a recogniser's batch counts lines.
    ModelEntry("textdet_unet_resnet18", "textdet",
               "finds text lines at any angle as quads (U-Net, ResNet-18 encoder, DBNet's shrunk kernels)",
               1e-3, 512, 8, "adamw", "resnet18-f37072fd.pth"),
    ModelEntry("textdet_unet_resnet34", "textdet",
               "text lines with a ResNet-34 encoder: crowded pages, small print; about 1.5x slower",
               1e-3, 512, 8, "adamw", "resnet34-b627a593.pth"),
    ModelEntry("crnn_resnet18", "recognize",
               "reads text lines (CRNN: ResNet-18 convolutions, BiLSTM, CTC); accurate, wants a GPU",
               1e-3, 32, 64, "adamw", "resnet18-f37072fd.pth"),
    ModelEntry("crnn_mobilenet_v3_small", "recognize",
               "reads text lines with MobileNetV3-Small convolutions: fast, runs on the CPU",
               1e-3, 32, 64, "adamw", "mobilenet_v3_small-047dcff4.pth"),
    ModelEntry("crnn_lite", "recognize",
               "the lecture's CRNN, thin and learnt from scratch (no pretrained weights): quick tries on the CPU, "
               "needs thousands of lines",
               3e-3, 32, 32, "adamw", ""),
]}

DeviceKind = Literal["cuda", "mps", "cpu"]
DEVICE_KINDS: tuple[DeviceKind, ...] = ("cuda", "mps", "cpu")

# The model a new run of each task starts from, on a GPU.
DEFAULT_MODELS: dict[str, str] = {"detect": "fasterrcnn_mobilenet_v3_large_fpn",
                                  "instance": "maskrcnn_resnet50_fpn", "segment": "unet_resnet18",
                                  "classify": "resnet18", "textdet": "textdet_unet_resnet18",
                                  "recognize": "crnn_resnet18"}
# ... and where it differs, on a CPU: the 800 px detector takes several
# seconds a step there, the 320 px one about 1.5 s on two cores. Mask
# R-CNN has no light variant: the v1 model is the lighter one (v2 adds
# a convolution head and more FPN work).
CPU_DEFAULT_MODELS: dict[str, str] = {**DEFAULT_MODELS, "detect": "fasterrcnn_mobilenet_v3_large_320_fpn",
                                      "recognize": "crnn_mobilenet_v3_small"}


def default_model(task: Task, device_kind: DeviceKind = "cuda") -> str:
    """The catalogue name a new run of ``task`` starts from on a device of
    ``device_kind`` (``engine.device.device_kind`` tells it for a device
    name, ``auto`` included). The Train dialog and ``labeltool train``
    without ``--model`` both ask here."""
    if task not in DEFAULT_MODELS:
        raise ConfigError(f"unknown task {task!r}: use {', '.join(ALL_TASKS)}")
    if device_kind not in DEVICE_KINDS:
        raise ConfigError(f"unknown kind of device {device_kind!r}: use {', '.join(DEVICE_KINDS)}")
    return (CPU_DEFAULT_MODELS if device_kind == "cpu" else DEFAULT_MODELS)[task]


def get_entry(name: str) -> ModelEntry:
    try:
        return CATALOG[name]
    except KeyError:
        raise ConfigError(f"unknown model {name!r}; known models: {', '.join(CATALOG)}") from None


def model_names(task: Task | None = None) -> list[str]:
    """Names of the models (of ``task``), in menu order."""
    return [name for name, e in CATALOG.items() if task is None or e.task == task]

"""What a training run is asked to do (``config.json`` of a run)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Task = Literal["detect", "instance", "segment", "classify", "recognize", "textdet"]
# Which train/validation split a run uses: "stored", the project's own
# (images an import or a person put in train / val / test); "auto", the
# seeded split of the labelled images by ``val_fraction``. None: stored
# when the project has validation images of its own, else auto.
SplitChoice = Literal["stored", "auto"]
# The tasks a torchvision R-CNN learns: images of any size in a list,
# targets as dicts of boxes (and masks), resized inside the model.
RCNN_TASKS: tuple[str, ...] = ("detect", "instance")
# The text tasks (engine/text): a detector of quads and a recogniser of lines.
TEXT_TASKS: tuple[str, ...] = ("textdet", "recognize")


@dataclass
class TrainConfig:
    task: Task
    model: str  # a name from engine.models' registry
    epochs: int = 20
    batch_size: int = 4
    lr: float | None = None  # None: the model's default
    img_size: int | None = None  # None: the model's default
    device: str = "auto"  # auto | cpu | cuda | cuda:N | mps
    pretrained: bool = True
    weights: str | None = None  # a local weights file instead of downloading
    val_fraction: float = 0.2  # the "auto" split's share of validation images
    split: SplitChoice | None = None
    seed: int = 0
    workers: int | None = None  # None: chosen from the CPU count
    optimizer: Literal["sgd", "adamw"] | None = None
    schedule: Literal["cosine", "onecycle", "constant"] = "cosine"
    warmup_steps: int | None = None
    grad_clip: float | None = 10.0
    amp: bool = True  # only on CUDA
    freeze_backbone_stages: int = 0  # classify
    backbone_lr_mult: float = 1.0  # classify: lr multiplier of the pretrained part
    early_stop_patience: int | None = None
    max_steps: int | None = None  # stop after this many steps (tests, quick tries)
    predictions_every_epoch: int = 4  # how many val images to stream with predictions
    resume: str | None = None  # a run folder to continue from its last.pt
    # Free-form options: "detector" (extra keyword arguments of torchvision's
    # FasterRCNN / MaskRCNN, e.g. {"box_batch_size_per_image": 128};
    # "trainable_backbone_layers" freezes a ResNet trained from scratch too);
    # "debug_nan_at_step" / "debug_nan_rank" (fault injection: poison the
    # loss at that step, to test NaN handling).
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "TrainConfig":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})

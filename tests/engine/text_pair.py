"""A text detector and a recogniser with a known answer, for the tests of
reading text with a trained pair (engine.ocr, the CLI, the window).

A model trained for the few steps a test can afford reads nothing yet (CTC
stays all blank for a couple of hundred steps; the detector finds no line
before about forty), so after training for real the tests set each run's
output layer to one lesson: the detector marks every pixel as text (the
whole image is one line), the recogniser writes one character on every
column (greedy decoding merges them into that character). Everything else
(loading the run, the crops, the decoding, the review) is the real code."""
from __future__ import annotations

from pathlib import Path

import torch

from engine.checkpoint import load_checkpoint
from engine.config import TrainConfig
from engine.run import train

TINY = dict(epochs=1, batch_size=4, device="cpu", pretrained=False, workers=0, max_steps=1, val_fraction=0.25,
            predictions_every_epoch=0)


def train_tiny(root: Path, task: str, model: str, **overrides: object) -> Path:
    """A real run of ``task`` on ``root`` for one step; its folder."""
    result = train(root, TrainConfig(task=task, model=model, **{**TINY, **overrides}), [])
    assert result.reason == "finished", result.message
    return Path(result.run_dir)


def teach_one_answer(run_dir: Path, character: str | None = None) -> str:
    """Set the run's output layer (every checkpoint it keeps) to one answer:
    a recogniser writes ``character`` (default: its first letter) on every column,
    a text detector marks everything as text. Returns what the recogniser
    writes ("" for a detector)."""
    written = ""
    for name in ("best.pt", "last.pt"):
        path = Path(run_dir) / name
        if not path.is_file():
            continue
        ckpt = load_checkpoint(path)
        sd = ckpt["state_dict"]
        sd["head.weight"].zero_()
        if ckpt["task"] == "recognize":
            classes = list(ckpt["classes"])
            written = character if character is not None else next(c for c in classes if c.strip())
            sd["head.bias"].fill_(-20.0)
            sd["head.bias"][1 + classes.index(written)] = 20.0  # column 0 is CTC's blank
        else:
            sd["head.bias"].fill_(20.0)
        torch.save(ckpt, path)
    return written

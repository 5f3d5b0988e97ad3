"""Checkpoints load with weights_only=True: a pickle that runs code is refused."""
from __future__ import annotations

import os

import pytest
import torch

from engine.checkpoint import load_checkpoint, save_checkpoint
from engine.errors import CheckpointError
from engine.predict import Predictor


class _Payload:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_checkpoint_with_a_code_payload_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    run = tmp_path / "run"
    run.mkdir()
    torch.save({"format": "labeltool-checkpoint", "version": 1, "state_dict": {}, "x": _Payload(str(marker))},
               run / "best.pt")
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(run / "best.pt")
    with pytest.raises(CheckpointError, match="refused"):
        Predictor.from_run(run)
    assert not marker.exists()


def test_checkpoint_round_trip_and_damaged_file(tmp_path):
    path = tmp_path / "last.pt"
    save_checkpoint(path, {"model": "resnet18", "classes": ["猫", "dog"], "step": 3,
                           "state_dict": {"w": torch.ones(2)}, "best_metric": None})
    data = load_checkpoint(path)
    assert data["classes"] == ["猫", "dog"] and data["step"] == 3
    assert torch.equal(data["state_dict"]["w"], torch.ones(2))
    path.write_bytes(path.read_bytes()[:50])
    with pytest.raises(CheckpointError, match="damaged"):
        load_checkpoint(path)
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "nope.pt")

"""A recogniser's character set (Chinese here, with Latin and digits) is
built from the transcriptions and travels with the run: config.json, its
checkpoints, a resumed run, the export's model.json, and the exported
model's output columns."""
from __future__ import annotations

import json

import pytest
import torch

from engine.checkpoint import load_checkpoint
from engine.config import TrainConfig
from engine.export import export_run, run_onnx
from engine.predict import load_model
from engine.run import train
from engine.runs import RunFolder
from engine.text.lines import model_input
from labeltool.core import ProjectStore, TextRegion

from .text_synth import cjk_font, line_project

pytestmark = pytest.mark.slow  # three real training steps, a resume and an export: about 20 s

CHINESE = "收据金额合计日期税号"
ALPHABET = CHINESE + "ab12"


@pytest.fixture(scope="module")
def font() -> str | None:
    return cjk_font()


def test_a_chinese_charset_round_trips_through_a_run_and_its_export(tmp_path, recorder, font):
    # With a CJK font (fc-list :lang=zh) the lines show their characters; without one the
    # default font draws boxes and the test is about the transcriptions alone.
    root = line_project(tmp_path / "p", n=12, seed=3, alphabet=ALPHABET, font_path=font, sep="")
    with ProjectStore.open(root, readonly=True) as store:
        texts = [s.transcription for i in store.snapshot().images for s in i.shapes]
    charset = sorted(set("".join(texts)))
    assert any(ch in CHINESE for ch in charset)
    cfg = TrainConfig(task="recognize", model="crnn_lite", epochs=2, batch_size=4, device="cpu", pretrained=False,
                      workers=0, max_steps=3, val_fraction=0.25, predictions_every_epoch=1)
    result = train(root, cfg, [recorder])
    assert result.reason == "finished", result.message
    run = RunFolder(result.run_dir)
    assert run.config()["classes"] == charset
    assert json.loads(run.config_path.read_text(encoding="utf-8"))["classes"] == charset  # UTF-8, not \\u escapes
    assert "\\u" not in run.config_path.read_text(encoding="utf-8")
    for name in ("best.pt", "last.pt"):
        assert load_checkpoint(result.run_dir / name)["classes"] == charset
    assert recorder.start.classes == charset

    # A character added since is one the resumed model cannot write: its line is left out, with a word.
    with ProjectStore.open(root) as store:
        item = store.images()[0]
        store.add_shape(item.id, TextRegion(label="text", points=[(1, 1), (30, 1), (30, 12), (1, 12)],
                                            transcription="新"))
    more = train(root, TrainConfig.from_dict({**run.config(), "resume": str(result.run_dir), "max_steps": 4}),
                 [recorder])
    assert more.reason == "finished", more.message
    assert load_checkpoint(result.run_dir / "last.pt")["classes"] == charset
    assert any("新" in w for w in recorder.logs("warning"))

    # The export carries it, and its graphs write one column per character and the blank.
    export = export_run(result.run_dir, tmp_path / "export")
    assert set(export.files) == {"torchscript", "onnx"}, export.skipped
    meta = json.loads((tmp_path / "export" / "model.json").read_text(encoding="utf-8"))
    assert meta["classes"] == charset and meta["task"] == "recognize"
    predictor = load_model(tmp_path / "export", device="cpu")
    assert predictor.classes == charset
    x = model_input([torch.randint(0, 255, (24, 90, 3), dtype=torch.uint8).numpy()], 32)  # 120 px wide
    (logits,) = run_onnx(tmp_path / "export" / "model.onnx", x)
    assert logits.shape == (1, 30, len(charset) + 1)
    with torch.no_grad():
        assert torch.allclose(predictor.model(x), torch.from_numpy(logits), atol=1e-4)
    with ProjectStore.open(root, readonly=True) as store:
        image = store.snapshot().images[1]
    from labeltool.core.images import load_image

    (reading,) = predictor.adapter.predict(predictor.model, [load_image(image.path)], 32, predictor.device, "x",
                                           regions=[image.shapes])[0]
    assert set(reading.transcription) <= set(charset)

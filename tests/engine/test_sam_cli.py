"""``labeltool predict --boxes-to-masks``: the boxes of a project's images
become mask predictions, with MobileSAM's real architecture and random
weights written by the test (--sam-weights), loaded with weights_only."""
from __future__ import annotations

import json

import pytest
import torch

from engine.sam import BOXES_MODEL
from engine.sam.build import build_sam
from labeltool.app.cli import main
from labeltool.core import ProjectStore
from labeltool.core.shapes import Box, Mask, Source

from ..conftest import write_image


@pytest.fixture
def project(tmp_path):
    root = tmp_path / "proj"
    write_image(root / "street.jpg", 120, 90)
    write_image(root / "empty.jpg", 50, 40)
    with ProjectStore.open(root) as store:
        item = store.image_by_path("street.jpg")
        store.add_shape(item.id, Box(label="car", x1=10, y1=20, x2=70, y2=80, occluded=True))
        store.replace_predictions(item.id, [Box(label="person", x1=80, y1=10, x2=110, y2=85,
                                                source=Source.from_model("run-1", 0.9))], model="run-1")
    return root


@pytest.fixture
def weights(tmp_path):
    torch.manual_seed(0)
    path = tmp_path / "mobile_sam_random.pt"
    torch.save(build_sam("tiny_vit").state_dict(), path)
    return path


@pytest.mark.slow
def test_boxes_become_mask_predictions_in_the_project_and_labelme_masks_in_a_folder(project, weights, tmp_path,
                                                                                  capsys):
    args = ["predict", "--boxes-to-masks", "--sam-weights", str(weights)]
    assert main(args + ["--into-project", str(project)]) == 0
    out = capsys.readouterr().out
    assert "2 masks from 2 boxes on 1 images (mobile-sam, decoder " in out and "1 images without boxes" in out
    with ProjectStore.open(project, create=False, scan=False) as store:
        item = store.image_by_path("street.jpg")
        masks = [s for s in store.shapes(item.id) if isinstance(s, Mask)]
        # One prediction per box, with the box's label and flags; the boxes stay.
        assert sorted((m.label, m.occluded, m.source.model, m.size) for m in masks) == [
            ("car", True, BOXES_MODEL, (90, 120)), ("person", False, BOXES_MODEL, (90, 120))]
        assert all(m.source.is_model and 0 <= m.source.score <= 1 for m in masks)
        assert len([s for s in store.shapes(item.id) if isinstance(s, Box)]) == 2
        before = {s.id for s in store.shapes(item.id)}

    # A person's boxes only, to labelme files: the project is left as it was.
    out_dir = tmp_path / "labelme"
    assert main(args + ["--box-source", "human", "--out", str(out_dir), str(project / "street.jpg")]) == 0
    assert "1 masks from 1 boxes on 1 images" in capsys.readouterr().out
    doc = json.loads((out_dir / "street.json").read_text(encoding="utf-8"))
    [shape] = doc["shapes"]
    assert shape["label"] == "car" and shape["shape_type"] == "mask"
    with ProjectStore.open(project, create=False, scan=False) as store:
        assert {s.id for s in store.shapes(store.image_by_path("street.jpg").id)} == before


def test_options_of_boxes_to_masks_are_checked_before_any_model_loads(project, tmp_path, capsys):
    image = str(project / "street.jpg")
    cases = [
        (["predict", "--sam-model", "sam-vit-b", "run", image], "--sam-model set how boxes become masks: add "
                                                                "--boxes-to-masks"),
        (["predict", "--boxes-to-masks", "--ocr", "--out", str(tmp_path / "o"), image],
         "choose one of --ocr and --boxes-to-masks"),
        (["predict", "--boxes-to-masks", image], "say where the masks go"),
        (["predict", "--boxes-to-masks", "--device", "cuda", "--into-project", image], "--device belong to a "
                                                                                       "trained run"),
    ]
    for argv, message in cases:
        assert main(argv) == 1, argv
        assert message in capsys.readouterr().err, argv
    with pytest.raises(SystemExit):  # argparse: not a model we know
        main(["predict", "--boxes-to-masks", "--sam-model", "sam-vit-h", "--into-project", image])
    assert "invalid choice: 'sam-vit-h'" in capsys.readouterr().err


def test_an_image_outside_any_project_is_refused_by_name(tmp_path, capsys):
    loose = write_image(tmp_path / "loose" / "a.jpg")
    assert main(["predict", "--boxes-to-masks", "--into-project", str(loose)]) == 1
    assert "a.jpg is in no labeltool project: the boxes come from a project's labels" in capsys.readouterr().err


def test_images_without_boxes_load_no_model(project, capsys):
    # No weights given and none cached: it must not try to download what it does not need.
    assert main(["predict", "--boxes-to-masks", "--into-project", str(project / "empty.jpg")]) == 0
    assert "no boxes on the 1 images: nothing to decode" in capsys.readouterr().out

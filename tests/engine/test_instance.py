"""Every instance label trains: detector and Mask R-CNN targets from
polygons, masks and groups of parts through the one transforms.v2
pipeline; crowd regions never positives; the suggestion of a task from the
labels; predictions as masks or polygons in review and in COCO results."""
from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pytest
import torch
from pycocotools import mask as mask_utils
from torchvision import tv_tensors

from engine.checks import INSTANCE_SHARE, suggest_task, suggest_training
from engine.coco_results import coco_results, ids_from_ground_truth, ids_from_names
from engine.data import LabelledImages, collate, object_target
from engine.review import compare_image, evaluate, iou_matrix, truths_for
from engine.samples import collect, group_objects
from engine.transforms import eval_transform, train_transform
from labeltool.core import Box, ImageStatus, ImageTag, Mask, Polygon, ProjectStore, Source, TextRegion
from labeltool.core.raster import shape_mask
from tests.conftest import write_image

from .synth import instance_project

H = W = 64


def _square(x: float, y: float, s: float, label: str = "leaf", group: int | None = None, **attributes) -> Polygon:
    return Polygon(label=label, points=[(x, y), (x + s, y), (x + s, y + s), (x, y + s)], group=group,
                   attributes=attributes)


def _parts() -> list:
    """A polygon, a mask, an object in two grouped parts and a crowd region."""
    mask = np.zeros((H, W), bool)
    mask[40:52, 6:20] = True
    return [_square(4, 4, 12), Mask.from_array(mask, label="leaf"),
            _square(30, 6, 8, group=7), _square(44, 6, 8, group=7),
            _square(30, 30, 20, iscrowd=1)]


def test_objects_are_shapes_or_groups_of_one_class():
    a, b = _square(0, 0, 4, group=1), _square(8, 0, 4, group=1)
    other_class = _square(16, 0, 4, label="stem", group=1)  # a group joins one class's parts only
    alone = _square(32, 0, 4)
    sign = TextRegion(label="sign", points=[(0, 9), (4, 9), (4, 12), (0, 12)], group=1)  # trains as "text"
    street = TextRegion(label="street", points=[(5, 9), (9, 9), (9, 12), (5, 12)], group=1)
    objects = group_objects([a, other_class, b, alone, sign, street])
    assert [[s.id for s in o] for o in objects] == [[a.id, b.id], [other_class.id], [alone.id],
                                                    [sign.id, street.id]]


def test_instance_targets_hold_one_mask_per_object_and_leave_crowds_out():
    shapes = _parts()
    target = object_target(shapes, H, W, {"leaf": 0}, masks=True)
    masks = target["masks"].numpy().astype(bool)
    assert isinstance(target["masks"], tv_tensors.Mask) and masks.shape == (3, H, W)  # the crowd is left out
    assert target["labels"].tolist() == [1, 1, 1]
    expected = [shape_mask(shapes[0], H, W), shapes[1].to_array(),
                shape_mask(shapes[2], H, W) | shape_mask(shapes[3], H, W)]  # the group: the union of its parts
    for got, want in zip(masks, expected):
        assert (got == want).all()
    assert target["boxes"].tolist() == [[4, 4, 16, 16], [6, 40, 20, 52], [30, 6, 52, 14]]
    assert "iscrowd" not in target
    kept = object_target(shapes, H, W, {"leaf": 0}, masks=True, keep_crowd=True)  # validation: flagged
    assert kept["masks"].shape[0] == 4 and kept["iscrowd"].tolist() == [False, False, False, True]


def test_masks_boxes_labels_and_crowd_flags_move_and_drop_together_in_the_pipeline():
    shapes = _parts()
    image = tv_tensors.Image(torch.randint(0, 255, (3, H, W), dtype=torch.uint8))
    torch.manual_seed(0)
    dropped = 0
    for transform in [train_transform("instance", 48)] * 40 + [eval_transform("instance", 48)]:
        target = object_target(shapes, H, W, {"leaf": 0}, masks=True, keep_crowd=True)
        out_image, out = transform(image, target)
        n = len(out["boxes"])
        dropped += 4 - n
        assert out["masks"].shape == (n, *out_image.shape[-2:]) and len(out["labels"]) == len(out["iscrowd"]) == n
        for box, mask in zip(out["boxes"].tolist(), out["masks"].numpy().astype(bool)):
            ys, xs = np.nonzero(mask)
            if len(xs):  # each mask lies in its own box, wherever flips, crops and zooms took them
                assert box[0] - 1 <= xs.min() and xs.max() + 1 <= box[2] + 1
                assert box[1] - 1 <= ys.min() and ys.max() + 1 <= box[3] + 1
    assert dropped > 0  # crops did cut objects away: the check above covered dropping too


def test_a_detector_learns_boxes_polygons_masks_and_groups_as_boxes(tmp_path: Path):
    root = tmp_path / "p"
    write_image(root / "a.png", W, H)
    with ProjectStore.open(root) as store:
        (item,) = store.images()
        for s in _parts() + [Box(label="car", x1=1, y1=50, x2=9, y2=60),
                             TextRegion(label="sign", points=[(50, 50), (60, 50), (60, 60), (50, 60)])]:
            store.add_shape(item.id, s)
        snapshot = store.snapshot()
    samples, classes, _ = collect(snapshot, "detect")
    assert classes == ["leaf", "car", "text"]  # text regions train as the one class "text"
    target = object_target(samples[0].shapes, H, W, {c: i for i, c in enumerate(classes)})
    assert "masks" not in target and target["labels"].tolist() == [1, 1, 1, 2, 3]  # a group is one box
    assert target["boxes"].tolist()[:3] == [[4, 4, 16, 16], [6, 40, 20, 52], [30, 6, 52, 14]]
    assert {s.kind for s in collect(snapshot, "instance")[0][0].shapes} == {"polygon", "mask"}


def test_a_batch_of_instance_images_from_a_project(tmp_path: Path):
    root = instance_project(tmp_path / "p", n=3, size=48, as_masks=True)
    with ProjectStore.open(root, readonly=True) as store:
        snapshot = store.snapshot()
    samples, classes, _ = collect(snapshot, "instance")
    ds = LabelledImages(samples, "instance", classes, eval_transform("instance", 48))
    batch = collate([ds[i] for i in range(3)])
    for image, target, sample in zip(batch.images, batch.targets, samples):
        assert type(target["masks"]) is torch.Tensor and target["masks"].dtype == torch.uint8
        assert target["masks"].shape == (len(sample.shapes), *image.shape[-2:])
        want = np.stack([s.to_array() for s in sample.shapes])
        assert (target["masks"].numpy().astype(bool) == want).all()


# ---------------------------------------------------------------- suggestion
def _labelled(tmp_path: Path, shapes_per_image: list[list]) -> ProjectStore:
    root = tmp_path / "s"
    for i in range(len(shapes_per_image)):
        write_image(root / f"{i}.png", W, H)
    store = ProjectStore.open(root)
    for item, shapes in zip(store.images(), shapes_per_image):
        for s in shapes:
            store.add_shape(item.id, s.copy())  # the lists repeat shapes: each image its own
        store.set_status(item.id, ImageStatus.DONE)
    return store


def test_several_objects_per_image_suggest_mask_rcnn_one_region_per_class_a_unet(tmp_path: Path):
    few = int(np.ceil(INSTANCE_SHARE * 8))
    several = [[_square(2, 2, 8), _square(20, 20, 8)]] * few + [[_square(2, 2, 8)]] * (8 - few)
    with _labelled(tmp_path / "a", several) as store:
        s = suggest_training(store.snapshot())
        assert (s.task, s.code, s.params) == ("instance", "several_objects", {"several": few, "n": 8})
        assert "Mask R-CNN" in s.message and f"{few} of 8" in s.message
        assert suggest_task(store.snapshot()) == "instance"
        # a list of tasks without "instance" gets the U-Net
        assert suggest_task(store.snapshot(), ("detect", "segment", "classify")) == "segment"
    one_each = [[_square(2, 2, 8), _square(20, 20, 8, label="stem")]] * 8  # two regions, of two classes
    one_each[0] = [_square(2, 2, 8), _square(20, 20, 8)]  # one image with two of a class: under the share
    with _labelled(tmp_path / "b", one_each) as store:
        s = suggest_training(store.snapshot())
        assert (s.task, s.code) == ("segment", "one_region_per_class") and "U-Net" in s.message
    grouped = [[_square(2, 2, 8, group=1), _square(20, 20, 8, group=1)]] * 4  # one object in two parts
    with _labelled(tmp_path / "c", grouped) as store:
        assert suggest_training(store.snapshot()).task == "segment"
    crowds = [[_square(2, 2, 8), _square(20, 20, 8, iscrowd=1)]] * 4  # a crowd region is no second object
    with _labelled(tmp_path / "d", crowds) as store:
        assert suggest_training(store.snapshot()).task == "segment"
    boxes = [[Box(label="car", x1=1, y1=1, x2=9, y2=9)]] * 5 + [[_square(2, 2, 8), _square(20, 20, 8)]] * 4
    with _labelled(tmp_path / "e", boxes) as store:
        assert suggest_training(store.snapshot()).code == "boxes"
    tags = [[ImageTag(label="day")]] * 3
    with _labelled(tmp_path / "f", tags) as store:
        assert suggest_training(store.snapshot()).task == "classify"


# --------------------------------------------------------- review, results
def _scored(shape, score: float):
    return shape.copy(source=Source.from_model("run", score))


def test_review_judges_instance_predictions_by_their_pixels():
    truth = _square(10, 10, 20)
    # A polygon prediction shaped like a triangle inside the truth's square: the same bounding box, half
    # the pixels. Pixel IoU says 0.5; box IoU would say 1.
    tri = _scored(Polygon(label="leaf", points=[(10, 10), (30, 10), (10, 30)]), 0.9)
    as_mask = _scored(Mask.from_array(shape_mask(tri, H, W), label="leaf"), 0.9)
    for pred in (tri, as_mask):
        iou = iou_matrix([pred], [truth])[0, 0]
        assert 0.45 < iou < 0.6, pred.kind
    assert iou_matrix([_scored(Box(label="leaf", x1=10, y1=10, x2=30, y2=30), 0.9)], [truth])[0, 0] == 1.0
    assert truths_for([tri], [truth, Box(label="x", x1=0, y1=0, x2=1, y2=1)]) == [truth]
    assert {s.kind for s in truths_for([_scored(Box(label="leaf", x1=0, y1=0, x2=1, y2=1), 0.5)],
                                       [truth, as_mask])} == {"polygon", "mask"}  # a detector's truths
    good = _scored(_square(11, 11, 19), 0.8)
    result = compare_image([good, tri], [truth])
    assert result.verdict(good.id) == "tp" and result.verdict(tri.id) == "fp"


def test_the_report_ignores_what_lies_on_a_crowd_region():
    truth, crowd = _square(2, 2, 20), _square(30, 30, 30, iscrowd=1)
    on_crowd, found = _scored(_square(32, 32, 10), 0.95), _scored(_square(2, 2, 19), 0.9)
    report = evaluate([([on_crowd, found], [truth, crowd])], ["leaf"])
    leaf = report.per_class["leaf"]
    assert leaf.truths == 1 and leaf.ap == 1.0 and leaf.precision == 1.0 and leaf.recall == 1.0
    assert report.confusion.tolist() == [[1, 0], [0, 0]]  # nothing missed, no false alarm


def _coco_gt(root: Path, images: list[Path]) -> Path:
    """A COCO annotation file of ``images`` as labeltool's export writes it."""
    from labeltool.formats import coco
    from labeltool.formats.records import ImageRecord

    records = [ImageRecord(path=f"pics/{p.name}", width=W, height=H, shapes=[_square(8, 8, 24), _square(40, 40, 16)],
                           source=p) for p in images]
    coco.write(records, root / "gt", ["leaf"], copy_mode="copy")
    return next((root / "gt").rglob("*.json"))


def test_coco_results_are_read_by_pycocotools_and_score_the_truth_perfectly(tmp_path: Path):
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    images = []
    for name in ("b.png", "a.png"):
        write_image(tmp_path / "pics" / name, W, H)
        images.append(tmp_path / "pics" / name)
    gt_file = _coco_gt(tmp_path, images)
    # Predicted as the model gives them: one object as a mask, one as two grouped polygon parts.
    whole = _scored(Mask.from_array(shape_mask(_square(8, 8, 24), H, W), label="leaf"), 0.9)
    left = _scored(Polygon(label="leaf", points=[(40, 40), (48, 40), (48, 56), (40, 56)], group=2), 0.8)
    right = _scored(Polygon(label="leaf", points=[(48, 40), (56, 40), (56, 56), (48, 56)], group=2), 0.7)
    ids = ids_from_ground_truth(gt_file, images, ["leaf"])
    results = coco_results([(p, H, W, [whole, left, right]) for p in images], ids)
    assert len(results) == 4 and all(isinstance(r["segmentation"]["counts"], str) for r in results)
    assert {r["score"] for r in results} == {0.9, 0.8}  # a group: one result, its best part's score
    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(gt_file))
        dt = gt.loadRes(results)
        assert sorted(dt.getImgIds()) == sorted(gt.getImgIds())
        for iou_type in ("segm", "bbox"):
            ev = COCOeval(gt, dt, iou_type)
            ev.evaluate()
            ev.accumulate()
            ev.summarize()
            assert ev.stats[0] == pytest.approx(1.0), iou_type
    areas = sorted(mask_utils.area(r["segmentation"]) for r in results)
    assert areas == [256, 256, 576, 576]  # the group's two halves make the whole square


def test_coco_ids_without_a_ground_truth_file(tmp_path: Path):
    coco_named = [Path("/x/000000000139.jpg"), Path("/x/000000000285.jpg")]
    assert ids_from_names(coco_named, ["a", "b"]).images == {coco_named[0]: 139, coco_named[1]: 285}
    plain = [Path("/x/b.png"), Path("/x/a.png")]
    ids = ids_from_names(plain, ["a", "b"])
    assert ids.images == {plain[0]: 1, plain[1]: 2} and ids.categories == {"a": 1, "b": 2}
    write_image(tmp_path / "pics" / "a.png", W, H)
    gt = _coco_gt(tmp_path, [tmp_path / "pics" / "a.png"])
    from engine.errors import ConfigError

    with pytest.raises(ConfigError, match="no image named b.png"):
        ids_from_ground_truth(gt, [tmp_path / "pics" / "b.png"], ["leaf"])
    with pytest.raises(ConfigError, match="no category 'stem'"):
        ids_from_ground_truth(gt, [tmp_path / "pics" / "a.png"], ["leaf", "stem"])

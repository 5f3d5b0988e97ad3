"""engine.review: matching by the COCO rule, the review queue, the report."""
from __future__ import annotations

import numpy as np
import pytest

from engine.evaluation import average_precision
from engine.review import (NONE_CLASS, ReviewEntry, compare_image, evaluate, iou_matrix, rank_review_queue,
                           summary_text, truths_for, uncertainty)
from labeltool.core.shapes import Box, ImageTag, Mask, Polygon, Source, TextRegion
from tests.coco_reference import cocoeval, random_scene


def gt(label, x1, y1, x2, y2, **kw):
    return Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2, **kw)


def pred(label, score, x1, y1, x2, y2):
    return Box(label=label, x1=x1, y1=y1, x2=x2, y2=y2, source=Source.from_model("run", score))


def tag(label, score=None, **attrs):
    src = Source.from_model("run", score) if score is not None else Source()
    return ImageTag(label=label, source=src, attributes=attrs)


def test_box_iou_values():
    a = [pred("a", 0.9, 0, 0, 10, 10)]
    b = [gt("a", 0, 0, 10, 10), gt("a", 5, 0, 15, 10), gt("a", 20, 20, 30, 30)]
    assert iou_matrix(a, b) == pytest.approx(np.array([[1.0, 50 / 150, 0.0]]))


def test_greedy_by_score_gives_the_truth_to_the_surer_prediction():
    truth = [gt("cat", 0, 0, 10, 10)]
    low = pred("cat", 0.3, 0, 0, 10, 10)  # perfect overlap but less sure
    high = pred("cat", 0.9, 1, 0, 11, 10)  # IoU 9/11
    c = compare_image([low, high], truth)
    assert [(p, t) for p, t, _ in c.true_positives] == [(high.id, truth[0].id)]
    assert c.false_positives == [low.id]
    assert c.verdict(low.id) == "fp" and c.verdict(high.id) == "tp" and c.verdict(truth[0].id) == "tp"


def test_other_class_never_matches_but_is_reported_as_wrong_class():
    truth = [gt("cat", 0, 0, 10, 10)]
    p = pred("dog", 0.95, 0, 0, 10, 10)
    c = compare_image([p], truth)
    assert c.true_positives == [] and c.missed == [truth[0].id]
    assert c.wrong_class == [(p.id, truth[0].id, 1.0)] and c.verdict(p.id) == "wrong_class"
    assert c.disagreement == pytest.approx(1.95 + 1.0)  # wrong class + the missed cat


def test_iou_below_threshold_is_a_miss_and_a_false_positive():
    truth = [gt("cat", 0, 0, 10, 10)]
    p = pred("cat", 0.9, 6, 0, 16, 10)  # IoU 0.25
    c = compare_image([p], truth)
    assert c.summary() == {"tp": 0, "fp": 1, "missed": 1, "wrong_class": 0}


def test_mask_iou_against_polygon_truth():
    a = np.zeros((20, 20), bool)
    a[0:10, 0:10] = True
    m = Mask.from_array(a, label="road", source=Source.from_model("run", 0.8))
    poly = Polygon(label="road", points=[(0, 0), (10, 0), (10, 20), (0, 20)])  # 10 x 20 filled
    iou = iou_matrix([m], [poly])[0, 0]
    assert iou == pytest.approx(0.5, abs=0.06)  # pycocotools rasterises polygon edges
    assert compare_image([m], [poly], iou_threshold=0.4).verdict(m.id) == "tp"


def test_semantic_mode_judges_one_class_mask_against_all_its_polygons():
    a = np.zeros((20, 60), bool)
    a[0:10, 0:10] = a[0:10, 20:30] = a[0:10, 40:50] = True
    m = Mask.from_array(a, label="cell", source=Source.from_model("run", 0.9))
    polys = [Polygon(label="cell", points=[(x, 0), (x + 10, 0), (x + 10, 10), (x, 10)]) for x in (0, 20, 40)]
    assert compare_image([m], polys).summary()["tp"] == 0  # each polygon is a third of the mask
    c = compare_image([m], polys, semantic=True)
    assert {t for _, t, _ in c.true_positives} == {p.id for p in polys} and c.missed == []


def test_tags_match_by_class():
    c = compare_image([tag("dog", 0.8)], [tag("cat")])
    assert c.wrong_class and c.verdict(c.wrong_class[0][0]) == "wrong_class"
    ok = compare_image([tag("cat", 0.8)], [tag("cat")])
    assert ok.summary() == {"tp": 1, "fp": 0, "missed": 0, "wrong_class": 0}


def test_queue_puts_the_mislabelled_image_first():
    # Three images where the model agrees with the labels, one where the
    # person labelled a dog "cat" and the model is sure it is a dog.
    entries = []
    for i in range(3):
        t = gt("cat", 10, 10, 50, 50)
        entries.append(ReviewEntry(i, [pred("cat", 0.9, 11, 10, 50, 51)], [t]))
    entries.append(ReviewEntry(3, [pred("dog", 0.97, 10, 10, 50, 50)], [gt("cat", 10, 10, 50, 50)]))
    entries.append(ReviewEntry(4, [pred("cat", 0.8, 10, 10, 50, 50)], [gt("cat", 10, 10, 50, 50)]))
    queue = rank_review_queue(entries)
    assert queue[0].image_id == 3 and queue[0].kind == "disagreement"
    assert queue[0].counts["wrong_class"] == 1
    assert [q.image_id for q in queue][-1] == 4  # perfect agreement: priority 0, last


def test_queue_forgotten_object_outranks_a_loose_box():
    loose = ReviewEntry(0, [pred("cat", 0.9, 0, 0, 10, 12)], [gt("cat", 0, 0, 10, 10)])
    forgotten = ReviewEntry(1, [pred("cat", 0.9, 0, 0, 10, 10), pred("cat", 0.95, 30, 30, 40, 40)],
                            [gt("cat", 0, 0, 10, 10)])
    assert [q.image_id for q in rank_review_queue([loose, forgotten])] == [1, 0]


def test_queue_unlabelled_by_uncertainty_after_mistakes():
    sure = ReviewEntry(10, [pred("cat", 0.99, 0, 0, 5, 5)])
    unsure = ReviewEntry(11, [pred("cat", 0.5, 0, 0, 5, 5), pred("cat", 0.45, 9, 9, 19, 19)])
    wrong = ReviewEntry(12, [], [gt("cat", 0, 0, 5, 5)])
    assert [q.image_id for q in rank_review_queue([sure, unsure, wrong])] == [12, 11, 10]
    assert [q.image_id for q in rank_review_queue([sure, unsure, wrong], mode="uncertain")] == [11, 10]
    assert [q.image_id for q in rank_review_queue([sure, unsure, wrong], mode="mistakes")] == [12]


def test_uncertainty_of_class_scores_is_normalised_entropy():
    assert uncertainty([tag("a", 0.5, scores={"a": 0.5, "b": 0.5})]) == pytest.approx(1.0)
    assert uncertainty([tag("a", 0.99, scores={"a": 0.99, "b": 0.01})]) < 0.1
    assert uncertainty([tag("a", 0.7)]) == pytest.approx(0.3)
    assert uncertainty([]) == 0.0


def test_average_precision_textbook_case():
    # 2 truths; predictions TP (0.9), FP (0.8), TP (0.7): precision 1, .5, .67
    ap, rc, pr = average_precision(np.array([0.9, 0.8, 0.7]), np.array([[True, False, True]]), 2)
    assert rc[0].tolist() == [0.5, 0.5, 1.0]
    # envelope: 1 for recall <= .5 (51 points), 2/3 above (50 points)
    assert ap[0] == pytest.approx((51 * 1.0 + 50 * 2 / 3) / 101)


@pytest.mark.parametrize("seed,iou", [(0, 0.5), (1, 0.5), (2, 0.5), (3, 0.75), (4, 0.5)])
def test_per_class_ap_equals_pycocotools_cocoeval(seed, iou):
    # Images without truths or predictions, equal scores, equal IoUs, over
    # 100 predictions of a class in an image, twelve classes.
    samples, classes = random_scene(np.random.default_rng(seed))
    precision, _ = cocoeval(samples, classes, [iou])
    report = evaluate(samples, classes, iou_threshold=iou)
    for k, c in enumerate(classes):
        if (precision[0, :, k] == -1).all():  # no truth: COCOeval leaves it out
            assert report.per_class[c].ap is None and report.per_class[c].truths == 0
        else:
            assert report.per_class[c].ap == pytest.approx(precision[0, :, k].mean(), abs=1e-12), c
    assert sum(m.ap is not None for m in report.per_class.values()) > 3


def test_report_confusion_matrix_and_precision_recall():
    samples = [
        ([pred("cat", 0.9, 0, 0, 10, 10)], [gt("cat", 0, 0, 10, 10)]),
        ([pred("dog", 0.9, 0, 0, 10, 10)], [gt("cat", 0, 0, 10, 10)]),  # confused
        ([pred("dog", 0.8, 50, 50, 60, 60), pred("dog", 0.2, 0, 0, 9, 9)], [gt("dog", 0, 0, 10, 10)]),
    ]
    r = evaluate(samples, ["cat", "dog"], score_threshold=0.5)
    assert r.confusion_labels == ["cat", "dog", NONE_CLASS]
    assert r.confusion.tolist() == [[1, 1, 0],   # cat: once right, once called dog
                                    [0, 0, 1],   # dog: missed (its 0.2 prediction is below 0.5)
                                    [0, 1, 0]]   # background called dog once
    assert r.per_class["cat"].recall == 0.5 and r.per_class["cat"].precision == 1.0
    assert r.per_class["dog"].precision == 0.0 and r.per_class["dog"].truths == 1
    assert r.per_class["dog"].ap == pytest.approx(1 / 3 * 101 / 101, abs=0.01)  # TP at rank 3 of 3


def test_report_pixel_iou_for_masks():
    a = np.zeros((10, 10), bool)
    a[:, :5] = True
    b = np.zeros((10, 10), bool)
    b[:, :4] = True
    p = Mask.from_array(a, label="sky", source=Source.from_model("run", 0.9))
    t = Mask.from_array(b, label="sky")
    r = evaluate([([p], [t])], ["sky"], semantic=True)
    assert r.per_class["sky"].iou == pytest.approx(0.8) and r.per_class["sky"].ap == 1.0


def test_summary_names_the_weak_class_and_why():
    samples = [([pred("person", 0.9, 0, 0, 10, 10)], [gt("person", 0, 0, 10, 10)]),
               ([pred("car", 0.9, 40, 40, 50, 50)], [gt("car", 0, 0, 10, 10)])]
    text = summary_text(evaluate(samples, ["person", "car"]), {"person": 120, "car": 9}, unit="boxes")
    assert text.startswith("mAP@0.50 0.50: person AP 1.00; car AP 0.00")
    assert "car has only 9 training boxes" in text
    assert "only" not in summary_text(evaluate(samples, ["person", "car"]), {"person": 120, "car": 100})


def test_predictions_are_judged_against_the_human_shapes_of_their_kind():
    box, poly = Box(label="cat", x1=0, y1=0, x2=5, y2=5), Polygon(label="cat", points=[(0, 0), (5, 0), (5, 5)])
    tag, text = ImageTag(label="cat"), TextRegion(label="word", points=[(0, 0), (9, 0), (9, 3), (0, 3)])
    predicted_box = Box(label="cat", x1=1, y1=1, x2=5, y2=5, source=Source.from_model("m", 0.9))
    # A detector learns from polygons and masks too (as their boxes): they are what it is judged on.
    assert truths_for([predicted_box], [box, poly, tag, text]) == [box, poly, text]
    predicted_tag = ImageTag(label="cat", source=Source.from_model("m", 0.9))
    assert truths_for([predicted_tag], [box, poly, tag]) == [tag]
    assert truths_for([], [box, tag]) == []
    # A text detector predicts one "text" class: the labelled regions are judged as that class.
    predicted_text = TextRegion(label="text", points=text.points, source=Source.from_model("m", 0.9))
    judged = truths_for([predicted_text], [box, text])
    assert [(s.id, s.label) for s in judged] == [(box.id, "cat"), (text.id, "text")]

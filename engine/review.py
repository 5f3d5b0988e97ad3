"""Judging a model's predictions against the labels, without Qt or torch.

* :func:`compare_image` pairs one image's predictions with its human shapes
  by the COCO rule (IoU >= 0.5, same class, greedy by score): true
  positives, false positives, missed objects, and predictions that sit on an
  object of another class (the likeliest sign of a labelling mistake).
* :func:`rank_review_queue` orders images for a person to look at, fastai's
  "top losses" idea: labelled images where the model disagrees most first,
  then unlabelled images where the model is least sure (active learning).
* :func:`evaluate` builds the model report: per-class AP at IoU 0.5 with
  its precision/recall curve (COCOeval's numbers, from
  :mod:`engine.evaluation`, which the training metrics use too), pixel IoU
  for masks (COCO's pixels, :mod:`labeltool.core.raster`), and a confusion
  matrix.

Image-level tags (classification) go through the same code: a predicted tag
"overlaps" a true tag of the same image with IoU 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Iterable, Literal, Sequence

import numpy as np

from labeltool.core.raster import shape_rle
from labeltool.core.shapes import ImageTag, Mask, Polygon, Shape, TextRegion

from .evaluation import IGNORED, APEvaluator, box_iou, greedy_match, mask_iou
from .samples import TEXT_CLASS, is_crowd

Verdict = Literal["tp", "fp", "fn", "wrong_class"]
NONE_CLASS = "(none)"  # the background row/column of a detection confusion matrix


# ------------------------------------------------------------------ IoU
def _score(shape: Shape) -> float:
    s = shape.source.score
    return 1.0 if s is None else float(s)


def _bounds(shape: Shape) -> tuple[float, float, float, float]:
    b = shape.bounds()
    return b if b is not None else (0.0, 0.0, 0.0, 0.0)


def iou_matrix(predictions: Sequence[Shape], truths: Sequence[Shape], crowd: Sequence[bool] | None = None
               ) -> np.ndarray:
    """IoU of each prediction (rows) with each true shape (columns).

    A box prediction is compared with the bounding box of the truth; a mask
    or polygon prediction (an instance or segmentation model's) with the
    truth's pixels (pycocotools' ``mask.iou`` on RLEs, the training metric's
    segm IoU); tags with tags (1) — class is not looked at here. Against a
    ``crowd`` truth the union is the prediction alone, as in COCOeval.
    """
    out = np.zeros((len(predictions), len(truths)))
    if not len(predictions) or not len(truths):
        return out
    regions = [i for i, p in enumerate(predictions) if isinstance(p, (Mask, Polygon))]
    boxes = [i for i, p in enumerate(predictions) if not isinstance(p, (Mask, Polygon, ImageTag))]
    tags = [i for i, p in enumerate(predictions) if isinstance(p, ImageTag)]
    geo = [j for j, t in enumerate(truths) if not isinstance(t, ImageTag)]
    flags = [bool(crowd[j]) for j in geo] if crowd is not None else None
    if boxes and geo:
        a = np.array([_bounds(predictions[i]) for i in boxes], dtype=np.float64)
        b = np.array([_bounds(truths[j]) for j in geo], dtype=np.float64)
        out[np.ix_(boxes, geo)] = box_iou(a, b, flags)
    if regions and geo:
        h, w = _canvas([predictions[i] for i in regions] + [truths[j] for j in geo])
        dt = [shape_rle(predictions[i], h, w) for i in regions]
        gt = [shape_rle(truths[j], h, w) for j in geo]
        out[np.ix_(regions, geo)] = mask_iou(dt, gt, flags)  # type: ignore[arg-type]
    tag_truths = [j for j, t in enumerate(truths) if isinstance(t, ImageTag)]
    if tags and tag_truths:
        out[np.ix_(tags, tag_truths)] = 1.0
    return out


def _canvas(shapes: Sequence[Shape]) -> tuple[int, int]:
    """The pixel grid to compare regions on: a mask's image, else one that
    holds every shape (pixel IoU does not depend on the grid's margin)."""
    for s in shapes:
        if isinstance(s, Mask):
            return s.size
    bounds = [b for b in (s.bounds() for s in shapes) if b is not None]
    return (max(1, math.ceil(max((b[3] for b in bounds), default=1.0)) + 1),
            max(1, math.ceil(max((b[2] for b in bounds), default=1.0)) + 1))


# ------------------------------------------------------------- matching
@dataclass
class ImageComparison:
    """How one image's predictions relate to its labels (shape ids)."""

    true_positives: list[tuple[str, str, float]] = field(default_factory=list)  # (pred, truth, iou)
    false_positives: list[str] = field(default_factory=list)  # includes the wrong-class ones
    missed: list[str] = field(default_factory=list)  # true shapes no prediction of their class found
    wrong_class: list[tuple[str, str, float]] = field(default_factory=list)  # (pred, truth, iou)
    scores: dict[str, float] = field(default_factory=dict)  # prediction id -> score

    def verdict(self, shape_id: str) -> Verdict | None:
        """What a prediction or a true shape turned out to be (None: not compared)."""
        if any(p == shape_id or t == shape_id for p, t, _ in self.true_positives):
            return "tp"
        if any(p == shape_id for p, _, _ in self.wrong_class):
            return "wrong_class"
        if shape_id in self.false_positives:
            return "fp"
        if shape_id in self.missed:
            return "fn"
        return None

    @property
    def disagreement(self) -> float:
        """How strongly the model contradicts the labels of this image.

        A confident prediction on an object labelled as another class counts
        most (1 + score): a wrong label, or a wrong model, either way worth a
        look. A confident prediction where nothing is labelled counts its
        score (a forgotten object?), a missed object counts 1 (a box on
        nothing?), and a loose match counts ``1 - IoU`` (a sloppy box?).
        """
        d = sum(1.0 + self.scores.get(p, 1.0) for p, _, _ in self.wrong_class)
        wrong = {p for p, _, _ in self.wrong_class}
        d += sum(self.scores.get(p, 1.0) for p in self.false_positives if p not in wrong)
        d += float(len(self.missed))
        d += sum(1.0 - iou for _, _, iou in self.true_positives)
        return d

    def summary(self) -> dict[str, int]:
        return {"tp": len(self.true_positives), "fp": len(self.false_positives),
                "missed": len(self.missed), "wrong_class": len(self.wrong_class)}


def _greedy(order: Sequence[int], ious: np.ndarray, allowed: np.ndarray, threshold: float,
            taken: np.ndarray) -> list[tuple[int, int, float]]:
    """COCOeval's matching (:func:`engine.evaluation.greedy_match`) of the
    predictions in ``order``: ``(prediction, truth, iou)`` pairs; ``taken``
    (truths already matched) is updated."""
    order = list(order)
    if not order:
        return []
    found = greedy_match(ious[order], [threshold], allowed[order], taken.reshape(1, -1))[0]
    return [(order[k], int(j), float(ious[order[k], j])) for k, j in enumerate(found) if j >= 0]


def _by_score(predictions: Sequence[Shape]) -> list[int]:
    # A stable sort, as COCOeval's mergesort: equal scores keep their order.
    return sorted(range(len(predictions)), key=lambda i: -_score(predictions[i]))


def compare_image(predictions: Sequence[Shape], truths: Sequence[Shape], iou_threshold: float = 0.5,
                  semantic: bool = False) -> ImageComparison:
    """Match one image's predictions with its true shapes.

    ``semantic=True`` (a segmentation model that paints one mask per class)
    first joins each class's true shapes into one, so that one predicted
    "road" mask is judged against all the road, not against one polygon.
    """
    predictions, truths = list(predictions), list(truths)
    if semantic:
        truths = _union_by_class(truths, predictions)
    result = ImageComparison(scores={p.id: _score(p) for p in predictions})
    ious = iou_matrix(predictions, truths)
    same = np.array([[p.label == t.label for t in truths] for p in predictions], dtype=bool).reshape(ious.shape)
    taken = np.zeros(len(truths), dtype=bool)
    order = _by_score(predictions)
    matched = _greedy(order, ious, same, iou_threshold, taken)
    hit = {i for i, _, _ in matched}
    truth_ids = [t.attributes.get("_members", [t.id]) for t in truths]
    for i, j, iou in matched:
        for tid in truth_ids[j]:
            result.true_positives.append((predictions[i].id, tid, iou))
    free = [i for i in order if i not in hit]
    other = _greedy(free, ious, ~same, iou_threshold, np.zeros(len(truths), dtype=bool))
    for i, j, iou in other:
        result.wrong_class.append((predictions[i].id, truth_ids[j][0], iou))
    result.false_positives = [predictions[i].id for i in free]
    result.missed = [tid for j in np.where(~taken)[0] for tid in truth_ids[j]]
    return result


def _union_by_class(truths: list[Shape], predictions: list[Shape]) -> list[Shape]:
    """One truth per class, the union of its shapes (``_members``: their ids),
    on the grid of the mask predictions. With none to give the grid (an
    image the model found nothing on) the first shape of each class stands
    for the class: only what it misses is then asked of it."""
    from pycocotools import mask as mask_utils

    groups: dict[str, list[Shape]] = {}
    for t in truths:
        groups.setdefault(t.label, []).append(t)
    sized = [p for p in predictions if isinstance(p, Mask)]
    out: list[Shape] = []
    for label, members in groups.items():
        ids = [t.id for t in members]
        if not sized:
            out.append(replace(members[0], attributes={**members[0].attributes, "_members": ids}))
            continue
        h, w = sized[0].size
        rle = mask_utils.merge([shape_rle(t, h, w) for t in members], intersect=False)
        out.append(Mask(label=label, rle={"size": [int(s) for s in rle["size"]], "counts": rle["counts"]},
                        attributes={"_members": ids}))
    return out


# Which human shapes a prediction of each kind is judged against: a
# detector learns from every region label (polygons and masks as their
# bounding boxes), an instance or segmentation model from polygons and masks.
TRUTH_KINDS = {"box": ("box", "text", "polygon", "mask"), "text": ("box", "text", "polygon", "mask"),
               "mask": ("polygon", "mask"), "polygon": ("polygon", "mask"), "tag": ("tag",)}


def truths_for(predictions: Sequence[Shape], humans: Sequence[Shape]) -> list[Shape]:
    """The human shapes the model's kind of prediction can be compared
    with; text regions under the class a detector predicts them as."""
    kinds = {k for p in predictions for k in TRUTH_KINDS.get(p.kind, ())}
    out = [h for h in humans if h.kind in kinds]
    if any(isinstance(p, TextRegion) for p in predictions):
        out = [replace(h, label=TEXT_CLASS) if isinstance(h, TextRegion) else h for h in out]
    return out


# ---------------------------------------------------------- review queue
@dataclass
class ReviewEntry:
    """One image as the queue sees it: the model's predictions and, if the
    image is labelled, the human shapes."""

    image_id: int
    predictions: list[Shape]
    truths: list[Shape] = field(default_factory=list)

    @property
    def labelled(self) -> bool:
        return bool(self.truths)


@dataclass
class ReviewItem:
    image_id: int
    priority: float
    kind: Literal["disagreement", "uncertainty"]
    counts: dict[str, int] = field(default_factory=dict)


def uncertainty(predictions: Sequence[Shape]) -> float:
    """How unsure the model is about an unlabelled image.

    Classification: the normalised entropy of the class scores when the tag
    carries them (``attributes["scores"]``), else ``1 - top score``.
    Detection and masks: each prediction adds ``1 - |2s - 1|``, 1 at a
    coin-flip score of 0.5 and 0 at 0 or 1, a soft count of the objects the
    model cannot decide on.
    """
    if not predictions:
        return 0.0
    tags = [p for p in predictions if isinstance(p, ImageTag)]
    if tags:
        top = max(tags, key=_score)
        dist = top.attributes.get("scores")
        if isinstance(dist, dict) and len(dist) > 1:
            p = np.clip(np.array([float(v) for v in dist.values()]), 1e-12, None)
            p = p / p.sum()
            return float(-(p * np.log(p)).sum() / math.log(len(p)))
        return 1.0 - _score(top)
    return float(sum(1.0 - abs(2.0 * _score(p) - 1.0) for p in predictions))


def rank_review_queue(entries: Iterable[ReviewEntry], iou_threshold: float = 0.5, semantic: bool = False,
                      mode: Literal["all", "mistakes", "uncertain"] = "all") -> list[ReviewItem]:
    """Images in the order a person should look at them.

    ``mistakes``: labelled images, most disagreement first; ``uncertain``:
    unlabelled images, least sure first; ``all``: both, mistakes first.
    Images with nothing to say (priority 0) go last, in their given order.
    """
    labelled: list[ReviewItem] = []
    unlabelled: list[ReviewItem] = []
    for e in entries:
        if e.labelled:
            if mode == "uncertain":
                continue
            cmp = compare_image(e.predictions, e.truths, iou_threshold, semantic)
            labelled.append(ReviewItem(e.image_id, cmp.disagreement, "disagreement", cmp.summary()))
        elif mode != "mistakes":
            unlabelled.append(ReviewItem(e.image_id, uncertainty(e.predictions), "uncertainty",
                                         {"predictions": len(e.predictions)}))
    key = lambda it: -it.priority  # noqa: E731 - sorted() is stable: ties keep image order
    ranked = sorted(labelled, key=key) + sorted(unlabelled, key=key)
    return [it for it in ranked if it.priority > 0] + [it for it in ranked if it.priority <= 0]


# ---------------------------------------------------------- model report
@dataclass
class ClassMetrics:
    name: str
    truths: int  # true objects (semantic masks: images showing the class)
    predictions: int  # predictions at or above the report's score threshold
    ap: float | None  # AP at the IoU threshold, COCO's 101-point rule; None: no truth
    precision: float | None  # at the score threshold
    recall: float | None
    iou: float | None = None  # masks: pixel IoU over all images
    recall_curve: np.ndarray = field(default_factory=lambda: np.zeros(0))
    precision_curve: np.ndarray = field(default_factory=lambda: np.zeros(0))


@dataclass
class ModelReport:
    classes: list[str]
    per_class: dict[str, ClassMetrics]
    confusion: np.ndarray  # rows: truth, cols: prediction; last row/col is NONE_CLASS
    images: int
    iou_threshold: float
    score_threshold: float

    @property
    def confusion_labels(self) -> list[str]:
        return self.classes + [NONE_CLASS]

    @property
    def mean_ap(self) -> float | None:
        aps = [m.ap for m in self.per_class.values() if m.ap is not None]
        return float(np.mean(aps)) if aps else None


def evaluate(samples: Sequence[tuple[Sequence[Shape], Sequence[Shape]]], classes: Sequence[str],
             iou_threshold: float = 0.5, score_threshold: float = 0.5, semantic: bool = False) -> ModelReport:
    """The report of a model over ``samples``, ``(predictions, truths)`` per
    image. AP (:class:`engine.evaluation.APEvaluator`, the training metrics'
    code) uses every prediction given, as COCOeval does (at most 100 per
    image and class); precision, recall, pixel IoU and the confusion matrix
    use those at or above ``score_threshold``."""
    names = list(classes)
    for preds, truths in samples:
        names += [s.label for s in (*preds, *truths) if s.label not in names]
    scores: dict[str, list[float]] = {c: [] for c in names}
    hits: dict[str, list[bool]] = {c: [] for c in names}
    inter = dict.fromkeys(names, 0.0)
    union = dict.fromkeys(names, 0.0)
    confusion = np.zeros((len(names) + 1, len(names) + 1), dtype=np.int64)
    index = {c: i for i, c in enumerate(names)}
    evaluator = APEvaluator([iou_threshold])
    for preds, truths in samples:
        preds, truths = list(preds), list(truths)
        judged = _union_by_class(truths, preds) if semantic else truths
        # Crowd regions (COCO's iscrowd) are no objects: what lies on one is neither found nor a false alarm.
        crowd = [not semantic and is_crowd([t]) for t in judged]
        found = evaluator.add_image(iou_matrix(preds, judged, crowd), [p.label for p in preds],
                                    [_score(p) for p in preds], [t.label for t in judged], crowd)[0]
        for p, j in zip(preds, found):
            if j == IGNORED:
                continue
            scores[p.label].append(_score(p))
            hits[p.label].append(bool(j >= 0))
        kept = [p for p, j in zip(preds, found) if _score(p) >= score_threshold and j != IGNORED]
        objects = truths if semantic else [t for t, c in zip(truths, crowd) if not c]
        _add_confusion(confusion, index, kept, objects, iou_threshold, semantic)
        if any(isinstance(p, Mask) for p in preds):
            _add_pixel_iou(inter, union, kept, truths, preds)
    aps = evaluator.result()
    per_class = {}
    for c in names:
        s, h = np.asarray(scores[c], dtype=np.float64), np.asarray(hits[c], dtype=bool)
        above = s >= score_threshold
        tp_at = int(h[above].sum())
        m = ClassMetrics(c, aps[c].truths if c in aps else 0, int(above.sum()), None, None, None)
        if c in aps:
            m.ap = float(aps[c].ap[0])
            m.recall_curve, m.precision_curve = aps[c].recall[0], aps[c].precision[0]
            m.recall = tp_at / m.truths
        if above.any():
            m.precision = tp_at / int(above.sum())
        if union[c] > 0:
            m.iou = inter[c] / union[c]
        per_class[c] = m
    return ModelReport(names, per_class, confusion, len(samples), iou_threshold, score_threshold)


def _add_confusion(confusion: np.ndarray, index: dict[str, int], preds: list[Shape], truths: list[Shape],
                   iou_threshold: float, semantic: bool) -> None:
    """Same-class matches first (the diagonal), then the leftovers matched
    whatever their class (the confusions), then what is left over: missed
    truths in the last column, background predictions in the last row."""
    if semantic:
        truths = _union_by_class(truths, preds)
    none = len(index)
    ious = iou_matrix(preds, truths)
    same = np.array([[p.label == t.label for t in truths] for p in preds], dtype=bool).reshape(ious.shape)
    taken = np.zeros(len(truths), dtype=bool)
    order = _by_score(preds)
    pairs = _greedy(order, ious, same, iou_threshold, taken)
    used = {i for i, _, _ in pairs}
    pairs += _greedy([i for i in order if i not in used], ious, np.ones_like(same), iou_threshold, taken)
    used = {i for i, _, _ in pairs}
    for i, j, _ in pairs:
        confusion[index[truths[j].label], index[preds[i].label]] += 1
    for j in np.where(~taken)[0]:
        confusion[index[truths[j].label], none] += 1
    for i in range(len(preds)):
        if i not in used:
            confusion[none, index[preds[i].label]] += 1


def _add_pixel_iou(inter: dict[str, float], union: dict[str, float], kept: list[Shape], truths: list[Shape],
                   preds: Sequence[Shape]) -> None:
    from pycocotools import mask as mask_utils

    h, w = next(p for p in preds if isinstance(p, Mask)).size
    labels = {s.label for s in (*kept, *truths)}
    for c in labels:
        p = [shape_rle(s, h, w) for s in kept if s.label == c]
        t = [shape_rle(s, h, w) for s in truths if s.label == c]
        if not p or not t:
            union[c] += sum(float(mask_utils.area(mask_utils.merge(x))) for x in (p, t) if x)
            continue
        pm, tm = mask_utils.merge(p), mask_utils.merge(t)
        inter[c] += float(mask_utils.area(mask_utils.merge([pm, tm], intersect=True)))
        union[c] += float(mask_utils.area(mask_utils.merge([pm, tm])))


def summary_text(report: ModelReport, train_counts: dict[str, int] | None = None, unit: str = "labels") -> str:
    """A short verdict for a person, e.g. ``person AP 0.71; car AP 0.12 —
    car has only 9 training labels``: the weakest class, and why if the
    reason is plain (few examples to learn from)."""
    parts = []
    rated = [m for m in report.per_class.values() if m.ap is not None]
    for m in sorted(rated, key=lambda m: -(m.ap or 0)):
        parts.append(f"{m.name} AP {m.ap:.2f}" + (f" (IoU {m.iou:.2f})" if m.iou is not None else ""))
    unseen = [m.name for m in report.per_class.values() if m.ap is None and m.name in report.classes]
    text = "; ".join(parts) if parts else "no labelled objects among the evaluated images"
    if report.mean_ap is not None and len(rated) > 1:
        text = f"mAP@{report.iou_threshold:.2f} {report.mean_ap:.2f}: " + text
    if rated and train_counts:
        worst = min(rated, key=lambda m: m.ap or 0)
        n = train_counts.get(worst.name, 0)
        others = [v for k, v in train_counts.items() if k != worst.name and v > 0]
        few = n < 20 or (others and n < 0.5 * float(np.median(others)))
        if (worst.ap or 0) < 0.5 and few:
            text += f" — {worst.name} has only {n} training {unit}: label more {worst.name}"
    if unseen:
        text += f". Not evaluated (no labelled example): {', '.join(unseen)}"
    return text

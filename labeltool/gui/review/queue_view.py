"""The review queue (fastai's "top losses"): labelled images where the model
disagrees most with the labels first — the likeliest labelling mistakes —
then unlabelled images where it is least sure (worth labelling next).

Text that PP-OCR read is ranked by how sure its recogniser was: an image
counts the lines it likely misread (each line ``1 - score``), among the
images worth looking at next (:func:`text_items`)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout

from labeltool.core.shapes import Shape
from labeltool.gui.jobs.ocr import OCR_MODEL
from labeltool.gui.jobs.review import ReviewEntry, ReviewItem, rank_review_queue, review_entry, semantic_masks

from .session import ReviewSession

if TYPE_CHECKING:  # pragma: no cover
    from labeltool.gui.workspace import Workspace


def is_reading(shape: Shape) -> bool:
    """A text region PP-OCR read, not reviewed yet."""
    return shape.source.is_model and shape.source.model == OCR_MODEL


def text_item(image_id: int, readings: Sequence[Shape]) -> ReviewItem:
    """An image's PP-OCR readings as the queue ranks them: the lines it
    likely misread (the sum of ``1 - score``), the least sure one noted."""
    scores = [r.source.score or 0.0 for r in readings]
    return ReviewItem(image_id, float(sum(1.0 - s for s in scores)), "uncertainty",
                      {"lines": len(scores), "least_sure": round(100 * min(scores, default=1.0))})


def merge_text_items(ranked: list[ReviewItem], texts: list[ReviewItem],
                     mode: Literal["all", "mistakes", "uncertain"]) -> list[ReviewItem]:
    """``texts`` among the unsure images of ``ranked`` (not in ``mistakes``
    mode), by priority; images with nothing to say last; each image once,
    where it ranks first."""
    if mode == "mistakes":
        return ranked
    unsure = sorted([it for it in ranked if it.kind == "uncertainty"] + texts, key=lambda it: -it.priority)
    items = [it for it in ranked if it.kind == "disagreement"] + unsure
    seen: set[int] = set()
    out = []
    for it in [it for it in items if it.priority > 0] + [it for it in items if it.priority <= 0]:
        if it.image_id not in seen:
            seen.add(it.image_id)
            out.append(it)
    return out


class ReviewQueue(QGroupBox):
    def __init__(self, workspace: "Workspace", session: ReviewSession):
        super().__init__()
        self.setTitle(self.tr("Review queue"))
        self.workspace = workspace
        self.session = session
        self.items: list[ReviewItem] = []
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Likely mistakes, then unsure"), "all")
        self.mode.addItem(self.tr("Likely labelling mistakes"), "mistakes")
        self.mode.addItem(self.tr("Most unsure (label next)"), "uncertain")
        # Its longest choice must not set the panel's width (a 1366 px screen gives the dock ~280 px).
        self.mode.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mode.setMinimumContentsLength(12)
        self.build_button = QPushButton(self.tr("Build"))
        self.build_button.setToolTip(self.tr("Rank the images that have predictions"))
        self.list = QListWidget()
        row = QHBoxLayout()
        row.addWidget(self.mode, 1)
        row.addWidget(self.build_button)
        lay = QVBoxLayout(self)
        lay.addLayout(row)
        lay.addWidget(self.list)
        self.build_button.clicked.connect(self.build)
        self.list.itemActivated.connect(self._go)
        self.list.itemClicked.connect(self._go)

    def entries(self) -> tuple[list[ReviewEntry], list[ReviewItem]]:
        """Every image with a model's predictions, as :func:`review_entry`
        judges it, and every image with text PP-OCR read (:func:`text_item`)."""
        store = self.workspace.store
        if store is None:
            return [], []
        with_predictions = store.image_ids_with_shapes(source="model")
        entries, texts = [], []
        for item in store.images():
            if item.id not in with_predictions:
                continue
            shapes = store.shapes(item.id)
            readings = [s for s in shapes if is_reading(s)]
            if readings:
                texts.append(text_item(item.id, readings))
            if len(readings) < sum(s.source.is_model for s in shapes):
                entries.append(review_entry(item.id, [s for s in shapes if not is_reading(s)],
                                            self.session.threshold))
        return entries, texts

    def build(self) -> list[ReviewItem]:
        store = self.workspace.store
        self.list.clear()
        if store is None:
            return []
        entries, texts = self.entries()
        semantic = semantic_masks((e.predictions for e in entries), store.root)
        mode = self.mode.currentData()
        self.items = merge_text_items(rank_review_queue(entries, semantic=semantic, mode=mode), texts, mode)
        names = {i.id: i.name for i in store.images()}
        for it in self.items:
            li = QListWidgetItem(f"{names.get(it.image_id, it.image_id)} — {self._reason(it)}")
            li.setData(Qt.ItemDataRole.UserRole, it.image_id)
            li.setToolTip(self._explain(it))
            self.list.addItem(li)
        if not self.items:
            self.list.addItem(self.tr("No predictions yet: pre-label some images first."))
        return self.items

    def _reason(self, it: ReviewItem) -> str:
        c = it.counts
        if "lines" in c:
            return self.tr("text: %1 line(s), least sure %2").replace("%1", str(c["lines"])) \
                .replace("%2", f"{c['least_sure'] / 100:.2f}")
        if it.kind == "uncertainty":
            return self.tr("unlabelled, model unsure (%1)").replace("%1", f"{it.priority:.2f}")
        parts = []
        if c.get("wrong_class"):
            parts.append(self.tr("%1 other class").replace("%1", str(c["wrong_class"])))
        if c.get("missed"):
            parts.append(self.tr("%1 missed").replace("%1", str(c["missed"])))
        extra = c.get("fp", 0) - c.get("wrong_class", 0)
        if extra > 0:
            parts.append(self.tr("%1 unlabelled?").replace("%1", str(extra)))
        return ", ".join(parts) or self.tr("agrees")

    def _explain(self, it: ReviewItem) -> str:
        if "lines" in it.counts:
            return self.tr("Text PP-OCR read and nobody has reviewed yet. Each line adds how unsure its reading "
                           "is (1 minus its score): the images with the most likely misread lines come first.")
        if it.kind == "uncertainty":
            return self.tr("Not labelled yet. How unsure the model is here: each prediction adds up to 1, the most "
                           "at a score near 0.5 (a coin flip), nothing at 0 or 1. The least sure images are the "
                           "most worth labelling next.")
        return self.tr("Labelled. Where the model disagrees with the labels: other class = it sees another class "
                       "there (a labelling mistake?); missed = a label it did not find; unlabelled? = it found "
                       "something no label covers.")

    def _go(self, li: QListWidgetItem) -> None:
        image_id = li.data(Qt.ItemDataRole.UserRole)
        if image_id is not None:
            self.workspace.go_to_image(int(image_id))

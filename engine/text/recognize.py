"""The recogniser task (``recognize``): CTC loss over a batch of lines,
greedy CTC decoding, exact-match accuracy and character error rate, and
text regions read as core shapes.

The run's ``classes`` are the character set (:mod:`.regions`): column k of
the model's output writes ``classes[k - 1]``, column 0 is CTC's blank.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from labeltool.core.shapes import Shape, Source, TextRegion

from ..data import Batch
from ..tasks import TaskAdapter, no_autocast
from .lines import COLUMN_STRIDE, line_crop, resize_line, to_input
from .reading import ReadingScore
from .validation import validate_text


def ctc_loss(logits: torch.Tensor, codes: torch.Tensor, lengths: torch.Tensor, widths: torch.Tensor,
             reduction: str = "mean") -> torch.Tensor:
    """CTC of ``(N, T, C)`` logits against padded ``codes``; each line is
    scored over its own columns (its width before padding). Alignments
    that cannot fit (more characters than columns) count zero, not inf."""
    log_probs = logits.float().log_softmax(2).permute(1, 0, 2)  # (T, N, C), as CTC wants
    columns = torch.clamp(widths // COLUMN_STRIDE, max=logits.shape[1])
    return F.ctc_loss(log_probs, codes, columns, lengths, blank=0, reduction=reduction, zero_infinity=True)


def greedy_decode(logits: torch.Tensor, charset: Sequence[str], columns: Sequence[int] | None = None,
                  ) -> list[tuple[str, float]]:
    """The best path of each line: the likeliest output per column, repeats
    merged, blanks dropped. The score is the mean probability of the
    characters kept (PP-OCR's), 0 for an empty reading."""
    probs = logits.float().softmax(2)
    best_p, best = probs.max(2)
    out: list[tuple[str, float]] = []
    for i in range(len(best)):
        n = best.shape[1] if columns is None else int(columns[i])
        path, p = best[i, :n].tolist(), best_p[i, :n].tolist()
        chars, scores = [], []
        previous = 0
        for k, q in zip(path, p):
            if k != 0 and k != previous:
                chars.append(charset[k - 1])
                scores.append(q)
            previous = k
        out.append(("".join(chars), float(np.mean(scores)) if scores else 0.0))
    return out


class RecognitionTask(TaskAdapter):
    task = "recognize"
    primary = "cer"

    @property
    def charset(self) -> list[str]:
        return self.classes

    def loss(self, model, batch):
        t = batch.targets
        ctc = ctc_loss(model(batch.images), t["codes"], t["lengths"], t["widths"])
        return ctc, {"ctc": ctc.detach()}

    def evaluate(self, model, loader, device, autocast=no_autocast, channels_last=False):
        score = ReadingScore()

        def judge(batch: Batch, logits: torch.Tensor) -> float:
            t = batch.targets
            readings = greedy_decode(logits, self.charset, (t["widths"] // COLUMN_STRIDE).tolist())
            for (text, _), codes, n in zip(readings, t["codes"].tolist(), t["lengths"].tolist()):
                score.add(text, "".join(self.charset[c - 1] for c in codes[:n]))
            # per character, as the training loss (the mean over lines of each line's loss / its length)
            return float(ctc_loss(logits, t["codes"], t["lengths"], t["widths"]))

        return validate_text(model, loader, device, autocast, channels_last, judge, score)

    @torch.no_grad()
    def read_crops(self, model: nn.Module, crops: Sequence[np.ndarray], img_size: int, device: torch.device,
                   autocast: Any = no_autocast, batch_size: int = 64) -> list[tuple[str, float]]:
        """``(text, score)`` of each upright RGB crop, in order. Lines are
        batched with lines of their own width: unpadded, a line reads the
        same whatever is read beside it (padding, normalised and passed
        through the BiLSTM, shifts the last columns' scores a little)."""
        model.eval()
        lines = [resize_line(c, img_size) for c in crops]
        by_width: dict[int, list[int]] = {}
        for i, line in enumerate(lines):
            by_width.setdefault(line.shape[1], []).append(i)
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for group in by_width.values():
            for start in range(0, len(group), batch_size):
                chunk = group[start:start + batch_size]
                x = torch.stack([to_input(lines[i]) for i in chunk])
                with autocast():
                    logits = model(x.to(device))
                for i, reading in zip(chunk, greedy_decode(logits, self.charset)):
                    out[i] = reading
        return out

    def read_regions(self, model: nn.Module, image: np.ndarray, regions: Sequence[TextRegion], img_size: int,
                     device: torch.device, source: str, autocast: Any = no_autocast) -> list[TextRegion]:
        """Model text regions with the quads of ``regions`` and the text read
        in them (score in ``source``); a quad with no area reads nothing."""
        crops = [line_crop(image, r.points) for r in regions]
        kept = [i for i, c in enumerate(crops) if c is not None]
        readings = self.read_crops(model, [crops[i] for i in kept], img_size, device, autocast)
        # "reads": the region read (the window pairs the reading with the person's transcription)
        return [TextRegion(label=regions[i].label, points=list(regions[i].points), transcription=text,
                           source=Source.from_model(source, score), attributes={"reads": regions[i].id})
                for i, (text, score) in zip(kept, readings)]

    def predict(self, model, images, img_size, device, source, score_threshold=0.5, autocast=no_autocast,
                regions: Sequence[Sequence[Shape]] | None = None, **options: Any) -> list[list[Shape]]:
        """The text regions of each image among ``regions`` read
        (:meth:`read_regions`; other shapes are passed over). A recogniser
        finds no text by itself: without ``regions`` it reads nothing. Every
        reading is kept, whatever its score: a region's text is what the
        review is for."""
        if regions is None:
            return [[] for _ in images]
        return [self.read_regions(model, image, [s for s in shapes if isinstance(s, TextRegion)], img_size, device,
                                  source, autocast)
                for image, shapes in zip(images, regions)]

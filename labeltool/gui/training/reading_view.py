"""A recogniser run's streamed predictions: one row per line read on the
validation images, the rectified crop, what the model read and what the
person typed, wrong readings marked, worst first. A click opens the image
the line is on (as a thumbnail of the other tasks does)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem, QWidget

if TYPE_CHECKING:  # pragma: no cover
    from ..jobs.reading_rows import LineRow

RIGHT = QColor(40, 150, 60)
WRONG = QColor(200, 40, 40)


class ReadingView(QTableWidget):
    sampleActivated = Signal(int)  # the index of the sample (thumbnail) the clicked line is on

    CROP, READ, TRUTH = range(3)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 3, parent)
        self.setHorizontalHeaderLabels([self.tr("Line"), self.tr("Read"), self.tr("Truth")])
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setIconSize(QSize(320, 32))
        self.verticalHeader().setVisible(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(self.CROP, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(self.READ, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(self.TRUTH, QHeaderView.ResizeMode.Stretch)
        self.rows: list[LineRow] = []
        self.setVisible(False)
        self.cellClicked.connect(lambda row, _col: self.sampleActivated.emit(self.rows[row].sample))

    def set_lines(self, rows: list[LineRow]) -> None:
        """Show ``rows`` (hidden when there are none: the run reads no lines)."""
        self.rows = list(rows)
        self.setVisible(bool(self.rows))
        self.setRowCount(len(self.rows))
        for r, line in enumerate(self.rows):
            crop = QTableWidgetItem()
            crop.setData(Qt.ItemDataRole.DecorationRole, QPixmap.fromImage(line.crop))
            read = QTableWidgetItem(("✓ " if line.correct else "✗ ") + line.read)
            read.setForeground(QBrush(RIGHT if line.correct else WRONG))
            truth = QTableWidgetItem(line.truth)
            tip = self.tr("character error rate {cer:.2f}, score {score:.2f}").format(cer=line.cer, score=line.score)
            for col, item in enumerate((crop, read, truth)):
                item.setToolTip(tip)
                self.setItem(r, col, item)
            self.setRowHeight(r, line.crop.height() + 6)

    def wrong_count(self) -> int:
        return sum(not line.correct for line in self.rows)

    def caption(self, epoch: int) -> str:
        """What the panel says above the lines of ``epoch`` (0-based)."""
        return self.tr("Epoch {n}: {wrong} of {all} validation lines read wrong (worst first). Click one to open "
                       "its image.").format(n=epoch + 1, wrong=self.wrong_count(), all=len(self.rows))

"""Live training curves (pyqtgraph): loss and its parts per step (EMA over
the raw values, drawn faint behind), learning rate, and the validation
metrics per epoch.

Each metric is drawn in its own units (:mod:`engine.metric_info`, through
:mod:`labeltool.gui.jobs.metrics`): scores from 0 to 1 on a 0-1 axis, a
validation loss beside the training loss. No axis rescales its numbers
(pyqtgraph's SI prefixes drew mAP 0.4 as "400 m"), and the legend is a
line of text above the plots (it wraps in a narrow dock), where it covers
no curve.

Events only append to lists and mark the curves dirty; a timer redraws at
most :data:`REDRAW_HZ` times a second, so a fast GPU that steps 50 times a
second costs the GUI thread a few redraws, not 50.

pyqtgraph (and what it pulls in) costs a few hundred milliseconds to import:
the plots are built the first time the widget is shown or has points to draw,
so a window that never trains never imports it.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QSize, QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:  # pragma: no cover
    import pyqtgraph as pg

    from engine.events import EpochEnd, Step

from ..jobs.metrics import metric_info, metric_label

REDRAW_HZ = 10
EMA_ALPHA = 0.9  # weight of the past in the smoothed curve (TensorBoard's 0.9)
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22"]
# The plots' size as the panel's layout sees it, whether pyqtgraph is loaded
# yet or not: the splitter gives the curves their share from the first show,
# and the dock can shrink to a laptop's height without hiding them.
PREFERRED_SIZE = QSize(640, 260)
MINIMUM_SIZE = QSize(240, 140)


class _Series:
    """One curve's points plus its debiased EMA (computed as points arrive)."""

    def __init__(self) -> None:
        self.x: list[float] = []
        self.y: list[float] = []
        self.smooth: list[float] = []
        self._ema = 0.0

    def add(self, x: float, y: float) -> None:
        if not math.isfinite(y):
            return  # a NaN step ends the run; it must not blank the whole plot
        self.x.append(x)
        self.y.append(y)
        self._ema = EMA_ALPHA * self._ema + (1 - EMA_ALPHA) * y
        self.smooth.append(self._ema / (1 - EMA_ALPHA ** len(self.y)))


class TrainingCurves(QWidget):
    """Three plots sharing the step axis (metrics at the step their epoch ended)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.legend = QLabel()  # what each curve is: colour, name
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("background: white; padding: 1px 4px;")
        self.legend.setVisible(False)
        self._layout.addWidget(self.legend)
        self._legend_entries: list[str] = []
        self.view: pg.GraphicsLayoutWidget | None = None  # built by _build_plots, on demand

        self._steps: dict[str, _Series] = {}
        self._metrics: dict[str, _Series] = {}
        self._lr = _Series()
        self._raw_items: dict[str, pg.PlotDataItem] = {}
        self._ema_items: dict[str, pg.PlotDataItem] = {}
        self._metric_items: dict[str, pg.PlotDataItem] = {}
        self._lr_item: pg.PlotDataItem | None = None
        self._dirty = False
        self.redraws = 0  # how many times the plots were really redrawn (tests, benchmark)

        self._timer = QTimer(self)
        self._timer.setInterval(1000 // REDRAW_HZ)
        self._timer.timeout.connect(self.redraw)
        self._timer.start()

    @property
    def built(self) -> bool:
        """Whether the pyqtgraph plots exist (pyqtgraph was imported)."""
        return self.view is not None

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return PREFERRED_SIZE

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt's name)
        return MINIMUM_SIZE

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        super().showEvent(event)
        if self.view is None:
            # On the next turn of the event loop: the dock appears at once and
            # whoever showed it (starting a run) is not held up by the import.
            QTimer.singleShot(0, self, self._build_plots)

    def _build_plots(self) -> None:
        if self.view is not None:
            return
        import pyqtgraph as pg  # a few hundred ms: only once the curves are wanted

        pg.setConfigOptions(antialias=True)
        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.view.setMinimumSize(MINIMUM_SIZE)
        self._layout.addWidget(self.view)
        layout = self.view.ci.layout
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(2)

        # Loss large on the left; validation and learning rate stacked on the right.
        self.loss_plot = self._plot(0, 0, self.tr("loss"), rowspan=2)
        self.metric_plot = self._plot(0, 1, self.tr("score"))
        self.metric_plot.setYRange(0.0, 1.0, padding=0.02)  # the fractions' own range (metric_info bounds)
        self.metric_plot.getViewBox().setLimits(yMin=-0.05, yMax=1.05)
        self.metric_plot.getAxis("left").setTickSpacing(0.5, 0.25)  # 0, 0.5, 1: legible in a low dock
        self.lr_plot = self._plot(1, 1, self.tr("lr"))
        self.metric_plot.setXLink(self.loss_plot)
        self.lr_plot.setXLink(self.loss_plot)
        self.loss_plot.setLabel("bottom", self.tr("step"))
        self.lr_plot.setLabel("bottom", self.tr("step"))
        layout.setColumnStretchFactor(0, 3)
        layout.setColumnStretchFactor(1, 2)
        layout.setRowStretchFactor(0, 2)
        layout.setRowStretchFactor(1, 1)
        self._lr_item = self.lr_plot.plot(pen=pg.mkPen("#555", width=1.5))
        self._dirty = True  # draw what arrived before the plots existed

    def _add_to_legend(self, label: str, color: str, mark: str) -> None:
        self._legend_entries.append(f'<span style="color:{color}; font-weight:bold">{mark}</span>&nbsp;{label}')
        self.legend.setText("&nbsp;&nbsp; ".join(self._legend_entries))
        self.legend.setVisible(True)

    def _plot(self, row: int, col: int, title: str, rowspan: int = 1) -> pg.PlotItem:
        assert self.view is not None
        plot = self.view.addPlot(row=row, col=col, rowspan=rowspan)
        plot.setLabel("left", title)
        for side in ("left", "bottom"):
            plot.getAxis(side).enableAutoSIPrefix(False)  # 0.4 stays 0.4, not "400 m"
        plot.showGrid(x=True, y=True, alpha=0.25)
        plot.setDownsampling(auto=True, mode="peak")
        plot.setClipToView(True)
        return plot

    # ------------------------------------------------------------ data in
    def clear(self) -> None:
        if self.view is not None:
            for plot in (self.loss_plot, self.metric_plot):
                plot.clear()
            self._lr_item.setData([], [])
        self._legend_entries.clear()
        self.legend.clear()
        self.legend.setVisible(False)
        self._steps.clear()
        self._metrics.clear()
        self._raw_items.clear()
        self._ema_items.clear()
        self._metric_items.clear()
        self._lr = _Series()
        self._dirty = True

    def add_step(self, event: Step) -> None:
        self._series(self._steps, "loss").add(event.step, event.loss)
        # One part alone is the total again (a classifier's cross-entropy): draw it once.
        if len(event.parts) > 1:
            for name, value in event.parts.items():
                if name != "loss":
                    self._series(self._steps, name).add(event.step, value)
        self._lr.add(event.step, event.lr)
        self._dirty = True

    def add_epoch(self, event: EpochEnd) -> None:
        for name, value in event.metrics.items():
            self._series(self._metrics, name).add(event.step, value)
        self._dirty = True

    @staticmethod
    def _series(table: dict[str, _Series], name: str) -> _Series:
        if name not in table:
            table[name] = _Series()
        return table[name]

    # --------------------------------------------------------- reading back
    def series(self, name: str) -> tuple[list[float], list[float]]:
        """``(x, y)`` of a curve: ``loss``, a loss part, ``lr`` or a metric name."""
        if name == "lr":
            return list(self._lr.x), list(self._lr.y)
        s = self._steps.get(name) or self._metrics.get(name)
        return (list(s.x), list(s.y)) if s else ([], [])

    def names(self) -> list[str]:
        return [*self._steps, *self._metrics]

    def plotted_points(self, name: str) -> int:
        """How many points the plot of ``name`` shows now (after the last redraw)."""
        item = self._ema_items.get(name) or self._metric_items.get(name)
        if name == "lr":
            item = self._lr_item
        if item is None:
            return 0
        x, _ = item.getData()
        return 0 if x is None else len(x)

    # -------------------------------------------------------------- drawing
    def has_points(self) -> bool:
        return bool(self._steps or self._metrics or self._lr.x)

    def redraw(self) -> None:
        if not self._dirty:
            return
        if self.view is None:
            if not self.has_points():
                self._dirty = False
                return  # nothing to draw: keep pyqtgraph unimported
            self._build_plots()
        self._dirty = False
        import pyqtgraph as pg  # already imported by _build_plots: a dict look-up

        self.redraws += 1
        for i, (name, s) in enumerate(self._steps.items()):
            color = PALETTE[i % len(PALETTE)]
            width = 2.2 if name == "loss" else 1.4
            if name not in self._ema_items:
                faint = pg.mkColor(color)
                faint.setAlpha(55)
                self._raw_items[name] = self.loss_plot.plot(pen=pg.mkPen(faint, width=1))
                self._ema_items[name] = self.loss_plot.plot(pen=pg.mkPen(color, width=width))
                self._add_to_legend(name, color, "━")
            x = np.asarray(s.x)
            self._raw_items[name].setData(x, np.asarray(s.y))
            self._ema_items[name].setData(x, np.asarray(s.smooth))
        for i, (name, s) in enumerate(self._metrics.items()):
            if name not in self._metric_items:
                color = PALETTE[(i + 2) % len(PALETTE)]
                info = metric_info(name)
                # A validation loss shares the loss plot's scale; scores (0..1) have their own.
                on_loss = info.kind == "loss"
                plot = self.loss_plot if on_loss else self.metric_plot
                self._metric_items[name] = plot.plot(
                    pen=pg.mkPen(color, width=2), symbol="o", symbolSize=6, symbolBrush=color)
                label = metric_label(name, self._metrics)
                if not (on_loss or info.higher_is_better):  # CER: the curve should fall
                    label = self.tr("{label} (lower is better)").format(label=label)
                self._add_to_legend(label, color, "●")
            self._metric_items[name].setData(np.asarray(s.x), np.asarray(s.y))
            if s.y and max(s.y) > 1.0 and metric_info(name).kind == "fraction":
                # CER counts extra characters too: above 1 while a recogniser writes more than is there.
                self.metric_plot.getViewBox().setLimits(yMax=max(s.y) + 0.05)
                self.metric_plot.setYRange(0.0, max(s.y), padding=0.02)
        self._lr_item.setData(np.asarray(self._lr.x), np.asarray(self._lr.y))

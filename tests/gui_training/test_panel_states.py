"""The Training dock as a person reads it (issue 11 #3): the loss chart gets
its share of the dock on common laptop and desktop screens, the legend
covers no curve, metrics are drawn and printed in their own units and an
undefined one in words, and the texts follow the run's state. The panel is
fed the engine's own event records, as the runner delivers them."""
from __future__ import annotations

import math

import pytest
from PySide6.QtWidgets import QScrollArea

from engine.events import EpochEnd, Step, TrainEnd, TrainStart
from labeltool.core import ProjectStore
from tests.gui_training.projects import make_box_project

CLASSES = ["cup", "face"]
PARTS = ("loss_classifier", "loss_box_reg", "loss_objectness", "loss_rpn_box_reg")


def start_event(run_dir: str = "/tmp/runs/20260101-000000-fasterrcnn", epochs: int = 3) -> TrainStart:
    return TrainStart(run_dir=run_dir, task="detect", model="fasterrcnn_mobilenet_v3_large_320_fpn",
                      classes=CLASSES, epochs=epochs, steps_per_epoch=4, total_steps=4 * epochs, start_step=0,
                      device="cpu", train_images=16, val_images=4)


def feed_run(panel, epochs: int = 3, metrics: dict | None = None, undefined: dict | None = None) -> None:
    """A detector's run as its events arrive: steps with loss parts, an EpochEnd per epoch."""
    panel.on_started(start_event(epochs=epochs))
    for step in range(1, 4 * epochs + 1):
        epoch = (step - 1) // 4
        parts = {p: 1.0 / (step + k) for k, p in enumerate(PARTS)}
        panel.on_step(Step(step=step, epoch=epoch, loss=sum(parts.values()), parts=parts, lr=0.01 / step,
                           images_per_s=4.0, elapsed_s=3.0 * step, eta_s=3.0 * (4 * epochs - step)))
        if step % 4 == 0:
            panel.on_epoch_end(EpochEnd(
                epoch=epoch, step=step, metrics=dict(metrics or {"map50": 0.4 + 0.1 * epoch, "map": 0.2}),
                per_class={} if undefined else {c: {"ap50": 0.4, "ap": 0.2} for c in CLASSES},
                undefined=dict(undefined or {}), elapsed_s=3.0 * step))
    panel.curves.redraw()


@pytest.fixture
def window(qtbot, tmp_path):
    from labeltool.gui.main_window import MainWindow

    root = tmp_path / "photos"
    make_box_project(root, labelled=4, empty=0, unlabelled=2)
    store = ProjectStore.open(root)
    w = MainWindow(store)
    qtbot.addWidget(w, before_close_func=lambda win: win.training.shutdown())
    yield w
    w.close_project()
    store.close()


@pytest.mark.parametrize("size", [(1366, 768), (1400, 900), (1600, 1000)])
def test_the_loss_chart_gets_a_third_of_the_dock_without_dragging(qtbot, window, size):
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    c = window.training
    c.show_dock()
    panel = c.panel
    qtbot.waitUntil(lambda: panel.curves.built, timeout=5000)
    feed_run(panel)
    qtbot.wait(50)
    dock_h = c.dock.height()
    plot_h = panel.curves.loss_plot.getViewBox().sceneBoundingRect().height()
    assert plot_h >= dock_h / 3, (plot_h, dock_h)
    assert panel.curves.width() >= panel.splitter.width() / 2  # no collapsed splitter to find and drag
    scroll = c.dock.findChild(QScrollArea)
    if scroll is not None:  # the window may let a tall panel scroll: this one fits and does not
        assert not scroll.verticalScrollBar().isVisible()


def test_the_legend_covers_no_curve_and_scores_keep_their_units(qtbot, window):
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    c = window.training
    c.show_dock()
    curves = c.panel.curves
    qtbot.waitUntil(lambda: curves.built, timeout=5000)
    feed_run(c.panel)
    qtbot.wait(50)
    legend = curves.legend.geometry()
    assert curves.legend.isVisible() and "mAP@0.5" in curves.legend.text() and "loss_box_reg" in curves.legend.text()
    assert not legend.intersects(curves.view.geometry())
    # Scores on their own 0-1 axis, written as they are: 0.4, not "400" with an "m" (x0.001) on the axis.
    axis = curves.metric_plot.getAxis("left")
    assert axis.autoSIPrefixScale == 1.0
    low, high = curves.metric_plot.getViewBox().viewRange()[1]
    assert low <= 0.0 and 1.0 <= high < 1.2
    assert "map50" not in curves.series("loss") and curves.series("map50")[1] == pytest.approx([0.4, 0.5, 0.6])
    x, y = curves.loss_plot.listDataItems()[0].getData()
    assert max(y) < 10  # the scores are not drawn on the loss axis


def test_an_undefined_metric_is_said_in_words_never_nan(qtbot, window):
    c = window.training
    panel = c.panel
    reason = {"map50": "no_val_objects", "map": "no_val_objects"}
    feed_run(panel, metrics={"map50": math.nan, "map": math.nan}, undefined=reason)
    panel._refresh_text(force=True)
    words = "not measured: the validation images hold no objects"
    assert words in panel.stats.text() and "nan" not in panel.stats.text().lower()
    assert words in panel.log.toPlainText() and "nan" not in panel.log.toPlainText().lower()
    # Each class has its row, saying why it has no figures (the tab was empty).
    assert panel.per_class.rowCount() == len(CLASSES)
    assert "not measured" in panel.per_class.item(0, 0).text()
    assert curves_has_no_points(panel.curves, "map50")


def curves_has_no_points(curves, name: str) -> bool:
    return curves.series(name) == ([], [])


def test_the_heading_follows_the_end_of_the_run(window):
    panel = window.training.panel
    feed_run(panel)
    panel.title.setText("Stopping after this step…")  # what Cancel writes
    panel.on_ended(TrainEnd("cancelled", "cancelled", 6, start_event().run_dir), can_resume=True)
    assert "Stopping" not in panel.title.text() and "cancelled at step 6" in panel.title.text()
    assert "Press Resume" in panel.message_text()
    panel.on_ended(TrainEnd("cancelled", "cancelled", 6, start_event().run_dir), can_resume=False)
    assert "Press Resume" not in panel.message_text()  # nothing to resume from: not offered


def test_the_best_figure_is_named_by_the_tasks_metric(window):
    """A recogniser's best epoch is its lowest character error rate: the
    message names it (not an anonymous "score" a person reads as higher-is-better)."""
    panel = window.training.panel
    feed_run(panel)
    panel.on_ended(TrainEnd("finished", "finished", 12, start_event().run_dir, best_metric=0.41))
    assert "Best on validation: mAP@0.5 0.41" in panel.message_text()
    import dataclasses

    panel.on_started(dataclasses.replace(start_event(), task="recognize", model="crnn_lite"))
    panel.on_ended(TrainEnd("finished", "finished", 12, start_event().run_dir, best_metric=0.083))
    assert "Best on validation: CER 0.083" in panel.message_text()


def test_pretrained_weights_offline_in_the_window_s_words(window):
    panel = window.training.panel
    panel.reset("Starting fasterrcnn_mobilenet_v3_large_320_fpn…")
    details = {"code": "weights_unavailable", "file": "fasterrcnn.pth", "folder": "/home/me/.cache/torch/hub",
               "url": "https://download.pytorch.org/models/fasterrcnn.pth", "reason": "no network"}
    message = ("cannot download the pretrained weights fasterrcnn.pth (no network) ... pass --weights FILE "
               "... --no-pretrained")
    window.training.last_config = None
    panel.on_ended(TrainEnd("error", message, 0, "", details=details))
    text = panel.message_text()
    assert "--weights" not in text and "--no-pretrained" not in text
    assert "fasterrcnn.pth" in text and "/home/me/.cache/torch/hub" in text and "Choose weights file" in text
    assert not panel.title.text().startswith("Starting")


"""Training from the window with the real engine: a tiny ResNet-18 on 64-px
images, on the CPU, for a handful of steps."""
from __future__ import annotations

import math
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from labeltool.core import ImageTag

pytestmark = pytest.mark.slow
WAIT = 120_000  # ms: generous, other work may share the two cores


def _start_from_dialog(qtbot, window, pretrained: bool = False, epochs: int = 50):
    c = window.training
    assert c.train_action.isEnabled()
    c.train_action.trigger()
    dialog = c.dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.task == "classify" and dialog.model == "resnet18"  # chosen from the image classes
    assert not dialog.advanced.isVisible()
    assert dialog.start_button.isEnabled()
    dialog.pretrained.setChecked(pretrained)
    dialog.epochs.setValue(epochs)
    qtbot.mouseClick(dialog.advanced_toggle, Qt.MouseButton.LeftButton)
    assert dialog.advanced.isVisible()
    dialog.batch_size.setValue(4)
    dialog.img_size.setValue(64)
    dialog.device_combo.setCurrentIndex(dialog.device_combo.findData("cpu"))
    qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
    assert c.running
    return c


def test_train_watch_open_prediction_cancel_and_resume(qtbot, window):
    c = _start_from_dialog(qtbot, window)
    panel = c.panel
    assert c.dock.isVisible()
    assert not panel.train_button.isEnabled() and panel.cancel_button.isEnabled()

    # Curves fill, predictions stream, the run appears in the runs list.
    qtbot.waitUntil(lambda: panel.curves.plotted_points("loss") >= 2, timeout=WAIT)
    qtbot.waitUntil(lambda: panel.strip.count() > 0, timeout=WAIT)
    assert panel.curves.plotted_points("accuracy") >= 1
    assert panel.per_class.rowCount() == 2
    assert panel.confusion.rowCount() == 2 and panel.tabs.isTabVisible(panel.confusion_tab)
    panel.runs.refresh()
    assert [p.name for p in panel.runs.run_dirs()] == [c.current_run.name]
    assert panel.runs.runs[0].status == "running" and panel.runs.runs[0].model == "resnet18"

    # Labelling goes on: the store is writable while the engine trains on its snapshot.
    store = window.store
    first = store.images()[0]
    store.add_shape(first.id, ImageTag(label="new class"))
    assert "new class" in store.class_names()

    # A click on a thumbnail opens that image with the predictions over it.
    thumb = panel.strip.thumbnails[0]
    panel.strip.itemClicked.emit(panel.strip.item(0))
    assert window.current_image().path == store.relpath(thumb.image_path)
    (predicted,) = thumb.predictions
    assert predicted.label in window.statusBar().currentMessage()  # a class has no outline to overlay

    # Cancel: stops within a step, keeps its checkpoint, offers Resume.
    seen = panel.last_step.step
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    end = c.last_end
    assert end.reason == "cancelled"
    assert end.step <= seen + 2  # the step in progress, plus one already queued to the window
    assert (c.current_run / "last.pt").is_file()
    assert panel.resume_button.isEnabled() and panel.train_button.isEnabled()
    assert "cancel" in panel.message_text().lower() and "Press Resume" in panel.message_text()
    # The heading follows the state: no "Stopping after this step…" once it has stopped.
    assert "Stopping" not in panel.title.text() and f"cancelled at step {end.step}" in panel.title.text()
    run = c.current_run

    # Resume continues the same run from its step, curves kept.
    points_before = panel.curves.plotted_points("loss")
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.start_event is not None and panel.start_event.start_step > 0, timeout=WAIT)
    assert panel.start_event.start_step == end.step and Path(panel.start_event.run_dir) == run
    assert "Press Resume" not in panel.message_text()  # it goes on: the cancelled part's advice is gone
    qtbot.waitUntil(lambda: panel.last_step.step > end.step, timeout=WAIT)
    assert panel.curves.plotted_points("loss") >= points_before
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        c.cancel()
    assert c.last_end.reason == "cancelled" and c.current_run == run
    panel.runs.refresh()
    assert len(panel.runs.runs) == 1 and panel.runs.runs[0].status == "cancelled"


def test_closing_while_training_asks_then_stops_cleanly(qtbot, window, monkeypatch):
    c = _start_from_dialog(qtbot, window)
    qtbot.waitUntil(lambda: c.panel.last_step is not None, timeout=WAIT)
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: answers.pop(0))
    window.show()
    assert not window.close()  # "No": keeps training, window stays
    assert window.isVisible() and c.running
    window.close()  # "Yes": cancels; the window closes once the thread has stopped
    assert window.isVisible()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=WAIT)
    assert not c.running and c.last_end.reason == "cancelled"
    assert answers == []


def test_pretrained_weights_offline_is_a_message_with_a_way_out(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "empty-torch-home"))  # no cached weights
    store = window.store
    before = store.stats()["shapes"]
    c = _start_from_dialog(qtbot, window, pretrained=True)
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        pass
    text = c.panel.message_text()
    assert c.last_end.reason == "error" and c.last_end.details["code"] == "weights_unavailable"
    assert "pretrained weights" in text and "offline" in text
    # The window's ways out, in its own words (not the command line's flags), and a heading that says so.
    assert "--weights" not in text and "--no-pretrained" not in text and c.last_end.details["file"] in text
    assert c.panel.weights_button.isVisible() and c.panel.scratch_button.isVisible()
    assert not c.panel.title.text().startswith("Starting")
    assert store.stats()["shapes"] == before and window.isVisible()

    # "Choose weights file…": a weights file of the model that this computer has.
    import torch
    import torchvision

    weights = tmp_path / "resnet18-from-elsewhere.pth"
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), weights)
    assert c.choose_weights(str(weights))
    assert c.running and c.last_config.weights == str(weights)
    qtbot.waitUntil(lambda: c.panel.last_step is not None, timeout=WAIT)
    assert f"from {weights}" in c.panel.log.toPlainText()  # the engine says it loaded the file
    assert not c.panel.weights_button.isVisible()
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        c.cancel()

    # "Train from scratch" after the same failure.
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        assert c.start(_offline_config(c))
    qtbot.mouseClick(c.panel.scratch_button, Qt.MouseButton.LeftButton)
    assert c.running and c.last_config.pretrained is False and c.last_config.weights is None
    qtbot.waitUntil(lambda: c.panel.last_step is not None, timeout=WAIT)
    assert not c.panel.scratch_button.isVisible()
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        c.cancel()


def _offline_config(c):
    """The last run's config asking for downloaded weights again (still offline)."""
    from engine.config import TrainConfig

    config = TrainConfig.from_dict(c.last_config.to_dict())
    config.pretrained, config.weights, config.resume = True, None, None
    return config


def test_unreadable_image_is_a_warning_and_a_damaged_checkpoint_an_error(qtbot, window):
    store = window.store
    bad = store.root / store.images()[3].path
    bad.write_bytes(b"\x89PNG garbage")
    c = _start_from_dialog(qtbot, window)
    qtbot.waitUntil(lambda: c.panel.last_step is not None, timeout=WAIT)
    assert "img03.png" in c.panel.message_text()  # the engine's warning, shown while it trains
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        c.cancel()
    assert c.last_end.reason == "cancelled" and "img03.png" in c.panel.log.toPlainText()

    (c.current_run / "last.pt").write_bytes(b"not a checkpoint")
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        assert c.resume(c.current_run)
    assert c.last_end.reason == "error"
    assert "last.pt" in c.panel.message_text() and "labels are safe" in c.panel.message_text()
    assert window.isVisible() and store.integrity_check() == "ok"


def test_a_nan_loss_ends_the_run_with_what_to_do(qtbot, window):
    from engine.config import TrainConfig

    c = window.training
    store = window.store
    before = store.stats()["shapes"]
    cfg = TrainConfig(task="classify", model="resnet18", epochs=20, batch_size=4, img_size=64, pretrained=False,
                      device="cpu", extra={"debug_nan_at_step": 3})  # the engine's fault injection
    with qtbot.waitSignal(c.runner.finished, timeout=WAIT):
        assert c.start(cfg)
    assert c.last_end.reason == "nan"
    text = c.panel.message_text()
    assert "learning rate" in text.lower()
    assert all(math.isfinite(v) for v in c.panel.curves.series("loss")[1])  # the NaN is not plotted
    assert store.stats()["shapes"] == before and window.isVisible()
    assert c.panel.resume_button.isEnabled()  # last.pt from before the NaN

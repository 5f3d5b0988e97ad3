"""The AI mask tool (click to segment) in the real window, over a real
project, with Segment Anything of the real architecture and random weights
built here: saved as a state dict and loaded with ``weights_only=True``
(engine.sam.build.load_sam_weights), the settings pointing at the file.

Most tests build Meta's SAM classes small (a 256 px input, a two-block
ViT: an image encodes in milliseconds); the window's service loads it
through its ``loader`` hook. The slow ones go through the engine's own
``load_segmenter`` with MobileSAM at full size, as a person's window does:
the encoder takes seconds there, which is what the event-loop test needs.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from PySide6.QtCore import QElapsedTimer, QEventLoop, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import QMessageBox

import engine.sam.segmenter as segmenter_module
from engine.sam.build import build_sam, load_sam_weights
from engine.sam.segmenter import PromptSegmenter
from labeltool.core.shapes import Box, Mask, Polygon, Source
from labeltool.gui.jobs.sam import MAX_PIECES
from labeltool.gui.jobs.sam_boxes import BOXES_MODEL
from labeltool.gui.jobs.sam_options import OPTIONS_KEY, SamOptions

SMALL_VIT = {"embed_dim": 64, "depth": 2, "num_heads": 2, "global_attn_indexes": (1,), "window_size": 4}


@pytest.fixture(scope="module")
def small_weights(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("sam") / "small_sam.pt"
    torch.save(build_sam("vit_b", 256, **SMALL_VIT).state_dict(), path)
    return path


def small_loader(settings, progress=None) -> PromptSegmenter:
    """Meta's SAM classes at a 256 px input, with the weights of the settings' file."""
    sam = load_sam_weights(build_sam("vit_b", 256, **SMALL_VIT), settings.weights, "the small SAM")
    return PromptSegmenter(sam, settings.model, decoder="torch")


class Recording:
    """The segmenter the window's worker holds, with each decode's prompt written down."""

    def __init__(self, inner: PromptSegmenter):
        self.inner = inner
        self.prompts: list[tuple[list, list, object]] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def decode(self, embedding, points=(), labels=(), box=None, **kw):
        self.prompts.append((list(points), list(labels), box))
        return self.inner.decode(embedding, points, labels, box, **kw)


def use_ai_mask(window, qtbot, drive, weights: Path, loader=small_loader, **options) -> None:
    """Point the project's AI mask settings at ``weights``, choose the tool
    with its key and wait until the shown image is prepared."""
    ai = window.ai_mask
    ai.loader = loader
    ai.set_options(SamOptions(weights=str(weights), **options))
    drive.shortcut("I")
    assert window.canvas.tool.name == "ai_mask" and window.actions.tool_ai_mask.isChecked()
    qtbot.waitUntil(lambda: ai.service is not None and ai.service.is_ready(window.current_image().id),
                    timeout=60_000)


def shapes_of(window, kind=None) -> list:
    shapes = window.store.shapes(window.current_image().id)
    return [s for s in shapes if kind is None or isinstance(s, kind)]


def wait_preview(qtbot, tool, before=None) -> np.ndarray:
    qtbot.waitUntil(lambda: tool.mask_item is not None and tool.mask_item.image is not None
                    and tool.mask_item.image is not before, timeout=10_000)
    return tool.mask_item.image


def test_a_click_shows_a_preview_enter_stores_one_mask_and_undo_removes_it(main_window, qtbot, drive,
                                                                            small_weights):
    w = main_window
    from labeltool.gui.help_dialog import shortcut_actions

    # F1 lists the tool with its key, as every window action with a shortcut.
    assert w.actions.tool_ai_mask in shortcut_actions(w, w.actions.all)
    assert w.actions.tool_ai_mask.shortcut().toString() == "I"
    use_ai_mask(w, qtbot, drive, small_weights)
    assert "AI mask ready" in w.statusBar().currentMessage()
    tool = w.ai_mask.tool
    drive.click(100, 75)
    preview = wait_preview(qtbot, tool)
    # The low-res grid of a 200 x 150 image in a 256 px model (64 px grid): 64 x 48, stretched over the image.
    assert (preview.width(), preview.height()) == (64, 48)
    assert tool.mask_item.boundingRect().size().toTuple() == (200, 150)
    assert shapes_of(w) == []  # a preview is no shape
    drive.answer_dialog(lambda d: d.edit.setText("cat"))
    drive.key(Qt.Key.Key_Return)
    drive.key(Qt.Key.Key_Return)  # pressed twice: still one class picker, one mask
    qtbot.waitUntil(lambda: len(shapes_of(w)) == 1, timeout=10_000)
    qtbot.wait(200)
    assert len(shapes_of(w)) == 1
    [mask] = shapes_of(w)
    assert isinstance(mask, Mask) and mask.label == "cat" and mask.size == (150, 200) and mask.to_array().any()
    assert not mask.source.is_model  # the person made it, with the tool
    assert not tool.busy and tool.mask_item is None  # the prompt is cleared for the next object
    drive.shortcut("Ctrl+Z")
    assert shapes_of(w) == []
    drive.shortcut("Ctrl+Shift+Z")
    assert [s.id for s in shapes_of(w)] == [mask.id]


def test_with_the_polygon_setting_enter_stores_polygons_of_one_object(main_window, qtbot, drive, small_weights):
    w = main_window
    use_ai_mask(w, qtbot, drive, small_weights, keep="polygon", tolerance=2.0)
    drive.drag((20, 20), (180, 130))  # a box prompt
    wait_preview(qtbot, w.ai_mask.tool)
    drive.answer_dialog(lambda d: d.edit.setText("dog"))
    drive.key(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(shapes_of(w)) > 0, timeout=10_000)
    polygons = shapes_of(w)
    assert polygons and all(isinstance(p, Polygon) and p.label == "dog" for p in polygons)
    # A mask in pieces is one object (one group); one piece needs none.
    assert len({p.group for p in polygons}) == 1 and (polygons[0].group is None) == (len(polygons) == 1)
    # Random weights make a speckled mask: its largest pieces only, and the status bar says so.
    assert len(polygons) == MAX_PIECES and "smallest piece(s) of the mask were left out" in \
        w.statusBar().currentMessage()
    # Kept in the project, as the dialog would.
    assert SamOptions.from_json(w.store.get_meta(OPTIONS_KEY)).keep == "polygon"
    drive.shortcut("Ctrl+Z")  # one undoable edit, however many pieces
    assert shapes_of(w) == []


def test_a_negative_point_changes_the_prompt_sent_to_the_decoder(main_window, qtbot, drive, small_weights):
    w = main_window
    use_ai_mask(w, qtbot, drive, small_weights)
    service = w.ai_mask.service
    service.segmenter = recording = Recording(service.segmenter)
    tool = w.ai_mask.tool
    drive.click(100, 75)
    first = wait_preview(qtbot, tool)
    drive.click(30, 30, Qt.MouseButton.RightButton)
    wait_preview(qtbot, tool, before=first)
    drive.click(170, 120, mods=Qt.KeyboardModifier.ShiftModifier)  # Shift+click: background too
    qtbot.waitUntil(lambda: len(recording.prompts) == 3, timeout=10_000)
    (p1, l1, _), (p2, l2, _), (p3, l3, _) = recording.prompts
    assert l1 == [1] and l2 == [1, 0] and l3 == [1, 0, 0]
    assert np.allclose(p2, [(100, 75), (30, 30)], atol=1.5) and np.allclose(p3[2], (170, 120), atol=1.5)
    # Backspace takes the last point back; Esc clears the prompt and the preview.
    drive.key(Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: len(recording.prompts) == 4, timeout=10_000)
    assert recording.prompts[-1][1] == [1, 0]
    drive.key(Qt.Key.Key_Escape)
    assert not tool.busy and tool.mask_item is None and tool.markers == []


def test_the_tool_works_zoomed_in_and_on_the_reduced_preview(main_window, qtbot, drive, small_weights):
    w = main_window
    use_ai_mask(w, qtbot, drive, small_weights)
    service = w.ai_mask.service
    service.segmenter = recording = Recording(service.segmenter)
    w.canvas.set_scale(4.0)
    w.canvas.centerOn(60, 40)
    drive.click(60, 40)
    wait_preview(qtbot, w.ai_mask.tool)
    # The click reaches the decoder in image pixels, whatever the zoom.
    assert np.allclose(recording.prompts[-1][0], [(60, 40)], atol=0.5)
    # The canvas showing only its reduced preview of the image (not the full pixels) changes nothing:
    # prompts are image pixels, and the encoder read the file itself.
    w.canvas.canvas_scene.image.full = None
    drive.click(70, 45)
    qtbot.waitUntil(lambda: len(recording.prompts) == 2, timeout=10_000)
    assert np.allclose(recording.prompts[-1][0], [(60, 40), (70, 45)], atol=0.5)


def test_the_next_image_is_prepared_ahead_and_prompts_before_ready_are_answered(main_window, qtbot, drive,
                                                                                 small_weights):
    w = main_window
    use_ai_mask(w, qtbot, drive, small_weights)
    service = w.ai_mask.service
    nid = w.workspace.neighbour_id(1)
    qtbot.waitUntil(lambda: service.is_ready(nid), timeout=10_000)  # encoded ahead, before it is shown
    drive.shortcut("D")
    assert w.current_image().id == nid and "AI mask ready" in w.statusBar().currentMessage()
    # Back to the first: ready too (the cache keeps it), and a click shows a preview.
    drive.shortcut("A")
    drive.click(50, 50)
    wait_preview(qtbot, w.ai_mask.tool)


def test_boxes_to_masks_makes_one_prediction_per_box_to_review(main_window, qtbot, drive, small_weights):
    w = main_window
    store = w.store
    ids = [store.image_by_path(p).id for p in ("img1.jpg", "img2.jpg")]
    store.add_shape(ids[0], Box(label="car", x1=10, y1=20, x2=120, y2=100, occluded=True))
    store.add_shape(ids[0], Box(label="person", x1=130, y1=10, x2=190, y2=140))
    store.replace_predictions(ids[1], [Box(label="car", x1=30, y1=30, x2=150, y2=120,
                                           source=Source.from_model("run-1", 0.9))], model="run-1")
    w.ai_mask.loader = small_loader
    w.ai_mask.set_options(SamOptions(weights=str(small_weights)))
    view, model = w.image_list.view, w.image_list.model
    for i in ids:  # selected in the image list, as a person does (Ctrl+click)
        view.selectionModel().select(model.index(model.row_of(i)), QItemSelectionModel.SelectionFlag.Select)
    assert w.image_list.selected_ids() == sorted(ids, key=model.row_of)
    w.ai_mask.boxes_action.trigger()
    qtbot.waitUntil(lambda: w.ai_mask.job is None, timeout=60_000)
    masks = {i: [s for s in store.shapes(i) if isinstance(s, Mask)] for i in ids}
    assert sorted((m.label, m.occluded) for m in masks[ids[0]]) == [("car", True), ("person", False)]
    assert [m.label for m in masks[ids[1]]] == ["car"]
    for m in masks[ids[0]] + masks[ids[1]]:
        assert m.source.model == BOXES_MODEL and 0 <= m.source.score <= 1 and m.size == (150, 200)
    assert "3 mask(s) on 2 image(s)" in w.statusBar().currentMessage()
    # The boxes stay; a second run replaces the masks rather than adding to them.
    assert len([s for s in store.shapes(ids[0]) if isinstance(s, Box)]) == 2
    w.ai_mask.boxes_action.trigger()
    qtbot.waitUntil(lambda: w.ai_mask.job is None, timeout=60_000)
    assert len([s for s in store.shapes(ids[0]) if isinstance(s, Mask)]) == 2
    # Reviewed like any prediction: beside the detector's box, the mask is one to accept with Y.
    w.go_to_image(ids[1])
    session = w.review.session
    session.set_active(True)
    session.set_threshold(0.0)  # random weights predict low IoUs
    assert sorted(type(p).__name__ for p in session.predictions) == ["Box", "Mask"]
    drive.shortcut("Y")
    drive.shortcut("Y")
    assert session.predictions == []
    [accepted] = [s for s in store.shapes(ids[1]) if isinstance(s, Mask)]
    assert not accepted.source.is_model and accepted.source.model == BOXES_MODEL


def test_a_truncated_checkpoint_gives_the_clear_message_in_the_window(main_window, qtbot, drive, small_weights,
                                                                    tmp_path):
    cut = tmp_path / "cut.pt"
    cut.write_bytes(small_weights.read_bytes()[: small_weights.stat().st_size // 2])
    w = main_window
    seen: list[str] = []

    def read(box):
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Ok).click()

    drive.answer_dialog(read)
    w.ai_mask.loader = None  # the engine's own loading: MobileSAM at full size, from the file chosen
    w.ai_mask.set_options(SamOptions(weights=str(cut)))
    drive.shortcut("I")
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    assert "AI mask model could not be loaded" in seen[0] and "cut.pt is damaged or not a PyTorch file" in seen[0]
    assert "could not be loaded" in w.statusBar().currentMessage()
    # The tool stays usable as a tool (nothing is sent); a click makes no shape.
    drive.click(50, 50)
    assert shapes_of(w) == []


def test_offline_the_dialog_names_the_file_and_the_folder(main_window, qtbot, drive, tmp_path, monkeypatch):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setattr(segmenter_module, "_loaded", {})  # none loaded in this process yet
    import engine.sam.weights as weights

    real_fetch = weights.fetch
    monkeypatch.setattr(weights, "fetch", lambda url, path, **kw: real_fetch(
        "http://127.0.0.1:9/weights/mobile_sam.pt", path, **kw))  # port 9 refuses at once: no network
    seen: list[str] = []

    def read(box):
        seen.append(box.text())
        box.button(QMessageBox.StandardButton.Close).click()

    drive.answer_dialog(read)
    w = main_window
    w.ai_mask.set_options(SamOptions())
    drive.shortcut("I")
    qtbot.waitUntil(lambda: bool(seen), timeout=60_000)
    folder = tmp_path / "torch_home" / "hub" / "checkpoints"
    assert "mobile_sam.pt" in seen[0] and str(folder) in seen[0] and "offline" in seen[0]


def test_the_settings_dialog_keeps_the_choice_in_the_project_and_checks_the_weights_file(main_window, drive,
                                                                                         tmp_path):
    w = main_window
    from labeltool.gui.ai_mask_settings import AiMaskSettingsDialog

    problems: list[str] = []

    def fill_missing(d: AiMaskSettingsDialog) -> None:
        d.weights.setText(str(tmp_path / "nowhere.pt"))
        d.accept()  # refused: the file does not exist
        problems.append(d.problem.text())
        d.weights.setText("")
        d.model.setCurrentIndex(d.model.findData("sam-vit-b"))
        assert "sam_vit_b_01ec64.pth" in d.source.text()  # which file comes from where
        d.keep.setCurrentIndex(d.keep.findData("polygon"))
        d.tolerance.setValue(3.5)

    drive.answer_dialog(fill_missing)
    w.ai_mask.settings_action.trigger()
    assert problems and "nowhere.pt does not exist" in problems[0]
    kept = SamOptions.from_json(w.store.get_meta(OPTIONS_KEY))
    assert kept == SamOptions(model="sam-vit-b", keep="polygon", tolerance=3.5) == w.ai_mask.options
    assert w.ai_mask.settings_action in w.menus["tools"].actions()
    assert w.ai_mask.boxes_action in w.menus["tools"].actions()
    # What another version wrote, or nonsense, reads as the defaults.
    assert SamOptions.from_json('{"model": "sam-huge", "keep": "blob", "tolerance": -1}') == SamOptions()


def test_the_model_loads_while_the_train_dialogs_preload_imports_torchvision():
    # Seen in the real window: the AI mask's first import (segment_anything -> torchvision.transforms) beside the
    # Train dialog's preload (torchvision.models) failed with "cannot import name 'InterpolationMode' from
    # partially initialized module". The worker imports through the preload's lock; a fresh process, both at once.
    import subprocess
    import sys

    code = ("import sys, time\n"
            "from labeltool.gui.jobs import preload\n"
            "preload.PRELOAD_MODULES = ('engine.models.registry',)\n"
            "thread = preload.preload_engine()\n"
            "time.sleep(0.2)\n"
            "preload.import_modules('engine.sam.segmenter')\n"
            "thread.join()\n"
            "import engine.models.registry\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-2000:]


# ---------------------------------------------------- MobileSAM at full size
@pytest.fixture(scope="module")
def mobile_sam_weights(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("mobile_sam") / "mobile_sam_random.pt"
    torch.save(build_sam("tiny_vit").state_dict(), path)
    return path


def _lateness_while(qtbot, until, timeout_s: float = 240) -> list[float]:
    """Run the event loop (as app.exec() does) until ``until()``; a 10 ms
    precise timer records how late each of its ticks fires (as
    tests/benchmarks/bench_gui_latency.py measures)."""
    samples: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.nsecsElapsed()]

    def tick() -> None:
        now = clock.nsecsElapsed()
        samples.append(max(0.0, (now - last[0]) / 1e6 - 10))
        last[0] = now

    timer = QTimer()
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.setInterval(10)
    timer.timeout.connect(tick)
    loop = QEventLoop()
    check = QTimer()
    check.timeout.connect(lambda: until() and loop.quit())
    deadline = QTimer(singleShot=True)
    deadline.timeout.connect(loop.quit)
    timer.start()
    check.start(20)
    deadline.start(int(timeout_s * 1000))
    loop.exec()
    timer.stop()
    check.stop()
    assert until(), "timed out"
    return samples


def _p99(samples: list[float]) -> float:
    s = sorted(samples)
    return s[min(len(s) - 1, round(0.99 * (len(s) - 1)))]


@pytest.mark.slow
def test_mobile_sam_encodes_off_the_gui_thread_and_the_window_stays_responsive(main_window, qtbot, drive,
                                                                              mobile_sam_weights):
    w = main_window
    ai = w.ai_mask
    ai.loader = None  # the engine's load_segmenter, with the settings pointing at the file
    ai.set_options(SamOptions(weights=str(mobile_sam_weights)))
    # Load the model first (ONNX export and the decoder check take seconds); then measure an encoding alone.
    drive.shortcut("I")
    qtbot.waitUntil(lambda: ai.service.segmenter is not None, timeout=240_000)
    current = w.current_image().id
    lateness = _lateness_while(qtbot, lambda: ai.service.is_ready(current))
    assert len(lateness) > 50  # the encoder took seconds, and the loop ran all along
    p99 = _p99(lateness)
    print(f"\nevent loop while MobileSAM encodes: median {statistics.median(lateness):.1f} ms, p99 {p99:.1f} ms "
          f"over {len(lateness)} ticks")
    assert p99 < 50, p99
    # A click's preview comes from the worker too.
    drive.click(100, 75)
    wait_preview(qtbot, ai.tool)
    # A 200 x 150 image fills 1024 x 768 of the model's input: 256 x 192 of its 256 px low-res grid.
    assert (ai.tool.mask_item.image.width(), ai.tool.mask_item.image.height()) == (256, 192)
    print(f"decode in the window: {ai.service.decode_ms[-1]:.0f} ms ({ai.service.segmenter.decoder_kind})")
    # Closing the window while the next image encodes stops that encoding half-way, not after it.
    nid = w.workspace.neighbour_id(1)
    qtbot.waitUntil(lambda: bool(ai.service.cache()._pending), timeout=10_000)  # the next one is being encoded
    start = time.perf_counter()
    ai.shutdown()
    assert time.perf_counter() - start < 1.5 and not ai.service.is_ready(nid)


def test_an_encoding_stops_half_way_on_a_thread_that_asks(small_weights):
    from labeltool.gui.jobs.sam import EncodingStopped, _interruptible, stop_encoding_when

    segmenter = small_loader(SamOptions(weights=str(small_weights)).settings(None))
    _interruptible(segmenter)
    image = (np.random.default_rng(0).random((60, 80, 3)) * 255).astype(np.uint8)
    assert segmenter.encode(image).features.shape[1] == 256  # a thread that never asks is never stopped
    layers = []

    def after_four_layers() -> bool:
        layers.append(1)
        return len(layers) > 4

    stop_encoding_when(after_four_layers)
    try:
        with pytest.raises(EncodingStopped):
            segmenter.encode(image)
        assert len(layers) == 5  # asked before each layer: stopped before the fifth, not at the end
    finally:
        stop_encoding_when(lambda: False)


@pytest.mark.slow
def test_the_first_use_downloads_the_weights_with_a_progress_dialog(main_window, qtbot, drive, mobile_sam_weights,
                                                                    tmp_path, monkeypatch):
    import dataclasses
    import functools
    import http.server
    import threading

    from engine.sam import SAM_MODELS

    # The official address is out of reach here: a local server sends the same kind of file, over real HTTP.
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(mobile_sam_weights.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/{mobile_sam_weights.name}"
    monkeypatch.setitem(SAM_MODELS, "mobile-sam", dataclasses.replace(SAM_MODELS["mobile-sam"], url=url))
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch_home"))
    monkeypatch.setattr(segmenter_module, "_loaded", {})  # the official model's settings: loaded for this test only
    w = main_window
    ai = w.ai_mask
    ai.set_options(SamOptions())
    dialogs: list[str] = []
    drive.shortcut("I")
    ai.service.downloading.connect(lambda done, total: ai._download is not None and dialogs.append(
        ai._download.labelText()))
    try:
        qtbot.waitUntil(lambda: ai.service.segmenter is not None, timeout=240_000)
    finally:
        server.shutdown()
    assert dialogs and "Downloading the weights of MobileSAM" in dialogs[-1]
    # closed once loaded: the worker keeps the segmenter, then posts "loaded" to the GUI thread
    qtbot.waitUntil(lambda: ai._download is None, timeout=10_000)
    kept = tmp_path / "torch_home" / "hub" / "checkpoints" / "mobile_sam.pt"
    assert kept.read_bytes() == mobile_sam_weights.read_bytes()

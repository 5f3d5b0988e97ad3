"""A recogniser run's model report (issue 16 #1): the lines of the images
the run was validated on, read by it, worst first, in the Review dock's
Model report; a click on a line shows its image with the region selected."""
from __future__ import annotations

import pytest

from labeltool.core import ProjectStore
from tests.engine.text_pair import teach_one_answer, train_tiny
from tests.engine.text_synth import line_project
from tests.review.test_review_gui import open_window

WAIT = 120_000  # ms: two busy cores


@pytest.mark.slow
def test_a_recognisers_report_lists_its_validation_lines_worst_first(qtbot, tmp_path):
    root = line_project(tmp_path / "lines", n=12, seed=5)
    run = train_tiny(root, "recognize", "crnn_lite", img_size=32)
    letter = teach_one_answer(run)  # it reads one letter on every line, whatever the line says
    store = ProjectStore.open(root)
    w, review = open_window(qtbot, store)
    try:
        panel = review.panel
        panel.models.load()
        panel.models.add(run, select=True)
        dlg = panel.open_report()
        qtbot.waitUntil(lambda: dlg.result is not None, timeout=WAIT)
        result = dlg.result
        validated = (run / "split.json").read_text(encoding="utf-8")
        assert result.lines and all(line.image in validated for line in result.lines)
        assert all(line.predicted == letter for line in result.lines)
        cers = [line.cer for line in result.lines]
        assert cers == sorted(cers, reverse=True) and cers[0] > 0
        assert dlg.reading.isVisible() and not dlg.view.isVisible()
        shown = dlg.reading.lines
        assert shown.rowCount() == len(result.lines)
        assert shown.item(0, shown.TRUTH).text() == result.lines[0].truth
        assert "Character error rate" in dlg.reading.summary.text() and "validation images" in \
            dlg.reading.summary.text()

        last = result.lines[-1]
        shown.cellClicked.emit(len(result.lines) - 1, 0)
        assert w.workspace.current_image().path == last.image
        assert [s.id for s in w.canvas.canvas_scene.selected_shapes()] == [last.region_id]
        dlg.close()
    finally:
        w.close()
        store.close()

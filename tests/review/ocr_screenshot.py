"""Save a screenshot of reading text (docs/ocr.png) at 1366x768: scikit-image's
``page`` read by PP-OCR in the Review panel, the surest lines accepted, the
unsure one left to review, with its transcription on the canvas.

    xvfb-run -a -s "-screen 0 1366x768x24" env QT_QPA_PLATFORM=xcb \\
        .venv/bin/python -m tests.review.ocr_screenshot [OUT.png]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from tests.review.screenshot import ROOT, pump


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", nargs="?", default=str(ROOT / "docs" / "ocr.png"))
    args = ap.parse_args()

    from PIL import Image
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QDockWidget
    from skimage import data

    from labeltool.core import ProjectStore

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from labeltool.gui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "文档"
        root.mkdir()
        Image.fromarray(data.page()).save(root / "page.png")
        Image.fromarray(data.text()).save(root / "text.png")
        store = ProjectStore.open(root)
        w = MainWindow(store)
        w.resize(1366, 768)
        w.showMaximized()
        review = w.review
        panel, session = review.panel, review.session
        panel.reveal()
        # The class list short, so that the Review panel shows whole.
        w.resizeDocks([w.findChild(QDockWidget, "dock_classes"), w.findChild(QDockWidget, "dock_review")],
                      [90, 640], Qt.Orientation.Vertical)
        pump(app, 0.5)
        done: list[int] = []
        panel.predictionFinished.connect(lambda n, c: done.append(n))
        page = store.image_by_path("page.png")
        w.go_to_image(page.id)
        panel.read_text("unlabelled")
        pump(app, 120, lambda: done)
        w.go_to_image(page.id)
        panel.slider.setValue(5)  # every reading shown, the unsure one among them
        for _ in range(3):  # the three surest lines: accepted, now a person's text regions
            session.accept()
        unsure = min(session.predictions, key=lambda p: p.source.score or 0.0)
        session.select(unsure.id)
        panel.queue.build_button.click()
        w.canvas.fit_window()
        pump(app, 1.0)
        w.grab().save(args.out)
        print("saved", args.out, panel.count_label.text())
        w.close()
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

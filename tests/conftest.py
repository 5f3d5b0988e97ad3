"""Shared fixtures. Qt runs offscreen: without a display (or this variable)
creating a QApplication aborts the process."""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# QSettings (language, remembered window layouts) in a folder of this run, not
# the person's own: a test neither reads their choices nor leaves its own.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="labeltool-test-config-")
atexit.register(shutil.rmtree, os.environ["XDG_CONFIG_HOME"], True)

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from PIL import Image  # noqa: E402


def write_image(path: Path, width: int = 64, height: int = 48, color: tuple[int, int, int] = (120, 80, 40),
                fmt: str | None = None) -> Path:
    """A small real image file (noise on a colour, so JPEG has work to do)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(abs(hash(path.name)) % 2**32)
    a = np.clip(rng.normal(0, 20, (height, width, 3)) + np.array(color), 0, 255).astype(np.uint8)
    Image.fromarray(a).save(path, format=fmt)
    return path


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    """A folder of five small images, one in a sub-folder, one with a Chinese name."""
    root = tmp_path / "photos"
    for i in range(3):
        write_image(root / f"img{i}.jpg")
    write_image(root / "sub" / "deep.png", 40, 30)
    write_image(root / "行人_01.jpg", 50, 40)
    return root


@pytest.fixture
def store(image_folder: Path):
    from labeltool.core import ProjectStore

    s = ProjectStore.open(image_folder)
    yield s
    s.close()


@pytest.fixture(autouse=True, scope="session")
def _clear_clipboard_at_exit():
    """Empty the Qt clipboard before the interpreter exits. Shapes copied by a
    test leave a QMimeData owned by the clipboard; destroying it during
    interpreter teardown, after Python has begun freeing PySide's wrappers,
    segfaults the process (exit 139) although every test passed."""
    yield
    import sys

    if "PySide6.QtWidgets" in sys.modules:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if app is not None:
            app.clipboard().clear()
            app.processEvents()


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's application, with the app's own rule: Python's cyclic GC
    runs only on the GUI thread (labeltool/gui/lifetime.py), so that no
    worker thread of a test ever frees a window left in a reference cycle."""
    from labeltool.gui.lifetime import collect_on_gui_thread

    collector = collect_on_gui_thread(qapp)
    yield qapp
    collector.stop()


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_the_main_thread():
    """Free each test's windows at its own teardown, on the main thread.

    The collector above already keeps collection on the main thread; this
    adds *when*: a window a test left in a reference cycle goes at that
    test's end (not during a later test, whose failure it would then look
    like), and the memory of a test's windows and models is returned before
    the next test, whether or not the event loop ran long enough for the
    collector's timer.
    """
    yield
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    gc.collect()
    if QCoreApplication.instance() is not None:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()

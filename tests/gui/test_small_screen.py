"""The window on a 1366x768 laptop (issue 11, item 11): with every panel
shown, the Training dock included, it fits above a task bar, and no panel
or the canvas is cut off; panels taller than their room scroll."""
from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QDockWidget, QScrollArea

SCREEN = QSize(1366, 720)  # 1366x768 less a 48 px task bar


def show_every_dock(w) -> list[QDockWidget]:
    w.training.show_dock()
    docks = w.findChildren(QDockWidget)
    for d in docks:
        d.show()
    return docks


def test_the_window_fits_a_laptop_screen_with_every_panel_shown(main_window, qtbot):
    w = main_window
    docks = show_every_dock(w)
    assert {d.objectName() for d in docks} >= {"dock_images", "dock_classes", "dock_shapes", "dock_review",
                                               "dock_training"}
    need = w.minimumSizeHint().expandedTo(w.minimumSize())
    assert need.width() <= SCREEN.width() and need.height() <= SCREEN.height(), need
    w.resize(SCREEN)
    qtbot.waitUntil(lambda: w.size() == SCREEN, timeout=2000)
    window_rect = QRect(0, 0, w.width(), w.height())
    for d in docks:
        if w.tabifiedDockWidgets(d) and d.visibleRegion().isEmpty():
            d.raise_()  # a tab behind another: look at it in front
            qtbot.waitUntil(lambda: not d.visibleRegion().isEmpty(), timeout=2000)
        assert d.isVisible(), d.objectName()
        assert window_rect.contains(d.geometry()), (d.objectName(), d.geometry())
        inner = d.widget()
        # Not cut off: the panel has at least the room it needs; a tall one
        # scrolls up and down, but is never cut at the side.
        scrolls = isinstance(inner, QScrollArea)
        panel = inner.widget() if scrolls else inner
        need = panel.minimumSizeHint()
        assert panel.width() >= need.width(), (d.objectName(), panel.size(), need)
        assert scrolls or panel.height() >= need.height(), (d.objectName(), panel.size(), need)
    canvas = w.canvas.viewport()
    assert canvas.width() >= 400 and canvas.height() >= 250, canvas.size()
    assert window_rect.contains(QRect(canvas.mapTo(w, canvas.rect().topLeft()), canvas.size()))


def test_tall_panels_scroll_in_their_docks(main_window):
    w = main_window
    for name, panel in (("dock_review", w.review.panel), ("dock_training", w.training.panel)):
        area = w.findChild(QDockWidget, name).widget()
        assert isinstance(area, QScrollArea) and area.widget() is panel
        assert area.minimumSizeHint().height() < panel.minimumSizeHint().height()


def test_a_first_size_larger_than_the_screen_opens_maximised(qtbot):
    from PySide6.QtCore import Qt

    from labeltool.gui.main_window import MainWindow
    from labeltool.gui.window_layout import fit_to_screen

    w = MainWindow()
    qtbot.addWidget(w)
    avail = w.screen().availableGeometry().size()
    fit_to_screen(w, avail + QSize(200, 200))
    assert w.windowState() & Qt.WindowState.WindowMaximized
    small = MainWindow()
    qtbot.addWidget(small)
    fit_to_screen(small, avail - QSize(100, 100))
    assert not small.windowState() & Qt.WindowState.WindowMaximized
    assert small.size() == avail - QSize(100, 100)


def test_the_review_dock_keeps_its_width_with_long_run_names_and_counts(main_window, qtbot):
    """A run's name (date, time, model) and the verdict counts once shown
    must not widen the Review panel past its dock: it would be cut at the
    side (seen at 1366x768 with an instance run)."""
    w = main_window
    show_every_dock(w)
    w.resize(SCREEN)
    qtbot.waitUntil(lambda: w.size() == SCREEN, timeout=2000)
    panel = w.review.panel
    dock = w.findChild(QDockWidget, "dock_review")
    dock.raise_()
    panel.run_combo.addItem("20261201-183145-maskrcnn_resnet50_fpn_v2 (active, mask AP 0.93)")
    panel.count_label.setText("8 of 362 predictions shown — 5 found, 3 false alarms, 2 other class, 4 missed")
    panel.instances.setVisible(True)
    qtbot.wait(50)
    assert panel.minimumSizeHint().width() <= dock.widget().viewport().width(), \
        (panel.minimumSizeHint(), dock.widget().viewport().size())

"""The window around the canvas: navigation, image list filters, errors,
Chinese names, class panel, zoom, prefetch, language."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent

from labeltool.core import Box, ImageStatus, ProjectStore, Source
from tests.gui.conftest import click_yes


def test_d_a_and_space_navigate_and_mark_done(main_window, drive, project_store):
    w = main_window
    paths = [i.path for i in project_store.images()]
    drive.shortcut("D")
    assert w.current_image().path == paths[1]
    assert w.status_position.text() == "2 / 4"
    drive.shortcut("A")
    assert w.current_image().path == paths[0]
    drive.shortcut("A")  # already first: stays
    assert w.current_image().path == paths[0]
    drive.key(Qt.Key.Key_Space)
    assert project_store.image_by_path(paths[0]).status == ImageStatus.DONE
    assert w.current_image().path == paths[1]


def test_space_drag_pans_instead_of_marking_done(main_window, drive, project_store):
    w = main_window
    w.canvas.set_scale(8.0)
    before = w.canvas.horizontalScrollBar().value()
    from PySide6.QtTest import QTest
    QTest.keyPress(w.canvas, Qt.Key.Key_Space)
    drive.drag((100, 75), (80, 75))
    QTest.keyRelease(w.canvas, Qt.Key.Key_Space)
    assert w.canvas.horizontalScrollBar().value() != before
    assert project_store.images()[0].status == ImageStatus.NEW
    assert w.current_image().path == "img1.jpg"


def test_wheel_zooms_at_the_cursor(main_window, qtbot):
    view = main_window.canvas
    anchor = view.mapFromScene(QPointF(150, 40))
    before = view.mapToScene(anchor)
    ev = QWheelEvent(QPointF(anchor), QPointF(view.viewport().mapToGlobal(anchor)), QPoint(0, 0), QPoint(0, 240),
                     Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    scale = view.scale_factor()
    view.wheelEvent(ev)
    assert view.scale_factor() == pytest.approx(scale * 1.44, rel=0.01)
    after = view.mapToScene(anchor)
    assert (after.x(), after.y()) == pytest.approx((before.x(), before.y()), abs=1.0)
    assert main_window.status_zoom.text() == f"{view.scale_factor() * 100:.0f}%"


def test_fit_and_actual_size(main_window, drive):
    view = main_window.canvas
    drive.shortcut("Ctrl+0")
    assert view.scale_factor() == 1.0
    drive.shortcut("Ctrl+F")
    vp = view.viewport().rect()
    assert min(vp.width() / 200, vp.height() / 150) == pytest.approx(view.scale_factor(), rel=0.05)
    drive.shortcut("Ctrl+Shift+F")
    assert view.scale_factor() * 200 == pytest.approx(vp.width(), rel=0.05)


def test_cursor_position_in_image_pixels(main_window, drive):
    from PySide6.QtTest import QTest
    QTest.mouseMove(drive.vp, drive.at(123, 45))
    x, y = (float(v) for v in main_window.status_cursor.text().split(","))
    assert (x, y) == pytest.approx((123, 45), abs=1.0)


def test_unreadable_image_shows_a_message_not_a_crash(qtbot, project_folder, drive_factory):
    (project_folder / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 this is not really a jpeg")
    with ProjectStore.open(project_folder) as store:
        w, drive = drive_factory(store)
        broken = store.image_by_path("broken.jpg")
        w.go_to_image(broken.id)
        assert w.canvas.message and "broken.jpg" in w.canvas.message
        row = w.image_list.model.row_of(broken.id)
        ix = w.image_list.model.index(row)
        assert "broken.jpg" in w.image_list.model.data(ix, Qt.ItemDataRole.ToolTipRole).split("\n")[-1]
        assert w.image_list.model.errors[broken.id]
        drive.shortcut("W")
        drive.drag((10, 10), (60, 60))  # nothing to draw on: no crash, nothing stored
        assert store.shapes(broken.id) == []
        drive.shortcut("D")
        assert w.canvas.message is None and w.current_image().id != broken.id
        w.close()


def test_image_that_decodes_badly_in_background_is_reported(qtbot, project_folder, drive_factory):
    # A valid header (so the size is read) with the data cut off: the decode fails later, on a worker.
    data = (project_folder / "img2.jpg").read_bytes()
    (project_folder / "cut.jpg").write_bytes(data[: len(data) // 3])
    with ProjectStore.open(project_folder) as store:
        w, _ = drive_factory(store)
        cut = store.image_by_path("cut.jpg")
        w.go_to_image(cut.id)
        qtbot.waitUntil(lambda: w.canvas.message is not None, timeout=5000)
        assert "cut.jpg" in w.canvas.message
        w.close()


def test_chinese_names_display_and_save(main_window, drive, project_store):
    w = main_window
    model = w.image_list.model
    names = [model.data(model.index(r)) for r in range(model.rowCount())]
    assert "行人_01.jpg" in names
    w.go_to_image(project_store.image_by_path("行人_01.jpg").id)
    assert w.current_image().path == "行人_01.jpg"
    drive.shortcut("W")
    drive.answer_dialog(lambda d: d.edit.setText("行人"))
    drive.drag((10, 10), (60, 80))
    assert [s.label for s in project_store.shapes(w.current_image().id)] == ["行人"]
    assert "行人" in w.label_panel.class_names()
    assert "行人" in w.shape_list.item(0).text()
    assert w.canvas.canvas_scene.items_by_id[project_store.shapes(w.current_image().id)[0].id].caption() == "行人"
    assert "行人_01" in w.windowTitle() or w.status_position.text()


def test_image_list_filters(main_window, project_store):
    w = main_window
    imgs = project_store.images()
    project_store.add_shape(imgs[0].id, Box(label="car", x1=0, y1=0, x2=5, y2=5))
    project_store.add_shape(imgs[1].id, Box(label="bus", x1=0, y1=0, x2=5, y2=5))
    project_store.add_shape(imgs[2].id, Box(label="car", x1=0, y1=0, x2=5, y2=5,
                                           source=Source.from_model("frcnn", 0.9)))
    lst = w.image_list

    def shown():
        return [lst.model.item(r).path for r in range(lst.model.rowCount())]

    lst.set_filter("unlabelled")
    assert shown() == [imgs[2].path, imgs[3].path]
    lst.set_filter("predictions")
    assert shown() == [imgs[2].path]
    lst.set_filter("class", "car")
    assert shown() == [imgs[0].path, imgs[2].path]
    lst.set_filter("all")
    lst.search.setText("行人")
    assert shown() == ["行人_01.jpg"]
    lst.search.setText("")
    assert len(shown()) == 4


def test_next_follows_the_filtered_list(main_window, drive, project_store):
    w = main_window
    imgs = project_store.images()
    project_store.add_shape(imgs[1].id, Box(label="car", x1=0, y1=0, x2=5, y2=5))
    w.image_list.set_filter("unlabelled")
    drive.shortcut("D")
    assert w.current_image().id == imgs[2].id
    assert w.status_position.text().startswith("2 / 3")


def test_status_icons_follow_the_store(main_window, project_store):
    w = main_window
    model = w.image_list.model
    first = project_store.images()[0]
    project_store.set_status(first.id, ImageStatus.SKIPPED)
    assert model.item(0).status == ImageStatus.SKIPPED
    project_store.add_shape(project_store.images()[1].id, Box(label="x", x1=0, y1=0, x2=5, y2=5))
    assert model.item(1).status == ImageStatus.IN_PROGRESS


def test_neighbours_are_decoded_ahead(main_window, drive, project_store, qtbot):
    w = main_window
    nxt = project_store.images()[1]
    qtbot.waitUntil(lambda: w.cache.get(nxt.id) is not None, timeout=5000)
    drive.shortcut("D")
    assert w.canvas.canvas_scene.image.preview is not None  # shown at once, no wait


def test_prediction_overlay_hook(main_window):
    from labeltool.core import Box as B
    pred = B(label="car", x1=5, y1=5, x2=50, y2=50, source=Source.from_model("m", 0.75))
    main_window.canvas.set_overlay([pred])
    [item] = main_window.canvas.canvas_scene.overlay_items
    assert item.model and "0.75" in item.caption()
    main_window.canvas.set_overlay([])
    assert main_window.canvas.canvas_scene.overlay_items == []


def test_class_panel_rename_merge_delete(main_window, drive, project_store):
    w = main_window
    img = w.current_image().id
    project_store.add_shape(img, Box(label="car", x1=0, y1=0, x2=5, y2=5))
    project_store.add_shape(img, Box(label="auto", x1=0, y1=0, x2=5, y2=5))
    project_store.add_shape(img, Box(label="bus", x1=0, y1=0, x2=5, y2=5))
    panel = w.label_panel
    panel.refresh()
    counts = {panel.tree.topLevelItem(i).text(0): panel.tree.topLevelItem(i).text(1)
              for i in range(panel.tree.topLevelItemCount())}
    assert counts == {"car": "1", "auto": "1", "bus": "1"}
    panel.set_current_class("car")
    drive.answer_dialog(lambda d: d.setTextValue("汽车"))
    panel.buttons["rename"].click()
    assert project_store.class_names() == ["汽车", "auto", "bus"]
    panel.set_current_class("auto")
    drive.answer_dialog(lambda d: d.setTextValue("汽车"))
    panel.buttons["merge"].click()
    assert sorted(s.label for s in project_store.shapes(img)) == ["bus", "汽车", "汽车"]
    panel.set_current_class("bus")
    drive.answer_dialog(click_yes)  # "Delete the class … and its 1 shapes?"
    panel.buttons["delete"].click()
    assert [s.label for s in project_store.shapes(img)] == ["汽车", "汽车"]
    assert panel.class_names() == ["汽车"]


def test_read_only_project_can_be_viewed_not_edited(qtbot, project_folder, drive_factory):
    ProjectStore.open(project_folder).close()
    with ProjectStore.open(project_folder, readonly=True) as store:
        w, drive = drive_factory(store)
        assert "read-only" in w.windowTitle()
        assert not w.actions.tool_box.isEnabled()
        drive.shortcut("W")
        assert w.canvas.tool.name == "edit"
        drive.shortcut("D")
        assert w.current_image().path == store.images()[1].path
        w.close()


def test_locked_project_offers_read_only(qtbot, project_folder, drive_factory):
    from labeltool.gui.main_window import MainWindow

    with ProjectStore.open(project_folder) as holder:  # "another process" holds the write lock
        holder.add_shape(holder.images()[0].id, Box(label="car", x1=0, y1=0, x2=5, y2=5))
        w = MainWindow()
        qtbot.addWidget(w)
        w.show()
        seen = []
        from tests.gui.conftest import Driver
        Driver(w, qtbot).answer_dialog(lambda d: (seen.append(d.text()), click_yes(d)))  # "Open read-only?"
        assert w.open_project(project_folder)
        assert "already open" in seen[0]
        assert w.store.readonly and "read-only" in w.windowTitle()
        assert [s.label for s in w.store.shapes(w.current_image().id)] == ["car"]
        w.close()


def test_help_lists_the_shortcuts(main_window, qtbot):
    from labeltool.gui.help_dialog import HelpDialog

    dlg = HelpDialog(main_window.actions.all, main_window)
    qtbot.addWidget(dlg)
    rows = {dlg.table.item(r, 0).text(): dlg.table.item(r, 1).text() for r in range(dlg.table.rowCount())}
    for key in ("W", "P", "B", "T", "D", "A", "Ctrl+D", "Del", "Ctrl+Z", "Ctrl+F", "Space", "Ctrl+O"):
        assert any(key == k or k.startswith(key + ",") for k in rows), key
    assert "Box" in rows["W"]


def test_zh_cn_translation_loads(qtbot):
    from PySide6.QtCore import QCoreApplication, QTranslator

    from labeltool.gui.i18n import I18N_DIR

    t = QTranslator()
    assert t.load(str(I18N_DIR / "labeltool_zh_CN.qm"))
    QCoreApplication.installTranslator(t)
    try:
        from labeltool.gui.main_window import MainWindow
        w = MainWindow()
        qtbot.addWidget(w)
        titles = [a.text() for a in w.menuBar().actions()]
        assert "文件(&F)" in titles and "编辑(&E)" in titles
        assert w.actions.tool_box.text() == "矩形框(&B)"
        # Review's actions and menu are translated in the context they are made in.
        assert w.review.actions["accept"].text() == "接受预测"
        assert "审核预测(&R)" in [a.text() for a in w.menus["train"].actions()]
        w.close()
    finally:
        QCoreApplication.removeTranslator(t)


def test_every_string_of_the_main_window_is_translated():
    """Each user-facing string of these modules has a zh_CN translation in the
    shipped .ts (training/review panels keep their own)."""
    import xml.etree.ElementTree as ET

    from labeltool.gui.i18n import I18N_DIR

    root = ET.parse(I18N_DIR / "labeltool_zh_CN.ts").getroot()
    untranslated = []
    for msg in root.iter("message"):
        files = [loc.get("filename", "") for loc in msg.findall("location")]
        if files and all("/training/" in f or "/review/" in f for f in files):
            continue
        tr = msg.find("translation")
        forms = [f.text for f in tr.findall("numerusform")] or [tr.text]  # a plural has its forms inside
        if tr.get("type") in ("unfinished", "vanished", "obsolete") or not all((f or "").strip() for f in forms):
            if tr.get("type") not in ("vanished", "obsolete"):
                untranslated.append(msg.find("source").text)
    assert untranslated == []


def test_preview_first_then_full_resolution_when_zoomed_in(qtbot, project_folder, drive_factory):
    from tests.conftest import write_image

    write_image(project_folder / "aaa_big.jpg", 2400, 1800)
    with ProjectStore.open(project_folder) as store:
        w, drive = drive_factory(store)
        assert w.current_image().path == "aaa_big.jpg"
        layer = w.canvas.canvas_scene.image
        qtbot.waitUntil(lambda: layer.preview is not None, timeout=5000)
        assert max(layer.preview.width(), layer.preview.height()) <= w.cache.preview_side
        assert layer.full is None or layer.full.width() == 2400
        drive.shortcut("Ctrl+0")  # 1:1 needs every pixel
        qtbot.waitUntil(lambda: layer.full is not None, timeout=5000)
        assert (layer.full.width(), layer.full.height()) == (2400, 1800)
        w.close()


def test_escape_cancels_a_half_drawn_polygon(main_window, drive, project_store):
    drive.shortcut("P")
    drive.click(10, 10)
    drive.click(100, 10)
    drive.key(Qt.Key.Key_Escape)
    assert not main_window.canvas.tool.busy
    drive.click(50, 50)
    drive.click(60, 60)
    drive.answer_dialog(lambda d: d.edit.setText("x"))
    drive.click(50, 80)
    drive.key(Qt.Key.Key_Return)
    [p] = project_store.shapes(main_window.current_image().id)
    assert len(p.points) == 3 and p.points[0] == pytest.approx((50, 50), abs=1)

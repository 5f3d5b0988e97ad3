"""F1 and 简体中文 as a first hour meets them (issue 11, item 10): the help
lists every shortcut the window has, the ones review and training add
included, without mnemonics; in Chinese the menus, the Review predictions
submenu and Qt's own file dialog speak Chinese."""
from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QWidget

from labeltool.gui.i18n import plain_text

CJK = re.compile(r"[\u4e00-\u9fff]")


def help_rows(w, drive) -> dict[str, str]:
    """Open the help with F1 (a real key press) and read its table: keys -> what they do."""
    rows: dict[str, str] = {}

    def read(dlg):
        t = dlg.table
        rows.update({t.item(r, 0).text(): t.item(r, 1).text() for r in range(t.rowCount())})

    drive.answer_dialog(read)
    drive.shortcut("F1")
    assert rows, "F1 opened no help"
    return rows


def test_f1_lists_training_and_review_keys(main_window, drive):
    rows = help_rows(main_window, drive)
    for keys in ("Ctrl+T", "Y", "N", "Tab", "Shift+Y", "Shift+Tab", "Ctrl+O", "W", "F1"):
        assert keys in rows, f"{keys} missing from the help: {sorted(rows)}"
    assert rows["Y"] == "Accept prediction"
    assert rows["Ctrl+T"] == "Train a model…"
    assert not any("&" in text for text in rows.values())


def test_f1_in_chinese_has_no_mnemonics(zh_cn, drive_factory, project_store):
    w, drive = drive_factory(project_store)
    rows = help_rows(w, drive)
    assert rows["Ctrl+T"] == "训练模型…"
    bad = [text for text in rows.values() if re.search(r"\(&?[A-Za-z0-9]\)|&", text)]
    assert bad == []
    w.close()


@pytest.mark.parametrize("text, plain", [("&File", "File"), ("文件(&F)", "文件"), ("打开文件夹(&O)…", "打开文件夹…"),
                                         ("Save && close", "Save & close"), ("审核预测（&R）", "审核预测")])
def test_plain_text_drops_mnemonics(text, plain):
    assert plain_text(text) == plain


def menu_texts(menu: QMenu) -> list[str]:
    out = []
    for a in menu.actions():
        if a.isSeparator():
            continue
        out.append(a.text())
        if a.menu() is not None:
            out += menu_texts(a.menu())
    return out


def test_every_menu_entry_is_chinese(zh_cn, drive_factory, project_store):
    w, _ = drive_factory(project_store)
    from labeltool.gui.i18n import LANGUAGES
    from labeltool.gui.io_menu import FORMAT_TITLES

    names = set(LANGUAGES.values()) | {t + "…" for t in FORMAT_TITLES.values()}
    texts = [t for m in w.menuBar().actions() for t in [m.text(), *menu_texts(m.menu())]]
    assert "预标注当前图像" in texts  # Train > Review predictions > Pre-label this image
    english = [t for t in texts if t not in names and not CJK.search(t)]
    assert english == [], english
    w.close()


def test_qt_file_dialog_speaks_chinese(zh_cn, qtbot):
    """Qt's own catalogue lacks Qt 6's "&Look in:" and "Files of &type:";
    ours fills them in (labeltool/gui/qt_strings.py)."""
    dlg = QFileDialog(None, "x")
    dlg.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitExposed(dlg)
    english = [lab.text() for lab in dlg.findChildren(QLabel) if re.search("[A-Za-z]{2}", lab.text())
               and not CJK.search(lab.text()) and not lab.text().startswith("/")]
    assert english == []
    buttons = [w.text() for w in dlg.findChildren(QWidget) if hasattr(w, "text") and callable(w.text)
               and isinstance(w.text(), str) and re.fullmatch(r"[A-Za-z& ]{3,}", w.text())]
    assert buttons == []


def test_engine_words_reach_the_window_in_chinese(zh_cn):
    """An engine message (marked QT_TRANSLATE_NOOP, Qt-free) is translated,
    then its numbers filled in."""
    from labeltool.gui.i18n import engine_text

    text = engine_text("TrainingChecks", "{n} image(s) have more than one class; training uses the first class "
                                         "of each.", n=3)
    assert text == "有 3 张图像带有多个类别；训练时每张只使用第一个类别。"


def test_every_engine_module_that_marks_words_is_in_the_translation():
    """resources/i18n/update.sh finds the marking modules itself; this says
    when the .ts was not refreshed after a module began to mark words."""
    from pathlib import Path

    from labeltool.gui.i18n import I18N_DIR

    root = Path(__file__).resolve().parents[2]
    marking = sorted(p.relative_to(root).as_posix() for p in (root / "engine").rglob("*.py")
                     if "QT_TRANSLATE_NOOP(" in p.read_text("utf-8") and p.name != "i18n.py")
    ts = (I18N_DIR / "labeltool_zh_CN.ts").read_text("utf-8")
    assert marking, "no engine module marks words any more?"
    missing = [m for m in marking if f'filename="../../{m}"' not in ts]
    assert missing == [], f"run resources/i18n/update.sh: {missing}"

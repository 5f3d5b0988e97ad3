"""The shipped zh_CN translation covers every GUI string, and each translation
keeps the placeholders, HTML tags and mnemonics its source has (a lost %1 or
{name} would show a raw template or raise at .format() time)."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from labeltool.gui.i18n import I18N_DIR

TS = I18N_DIR / "labeltool_zh_CN.ts"

# %1..%99 and %n (Qt), {name} / {0} / {v:.3f} (str.format), HTML tags.
_PLACEHOLDER = re.compile(r"%\d+|%n|\{[^{}]*\}|</?[A-Za-z][^<>]*>")
# A mnemonic is "&X" but not "&&" (a literal ampersand).
_MNEMONIC = re.compile(r"(?<!&)&([A-Za-z0-9])")


def _messages() -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(TS).getroot()
    out = []
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is not None and tr.get("type") in ("vanished", "obsolete"):
                continue  # lupdate keeps dead strings only when told to
            out.append((name, msg.findtext("source") or "", msg))
    return out


def _texts(msg: ET.Element) -> list[str]:
    tr = msg.find("translation")
    forms = tr.findall("numerusform")
    return [f.text or "" for f in forms] if forms else [tr.text or ""]


def test_the_ts_covers_the_training_and_review_panels():
    files = {loc.get("filename", "") for _, _, m in _messages() for loc in m.findall("location")}
    assert any("/training/" in f for f in files)
    assert any("/review/" in f for f in files)
    assert any(f.endswith("engine/checks.py") for f in files)  # the Train dialog's checks, marked Qt-free
    assert len(_messages()) > 300


def test_no_message_is_unfinished_or_empty():
    bad = []
    for ctx, src, msg in _messages():
        tr = msg.find("translation")
        if tr.get("type") == "unfinished" or not all(t.strip() for t in _texts(msg)):
            bad.append(f"{ctx}: {src!r}")
    assert bad == [], f"{len(bad)} untranslated; run resources/i18n/update.sh and translate:\n" + "\n".join(bad)


def test_translations_keep_placeholders_tags_and_mnemonics():
    bad = []
    for ctx, src, msg in _messages():
        want = Counter(_PLACEHOLDER.findall(src))
        want_keys = Counter(k.lower() for k in _MNEMONIC.findall(src))
        for text in _texts(msg):
            got = Counter(_PLACEHOLDER.findall(text))
            if msg.get("numerus") == "yes":
                # A plural form may drop %n (Chinese has one form) but adds nothing.
                got.pop("%n", None)
                want_cmp = want.copy()
                want_cmp.pop("%n", None)
            else:
                want_cmp = want
            if got != want_cmp:
                bad.append(f"{ctx}: {src!r} -> {text!r} (placeholders {dict(want_cmp)} vs {dict(got)})")
            got_keys = Counter(k.lower() for k in _MNEMONIC.findall(text))
            if got_keys != want_keys:
                bad.append(f"{ctx}: {src!r} -> {text!r} (mnemonic)")
    assert bad == [], "\n".join(bad)


@pytest.mark.parametrize("src, text, ok", [
    ("Delete {name}?", "删除 {name}？", True),
    ("Delete {name}?", "删除 {名称}？", False),
    ("%1 of %2", "%1 / %2", True),
    ("%1 of %2", "%1", False),
    ("<b>%1</b> done", "%1 完成", False),
    ("&Train", "训练(&T)", True),
    ("&Train", "训练", False),
])
def test_the_placeholder_check_itself_can_fail(src, text, ok):
    same = (Counter(_PLACEHOLDER.findall(src)) == Counter(_PLACEHOLDER.findall(text))
            and Counter(k.lower() for k in _MNEMONIC.findall(src))
            == Counter(k.lower() for k in _MNEMONIC.findall(text)))
    assert same is ok


def test_the_compiled_qm_translates_panel_strings(qapp):
    from PySide6.QtCore import QCoreApplication, QTranslator

    t = QTranslator()
    assert t.load(str(I18N_DIR / "labeltool_zh_CN.qm"))
    QCoreApplication.installTranslator(t)
    try:
        assert QCoreApplication.translate("TrainDialog", "Learning rate") == "学习率"
        assert QCoreApplication.translate("ReviewQueue", "Review queue") == "审核队列"
    finally:
        QCoreApplication.removeTranslator(t)


def test_project_check_messages_are_translated_with_their_label_words(qapp):
    """The Train dialog's project checks come from a Qt-free module; their
    templates (and the label kinds named inside) still reach zh_CN."""
    from PySide6.QtCore import QCoreApplication, QTranslator

    from labeltool.core.store import Snapshot
    from engine.checks import Problem, check_project
    from labeltool.gui.training.dialog import translate_problem

    t = QTranslator()
    assert t.load(str(I18N_DIR / "labeltool_zh_CN.qm"))
    QCoreApplication.installTranslator(t)
    try:
        (empty,) = check_project(Snapshot(I18N_DIR, [], []), "detect")
        assert translate_problem(empty) == "项目中没有图像。请先把图像放进项目文件夹。"
        no_labels = Problem("error", "no_labels", "No image has {words} yet: label some images first.",
                            {"words": "polygons or masks"})
        assert translate_problem(no_labels) == "还没有任何图像带有多边形或掩码：请先标注一些图像。"
    finally:
        QCoreApplication.removeTranslator(t)
    assert translate_problem(empty).startswith("The project has no images")

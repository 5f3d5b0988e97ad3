"""Qt's own dialog strings that Qt's zh_CN catalogue (qtbase_zh_CN.qm, as
PySide6-Essentials ships it) lacks: Qt 6 changed these sources and the
catalogue kept the old ones, so the file dialog said "Look in:" in a Chinese
window. Marked here, they land in our .ts under Qt's own context, and our
translator answers where Qt's has nothing (tests/gui/test_language.py finds
any that are left)."""
from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP

QT_DIALOG_STRINGS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)

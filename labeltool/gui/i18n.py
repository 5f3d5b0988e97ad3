"""Interface language: zh_CN ships; English is the source text.

Translations are Qt .qm files in ``resources/i18n`` built from .ts files by
``pyside6-lupdate``/``pyside6-lrelease`` (see resources/i18n/README.md). The
language comes from View > Language (kept in QSettings) or, by default, the
system locale.
"""
from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
SETTINGS_KEY = "ui/language"
# A Chinese menu text keeps its mnemonic apart: "文件(&F)"; an English one inside: "&File".
_CJK_MNEMONIC = re.compile(r"\s*[(（]&[^)）][)）]")


def plain_text(text: str) -> str:
    """An action's text as a table or status bar shows it: no mnemonic
    ("&File" -> "File", "文件(&F)" -> "文件"), "&&" kept as "&"."""
    text = _CJK_MNEMONIC.sub("", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def chosen_language() -> str:
    """The language saved in the settings, else the system's if we have it, else English."""
    saved = QSettings().value(SETTINGS_KEY, "", str)
    if saved in LANGUAGES:
        return saved
    system = QLocale.system().name()  # e.g. "zh_CN"
    if system in LANGUAGES:
        return system
    if system.startswith("zh"):
        return "zh_CN"
    return "en"


def save_language(lang: str) -> None:
    QSettings().setValue(SETTINGS_KEY, lang)


def engine_text(context: str, text: str, **params: object) -> str:
    """A string the engine marked ``QT_TRANSLATE_NOOP(context, text)``
    (engine/i18n.py), translated, then its ``{name}`` parameters filled in:
    the engine's words in the window's language."""
    translated = QCoreApplication.translate(context, text)
    return translated.format(**params) if params else translated


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install our translation and Qt's own (file dialogs, buttons) for
    ``lang``; returns them (they must stay alive as long as the application).
    The platform's native dialogs speak the system's language, so where that
    is not ``lang`` Qt's own dialogs are used, which speak ``lang``."""
    installed: list[QTranslator] = []
    if QLocale.system().name().split("_")[0] != lang.split("_")[0]:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
    if lang == "en":
        return installed
    ours = QTranslator(app)
    if ours.load(str(I18N_DIR / f"labeltool_{lang}.qm")):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed

"""Interface language: zh_CN ships; English is the source text.

Translations are Qt .qm files in ``resources/i18n`` built from .ts files by
``pyside6-lupdate``/``pyside6-lrelease`` (see resources/i18n/README.md). The
language comes from View > Language (kept in QSettings) or, by default, the
system locale.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
I18N_DIR = Path(__file__).resolve().parents[2] / "resources" / "i18n"
SETTINGS_KEY = "ui/language"


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


def install_translators(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Install our translation and Qt's own (dialog buttons) for ``lang``;
    returns them (they must stay alive as long as the application)."""
    installed: list[QTranslator] = []
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

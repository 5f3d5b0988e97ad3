"""Marking engine strings for translation without Qt.

The engine speaks English; the window translates what it shows. A message
the window shows is marked where it is written, with the context the window
translates it in (``QCoreApplication.translate(context, text)``), and its
numbers and names travel apart as parameters, filled in after translation.
"""
from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name pyside6-lupdate looks for
    """Returns ``text``: pyside6-lupdate finds these calls in the source
    (resources/i18n/update.sh must list the file), the window translates at
    display time."""
    return text

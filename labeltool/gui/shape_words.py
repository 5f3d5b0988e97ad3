"""How the window names a shape's flags and group, in one place: the canvas
caption, the shape list, the menus and the status bar say them alike."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from labeltool.core.shapes import FLAGS, Shape

_CONTEXT = "ShapeWords"
# The flags' names, and the one letter each shows as on the canvas.
_NAMES = {"difficult": QT_TRANSLATE_NOOP("ShapeWords", "difficult"),
          "truncated": QT_TRANSLATE_NOOP("ShapeWords", "truncated"),
          "occluded": QT_TRANSLATE_NOOP("ShapeWords", "occluded")}
_MARKS = {"difficult": QT_TRANSLATE_NOOP("ShapeWords", "D"),
          "truncated": QT_TRANSLATE_NOOP("ShapeWords", "T"),
          "occluded": QT_TRANSLATE_NOOP("ShapeWords", "O")}


def _tr(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def flag_name(flag: str) -> str:
    """``"difficult"`` as the window's language says it."""
    return _tr(_NAMES[flag])


def flag_names(shape: Shape) -> list[str]:
    """The names of the flags ``shape`` has, in VOC's order."""
    return [flag_name(f) for f in FLAGS if getattr(shape, f)]


def flag_marks(shape: Shape) -> str:
    """The flags as a badge for the canvas caption (``"[D O]"``), or ""."""
    marks = [_tr(_MARKS[f]) for f in FLAGS if getattr(shape, f)]
    # One letter each: a caption on the image stays short.
    return f"[{' '.join(marks)}]" if marks else ""


def group_text(group: int) -> str:
    """``"group 3"``: the object a part belongs to."""
    return QCoreApplication.translate("ShapeWords", "group %1").replace("%1", str(group))

"""How a job's failure reads in the window."""
from __future__ import annotations

import traceback

from engine.errors import EngineError


def failure_text(error: BaseException) -> str:
    """The engine's own words for what it knows can go wrong; for anything
    else, the exception's type and text (and its traceback on stderr, to be
    reported): the window survives any model error."""
    if isinstance(error, EngineError):
        return str(error)
    traceback.print_exception(error)
    return f"{type(error).__name__}: {error}"

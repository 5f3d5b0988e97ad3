"""Progress bars of the command line: tqdm on stderr, so that stdout holds
the results alone. tqdm leaves the bar out when stderr is not a terminal
(``disable=None``): piped and captured output get no carriage-return noise.
Library code takes a plain ``progress(done, total)`` callback; a bar's
:func:`follow` is one."""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:  # pragma: no cover
    from tqdm import tqdm


def progress_bar(label: str, total: int | None = None) -> "tqdm":
    # Imported here: tqdm reads its version from package metadata, tens of
    # milliseconds that `--help` and `stats` need not pay.
    from tqdm import tqdm

    return tqdm(desc=label, total=total, file=sys.stderr, disable=None, dynamic_ncols=True)


def follow(bar: "tqdm") -> Callable[[int, int | None], None]:
    """A ``progress(done, total)`` callback that moves ``bar``."""
    def progress(done: int, total: int | None = None) -> None:
        if total is not None and total != bar.total:
            bar.total = total
        bar.update(done - bar.n)
    return progress

"""Importing the engine ahead of the Train dialog.

The Train dialog needs torch and torchvision (the devices, whether each
model's pretrained weights are cached): ~2 s to import, which froze the
window the first time it opened.
They are imported on a background thread this long after the window is
first shown: late enough that start-up and the first image never wait for
them, early enough that the dialog opens at once. Import only: no Qt object
is touched there.
"""
from __future__ import annotations

import importlib
import sys
import threading

PRELOAD_DELAY_MS = 2500
PRELOAD_MODULES = ("engine.device", "engine.models.registry", "engine.models.weights")
_preload_started = False
# Two threads importing torchvision at once can each meet the other's half-
# initialised module ("cannot import name 'InterpolationMode' from partially
# initialized module"): other workers' first imports wait for this one's.
IMPORT_LOCK = threading.Lock()


def import_modules(*names: str) -> None:
    """Import ``names`` on the calling (worker) thread, never beside the preload."""
    with IMPORT_LOCK:
        for name in names:
            importlib.import_module(name)


def preload_engine() -> threading.Thread | None:
    """Import what the Train dialog needs on a daemon thread (once per process)."""
    global _preload_started
    if _preload_started or all(m in sys.modules for m in PRELOAD_MODULES):
        return None
    _preload_started = True

    def run() -> None:
        try:
            import_modules(*PRELOAD_MODULES)
        except Exception:  # noqa: BLE001 - the dialog imports again and shows the error then
            return

    thread = threading.Thread(target=run, name="labeltool-preload-engine", daemon=True)
    thread.start()
    return thread

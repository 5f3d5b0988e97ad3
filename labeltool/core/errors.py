"""Typed errors of the project store: each message says what happened and
what to do, so the CLI and the GUI can show it as it is."""
from __future__ import annotations


class StoreError(Exception):
    """Base class of every error the project store raises."""


class NotAProjectError(StoreError):
    pass


class StoreLockedError(StoreError):
    pass


class StoreNewerSchemaError(StoreError):
    pass


class StoreCorruptError(StoreError):
    pass


class StoreReadOnlyError(StoreError):
    pass

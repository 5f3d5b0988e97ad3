"""The labelling window (PySide6): thin Qt views over :mod:`labeltool.core`.

Entry point: :func:`labeltool.gui.app.run_gui`. Nothing here owns annotation
data: every edit goes through the project store, and views re-read it when
the store says something changed.
"""

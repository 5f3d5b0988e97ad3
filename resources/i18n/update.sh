#!/bin/sh
# Refresh the translation sources from the GUI code, and from the engine modules whose
# QT_TRANSLATE_NOOP marks the window shows (ENGINE below: add a module once the window
# shows its strings), and rebuild the .qm files.
# Translate new entries in the .ts (Qt Linguist: .venv/bin/pyside6-linguist), then run this again.
set -e
cd "$(dirname "$0")/../.."
BIN=.venv/bin
ENGINE="engine/checks.py engine/splits.py engine/metric_info.py"  # the Train dialog's checks and split, metric words
for ts in resources/i18n/labeltool_*.ts; do
    $BIN/pyside6-lupdate $(find labeltool/gui -name '*.py' | sort) $ENGINE -ts "$ts" -no-obsolete
    $BIN/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done

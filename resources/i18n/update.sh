#!/bin/sh
# Refresh the translation sources from the GUI code and rebuild the .qm files.
# Translate new entries in the .ts (Qt Linguist: .venv/bin/pyside6-linguist), then run this again.
set -e
cd "$(dirname "$0")/../.."
BIN=.venv/bin
for ts in resources/i18n/labeltool_*.ts; do
    $BIN/pyside6-lupdate $(find labeltool/gui -name '*.py' | sort) -ts "$ts" -no-obsolete
    $BIN/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done

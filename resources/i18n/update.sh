#!/bin/sh
# Refresh the translation sources from the GUI code, and from the engine modules that
# mark strings with QT_TRANSLATE_NOOP (engine/i18n.py) for the window to show (ENGINE below:
# every such module, found rather than listed, so that a newly marked one is not missed),
# and rebuild the .qm files.
# Translate new entries in the .ts (Qt Linguist: .venv/bin/pyside6-linguist), then run this again.
set -e
cd "$(dirname "$0")/../.."
BIN=.venv/bin
ENGINE=$(grep -rl --include='*.py' 'QT_TRANSLATE_NOOP(' engine | grep -v '^engine/i18n.py$' | sort)
for ts in resources/i18n/labeltool_*.ts; do
    $BIN/pyside6-lupdate $(find labeltool/gui -name '*.py' | sort) $ENGINE -ts "$ts" -no-obsolete
    $BIN/pyside6-lrelease "$ts" -qm "${ts%.ts}.qm"
done

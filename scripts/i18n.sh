#!/usr/bin/env bash
# Extract every marked string, merge it into both catalogs and compile them.
# Then translate the new entries in translations/id/LC_MESSAGES/messages.po (msgids are English)
# and run it again: tests/core/test_i18n.py fails while an id entry is empty or fuzzy.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m babel.messages.frontend extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
  --project "FDS Academy" -o translations/messages.pot . >/dev/null 2>&1
"$PY" -m babel.messages.frontend update -i translations/messages.pot -d translations --ignore-obsolete \
  --no-fuzzy-matching >/dev/null
"$PY" -m babel.messages.frontend compile -d translations --statistics

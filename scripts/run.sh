#!/usr/bin/env bash
# Install, prepare a SQLite database with regions, content and demo accounts, and start the app.
# Usage: scripts/run.sh            (then open http://127.0.0.1:5000; PORT=8000 scripts/run.sh for another port)
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5000}
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --disable-pip-version-check -q -r requirements.txt
.venv/bin/flask --app app lms init
.venv/bin/flask --app app lms demo
echo
echo "FDS Academy is starting at http://127.0.0.1:${PORT}  (Ctrl+C stops it)"
exec .venv/bin/gunicorn --workers 2 --threads 4 --bind "127.0.0.1:${PORT}" --access-logfile - app:app

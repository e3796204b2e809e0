#!/usr/bin/env bash
# Install what the tests need and run every test: lint, the in-process suite on SQLite and on
# PostgreSQL, and the browser tests (Debian's Chromium) against a live server.
# Usage: scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
PG_URL=${TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/test}

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --disable-pip-version-check -q -r requirements-dev.txt

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's Chromium for the browser tests..."
  as_root apt-get update -qq && as_root apt-get install -y -qq chromium >/dev/null
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
  echo "Starting PostgreSQL..."
  as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

echo "== ruff"
.venv/bin/ruff check .
echo "== SQLite: every test, browser tests included"
.venv/bin/python -m pytest "$@"
echo "== PostgreSQL ($PG_URL): every in-process test"
TEST_DATABASE_URL="$PG_URL" .venv/bin/python -m pytest -m "not browser" "$@"

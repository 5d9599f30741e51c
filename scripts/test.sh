#!/usr/bin/env bash
# Runs the test suite (SQLite and, when reachable, PostgreSQL on 127.0.0.1:5432).
# With CI=true a missing PostgreSQL fails the run instead of skipping.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export GX_ANALYTICS_ENABLED=false
exec .venv/bin/python -m pytest "$@"

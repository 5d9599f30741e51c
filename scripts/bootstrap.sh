#!/usr/bin/env bash
# Creates .venv (Python 3.11) and installs the project with its pinned dependencies.
# Re-installs only when pyproject.toml or constraints.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
  || { echo "Python 3.11 is required (found: $("$PYTHON" --version))" >&2; exit 1; }
command -v dpkg >/dev/null && bash scripts/system-deps.sh
stamp=".venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade "pip>=24"
  .venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev]"
  rm -f .venv/.installed-*
  touch "$stamp"
fi

#!/usr/bin/env bash
# Resolves pyproject.toml afresh in a scratch venv and writes constraints.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
python3.11 -m venv "$tmp/venv" 2>/dev/null || python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --upgrade pip
"$tmp/venv/bin/pip" install --quiet -e ".[dev]"
{ echo "# Exact versions of every dependency, resolved on $(date +%F) (Python 3.11). Regenerate with"
  echo "# scripts/lock.sh after changing pyproject.toml; scripts/bootstrap.sh installs with these."
  "$tmp/venv/bin/pip" freeze | grep -v -i -e "^survey-pipeline" -e "^-e"; } > constraints.txt
rm -rf "$tmp"
echo "constraints.txt updated"

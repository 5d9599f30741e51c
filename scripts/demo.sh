#!/usr/bin/env bash
# Sets up, generates the demo survey year into var/landing and runs the pipeline
# over it on the embedded default (SQLite warehouse and Dagster instance in var/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export DAGSTER_HOME="${DAGSTER_HOME:-$PWD/var/dagster_home}"
export SURVEY_DEMO=true GX_ANALYTICS_ENABLED=false
mkdir -p "$DAGSTER_HOME"
# The demo home follows the repository's instance settings (run monitoring, queue).
cmp -s dagster.yaml "$DAGSTER_HOME/dagster.yaml" || cp dagster.yaml "$DAGSTER_HOME/dagster.yaml"
.venv/bin/python -m pipelines.demo --landing "${SURVEY_LANDING_DIR:-var/landing}" --truth var/demo_truth
.venv/bin/python -m pipelines.main

"""Start ingestion when files land: one run per new set of file versions."""

import hashlib
import json

import dagster as dg

from pipelines import landing as landing_files
from pipelines.resources import LandingResource


def build_landing_sensor(job) -> dg.SensorDefinition:
    @dg.sensor(
        name="landing_sensor",
        job=job,
        minimum_interval_seconds=60,
        default_status=dg.DefaultSensorStatus.STOPPED,
        description="Watches the landing folder; a new or changed file (by content hash) starts an ingestion run.",
    )
    def landing_sensor(context: dg.SensorEvaluationContext, landing: LandingResource):
        seen: dict[str, str] = json.loads(context.cursor) if context.cursor else {}
        files = landing_files.scan(landing.landing)
        fresh = sorted(f"{f.path}@{f.sha256}" for f in files if seen.get(f.path) != f.sha256)
        if not fresh:
            return dg.SkipReason("no new or changed files")
        # The run key is derived from the file versions: the same file never triggers twice.
        run_key = hashlib.sha256("\n".join(fresh).encode()).hexdigest()[:32]
        seen.update({f.path: f.sha256 for f in files})
        context.update_cursor(json.dumps(seen, sort_keys=True))
        return dg.RunRequest(run_key=run_key, tags={"survey/new_files": str(len(fresh))})

    return landing_sensor

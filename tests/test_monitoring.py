"""Run-failure mail to the data engineers, through a real SMTP server on loopback."""

from __future__ import annotations

import dagster as dg

from pipelines import registry
from pipelines.resources.mail import MailResource
from pipelines.schedules.monitoring import run_failure_mail
from tests.smtp_server import smtp_server


@dg.op
def broken():
    raise RuntimeError("landing folder not mounted")


@dg.job
def failing_job():
    broken()


def test_failed_run_mails_the_data_engineers():
    instance = dg.DagsterInstance.ephemeral()
    result = failing_job.execute_in_process(
        instance=instance, raise_on_error=False, tags={"dagster/partition": "2020-09-14"}
    )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.RUN_FAILURE)
    with smtp_server() as (server, port):
        context = dg.build_run_status_sensor_context(
            sensor_name="run_failure_mail",
            dagster_instance=instance,
            dagster_run=result.dagster_run,
            dagster_event=failure,
            resources={"mail": MailResource(host="127.0.0.1", port=port, backoff_seconds=0.01)},
        ).for_run_failure()
        run_failure_mail(context)
    assert len(server.messages) == 1
    message = server.messages[0]
    assert set(server.envelopes[0]) == set(registry.registry().engineers)
    assert "failing_job" in message["Subject"]
    body = message.get_body().get_content()
    assert result.run_id in body and "2020-09-14" in body


def test_freshness_checks_fail_on_missing_reports_and_stale_data_and_pass_on_fresh_data():
    from pipelines.definitions import defs, freshness

    job = dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(*freshness))
    checked = dg.Definitions.merge(defs, dg.Definitions(jobs=[job])).resolve_job_def("freshness")
    instance = dg.DagsterInstance.ephemeral()

    def evaluate() -> dict[str, bool]:
        result = checked.execute_in_process(instance=instance, raise_on_error=False)
        return {e.asset_key.path[-1]: e.passed for e in result.get_asset_check_evaluations()}

    # Nothing materialised: the last week's reports are overdue and the store is stale.
    assert evaluate() == {"weekly_report_files": False, "responses": False}
    instance.report_runless_asset_event(dg.AssetMaterialization("responses"))
    assert evaluate()["responses"] is True

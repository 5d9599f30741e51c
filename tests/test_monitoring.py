"""Run-failure mail to the data engineers, through a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import dagster as dg

from pipelines.core import registry
from pipelines.defs.automation.sensors import run_failure_mail
from pipelines.defs.resources.mail import MailResource
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


def _freshness(instance, at: dt.datetime) -> dict[str, str]:
    """One iteration of the daemon's freshness evaluation, at `at`, over the code location."""
    from dagster._core.test_utils import create_test_daemon_workspace_context, freeze_time
    from dagster._core.workspace.load_target import ModuleTarget
    from dagster._daemon.freshness import FreshnessDaemon

    target = ModuleTarget("pipelines.definitions", "defs", None, "pipelines")
    with create_test_daemon_workspace_context(target, instance) as workspace, freeze_time(at):
        list(FreshnessDaemon().run_iteration(workspace))
    keys = [dg.AssetKey("weekly_report_files"), dg.AssetKey("responses")]
    records = instance.get_freshness_state_records(keys)
    return {key.path[-1]: records[key].freshness_state.value for key in keys if key in records}


def _materialise(instance, asset: str, at: dt.datetime) -> None:
    from dagster._core.test_utils import freeze_time

    with freeze_time(at):
        instance.report_runless_asset_event(dg.AssetMaterialization(asset))


def test_freshness_policies_flag_late_reports_and_stale_data_and_pass_on_time():
    berlin = ZoneInfo(registry.survey().timezone)
    monday = dt.datetime(2020, 9, 21, 7, 0, tzinfo=berlin)  # the weekly run, after 06:00
    tuesday = monday + dt.timedelta(days=1, hours=3)
    with dg.instance_for_test(overrides={"freshness": {"enabled": True}}) as instance:
        # Written the Sunday before: the Monday 09:00 deadline was missed; the store is fresh.
        _materialise(instance, "weekly_report_files", monday - dt.timedelta(days=1))
        _materialise(instance, "responses", monday)
        assert _freshness(instance, tuesday) == {"weekly_report_files": "FAIL", "responses": "PASS"}
        # The Monday run writes the week's files; two days later the store has gone stale.
        _materialise(instance, "weekly_report_files", monday)
        assert _freshness(instance, tuesday + dt.timedelta(days=2)) == {
            "weekly_report_files": "PASS",
            "responses": "FAIL",
        }

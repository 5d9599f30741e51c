"""Report jobs end to end against a real SMTP server on loopback."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.core import registry
from pipelines.defs import partitions
from pipelines.defs.assets import ingest
from pipelines.defs.assets.reports import build_report_assets
from pipelines.defs.resources import (
    LandingResource,
    PseudonymiserResource,
    ReportStorageResource,
    WarehouseResource,
)
from pipelines.defs.resources.mail import MailResource
from tests import builders as b
from tests.smtp_server import smtp_server

WEEK = "2020-09-14"
CENTRES = ("altona", "harburg")


def _landing(landing, answers_q01=1):
    rows = []
    n = 0
    for centre in CENTRES:
        for i in range(12):
            n += 1
            answers = dict(b.V1, Q01=answers_q01)
            rows += b.completion(n, centre=centre, answers=answers, time=f"2020-09-1{5 + i % 3} 10:00:00",
                                 comment="Sehr nett, danke!" if i % 3 == 0 else None)  # fmt: skip
    b.write_tablet(landing, "altona", "TAB-0001", "2020-09-15", rows)


@pytest.fixture
def env(tmp_path, sqlite_url, small_registry):
    landing = tmp_path / "landing"
    _landing(landing)

    def run(port, partition=WEEK, tags=None, cadence="weekly"):
        assets = build_report_assets(cadence, getattr(partitions, cadence))
        job = dg.define_asset_job("reports", selection=[ingest.raw_exports, ingest.responses, *assets],
                                  partitions_def=getattr(partitions, cadence), executor_def=dg.in_process_executor)  # fmt: skip
        defs = dg.Definitions(
            assets=[ingest.raw_exports, ingest.responses, *assets],
            jobs=[job],
            resources={
                "warehouse": WarehouseResource(url=sqlite_url),
                "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
                "pseudonymiser": PseudonymiserResource(key="k"),
                "reports": ReportStorageResource(reports_dir=str(tmp_path / "reports")),
                "mail": MailResource(
                    host="127.0.0.1",
                    port=port,
                    backoff_seconds=0.05,
                    max_attempts=4,
                    mail_from="befragung@hamburg.example",
                ),  # fmt: skip
            },
        )
        kwargs = {"partition_key": partition} if partition else {}
        return defs.resolve_job_def("reports").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), tags=tags or {}, raise_on_error=False, **kwargs
        )

    return run, landing, tmp_path


def _by_recipient(server):
    out = {}
    for rcpts, msg in zip(server.envelopes, server.messages, strict=True):
        for r in rcpts:
            out.setdefault(r, []).append(msg)
    return out


def test_each_centre_gets_its_own_report_once_with_attachments(env):
    run, _, tmp = env
    reg = registry.registry()
    with smtp_server() as (server, port):
        assert run(port).success
        # Every open centre receives one mail (city-wide reports are the reviews).
        assert len(server.messages) == len(reg.centres)
        for centre in reg.centres:
            mails = [
                m
                for m, r in zip(server.messages, server.envelopes, strict=True)
                if set(r) == set(centre.recipients)
            ]
            assert len(mails) == 1, centre.code
            msg = mails[0]
            names = sorted(p.get_filename() for p in msg.iter_attachments())
            assert names == ["2020-W38.csv", "2020-W38.pdf"]
            pdf = next(p for p in msg.iter_attachments() if p.get_filename().endswith(".pdf"))
            assert pdf.get_payload(decode=True).startswith(b"%PDF")
            # The centre's own report, nobody else's: the subject and the CSV name the centre.
            csv = next(p for p in msg.iter_attachments() if p.get_filename().endswith(".csv"))
            text = csv.get_payload(decode=True).decode("utf-8-sig")
            assert centre.name in msg["Subject"] and centre.name in text
            others = [c.name for c in reg.centres if c.code != centre.code and c.name not in centre.name]
            assert not any(f";{o}" in text or o in msg["Subject"] for o in others)
            assert (
                "KW 38" in msg.get_body().get_content() or "Kalenderwoche 38" in msg.get_body().get_content()
            )
        assert len(reg.centres) == 3  # the small registry of this test
        city = [
            m
            for m, r in zip(server.messages, server.envelopes, strict=True)
            if set(r) == set(reg.city_recipients)
        ]
        assert city == []
        # Running the same week again with unchanged figures sends nothing.
        assert run(port).success
        assert len(server.messages) == len(reg.centres)


def test_changed_figures_are_sent_once_as_correction(env):
    run, landing, _ = env
    with smtp_server() as (server, port):
        assert run(port).success
        first = len(server.messages)
        # A data fix: Altona's file is delivered again with other answers.
        _landing(landing, answers_q01=4)
        assert run(port).success
        corrections = server.messages[first:]
        assert corrections and all(m["Subject"].startswith("Korrektur: ") for m in corrections)
        subjects = {m["Subject"] for m in corrections}
        assert any("Altona" in s for s in subjects) and any("Harburg" in s for s in subjects)
        assert not any("Wandsbek" in s for s in subjects)  # unchanged: not sent again
        assert run(port).success
        assert len(server.messages) == first + len(corrections)


def test_backfill_sends_nothing_unless_asked(env):
    run, _, _ = env
    with smtp_server() as (server, port):
        range_tags = {
            "dagster/asset_partition_range_start": "2020-09-14",
            "dagster/asset_partition_range_end": "2020-09-21",
        }
        assert run(port, partition=None, tags=range_tags).success
        assert run(port, tags={"dagster/backfill": "abc"}).success
        assert server.messages == []
        assert run(port, partition=None, tags={**range_tags, "survey/deliver": "yes"}).success
        assert len(server.messages) == 2 * (len(registry.registry().centres))


def test_refused_attempts_still_end_with_exactly_one_delivery(env):
    run, _, _ = env
    with smtp_server(refuse=2) as (server, port):
        assert run(port).success
        per_recipient = _by_recipient(server)
        assert all(len(msgs) == 1 for msgs in per_recipient.values())
        assert server.attempts == len(server.messages) + 2


def test_smtp_down_is_recorded_and_retried_next_run(env, tmp_path):
    run, _, _ = env
    from tests.smtp_server import free_port

    result = run(free_port())  # nothing listens there
    assert not result.success
    with smtp_server() as (server, port):
        assert run(port).success
        assert len(server.messages) == len(registry.registry().centres)


def test_mail_a_failed_week_left_unsent_goes_out_with_the_next_week(env):
    run, _, _ = env
    from tests.smtp_server import free_port

    assert not run(free_port()).success  # week 38: the server is down
    with smtp_server() as (server, port):
        assert run(port, partition="2020-09-21").success  # the next Monday's run
        subjects = sorted(m["Subject"] for m in server.messages)
    centres = len(registry.registry().centres)
    assert len(subjects) == 2 * centres  # week 39, and week 38 once
    assert sum("KW 38" in s or "Kalenderwoche 38" in s for s in subjects) == centres


def test_city_wide_review_goes_to_the_city_recipients(env):
    run, _, _ = env
    reg = registry.registry()
    with smtp_server() as (server, port):
        assert run(port, partition="midterm", cadence="review").success
        city = [
            m
            for m, r in zip(server.messages, server.envelopes, strict=True)
            if set(r) == set(reg.city_recipients)
        ]
        assert len(city) == 1 and "Zwischenbilanz" in city[0]["Subject"]
        assert sorted(p.get_filename() for p in city[0].iter_attachments()) == ["midterm.csv", "midterm.pdf"]
        assert len(server.messages) == len(reg.centres) + 1

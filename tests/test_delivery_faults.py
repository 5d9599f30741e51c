"""E-mail exactly once under faults, against a real SMTP server (aiosmtpd) on loopback:
a connection dropped after the message, a late answer, a trickled banner, a refused
recipient, refusals for a while, two senders of one version, killed senders.

Every test counts the messages the server received and their Message-IDs. A copy beyond
the first is allowed only where it is marked as possible duplicate and keeps the
Message-ID. Run as a module, this file is the sender subprocess of the kill tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa

from pipelines.core import registry
from pipelines.defs.resources.mail import MailResource
from pipelines.delivery import dispatch
from pipelines.delivery.messages import POSSIBLE_DUPLICATE_HEADER, ReportVersion, message_id
from pipelines.warehouse import engine_for, schema
from tests.smtp_server import smtp_server

ROOT = Path(__file__).resolve().parents[1]
SENDER = "befragung@hamburg.example"
LEITUNG, TEAM = "leitung.altona@kundenzentren.hamburg.example", "team.altona@kundenzentren.hamburg.example"


def make_reports(
    folder: Path, n: int = 1, recipients=(LEITUNG, TEAM), figures: str = "v1"
) -> list[ReportVersion]:
    folder.mkdir(parents=True, exist_ok=True)
    reports = []
    for i in range(n):
        pdf, csv = folder / f"r{i}.pdf", folder / f"r{i}.csv"
        pdf.write_bytes(b"%PDF-1.4 test report\n")
        csv.write_text("Kennzahl;Wert\nQ01;1\n", encoding="utf-8")
        reports.append(
            ReportVersion(
                centre=f"centre{i}", cadence="weekly", period_key="2020-W38",
                title=f"Kundenbefragung Bericht {i}, KW 38", recipients=tuple(recipients),
                summary=f"Guten Tag, anbei der Bericht {i}.", attachments=(pdf, csv),
                version=hashlib.sha256(f"{figures}-{i}".encode()).hexdigest(),
            )
        )  # fmt: skip
    return reports


def mail(port: int, **overrides) -> MailResource:
    settings = dict(
        host="127.0.0.1", port=port, mail_from=SENDER, max_attempts=4, backoff_seconds=0.05,
        timeout_seconds=2.0, deadline_seconds=4.0, lease_margin_seconds=0.5,
    )  # fmt: skip
    return MailResource(**(settings | overrides))


def deliver(url: str, reports, transport, **kw):
    return dispatch.deliver(
        engine_for(url), reports, transport, run_id=kw.pop("run_id", "test"), poll_seconds=0.05, **kw
    )


def ledger(url: str) -> dict:
    """{centre: {"status":…, "attempts":…, "lease_until":…, "recipients": {addr: row}}}"""
    t, r = schema.deliveries, schema.delivery_recipients
    with engine_for(url).connect() as conn:
        rows = conn.execute(sa.select(t)).mappings().all()
        out = {}
        for row in rows:
            recipients = conn.execute(sa.select(r).where(r.c.delivery_id == row["id"])).mappings().all()
            out.setdefault(row["centre"], []).append(
                dict(row) | {"recipients": {x["recipient"]: dict(x) for x in recipients}}
            )
    return {centre: versions[-1] for centre, versions in out.items()}


def marked(message) -> bool:
    return message[POSSIBLE_DUPLICATE_HEADER] == "yes"


def assert_copies(server, reports, extra_allowed: bool):
    """One message per report and recipient; an extra copy only marked, same Message-ID."""
    for report in reports:
        for recipient in report.recipients:
            copies = [
                m
                for m, env in zip(server.messages, server.envelopes, strict=True)
                if recipient in env and report.centre in m["Message-ID"]
            ]
            assert 1 <= len(copies) <= (2 if extra_allowed else 1), (report.centre, recipient, len(copies))
            assert not marked(copies[0])
            assert len({m["Message-ID"] for m in copies}) == 1
            assert all(marked(m) for m in copies[1:])


# -- the server takes the message but the answer never comes ---------------------------


def test_dropped_after_data_resent_once_marked_with_same_message_id(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(drop_after_data=1) as (server, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    assert outcome.action == "sent"
    assert len(server.messages) == 2  # the issue saw 4 unmarked copies
    first, second = server.messages
    assert first["Message-ID"] == second["Message-ID"]
    assert not marked(first) and marked(second)
    assert "erneut gesendet" in second.get_body().get_content()
    assert "erneut gesendet" not in first.get_body().get_content()
    row = ledger(sqlite_url)["centre0"]
    assert row["status"] == "sent" and row["message_id"] == first["Message-ID"].strip()
    for rec in row["recipients"].values():
        assert rec["status"] == "sent" and rec["possible_duplicate"] and not rec["in_doubt"]
        assert rec["data_attempts"] == 2


def test_server_that_always_drops_gets_at_most_one_marked_copy_per_run(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(drop_after_data=99) as (server, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
        assert outcome.action == "failed" and set(outcome.failed_recipients) == {LEITUNG, TEAM}
        assert len(server.messages) == 2 and [marked(m) for m in server.messages] == [False, True]
    row = ledger(sqlite_url)["centre0"]
    assert row["status"] == "failed" and row["claim_token"] is None
    assert all(r["status"] == "failed" and r["in_doubt"] for r in row["recipients"].values())
    # The next run, with the server healthy again: one more copy, marked, same Message-ID.
    with smtp_server() as (healthy, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    assert outcome.action == "sent"
    assert len(healthy.messages) == 1 and marked(healthy.messages[0])
    assert healthy.messages[0]["Message-ID"] == server.messages[0]["Message-ID"]
    assert ledger(sqlite_url)["centre0"]["status"] == "sent"


def test_late_answer_to_data_ends_the_attempt_and_the_copy_after_it_is_marked(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(late_reply=1, late_seconds=3.0) as (server, port):
        started = time.monotonic()
        (outcome,) = deliver(sqlite_url, reports, mail(port, timeout_seconds=0.6))
        elapsed = time.monotonic() - started
    assert outcome.action == "sent"
    assert elapsed < 2.5  # did not wait for the late answer (3 s)
    assert len(server.messages) == 2  # the issue saw 3 unmarked copies
    assert len(set(server.message_ids())) == 1
    assert [marked(m) for m in server.messages] == [False, True]
    assert ledger(sqlite_url)["centre0"]["status"] == "sent"


# -- a banner one byte at a time --------------------------------------------------------


def test_trickled_banner_is_bounded_by_the_total_deadline_and_retried_next_run(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    # A byte every 0.2 s: every single read is answered well within the 1 s attempt
    # timeout, so only a total deadline (2 s for the message) ends the wait.
    with smtp_server(trickle_seconds=0.2) as (server, port):
        started = time.monotonic()
        (outcome,) = deliver(sqlite_url, reports, mail(port, timeout_seconds=1.0, deadline_seconds=2.0))
        elapsed = time.monotonic() - started
    assert outcome.action == "failed"
    assert 0.9 < elapsed < 3.0
    assert server.messages == []
    row = ledger(sqlite_url)["centre0"]
    assert row["status"] == "failed" and row["attempts"] >= 1 and row["claim_token"] is None
    for rec in row["recipients"].values():
        assert rec["status"] == "failed" and not rec["in_doubt"]
        assert "deadline exceeded during banner" in rec["error"]
    with smtp_server() as (healthy, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    assert outcome.action == "sent" and len(healthy.messages) == 1 and not marked(healthy.messages[0])
    assert ledger(sqlite_url)["centre0"]["status"] == "sent"


# -- refusals ---------------------------------------------------------------------------


def test_refusals_for_a_while_then_accepted_give_exactly_one_copy(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(refuse=2) as (server, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    assert outcome.action == "sent" and outcome.attempts == 3
    assert server.attempts == 3 and len(server.messages) == 1 and not marked(server.messages[0])
    assert sorted(server.envelopes[0]) == sorted([LEITUNG, TEAM])
    row = ledger(sqlite_url)["centre0"]
    assert row["status"] == "sent" and row["attempts"] == 3
    assert all(not r["possible_duplicate"] for r in row["recipients"].values())


def test_refused_recipient_fails_for_that_recipient_only(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(refuse_rcpt={TEAM: "550 5.1.1 Mailbox unavailable"}) as (server, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
        assert outcome.action == "failed" and outcome.failed_recipients == (TEAM,)
        assert server.envelopes == [[LEITUNG]]
        assert server.rcpt_refused == [TEAM]  # a 550 is not retried within the run
        recs = ledger(sqlite_url)["centre0"]["recipients"]
        assert recs[LEITUNG]["status"] == "sent"
        assert recs[TEAM]["status"] == "failed" and recs[TEAM]["error"].startswith("550")
        server.refuse_rcpt.clear()  # the mailbox is back
        (outcome,) = deliver(sqlite_url, reports, mail(port))
        assert outcome.action == "sent"
        assert server.envelopes == [[LEITUNG], [TEAM]]
        assert len(set(server.message_ids())) == 1 and not any(marked(m) for m in server.messages)
        (outcome,) = deliver(sqlite_url, reports, mail(port))
        assert outcome.action == "unchanged" and len(server.messages) == 2
    assert ledger(sqlite_url)["centre0"]["status"] == "sent"


def test_temporarily_refused_recipient_is_retried_alone_within_the_run(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(refuse_rcpt={TEAM: ["451 4.2.1 Mailbox busy, try later"]}) as (server, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    assert outcome.action == "sent" and outcome.attempts == 2
    assert server.envelopes == [[LEITUNG], [TEAM]]
    assert len(set(server.message_ids())) == 1 and not any(marked(m) for m in server.messages)
    recs = ledger(sqlite_url)["centre0"]["recipients"]
    assert all(r["status"] == "sent" and r["data_attempts"] == 1 for r in recs.values())


def test_an_error_after_one_recipient_got_it_resends_only_to_the_other(tmp_path, sqlite_url, monkeypatch):
    reports = make_reports(tmp_path)
    original, calls = dispatch.build_message, []

    def fails_on_the_retry(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("attachment unreadable for a moment")
        return original(*args, **kwargs)

    monkeypatch.setattr(dispatch, "build_message", fails_on_the_retry)
    with smtp_server(refuse_rcpt={TEAM: ["451 4.2.1 Mailbox busy, try later"]}) as (server, port):
        (outcome,) = deliver(sqlite_url, reports, mail(port))
        assert outcome.action == "failed" and outcome.failed_recipients == (TEAM,)
        monkeypatch.setattr(dispatch, "build_message", original)
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    assert outcome.action == "sent"
    assert server.envelopes == [[LEITUNG], [TEAM]]  # LEITUNG got exactly one copy


def test_single_message_send_marks_the_copy_after_an_unanswered_one(tmp_path):
    from email.message import EmailMessage

    message = EmailMessage()
    message["Subject"] = "[Kundenbefragung] Lauf fehlgeschlagen"
    message["To"] = f"{LEITUNG}, {TEAM}"
    message.set_content("Fehler")
    with smtp_server(drop_after_data=1) as (server, port):
        assert mail(port).send(message) == 2
    assert len(server.messages) == 2 and len(set(server.message_ids())) == 1
    assert [marked(m) for m in server.messages] == [False, True]


def test_a_report_that_cannot_be_built_releases_its_claim(tmp_path, sqlite_url):
    reports = make_reports(tmp_path, n=2)
    reports[0].attachments[0].unlink()  # the PDF is missing
    with smtp_server() as (server, port):
        started = time.monotonic()
        outcomes = deliver(sqlite_url, reports, mail(port))
        assert [o.action for o in outcomes] == ["failed", "sent"] and "FileNotFoundError" in outcomes[0].error
        row = ledger(sqlite_url)["centre0"]
        assert row["status"] == "failed" and row["claim_token"] is None and row["lease_until"] is None
        make_reports(tmp_path, n=1)  # the file is back
        outcomes = deliver(sqlite_url, reports, mail(port))
        assert time.monotonic() - started < 2.0  # no lease to wait for
    assert [o.action for o in outcomes] == ["sent", "unchanged"]
    assert len(server.messages) == 2
    assert_copies(server, reports, extra_allowed=False)


# -- Message-IDs, outbox, corrections ---------------------------------------------------


def test_message_id_is_derived_from_the_report_version(tmp_path):
    (report,) = make_reports(tmp_path)
    (other,) = make_reports(tmp_path, figures="v2")
    domain = SENDER.rsplit("@", 1)[-1]
    assert message_id(report, domain) == message_id(report, domain)
    assert message_id(report, domain) != message_id(other, domain)
    assert message_id(report, domain).endswith("@hamburg.example>")
    # Two fresh ledgers (two runs that know nothing of each other) send the same Message-ID.
    with smtp_server() as (server, port):
        for name in ("a", "b"):
            deliver(f"sqlite:///{tmp_path / name}.db", [report], mail(port))
    assert len(server.messages) == 2 and len(set(server.message_ids())) == 1


def test_outbox_without_smtp_host_writes_each_version_once(tmp_path, sqlite_url):
    reports = make_reports(tmp_path, n=2)
    outbox = tmp_path / "outbox"
    transport = MailResource(outbox_dir=str(outbox), mail_from=SENDER)
    assert [o.action for o in deliver(sqlite_url, reports, transport)] == ["sent", "sent"]
    files = sorted(outbox.iterdir())
    assert len(files) == 2 and all(f.suffix == ".eml" for f in files)
    assert [o.action for o in deliver(sqlite_url, reports, transport)] == ["unchanged", "unchanged"]
    assert sorted(outbox.iterdir()) == files
    assert ledger(sqlite_url)["centre0"]["status"] == "sent"


def test_changed_then_reverted_figures_go_out_as_corrections(tmp_path, sqlite_url):
    (v1,) = make_reports(tmp_path, figures="v1")
    (v2,) = make_reports(tmp_path, figures="v2")
    with smtp_server() as (server, port):
        for report in (v1, v2, v2, v1, v1):
            deliver(sqlite_url, [report], mail(port))
    subjects = [m["Subject"] for m in server.messages]
    assert len(subjects) == 3
    assert not subjects[0].startswith("Korrektur") and all(s.startswith("Korrektur: ") for s in subjects[1:])
    assert len(set(server.message_ids())) == 3  # the reverted version is a new issue


# -- two senders of one version -------------------------------------------------------------


def test_two_senders_at_once_send_one_copy(tmp_path, warehouse_url):
    reports = make_reports(tmp_path, n=2)
    barrier = threading.Barrier(2)
    results: list[list[dispatch.Outcome]] = []

    def sender():
        barrier.wait()
        results.append(deliver(warehouse_url, reports, mail(port), run_id=threading.current_thread().name))

    engine_for(warehouse_url)  # the tables exist before the race
    with smtp_server(late_reply=99, late_seconds=0.3) as (server, port):
        threads = [threading.Thread(target=sender, name=f"run-{i}") for i in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    assert len(results) == 2
    assert len(server.messages) == 2 and len(set(server.message_ids())) == 2
    assert_copies(server, reports, extra_allowed=False)
    for i in range(2):
        assert sorted(r[i].action for r in results) == ["sent", "unchanged"]
    assert {row["status"] for row in ledger(warehouse_url).values()} == {"sent"}


def test_two_sender_processes_at_once_send_one_copy(tmp_path, warehouse_url):
    reports = make_reports(tmp_path, n=2)
    engine_for(warehouse_url)
    with smtp_server(late_reply=99, late_seconds=0.3) as (server, port):
        procs = [start_sender(warehouse_url, reports, port, f"proc-{i}") for i in range(2)]
        outs = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(server.messages) == 2
    assert_copies(server, reports, extra_allowed=False)
    for i in range(2):
        assert sorted(out[i] for out in outs) == ["sent", "unchanged"]


def test_second_sender_waits_while_the_first_holds_the_claim(tmp_path, sqlite_url):
    """A delivery step that outlived its killed parent is still sending: the re-run waits
    and then finds the version sent, instead of sending alongside."""
    reports = make_reports(tmp_path)
    with smtp_server(hold_data=1) as (server, port):
        first = start_sender(sqlite_url, reports, port, "orphan", deadline_seconds=10.0)
        assert server.held.wait(30)
        results = []
        rerun = threading.Thread(target=lambda: results.append(deliver(sqlite_url, reports, mail(port))))
        rerun.start()
        time.sleep(1.0)
        assert rerun.is_alive() and len(server.messages) == 1  # waiting, not sending
        server.release.set()  # the server answers the orphan's message
        rerun.join(30)
        assert json.loads(first.communicate(timeout=30)[0]) == ["sent"]
    assert [o.action for o in results[0]] == ["unchanged"]
    assert len(server.messages) == 1


# -- killed senders -------------------------------------------------------------------------


def start_sender(url: str, reports, port: int, run_id: str, **mail_overrides) -> subprocess.Popen:
    spec = {
        "url": url, "port": port, "run_id": run_id, "mail": mail_overrides,
        "reports": [asdict(r) | {"attachments": [str(p) for p in r.attachments]} for r in reports],
    }  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-m", "tests.test_delivery_faults", json.dumps(spec)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()


@pytest.mark.parametrize(
    "url_fixture", ["sqlite_url", pytest.param("postgres_url", marks=pytest.mark.postgres)]
)
def test_sender_killed_while_the_message_is_accepted(tmp_path, request, url_fixture):
    url = request.getfixturevalue(url_fixture)
    reports = make_reports(tmp_path)
    with smtp_server(hold_data=1) as (server, port):
        proc = start_sender(url, reports, port, "killed", deadline_seconds=3.0)
        assert server.held.wait(30)
        # The attempt is in the ledger before DATA: the server may hold the message.
        row = ledger(url)["centre0"]
        assert row["status"] == "sending" and row["run_id"] == "killed"
        assert all(r["in_doubt"] and r["data_attempts"] == 1 for r in row["recipients"].values())
        kill(proc)
        lease = row["lease_until"]
        lease_until = (lease if lease.tzinfo else lease.replace(tzinfo=dt.UTC)).timestamp()
        (outcome,) = deliver(url, reports, mail(port))
    assert outcome.action == "sent"
    assert len(server.messages) == 2
    assert server.received_at[1] >= lease_until - 0.05  # took over only the expired claim
    assert_copies(server, reports, extra_allowed=True)
    row = ledger(url)["centre0"]
    assert row["status"] == "sent" and row["run_id"] == "test" and row["claim_token"] is None
    assert all(r["possible_duplicate"] and not r["in_doubt"] for r in row["recipients"].values())


def test_sender_killed_right_after_the_message_was_accepted(tmp_path, sqlite_url):
    reports = make_reports(tmp_path)
    with smtp_server(hold_quit=1) as (server, port):
        proc = start_sender(sqlite_url, reports, port, "killed", deadline_seconds=3.0)
        assert server.held.wait(30)  # 250 sent; the sender waits for the answer to QUIT
        kill(proc)
        started = time.monotonic()
        (outcome,) = deliver(sqlite_url, reports, mail(port))
    # The acceptance was recorded before QUIT: nothing to resend, no lease to wait for.
    assert outcome.action == "unchanged" and time.monotonic() - started < 1.0
    assert ledger(sqlite_url)["centre0"]["status"] == "sent"
    assert len(server.messages) == 1 and not marked(server.messages[0])
    recs = ledger(sqlite_url)["centre0"]["recipients"]
    assert all(r["status"] == "sent" and not r["in_doubt"] for r in recs.values())


def test_sender_killed_between_two_emails(tmp_path, sqlite_url):
    reports = make_reports(tmp_path, n=2)
    with smtp_server(hold_mail=2) as (server, port):
        proc = start_sender(sqlite_url, reports, port, "killed", deadline_seconds=2.0)
        assert server.held.wait(30)  # the first e-mail is out, the second one's MAIL FROM hangs
        assert len(server.messages) == 1
        kill(proc)
        outcomes = deliver(sqlite_url, reports, mail(port))
    assert [o.action for o in outcomes] == ["unchanged", "sent"]
    assert len(server.messages) == 2 and not any(marked(m) for m in server.messages)
    assert_copies(server, reports, extra_allowed=False)
    assert {row["status"] for row in ledger(sqlite_url).values()} == {"sent"}


# -- through the Dagster job: a refused recipient fails the run ---------------------------------


def test_refused_recipient_fails_the_run_and_the_next_run_sends_only_to_them(
    tmp_path, sqlite_url, small_registry
):
    from pipelines.defs import partitions
    from pipelines.defs.assets import ingest
    from pipelines.defs.assets.reports import build_report_assets
    from pipelines.defs.resources import (
        LandingResource,
        PseudonymiserResource,
        ReportStorageResource,
        WarehouseResource,
    )
    from tests import builders as b

    landing = tmp_path / "landing"
    rows = []
    for n, centre in enumerate(["altona"] * 6 + ["harburg"] * 6, start=1):
        rows += b.completion(n, centre=centre, answers=dict(b.V1), time="2020-09-15 10:00:00")
    b.write_tablet(landing, "altona", "TAB-0001", "2020-09-15", rows)
    assets = build_report_assets("weekly", partitions.weekly)
    job = dg.define_asset_job("reports", selection=[ingest.raw_exports, ingest.responses, *assets],
                              partitions_def=partitions.weekly, executor_def=dg.in_process_executor)  # fmt: skip

    def run(port):
        defs = dg.Definitions(
            assets=[ingest.raw_exports, ingest.responses, *assets], jobs=[job],
            resources={
                "warehouse": WarehouseResource(url=sqlite_url),
                "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
                "pseudonymiser": PseudonymiserResource(key="k"),
                "reports": ReportStorageResource(reports_dir=str(tmp_path / "reports")),
                "mail": mail(port),
            },
        )  # fmt: skip
        return defs.resolve_job_def("reports").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), partition_key="2020-09-14", raise_on_error=False
        )

    centres = registry.registry().centres
    with smtp_server(refuse_rcpt={TEAM: "550 5.1.1 Mailbox unavailable"}) as (server, port):
        result = run(port)
        assert not result.success
        (failure,) = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
        assert failure.step_key == "weekly_delivery"
        assert len(server.messages) == len(centres)
        assert [LEITUNG] in server.envelopes and not any(TEAM in env for env in server.envelopes)
        recs = ledger(sqlite_url)["altona"]["recipients"]
        assert recs[LEITUNG]["status"] == "sent" and recs[TEAM]["status"] == "failed"
        assert recs[TEAM]["error"].startswith("550")
        assert {c: r["status"] for c, r in ledger(sqlite_url).items() if c != "altona"} == {
            c.code: "sent" for c in centres if c.code != "altona"
        }
        server.refuse_rcpt.clear()
        assert run(port).success
        assert len(server.messages) == len(centres) + 1
        assert server.envelopes[-1] == [TEAM]
        assert not marked(server.messages[-1]) and not server.messages[-1]["Subject"].startswith("Korrektur")
        altona_ids = {m["Message-ID"] for m, env in zip(server.messages, server.envelopes, strict=True)
                      if LEITUNG in env or TEAM in env}  # fmt: skip
        assert len(altona_ids) == 1
    assert ledger(sqlite_url)["altona"]["status"] == "sent"


# -- the sender subprocess of the kill tests --------------------------------------------------


def _sender_main(spec: dict) -> None:
    reports = [
        ReportVersion(
            **(r | {"recipients": tuple(r["recipients"]), "attachments": tuple(map(Path, r["attachments"]))})
        )
        for r in spec["reports"]
    ]
    outcomes = dispatch.deliver(
        engine_for(spec["url"]),
        reports,
        mail(spec["port"], **spec["mail"]),
        run_id=spec["run_id"],
        poll_seconds=0.05,
    )
    print(json.dumps([o.action for o in outcomes]), flush=True)


if __name__ == "__main__":
    _sender_main(json.loads(sys.argv[1]))

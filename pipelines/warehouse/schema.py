"""Warehouse tables. The response store is built from its data contract; the
bookkeeping tables of ingestion (ledger, staging, quarantine) are defined here."""

from __future__ import annotations

import re

import sqlalchemy as sa

from pipelines.core import contracts, registry

metadata = sa.MetaData()


def _sa_type(physical: str | None, logical: str) -> sa.types.TypeEngine:
    physical = (physical or "").lower()
    if m := re.fullmatch(r"varchar\((\d+)\)", physical):
        return sa.String(int(m.group(1)))
    return {
        "smallint": sa.SmallInteger(),
        "integer": sa.Integer(),
        "bigint": sa.BigInteger(),
        "date": sa.Date(),
        "text": sa.Text(),
        "boolean": sa.Boolean(),
    }.get(physical) or {"integer": sa.Integer(), "date": sa.Date(), "number": sa.Float()}.get(
        logical, sa.Text()
    )


def table_from_contract(name: str, *indexes: str) -> sa.Table:
    contract = contracts.load(name)
    columns = [
        sa.Column(
            p.name,
            _sa_type(p.physical_type, p.logical_type),
            primary_key=p.primary_key,
            nullable=not p.required,
            comment=p.description[:250] or None,
        )
        for p in contract.properties
    ]
    table = sa.Table(name, metadata, *columns, comment=f"data contract {contract.id} {contract.version}")
    for col in indexes:
        sa.Index(f"ix_{name}_{col}", table.c[col])
    return table


responses = table_from_contract("responses", "response_date", "centre")

# Questionnaires that do not count but are reported: misuse completions (tablet)
# and responses never finished (web). Same keys and dates as `responses`.
excluded_responses = sa.Table(
    "excluded_responses",
    metadata,
    sa.Column("response_key", sa.String(32), primary_key=True),
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("centre", sa.String(40), nullable=False),
    sa.Column("response_date", sa.Date, nullable=False, index=True),
    sa.Column("reason", sa.String(20), nullable=False),  # misuse | unfinished
)

# One row per landed file ever read: what it held and what became of its rows.
ingested_files = sa.Table(
    "ingested_files",
    metadata,
    sa.Column("path", sa.String(300), primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("channel", sa.String(8), nullable=False),
    # ingested | quarantined | kept_previous (an unreadable re-delivery: the content
    # last read well, `in_force_sha256`, stays staged)
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("in_force_sha256", sa.String(64)),
    sa.Column("encoding", sa.String(12)),
    sa.Column("rows_read", sa.Integer, nullable=False),  # records the parser read
    sa.Column("accepted", sa.Integer, nullable=False),
    sa.Column("duplicate", sa.Integer, nullable=False),
    sa.Column("excluded", sa.Integer, nullable=False),
    sa.Column("quarantined", sa.Integer, nullable=False),
    sa.Column("run_id", sa.String(64)),
    sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
)

# Staging: every valid raw row, already pseudonymised, coarsened and redacted. The
# response store is derived from it, so a re-run gives the same result and a file
# delivered again with other content replaces exactly its own rows.
tablet_rows = sa.Table(
    "stage_tablet_rows",
    metadata,
    sa.Column("source_file", sa.String(300), nullable=False, index=True),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("feedback_key", sa.String(32), nullable=False, index=True),
    sa.Column("session_key", sa.String(32), nullable=False, index=True),
    sa.Column("device_key", sa.String(32), nullable=False),
    sa.Column("centre", sa.String(40), nullable=False),
    sa.Column("response_date", sa.Date, nullable=False, index=True),
    sa.Column("daypart", sa.String(12), nullable=False),
    sa.Column("questionnaire_version", sa.SmallInteger, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    sa.Column("question_code", sa.String(20), nullable=False),
    sa.Column("answer", sa.SmallInteger),
    sa.Column("comment", sa.Text),
    sa.Column("comment_status", sa.String(10), nullable=False),
    sa.Column("comment_redactions", sa.String(200)),
    sa.Column("misuse", sa.Boolean, nullable=False),
)

web_versions = sa.Table(
    "stage_web_versions",
    metadata,
    sa.Column("source_file", sa.String(300), nullable=False, index=True),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("response_key", sa.String(32), nullable=False, index=True),
    # Seconds from startdate to datestamp: orders the versions of one response
    # (newest wins) without keeping a clock time.
    sa.Column("progress_seconds", sa.BigInteger, nullable=False),
    sa.Column("finished", sa.Boolean, nullable=False),
    sa.Column("centre", sa.String(40), nullable=False),
    sa.Column("response_date", sa.Date, nullable=False, index=True),
    sa.Column("daypart", sa.String(12), nullable=False),
    sa.Column("questionnaire_version", sa.SmallInteger, nullable=False),
    sa.Column("language", sa.String(2), nullable=False),
    *[sa.Column(item.code, sa.SmallInteger) for item in registry.questionnaire().answer_items],
    sa.Column("comment", sa.Text),
    sa.Column("comment_status", sa.String(10), nullable=False),
    sa.Column("comment_redactions", sa.String(200)),
)

# Facts about how the warehouse was built, e.g. the fingerprint of the pseudonym key
# (never the key): a run with another key would silently double every tablet response.
ingest_state = sa.Table(
    "ingest_state",
    metadata,
    sa.Column("name", sa.String(40), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

# Dates whose responses must be derived again from staging (set by ingestion,
# cleared by the rebuild in the same transaction as its write).
pending_dates = sa.Table(
    "pending_dates",
    metadata,
    sa.Column("response_date", sa.Date, primary_key=True),
)

# What each date of the response store held when it was last written (a digest of its
# rows without keys): a rebuild that changes a date already reported on is noticed.
store_dates = sa.Table(
    "store_dates",
    metadata,
    sa.Column("response_date", sa.Date, primary_key=True),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("rows", sa.Integer, nullable=False),
)

# Reports built before their data changed (a late or corrected export): shown to the
# operator until the period's figures are built again.
stale_reports = sa.Table(
    "stale_reports",
    metadata,
    sa.Column("cadence", sa.String(10), primary_key=True),
    sa.Column("period_key", sa.String(12), primary_key=True),
    sa.Column("first_changed_date", sa.Date, nullable=False),
    sa.Column("detected_run_id", sa.String(64)),
    sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
)

# Rows and files that broke the spec or a contract. The raw content stays in the
# access-restricted quarantine folder (`content_ref`), never in this table.
quarantine = sa.Table(
    "quarantine",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("source_file", sa.String(300), nullable=False, index=True),
    sa.Column("source_row", sa.Integer),  # null: the whole file
    sa.Column("channel", sa.String(8), nullable=False),
    sa.Column("rule", sa.String(60), nullable=False),
    sa.Column("reason", sa.String(300), nullable=False),
    sa.Column("content_ref", sa.String(300)),
    sa.Column("run_id", sa.String(64)),
    sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
)

# Each report version goes out once: a re-run with unchanged figures finds its
# version here and sends nothing; changed figures are sent once, as a correction.
# The row is also the lock of its version: a sender claims it atomically (claim_token,
# lease_until) and a second sender waits until the claim is released or has expired.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("centre", sa.String(40), nullable=False),
    sa.Column("cadence", sa.String(10), nullable=False),
    sa.Column("period_key", sa.String(12), nullable=False),
    sa.Column("version", sa.String(64), nullable=False),  # SHA-256 of the report's figures
    sa.Column("recipients", sa.String(1000), nullable=False),
    sa.Column("correction", sa.Boolean, nullable=False),
    # sending (claimed, or left by a killed sender) | sent (every recipient) | failed
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),  # SMTP transactions, all runs
    sa.Column("error", sa.String(300)),
    # Derived from centre, cadence, period, version (and issue): the same for every copy.
    sa.Column("message_id", sa.String(200), nullable=False),
    # 1; +1 when this version is sent again after another version (figures reverted).
    sa.Column("issue", sa.Integer, nullable=False, default=1),
    sa.Column("run_id", sa.String(64)),  # the run that claimed it last
    sa.Column("claim_token", sa.String(32)),  # null: nobody holds the claim
    sa.Column("lease_until", sa.DateTime(timezone=True)),  # a claim expires then (UTC)
    sa.Column("sent_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("centre", "cadence", "period_key", "version", name="uq_delivery_version"),
)

# Per recipient of a report version: a refused recipient is failed for that recipient
# only, and the next run sends only to the recipients still missing. `in_doubt`: the
# message body went out without an answer from the server (dropped connection, reply
# past the deadline, sender killed), so the server may hold a copy; the next copy is
# marked as a possible duplicate and keeps the Message-ID.
delivery_recipients = sa.Table(
    "delivery_recipients",
    metadata,
    sa.Column("delivery_id", sa.Integer, sa.ForeignKey("deliveries.id"), primary_key=True),
    sa.Column("recipient", sa.String(254), primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),  # pending | sent | failed
    sa.Column("in_doubt", sa.Boolean, nullable=False),
    sa.Column("data_attempts", sa.Integer, nullable=False),  # message bodies sent to it
    sa.Column("possible_duplicate", sa.Boolean, nullable=False),  # the copy it got was marked
    sa.Column("error", sa.String(300)),  # last refusal or error, e.g. "550 5.1.1 …"
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Per-period figures of every centre, district and the city, after the disclosure
# rules: one row per group and item. Written per period (delete, then insert).
scores = sa.Table(
    "scores",
    metadata,
    sa.Column("cadence", sa.String(10), primary_key=True),
    sa.Column("period_key", sa.String(12), primary_key=True),
    sa.Column("group_code", sa.String(40), primary_key=True),
    sa.Column("item", sa.String(20), primary_key=True),
    sa.Column("group_type", sa.String(10), nullable=False),  # centre | district | city
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("n", sa.Integer, nullable=False),
    sa.Column("cannot_judge", sa.Integer),
    sa.Column("counts", sa.String(200)),  # JSON {"1": .., "2": ..}; null when suppressed
    sa.Column("mean", sa.Float),
    sa.Column("top2", sa.Float),
    sa.Column("top2_ci_low", sa.Float),
    sa.Column("top2_ci_high", sa.Float),
    sa.Column("suppressed", sa.Boolean, nullable=False),
    sa.Column("suppression", sa.String(15)),  # primary (complementary in figures before issue 10)
)

score_totals = sa.Table(
    "score_totals",
    metadata,
    sa.Column("cadence", sa.String(10), primary_key=True),
    sa.Column("period_key", sa.String(12), primary_key=True),
    sa.Column("group_code", sa.String(40), primary_key=True),
    sa.Column("group_type", sa.String(10), nullable=False),
    sa.Column("responses", sa.Integer, nullable=False),
    sa.Column("tablet", sa.Integer, nullable=False),
    sa.Column("web", sa.Integer, nullable=False),
    sa.Column("misuse", sa.Integer, nullable=False),
    sa.Column("unfinished", sa.Integer, nullable=False),
    sa.Column("by_language", sa.String(200), nullable=False),  # JSON
)

# The report documents (figures, comparisons, trend, redacted comments) the report
# files are rendered from, with the version hash the delivery ledger compares.
report_documents = sa.Table(
    "report_documents",
    metadata,
    sa.Column("cadence", sa.String(10), primary_key=True),
    sa.Column("period_key", sa.String(12), primary_key=True),
    sa.Column("centre", sa.String(40), primary_key=True),
    sa.Column("version", sa.String(64), nullable=False),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("snapshot", sa.String(64), nullable=False),
)

# Outcome of each figure check per period, computed on the rows read back after they
# were written. Deleted with the period's figures (same transaction) and written again
# after the checks: a period without rows here is unchecked, and neither its report
# files nor its e-mails go out.
report_checks = sa.Table(
    "report_checks",
    metadata,
    sa.Column("cadence", sa.String(10), primary_key=True),
    sa.Column("period_key", sa.String(12), primary_key=True),
    sa.Column("check_name", sa.String(40), primary_key=True),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("problems", sa.Integer, nullable=False),
    sa.Column("examples", sa.Text, nullable=False),  # JSON list, at most 10
    sa.Column("run_id", sa.String(64)),
    sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
)

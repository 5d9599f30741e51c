"""Files delivered again with other content: the store must equal what the latest readable
content of every file gives (an independent reading, tests/oracle.py), and every run after
must succeed. Driven through the Dagster assets, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import dagster as dg
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.defs.assets import ingest
from pipelines.defs.resources import LandingResource, PseudonymiserResource, WarehouseResource
from pipelines.ingest import response_store
from pipelines.ingest import staging as ingestion
from pipelines.warehouse import engine_for, schema
from tests import builders as b
from tests import oracle


@pytest.fixture
def env(tmp_path, warehouse_url):
    landing = tmp_path / "landing"
    landing.mkdir()
    resources = {
        "warehouse": WarehouseResource(url=warehouse_url),
        "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
        "pseudonymiser": PseudonymiserResource(key="k"),
    }

    def run(config=None, ok=True):
        result = dg.materialize(
            [ingest.raw_exports, ingest.responses],
            resources=resources,
            run_config=config,
            raise_on_error=False,
        )
        assert result.success == ok
        return result

    return landing, run, engine_for(warehouse_url)


def _meta(result, asset: str) -> dict:
    for event in result.get_asset_materialization_events():
        if event.asset_key.path[-1] == asset:
            return event.event_specific_data.materialization.metadata
    raise AssertionError(f"{asset} not materialised")


def _checks(result) -> dict:
    return {e.check_name: e for e in result.get_asset_check_evaluations()}


def _count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def _assert_store_matches(engine, contents: dict[str, str]):
    assert oracle.stored(engine) == oracle.expected(contents)


def test_tablet_file_redelivered_with_every_row_on_another_date(env):
    landing, run, engine = env
    rows = b.completion(1) + b.completion(2, comment="Gut")
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    # Another device's file keeps 2020-09-15 alive (the case full_rebuild could not repair).
    b.write_tablet(landing, "altona", "TAB-0418", "2020-09-15", b.completion(3, device="TAB-0418"))
    run()
    # The clock was a week off: same path, same ids, every row now on 2020-09-22.
    moved = [dict(r, local_time=r["local_time"].replace("2020-09-15", "2020-09-22")) for r in rows]
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", moved)
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    assert len(oracle.stored(engine)) and sum(oracle.stored(engine).values()) == 3
    run()  # and every run after succeeds
    run({"ops": {"responses": {"config": {"full_rebuild": True}}}})
    _assert_store_matches(engine, oracle.landing_texts(landing))


def test_one_session_moves_and_one_response_is_removed(env):
    landing, run, engine = env
    rows = b.completion(1) + b.completion(2) + b.completion(3)
    path = b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    run()
    again = b.completion(1) + [dict(r, local_time="2020-09-16 09:00:00") for r in b.completion(2)]
    path.write_text(b.tablet_text(again), encoding="utf-8")  # session 2 moves, session 3 is gone
    result = run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    assert sorted(d for (_, _, d, _) in oracle.stored(engine).elements()) == ["2020-09-15", "2020-09-16"]
    assert _meta(result, "responses")["dates_changed"].value == 2


def test_web_response_moves_to_the_next_day_in_a_redelivered_export(env):
    landing, run, engine = env
    b.write_web(landing, "2020-09-16", [b.web_response(7, submit="2020-09-15 18:30:00"), b.web_response(8)])
    run()
    late = b.web_response(7, submit="2020-09-16 09:10:00", start="2020-09-15 08:00:00")
    b.write_web(landing, "2020-09-16", [late, b.web_response(8)])
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    # ... and across exports: the next day's export holds a newer state on yet another day.
    newer = b.web_response(7, submit="2020-09-17 20:00:00", start="2020-09-15 08:00:00")
    b.write_web(landing, "2020-09-18", [newer])
    run()
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    with engine.connect() as conn:
        days = sorted(str(d) for d in conn.execute(sa.select(schema.responses.c.response_date)).scalars())
    assert days == ["2020-09-15", "2020-09-17"]


def test_web_response_removed_from_a_redelivered_export_falls_back_to_its_older_version(env):
    landing, run, engine = env
    b.write_web(landing, "2020-09-15", [b.web_response(7, submit="2020-09-15 12:00:00", answers={"Q01": 4})])
    full = b.write_web(
        landing, "2020-09-17",
        [b.web_response(7, submit="2020-09-16 12:00:00", start="2020-09-15 08:00:00"), b.web_response(8)],
        full=True,
    )  # fmt: skip
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    full.write_text(b.web_text([b.web_response(8)]), encoding="utf-8")  # re-delivered without response 7
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    assert ("web", "altona", "2020-09-15", 4) in oracle.stored(engine)


def test_tablet_rows_delivered_twice_count_from_the_other_file_when_one_goes(env):
    landing, run, engine = env
    rows = b.completion(1)
    first = b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    b.write_tablet(landing, "altona", "TAB-0418", "2020-09-16",
                   [dict(r, local_time="2020-09-16 10:00:00") for r in rows])  # fmt: skip
    run()
    first.write_text(b.tablet_text(b.completion(2)), encoding="utf-8")
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))


@pytest.mark.parametrize(
    ("damage", "rule"),
    [
        (lambda text: text.encode() + bytes(range(128, 256)) * 4, "encoding"),  # garbage after good content
        (lambda text: bytes(range(256)) * 8, "encoding"),  # garbage instead of content
        (lambda text: text.encode()[: len(text) // 2], "file_truncated"),  # upload cut off
        (lambda text: b"", "file_empty"),
        (lambda text: text.splitlines(keepends=True)[0].encode(), "file_empty"),  # header only
    ],
    ids=["garbage-after", "garbage", "truncated", "empty", "header-only"],
)
def test_unreadable_redelivery_is_quarantined_and_the_last_good_content_stays(env, damage, rule):
    landing, run, engine = env
    rows = b.completion(1) + b.completion(2) + b.completion(3)
    path = b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    good = oracle.landing_texts(landing)
    run()
    staged = _count(engine, schema.tablet_rows)
    path.write_bytes(damage(b.tablet_text(rows)))
    result = run()
    raw = _meta(result, "raw_exports")
    assert raw["files_kept_previous"].value == 1 and raw["files_changed"].value == 1
    assert _checks(result)["rows_reconcile"].passed
    _assert_store_matches(engine, good)
    assert _count(engine, schema.tablet_rows) == staged  # staging keeps it too
    with engine.connect() as conn:
        q = pd.read_sql(sa.select(schema.quarantine), conn)
        ledger = pd.read_sql(sa.select(schema.ingested_files), conn)
    assert list(q.rule) == [rule] and "zuletzt lesbare Fassung bleibt in Kraft" in q.reason[0]
    assert ledger.status.tolist() == ["kept_previous"] and ledger.accepted.tolist() == [len(rows)]
    # A later full rebuild loses nothing; a good re-delivery replaces as usual.
    run({"ops": {"responses": {"config": {"full_rebuild": True}}}})
    _assert_store_matches(engine, good)
    path.write_text(b.tablet_text(b.completion(1)), encoding="utf-8")
    run()
    _assert_store_matches(engine, oracle.landing_texts(landing))
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.quarantine)).scalar_one() == 0


def test_web_garbage_redelivery_keeps_its_responses(env):
    landing, run, engine = env
    path = b.write_web(landing, "2020-09-16", [b.web_response(7), b.web_response(8)])
    good = oracle.landing_texts(landing)
    run()
    path.write_bytes(b"\xff\xfe garbage \x00" * 40)
    run()
    _assert_store_matches(engine, good)
    assert _count(engine, schema.web_versions) == 2


def test_a_store_that_disagrees_with_staging_is_repaired_and_said_so(env):
    landing, run, engine = env
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1))
    run()
    # The store holds a date staging does not give (as left by the old ingestion's gap).
    with engine.begin() as conn:
        conn.execute(sa.update(schema.responses).values(response_date=dt.date(2020, 9, 20)))
    assert response_store.inconsistent_dates(engine) == [dt.date(2020, 9, 15), dt.date(2020, 9, 20)]
    result = run()  # repaired on the next run, and said so
    assert _checks(result)["store_matches_staging"].passed
    assert _checks(result)["store_matches_staging"].metadata["dates_repaired"].value == [
        "2020-09-15",
        "2020-09-20",
    ]
    _assert_store_matches(engine, oracle.landing_texts(landing))
    assert response_store.all_staged_dates(engine) == [dt.date(2020, 9, 15)]


def test_store_check_fails_when_the_store_cannot_be_repaired(env, monkeypatch):
    landing, run, engine = env
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1))
    run()
    with engine.begin() as conn:
        conn.execute(sa.text("delete from stage_tablet_rows"))
    monkeypatch.setattr(
        response_store, "write_responses", lambda engine, result: []
    )  # a rebuild that writes nothing
    result = run(ok=False)
    check = _checks(result)["store_matches_staging"]
    assert not check.passed and check.metadata["dates_inconsistent"].value == ["2020-09-15"]
    assert "full_rebuild" in check.metadata["repair"].value


def test_rows_reconcile_fails_when_a_parsed_record_is_not_accounted_for(env, monkeypatch):
    landing, run, engine = env
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1) + b.completion(2))
    original = ingestion.Ingestor._stage_tablet

    def drop_one(self, conn, f, rows, outcome):
        return original(self, conn, f, rows[1:], outcome)  # a row silently lost

    monkeypatch.setattr(ingestion.Ingestor, "_stage_tablet", drop_one)
    result = run()
    check = _checks(result)["rows_reconcile"]
    assert not check.passed and check.metadata["files_unbalanced"].value == 1
    assert "read" in check.metadata["examples"].value[0]

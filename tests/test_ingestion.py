"""Ingestion rules, each on a small hand-made landing folder (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.ingest import response_store, staging
from pipelines.ingest.outcomes import OUTCOMES
from pipelines.ingest.pseudonyms import Pseudonymiser
from pipelines.warehouse import engine_for, schema
from tests import builders as b


def run(url, landing, tmp_path, key="test-key"):
    engine = engine_for(url)
    ing = staging.Ingestor(engine, landing, tmp_path / "quarantine", Pseudonymiser(key), run_id="t")
    summary = ing.ingest_new_files()
    result = response_store.build_responses(engine, response_store.pending_dates(engine))
    response_store.write_responses(engine, result)
    return engine, summary


def table(engine, t) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.select(t), conn)


@pytest.fixture
def landing(tmp_path):
    path = tmp_path / "landing"
    path.mkdir()
    return path


def test_tablet_long_rows_become_one_response_per_completion(warehouse_url, landing, tmp_path):
    rows = b.completion(1) + b.completion(2, time="2020-09-15 16:40:00", comment="Alles gut; danke")
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    engine, summary = run(warehouse_url, landing, tmp_path)
    resp = table(engine, schema.responses).sort_values("daypart")
    assert len(resp) == 2
    assert summary.totals()["accepted"] == len(rows)
    assert list(resp.daypart) == ["nachmittags", "vormittags"]
    assert resp.iloc[1]["Q04"] == 3 and resp.iloc[1]["Q05_SQ004"] == 99 and resp.iloc[1]["Q06"] == 1
    assert resp.iloc[0]["comment"] == "Alles gut; danke"
    assert set(resp.response_date.astype(str)) == {"2020-09-15"}


def test_same_tablet_rows_uploaded_twice_count_once(warehouse_url, landing, tmp_path):
    day1 = b.completion(1) + b.completion(2)
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", day1)
    # The retry next day carries yesterday's rows again (overlap) plus its own.
    day2 = day1 + b.completion(3, time="2020-09-16 09:00:00")
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-16", day2)
    engine, summary = run(warehouse_url, landing, tmp_path)
    assert len(table(engine, schema.responses)) == 3
    totals = summary.totals()
    assert totals["duplicate"] == len(day1)
    assert totals["rows_read"] == len(day1) + len(day2)


def test_moved_device_counts_for_the_rows_centre_not_the_folder(warehouse_url, landing, tmp_path):
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1, centre="harburg"))
    engine, _ = run(warehouse_url, landing, tmp_path)
    assert list(table(engine, schema.responses).centre) == ["harburg"]


def test_misuse_completions_are_excluded_but_counted(warehouse_url, landing, tmp_path):
    rows = b.completion(1) + b.completion(2, misuse=1)
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    engine, summary = run(warehouse_url, landing, tmp_path)
    assert len(table(engine, schema.responses)) == 1
    excl = table(engine, schema.excluded_responses)
    assert list(excl.reason) == ["misuse"]
    assert summary.totals()["excluded"] == len(b.completion(2, misuse=1))


def test_windows1252_and_utf8_with_bom_read_correctly(warehouse_url, landing, tmp_path):
    text = "Größe der Wartezone: zu klein – 5 € Parkgebühr"
    b.write_tablet(
        landing, "altona", "TAB-0001", "2020-09-15", b.completion(1, comment=text), encoding="cp1252"
    )
    path = b.write_tablet(landing, "altona", "TAB-0002", "2020-09-15", b.completion(2, comment="Schön"))
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    engine, summary = run(warehouse_url, landing, tmp_path)
    comments = set(table(engine, schema.responses).comment)
    assert comments == {text, "Schön"}
    assert summary.encodings() == {"cp1252": 1, "utf-8-bom": 1}


def test_comment_with_separators_quotes_and_line_breaks_stays_intact(warehouse_url, landing, tmp_path):
    tricky = 'Erst "super", dann;\nlange gewartet,\r\naber okay'
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1, comment=tricky))
    b.write_web(landing, "2020-09-16", [b.web_response(7, comment=tricky)])
    engine, _ = run(warehouse_url, landing, tmp_path)
    assert list(table(engine, schema.responses).comment) == [tricky, tricky]


def test_web_item_names_are_normalised(warehouse_url, landing, tmp_path):
    b.write_web(landing, "2020-09-16", [b.web_response(7)])
    engine, _ = run(warehouse_url, landing, tmp_path)
    row = table(engine, schema.responses).iloc[0]
    assert row["Q03_SQ002"] == 2 and row["Q05_SQ004"] == 99 and row["channel"] == "web"


def test_web_response_seen_in_several_exports_counts_once_newest_wins(warehouse_url, landing, tmp_path):
    unfinished = b.web_response(7, submit="", datestamp="2020-09-15 18:00:00", answers={"Q01": 3})
    finished = b.web_response(7, submit="2020-09-17 20:00:00", start="2020-09-15 08:00:00")
    b.write_web(landing, "2020-09-16", [unfinished, b.web_response(8)])
    b.write_web(landing, "2020-09-18", [finished, b.web_response(8)])
    b.write_web(landing, "2020-09-19", [finished])
    engine, summary = run(warehouse_url, landing, tmp_path)
    resp = table(engine, schema.responses).sort_values("response_date")
    assert len(resp) == 2
    assert str(resp.iloc[1]["response_date"]) == "2020-09-17"  # the day of submitdate
    assert resp.iloc[1]["Q01"] == 1  # the newer, finished version
    assert table(engine, schema.excluded_responses).empty  # finished later: no longer unfinished
    totals = summary.totals()
    assert (totals["accepted"], totals["excluded"], totals["duplicate"]) == (2, 1, 2)


def test_newer_version_wins_even_when_older_export_is_read_later(warehouse_url, landing, tmp_path):
    old = b.web_response(7, datestamp="2020-09-15 18:30:00", answers={"Q01": 4})
    new = b.web_response(7, datestamp="2020-09-15 18:45:00", answers={"Q01": 1})
    # A full export dated later but written from an older snapshot? No: the late daily export.
    b.write_web(landing, "2020-09-16", [new])
    engine, _ = run(warehouse_url, landing, tmp_path)
    b.write_web(landing, "2020-09-17", [old])  # arrives late, holds the older state
    engine, summary = run(warehouse_url, landing, tmp_path)
    assert list(table(engine, schema.responses).Q01) == [1]
    assert summary.totals()["duplicate"] == 1


def test_unfinished_web_responses_are_excluded_but_counted(warehouse_url, landing, tmp_path):
    b.write_web(
        landing,
        "2020-09-16",
        [b.web_response(7, submit="", datestamp="2020-09-15 11:00:00"), b.web_response(8)],
    )
    engine, _ = run(warehouse_url, landing, tmp_path)
    assert len(table(engine, schema.responses)) == 1
    excl = table(engine, schema.excluded_responses)
    assert list(excl.reason) == ["unfinished"] and list(excl.centre) == ["altona"]


def test_full_export_and_overlapping_windows_missing_day_repaired(warehouse_url, landing, tmp_path):
    r = {i: b.web_response(i, submit=f"2020-09-{14 + i} 12:00:00") for i in range(1, 5)}
    b.write_web(landing, "2020-09-16", [r[1]])
    # 2020-09-17 is missing; the next window still holds everything since.
    b.write_web(landing, "2020-09-18", [r[1], r[2], r[3]])
    b.write_web(landing, "2020-09-20", [r[1], r[2], r[3], r[4]], full=True)
    engine, summary = run(warehouse_url, landing, tmp_path)
    assert len(table(engine, schema.responses)) == 4
    assert summary.totals()["duplicate"] == 4


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (lambda r: r.update(centre_code="kz-unbekannt"), "centre_code_unknown"),
        (lambda r: r.update(answer="7"), "answer_out_of_range"),
        (lambda r: r.update(question_code="Q07", answer="1"), "item_not_in_version"),
        (lambda r: r.update(local_time="2020-13-45 25:61:00"), "local_time_datetime"),
        (lambda r: r.update(misuse="x"), "misuse_valid_values"),
        (lambda r: r.update(feedback_id="not-a-uuid"), "feedback_id_pattern"),
        (lambda r: r.update(questionnaire_version="2"), "questionnaire_version_not_yet_valid"),
    ],
)
def test_broken_tablet_row_is_quarantined_and_the_rest_goes_on(sqlite_url, landing, tmp_path, mutate, rule):
    rows = b.completion(1) + b.completion(2)
    mutate(rows[3])
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    engine, summary = run(sqlite_url, landing, tmp_path)
    q = table(engine, schema.quarantine)
    assert list(q.rule) == [rule] and list(q.source_row) == [4]
    # The device serial in the file name is personal data: stored pseudonymised.
    assert re.fullmatch(r"tablet/altona/dev-[0-9a-f]{12}_20200915\.csv", q.iloc[0]["source_file"])
    assert len(table(engine, schema.responses)) == 2  # both completions still count
    totals = summary.totals()
    assert totals["quarantined"] == 1 and totals["accepted"] == len(rows) - 1
    assert (tmp_path / "quarantine").rglob("*.rows.csv")


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (lambda r: r.update(KZ="kz-unbekannt"), "KZ_unknown"),
        (lambda r: r.update(Q01="0"), "answer_out_of_range"),
        (lambda r: r.update(Q07="1"), "item_not_in_version"),
        (lambda r: r.update(submitdate="gestern"), "submitdate_datetime"),
        (lambda r: r.update(startlanguage="fr"), "startlanguage_valid_values"),
    ],
)
def test_broken_web_row_is_quarantined(sqlite_url, landing, tmp_path, mutate, rule):
    rows = [b.web_response(7), b.web_response(8)]
    mutate(rows[1])
    b.write_web(landing, "2020-09-16", rows)
    engine, summary = run(sqlite_url, landing, tmp_path)
    q = table(engine, schema.quarantine)
    assert list(q.rule) == [rule] and list(q.source_row) == [2]
    assert len(table(engine, schema.responses)) == 1
    assert summary.totals()["quarantined"] == 1


def test_truncated_empty_and_garbage_files_never_stop_the_run(warehouse_url, landing, tmp_path):
    rows = b.completion(1) + b.completion(2)
    text = b.tablet_text(rows)
    cut = b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    cut.write_text(text[: len(text) - 25], encoding="utf-8")  # cut inside the last row
    empty = landing / "tablet" / "altona" / "TAB-0418_20200915.csv"
    empty.write_bytes(b"")
    garbage = landing / "tablet" / "harburg" / "TAB-0500_20200915.csv"
    garbage.parent.mkdir(parents=True)
    garbage.write_bytes(bytes(range(256)) * 8)  # not decodable at all
    garbage.with_name("TAB-0500_20200916.csv").write_bytes(b"x7Gq;;\x00zz\n" * 50)  # decodable, not our CSV
    b.write_web(landing, "2020-09-16", [b.web_response(7)])
    (landing / "web" / "survey_482915_20200917.csv").write_bytes(b"")
    engine, summary = run(warehouse_url, landing, tmp_path)
    q = table(engine, schema.quarantine).sort_values(["source_file", "source_row"], na_position="first")
    whole = q[q.source_row.isna()]
    found = {
        re.sub(r"dev-[0-9a-f]{12}", "dev", f): r for f, r in zip(whole.source_file, whole.rule, strict=True)
    }
    assert found == {
        "tablet/altona/dev_20200915.csv": "file_empty",
        "tablet/harburg/dev_20200915.csv": "encoding",
        "tablet/harburg/dev_20200916.csv": "header_mismatch",
        "web/survey_482915_20200917.csv": "file_empty",
    }
    rows_q = q[q.source_row.notna()]
    assert list(rows_q.source_row) == [len(rows)] and list(rows_q.rule) == ["field_count"]
    assert len(table(engine, schema.responses)) == 3  # two tablet completions, one web response
    assert summary.files_quarantined() == 4


def test_every_raw_row_is_accounted_for(warehouse_url, landing, tmp_path):
    rows = b.completion(1) + b.completion(2, misuse=1) + b.completion(3)
    rows[0]["answer"] = "8"
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-16", rows[:5])
    b.write_web(
        landing,
        "2020-09-16",
        [b.web_response(7), b.web_response(8, submit=""), b.web_response(9, centre="x")],
    )
    b.write_web(landing, "2020-09-17", [b.web_response(7)])
    engine, summary = run(warehouse_url, landing, tmp_path)
    totals = summary.totals()
    assert totals["rows_read"] == len(rows) + 5 + 3 + 1
    assert totals["rows_read"] == sum(totals[o] for o in OUTCOMES)
    ledger = table(engine, schema.ingested_files)
    assert (
        ledger.rows_read == ledger.accepted + ledger.duplicate + ledger.excluded + ledger.quarantined
    ).all()
    assert ledger.quarantined.sum() == len(table(engine, schema.quarantine)) == 1 + 1 + 1


def test_rerun_is_idempotent_and_reads_only_new_files(warehouse_url, landing, tmp_path):
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1) + b.completion(2))
    b.write_web(landing, "2020-09-16", [b.web_response(7), b.web_response(8, submit="")])
    engine, first = run(warehouse_url, landing, tmp_path)
    snapshot = {t.name: table(engine, t).drop(columns=["ingested_at", "quarantined_at"], errors="ignore") for t in
                (schema.responses, schema.excluded_responses, schema.tablet_rows, schema.web_versions)}  # fmt: skip
    engine, second = run(warehouse_url, landing, tmp_path)
    assert second.files_unchanged == 2 and second.outcomes == []
    for t in (schema.responses, schema.excluded_responses, schema.tablet_rows, schema.web_versions):
        pd.testing.assert_frame_equal(
            table(engine, t).drop(columns=["ingested_at"], errors="ignore"), snapshot[t.name]
        )
    # A further day only reads the new file.
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-16", b.completion(3, time="2020-09-16 10:00:00"))
    engine, third = run(warehouse_url, landing, tmp_path)
    assert [o.path[-13:] for o in third.outcomes] == ["_20200916.csv"]
    assert len(table(engine, schema.responses)) == 4


def test_changed_file_replaces_its_own_rows(sqlite_url, landing, tmp_path):
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1) + b.completion(2))
    engine, _ = run(sqlite_url, landing, tmp_path)
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1))
    engine, summary = run(sqlite_url, landing, tmp_path)
    assert summary.files_changed == 1
    assert len(table(engine, schema.responses)) == 1


def test_pseudonyms_are_stable_for_one_key_and_differ_between_keys(tmp_path, landing):
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1))
    b.write_web(landing, "2020-09-16", [b.web_response(7)])
    keys = []
    for i, key in enumerate(["k1", "k1", "k2"]):
        engine, _ = run(f"sqlite:///{tmp_path / f'w{i}.db'}", landing, tmp_path, key=key)
        resp = table(engine, schema.responses).sort_values("channel")
        keys.append((tuple(resp.response_key), tuple(resp.device_key.fillna(""))))
    assert keys[0] == keys[1]
    assert set(keys[0][0]).isdisjoint(keys[2][0]) and keys[0][1] != keys[2][1]
    assert all(len(k) == 32 for k in keys[0][0])


def test_timestamps_are_coarsened(warehouse_url, landing, tmp_path):
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1, time="2020-09-15 17:05:09"))
    engine, _ = run(warehouse_url, landing, tmp_path)
    inspector = sa.inspect(engine)
    for name in ("responses", "stage_tablet_rows", "stage_web_versions", "excluded_responses"):
        types = [str(c["type"]).upper() for c in inspector.get_columns(name)]
        assert not any("TIME" in t for t in types), name  # no clock time is stored
    resp = table(engine, schema.responses)
    assert resp.iloc[0]["daypart"] == "abends" and resp.iloc[0]["response_date"] in (
        dt.date(2020, 9, 15),
        "2020-09-15",
    )


def test_the_redactor_is_built_only_for_new_files_and_a_broken_one_fails_the_run(
    sqlite_url, landing, tmp_path, small_registry
):
    from pipelines.core import registry

    # a redaction configuration that cannot be read: the run must fail, not quarantine files
    (registry.config_dir() / "redaction.yaml").write_text("patterns: [unclosed", encoding="utf-8")
    engine, summary = run(sqlite_url, landing, tmp_path)  # nothing landed: no redactor needed
    assert summary.files_seen == 0
    b.write_tablet(landing, "altona", "TAB-0001", "2020-09-15", b.completion(1, comment="Alles gut"))
    with pytest.raises(Exception, match="(?i)yaml|redaction|expected"):
        run(sqlite_url, landing, tmp_path)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.quarantine)).scalar_one() == 0
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.ingested_files)).scalar_one() == 0

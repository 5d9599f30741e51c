"""Faults an operator meets: odd files in the landing folder, a broken file among many,
a changed key, two ingestions at once, a run killed mid-way."""

from __future__ import annotations

import hashlib
import os
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.ingest import response_store, staging
from pipelines.ingest.pseudonym_key import KeyMismatch
from pipelines.ingest.pseudonyms import Pseudonymiser
from pipelines.warehouse import OutdatedSchema, engine_for, exclusive, schema
from tests import builders as b
from tests import oracle


def ingest(url, landing, tmp_path, key="k"):
    engine = engine_for(url)
    summary = staging.Ingestor(
        engine, landing, tmp_path / "quarantine", Pseudonymiser(key), run_id="t"
    ).ingest_new_files()
    with exclusive(engine, "ingest"):  # as the responses asset does
        response_store.write_responses(
            engine, response_store.build_responses(engine, response_store.pending_dates(engine))
        )
    return engine, summary


def frame(engine, table) -> pd.DataFrame:
    with engine.connect() as conn:
        return pd.read_sql(sa.select(table), conn)


@pytest.fixture
def landing(tmp_path):
    path = tmp_path / "landing"
    path.mkdir()
    return path


def test_a_broken_file_costs_only_itself(warehouse_url, landing, tmp_path, monkeypatch):
    for i in range(6):
        b.write_tablet(
            landing, "altona", f"TAB-{i:04d}", "2020-09-15", b.completion(i + 1, device=f"TAB-{i:04d}")
        )
    original = staging.Ingestor._stage_tablet

    def fail_for_one(self, conn, f, rows, outcome):
        if rows and rows[0]["device_id"] == "TAB-0003":
            raise sa.exc.DataError("insert", {}, Exception("simulated: value the database refuses"))
        return original(self, conn, f, rows, outcome)

    monkeypatch.setattr(staging.Ingestor, "_stage_tablet", fail_for_one)
    engine, summary = ingest(warehouse_url, landing, tmp_path)
    assert len(frame(engine, schema.responses)) == 5
    assert len(summary.files_with("failed")) == 1
    q = frame(engine, schema.quarantine)
    assert q.rule.tolist() == ["ingest_error"] and "DataError" in q.reason[0]
    # Not in the ledger: the next run reads it again (and, once it can be stored, stores it).
    monkeypatch.setattr(staging.Ingestor, "_stage_tablet", original)
    engine, summary = ingest(warehouse_url, landing, tmp_path)
    assert summary.files_new == 1 and len(frame(engine, schema.responses)) == 6
    assert frame(engine, schema.quarantine).empty


def test_nul_bytes_and_very_long_names_are_quarantined_not_fatal(warehouse_url, landing, tmp_path):
    rows = b.completion(1, comment="gut\x00 so")
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows + b.completion(2))
    long_name = "T" * (254 - len("_20200915.csv"))  # the name's device part; the rows say TAB-0003
    third = b.completion(3, device="TAB-0003")
    third[-1]["answer"] = "8"
    b.write_tablet(landing, "altona", long_name, "2020-09-15", third)
    (landing / "web").mkdir()
    (landing / "web" / ("x" * 250 + ".csv")).write_text("kein Export", encoding="utf-8")
    for i in range(3):
        b.write_web(landing, f"2020-09-1{6 + i}", [b.web_response(10 + i)])
    engine, summary = ingest(warehouse_url, landing, tmp_path)
    q = frame(engine, schema.quarantine)
    assert set(q.rule) == {"nul_character", "answer_out_of_range", "file_name_unknown"}
    assert (q.source_file.str.len() <= 250).all()
    # Every other completion and web response is in: 1 (session 1 lost its comment row
    # only), 2, 3 (one answer row quarantined), 3 web responses.
    assert len(frame(engine, schema.responses)) == 6
    assert not summary.files_with("failed")


def test_links_and_special_files_are_named_in_quarantine_never_read(landing, tmp_path, sqlite_url):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    outside_csv = tmp_path / "outside" / "TAB-0999_20200915.csv"
    outside_csv.write_text(b.tablet_text(b.completion(9, device="TAB-0999")), encoding="utf-8")
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1))
    (landing / "tablet" / "altona" / "TAB-0001_20200915.csv").symlink_to(secret)
    (landing / "tablet" / "altona" / "TAB-0999_20200916.csv").symlink_to(outside_csv)
    (landing / "tablet" / "linked").symlink_to(outside_csv.parent, target_is_directory=True)
    os.mkfifo(landing / "tablet" / "altona" / "TAB-0002_20200915.csv")
    engine, summary = ingest(sqlite_url, landing, tmp_path)
    q = frame(engine, schema.quarantine)
    assert q.rule.tolist() == ["not_regular_file"] * 4 and q.content_ref.isna().all()
    assert len(frame(engine, schema.responses)) == 1  # the CSV behind the link is not data
    copied = [p for p in (tmp_path / "quarantine").rglob("*") if p.is_file()]
    assert not any("root:x" in p.read_text(errors="ignore") for p in copied)
    assert summary.files_quarantined() == 4


def test_the_landing_scan_lists_what_a_plain_walk_finds(landing, tmp_path):
    from pipelines.ingest import landing as landed

    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1))
    b.write_web(landing, "2020-09-16", [b.web_response(7)])
    deep = landing / "tablet" / "altona" / "sub" / ".hidden"
    deep.mkdir(parents=True)
    (deep / "TAB-0418_20200915.csv").write_text("x;y\n", encoding="utf-8")  # in a dot folder: read
    (landing / "tablet" / "altona" / ".TAB-0419_20200915.csv").write_text("partial", encoding="utf-8")
    (landing / "web" / "notes.txt").write_bytes(b"\xff\x00")
    (landing / "tablet" / "linked").symlink_to(tmp_path, target_is_directory=True)
    expected = {}
    for folder, dirs, names in os.walk(landing):
        for name in dirs + names:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, landing)
            if os.path.islink(path) or (os.path.isfile(path) and not name.startswith(".")):
                regular = not os.path.islink(path)
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest() if regular else None
                expected[rel] = (regular, os.path.getsize(path) if regular else 0, digest)
    found = {f.path: (f.regular, f.size, f.sha256 if f.regular else None) for f in landed.scan(landing)}
    assert found == expected and len(found) == 5


def test_quarantine_content_is_for_the_owner_only(landing, tmp_path, sqlite_url):
    rows = b.completion(1)
    rows[0]["answer"] = "8"
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    (landing / "web").mkdir()
    (landing / "web" / "survey_482915_20200916.csv").write_bytes(b"\xff\xfe\x00garbage")
    ingest(sqlite_url, landing, tmp_path)
    paths = list((tmp_path / "quarantine").rglob("*"))
    assert [p for p in paths if p.is_file()], "quarantine holds the raw content"
    for path in [tmp_path / "quarantine", *paths]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.name}: {oct(mode)}"


def test_a_device_serial_with_a_newline_is_pseudonymised_too(landing, tmp_path, sqlite_url):
    device = "TAB-0417\nSN-8821"
    path = landing / "tablet" / "altona" / f"{device}_20200915.csv"
    path.parent.mkdir(parents=True)
    path.write_text(b.tablet_text(b.completion(1)), encoding="utf-8")
    engine, _ = ingest(sqlite_url, landing, tmp_path)
    stored = frame(engine, schema.ingested_files).path.tolist()
    assert len(stored) == 1 and "SN-8821" not in stored[0] and "TAB-0417" not in stored[0]


def test_another_pseudonym_key_is_refused_and_rotation_counts_once(landing, tmp_path, sqlite_url):
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", b.completion(1) + b.completion(2))
    b.write_web(landing, "2020-09-16", [b.web_response(7)])
    engine, _ = ingest(sqlite_url, landing, tmp_path, key="first")
    with pytest.raises(KeyMismatch, match="rotate_pseudonym_key"):
        ingest(sqlite_url, landing, tmp_path, key="second")
    assert len(frame(engine, schema.responses)) == 3  # nothing doubled
    with engine.connect() as conn:
        stored = conn.execute(sa.select(schema.ingest_state.c.value)).scalars().all()
    assert "first" not in "".join(stored) and "second" not in "".join(stored)
    # Rotating on purpose: everything read again with the new key, every response once.
    ingestor = staging.Ingestor(engine, landing, tmp_path / "quarantine", Pseudonymiser("second"))
    assert ingestor.rotate_key() == 2
    before = set(frame(engine, schema.responses).response_key)
    engine, summary = ingest(sqlite_url, landing, tmp_path, key="second")
    after = frame(engine, schema.responses)
    assert len(after) == 3 and summary.files_new == 2 and set(after.response_key).isdisjoint(before)


def test_two_ingestions_at_once_count_every_row_once(warehouse_url, landing, tmp_path):
    for day in range(15, 19):
        for device in range(3):
            serial = f"TAB-{device:04d}"
            sessions = [b.completion(day * 100 + device * 10 + s, device=serial, time=f"2020-09-{day} 10:00:00")
                        for s in range(4)]  # fmt: skip
            b.write_tablet(landing, "altona", serial, f"2020-09-{day}", [r for s in sessions for r in s])
    engine_for(warehouse_url)  # the schema exists before the race (its own creation is locked too)
    errors = []

    def worker():
        try:
            ingest(warehouse_url, landing, tmp_path)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    engine = engine_for(warehouse_url)
    assert len(frame(engine, schema.responses)) == 4 * 3 * 4
    assert oracle.stored(engine) == oracle.expected(oracle.landing_texts(landing))
    assert len(frame(engine, schema.ingested_files)) == 12


_KILLABLE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pipelines.ingest import staging
    from pipelines.ingest import response_store
    from pipelines.ingest.pseudonyms import Pseudonymiser
    from pipelines.warehouse import engine_for

    staging.FILES_PER_TRANSACTION = 3  # commit often, so a kill lands between commits
    url, landing, quarantine = sys.argv[1:4]
    engine = engine_for(url)
    original = staging.Ingestor.ingest_file

    def slow(self, *args, **kwargs):
        time.sleep(0.05)
        return original(self, *args, **kwargs)

    staging.Ingestor.ingest_file = slow
    print("ingesting", flush=True)
    staging.Ingestor(engine, Path(landing), Path(quarantine), Pseudonymiser("k")).ingest_new_files()
    print("rebuilding", flush=True)
    dates = response_store.pending_dates(engine)
    for i in range(0, len(dates), 2):
        time.sleep(0.1)
        response_store.write_responses(engine, response_store.build_responses(engine, dates[i : i + 2]))
        print("window", flush=True)
    print("done", flush=True)
    time.sleep(60)  # the test kills it in any case
    """
)


@pytest.mark.parametrize(("marker", "delay"), [("ingesting", 0.3), ("ingesting", 1.0), ("window", 0.0)])
def test_ingestion_killed_at_any_point_then_rerun_gives_the_same_store(landing, tmp_path, marker, delay):
    for day in range(14, 21):
        for device in range(4):
            serial = f"TAB-{device:04d}"
            b.write_tablet(landing, "altona", serial, f"2020-09-{day}",
                           b.completion(day * 10 + device, device=serial, time=f"2020-09-{day} 11:00:00"))  # fmt: skip
    url = f"sqlite:///{tmp_path / 'killed.db'}"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLABLE, url, str(landing), str(tmp_path / "q")],
        stdout=subprocess.PIPE,
        text=True,
        cwd=os.getcwd(),
    )
    while (line := proc.stdout.readline().strip()) != marker:
        assert line, "the ingestion process ended before the kill point"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    if marker == "window":  # killed right after the first window: the other dates still wait
        assert 0 < len(response_store.pending_dates(engine_for(url))) < 7
    engine, _ = ingest(url, landing, tmp_path, key="k")
    assert response_store.inconsistent_dates(engine) == []
    assert oracle.stored(engine) == oracle.expected(oracle.landing_texts(landing))
    ledger = frame(engine, schema.ingested_files)
    assert len(ledger) == 28 and (ledger.rows_read == ledger.accepted).all()


def test_a_warehouse_of_an_older_version_is_refused_with_what_to_do(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = sa.create_engine(url)
    with old.begin() as conn:  # the ledger as an earlier version created it
        conn.execute(
            sa.text("CREATE TABLE ingested_files (path VARCHAR(300) PRIMARY KEY, sha256 VARCHAR(64))")
        )
    with pytest.raises(OutdatedSchema, match=r"ingested_files\.in_force_sha256.*new, empty database"):
        engine_for(url)


def test_deviant_file_names_never_store_the_serial_or_a_name(landing, tmp_path, sqlite_url):
    rows = b.tablet_text(b.completion(1, device="SN-77821"))
    names = [
        "tablet/altona/SN-77821_20200915.CSV",
        "tablet/altona/SN-77821_20200915 (1).csv",
        "tablet/altona/SN-77821_2020-09-15.csv",
        "tablet/SN-77821/SN-77821_20200915.csv",  # one folder per device
        "web/umfrage_anna.schmidt_20200916.csv",
        "web/survey_482915_20200916.csv\nSN-77821",
    ]
    for name in names:
        path = landing / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(rows, encoding="utf-8")
    engine, summary = ingest(sqlite_url, landing, tmp_path)
    stored = " ".join(frame(engine, schema.ingested_files).path) + " ".join(
        frame(engine, schema.quarantine).source_file
    )
    stored += " ".join(frame(engine, schema.quarantine).content_ref.dropna())
    assert "77821" not in stored and "schmidt" not in stored
    # The per-device folder is still a tablet file: its rows count.
    assert len(frame(engine, schema.responses)) == 1
    # The operator finds the originals in the restricted quarantine folder.
    index = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "quarantine").rglob("names.csv"))
    assert "umfrage_anna.schmidt_20200916.csv" in index and "SN-77821_20200915 (1).csv" in index


def test_quarantine_reasons_never_quote_an_identifying_value(landing, tmp_path, sqlite_url):
    bad = b.web_response(7)
    bad["id"] = "x-77821-x"  # a malformed response id
    b.write_web(landing, "2020-09-16", [bad, b.web_response(8)])
    rows = b.completion(1)
    rows[0]["device_id"] = "SN 77821 !"
    b.write_tablet(landing, "altona", "TAB-0417", "2020-09-15", rows)
    engine, _ = ingest(sqlite_url, landing, tmp_path)
    reasons = " ".join(frame(engine, schema.quarantine).reason)
    assert {"web", "tablet"} == set(frame(engine, schema.quarantine).channel) and "77821" not in reasons

"""Personal data planted in the landing folder must not appear in any output.

The pipeline runs through Dagster with a persistent instance on disk (event log,
run storage, compute logs, IO-manager storage); then every file outside landing and
quarantine, and every table of the warehouse, is searched for the planted strings.
"""

from __future__ import annotations

import email
import email.policy
import io
import re
from pathlib import Path

import dagster as dg
import pandas as pd
import pypdf
import pytest
import sqlalchemy as sa

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

DEVICE = "TAB-9137"
IP = "198.51.100.23"
WEB_ID = "98765431"
PII_COMMENTS = {
    "staff name": ("Frau Schulz war sehr freundlich.", ["Schulz"]),
    "visitor name": ("Mein Name ist Mehmet Yılmaz, bitte melden.", ["Yılmaz", "Mehmet"]),
    "phone": ("Rufen Sie mich an: 0176 98765432", ["0176 98765432", "98765432"]),
    "email": ("Antwort bitte an ayse.demir@example.com", ["ayse.demir@example.com", "ayse.demir"]),
    "iban": ("Erstattung auf DE89 3704 0044 0532 0130 00", ["DE89 3704 0044 0532 0130 00", "0532 0130"]),
    "address": ("Ich wohne Musterstraße 12, 22765 Hamburg", ["Musterstraße 12"]),
    "birth date": ("geb. 12.03.1985, falls Sie mich suchen", ["12.03.1985"]),
    "case number": ("Aktenzeichen 123/45-AB ist noch offen", ["123/45-AB"]),
    "licence plate": ("Mein Auto HH-AB 1234 wurde abgeschleppt", ["HH-AB 1234"]),
    "id card": ("Ausweisnummer L01X00T47 verloren", ["L01X00T47"]),
    "english": ("My name is John Smith, call +49 40 12345678", ["John Smith", "12345678"]),
    "turkish": ("Benim adım Ayşe Kaya, telefon 0532 123 45 67", ["Ayşe Kaya", "123 45 67"]),
    # shapes that slipped through before (issue 9): no context, lower case, dashes, words
    "name, lower case": ("frauke war so geduldig mit mir", ["frauke"]),
    "name, honorific": ("Zeynep Hanımın sayesinde hızlı oldu", ["Zeynep"]),
    "name, apostrophe": ("Sevda'ya teşekkürler, çok yardımcı oldu", ["Sevda"]),
    "iban, dashes": ("Konto DE02-1203-0000-0000-2020-51 bitte", ["DE02-1203", "2020-51"]),
    "phone, in words": (
        "Ruf an: null eins sieben sechs, vier drei zwei, eins null null acht",
        ["vier drei zwei, eins null"],
    ),
    "email, disguised": ("anna punkt beispiel at web dot de schreibt euch", ["beispiel"]),
    "handle": ("folgt mir: instagram.com/kiezkind_88", ["kiezkind_88"]),
    "street, no suffix": ("I live at Reeperbahn 29, 22589 Hamburg", ["Reeperbahn 29", "22589"]),
    "plate, lower case": ("knöllchen für hh-ab 123 bekommen", ["hh-ab 123"]),
    "tablet serial": ("Tablet TAB-0981 am Eingang war kaputt", ["TAB-0981"]),
    "ip address": ("meine IP 84.133.2.19 wurde gesperrt", ["84.133.2.19"]),
    "steuer-id": ("Steuer-ID 86095742719 bitte nicht speichern", ["86095742719"]),
    "tc kimlik": ("TC kimlik 10000000146 ile başvurdum", ["10000000146"]),
}


def _plant(landing: Path) -> list[str]:
    rows, planted = [], [DEVICE, IP, WEB_ID, "max.mustermann@example.org"]
    for i, (text, needles) in enumerate(PII_COMMENTS.values()):
        rows += b.completion(i + 1, device=DEVICE, comment=text, time=f"2020-09-15 {9 + i % 8:02d}:10:00")
        planted += needles
    broken = b.completion(50, device=DEVICE, comment="Frau Schulz, 0176 98765432")
    broken[0]["answer"] = "9"  # quarantined row, raw content only in the quarantine folder
    rows += broken
    b.write_tablet(landing, "altona", DEVICE, "2020-09-15", rows)
    web = [b.web_response(int(WEB_ID), ip=IP, comment=PII_COMMENTS["email"][0],
                          refurl="https://www.hamburg.de/kz?kz=altona&email=max.mustermann@example.org")]  # fmt: skip
    b.write_web(landing, "2020-09-16", web)
    # Deviant file names carry the serial (and a name) too: stored pseudonymised or quarantined.
    text = b.tablet_text(rows[:3])
    for deviant in (f"tablet/altona/{DEVICE}_20200915 (1).csv", f"tablet/altona/{DEVICE}_2020-09-15.csv",
                    f"tablet/altona/{DEVICE}_20200915.CSV", f"tablet/{DEVICE}/{DEVICE}_20200915.csv",
                    "web/antwort_max.mustermann@example.org_20200916.csv"):  # fmt: skip
        (landing / deviant).parent.mkdir(parents=True, exist_ok=True)
        (landing / deviant).write_text(text, encoding="utf-8")
    planted += [r["feedback_id"] for r in rows] + [r["session_id"] for r in rows]
    return sorted(set(planted))


def _readable(path: Path) -> bytes:
    """What a person could read in the file: PDF text (its streams are compressed) and
    e-mails with their attachments decoded."""
    data = path.read_bytes()
    if path.suffix == ".pdf":
        return data + "".join(p.extract_text() for p in pypdf.PdfReader(path).pages).encode()
    if path.suffix == ".eml":
        message = email.message_from_bytes(data, policy=email.policy.default)
        parts = [data]
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if not payload:
                continue
            parts.append(payload)
            if (part.get_filename() or "").endswith(".pdf"):
                parts.append(
                    "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(payload)).pages).encode()
                )
        return b"\n".join(parts)
    return data


def _found(needle: str, data: bytes) -> bool:
    """Whether ``needle`` occurs in ``data``, ignoring case; a number only where no digit touches it.

    A planted postcode such as 22589 is a leak where it stands as a number, not inside the
    digits of a run's timestamp (1796722589.4) that the event log happens to hold.
    """
    pattern = re.escape(needle.encode())
    if needle[:1].isdigit():
        pattern = rb"(?<![0-9])" + pattern
    if needle[-1:].isdigit():
        pattern += rb"(?![0-9])"
    return re.search(pattern, data, re.IGNORECASE) is not None


def _search_files(root: Path, needles: list[str], skip: tuple[Path, ...]) -> list[str]:
    hits = []
    for path in root.rglob("*"):
        if not path.is_file() or any(path.is_relative_to(s) for s in skip):
            continue
        data = _readable(path)
        hits += [f"{path.relative_to(root)}: {n}" for n in needles if _found(n, data)]
    return hits


def _search_tables(engine: sa.Engine, needles: list[str]) -> list[str]:
    hits = []
    with engine.connect() as conn:
        for name in sa.inspect(engine).get_table_names():
            frame = pd.read_sql(sa.text(f'SELECT * FROM "{name}"'), conn).astype(str)
            text = "\n".join(frame.to_csv(index=False).splitlines()).encode()
            hits += [f"{name}: {n}" for n in needles if _found(n, text)]
    return hits


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_planted_personal_data_never_leaves_ingestion(tmp_path, backend, request, small_registry):
    landing = tmp_path / "landing"
    quarantine = tmp_path / "quarantine"
    planted = _plant(landing)
    url = request.getfixturevalue(f"{backend}_url")
    home = tmp_path / "dagster_home"
    home.mkdir()
    weekly = build_report_assets("weekly", partitions.weekly)
    resources = {
        "warehouse": WarehouseResource(url=url),
        "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(quarantine)),
        "pseudonymiser": PseudonymiserResource(key="test-secret"),
        "reports": ReportStorageResource(reports_dir=str(tmp_path / "reports")),
        "mail": MailResource(outbox_dir=str(tmp_path / "outbox")),  # no SMTP host: .eml files
    }
    with dg.instance_for_test(temp_dir=str(home)) as instance:
        runs = [
            dg.materialize([ingest.raw_exports, ingest.responses], instance=instance, resources=resources),
            dg.materialize(
                [ingest.raw_exports, ingest.responses, *weekly],
                instance=instance,
                resources=resources,
                partition_key="2020-09-14",
                selection=[a.key for a in weekly],
            ),  # fmt: skip
        ]
        assert all(r.success for r in runs)
        # The runs' whole event logs, metadata included, as the UI would show them.
        log_text = "\n".join(str(e) for r in runs for e in instance.all_logs(r.run_id))
    # The pipeline did its work: the comments are there, redacted.
    from pipelines.warehouse import engine_for

    engine = engine_for(url)
    with engine.connect() as conn:
        comments = pd.read_sql(sa.text("SELECT comment, comment_status FROM responses"), conn)
        # The broken row, and the four files whose names fit no export.
        assert conn.execute(sa.text("SELECT count(*) FROM quarantine")).scalar_one() == 5
    assert len(comments) == len(PII_COMMENTS) + 2
    assert comments.comment.str.contains(r"\[", regex=True).sum() >= 8
    # The raw content is kept in quarantine only.
    assert any(DEVICE.encode() in p.read_bytes() for p in quarantine.rglob("*") if p.is_file())

    # Reports and e-mails were written, and the comments made it into the Altona report.
    pdf = tmp_path / "reports" / "altona" / "weekly" / "2020-W38.pdf"
    assert "[TELEFON]" in _readable(pdf).decode(errors="ignore")
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == len(registry.registry().centres)

    # (config/ is the reference data copied for this test: its name lists hold names by design)
    hits = _search_files(tmp_path, planted, skip=(landing, quarantine, tmp_path / "config"))
    hits += _search_tables(engine, planted)
    hits += [f"event log: {n}" for n in planted if _found(n, log_text.encode())]
    assert hits == []


def test_the_search_finds_a_planted_number_standing_alone_not_inside_a_timestamp():
    assert _found("22589", b"I live at Reeperbahn 29, 22589 Hamburg")
    assert _found("22589", b'{"plz": "22589"}')
    assert _found("TAB-9137", b"device tab-9137 seen")
    assert not _found("22589", b"timestamp=1796722589.431")
    assert not _found("22589", b"nothing here")

"""The demo survey-year generator: determinism, the exact export formats, export windows,
the version switch, planted breakage and personal data, and totals that a naive reading
of the landing files reproduces."""

from __future__ import annotations

import copy
import csv
import datetime as dt
import functools
import io
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipelines.core import registry
from pipelines.demo import generate
from pipelines.demo.__main__ import main

START, END = dt.date(2021, 1, 4), dt.date(2021, 1, 24)  # three weeks around the version switch
SWITCH = dt.date(2021, 1, 11)
SEED, SCALE = 7, 0.5
TIME = "%Y-%m-%d %H:%M:%S"
# The header lines exactly as the spec gives them.
TABLET_HEADER_LINE = (
    "feedback_id;session_id;device_id;centre_code;local_time;questionnaire_version;language;"
    "question_code;answer;free_text;misuse"
)
WEB_HEADER_LINE = (
    "id,submitdate,lastpage,startlanguage,seed,startdate,datestamp,ipaddr,refurl,KZ,QV,Q01,Q02,"
    "Q03[SQ001],Q03[SQ002],Q03[SQ003],Q04,Q05[SQ001],Q05[SQ002],Q05[SQ003],Q05[SQ004],Q06,Q07,Q08,C01"
)
TABLET_HEADER = TABLET_HEADER_LINE.split(";")
WEB_HEADER = WEB_HEADER_LINE.split(",")
WEB_NAME = re.compile(r"^survey_482915_(\d{8})(_full)?\.csv$")
TABLET_NAME = re.compile(r"^TAB-\d{4}_(\d{8})\.csv$")


# ------------------------------------------------------------------------ reading the landing naively


@functools.lru_cache(maxsize=1 << 16)  # the full year parses about a million time stamps
def _time(value: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(value, TIME)
    except ValueError:
        return None


def _records(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False))


@dataclass
class Demo:
    landing: Path
    truth: Path
    summary: dict
    breakage: list[dict] = field(default_factory=list)

    def __post_init__(self):
        with (self.truth / "breakage.csv").open(encoding="utf-8", newline="") as fh:
            self.breakage = list(csv.DictReader(fh))

    @property
    def whole_file_breakage(self) -> set[str]:
        return {b["file"] for b in self.breakage if b["row"] == ""}

    @property
    def old_firmware(self) -> set[str]:
        return set(self.summary["devices"]["old_firmware"])

    def tablet_text(self, path: Path) -> str:
        data = path.read_bytes()
        return data.decode("cp1252" if path.name.split("_")[0] in self.old_firmware else "utf-8")

    def tablet_files(self) -> list[Path]:
        """Tablet files that are CSV (not the planted empty or garbage file)."""
        files = sorted((self.landing / "tablet").rglob("*"))
        return [p for p in files if p.is_file() and self.rel(p) not in self.whole_file_breakage]

    def web_files(self) -> list[Path]:
        files = sorted((self.landing / "web").iterdir())
        return [p for p in files if self.rel(p) not in self.whole_file_breakage]

    def rel(self, path: Path) -> str:
        return path.relative_to(self.landing).as_posix()

    def tablet_rows(self):
        """(file, data row number, row dict) for every complete record."""
        for path in self.tablet_files():
            records = _records(self.tablet_text(path), ";")
            assert records[0] == TABLET_HEADER, path
            rel = self.rel(path)  # once per file, not per row
            for number, rec in enumerate(records[1:], start=1):
                if len(rec) == len(TABLET_HEADER):
                    yield rel, number, dict(zip(TABLET_HEADER, rec, strict=True))

    def web_rows(self):
        for path in self.web_files():
            records = _records(path.read_bytes().decode("utf-8-sig"), ",")
            assert records[0] == WEB_HEADER, path
            rel = self.rel(path)  # once per file, not per row
            for number, rec in enumerate(records[1:], start=1):
                if len(rec) == len(WEB_HEADER):
                    yield rel, number, dict(zip(WEB_HEADER, rec, strict=True))


def _item_ok(code: str, answer: str, version: int, questionnaire=None) -> bool:
    # count_naively passes the questionnaire in: looking it up per answer (millions in the
    # full year) took half of test_full_year.
    questionnaire = registry.questionnaire() if questionnaire is None else questionnaire
    if code not in questionnaire.version(version).items:
        return False
    item = questionnaire.items[code]
    if item.kind == "text":
        return True
    return answer.isdigit() and item.accepts(int(answer))


def count_naively(demo: Demo) -> Counter:
    """The spec's semantics in their simplest form: validate rows, de-duplicate, count.

    Keys: ("total",), ("channel", c), ("centre", c), ("month", m), ("midterm",).
    """
    centres = {c.code for c in registry.registry().centres}
    questionnaire = registry.questionnaire()
    tablet: dict[str, dict] = {}
    for _, _, row in demo.tablet_rows():
        when = _time(row["local_time"])
        version = int(row["questionnaire_version"]) if row["questionnaire_version"] in ("1", "2") else 0
        if (
            row["centre_code"] in centres
            and when
            and version
            and row["misuse"] in ("0", "1")
            and _item_ok(row["question_code"], row["answer"], version, questionnaire)
        ):
            tablet[row["feedback_id"]] = row
    sessions: dict[str, list[dict]] = defaultdict(list)
    for row in tablet.values():
        sessions[row["session_id"]].append(row)
    counted = []
    for rows in sessions.values():
        if all(r["misuse"] == "0" for r in rows):
            counted.append(("tablet", rows[0]["centre_code"], _time(rows[0]["local_time"]).date()))
    newest: dict[str, tuple[dt.datetime, dict]] = {}
    items = [(c, w) for c, w in zip(registry.questionnaire().items, WEB_HEADER[11:], strict=True)]
    for _, _, row in demo.web_rows():
        stamp = _time(row["datestamp"])
        version = int(row["QV"]) if row["QV"] in ("1", "2") else 0
        valid = (
            row["KZ"] in centres
            and stamp
            and version
            and (row["submitdate"] == "" or _time(row["submitdate"]))
            and all(row[w] == "" or _item_ok(c, row[w], version, questionnaire) for c, w in items)
        )
        if valid and (row["id"] not in newest or stamp > newest[row["id"]][0]):
            newest[row["id"]] = (stamp, row)
    for _, row in newest.values():
        if row["submitdate"]:
            counted.append(("web", row["KZ"], _time(row["submitdate"]).date()))
    out: Counter = Counter()
    midterm_end = registry.survey().midterm_end
    for channel, centre, day in counted:
        out[("total",)] += 1
        out[("channel", channel)] += 1
        out[("centre", centre)] += 1
        out[("month", day.strftime("%Y-%m"))] += 1
        out[("midterm",)] += day <= midterm_end
    return out


def assert_totals_match(demo: Demo) -> None:
    got = count_naively(demo)
    counted = demo.summary["counted"]
    assert got[("total",)] == counted["total"] > 0
    assert got[("midterm",)] == counted["midterm"]
    assert {c: got[("channel", c)] for c in counted["by_channel"]} == counted["by_channel"]
    assert {c: got[("centre", c)] for c in counted["by_centre"]} == counted["by_centre"]
    assert {k[1]: v for k, v in got.items() if k[0] == "month"} == counted["by_month"]


def assert_truth_consistent(demo: Demo) -> None:
    """summary = responses.csv minus the questionnaires that breakage keeps from counting."""
    with (demo.truth / "responses.csv").open(encoding="utf-8", newline="") as fh:
        responses = list(csv.DictReader(fh))
    lost = {(b["channel"], b["ref"]) for b in demo.breakage if b["effect"] == "questionnaire_not_counted"}
    assert lost and lost <= {(r["channel"], r["ref"]) for r in responses}
    kept = [r for r in responses if (r["channel"], r["ref"]) not in lost]
    counted = demo.summary["counted"]
    assert len(kept) == counted["total"]
    assert dict(Counter(r["channel"] for r in kept)) == counted["by_channel"]
    assert Counter(r["centre"] for r in kept) == Counter({k: v for k, v in counted["by_centre"].items() if v})
    assert demo.summary["generated"]["total"] == len(responses)


# ------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    base = tmp_path_factory.mktemp("demo")
    summary = generate(base / "landing", base / "truth", seed=SEED, start=START, end=END, scale=SCALE)
    return Demo(base / "landing", base / "truth", summary)


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


# ------------------------------------------------------------------------ determinism and the landing folder


def test_same_seed_gives_identical_files_and_another_seed_does_not(tmp_path):
    kwargs = {"start": dt.date(2021, 1, 4), "end": dt.date(2021, 1, 17), "scale": 0.3}
    generate(tmp_path / "a" / "landing", tmp_path / "a" / "truth", seed=11, **kwargs)
    generate(tmp_path / "b" / "landing", tmp_path / "b" / "truth", seed=11, **kwargs)
    generate(tmp_path / "c" / "landing", tmp_path / "c" / "truth", seed=12, **kwargs)
    a, b, c = (_tree(tmp_path / x) for x in "abc")
    assert len(a) > 100
    assert a == b
    same_names = set(a) & set(c)
    assert sum(a[n] != c[n] for n in same_names) > len(same_names) // 2


def test_regenerating_replaces_the_landing_folder(tmp_path):
    landing = tmp_path / "landing"
    (landing / "web").mkdir(parents=True)
    (landing / "web" / "stale.csv").write_text("old")
    generate(
        landing, tmp_path / "truth", seed=1, start=dt.date(2021, 1, 4), end=dt.date(2021, 1, 5), scale=0.2
    )
    assert not (landing / "web" / "stale.csv").exists()
    assert sorted(p.name for p in landing.iterdir()) == ["tablet", "web"]


def test_refuses_a_folder_that_is_not_a_landing_folder(tmp_path):
    landing = tmp_path / "important"
    landing.mkdir()
    (landing / "thesis.docx").write_text("years of work")
    with pytest.raises(ValueError, match="landing folder"):
        generate(landing, tmp_path / "truth", start=dt.date(2021, 1, 4), end=dt.date(2021, 1, 5))
    assert (landing / "thesis.docx").read_text() == "years of work"
    with pytest.raises(ValueError, match="truth"):
        generate(
            tmp_path / "l2", tmp_path / "l2" / "truth", start=dt.date(2021, 1, 4), end=dt.date(2021, 1, 5)
        )


def test_cli_prints_a_summary(tmp_path, capsys):
    args = ["--landing", str(tmp_path / "landing"), "--truth", str(tmp_path / "truth")]
    assert main([*args, "--seed", "3", "--start", "2021-01-04", "--end", "2021-01-08", "--scale", "0.2"]) == 0
    out = capsys.readouterr().out
    summary = json.loads((tmp_path / "truth" / "summary.json").read_text(encoding="utf-8"))
    assert f"counted questionnaires: {summary['counted']['total']} " in out
    assert summary["seed"] == 3 and summary["start"] == "2021-01-04" and summary["scale"] == 0.2


# ------------------------------------------------------------------------ exact formats


def test_tablet_files_have_the_exact_format(demo):
    files = demo.tablet_files()
    assert len(files) > 300
    old_not_utf8 = 0
    for path in files:
        assert TABLET_NAME.match(path.name), path
        assert path.parent.parent.name == "tablet"
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        assert b"\r" not in data
        assert data.startswith(TABLET_HEADER_LINE.encode() + b"\n")
        device = path.name.split("_")[0]
        if device in demo.old_firmware:
            data.decode("cp1252")
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                old_not_utf8 += 1
        else:
            data.decode("utf-8")
    assert old_not_utf8 >= 1, "old firmware must write something that is not UTF-8"
    comments = [r["free_text"] for f, _, r in demo.tablet_rows() if r["question_code"] == "C01"]
    assert comments and all(r for r in comments)
    assert (
        any("\n" in c for c in comments)
        and any(";" in c for c in comments)
        and any('"' in c for c in comments)
    )
    assert max(len(c) for c in comments) <= 2000


def test_old_firmware_comments_read_back_with_umlauts(demo):
    texts = []
    for path in demo.tablet_files():
        if path.name.split("_")[0] in demo.old_firmware:
            records = _records(demo.tablet_text(path), ";")[1:]
            texts += [rec[9] for rec in records if len(rec) == len(TABLET_HEADER) and rec[7] == "C01"]
    assert texts
    assert any(ch in t for t in texts for ch in "äöüÄÖÜß€")


def test_web_exports_have_the_exact_format(demo):
    files = sorted((demo.landing / "web").iterdir())
    assert all(WEB_NAME.match(p.name) for p in files)
    assert sum(1 for p in files if p.name.endswith("_full.csv")) == 2
    for path in demo.web_files():
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf" + ",".join(f'"{h}"' for h in WEB_HEADER).encode() + b"\r\n")
        records = _records(data.decode("utf-8-sig"), ",")
        if demo.rel(path) in {b["file"] for b in demo.breakage if b["kind"] == "truncated_file"}:
            assert len(records[-1]) < len(WEB_HEADER) and not data.endswith(b"\r\n")
            continue
        # Re-writing what was read with every field quoted and CRLF gives back the same bytes.
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(records)
        assert ("\ufeff" + buf.getvalue()).encode("utf-8") == data, path
    comments = [r["C01"] for _, _, r in demo.web_rows() if r["C01"]]
    assert any("\r\n" in c for c in comments) and any("," in c for c in comments)


def test_web_rows_are_plausible(demo):
    ids = set()
    for _, _, row in demo.web_rows():
        ids.add(int(row["id"]))
        start, stamp = _time(row["startdate"]), _time(row["datestamp"])
        assert start <= stamp
        if row["submitdate"] and _time(row["submitdate"]):
            assert row["submitdate"] == row["datestamp"]
        assert re.fullmatch(r"(\d{1,3}\.){3}\d{1,3}", row["ipaddr"])
        assert row["refurl"].startswith(f"https://www.hamburg.de/kundenzentren/umfrage?kz={row['KZ']}&src=qr")
        assert row["startlanguage"] in ("de", "en", "tr")
    assert ids == set(range(1, max(ids) + 1)), "ids run from 1 without gaps"


# ------------------------------------------------------------------------ windows and versions


def test_each_daily_export_holds_the_newest_state_of_the_last_seven_days(demo):
    versions: dict[str, set[tuple]] = defaultdict(set)
    by_file: dict[str, dict[str, tuple]] = defaultdict(dict)
    for file, _, row in demo.web_rows():
        state = (_time(row["datestamp"]), tuple(row.values())[1:])
        versions[row["id"]].add(state)
        by_file[file][row["id"]] = state
    assert any(len(v) > 1 for v in versions.values()), "some responses change between exports"

    def expected_at(moment: dt.datetime, since: dt.datetime | None) -> dict[str, tuple]:
        out = {}
        for rid, states in versions.items():
            before = [s for s in states if s[0] < moment]
            if before and (since is None or max(before)[0] >= since):
                out[rid] = max(before)
        return out

    exports = demo.summary["exports"]
    truncated = {b["file"] for b in demo.breakage if b["kind"] == "truncated_file"}
    checked = 0
    for path in demo.web_files():
        day = dt.datetime.strptime(WEB_NAME.match(path.name).group(1), "%Y%m%d")
        full = path.name.endswith("_full.csv")
        want = expected_at(day, None if full else day - dt.timedelta(days=7))
        got = by_file[demo.rel(path)]
        if demo.rel(path) in truncated:
            assert len(want) == len(got) + 1 and set(got) < set(want)
        else:
            assert got == want, path.name
        checked += 1
    names = {p.name for p in (demo.landing / "web").iterdir()}
    missing = dt.date.fromisoformat(exports["missing"][0])
    assert f"survey_482915_{missing:%Y%m%d}.csv" not in names
    first, last = dt.date.fromisoformat(exports["first"]), dt.date.fromisoformat(exports["last"])
    assert first == START + dt.timedelta(days=1) and last == END + dt.timedelta(days=7)
    assert (
        len(names) == (last - first).days + 1 - 1 + 2
    )  # every day but the missing one, plus two full exports
    assert checked == len(names) - 1  # all but the empty export


def test_version_switch(demo):
    questionnaire = registry.questionnaire()
    planted = {
        (b["file"], int(b["row"]))
        for b in demo.breakage
        if b["row"] and b["kind"] in ("item_not_in_version", "bad_timestamp")
    }
    seen = Counter()
    for file, number, row in demo.tablet_rows():
        if (file, number) in planted:
            continue
        day = _time(row["local_time"]).date()
        version = 1 if day < SWITCH else 2
        assert row["questionnaire_version"] == str(version)
        assert row["question_code"] in questionnaire.version(version).items
        seen[("tablet", version)] += 1
    broken = {
        b["ref"]
        for b in demo.breakage
        if b["channel"] == "web" and b["effect"] == "questionnaire_not_counted"
    }
    for _, _, row in demo.web_rows():
        if row["id"] in broken:
            continue
        version = questionnaire.version_on(_time(row["startdate"]).date()).version
        assert row["QV"] == str(version)
        if version == 1:
            assert row["Q07"] == row["Q08"] == ""
        else:
            assert row["Q06"] == ""
        seen[("web", version)] += 1
    assert all(seen[(c, v)] > 0 for c in ("tablet", "web") for v in (1, 2))


def test_no_tablet_visits_on_sundays_and_within_opening_hours(demo):
    days = set()
    for _, _, row in demo.tablet_rows():
        when = _time(row["local_time"])
        if when is None:
            continue  # a planted bad timestamp
        days.add(when.date())
        assert when.isoweekday() != 7
        assert 7 <= when.hour < 19
    assert len(days) >= 15


# ------------------------------------------------------------------------ truth


def test_totals_agree_with_a_naive_reading_of_the_landing_files(demo):
    assert_totals_match(demo)
    assert_truth_consistent(demo)


def test_every_planted_breakage_is_where_breakage_csv_says(demo):
    questionnaire = registry.questionnaire()
    kinds = Counter()
    for b in demo.breakage:
        kinds[(b["channel"], b["kind"])] += 1
        path = demo.landing / b["file"]
        if b["row"] == "":
            data = path.read_bytes()
            if b["kind"] == "empty_file":
                assert data == b""
            else:
                assert b["kind"] == "garbage_file" and not data.startswith(b"feedback_id;")
            continue
        tablet = b["channel"] == "tablet"
        text = demo.tablet_text(path) if tablet else path.read_bytes().decode("utf-8-sig")
        records = _records(text, ";" if tablet else ",")
        rec = records[int(b["row"])]
        header = TABLET_HEADER if tablet else WEB_HEADER
        if b["kind"] == "truncated_file":
            assert int(b["row"]) == len(records) - 1 and len(rec) < len(header)
            continue
        row = dict(zip(header, rec, strict=True))
        ref = row["session_id"] if tablet else row["id"]
        assert ref == b["ref"]
        if b["kind"] == "unknown_centre":
            assert row["centre_code" if tablet else "KZ"] == "kz-unbekannt"
        elif b["kind"] == "bad_timestamp":
            assert _time(row["local_time" if tablet else "submitdate"]) is None
        elif b["kind"] == "out_of_range":
            value = (
                row["answer"] if tablet else row[WEB_HEADER[11 + list(questionnaire.items).index(b["item"])]]
            )
            assert value in ("0", "7") and (not tablet or row["question_code"] == b["item"])
        elif b["kind"] == "item_not_in_version":
            version = int(row["questionnaire_version" if tablet else "QV"])
            assert b["item"] not in questionnaire.version(version).items
        else:
            pytest.fail(f"unexpected kind {b['kind']}")
    for channel, expected in (("tablet", 7), ("web", 6)):
        assert {k for c, k in kinds if c == channel} >= {
            "unknown_centre",
            "out_of_range",
            "bad_timestamp",
            "empty_file",
        }
        assert len({k for c, k in kinds if c == channel}) == expected
    summary = demo.summary["breakage"]
    assert (
        summary["tablet.unknown_centre"]["instances"] == 3 and summary["web.bad_timestamp"]["instances"] == 2
    )


def test_duplicate_tablet_rows_are_the_planted_ones(demo):
    seen: Counter = Counter()
    for _, _, row in demo.tablet_rows():
        seen[row["feedback_id"]] += 1
    repeated = sum(n - 1 for n in seen.values())
    assert repeated == demo.summary["duplicates"]["tablet_rows_reuploaded"] > 0
    quirks = demo.summary["tablet_quirks"]
    copies = [q for q in quirks if q["quirk"] == "reupload"]
    assert copies
    for q in copies:
        assert (demo.landing / q["file"]).read_bytes() == (demo.landing / q["copy"]).read_bytes()
        assert q["file"].split("/")[1] != q["copy"].split("/")[1]
    moved = demo.summary["devices"]["moved"]
    for day in moved["files_in_old_folder"]:
        path = demo.landing / "tablet" / moved["from"] / f"{moved['device']}_{day.replace('-', '')}.csv"
        codes = {rec[3] for rec in _records(demo.tablet_text(path), ";")[1:]}
        assert codes <= {moved["to"]}


def test_planted_personal_data_is_in_the_landing_files(demo):
    pii = (demo.truth / "pii.txt").read_text(encoding="utf-8").splitlines()
    assert len(pii) == len(set(pii)) > 100
    texts = [demo.tablet_text(p) for p in demo.tablet_files()]
    texts += [p.read_bytes().decode("utf-8-sig") for p in demo.web_files()]
    texts += [demo.rel(p) for p in (demo.landing / "tablet").rglob("*.csv")]
    haystack = "\n".join(texts)
    absent = [s for s in pii if s not in haystack]
    assert not absent, absent[:10]
    patterns = {
        "iban": r"DE\d{2}( ?\d{4}){4} ?\d{2}",
        "e-mail": r"[^@\s]+@[^@\s]+\.[a-z]{2,}",
        "ip": r"(\d{1,3}\.){3}\d{1,3}",
        "device": r"TAB-\d{4}",
        "phone": r"(\+49|0)[\d /]{7,}",
        "staff": r"(Frau|Herr|Hr\.|Fr\.|Mr\.|Mrs\.|Ms\.|Bay|Bayan) \S+",
        "address": r".+ \d+, \d{5} Hamburg",
        "plate": r"HH[- ][A-Z]{1,2} \d{1,4}",
        "birth date": r"\d{2}[./]\d{2}[./]\d{4}",
        "id card": r"[LMNPRTVWXY][CFGHJKLMNPRTVWXYZ0-9]{8}",
    }
    for what, pattern in patterns.items():
        assert any(re.fullmatch(pattern, s) for s in pii), what
    for iban in (s.replace(" ", "") for s in pii if re.fullmatch(patterns["iban"], s)):
        digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
        assert int(digits) % 97 == 1, iban


def test_comments_and_answers_are_realistic(demo):
    with (demo.truth / "responses.csv").open(encoding="utf-8", newline="") as fh:
        responses = list(csv.DictReader(fh))
    n = len(responses)
    valid = [r["Q01"] for r in responses if r["Q01"] in ("1", "2", "3", "4", "5")]
    assert 0.85 < sum(v in ("1", "2") for v in valid) / len(valid) < 0.95
    comments = [r for r in responses if r["has_comment"] == "1"]
    assert 0.15 < len(comments) / n < 0.26
    assert 0.2 < sum(r["comment_has_pii"] == "1" for r in comments) / len(comments) < 0.4
    languages = Counter(r["language"] for r in responses)
    assert languages["de"] / n > 0.8 and languages["en"] > 0 and languages["tr"] > 0
    cannot_judge = Counter(item for r in responses for item in ("Q04", "Q05_SQ004") if r[item] == "99")
    assert cannot_judge["Q05_SQ004"] > 3 * cannot_judge["Q04"]


# ------------------------------------------------------------------------ the whole year


@pytest.fixture(scope="module")
def year(demo_year_files) -> Demo:
    landing, truth, summary = demo_year_files  # generate(..., seed=2020), shared with test_demo_year
    return Demo(landing, truth, copy.deepcopy(summary))


@pytest.mark.slow
def test_full_year(year):
    counted = year.summary["counted"]
    assert 52_500 * 0.95 < counted["total"] < 52_500 * 1.05
    assert 22_500 * 0.95 < counted["midterm"] < 22_500 * 1.05
    assert 0.57 < counted["by_channel"]["tablet"] / counted["total"] < 0.63
    by_centre = counted["by_centre"]
    assert min(by_centre[c] for c in ("mitte", "wandsbek", "altona")) > 4 * max(
        by_centre[c] for c in ("finkenwerder", "suederelbe", "blankenese")
    )
    with (year.truth / "responses.csv").open(encoding="utf-8", newline="") as fh:
        responses = list(csv.DictReader(fh))
    closed = set(registry.survey().public_holidays())
    tablet_days = {dt.date.fromisoformat(r["date"]) for r in responses if r["channel"] == "tablet"}
    assert not {d for d in tablet_days if d.isoweekday() == 7 or d in closed}
    christmas = sum(1 for r in responses if "2020-12-21" <= r["date"] <= "2021-01-03")
    assert christmas < 0.5 * sum(1 for r in responses if "2020-11-23" <= r["date"] <= "2020-12-06")
    # The dips are visible in the weekly figures of their centres.
    for dip in year.summary["dips"]:
        for item in dip["items"]:
            inside, outside = [], []
            for r in responses:
                if r["centre"] == dip["centre"] and r[item] in ("1", "2", "3", "4", "5"):
                    (inside if dip["from"] <= r["date"] <= dip["to"] else outside).append(
                        r[item] in ("1", "2")
                    )
            assert sum(inside) / len(inside) < sum(outside) / len(outside) - 0.25, (dip["centre"], item)
    assert_truth_consistent(year)
    assert_totals_match(year)

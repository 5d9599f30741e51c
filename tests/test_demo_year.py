"""The whole demo survey year through ingestion and figures, against the generator's ground truth.

Slow (about two minutes): generates the year, ingests it into SQLite and compares, per
questionnaire, what the pipeline stored with what the generator wrote before breakage,
then the per-centre figures with a direct computation from the ground truth.
"""

from __future__ import annotations

import copy
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.core import registry
from pipelines.core.periods import Period
from pipelines.figures.documents import ReportBuilder
from pipelines.ingest import response_store, staging
from pipelines.ingest.outcomes import OUTCOMES
from pipelines.ingest.pseudonyms import Pseudonymiser
from pipelines.warehouse import engine_for, schema


def _half_up(successes: int, n: int) -> float:
    """The share rounded half-up to 4 decimals by hand (decimal arithmetic, not floats)."""
    return float((Decimal(successes) / Decimal(n)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


pytestmark = pytest.mark.slow
KEY = "ground-truth-key"
ITEMS = [i.code for i in registry.questionnaire().answer_items]


@pytest.fixture(scope="module")
def year(tmp_path_factory, demo_year_files):
    tmp = tmp_path_factory.mktemp("demo-year")
    landing, truth_dir, summary = demo_year_files  # generate(..., seed=2020), shared and read-only
    summary = copy.deepcopy(summary)
    engine = engine_for(f"sqlite:///{tmp / 'w.db'}")
    ingestor = staging.Ingestor(engine, landing, tmp / "q", Pseudonymiser(KEY))
    ingest_summary = ingestor.ingest_new_files()
    dates = response_store.pending_dates(engine)
    for i in range(0, len(dates), 31):
        response_store.write_responses(engine, response_store.build_responses(engine, dates[i : i + 31]))
    truth = pd.read_csv(truth_dir / "responses.csv", dtype={"ref": str})
    breakage = pd.read_csv(truth_dir / "breakage.csv", dtype={"ref": str, "row": "Int64"})
    with engine.connect() as conn:
        stored = pd.read_sql(sa.select(schema.responses), conn)
        excluded = pd.read_sql(sa.select(schema.excluded_responses), conn)
    return dict(summary=summary, engine=engine, truth=truth, breakage=breakage, stored=stored, excluded=excluded,
                ingest=ingest_summary, tmp=tmp, truth_dir=truth_dir)  # fmt: skip


def _expected(year) -> pd.DataFrame:
    """The ground truth after breakage: what the pipeline must have counted, keyed by pseudonym."""
    truth, breakage = year["truth"].copy(), year["breakage"]
    lost = breakage.loc[breakage.effect == "questionnaire_not_counted", ["channel", "ref"]].drop_duplicates()
    truth = truth.merge(lost.assign(_lost=True), on=["channel", "ref"], how="left")
    truth = truth[truth._lost.isna()].drop(columns="_lost")
    for _, b in breakage[breakage.effect == "item_missing"].iterrows():
        truth.loc[(truth.channel == b.channel) & (truth.ref == b.ref), b["item"]] = pd.NA
    pseudo = Pseudonymiser(KEY)
    kinds = {"tablet": "tablet-session", "web": "web-response"}
    truth["response_key"] = [
        pseudo(kinds[c], r.lower() if c == "tablet" else r)
        for c, r in zip(truth.channel, truth.ref, strict=True)
    ]
    return truth


def test_ingested_totals_agree_with_the_ground_truth_exactly(year):
    summary, stored, excluded = year["summary"], year["stored"], year["excluded"]
    assert len(stored) == summary["counted"]["total"]
    assert stored.channel.value_counts().to_dict() == summary["counted"]["by_channel"]
    assert stored.centre.value_counts().to_dict() == summary["counted"]["by_centre"]
    assert (excluded.reason == "misuse").sum() == summary["misuse_completions"]
    assert (excluded.reason == "unfinished").sum() == summary["unfinished_web"]["total"]
    totals = year["ingest"].totals()
    assert totals["rows_read"] == sum(totals[o] for o in OUTCOMES)


def test_every_questionnaire_is_stored_with_its_answers(year):
    expected = _expected(year).set_index("response_key").sort_index()
    stored = year["stored"].set_index("response_key").sort_index()
    assert list(stored.index) == list(expected.index)
    assert (stored.centre == expected.centre).all()
    assert (stored.response_date.astype(str) == expected.date).all()
    assert (stored.channel == expected.channel).all() and (stored.language == expected.language).all()
    for item in ITEMS:
        left = stored[item].astype("Int64")
        right = pd.to_numeric(expected[item], errors="coerce").astype("Int64")
        assert left.equals(right), item


def test_weekly_figures_agree_with_a_direct_computation_from_the_ground_truth(year):
    expected = _expected(year)
    expected["date"] = pd.to_datetime(expected["date"])
    builder = ReportBuilder(year["engine"])
    q01 = registry.questionnaire().items["Q01"]
    checked = 0
    for key in ("2020-09-14", "2020-11-09", "2021-01-11", "2021-02-08", "2021-06-28"):
        period = Period.week(pd.Timestamp(key).date())
        docs = builder.disclosed(period)
        in_week = expected[period.mask(expected["date"])]
        for centre in registry.registry().centres:
            rows = in_week[in_week.centre == centre.code]
            cell = docs[centre.code]["items"]["Q01"]
            values = pd.to_numeric(rows["Q01"], errors="coerce")
            counts = {str(c): int((values == c).sum()) for c in q01.valid}
            assert cell["n"] == sum(counts.values()), (key, centre.code)
            assert docs[centre.code]["responses"]["total"] == len(rows)
            if not cell["suppressed"]:
                assert cell["counts"] == counts
                assert cell["top2"] == _half_up(counts["1"] + counts["2"], cell["n"])
                checked += 1
    assert checked > 50


def test_review_headline_shares_are_in_the_range_of_the_real_survey(year):
    expected = _expected(year)
    builder = ReportBuilder(year["engine"])
    for name in ("midterm", "final"):
        period = Period.review(name)
        groups = builder.disclosed(period)
        city = groups[registry.registry().city_code]
        in_period = expected[(expected.date >= str(period.start)) & (expected.date <= str(period.end))]
        # the city counts what its centres show: not the weeks a centre's review leaves out
        left = {
            (code, week)
            for code in registry.registry().by_code
            for week in (groups[code]["items"]["Q01"].get("left_out") or {}).get("weeks", [])
        }
        days = pd.to_datetime(in_period.date)
        weeks = [f"{d.isocalendar()[0]}-W{d.isocalendar()[1]:02d}" for d in days]
        counted = [(c, w) not in left for c, w in zip(in_period.centre, weeks, strict=True)]
        in_period = in_period[counted]
        q01 = pd.to_numeric(in_period.Q01, errors="coerce")
        valid = q01.isin([1, 2, 3, 4, 5])
        assert city["items"]["Q01"]["n"] == valid.sum()
        assert city["items"]["Q01"]["n"] + city["items"]["Q01"].get("left_out", {}).get("n", 0) == sum(
            groups[c]["items"]["Q01"]["n"] + groups[c]["items"]["Q01"].get("left_out", {}).get("n", 0)
            for c in registry.registry().by_code
            if c in groups
        )
        share = city["items"]["Q01"]["top2"]
        assert share == _half_up(int(q01[valid].isin([1, 2]).sum()), int(valid.sum()))
        assert 0.88 <= share <= 0.97, (name, share)  # the real survey: about 93 % satisfied
    midterm = builder.disclosed(Period.review("midterm"))[registry.registry().city_code]
    assert 20_000 <= midterm["responses"]["total"] <= 25_000
    assert json.dumps(midterm)  # serialisable as the JSON twin
    assert Path(year["truth_dir"] / "pii.txt").exists()


def test_no_planted_personal_data_reaches_the_warehouse(year):
    """Every personal-data string the generator planted (names, numbers, addresses, IPs,
    device serials) is searched for in every text column of every warehouse table."""
    planted = [
        s.lower() for s in (year["truth_dir"] / "pii.txt").read_text(encoding="utf-8").splitlines() if s
    ]
    engine = year["engine"]
    texts = []
    with engine.connect() as conn:
        for table in schema.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
            for column in columns:
                values = conn.execute(sa.select(column).distinct()).scalars()
                texts += [v.lower() for v in values if v and not _HASH.match(v)]
    text = "\n".join(texts)
    # A 7-gram index keeps 28,000 searches over megabytes of text fast; hits are confirmed exactly.
    grams = {text[i : i + 7] for i in range(len(text) - 6)}
    found = [s for s in planted if s[:7] in grams and s[-7:] in grams and s in text]
    assert len(planted) > 1000 and min(len(s) for s in planted) >= 7
    assert found == []
    quarantined = b"".join(p.read_bytes() for p in (year["tmp"] / "q").rglob("*") if p.is_file())
    assert quarantined  # the broken rows' raw content is kept there


_HASH = re.compile(r"^[0-9a-f]{32}$")

"""Figures and report files through the Dagster assets, checked against hand-computed cases."""

from __future__ import annotations

import json

import dagster as dg
import pypdf
import pytest
import sqlalchemy as sa

from pipelines.defs import partitions
from pipelines.defs.assets import ingest
from pipelines.defs.assets.reports import build_report_assets
from pipelines.defs.resources import (
    LandingResource,
    PseudonymiserResource,
    ReportStorageResource,
    WarehouseResource,
)
from pipelines.warehouse import engine_for
from tests import builders as b

WEEKLY = build_report_assets("weekly", partitions.weekly)
MONTHLY = build_report_assets("monthly", partitions.monthly)


def _answers(q01, version=1):
    base = dict(b.V1 if version == 1 else b.V2)
    if q01 is None:
        base.pop("Q01")
    else:
        base["Q01"] = q01
    return base


@pytest.fixture
def run(tmp_path, sqlite_url, small_registry):
    landing = tmp_path / "landing"
    rows, n = [], 0

    def add(centre, day, q01s, version=1, languages=()):
        nonlocal n
        for i, q in enumerate(q01s):
            n += 1
            language = languages[i] if i < len(languages) else "de"
            rows.extend(b.completion(n, centre=centre, time=f"{day} 11:00:00", version=version, answers=_answers(q, version),
                                     language=language,
                                     comment=f"Kommentar {n}: alles gut" if centre == "harburg" else None))  # fmt: skip

    # Week 2020-W38 (14.–20.09.2020).
    add("altona", "2020-09-15", [1, 1, 2, 2, 3, 5, 99])  # n=6 valid, 1 cannot judge
    add("blankenese", "2020-09-16", [1, 1, 1])  # n=3 < 5: withheld
    add(
        "harburg", "2020-09-17", [1, 2, 2, 4, 1, 1, 2, 3, 1, 2, 1, 1], languages=["tr"]
    )  # n=12, one in Turkish
    # 2020-W39: Altona and Blankenese only; Harburg has an empty week.
    add("altona", "2020-09-22", [1, 2, 3, 4, 5])
    add("blankenese", "2020-09-23", [2, 2, 2, 2, 2])
    # The questionnaire switch week 2021-01-11 (version 2).
    add("harburg", "2021-01-12", [1, 1, 2, 2, 3], version=2)
    b.write_tablet(landing, "altona", "TAB-0001", "2020-09-15", rows)
    resources = {
        "warehouse": WarehouseResource(url=sqlite_url),
        "landing": LandingResource(landing_dir=str(landing), quarantine_dir=str(tmp_path / "q")),
        "pseudonymiser": PseudonymiserResource(key="k"),
        "reports": ReportStorageResource(reports_dir=str(tmp_path / "reports")),
    }

    def materialize(assets, key):
        result = dg.materialize([ingest.raw_exports, ingest.responses, *assets], partition_key=key, resources=resources,
                                selection=[a.key for a in assets])  # fmt: skip
        assert result.success
        return result

    dg.materialize([ingest.raw_exports, ingest.responses], resources=resources)
    return materialize, tmp_path / "reports"


def _twin(root, centre, cadence, period):
    return json.loads((root / centre / cadence / f"{period}.json").read_text(encoding="utf-8"))


def test_weekly_figures_match_hand_computed_values(run):
    materialize, root = run
    result = materialize(WEEKLY[:2], "2020-09-14")
    assert all(c.passed for c in result.get_asset_check_evaluations())
    harburg = _twin(root, "harburg", "weekly", "2020-W38")
    assert harburg["period"] == {"key": "2020-W38", "start": "2020-09-14", "end": "2020-09-20"}
    assert harburg["responses"] == {"total": 12, "tablet": 12, "web": 0}
    q01 = harburg["items"]["Q01"]
    # Answers 1,2,2,4,1,1,2,3,1,2,1,1: six 1s, four 2s, one 3, one 4 → n=12, top two 10/12.
    assert q01["counts"] == {"1": 6, "2": 4, "3": 1, "4": 1, "5": 0}
    assert q01["n"] == 12 and q01["cannot_judge"] == 0
    assert q01["mean"] == round((6 * 1 + 4 * 2 + 3 + 4) / 12, 2) == 1.75
    assert q01["top2"] == 0.8333
    # Wilson, z=1.96, z²=3.8415: centre (p + z²/2n)/(1+z²/n) = (0.83333+0.16006)/1.32012 = 0.75250,
    # margin z·sqrt(p(1-p)/n + z²/4n²)/(1+z²/n) = 1.96·sqrt(0.011574+0.006669)/1.32012 = 0.20053.
    assert q01["top2_ci"] == [0.5520, 0.9530]
    assert "by_weekday" not in harburg  # nothing finer than a centre and a week
    assert "Q07" not in harburg["items"] and "Q06" in harburg["items"]
    # Q02 is categorical: n and counts only.
    assert set(harburg["items"]["Q02"]) == {"n", "counts", "suppressed"}


def test_the_first_week_compares_with_nothing_before_it(run):
    materialize, root = run
    materialize(WEEKLY[:2], "2020-09-14")
    first = _twin(root, "harburg", "weekly", "2020-W38")["comparisons"]
    assert "previous" not in first and "running_average" not in first  # no week before the survey
    assert {"district", "city"} <= set(first)
    materialize(WEEKLY[:2], "2020-09-21")
    second = _twin(root, "altona", "weekly", "2020-W39")["comparisons"]
    assert {"previous", "running_average"} <= set(second)


def test_a_comment_in_a_language_few_used_carries_no_language_label(run):
    materialize, root = run
    materialize(WEEKLY[:2], "2020-09-14")
    twin = _twin(root, "harburg", "weekly", "2020-W38")
    # one Turkish speaker among 12: the week's languages are not broken down at all
    assert twin["by_language"] == {"de": 0, "en": 0, "tr": 0} and twin["breakdowns_withheld"] == {
        "language": 12
    }
    pdf = pypdf.PdfReader(root / "harburg" / "weekly" / "2020-W38.pdf")
    text = "".join(page.extract_text() for page in pdf.pages)
    assert "Kommentar 18: alles gut" in text  # the Turkish speaker's comment is shown ...
    assert "(Türkisch)" not in text  # ... without the label that points at the one person


def test_small_groups_are_withheld_and_cannot_be_recovered(run, sqlite_url):
    materialize, root = run
    url = sqlite_url
    materialize(WEEKLY[:2], "2020-09-14")
    altona = _twin(root, "altona", "weekly", "2020-W38")["items"]["Q01"]
    blankenese = _twin(root, "blankenese", "weekly", "2020-W38")["items"]["Q01"]
    assert blankenese["suppressed"] and blankenese["n"] == 3 and blankenese["counts"] is None
    # Altona (n=6) is shown: district Altona counts only the cells its centres show, so
    # district minus Altona gives nothing of Blankenese away, and no neighbour is withheld.
    assert not altona["suppressed"] and altona["n"] == 6 and altona["top2"] == 0.6667
    # City-wide weekly figures live in the warehouse (city reports are the reviews): the
    # city counts the 18 shown answers (Altona 6, Harburg 12), Blankenese's 3 are left out.
    with engine_for(url).connect() as conn:
        rows = dict(conn.execute(sa.text(
            "SELECT group_code, counts FROM scores WHERE period_key = '2020-W38' AND item = 'Q01' AND NOT suppressed"
        )).all())  # fmt: skip
    assert set(rows) == {"hamburg", "Altona", "Harburg", "harburg", "altona"}
    assert json.loads(rows["hamburg"])["1"] == 2 + 6 and json.loads(rows["Altona"]) == json.loads(
        rows["altona"]
    )
    district = _twin(root, "altona", "weekly", "2020-W38")["comparisons"]["district"]["items"]["Q01"]
    assert district["n"] == 0 and district["top2"] is None  # the rest of district Altona: nothing shown
    assert not (root / "hamburg" / "weekly").exists()


def test_empty_week_for_a_centre(run):
    materialize, root = run
    materialize(WEEKLY[:2], "2020-09-21")
    harburg = _twin(root, "harburg", "weekly", "2020-W39")
    assert harburg["responses"]["total"] == 0
    assert all(cell["n"] == 0 and cell["counts"] is None for cell in harburg["items"].values())
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(root / "harburg" / "weekly" / "2020-W39.pdf").pages
    )
    assert "Harburg" in text and "KW 39" in text


def test_questionnaire_switch_week_has_version_two_items(run):
    materialize, root = run
    materialize(WEEKLY[:2], "2021-01-11")
    harburg = _twin(root, "harburg", "weekly", "2021-W02")
    assert "Q06" not in harburg["items"] and {"Q07", "Q08"} <= set(harburg["items"])
    assert harburg["items"]["Q01"]["top2"] == 0.8  # 1,1,2,2,3: four of five


def test_month_with_weekday_breakdown_and_pdf_text(run):
    materialize, root = run
    materialize(WEEKLY[:2], "2020-09-14")
    materialize(MONTHLY[:2], "2020-09-01")
    harburg = _twin(root, "harburg", "monthly", "2020-09")
    # (September as whole ISO weeks: W36-W39, the weeks whose Thursday is in September)
    assert harburg["period"] == {"key": "2020-09", "start": "2020-08-31", "end": "2020-09-27"}
    assert harburg["by_weekday"]["Do"] == 12  # 17.09.2020 was a Thursday
    altona = _twin(root, "altona", "monthly", "2020-09")
    # September: Altona 6 + 5 valid Q01 answers, shown for the month.
    assert altona["items"]["Q01"]["n"] == 11 and not altona["items"]["Q01"]["suppressed"]
    text = "".join(
        p.extract_text() for p in pypdf.PdfReader(root / "harburg" / "weekly" / "2020-W38.pdf").pages
    )
    assert "Kundenzentrum Harburg" in text and "KW 38" in text and "83,3 %" in text
    # Comments: Harburg has 12 responses (>= 10) in the week, so its comments are shown, redacted.
    assert "Kommentar" in text
    csv = (root / "harburg" / "weekly" / "2020-W38.csv").read_bytes()
    assert csv.startswith(b"\xef\xbb\xbf") and b"83,33" in csv


def test_rerun_gives_the_same_figures(run):
    materialize, root = run
    materialize(WEEKLY[:2], "2020-09-14")
    first = (root / "harburg" / "weekly" / "2020-W38.json").read_bytes()
    materialize(WEEKLY[:2], "2020-09-14")
    assert (root / "harburg" / "weekly" / "2020-W38.json").read_bytes() == first
    assert _twin(root, "harburg", "weekly", "2020-W38")["snapshot"]["files"] == 1

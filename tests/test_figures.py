"""Figures of one group and period, hand-computed on tiny response frames."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pandas as pd
import pytest

from pipelines.core import registry
from pipelines.core.periods import Period
from pipelines.core.statistics import newcombe
from pipelines.figures.comparing import comparisons, trend
from pipelines.figures.groups import group_figures, item_figures, versions_in

D = dt.date
SURVEY_TUESDAY = D(2020, 9, 15)
ITEM_CODES = [i.code for i in registry.questionnaire().answer_items]
V1_ITEMS = [c for c in registry.questionnaire().version(1).items if c != "C01"]
V2_ITEMS = [c for c in registry.questionnaire().version(2).items if c != "C01"]
_keys = itertools.count()


def responses_frame(rows: list[dict]) -> pd.DataFrame:
    """A response frame with the columns of data_contracts/responses.odcs.yaml.

    Each row is a dict with optional centre, date, channel, language, version and item
    answers; the version defaults to the one valid on the date, unanswered items are NA.
    """
    q = registry.questionnaire()
    records = []
    for row in rows:
        day = row.get("date", D(2020, 9, 15))
        version = row.get("version", q.version_on(day).version)
        record = {
            "response_key": f"{next(_keys):032x}",
            "channel": row.get("channel", "tablet"),
            "centre": row.get("centre", "altona"),
            "response_date": day,
            "daypart": "vormittags",
            "questionnaire_version": version,
            "language": row.get("language", "de"),
            "device_key": None,
            "comment": None,
            "comment_status": "none",
            "comment_redactions": None,
            "source_file": "tablet/altona/TAB-0001_20200915.csv",
        }
        for code in ITEM_CODES:
            record[code] = row.get(code)
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=list(records[0]) if records else None)
    if not records:
        frame = pd.DataFrame(
            columns=[
                "response_key",
                "channel",
                "centre",
                "response_date",
                "daypart",
                "questionnaire_version",
                "language",
                "device_key",
                "comment",
                "comment_status",
                "comment_redactions",
                "source_file",
                *ITEM_CODES,
            ]  # fmt: skip
        )
    for code in [*ITEM_CODES, "questionnaire_version"]:
        frame[code] = frame[code].astype("Int16")
    return frame


def excluded_frame(reasons: list[str], centre="altona", day=SURVEY_TUESDAY) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "response_key": [f"{next(_keys):032x}" for _ in reasons],
            "channel": ["tablet" if r == "misuse" else "web" for r in reasons],
            "centre": centre,
            "response_date": day,
            "reason": reasons,
        },
        columns=["response_key", "channel", "centre", "response_date", "reason"],
    )


def in_period(frame: pd.DataFrame, period: Period) -> pd.DataFrame:
    return frame[period.mask(frame["response_date"])]


def answers(code: str, values: list) -> list[dict]:
    return [{code: v} for v in values]


ITEM = registry.questionnaire().items


# --------------------------------------------------------------------------- periods


def test_week_period_key_and_dates():
    p = Period.week(D(2020, 9, 14))
    assert (p.cadence, p.key, p.start, p.end) == ("weekly", "2020-W38", D(2020, 9, 14), D(2020, 9, 20))
    assert p.as_json() == {"key": "2020-W38", "start": "2020-09-14", "end": "2020-09-20"}
    with pytest.raises(ValueError):
        Period.week(D(2020, 9, 15))  # a Tuesday


def test_week_across_a_month_boundary_and_year_boundary():
    p = Period.week(D(2020, 9, 28))
    assert (p.key, p.start, p.end) == ("2020-W40", D(2020, 9, 28), D(2020, 10, 4))
    # 2020 has 53 ISO weeks: the week before 2021-W01 (Mon 4 Jan 2021) is 2020-W53.
    first = Period.week(D(2021, 1, 4))
    assert first.key == "2021-W01"
    assert first.previous().key == "2020-W53"
    assert first.previous().start == D(2020, 12, 28)


def _whole_weeks(period: Period) -> bool:
    """Monday to Sunday, and so exactly the weeks it overlaps."""
    return period.start.isoweekday() == 1 and period.end.isoweekday() == 7


def test_month_period_and_previous():
    feb = Period.month(D(2021, 2, 1))
    assert (feb.key, feb.start, feb.end) == ("2021-02", D(2021, 2, 1), D(2021, 2, 28))
    assert Period.month(D(2021, 1, 1)).previous().key == "2020-12"
    with pytest.raises(ValueError):
        Period.month(D(2021, 2, 2))
    # Months are the ISO weeks whose Thursday lies in them: December 2020 runs from Monday
    # 30 November (Thursday 3 December) to Sunday 3 January (Thursday 31 December);
    # October 2020 from 28 September (Thursday 1 October) to 1 November
    dec = Period.month(D(2020, 12, 1))
    assert (dec.start, dec.end) == (D(2020, 11, 30), D(2021, 1, 3))
    assert dec.previous().key == "2020-11" and dec.previous().end == D(2020, 11, 29)
    octo = Period.month(D(2020, 10, 1))
    assert [w.key for w in octo.weeks()] == ["2020-W40", "2020-W41", "2020-W42", "2020-W43", "2020-W44"]
    assert Period.month(D(2020, 9, 1)).start == D(2020, 8, 31)
    # every month is whole weeks, and consecutive months tile the year without a gap
    assert all(_whole_weeks(p) for p in (feb, octo))
    assert [w.key for w in feb.weeks()] == ["2021-W05", "2021-W06", "2021-W07", "2021-W08"]
    months = [Period.month(D(2020 + (m > 12), (m - 1) % 12 + 1, 1)) for m in range(9, 22)]
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in itertools.pairwise(months))


def test_review_periods_from_the_survey_calendar():
    mid, final = Period.review("midterm"), Period.review("final")
    assert (mid.start, mid.end) == (D(2020, 9, 14), D(2021, 3, 14))
    assert (final.start, final.end) == (D(2020, 9, 14), D(2021, 9, 12))
    assert _whole_weeks(mid) and _whole_weeks(final)
    with pytest.raises(ValueError):
        mid.previous()
    with pytest.raises(ValueError):
        Period.review("yearly")


@pytest.mark.parametrize("key", ["2020-W38", "2020-W53", "2021-02", "midterm", "final"])
def test_period_from_key_round_trips(key):
    assert Period.from_key(key).key == key


def test_versions_of_periods_around_the_switch():
    assert versions_in(Period.week(D(2021, 1, 4))) == [1]
    assert versions_in(Period.week(D(2021, 1, 11))) == [2]  # the switch week: version 2 only
    assert versions_in(Period.month(D(2021, 1, 1))) == [1, 2]
    assert versions_in(Period.month(D(2020, 12, 1))) == [1]
    assert versions_in(Period.month(D(2021, 2, 1))) == [2]
    assert versions_in(Period.review("final")) == [1, 2]
    # a period whose first day is the last day of version 1 still contains version 1
    assert versions_in(Period("weekly", "custom", D(2021, 1, 10), D(2021, 1, 16))) == [1, 2]
    assert versions_in(Period("weekly", "custom", D(2021, 1, 3), D(2021, 1, 10))) == [1]


# --------------------------------------------------------------------------- one item


def test_scale_item_with_cannot_judge_and_empty_answers():
    # answers 1, 2, 2, 3, 5 are valid (n = 5); two 99s; two empty cells.
    values = pd.Series([1, 2, None, 2, 99, 3, 5, 99, None], dtype="Int16")
    got = item_figures(values, ITEM["Q01"])
    # mean = (1 + 2 + 2 + 3 + 5)/5 = 13/5 = 2.6; top2 = 3/5 = 0.6
    # Wilson 3/5: centre (0.6 + 0.384146)/1.768292 = 0.556551, half 0.325832 -> [0.2307, 0.8824]
    assert got == {
        "n": 5,
        "cannot_judge": 2,
        "counts": {"1": 1, "2": 2, "3": 1, "4": 0, "5": 1},
        "mean": 2.6,
        "top2": 0.6,
        "top2_ci": [0.2307, 0.8824],
        "suppressed": False,
    }


def test_scale_item_reproduces_the_spec_example():
    # report-figures.md: 30x1, 20x2, 3x3, 1x4, 1x5, one 99 -> n 55, mean 88/55 = 1.6,
    # top2 50/55 = 0.9091, top2_ci [0.8042, 0.9605]; plus two unanswered.
    values = pd.Series([1] * 30 + [2] * 20 + [3] * 3 + [4, 5, 99, None, None], dtype="Int16")
    got = item_figures(values, ITEM["Q01"])
    assert got["n"] == 55 and got["cannot_judge"] == 1
    assert got["counts"] == {"1": 30, "2": 20, "3": 3, "4": 1, "5": 1}
    assert (got["mean"], got["top2"], got["top2_ci"]) == (1.6, 0.9091, [0.8042, 0.9605])


def test_scale_item_rounds_half_up_from_the_exact_fraction():
    # 6x1, 10x2: mean 26/16 = 1.625 -> 1.63 (the float rounds to 1.62), top2 16/16 = 1
    got = item_figures(pd.Series([1] * 6 + [2] * 10, dtype="Int16"), ITEM["Q01"])
    assert (got["mean"], got["top2"]) == (1.63, 1.0)
    # 29x1, 3x4: top2 29/32 = 0.90625 -> 0.9063 (half-to-even: 0.9062), mean 41/32 -> 1.28
    got = item_figures(pd.Series([1] * 29 + [4] * 3, dtype="Int16"), ITEM["Q01"])
    assert (got["mean"], got["top2"]) == (1.28, 0.9063)


def test_scale_item_without_valid_answers():
    got = item_figures(pd.Series([99, None, 99], dtype="Int16"), ITEM["Q04"])
    assert got["n"] == 0 and got["cannot_judge"] == 2
    assert got["counts"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert got["mean"] is None and got["top2"] is None and got["top2_ci"] is None


def test_categorical_item_counts_every_valid_code():
    # Q02 codes 1-3: answers 1, 3, 3 (n = 3); an empty cell and a stray 99 do not count.
    got = item_figures(pd.Series([1, None, 3, 3, 99], dtype="Int16"), ITEM["Q02"])
    assert got == {"n": 3, "counts": {"1": 1, "2": 0, "3": 2}, "suppressed": False}
    empty = item_figures(pd.Series([], dtype="Int16"), ITEM["Q06"])
    assert empty == {"n": 0, "counts": {"1": 0, "2": 0, "3": 0, "4": 0}, "suppressed": False}


# --------------------------------------------------------------------------- one group


def test_weekly_group_figures():
    week = Period.week(D(2020, 9, 14))
    rows = (
        [{"channel": "tablet", "Q01": 1, "Q02": 1, "Q06": 2, "date": D(2020, 9, 14)}] * 3
        + [{"channel": "web", "language": "en", "Q01": 4, "Q02": 3, "date": D(2020, 9, 19)}] * 2
        + [{"channel": "web", "language": "tr", "Q01": 99, "date": D(2020, 9, 20)}]
    )
    excluded = excluded_frame(["misuse", "misuse", "unfinished"])
    got = group_figures(responses_frame(rows), excluded, week, "altona", versions=versions_in(week))
    assert got["schema"] == "survey-report-figures/1"
    assert (got["centre"], got["cadence"]) == ("altona", "weekly")
    assert got["period"] == {"key": "2020-W38", "start": "2020-09-14", "end": "2020-09-20"}
    assert got["responses"] == {"total": 6, "tablet": 3, "web": 3}
    assert got["excluded"] == {"misuse": 2, "unfinished": 1}
    assert got["by_language"] == {"de": 3, "en": 2, "tr": 1}
    assert "by_weekday" not in got  # never finer than the week
    assert got["questionnaire_versions"] == [1]
    assert list(got["items"]) == V1_ITEMS
    # Q01: 1,1,1,4,4 valid (n 5), one 99; top2 3/5; mean (3 + 8)/5 = 2.2
    q01 = got["items"]["Q01"]
    assert (q01["n"], q01["cannot_judge"], q01["top2"], q01["mean"]) == (5, 1, 0.6, 2.2)
    assert got["items"]["Q02"]["counts"] == {"1": 3, "2": 0, "3": 2}
    assert got["items"]["Q06"]["counts"] == {"1": 0, "2": 3, "3": 0, "4": 0}
    assert got["items"]["Q04"]["n"] == 0
    assert json.loads(json.dumps(got)) == got  # plain JSON types only (no numpy integers)


def test_versions_default_to_the_period():
    week = Period.week(D(2021, 1, 11))
    got = group_figures(responses_frame([{"date": D(2021, 1, 12), "Q01": 1}]), None, week, "altona")
    assert got["questionnaire_versions"] == [2]
    assert got["excluded"] == {"misuse": 0, "unfinished": 0}


def test_switch_week_has_version_2_items_only():
    week = Period.week(D(2021, 1, 11))
    rows = [{"date": D(2021, 1, 12), "Q01": 2, "Q07": 1, "Q08": 2}] * 4
    got = group_figures(responses_frame(rows), None, week, "altona", versions=versions_in(week))
    assert got["questionnaire_versions"] == [2]
    assert "Q06" not in got["items"]
    assert list(got["items"]) == V2_ITEMS
    assert got["items"]["Q07"]["counts"] == {"1": 4, "2": 0, "3": 0, "4": 0, "5": 0}
    assert got["items"]["Q08"] == {"n": 4, "counts": {"1": 0, "2": 4}, "suppressed": False}


def test_week_before_the_switch_has_version_1_items_only():
    week = Period.week(D(2021, 1, 4))
    rows = [{"date": D(2021, 1, 8), "Q01": 2, "Q06": 4}] * 2
    got = group_figures(responses_frame(rows), None, week, "altona", versions=versions_in(week))
    assert got["questionnaire_versions"] == [1]
    assert "Q07" not in got["items"] and "Q08" not in got["items"]
    assert got["items"]["Q06"]["counts"] == {"1": 0, "2": 0, "3": 0, "4": 2}


def test_month_with_both_versions_computes_each_item_over_its_rows():
    month = Period.month(D(2021, 1, 1))
    rows = (
        [{"date": D(2021, 1, 5), "Q01": 1, "Q06": 2}] * 3  # version 1
        + [{"date": D(2021, 1, 12), "Q01": 5, "Q07": 2, "Q08": 1}] * 2  # version 2
        # a version-2 row carrying a Q06 answer (invalid there) must not count for Q06
        + [{"date": D(2021, 1, 13), "Q01": 3, "Q06": 1, "Q07": 4}]
    )
    got = group_figures(responses_frame(rows), None, month, "altona", versions=versions_in(month))
    assert got["questionnaire_versions"] == [1, 2]
    assert {"Q06", "Q07", "Q08"} <= set(got["items"])
    assert got["items"]["Q01"]["n"] == 6  # both versions contain Q01
    assert got["items"]["Q06"]["counts"] == {"1": 0, "2": 3, "3": 0, "4": 0}  # the stray 1 is ignored
    assert got["items"]["Q07"]["counts"] == {"1": 0, "2": 2, "3": 0, "4": 1, "5": 0}
    assert got["items"]["Q08"]["n"] == 2
    # by weekday: 5 Jan 2021 Tue (x3), 12 Jan Tue (x2), 13 Jan Wed
    assert got["by_weekday"] == {"Mo": 0, "Di": 5, "Mi": 1, "Do": 0, "Fr": 0, "Sa": 0, "So": 0}


def test_a_week_across_a_calendar_month_boundary_belongs_to_one_month():
    # W40 (28 Sep - 4 Oct 2020) has its Thursday on 1 October: all of it is October's,
    # so September is W38-W39 and no day range finer than a week is ever published
    rows = (
        [{"date": D(2020, 9, 21), "Q01": 1}] * 2  # W39, September
        + [{"date": D(2020, 9, 29), "Q01": 2}] * 3  # W40 (Tue 29 Sep), October
        + [{"date": D(2020, 10, 2), "Q01": 4}] * 4  # W40 (Fri), October
        + [{"date": D(2020, 10, 5), "Q01": 5}]  # W41, October (Mon)
    )
    frame = responses_frame(rows)
    week = Period.week(D(2020, 9, 28))
    sep, octo = Period.month(D(2020, 9, 1)), Period.month(D(2020, 10, 1))
    w = group_figures(in_period(frame, week), None, week, "altona")
    s = group_figures(in_period(frame, sep), None, sep, "altona")
    o = group_figures(in_period(frame, octo), None, octo, "altona")
    assert w["responses"]["total"] == 7 and "by_weekday" not in w
    assert w["items"]["Q01"]["counts"] == {"1": 0, "2": 3, "3": 0, "4": 4, "5": 0}
    assert s["responses"]["total"] == 2 and o["responses"]["total"] == 8
    assert s["items"]["Q01"]["counts"] == {"1": 2, "2": 0, "3": 0, "4": 0, "5": 0}
    assert o["items"]["Q01"]["counts"] == {"1": 0, "2": 3, "3": 0, "4": 4, "5": 1}
    assert o["period"] == {"key": "2020-10", "start": "2020-09-28", "end": "2020-11-01"}
    assert s["by_weekday"]["Mo"] == 2
    assert o["by_weekday"] == {"Mo": 1, "Di": 3, "Mi": 0, "Do": 0, "Fr": 4, "Sa": 0, "So": 0}


def test_month_with_a_public_holiday_counts_the_holiday_answers():
    # 3 Oct 2020 (Tag der Deutschen Einheit) is a Saturday and a public holiday in Hamburg:
    # centres are closed, but web answers given that day count like any other.
    assert D(2020, 10, 3) in registry.survey().public_holidays()
    month = Period.month(D(2020, 10, 1))
    rows = (
        [{"date": D(2020, 10, 3), "channel": "web", "Q01": 1}] * 2
        + [{"date": D(2020, 10, 1), "channel": "tablet", "Q01": 2}] * 3  # Thursday
        + [{"date": D(2020, 10, 31), "channel": "web", "Q01": 3}]  # Reformation Day, Saturday
    )
    got = group_figures(in_period(responses_frame(rows), month), None, month, "altona")
    assert (month.start, month.end) == (D(2020, 9, 28), D(2020, 11, 1))  # whole weeks W40-W44
    assert got["responses"] == {"total": 6, "tablet": 3, "web": 3}
    assert got["by_weekday"] == {"Mo": 0, "Di": 0, "Mi": 0, "Do": 3, "Fr": 0, "Sa": 3, "So": 0}
    assert got["items"]["Q01"]["n"] == 6


def test_empty_week_for_a_centre():
    week = Period.week(D(2020, 11, 2))
    got = group_figures(responses_frame([]), excluded_frame([]), week, "finkenwerder")
    assert got["responses"] == {"total": 0, "tablet": 0, "web": 0}
    assert got["by_language"] == {"de": 0, "en": 0, "tr": 0}
    assert list(got["items"]) == V1_ITEMS
    assert all(cell["n"] == 0 for cell in got["items"].values())
    assert got["items"]["Q01"]["top2"] is None


def test_empty_month_has_zero_weekdays():
    month = Period.month(D(2020, 11, 1))
    got = group_figures(responses_frame([]), None, month, "finkenwerder")
    assert got["by_weekday"] == dict.fromkeys(["Mo", "Di", "Mi", "Do", "Fr", "Sa", "So"], 0)


def test_centre_with_a_single_response():
    week = Period.week(D(2020, 11, 2))
    rows = [{"date": D(2020, 11, 3), "channel": "web", "language": "tr", "Q01": 2, "Q02": 1}]
    got = group_figures(responses_frame(rows), None, week, "finkenwerder")
    assert got["responses"] == {"total": 1, "tablet": 0, "web": 1}
    q01 = got["items"]["Q01"]
    # 1 of 1: top2 1.0, Wilson lower bound 1/(1 + 3.841459) = 0.2065
    assert (q01["n"], q01["top2"], q01["top2_ci"]) == (1, 1.0, [0.2065, 1.0])


# --------------------------------------------------------------------------- comparisons


def scale_cell(top: int, n: int, *, suppressed=False) -> dict:
    """A scale cell with `top` answers of 1 and n - top answers of 4."""
    values = pd.Series([1] * top + [4] * (n - top), dtype="Int16")
    cell = item_figures(values, ITEM["Q01"])
    if suppressed:
        cell |= {"suppressed": True, "counts": None, "mean": None, "top2": None, "top2_ci": None}
    return cell


def figs(**cells) -> dict:
    return {"period": {"key": "x", "start": "2020-09-14", "end": "2020-09-20"}, "responses": {"total": 0},
            "items": cells}  # fmt: skip


def test_comparison_with_the_previous_period_is_holm_adjusted():
    current = figs(Q01=scale_cell(30, 50), Q03_SQ001=scale_cell(60, 100), Q04=scale_cell(10, 20),
                   Q02={"n": 50, "counts": {"1": 50, "2": 0, "3": 0}, "suppressed": False})  # fmt: skip
    previous = figs(Q01=scale_cell(20, 50), Q03_SQ001=scale_cell(40, 100), Q04=scale_cell(25, 50),
                    Q02={"n": 50, "counts": {"1": 0, "2": 0, "3": 50}, "suppressed": False})  # fmt: skip
    got = comparisons(current, {"previous": previous})["previous"]
    assert set(got) == {"Q01", "Q03_SQ001", "Q04"}  # categorical Q02 is never compared
    # raw p: Q01 z = 2 -> 0.0455003; Q03_SQ001 z = 2.828427 -> erfc(2) = 0.0046777; Q04 equal -> 1
    assert got["Q01"]["p"] == pytest.approx(0.0455003, abs=1e-7)
    assert got["Q03_SQ001"]["p"] == pytest.approx(0.0046777, abs=1e-7)
    assert got["Q04"]["p"] == pytest.approx(1.0)
    # Holm, m = 3: 0.0046777*3 = 0.014033, 0.0455003*2 = 0.091001, 1*1 = 1
    assert got["Q03_SQ001"]["p_adjusted"] == pytest.approx(0.014033, abs=1e-6)
    assert got["Q01"]["p_adjusted"] == pytest.approx(0.091001, abs=1e-6)
    # Newcombe: Wilson 60/100 = [0.502003, 0.690599], 40/100 = [0.309401, 0.497997];
    # 0.2 - sqrt(2 * 0.097997²) = 0.061410, 0.2 + sqrt(2 * 0.090599²) = 0.328126
    assert got["Q03_SQ001"] | {"p": None, "p_adjusted": None} == {
        "against": "group", "n": 100, "top2_count": 40, "top2": 0.4, "delta": 0.2, "delta_ci": [0.0614, 0.3281],
        "p": None,
        "p_adjusted": None, "significant": True, "direction": "up", "test": "z",
    }  # fmt: skip
    # raw p 0.0455 < 0.05 but adjusted 0.091 is not significant: no direction
    assert got["Q01"]["significant"] is False and got["Q01"]["direction"] is None
    assert got["Q04"]["delta"] == 0.0 and got["Q04"]["direction"] is None


def test_a_small_group_is_compared_with_the_exact_test():
    # 5/6 against 49/49: the z-test would flag it (p = 0.004); expected counts below 5,
    # so Fisher's exact test: p = 6/55 = 0.109, not significant
    got = comparisons(figs(Q01=scale_cell(5, 6)), {"previous": figs(Q01=scale_cell(49, 49))})["previous"][
        "Q01"
    ]
    assert got["test"] == "fisher" and got["p"] == pytest.approx(6 / 55)
    assert got["significant"] is False and got["direction"] is None


def test_comparison_direction_down():
    got = comparisons(figs(Q01=scale_cell(40, 100)), {"previous": figs(Q01=scale_cell(60, 100))})
    assert got["previous"]["Q01"]["delta"] == -0.2
    assert got["previous"]["Q01"]["direction"] == "down"


def test_comparison_skips_suppressed_and_absent_items():
    current = figs(Q01=scale_cell(3, 4, suppressed=True), Q04=scale_cell(10, 20), Q07=scale_cell(8, 10))
    previous = figs(Q01=scale_cell(20, 50), Q04=scale_cell(2, 4, suppressed=True), Q05_SQ001=scale_cell(5, 9))
    got = comparisons(current, {"previous": previous, "district": None})
    # Q01 suppressed here, Q04 there, Q07 (version 2) and Q05_SQ001 only on one side
    assert got == {"previous": {}}


def test_running_average_pools_the_counts_of_shown_periods():
    # pooled 20/50 + 10/50 = 30/100 (the suppressed week does not enter) against 30/50:
    # pooled all 60/150 = 0.4, se = sqrt(0.4*0.6*(1/50 + 1/100)) = 0.0848528,
    # z = (0.6 - 0.3)/0.0848528 = 3.535534 -> p = erfc(2.5) = 0.00040695
    earlier = [
        figs(Q01=scale_cell(20, 50)),
        figs(Q01=scale_cell(10, 50)),
        figs(Q01=scale_cell(1, 3, suppressed=True)),
    ]
    got = comparisons(figs(Q01=scale_cell(30, 50)), {"running_average": earlier})["running_average"]["Q01"]
    assert got["top2"] == 0.3 and got["delta"] == 0.3
    assert got["p"] == pytest.approx(0.00040695, abs=1e-8)
    assert got["p_adjusted"] == got["p"]  # a single item: Holm leaves it
    assert got["direction"] == "up"


def test_district_comparison_is_against_the_rest_of_the_district():
    # altona 30/50 inside the district's 80/150: the rest is 50/100.
    # pooled 80/150 = 0.533333, se = sqrt(0.533333*0.466667*(1/50 + 1/100)) = 0.0864099,
    # z = (0.6 - 0.5)/0.0864099 = 1.157275 -> p = erfc(0.818317) = 0.24716
    got = comparisons(figs(Q01=scale_cell(30, 50)), {"district": figs(Q01=scale_cell(80, 150))})
    cell = got["district"]["Q01"]
    assert cell["against"] == "rest" and cell["n"] == 100
    assert cell["top2"] == 0.5 and cell["delta"] == 0.1  # the rest's share, not the district's 0.5333
    assert cell["p"] == pytest.approx(0.24716, abs=1e-5)
    # Newcombe: Wilson 30/50 = [0.461814, 0.723916], 50/100 = [0.403832, 0.596168];
    # 0.1 - sqrt(0.138186² + 0.096168²) = -0.068354, 0.1 + sqrt(0.123916² + 0.096168²) = 0.256855
    assert cell["delta_ci"] == [-0.0684, 0.2569]


def test_difference_interval_is_newcombes_hybrid_score():
    # Newcombe (1998), Table II, method 10: (a) 56/70 - 48/80, (b) 9/10 - 3/10,
    # (d) 5/56 - 0/29, (e) 6/7 - 2/7
    cases = [((56, 70, 48, 80), (0.0524, 0.3339)), ((9, 10, 3, 10), (0.1705, 0.8090)),
             ((5, 56, 0, 29), (-0.0381, 0.1926)), ((6, 7, 2, 7), (0.0582, 0.8062))]  # fmt: skip
    for counts, expected in cases:
        assert tuple(round(v, 4) for v in newcombe(*counts)) == expected
    assert newcombe(0, 0, 3, 10) is None


def test_district_of_one_centre_has_nothing_to_compare():
    same = figs(Q01=scale_cell(30, 50))
    got = comparisons(same, {"district": same})["district"]["Q01"]
    assert got["n"] == 0 and got["top2"] is None and got["delta"] is None and got["delta_ci"] is None
    assert got["p"] is None and got["significant"] is False


def test_comparison_across_the_switch_uses_common_items_only():
    cur_rows = [{"date": D(2021, 1, 12), "Q01": 1, "Q07": 1}] * 6
    prev_rows = [{"date": D(2021, 1, 5), "Q01": 4, "Q06": 1}] * 6
    w2, w1 = Period.week(D(2021, 1, 11)), Period.week(D(2021, 1, 4))
    cur = group_figures(responses_frame(cur_rows), None, w2, "altona")
    prev = group_figures(responses_frame(prev_rows), None, w1, "altona")
    assert w2.previous() == w1
    got = comparisons(cur, {"previous": prev})["previous"]
    assert "Q07" not in got and "Q06" not in got
    assert got["Q01"]["delta"] == 1.0


def test_trend_series():
    a = figs(
        Q01=scale_cell(30, 50), Q06={"n": 5, "counts": {"1": 5, "2": 0, "3": 0, "4": 0}, "suppressed": False}
    )
    a["period"] = {"key": "2021-W01", "start": "2021-01-04", "end": "2021-01-10"}
    b = figs(Q01=scale_cell(2, 3, suppressed=True), Q07=scale_cell(5, 5))
    b["period"] = {"key": "2021-W02", "start": "2021-01-11", "end": "2021-01-17"}
    got = trend([a, b], ["Q01", "Q06"])
    assert [row["period"] for row in got] == ["2021-W01", "2021-W02"]
    assert got[0]["items"] == {"Q01": {"n": 50, "top2": 0.6}, "Q06": {"n": 5, "top2": None}}
    assert got[1]["items"] == {"Q01": {"n": 3, "top2": None}, "Q06": {"n": None, "top2": None}}
    # a cell marked suppressed never yields a share, even if a stale value is left in it
    stale = figs(Q01=scale_cell(30, 50) | {"suppressed": True})
    assert trend([stale], ["Q01"])[0]["items"]["Q01"] == {"n": 50, "top2": None}
    # the reason a cell was withheld goes with it, for the chart's caption
    guarded = figs(Q01=scale_cell(30, 50) | {"suppressed": True, "suppression": "complementary"})
    assert trend([guarded], ["Q01"])[0]["items"]["Q01"] == {
        "n": 50,
        "top2": None,
        "suppression": "complementary",
    }


def test_group_figures_counts_a_city_month_of_rows():
    # (speed is the benchmarks' business, bench/bench_reports.py: no timing here)
    rows = [{"date": D(2020, 9, 15), "Q01": (i % 5) + 1, "Q02": (i % 3) + 1, "Q06": 1} for i in range(3000)]
    got = group_figures(responses_frame(rows), None, Period.month(D(2020, 9, 1)), "hamburg")
    assert got["items"]["Q01"]["counts"] == dict.fromkeys(["1", "2", "3", "4", "5"], 600)
    assert got["items"]["Q02"]["counts"] == {"1": 1000, "2": 1000, "3": 1000}
    assert got["responses"]["total"] == 3000


def test_an_item_counts_only_in_weeks_that_ask_it():
    # a version-1 answer sent from home after the switch (W03): the weeks from the switch
    # on do not ask Q06, so neither does January (else January minus its weeks would be it)
    rows = [{"date": D(2021, 1, 5), "version": 1, "Q01": 1, "Q06": 1} for _ in range(6)]
    rows += [{"date": D(2021, 1, 20), "version": 1, "Q01": 2, "Q06": 2}]
    frame = responses_frame(rows)
    month = Period.month(D(2021, 1, 1))
    got = group_figures(in_period(frame, month), None, month, "altona")
    assert got["items"]["Q06"]["n"] == 6 and got["items"]["Q06"]["counts"]["2"] == 0
    assert got["items"]["Q01"]["n"] == 7  # asked in every version: counted
    weeks = [group_figures(in_period(frame, w), None, w, "altona") for w in month.weeks()]
    assert sum(w["items"].get("Q06", {}).get("n", 0) for w in weeks) == got["items"]["Q06"]["n"]


def test_a_group_of_centres_adds_up_to_the_figures_of_all_their_rows():
    # January 2021 holds both questionnaire versions (the switch week W02), a version-1
    # answer sent after the switch (counted in no week asking it), "cannot judge"
    # answers, categorical items, excluded responses and a centre without any answer.
    from pipelines.figures.groups import centre_figures, summed_figures, with_asked

    month = Period.month(D(2021, 1, 1))
    rows = [
        {"centre": "altona", "date": D(2021, 1, 5), "Q01": 1, "Q02": 2, "Q06": 3},
        {"centre": "altona", "date": D(2021, 1, 6), "channel": "web", "language": "en", "Q01": 99, "Q04": 4},
        {"centre": "altona", "date": D(2021, 1, 20), "version": 1, "Q01": 2, "Q06": 1},
        {"centre": "blankenese", "date": D(2021, 1, 13), "Q01": 5, "Q07": 1, "Q08": 2},
        {
            "centre": "blankenese",
            "date": D(2021, 1, 29),
            "channel": "web",
            "language": "tr",
            "Q01": 1,
            "Q07": 99,
        },
    ]
    frame = with_asked(in_period(responses_frame(rows), month))
    excluded = excluded_frame(["misuse", "unfinished", "misuse"])
    excluded["centre"] = ["altona", "blankenese", "blankenese"]
    parts = [
        group_figures(frame[frame["centre"] == c], excluded[excluded["centre"] == c], month, c)
        for c in ("altona", "blankenese", "othmarschen")
    ]
    whole = group_figures(frame, excluded, month, "bezirk")
    assert summed_figures(parts, month, "bezirk") == whole
    # all centres at once, as the report builder counts them
    together = centre_figures(frame, excluded, month, ["altona", "blankenese", "othmarschen"])
    assert list(together.values()) == parts
    assert whole["items"]["Q01"]["n"] == 4 and whole["items"]["Q01"]["cannot_judge"] == 1
    assert whole["excluded"] == {"misuse": 2, "unfinished": 1}
    # the precomputed "asked" columns give what the rows' own weeks give
    assert group_figures(in_period(responses_frame(rows), month), excluded, month, "bezirk") == whole

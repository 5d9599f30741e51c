"""Disclosure rules: thresholds, withheld cells, what groups and longer periods count, comments."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

from pipelines.core import registry
from pipelines.core.periods import Period
from pipelines.figures import attack, disclosure
from pipelines.figures.disclosure import (
    Rules,
    comments_allowed,
    load_rules,
    month_left_out,
    pool_narrows,
    protect,
    review_left_out,
    suppress_small,
)
from pipelines.figures.groups import group_figures, item_figures
from tests.test_figures import in_period, responses_frame

D = dt.date
SURVEY_TUESDAY = D(2020, 9, 15)
RULES = Rules(min_valid_answers=5, min_responses_for_comments=10)
ITEM = registry.questionnaire().items


# --------------------------------------------------------------------------- helpers


def cell(values: list, code: str = "Q01") -> dict:
    return item_figures(pd.Series(values, dtype="Int16"), ITEM[code])


def fig(total: int = 0, **cells) -> dict:
    return {"responses": {"total": total, "tablet": total, "web": 0}, "items": cells}


def hidden(figures: dict, code: str) -> bool:
    c = figures["items"].get(code)
    return bool(c and c["suppressed"] and c["n"])


def subtraction_attack(raw: dict, published: dict, parts_of: dict) -> set[tuple[str, str]]:
    """Try every subtraction an analyst could make: in each relation parent = sum of
    parts where exactly one cell is not known, compute it (parent minus the known parts,
    or the sum of the parts); repeat with what was learnt until nothing new comes out.
    Known at the start: every shown cell and every cell with n = 0 (all counts zero).
    Returns the suppressed cells whose counts come out (checked against the truth)."""
    codes = {c for f in published.values() for c in f["items"]}
    recovered = set()
    for code in codes:
        known = {}
        for g, f in published.items():
            c = f["items"].get(code)
            if c is None:
                continue
            if not c["suppressed"]:
                known[g] = pd.Series(c["counts"])
            elif c["n"] == 0:
                known[g] = pd.Series(raw[g]["items"][code]["counts"]) * 0
        progress = True
        while progress:
            progress = False
            for parent, parts in parts_of.items():
                members = [m for m in [parent, *parts] if code in published[m]["items"]]
                unknown = [m for m in members if m not in known]
                if len(unknown) != 1 or parent not in members:
                    continue
                (target,) = unknown
                if target == parent:
                    value = sum(known[p] for p in parts if p in members)
                else:
                    value = known[parent] - sum(known[p] for p in parts if p in members and p != target)
                assert value.to_dict() == raw[target]["items"][code]["counts"]  # the arithmetic is exact
                known[target] = value
                recovered.add((target, code))
                progress = True
    return recovered


def figures_of(frame: pd.DataFrame, period: Period, groups: dict[str, list[str]]) -> dict[str, dict]:
    """Figures of each named group (a list of centres) for the period."""
    rows = in_period(frame, period)
    return {
        name: group_figures(rows[rows["centre"].isin(centres)], None, period, name)
        for name, centres in groups.items()
    }


def answering(centre: str, n: int, day=SURVEY_TUESDAY, **fixed) -> list[dict]:
    """n responses of a centre, Q01 cycling through 1..5, Q02 through 1..3."""
    return [
        {"centre": centre, "date": day, "Q01": (i % 5) + 1, "Q02": (i % 3) + 1, **fixed} for i in range(n)
    ]


# --------------------------------------------------------------------------- rules


def test_rules_come_from_the_config_file():
    rules = load_rules()
    assert rules == Rules(min_valid_answers=5, min_responses_for_comments=10)


def test_rules_are_data(tmp_path):
    (tmp_path / "disclosure.yaml").write_text("min_valid_answers: 3\nmin_responses_for_comments: 20\n")
    assert load_rules(tmp_path) == Rules(min_valid_answers=3, min_responses_for_comments=20)
    (tmp_path / "disclosure.yaml").write_text("min_valid_answers: five\nmin_responses_for_comments: 20\n")
    with pytest.raises(registry.RegistryError, match="min_valid_answers"):
        load_rules(tmp_path)
    (tmp_path / "disclosure.yaml").unlink()
    with pytest.raises(registry.RegistryError, match="not found"):
        load_rules(tmp_path)


def test_comments_need_ten_responses():
    assert not comments_allowed(fig(total=9), RULES)
    assert comments_allowed(fig(total=10), RULES)


# --------------------------------------------------------------------------- primary


def test_four_answers_suppressed_five_shown():
    figures = fig(
        total=9,
        Q01=cell([1, 2, 2, 3, 99, 99]),  # n 4 (two 99s)
        Q04=cell([1, 1, 2, 5, 4]),  # n 5
        Q02=cell([1, 1, 3, 2], "Q02"),  # categorical, n 4
    )
    before = copy.deepcopy(figures)
    got = suppress_small(figures, RULES)
    assert figures == before  # the input is not changed
    assert got["items"]["Q01"] == {
        "n": 4, "cannot_judge": 2, "counts": None, "mean": None, "top2": None, "top2_ci": None,
        "suppressed": True, "suppression": "primary",
    }  # fmt: skip
    assert got["items"]["Q04"] == before["items"]["Q04"]
    assert got["items"]["Q04"]["suppressed"] is False and got["items"]["Q04"]["top2"] == 0.6
    assert got["items"]["Q02"] == {"n": 4, "counts": None, "suppressed": True, "suppression": "primary"}


def test_empty_week_is_all_suppressed():
    week = Period.week(D(2020, 11, 2))
    got = suppress_small(group_figures(responses_frame([]), None, week, "finkenwerder"), RULES)
    assert got["responses"]["total"] == 0
    assert all(c["suppressed"] and c["n"] == 0 and c["counts"] is None for c in got["items"].values())
    assert not comments_allowed(got, RULES)


def test_single_response_shows_no_answers_and_no_comments():
    week = Period.week(D(2020, 11, 2))
    rows = [{"date": D(2020, 11, 3), "Q01": 5, "Q02": 3, "Q04": 5}]
    got = suppress_small(group_figures(responses_frame(rows), None, week, "finkenwerder"), RULES)
    assert got["responses"]["total"] == 1
    assert all(c["suppressed"] and c["counts"] is None for c in got["items"].values())
    assert got["items"]["Q01"]["n"] == 1  # n stays
    assert not comments_allowed(got, RULES)


# --------------------------------------------------------------------------- groups


MITTE = {"mitte": ["mitte"], "billstedt": ["billstedt"], "wilhelmsburg": ["wilhelmsburg"],
         "finkenwerder": ["finkenwerder"],
         "Hamburg-Mitte": ["mitte", "billstedt", "wilhelmsburg", "finkenwerder"]}  # fmt: skip
MITTE_PARTS = {"Hamburg-Mitte": ["mitte", "billstedt", "wilhelmsburg", "finkenwerder"]}


def mitte_week():
    frame = responses_frame(
        answering("mitte", 60) + answering("billstedt", 30) + answering("wilhelmsburg", 12)
        + answering("finkenwerder", 4)
    )  # fmt: skip
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), MITTE)
    return raw, {g: suppress_small(f, RULES) for g, f in raw.items()}


def narrowed(published: dict[str, dict], parts_of: dict, scale=("Q01",)) -> set[tuple[str, str]]:
    """What the integer-programming attacker narrows in these published figures."""
    tables, members = attack.from_documents(published.values(), parts_of)
    return {(f.group, f.item) for f in attack.attack(tables, members, scale).findings}


def test_primary_suppression_alone_can_be_undone_by_subtraction():
    # district 106 - mitte 60 - billstedt 30 - wilhelmsburg 12 = finkenwerder's 4 answers
    raw, primary = mitte_week()
    assert hidden(primary["finkenwerder"], "Q01")
    assert subtraction_attack(raw, primary, MITTE_PARTS) == {("finkenwerder", "Q01"), ("finkenwerder", "Q02")}


def test_a_district_counts_only_the_cells_its_centres_show():
    raw, _ = mitte_week()
    got = protect(raw, MITTE_PARTS, RULES)
    for code in ("Q01", "Q02"):
        assert got["finkenwerder"]["items"][code]["suppression"] == "primary"
        assert all(not got[c]["items"][code]["suppressed"] for c in ("mitte", "billstedt", "wilhelmsburg"))
        district = got["Hamburg-Mitte"]["items"][code]
        assert not district["suppressed"] and district["n"] == 102 and district["left_out"] == {"n": 4}
        shown = [raw[c]["items"][code]["counts"] for c in ("mitte", "billstedt", "wilhelmsburg")]
        assert district["counts"] == {a: sum(c[a] for c in shown) for a in district["counts"]}
    mine = got["Hamburg-Mitte"]["items"]["Q01"]
    # by hand: mitte 12 of each answer, billstedt 6, wilhelmsburg 3/3/2/2/2: sum 180 + 90 + 33
    assert mine["mean"] == 2.97 and mine["top2"] == 0.4118  # 303/102 = 2.9706; (24 + 12 + 6)/102
    assert raw["Hamburg-Mitte"]["items"]["Q01"]["n"] == 106  # the input is not changed
    assert narrowed(got, MITTE_PARTS) == set()


def test_no_centre_is_withheld_to_protect_a_neighbour():
    groups = {"altona": ["altona"], "blankenese": ["blankenese"], "Altona": ["altona", "blankenese"]}
    frame = responses_frame(answering("altona", 3) + answering("blankenese", 40))
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), groups)
    got = protect(raw, {"Altona": ["altona", "blankenese"]}, RULES)
    assert got["altona"]["items"]["Q01"]["suppression"] == "primary"
    assert not got["blankenese"]["items"]["Q01"]["suppressed"]
    assert got["Altona"]["items"]["Q01"] == {**got["blankenese"]["items"]["Q01"], "left_out": {"n": 3}}


def test_two_withheld_centres_are_both_left_out():
    # b (3 answers) and c (4) withheld: the district counts e alone, so their sum is not
    # published either (it would leave b two values only)
    groups = {
        "b": fig(Q01=cell([1, 1, 3])), "c": fig(Q01=cell([1, 2, 2, 2])),
        "e": fig(Q01=cell([1] * 5 + [4] * 5)),
    }  # fmt: skip
    groups["D"] = fig(Q01=cell([1, 1, 3] + [1, 2, 2, 2] + [1] * 5 + [4] * 5))
    got = protect(groups, {"D": ["b", "c", "e"]}, RULES)
    assert [hidden(got[g], "Q01") for g in ("b", "c", "e", "D")] == [True, True, False, False]
    assert got["D"]["items"]["Q01"]["n"] == 10 and got["D"]["items"]["Q01"]["left_out"] == {"n": 7}


def test_an_empty_centre_hides_nothing():
    groups = {"harburg": ["harburg"], "suederelbe": ["suederelbe"], "Harburg": ["harburg", "suederelbe"]}
    frame = responses_frame(answering("harburg", 30))
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), groups)
    got = protect(raw, {"Harburg": ["harburg", "suederelbe"]}, RULES)
    assert got["suederelbe"]["items"]["Q01"]["suppressed"] and got["suederelbe"]["items"]["Q01"]["n"] == 0
    assert got["Harburg"]["items"]["Q01"] == got["harburg"]["items"]["Q01"]  # nothing left out


def test_whole_city_nothing_withheld_can_be_narrowed():
    period = Period.week(D(2020, 9, 14))
    parts_of = disclosure.group_parts(period.start, period.end)
    assert parts_of["Bergedorf"] == ["bergedorf"] and parts_of["hamburg"][0] == "Hamburg-Mitte"
    sizes = {c.code: 30 + 5 * i for i, c in enumerate(registry.registry().centres)}
    sizes |= {"finkenwerder": 4, "bergedorf": 3, "suederelbe": 0, "harburg": 21}
    frame = responses_frame([r for code, n in sizes.items() for r in answering(code, n)])
    groups = {code: [code] for code in sizes}
    groups |= {d: centres for d, centres in parts_of.items() if d != "hamburg"}
    groups["hamburg"] = list(sizes)
    raw = figures_of(frame, period, groups)
    primary = {g: suppress_small(f, RULES) for g, f in raw.items()}
    assert subtraction_attack(raw, primary, parts_of)  # without protection something leaks

    got = protect(raw, parts_of, RULES)
    withheld = {g for g, f in got.items() if hidden(f, "Q01")}
    assert withheld == {"finkenwerder", "bergedorf"}  # primary only: nobody withheld for a neighbour
    assert got["Bergedorf"]["items"]["Q01"]["n"] == 0  # its one centre withheld: nothing counted
    city = got["hamburg"]["items"]["Q01"]
    assert city["n"] == sum(sizes.values()) - 7 and city["left_out"] == {"n": 7}
    assert narrowed(got, parts_of, ("Q01",)) == set()


def test_relations_must_add_up():
    groups = {"a": fig(Q01=cell([1] * 6)), "b": fig(Q01=cell([1] * 6)), "D": fig(Q01=cell([1] * 13))}
    with pytest.raises(ValueError, match="not the sum"):
        protect(groups, {"D": ["a", "b"]}, RULES)
    with pytest.raises(KeyError):
        protect(groups, {"D": ["a", "b", "c"]}, RULES)


# --------------------------------------------------------------------------- longer periods


def test_a_pool_narrows_when_its_total_pins_a_member():
    q01, q02 = ITEM["Q01"], ITEM["Q02"]
    assert pool_narrows([cell([1, 2, 4])], q01)  # one cell: its total is its count
    assert pool_narrows([cell([1, 1]), cell([2, 2])], q01)  # all top-two: each is pinned at 2
    assert pool_narrows([cell([4, 5]), cell([3, 4, 5])], q01)  # none top-two: each pinned at 0
    assert not pool_narrows([cell([1, 4]), cell([2, 4, 5])], q01)  # 2 of 5: a 0..2, b 0..2
    assert pool_narrows([cell([1, 1, 1]), cell([2, 4])], q01)  # 4 of 5: the three-answer cell holds 2 or 3
    # categorical: every answer 0..1 or 0..2
    assert not pool_narrows([cell([1, 2], "Q02"), cell([3, 1], "Q02")], q02)
    # nobody answered 3: both pinned at 0
    assert pool_narrows([cell([1, 1], "Q02"), cell([1, 2, 1], "Q02")], q02)
    assert not pool_narrows([], q01)


def february_frame() -> pd.DataFrame:
    rows = []
    for monday in (D(2021, 2, 1), D(2021, 2, 8), D(2021, 2, 15), D(2021, 2, 22)):
        day = monday + dt.timedelta(days=1)
        if monday == D(2021, 2, 1):  # W05: 6 responses; only 3 answer Q04 and Q05_SQ001
            rows += [{"date": day, "Q01": 1, "Q04": 2 if i < 3 else None, "Q05_SQ001": 1 if i < 3 else None}
                     for i in range(6)]  # fmt: skip
        elif monday == D(2021, 2, 8):  # W06: 10 responses; only 2 answer Q05_SQ001
            rows += [{"date": day, "Q01": 2, "Q04": 4, "Q05_SQ001": 5 if i < 2 else None} for i in range(10)]
        else:
            rows += [{"date": day, "Q01": 3, "Q04": 5, "Q05_SQ001": 2} for _ in range(10)]
    return responses_frame(rows)


def test_a_month_leaves_out_a_week_withheld_alone_and_counts_a_safe_pool():
    frame = february_frame()
    month = Period.month(D(2021, 2, 1))
    raw_weeks = {w.key: group_figures(in_period(frame, w), None, w, "altona") for w in month.weeks()}
    weeks = {k: suppress_small(w, RULES) for k, w in raw_weeks.items()}
    assert [hidden(w, "Q04") for w in weeks.values()] == [True, False, False, False]
    assert [hidden(w, "Q05_SQ001") for w in weeks.values()] == [True, True, False, False]
    withheld = {
        code: {k: raw_weeks[k]["items"][code] for k, w in weeks.items() if hidden(w, code)}
        for code in ("Q04", "Q05_SQ001")
    }
    assert month_left_out(withheld["Q04"], ITEM["Q04"]) == ["2021-W05"]  # alone: month minus the other weeks
    assert (
        month_left_out(withheld["Q05_SQ001"], ITEM["Q05_SQ001"]) == []
    )  # 3 of 5 top-two: W05 1..3, W06 0..2
    raw_month = group_figures(in_period(frame, month), None, month, "altona")
    got = protect(
        {"altona": raw_month},
        {},
        RULES,
        left_out={"altona": {"Q04": [("2021-W05", withheld["Q04"]["2021-W05"])]}},
    )["altona"]
    q04 = got["items"]["Q04"]
    assert q04["n"] == 30 and q04["left_out"] == {"n": 3, "weeks": ["2021-W05"]} and not q04["suppressed"]
    assert q04["counts"] == {"1": 0, "2": 0, "3": 0, "4": 10, "5": 20} and q04["mean"] == 4.67
    assert got["items"]["Q05_SQ001"]["n"] == 25 and "left_out" not in got["items"]["Q05_SQ001"]
    published = [*weeks.values(), got]
    assert narrowed({str(i): d for i, d in enumerate(published)}, {}, ("Q04", "Q05_SQ001")) == set()
    whole = suppress_small(raw_month, RULES)  # the month counting W05 gives its Q04 away
    found = narrowed({str(i): d for i, d in enumerate([*weeks.values(), whole])}, {}, ("Q04", "Q05_SQ001"))
    assert found == {("altona", "Q04")}


def test_a_review_counts_only_what_its_months_counted():
    assert review_left_out(["2021-W05", "2021-W06", "2021-W10"], {"2021-W05", "2021-W06"}) == ["2021-W10"]
    assert review_left_out(["2021-W05"], set()) == ["2021-W05"]


def test_a_comment_keeps_its_language_label_only_where_enough_people_share_the_language():
    rules = load_rules()
    figures = {"by_language": {"de": 40, "en": rules.min_valid_answers, "tr": 1}}
    assert disclosure.comment_language("tr", figures, rules) is None  # the one Turkish speaker
    assert disclosure.comment_language("en", figures, rules) == "en"
    assert disclosure.comment_language("de", figures, rules) == "de"
    assert disclosure.comment_language(None, figures, rules) is None


# --------------------------------------------------------------------------- breakdowns


def test_breakdowns_count_only_weeks_that_single_nobody_out():
    def rows(centre, monday, tablet, web, languages=()):
        out = [{"centre": centre, "response_date": monday, "channel": "tablet", "language": "de"}] * tablet
        out += [{"centre": centre, "response_date": monday + dt.timedelta(days=5), "channel": "web",
                 "language": "de"}] * web  # fmt: skip
        for i, lang in enumerate(languages):
            out[i] = {**out[i], "language": lang}
        return out

    w1, w2, w3 = D(2020, 9, 14), D(2020, 9, 21), D(2020, 9, 28)
    frame = pd.DataFrame(
        rows("a", w1, 10, 2)  # 2 online: the week's channels not broken down
        + rows("a", w2, 6, 5, ["en"] * 5)  # 5 and 6: shown; 5 English
        + rows("a", w3, 7, 0, ["tr"])  # no one online: shown; one Turkish: language not
        + rows("b", w1, 3, 0)  # 3 in all: nothing broken down
    )
    frame["response_date"] = pd.to_datetime(frame["response_date"])
    got = disclosure.breakdowns(frame, RULES, weekday=True)
    assert got["a"]["channel"] == {"tablet": 13, "web": 5} and got["a"]["withheld"]["channel"] == 12
    assert got["a"]["language"] == {"de": 18, "en": 5, "tr": 0} and got["a"]["withheld"]["language"] == 7
    # weekdays: w1 has 10 Mondays and 2 Saturdays, w2 6 and 5, w3 7 Mondays only
    assert got["a"]["weekday"]["Mo"] == 13 and got["a"]["weekday"]["Sa"] == 5
    assert got["a"]["withheld"]["weekday"] == 12
    assert got["b"]["channel"] == {"tablet": 0, "web": 0} and got["b"]["withheld"] == {
        "channel": 3,
        "language": 3,
        "weekday": 3,
    }
    assert "weekday" not in disclosure.breakdowns(frame, RULES)["a"]
    # every published count and every difference of two is 0 or at least 5: sums of such weeks
    first = disclosure.breakdowns(frame[frame["response_date"] < pd.Timestamp(w3)], RULES)
    assert {k: got["a"]["language"][k] - first["a"]["language"][k] for k in got["a"]["language"]} == {
        "de": 0,
        "en": 0,
        "tr": 0,
    }


# --------------------------------------------------------------------------- in the report builder


def _builder(rows: list[dict], reg=None):
    """A ReportBuilder over hand-made responses (no warehouse)."""
    from pipelines.figures import documents

    b = documents.ReportBuilder.__new__(documents.ReportBuilder)
    b.survey, b.registry, b.questionnaire = (
        registry.survey(),
        reg or registry.registry(),
        registry.questionnaire(),
    )
    b.rules = disclosure.load_rules()
    b.items = [i.code for i in b.questionnaire.answer_items]
    b.trend_items = ["Q01"]
    b.snapshot = {"files": 0, "ledger_sha256": "", "responses": len(rows), "built_from": "test"}
    columns = documents._COLUMNS + b.items
    resp = pd.DataFrame([{**dict.fromkeys(columns), "channel": "tablet", "language": "de",
                          "questionnaire_version": 2, **r} for r in rows])  # fmt: skip
    resp["response_date"] = pd.to_datetime(resp["response_date"])
    for c in b.items + ["questionnaire_version"]:
        resp[c] = resp[c].astype("Int16")
    excl = pd.DataFrame({"centre": pd.Series([], dtype=str), "reason": pd.Series([], dtype=str),
                         "response_date": pd.Series([], dtype="datetime64[ns]")})  # fmt: skip
    b.frames = documents.Frames(resp, excl)
    return b


def test_a_review_does_not_count_the_pool_of_a_withheld_month():
    # February 2021 of altona: W05 one answer, W06 two - a safe pool, so February counts
    # them, but with 3 answers February itself is withheld: the mid-term review, were it to
    # count them, would give February away (review minus the other months)
    rows = [{"centre": "altona", "response_date": D(2021, 1, 5) + dt.timedelta(weeks=k), "Q01": q}
            for k in range(4) for q in (1, 1, 2, 4, 4, 5)]  # fmt: skip
    rows += [{"centre": "altona", "response_date": D(2021, 2, 2), "Q01": 1}]
    rows += [{"centre": "altona", "response_date": D(2021, 2, 9), "Q01": q} for q in (1, 3)]
    b = _builder(rows)
    feb = b.disclosed(Period.month(D(2021, 2, 1)))["altona"]["items"]["Q01"]
    assert (
        feb["suppressed"] and feb["n"] == 3 and "left_out" not in feb
    )  # the pool counted, the month withheld
    review = b.disclosed(Period.review("midterm"))["altona"]["items"]["Q01"]
    assert review["left_out"] == {"n": 3, "weeks": ["2021-W05", "2021-W06"]} and review["n"] == 24
    assert [t["period"] for t in b.documents(Period.review("midterm"))["altona"]["trend"]][-1] == "2021-02"


def test_a_centre_closing_inside_a_month_is_handled():
    import dataclasses

    reg = registry.registry()
    altona = next(c for c in reg.centres if c.code == "altona")
    closing = dataclasses.replace(altona, valid_to=D(2021, 2, 7))  # closes after W05
    reg = dataclasses.replace(reg, centres=tuple(closing if c is altona else c for c in reg.centres))
    rows = [{"centre": "altona", "response_date": D(2021, 2, 2), "Q01": q} for q in (1, 2)]
    rows += [{"centre": "blankenese", "response_date": D(2021, 2, 2) + dt.timedelta(weeks=k), "Q01": 1}
             for k in range(4) for _ in range(6)]  # fmt: skip
    month = _builder(rows, reg).disclosed(Period.month(D(2021, 2, 1)))
    assert month["altona"]["items"]["Q01"]["left_out"] == {"n": 2, "weeks": ["2021-W05"]}
    assert month["blankenese"]["items"]["Q01"]["n"] == 24


def _small_survey(seed: int) -> list[dict]:
    """Nine weeks (two whole months and a week) of seven centres in three districts, each
    centre-week with 0 to 10 responses, answers drawn at random."""
    import random

    rnd = random.Random(seed)
    rows = []
    for week in range(9):
        monday = D(2020, 9, 14) + dt.timedelta(weeks=week)
        for centre in ("mitte", "billstedt", "finkenwerder", "altona", "blankenese", "lokstedt", "niendorf"):
            for _ in range(rnd.randint(0, 10)):
                rows.append({
                    "centre": centre, "response_date": monday + dt.timedelta(days=rnd.randint(0, 5)),
                    "questionnaire_version": 1, "language": rnd.choice(["de", "de", "de", "en", "tr"]),
                    "channel": rnd.choice(["tablet", "web"]),
                    "Q01": rnd.choice([1, 1, 2, 2, 3, 4, 5, 99]), "Q02": rnd.choice([1, 2, 3]),
                })  # fmt: skip
    return rows


@pytest.mark.parametrize("seed", [1, 2])
def test_an_attacker_on_a_small_survey_finds_nothing(seed, monkeypatch):
    b = _builder(_small_survey(seed))
    weeks = [Period.week(D(2020, 9, 14) + dt.timedelta(weeks=k)) for k in range(9)]
    periods = [*weeks, Period.month(D(2020, 9, 1)), Period.month(D(2020, 10, 1))]
    docs = [d for p in periods for d in b.documents(p).values()]
    withheld = sum(1 for d in docs for c in d["items"].values() if c.get("suppressed") and c.get("n"))
    assert withheld > 20  # small groups: much to protect
    q = registry.questionnaire()
    scale = q.scale_codes
    tables, members = attack.from_documents(docs)
    report = attack.attack(tables, members, scale, registry.survey().start, registry.survey().end)
    assert report.findings == [] and report.inconsistent == 0
    for d in docs:  # no breakdown count of 1 to 4
        counts = [*[d["responses"][k] for k in ("tablet", "web")], *d["by_language"].values()]
        assert all(c == 0 or c >= RULES.min_valid_answers for c in counts), d["centre"]
    # the same survey with small cells withheld only (groups and months counting all): narrowed
    monkeypatch.setattr(disclosure, "protect", lambda groups, parts, rules, **_: {
        g: suppress_small(f, rules) for g, f in groups.items()})  # fmt: skip
    b = _builder(_small_survey(seed))
    docs = [d for p in periods for d in b.documents(p).values()]
    tables, members = attack.from_documents(docs)
    assert attack.attack(tables, members, scale, registry.survey().start, registry.survey().end).findings

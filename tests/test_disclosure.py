"""Disclosure rules: thresholds, primary and complementary suppression, comments."""

from __future__ import annotations

import copy
import datetime as dt

import pandas as pd
import pytest

from pipelines import disclosure, registry
from pipelines.disclosure import (
    Rules,
    comments_allowed,
    complementary,
    complementary_temporal,
    load_rules,
    protect,
    recoverable,
    suppress_small,
)
from pipelines.figures import Period, group_figures, item_figures
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


# --------------------------------------------------------------------------- complementary


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


def test_primary_suppression_alone_can_be_undone_by_subtraction():
    # district 106 - mitte 60 - billstedt 30 - wilhelmsburg 12 = finkenwerder's 4 answers
    raw, primary = mitte_week()
    assert hidden(primary["finkenwerder"], "Q01")
    assert subtraction_attack(raw, primary, MITTE_PARTS) == {("finkenwerder", "Q01"), ("finkenwerder", "Q02")}
    assert set(recoverable(primary, MITTE_PARTS)) == {("finkenwerder", "Q01"), ("finkenwerder", "Q02")}


def test_complementary_suppression_hides_the_next_smallest_centre():
    raw, primary = mitte_week()
    got = complementary(primary, MITTE_PARTS, RULES)
    for code in ("Q01", "Q02"):
        assert got["finkenwerder"]["items"][code]["suppression"] == "primary"
        assert got["wilhelmsburg"]["items"][code]["suppression"] == "complementary"
        assert got["wilhelmsburg"]["items"][code]["counts"] is None
        assert not got["mitte"]["items"][code]["suppressed"]
        assert not got["billstedt"]["items"][code]["suppressed"]
        assert not got["Hamburg-Mitte"]["items"][code]["suppressed"]
    assert subtraction_attack(raw, got, MITTE_PARTS) == set()
    assert recoverable(got, MITTE_PARTS) == []
    assert primary["wilhelmsburg"]["items"]["Q01"]["suppressed"] is False  # input unchanged


def test_two_centre_district_hides_the_other_centre():
    groups = {"altona": ["altona"], "blankenese": ["blankenese"], "Altona": ["altona", "blankenese"]}
    frame = responses_frame(answering("altona", 3) + answering("blankenese", 40))
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), groups)
    got = complementary(raw, {"Altona": ["altona", "blankenese"]}, RULES)  # rules: primary first
    assert got["altona"]["items"]["Q01"]["suppression"] == "primary"
    assert got["blankenese"]["items"]["Q01"]["suppression"] == "complementary"
    assert not got["Altona"]["items"]["Q01"]["suppressed"]
    assert subtraction_attack(raw, got, {"Altona": ["altona", "blankenese"]}) == set()


def test_no_complementary_when_two_parts_are_already_hidden():
    groups = {"a": ["a"], "b": ["b"], "c": ["c"], "D": ["a", "b", "c"]}
    frame = responses_frame(answering("a", 3) + answering("b", 4) + answering("c", 30))
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), groups)
    got = complementary(raw, {"D": ["a", "b", "c"]}, RULES)
    assert not got["c"]["items"]["Q01"]["suppressed"] and not got["D"]["items"]["Q01"]["suppressed"]


def test_two_hidden_centres_whose_sum_pins_them_get_a_third():
    # b (3 answers) and c (4) are withheld in a shown district; the district minus the shown
    # e gives their top-two count together, 6: b then has 2 or 3 (two values, fewer than
    # min(3, 3)) - the attacker of pipelines.attack narrows it. Hiding e too widens b to 0..3.
    groups = {
        "b": fig(Q01=cell([1, 1, 3])), "c": fig(Q01=cell([1, 2, 2, 2])),
        "e": fig(Q01=cell([1] * 5 + [4] * 5)),
    }  # fmt: skip
    groups["D"] = fig(Q01=cell([1, 1, 3] + [1, 2, 2, 2] + [1] * 5 + [4] * 5))
    parts_of = {"D": ["b", "c", "e"]}
    got = complementary(groups, parts_of, RULES)
    assert [hidden(got[g], "Q01") for g in ("b", "c", "e", "D")] == [True, True, True, False]
    # the attacker on the result: nothing narrowed; on primary suppression alone: b and c
    from pipelines.attack import Table, attack

    def tables(figs):
        return [Table(g, D(2021, 3, 1), D(2021, 3, 31), None, {"Q01": {"n": f["items"]["Q01"]["n"],
                "counts": f["items"]["Q01"]["counts"]}}) for g, f in figs.items()]  # fmt: skip

    members = {"b": ["b"], "c": ["c"], "e": ["e"], "D": ["b", "c", "e"]}
    assert attack(tables(got), members, scale_items=["Q01"]).findings == []
    primary = {g: suppress_small(f, RULES) for g, f in groups.items()}
    assert {f.group for f in attack(tables(primary), members, scale_items=["Q01"]).findings} == {"b", "c"}


def test_the_third_part_is_one_that_widens_the_range():
    # a (2 answers, both top-two) and b (2, both top-two) withheld; c is the smallest
    # shown part but all top-two itself, so withholding it leaves a and b pinned; e does not
    groups = {"a": fig(Q01=cell([1, 1])), "b": fig(Q01=cell([2, 2])), "c": fig(Q01=cell([1] * 5)),
              "e": fig(Q01=cell([1] * 10 + [4] * 10))}  # fmt: skip
    groups["D"] = fig(Q01=cell([1, 1, 2, 2] + [1] * 5 + [1] * 10 + [4] * 10))
    got = complementary(groups, {"D": ["a", "b", "c", "e"]}, RULES)
    assert [hidden(got[g], "Q01") for g in ("a", "b", "c", "e", "D")] == [True, True, False, True, False]


def test_a_whole_at_100_percent_is_not_withheld_for_its_parts():
    # every answer top-two: any withheld part is 100 % too, and no other part can change
    # that; the district stays shown rather than cascading
    groups = {"b": fig(Q01=cell([1, 1, 2])), "c": fig(Q01=cell([1, 2, 2, 2])), "e": fig(Q01=cell([1] * 10))}
    groups["D"] = fig(Q01=cell([1] * 10 + [1, 1, 2, 1, 2, 2, 2]))
    got = complementary(groups, {"D": ["b", "c", "e"]}, RULES)
    assert [hidden(got[g], "Q01") for g in ("b", "c", "e", "D")] == [True, True, False, False]


def test_an_empty_centre_hides_nothing_and_needs_no_complement():
    # suederelbe has no answers: suppressed with n = 0, its counts are known to be zero,
    # so harburg must stay shown.
    groups = {"harburg": ["harburg"], "suederelbe": ["suederelbe"], "Harburg": ["harburg", "suederelbe"]}
    frame = responses_frame(answering("harburg", 30))
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), groups)
    got = complementary(raw, {"Harburg": ["harburg", "suederelbe"]}, RULES)
    assert got["suederelbe"]["items"]["Q01"]["suppressed"] and got["suederelbe"]["items"]["Q01"]["n"] == 0
    assert not got["harburg"]["items"]["Q01"]["suppressed"]
    assert recoverable(got, {"Harburg": ["harburg", "suederelbe"]}) == []


def test_whole_city_no_suppressed_cell_can_be_recovered():
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

    got = complementary(primary, parts_of, RULES)
    q01 = {g: f["items"]["Q01"].get("suppression") for g, f in got.items()}
    # Bergedorf (3 answers, one centre) is suppressed at both levels; the city then needs
    # a second hidden district: Harburg, the smallest (21 + 0), and inside Harburg the
    # centre harburg (suederelbe has no answers, so it hides nothing).
    assert q01["bergedorf"] == q01["Bergedorf"] == "primary"
    assert q01["Harburg"] == "complementary" and q01["harburg"] == "complementary"
    # Hamburg-Mitte: finkenwerder (4) hidden, so the smallest other centre, mitte (30), too
    assert q01["finkenwerder"] == "primary" and q01["mitte"] == "complementary"
    assert q01["billstedt"] is None and q01["wilhelmsburg"] is None
    assert q01["hamburg"] is None and q01["Hamburg-Mitte"] is None
    assert subtraction_attack(raw, got, parts_of) == set()
    assert recoverable(got, parts_of) == []


def test_single_part_parent_follows_its_part():
    # Harburg (2 + 2 answers) is hidden; the city's only other district, Bergedorf, is
    # hidden as complement, and so must be its only centre (the same figure).
    groups = {"harburg": ["harburg"], "suederelbe": ["suederelbe"], "bergedorf": ["bergedorf"],
              "Harburg": ["harburg", "suederelbe"], "Bergedorf": ["bergedorf"],
              "hamburg": ["harburg", "suederelbe", "bergedorf"]}  # fmt: skip
    parts_of = {
        "Harburg": ["harburg", "suederelbe"],
        "Bergedorf": ["bergedorf"],
        "hamburg": ["Harburg", "Bergedorf"],
    }
    frame = responses_frame(answering("harburg", 2) + answering("suederelbe", 2) + answering("bergedorf", 40))
    raw = figures_of(frame, Period.week(D(2020, 9, 14)), groups)
    got = complementary(raw, parts_of, RULES)
    assert got["Bergedorf"]["items"]["Q01"]["suppression"] == "complementary"
    assert got["bergedorf"]["items"]["Q01"]["suppression"] == "complementary"
    assert not got["hamburg"]["items"]["Q01"]["suppressed"]
    assert subtraction_attack(raw, got, parts_of) == set()
    assert recoverable(got, parts_of) == []


def test_relations_must_add_up():
    groups = {"a": fig(Q01=cell([1] * 6)), "b": fig(Q01=cell([1] * 6)), "D": fig(Q01=cell([1] * 13))}
    with pytest.raises(ValueError, match="not the sum"):
        complementary(groups, {"D": ["a", "b"]}, RULES)
    with pytest.raises(KeyError):
        complementary(groups, {"D": ["a", "b", "c"]}, RULES)


def test_locked_weeks_steer_the_choice_of_complement():
    # Months of three centres A, B, C in district D; their weeks were already sent (locked).
    # A hides one week -> A's month must go. D then needs a second hidden month: C is the
    # smallest (24) but C's weeks are all shown, so C's month would be their sum anyway;
    # B (26) hides two weeks, so hiding B's month really hides something.
    ones = lambda n: fig(Q01=cell([1] * n))  # noqa: E731
    groups = {
        "A_w1": ones(3), "A_w2": ones(10), "A_w3": ones(10), "A_w4": ones(10), "A": ones(33),
        "B_w1": ones(2), "B_w2": ones(4), "B_w3": ones(10), "B_w4": ones(10), "B": ones(26),
        "C_w1": ones(6), "C_w2": ones(6), "C_w3": ones(6), "C_w4": ones(6), "C": ones(24),
        "D": ones(83),
    }  # fmt: skip
    parts_of = {"D": ["A", "B", "C"], **{m: [f"{m}_w{i}" for i in range(1, 5)] for m in "ABC"}}
    weeks = {g for g in groups if "_w" in g}
    got = complementary(groups, parts_of, RULES, locked=weeks)
    status = {g: f["items"]["Q01"].get("suppression") for g, f in got.items()}
    assert status["A"] == "complementary" and status["B"] == "complementary"
    assert status["C"] is None and status["D"] is None
    assert all(status[w] in (None, "primary") for w in weeks)  # sent weeks never change
    assert recoverable(got, parts_of) == []
    # the naive choice (C instead of B) would leave A and its hidden week recoverable
    naive = copy.deepcopy(got)
    naive["B"] = suppress_small(groups["B"], RULES)
    disclosure._hide(naive["C"]["items"]["Q01"], "complementary")
    assert ("A", "Q01") in recoverable(naive, parts_of)
    assert ("A_w1", "Q01") in recoverable(naive, parts_of)


# --------------------------------------------------------------------------- temporal


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


def test_february_2021_one_suppressed_week_suppresses_the_month_item():
    frame = february_frame()
    month = Period.month(D(2021, 2, 1))
    assert month.tiled_by_weeks
    raw_weeks = [group_figures(in_period(frame, w), None, w, "altona") for w in month.weeks()]
    weeks = [suppress_small(w, RULES) for w in raw_weeks]
    raw_month = group_figures(in_period(frame, month), None, month, "altona")
    shown_month = suppress_small(raw_month, RULES)
    assert shown_month["items"]["Q04"]["n"] == 33 and not shown_month["items"]["Q04"]["suppressed"]

    raw = {"m": raw_month, **{w["period"]["key"]: w for w in raw_weeks}}
    published = {w["period"]["key"]: w for w in weeks}
    relation = {"m": list(published)}
    # month 33 answers - the three shown weeks (10 + 10 + 10) = W05's three hidden Q04 answers
    assert ("2021-W05", "Q04") in subtraction_attack(raw, {**published, "m": shown_month}, relation)

    got = complementary_temporal(shown_month, weeks)
    assert got["items"]["Q04"]["suppressed"] and got["items"]["Q04"]["suppression"] == "complementary"
    assert got["items"]["Q04"]["counts"] is None and got["items"]["Q04"]["n"] == 33
    assert not got["items"]["Q01"]["suppressed"]  # no week hides Q01
    assert not got["items"]["Q05_SQ001"]["suppressed"]  # two weeks hide it: month - rest = their sum only
    assert subtraction_attack(raw, {**published, "m": got}, relation) == set()
    assert [w["items"]["Q04"]["suppressed"] for w in weeks] == [True, False, False, False]  # weeks unchanged


def test_the_last_week_of_a_month_pairs_with_a_week_that_withheld_alone():
    # February 2021: W05 withholds Q04 alone (3 answers). When W08, the month's last week,
    # is built, it withholds Q04 too, so the month (33 answers) stays shown and still
    # gives neither week away; Q05_SQ001, withheld by two weeks already, is left alone.
    frame = february_frame()
    month = Period.month(D(2021, 2, 1))
    w05, w06, w07, w08 = month.weeks()
    earlier = [
        suppress_small(group_figures(in_period(frame, w), None, w, "altona"), RULES) for w in (w05, w06, w07)
    ]
    last = group_figures(in_period(frame, w08), None, w08, "altona")
    got = protect({"altona": last}, {}, RULES, month_weeks={"altona": earlier})["altona"]
    assert got["items"]["Q04"]["suppressed"] and got["items"]["Q04"]["suppression"] == "complementary"
    assert not got["items"]["Q05_SQ001"]["suppressed"] and not got["items"]["Q01"]["suppressed"]
    assert protect({"altona": last}, {}, RULES)["altona"]["items"]["Q04"]["suppressed"] is False
    weeks = [*earlier, got]
    shown_month = suppress_small(group_figures(in_period(frame, month), None, month, "altona"), RULES)
    assert not complementary_temporal(shown_month, weeks)["items"]["Q04"]["suppressed"]
    raw = {"m": group_figures(in_period(frame, month), None, month, "altona")}
    raw |= {w.key: group_figures(in_period(frame, w), None, w, "altona") for w in month.weeks()}
    published = {"m": shown_month, **{w["period"]["key"]: w for w in weeks}}
    assert subtraction_attack(raw, published, {"m": [w.key for w in month.weeks()]}) == set()


def test_month_not_tiled_by_weeks_is_left_alone():
    # A calendar month (March 2021, Mon 1 .. Wed 31: its last ISO week reaches into April).
    # Report months are whole weeks (Period.month), but a period that is not stays alone.
    rows = [{"date": D(2021, 3, 2), "Q01": 1, "Q04": 2 if i < 3 else None} for i in range(6)]
    rows += [{"date": D(2021, 3, d), "Q01": 1, "Q04": 3} for d in (9, 16, 23, 30) for _ in range(10)]
    frame = responses_frame(rows)
    month = Period("monthly", "2021-03", D(2021, 3, 1), D(2021, 3, 31))
    assert not month.tiled_by_weeks
    weeks = [
        suppress_small(group_figures(in_period(frame, w), None, w, "altona"), RULES) for w in month.weeks()
    ]
    assert sum(w["items"]["Q04"]["suppressed"] for w in weeks) == 1
    shown = suppress_small(group_figures(in_period(frame, month), None, month, "altona"), RULES)
    assert complementary_temporal(shown, weeks) == shown
    # and a tiled month is left alone when the weeks given do not tile it
    feb = Period.month(D(2021, 2, 1))
    frame = february_frame()
    feb_weeks = [
        suppress_small(group_figures(in_period(frame, w), None, w, "altona"), RULES) for w in feb.weeks()
    ]
    feb_fig = suppress_small(group_figures(in_period(frame, feb), None, feb, "altona"), RULES)
    assert complementary_temporal(feb_fig, feb_weeks[:3]) == feb_fig
    assert complementary_temporal(feb_fig, [feb_weeks[i] for i in (0, 1, 3)]) == feb_fig  # a gap


FEB_WEEKS = {
    "2021-W05": D(2021, 2, 1),
    "2021-W06": D(2021, 2, 8),
    "2021-W07": D(2021, 2, 15),
    "2021-W08": D(2021, 2, 22),
}


def with_period(figures: dict, start: dt.date, end: dt.date, key: str) -> dict:
    return figures | {"period": {"key": key, "start": start.isoformat(), "end": end.isoformat()}}


def test_protect_handles_group_and_week_relations_together():
    # Q01 answers of centres A, B, C (district D) in the four weeks of February 2021:
    #        W05  W06  W07  W08   month
    #   A      3   10   10   10     33
    #   B      6    2    4   10     22
    #   C     30    3    2   10     45
    # Sent weeks: W05 hides A (3) and, as complement, B (6); W06 and W07 hide B and C.
    # So A hides exactly one week -> A's month must go; B and C hide several.
    n = {"A": (3, 10, 10, 10), "B": (6, 2, 4, 10), "C": (30, 3, 2, 10)}
    parts = {"D": ["A", "B", "C"]}
    sent: dict[str, list[dict]] = {g: [] for g in ["A", "B", "C", "D"]}
    for i, (key, monday) in enumerate(FEB_WEEKS.items()):
        raw = {g: fig(Q01=cell([1] * n[g][i])) for g in "ABC"}
        raw["D"] = fig(Q01=cell([1] * sum(n[g][i] for g in "ABC")))
        week = complementary(raw, parts, RULES)
        for g, f in week.items():
            sent[g].append(with_period(f, monday, monday + dt.timedelta(days=6), key))
    assert [hidden(w, "Q01") for w in sent["A"]] == [True, False, False, False]
    assert [hidden(w, "Q01") for w in sent["B"]] == [True, True, True, False]
    months = {
        g: with_period(fig(Q01=cell([1] * sum(n[g]))), D(2021, 2, 1), D(2021, 2, 28), "2021-02")
        for g in "ABC"
    }
    months["D"] = with_period(fig(Q01=cell([1] * 100)), D(2021, 2, 1), D(2021, 2, 28), "2021-02")

    # One step after the other is not enough: group complementary first (nothing to do,
    # every month has >= 22 answers), then the weeks hide A's month, and then D - B - C = A
    # and A - its shown weeks = A's hidden week W05.
    stepwise = complementary(months, parts, RULES)
    stepwise = {g: complementary_temporal(f, sent[g]) for g, f in stepwise.items()}
    assert hidden(stepwise["A"], "Q01") and not hidden(stepwise["B"], "Q01")
    # ... and then, through the district's week W05 (A + B known), B's hidden week too
    leaks = recoverable(stepwise, parts, sent_weeks=sent)
    assert set(leaks) == {("A", "Q01"), ("A|2021-W05", "Q01"), ("B|2021-W05", "Q01")}

    got = protect(months, parts, RULES, sent_weeks=sent)
    status = {g: f["items"]["Q01"].get("suppression") for g, f in got.items()}
    # A's month for its week; then D needs a second hidden month: B (22) is the smallest
    # (C's month would do too, but it is bigger)
    assert status == {"A": "complementary", "B": "complementary", "C": None, "D": None}
    assert recoverable(got, parts, sent_weeks=sent) == []
    assert [hidden(w, "Q01") for w in sent["A"]] == [True, False, False, False]  # sent weeks untouched


def test_protect_without_weeks_is_primary_plus_complementary():
    raw, primary = mitte_week()
    assert protect(raw, MITTE_PARTS, RULES) == complementary(raw, MITTE_PARTS, RULES)
    # a month not tiled by the weeks given gets no temporal relation (were it taken as
    # "October = this one hidden week", mitte's October would be hidden)
    weeks = {"mitte": [with_period(primary["finkenwerder"], D(2020, 9, 14), D(2020, 9, 20), "2020-W38")]}
    october = {g: with_period(f, D(2020, 10, 1), D(2020, 10, 31), "2020-10") for g, f in raw.items()}
    assert protect(october, MITTE_PARTS, RULES, sent_weeks=weeks) == complementary(
        october, MITTE_PARTS, RULES
    )


def test_a_comment_keeps_its_language_label_only_where_enough_people_share_the_language():
    rules = load_rules()
    figures = {"by_language": {"de": 40, "en": rules.min_valid_answers, "tr": 1}}
    assert disclosure.comment_language("tr", figures, rules) is None  # the one Turkish speaker
    assert disclosure.comment_language("en", figures, rules) == "en"
    assert disclosure.comment_language("de", figures, rules) == "de"
    assert disclosure.comment_language(None, figures, rules) is None

"""The integer-programming attacker (pipelines.figures.attack) on hand-made published tables."""

from __future__ import annotations

import datetime as dt

from pipelines.figures.attack import Table, attack, from_documents

D = dt.date
Q = "Q01"


def shown(counts: dict[str, int]) -> dict:
    return {"n": sum(counts.values()), "counts": {k: counts.get(k, 0) for k in "12345"}}


def withheld(n: int) -> dict:
    return {"n": n, "counts": None}


def table(group, start, end, cell, responses=None, sums=()) -> Table:
    return Table(group, start, end, responses, {Q: cell}, tuple(sums))


FEB = [(D(2021, 2, 1) + dt.timedelta(weeks=i), D(2021, 2, 7) + dt.timedelta(weeks=i)) for i in range(4)]


def test_a_month_minus_its_weeks_gives_the_withheld_week_away():
    # February 2021 is exactly W05-W08; W08 (2 answers) withheld, the rest shown
    weeks = [shown({"1": 3, "3": 2}), shown({"2": 4, "5": 1}), shown({"1": 5})]
    tables = [table("a", s, e, c) for (s, e), c in zip(FEB, weeks, strict=False)]
    tables.append(table("a", *FEB[3], withheld(2)))
    tables.append(table("a", D(2021, 2, 1), D(2021, 2, 28), shown({"1": 8, "2": 4, "3": 2, "4": 2, "5": 1})))
    report = attack(tables, {"a": ["a"]}, scale_items=[Q])
    (finding,) = report.findings
    assert (finding.group, finding.item, finding.answers) == ("a", Q, "top2")
    assert finding.low == finding.high == 0  # the month's 12 top-two answers are all in W05-W07
    assert str(finding) == "a 2021-02-22..2021-02-28 Q01 (top2): narrowed to 1 values"  # no value named


def test_the_week_is_safe_when_the_month_is_withheld_too():
    weeks = [shown({"1": 3, "3": 2}), shown({"2": 4, "5": 1}), shown({"1": 5})]
    tables = [table("a", s, e, c) for (s, e), c in zip(FEB, weeks, strict=False)]
    tables += [table("a", *FEB[3], withheld(2)), table("a", D(2021, 2, 1), D(2021, 2, 28), withheld(17))]
    assert attack(tables, {"a": ["a"]}, scale_items=[Q]).findings == []


def test_partial_week_pieces_are_pinned_from_weeks_and_months():
    # W40 = 28-30 Sep + 1-4 Oct. September = W38 + W39 + 28-30 Sep: its responses there
    # come out exactly (2), a part of a week cut off by the month boundary
    tables = [
        Table("a", D(2020, 9, 14), D(2020, 9, 20), 10, {}),
        Table("a", D(2020, 9, 21), D(2020, 9, 27), 12, {}),
        Table("a", D(2020, 9, 28), D(2020, 10, 4), 9, {}),
        Table("a", D(2020, 9, 1), D(2020, 9, 30), 24, {}),
    ]
    report = attack(tables, {"a": ["a"]}, first_day=D(2020, 9, 14))
    pieces = {(f.period, f.low, f.high) for f in report.findings}
    assert ("2020-09-28..2020-09-30", 2, 2) in pieces
    # without the survey's first day the attacker cannot know 1-13 September was empty
    assert not attack(tables, {"a": ["a"]}).findings


def test_a_district_share_with_its_n_gives_withheld_centres_away():
    # centre a (shown, 6 of 10 top-two) quotes the rest of its district: 4 of 7. The
    # rest is b (withheld, 3 answers) and c (shown, 3 of 4): b's top-two count is 1.
    rest = (frozenset({"b", "c"}), Q, frozenset({"1", "2"}), 4)
    tables = [
        table("a", D(2021, 3, 1), D(2021, 3, 31), shown({"1": 6, "4": 4}), sums=[rest]),
        table("b", D(2021, 3, 1), D(2021, 3, 31), withheld(3)),
        table("c", D(2021, 3, 1), D(2021, 3, 31), shown({"2": 3, "3": 1})),
    ]
    report = attack(tables, {"a": ["a"], "b": ["b"], "c": ["c"]}, scale_items=[Q])
    assert [(f.group, f.low, f.high) for f in report.findings] == [("b", 1, 1)]
    # without the comparison's count b keeps every value from 0 to 3
    tables[0] = table("a", D(2021, 3, 1), D(2021, 3, 31), shown({"1": 6, "4": 4}))
    assert attack(tables, {"a": ["a"], "b": ["b"], "c": ["c"]}, scale_items=[Q]).findings == []


def test_integer_bounds_narrow_what_linear_algebra_leaves_open():
    # b + c = 7 answers, both withheld, their district shown with 7 top-two answers:
    # no subtraction isolates b, but non-negative counts force every answer of both to
    # be top-two (a linear-algebra audit would pass this)
    tables = [
        table("b", D(2021, 3, 1), D(2021, 3, 31), withheld(3)),
        table("c", D(2021, 3, 1), D(2021, 3, 31), withheld(4)),
        table("d", D(2021, 3, 1), D(2021, 3, 31), shown({"1": 7})),
    ]
    report = attack(tables, {"b": ["b"], "c": ["c"], "d": ["b", "c"]}, scale_items=[Q])
    assert sorted((f.group, f.low, f.high) for f in report.findings) == [("b", 3, 3), ("c", 4, 4)]


def test_two_withheld_centres_protect_each_other():
    tables = [
        table("b", D(2021, 3, 1), D(2021, 3, 31), withheld(3)),
        table("c", D(2021, 3, 1), D(2021, 3, 31), withheld(4)),
        table("d", D(2021, 3, 1), D(2021, 3, 31), shown({"1": 2, "2": 2, "4": 3})),
    ]
    report = attack(tables, {"b": ["b"], "c": ["c"], "d": ["b", "c"]}, scale_items=[Q])
    assert report.findings == [] and report.targets == 2  # (each centre's piece is a report of its own)


def test_categorical_answers_are_attacked_one_by_one():
    cell = {"n": 4, "counts": {"1": 4, "2": 0, "3": 0}}
    tables = [
        Table("b", D(2021, 3, 1), D(2021, 3, 31), None, {"Q02": {"n": 2, "counts": None}}),
        Table("c", D(2021, 3, 1), D(2021, 3, 31), None, {"Q02": {"n": 2, "counts": None}}),
        Table("d", D(2021, 3, 1), D(2021, 3, 31), None, {"Q02": cell}),
    ]
    report = attack(tables, {"b": ["b"], "c": ["c"], "d": ["b", "c"]})
    assert {(f.group, f.answers) for f in report.findings} == {(g, a) for g in "bc" for a in "123"}


def test_from_documents_reads_twins_and_comparison_rows():
    def doc(centre, start, end, items, comparisons=None):
        return {"centre": centre, "period": {"start": start, "end": end}, "responses": {"total": 5},
                "items": items, "comparisons": comparisons or {}}  # fmt: skip

    row = {"against": "rest", "n": 7, "top2_count": 4}
    docs = [
        doc(
            "a",
            "2021-03-01",
            "2021-03-31",
            {Q: {"n": 10, "counts": {"1": 6, "4": 4}, "suppressed": False}},
            {"district": {"items": {Q: row}}, "previous": {"items": {Q: row}}},
        ),  # fmt: skip
        doc("b", "2021-03-01", "2021-03-31", {Q: {"n": 3, "counts": None, "suppressed": True}}),
        doc("c", "2021-03-01", "2021-03-31", {Q: {"n": 7, "counts": {"1": 4, "4": 3}, "suppressed": False}}),
    ]
    tables, members = from_documents(docs, {"hh": ["north"], "north": ["a", "b", "c"]})
    assert members["a"] == ["a"] and members["c"] == ["c"]
    march = ("c", D(2021, 3, 1), D(2021, 3, 31))
    assert (
        tables[0].sums
        == (
            (frozenset({march}), Q, frozenset({"1", "2"}), 4),
            (frozenset({march}), Q, frozenset("12345"), 7),
        )
    )  # the rest of the district counts c only (b is withheld, so left out); the previous period adds nothing new
    assert tables[1].items[Q] == {"n": 3, "counts": None}
    # a rest whose n is not that of its shown centres counts them all (a broken rule)
    docs[0]["comparisons"]["district"]["items"][Q] = {**row, "n": 10}
    assert from_documents(docs, {"hh": ["north"], "north": ["a", "b", "c"]})[0][0].sums[1][0] == frozenset(
        {("b", D(2021, 3, 1), D(2021, 3, 31)), march}
    )


def test_from_documents_knows_the_weeks_a_month_leaves_out():
    cell = {"n": 9, "counts": {"1": 9}, "suppressed": False, "left_out": {"n": 2, "weeks": ["2021-W10"]}}
    doc = {"centre": "a", "period": {"start": "2021-03-01", "end": "2021-03-28"}, "items": {Q: cell}}
    group = {"centre": "north", "period": doc["period"], "items": {Q: {**cell, "left_out": {"n": 2}}}}
    tables, _ = from_documents([doc, group], {"north": ["a"]})
    around = (("a", D(2021, 3, 1), D(2021, 3, 7)), ("a", D(2021, 3, 15), D(2021, 3, 28)))
    assert tables[0].items[Q]["spans"] == around
    assert tables[1].items[Q]["spans"] == around  # the group counts what its centre's cell counts


def test_a_month_that_leaves_out_its_one_withheld_week_gives_nothing_away():
    weeks = [
        (D(2021, 3, 1) + dt.timedelta(days=7 * k), D(2021, 3, 7) + dt.timedelta(days=7 * k)) for k in range(4)
    ]
    tables = [
        table("a", *weeks[0], shown({"1": 5})),
        table("a", *weeks[1], withheld(3)),
        table("a", *weeks[2], shown({"1": 5})),
        table("a", *weeks[3], shown({"2": 6})),
    ]
    spans = [("a", *weeks[0]), ("a", *weeks[2]), ("a", *weeks[3])]
    month = {"n": 16, "counts": {"1": 10, "2": 6}, "spans": tuple(spans)}
    report = attack([*tables, Table("a", weeks[0][0], weeks[3][1], None, {Q: month})], {"a": ["a"]}, [Q])
    assert report.findings == [] and report.targets == 1
    whole = {"n": 19, "counts": {"1": 12, "2": 6, "4": 1}}  # the same month counting the week
    report = attack([*tables, Table("a", weeks[0][0], weeks[3][1], None, {Q: whole})], {"a": ["a"]}, [Q])
    assert [(f.period, f.low, f.high) for f in report.findings] == [("2021-03-08..2021-03-14", 2, 2)]


def test_contradicting_tables_are_counted_not_guessed():
    tables = [table("a", *FEB[0], withheld(3)), table("d", *FEB[0], shown({"1": 5}))]
    report = attack(tables, {"a": ["a"], "d": ["a"]}, scale_items=[Q])
    assert report.findings == [] and report.inconsistent == 1


def test_an_unbounded_count_is_not_narrowed_nor_inconsistent():
    # two weeks of a centre with a week between them that no report shows
    tables = [Table("a", *FEB[0], 5, {}), Table("a", *FEB[2], 6, {})]
    report = attack(tables, {"a": ["a"]})
    assert report.findings == [] and report.inconsistent == 0 and report.targets == 1


def test_days_after_the_survey_are_no_targets():
    # September 2021 as whole weeks reaches past the survey's last day (12 September)
    tables = [
        Table("a", D(2021, 8, 30), D(2021, 9, 5), 5, {}),
        Table("a", D(2021, 8, 30), D(2021, 10, 3), 9, {}),
    ]
    assert attack(tables, {"a": ["a"]}).targets == 1  # the days from 6 September on
    got = attack(tables, {"a": ["a"]}, last_day=D(2021, 9, 5))
    assert got.targets == 0 and got.findings == []


def test_within_attacks_only_the_cells_of_the_period_being_published():
    tables = [table("a", *FEB[0], withheld(3)), table("a", *FEB[1], withheld(2))]
    tables.append(Table("a", FEB[0][0], FEB[1][1], None, {Q: shown({"1": 5})}))  # the two weeks' sum
    everything = attack(tables, {"a": ["a"]}, [Q])
    assert {f.period for f in everything.findings} == {f"{a}..{b}" for a, b in FEB[:2]}
    only = attack(tables, {"a": ["a"]}, [Q], within=FEB[1])
    assert [f.period for f in only.findings] == [f"{FEB[1][0]}..{FEB[1][1]}"]


def test_the_pieces_inside_a_day_range_are_those_a_linear_search_finds():
    import random

    from pipelines.figures.attack import _Cover

    rng = random.Random(7)
    day0 = dt.date(2020, 9, 14)
    cuts = sorted({day0 + dt.timedelta(days=d) for d in rng.sample(range(1, 120), 25)} | {day0})
    pieces = [(a, b - dt.timedelta(days=1)) for a, b in zip(cuts, cuts[1:], strict=False)]
    cover = _Cover(pieces)
    for _ in range(500):
        start = day0 + dt.timedelta(days=rng.randrange(-5, 125))
        end = start + dt.timedelta(days=rng.randrange(-3, 60))
        expected = [k for k, (a, b) in enumerate(pieces) if a >= start and b <= end]
        assert cover(start, end) == expected
    assert cover(day0, day0 - dt.timedelta(days=1)) == []

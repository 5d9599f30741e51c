"""The figure checks, computed on what was read back after writing, and their outcomes.

The checks do not trust the code that built the figures: centres present are compared
with the registry's validity dates, counts and shares are recomputed from the stored
counts, and the disclosure audit runs on the stored cells as the report documents show
them. A period whose checks failed (or were never recorded) is "blocked": its report
files are not written and its e-mails are not sent (`blocked_periods`).
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa

from pipelines.core import registry
from pipelines.core.periods import REVIEWS, Period
from pipelines.core.statistics import wilson
from pipelines.figures import attack
from pipelines.figures.documents import ReportBuilder
from pipelines.figures.store import StoredPeriod, figures_version, read_documents, stored_groups
from pipelines.warehouse import schema

# Every figure check guards publication: people (disclosure) or numbers.
CHECKS = ("shares_in_range", "counts_add_up", "all_centres_present", "no_recoverable_cells")
# Rounding of the stored figures (4 decimals for shares, 2 for means), plus float noise.
_SHARE_TOLERANCE = 0.5e-4 + 1e-9
_MEAN_TOLERANCE = 0.5e-2 + 1e-9
_FIGURE_FIELDS = ("n", "cannot_judge", "counts", "mean", "top2", "top2_ci", "suppressed")


def open_centres(period: Period, reg: registry.Registry | None = None) -> list[registry.Centre]:
    """The registry's centres open on at least one day of the period (validity dates)."""
    reg = reg or registry.registry()
    return [
        c
        for c in reg.centres
        if c.valid_from <= period.end and (c.valid_to is None or c.valid_to >= period.start)
    ]


def expected_parts(period: Period, reg: registry.Registry | None = None) -> dict[str, list[str]]:
    """district → its open centres, city → the districts: from the registry alone."""
    reg = reg or registry.registry()
    districts: dict[str, list[str]] = {}
    for c in open_centres(period, reg):
        districts.setdefault(c.district, []).append(c.code)
    return {**districts, reg.city_code: list(districts)}


def published_with(engine: sa.Engine, builder: ReportBuilder, period: Period) -> list[dict]:
    """The report documents published together with the period's, for the disclosure
    audit: every week and month inside it, and the longer periods around it that are
    already published (with everything inside those). As stored, or - a period not yet
    built - as its run will publish it."""

    stored: dict[Period, list[dict]] = {}

    def published(p: Period) -> list[dict]:
        if p not in stored:  # (read once: the longer periods are looked up twice)
            stored[p] = [doc for _, doc in read_documents(engine, p).values()]
        return stored[p]

    def documents(p: Period) -> list[dict]:
        return published(p) or list(builder.documents(p).values())

    def inside(p: Period) -> list[Period]:
        weeks = builder.survey_weeks(p) if p.cadence != "weekly" else []
        months = builder.months_inside(p, weeks) if p.is_review else []
        return [w for w in weeks if w != p] + [m for m in months if m != p]

    weeks = builder.survey_weeks(period) if period.cadence != "weekly" else [period]
    around = {Period.month_of(w) for w in weeks} | {Period.review(r) for r in REVIEWS}
    around = [p for p in around if p != period and p.start <= period.end and period.start <= p.end]
    around = [p for p in around if published(p)]
    periods = dict.fromkeys([*inside(period), *around, *(q for p in around for q in inside(p))])
    periods.pop(period, None)
    return [doc for p in periods for doc in documents(p)]


def check_period(
    period: Period, stored: StoredPeriod, *, published: list[dict] | None = None
) -> dict[str, list[str]]:
    """Problems per check (empty list: passed) of the figures and documents as stored.

    `published`: the report documents of the other periods published with this one (its
    weeks and months, the periods around it), which the disclosure audit's attacker adds
    to the period's own.
    """
    reg = registry.registry()
    groups = stored_groups(period, stored)
    parts = expected_parts(period, reg)
    return {
        "shares_in_range": _shares(groups, stored.documents),
        "counts_add_up": _counts(groups, parts, stored.documents),
        "all_centres_present": _centres_present(period, stored, parts, reg),
        "no_recoverable_cells": disclosure_problems(
            groups, parts, stored.documents, published or [], within=(period.start, period.end)
        ),
    }


def _centres_present(
    period: Period, stored: StoredPeriod, parts: dict[str, list[str]], reg: registry.Registry
) -> list[str]:
    expected_centres = [c for district in parts[reg.city_code] for c in parts[district]]
    groups = [*expected_centres, *parts[reg.city_code], reg.city_code]
    in_scores = {r["group_code"] for r in stored.scores}
    in_totals = {t["group_code"] for t in stored.totals}
    reports = set(expected_centres) | ({reg.city_code} if period.is_review else set())
    problems = []
    for code in groups:
        if code not in in_totals:
            problems.append(f"{code}: no totals stored")
        if code not in in_scores:
            problems.append(f"{code}: no figures stored")
    problems += [f"{code}: no report document" for code in sorted(reports - set(stored.documents))]
    problems += [
        f"{code}: report for a centre not open in the period"
        for code in sorted(set(stored.documents) - reports)
    ]
    unexpected = (in_scores | in_totals) - set(groups)
    problems += [f"{code}: figures for a group not open in the period" for code in sorted(unexpected)]
    return problems


def _shares_of(where: str, cell: dict, item: registry.Item | None) -> list[str]:
    problems = []
    top2, ci = cell.get("top2"), cell.get("top2_ci")
    values = [v for v in (top2, *(ci or [])) if v is not None]
    if any(not 0 <= v <= 1 for v in values):
        problems.append(f"{where}: share outside 0-1")
    if ci and None not in ci and not ci[0] <= ci[1]:
        problems.append(f"{where}: interval bounds reversed")
    if ci and top2 is not None and None not in ci and not ci[0] <= top2 <= ci[1]:
        problems.append(f"{where}: share outside its interval")
    counts, n = cell.get("counts"), cell.get("n")
    if item is None or item.kind != "scale" or cell.get("suppressed") or not counts or not n:
        return problems
    successes = sum(int(counts.get(str(code), 0)) for code in item.top_two)
    if not 0 <= successes <= n:
        return problems  # counts that do not add up: counts_add_up reports them
    if top2 is None or abs(top2 - successes / n) > _SHARE_TOLERANCE:
        problems.append(f"{where}: share {top2} does not match its counts ({successes} of {n})")
    bounds = wilson(successes, n)
    if not ci or None in ci or any(abs(a - b) > _SHARE_TOLERANCE for a, b in zip(ci, bounds, strict=True)):
        problems.append(f"{where}: interval {ci} does not match its counts ({successes} of {n})")
    return problems


def _shares(groups: dict[str, dict], documents: dict[str, tuple[str, dict]]) -> list[str]:
    items = registry.questionnaire().items
    problems = []
    for code, g in sorted(groups.items()):
        for item, cell in g["items"].items():
            problems += _shares_of(f"{code} {item}", cell, items.get(item))
    for code, (_, doc) in sorted(documents.items()):
        for item, cell in doc.get("items", {}).items():
            problems += _shares_of(f"report {code} {item}", cell, items.get(item))
    return problems


def _counts(
    groups: dict[str, dict], parts: dict[str, list[str]], documents: dict[str, tuple[str, dict]]
) -> list[str]:
    return [*_counts_in_groups(groups), *_sums_of_parts(groups, parts), *_documents_match(groups, documents)]


def _counts_in_groups(groups: dict[str, dict]) -> list[str]:
    """Each group's channels, answers and counts within its responses; means from counts."""
    problems = []
    for code, g in sorted(groups.items()):
        r = g["responses"]
        if r is None:
            continue  # no totals row: all_centres_present reports it
        if min(r.values()) < 0 or r["tablet"] + r["web"] > r["total"]:
            problems.append(f"{code}: channels {r['tablet']} + {r['web']} exceed {r['total']} responses")
        for item, cell in g["items"].items():
            n, cj, counts = cell["n"], cell.get("cannot_judge") or 0, cell.get("counts")
            if n < 0 or cj < 0 or n + cj > r["total"]:
                problems.append(
                    f"{code} {item}: {n} answers + {cj} 'cannot judge' for {r['total']} responses"
                )
            if counts is not None:
                if any(c < 0 for c in counts.values()) or sum(counts.values()) != n:
                    problems.append(f"{code} {item}: counts do not sum to n = {n}")
                elif cell.get("mean") is not None and n:
                    mean = sum(int(k) * c for k, c in counts.items()) / n
                    if abs(cell["mean"] - mean) > _MEAN_TOLERANCE:
                        problems.append(f"{code} {item}: mean {cell['mean']} does not match its counts")
    return problems


def _sums_of_parts(groups: dict[str, dict], parts: dict[str, list[str]]) -> list[str]:
    """Districts and the city: responses the sum of their parts', cells of their shown cells."""
    problems = []
    for parent, members in parts.items():
        present = [m for m in [parent, *members] if m in groups and groups[m]["responses"] is not None]
        if len(present) != len(members) + 1:
            continue  # a group is missing: all_centres_present reports it
        total = sum(groups[m]["responses"]["total"] for m in members)
        if total != groups[parent]["responses"]["total"]:
            problems.append(f"{parent}: {groups[parent]['responses']['total']} responses, its parts {total}")
        for item, cell in groups[parent]["items"].items():
            # (a group counts its parts' shown cells: pipelines.figures.disclosure)
            cells = [groups[m]["items"].get(item) for m in members]
            if None in cells:
                problems.append(f"{parent} {item}: missing in a part")
                continue
            shown = [c for c in cells if not c["suppressed"]]
            if sum(c["n"] for c in shown) != cell["n"]:
                problems.append(
                    f"{parent} {item}: n = {cell['n']}, its shown parts {[c['n'] for c in shown]}"
                )
            elif cell.get("counts") is not None and any(
                sum(c["counts"].get(a, 0) for c in shown) != k for a, k in cell["counts"].items()
            ):
                problems.append(f"{parent} {item}: counts are not the sum of its shown parts")
    return problems


def _documents_match(groups: dict[str, dict], documents: dict[str, tuple[str, dict]]) -> list[str]:
    """Every report document: its stored version, its breakdowns adding up (with what they
    withhold) and its figures equal to the stored ones."""
    problems = []
    for code, (version, doc) in sorted(documents.items()):
        if version != figures_version(doc):
            problems.append(f"report {code}: stored version does not match the document")
        g = groups.get(code)
        if g is None or g["responses"] is None:
            continue
        if {k: doc.get("responses", {}).get(k) for k in g["responses"]} != g["responses"]:
            problems.append(f"report {code}: responses differ from the stored totals")
        withheld = doc.get("breakdowns_withheld") or {}
        r = doc.get("responses") or {}
        parts = {
            "channel": r.get("tablet", 0) + r.get("web", 0),
            "language": sum((doc.get("by_language") or {}).values()),
        }
        if "by_weekday" in doc:
            parts["weekday"] = sum(doc["by_weekday"].values())
        for dimension, shown in parts.items():
            if shown + withheld.get(dimension, 0) != r.get("total"):
                problems.append(
                    f"report {code}: {dimension} breakdown {shown} + {withheld.get(dimension, 0)} withheld is not {r.get('total')} responses"
                )
        for item in sorted(set(doc.get("items", {})) | set(g["items"])):
            mine, stored = doc.get("items", {}).get(item), g["items"].get(item)
            if mine is None or stored is None:
                problems.append(
                    f"report {code} {item}: item only in the {'figures' if mine is None else 'report'}"
                )
                continue
            differ = [f for f in _FIGURE_FIELDS if _norm(mine.get(f)) != _norm(stored.get(f))]
            if differ:
                problems.append(
                    f"report {code} {item}: differs from the stored figures ({', '.join(differ)})"
                )
    return problems


def _norm(value):
    if isinstance(value, tuple):
        return list(value)
    return value


_HIDDEN_FIELDS = ("counts", "mean", "top2", "top2_ci")


def disclosure_problems(
    groups: dict[str, dict],
    parts: dict[str, list[str]],
    documents: dict[str, tuple[str, dict]],
    published: list[dict],
    within: tuple[dt.date, dt.date] | None = None,
) -> list[str]:
    """Withheld cells whose figures are published anyway, or that an attacker narrows.

    The attacker (`pipelines.figures.attack`) works on the report documents alone: the period's
    and the others published with it; it attacks the cells of documents overlapping
    `within` (the period's dates).
    """
    headline = registry.questionnaire().headline
    problems = []
    for code, g in sorted(groups.items()):
        for item, cell in g["items"].items():
            if cell["suppressed"] and any(cell.get(f) is not None for f in _HIDDEN_FIELDS):
                problems.append(f"{code} {item}: withheld, but its figures are stored")
    for code, (_, doc) in sorted(documents.items()):
        for item, cell in doc.get("items", {}).items():
            if cell.get("suppressed") and any(cell.get(f) is not None for f in _HIDDEN_FIELDS):
                problems.append(f"report {code} {item}: withheld, but its figures are in the report")
        for entry in doc.get("centres_overview") or []:
            cell = groups.get(entry.get("centre"), {}).get("items", {}).get(headline)
            if cell and cell["suppressed"] and cell["n"] and entry.get("top2") is not None:
                problems.append(f"report {code}: overview shows the withheld {headline} of {entry['centre']}")
        for name in ("district", "city"):
            block = (doc.get("comparisons") or {}).get(name) or {}
            if not block.get("items"):
                continue
            other = _compared_group(code, name, parts)
            for item in block["items"]:
                cell = groups.get(other, {}).get("items", {}).get(item)
                if cell and cell["suppressed"] and cell["n"]:
                    problems.append(f"report {code} {item}: compares with the withheld figure of {other}")
    if problems:
        return problems  # (figures in the open: nothing left to attack)
    survey, q = registry.survey(), registry.questionnaire()
    # (the registry's groups of every period: the documents published with this one may
    # be of periods with other centres open)
    tables, members = attack.from_documents([d for _, d in documents.values()] + published)
    found = attack.attack(
        tables,
        members,
        q.scale_codes,
        survey.start,
        survey.end,
        within=within,
    )
    problems += [str(f) for f in found.findings]
    if found.inconsistent:
        problems.append(
            f"{found.inconsistent} withheld cells not audited: the published tables contradict each other"
        )
    return problems


def _compared_group(code: str, comparison: str, parts: dict[str, list[str]]) -> str | None:
    city = registry.registry().city_code
    if comparison == "city":
        return city
    return next((d for d in parts[city] if code in parts.get(d, [])), None)


# --------------------------------------------------------------------------- outcomes


def write_checks(
    engine: sa.Engine, period: Period, problems: dict[str, list[str]], run_id: str | None
) -> None:
    """Record the period's check outcomes (replacing earlier ones)."""
    t = schema.report_checks
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"cadence": period.cadence, "period_key": period.key, "check_name": name, "passed": not found,
         "problems": len(found), "examples": json.dumps(found[:10], ensure_ascii=False), "run_id": run_id,
         "checked_at": now}
        for name, found in problems.items()
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.delete(t).where(t.c.cadence == period.cadence, t.c.period_key == period.key))
        if rows:
            conn.execute(sa.insert(t), rows)


def blocked_periods(engine: sa.Engine, periods: list[Period]) -> dict[str, list[str]]:
    """period key → the checks that stop its publication: failed, or never recorded for
    the figures now stored ("unchecked"). Periods not listed may be published."""
    t = schema.report_checks
    if not periods:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.c.cadence, t.c.period_key, t.c.check_name, t.c.passed).where(
                t.c.period_key.in_(sorted({p.key for p in periods}))
            )
        ).all()
    outcome = {(c, k, name): passed for c, k, name, passed in rows}
    blocked = {}
    for p in periods:
        failed = []
        for name in CHECKS:
            passed = outcome.get((p.cadence, p.key, name))
            if passed is None:
                failed.append(f"{name} (unchecked)")
            elif not passed:
                failed.append(name)
        if failed:
            blocked[p.key] = failed
    return blocked

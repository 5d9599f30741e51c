"""From the response store to finished report documents, for one period at a time.

`ReportBuilder` loads the response store once and builds, per period, the figures of
every centre, district and the city: disclosure rules applied (small cells withheld,
groups counting their centres' shown cells, months and reviews leaving out withheld weeks
that would give themselves away), comparisons with the previous period, the running
average, the district and the city, the trend so far, and the redacted comments where
the group is large enough. Documents of periods
already built are memoised, so a year-long backfill computes each period once.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from dataclasses import dataclass, field

import pandas as pd
import sqlalchemy as sa

from pipelines import warehouse
from pipelines.core import registry
from pipelines.core.periods import Period
from pipelines.figures import comparing, disclosure
from pipelines.figures import groups as figures
from pipelines.warehouse import schema

_COLUMNS = ["response_key", "channel", "centre", "response_date", "questionnaire_version", "language",
            "comment", "comment_status"]  # fmt: skip


def snapshot(engine: sa.Engine) -> dict:
    """The ingestion ledger state the figures were built from."""
    t = schema.ingested_files
    with engine.connect() as conn:
        ledger = conn.execute(sa.select(t.c.path, t.c.sha256).order_by(t.c.path)).all()
        responses = conn.execute(sa.select(sa.func.count()).select_from(schema.responses)).scalar_one()
        last = conn.execute(sa.select(sa.func.max(schema.responses.c.response_date))).scalar_one()
    digest = hashlib.sha256("\n".join(f"{p} {h}" for p, h in ledger).encode()).hexdigest()
    # Derived from the data only, so the same data gives the same snapshot.
    built_from = f"Antworten bis {pd.Timestamp(last):%d.%m.%Y}" if last else "keine Antworten"
    return {"files": len(ledger), "ledger_sha256": digest, "responses": responses, "built_from": built_from}


@dataclass
class Frames:
    responses: pd.DataFrame
    excluded: pd.DataFrame


class ReportBuilder:
    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.survey = registry.survey()
        self.registry = registry.registry()
        self.questionnaire = registry.questionnaire()
        self.rules = disclosure.load_rules()
        self.items = [i.code for i in self.questionnaire.answer_items]
        self.trend_items = [
            c for c in self.questionnaire.common_items() if c in self.questionnaire.scale_codes
        ]
        self.snapshot = snapshot(engine)

    @functools.cached_property
    def frames(self) -> Frames:
        # Never half a rebuild: the store is read while no ingestion writes it.
        with warehouse.exclusive(self.engine, "ingest", shared=True), self.engine.connect() as conn:
            resp = pd.read_sql(sa.select(*[schema.responses.c[c] for c in _COLUMNS + self.items]), conn)
            excl = pd.read_sql(sa.select(schema.excluded_responses), conn)
        for frame in (resp, excl):
            frame["response_date"] = pd.to_datetime(frame["response_date"])
        for code in self.items + ["questionnaire_version"]:
            resp[code] = resp[code].astype("Int16")
        # Few distinct values: categories make the many per-group filters cheap.
        for frame, columns in (
            (resp, ["centre", "channel", "language", "comment_status"]),
            (excl, ["centre", "reason"]),
        ):
            for column in columns:
                frame[column] = frame[column].astype("category")
        return Frames(figures.with_asked(resp, self.questionnaire), excl)

    # ------------------------------------------------------------------ figures

    def _parts(self, period: Period) -> dict[str, list[str]]:
        return disclosure.group_parts(period.start, period.end, self.registry)

    @functools.cache  # noqa: B019 - one builder per run; periods are few
    def raw(self, period: Period) -> dict[str, dict]:
        """Figures of every group of the period, before the disclosure rules."""
        resp, excl = self.frames.responses, self.frames.excluded
        in_period = resp[self._mask(period, resp)]
        ex_period = excl[self._mask(period, excl)]
        parts = self._parts(period)
        city = self.registry.city_code
        districts = parts[city]
        centres = [c for d in districts for c in parts[d]]
        members = {city: centres} | {d: parts[d] for d in districts} | {c: [c] for c in centres}
        split = disclosure.breakdowns(in_period, self.rules, weekday=period.cadence != "weekly")
        raw = figures.centre_figures(in_period, ex_period, period, centres)
        # Districts and the city add up their centres' counts (the same figures as from
        # their rows, without filtering the period's rows once more per group).
        for code in [*districts, city]:
            raw[code] = figures.summed_figures([raw[c] for c in members[code]], period, code)
        return {code: self._broken_down(raw[code], parts_, split) for code, parts_ in members.items()}

    @staticmethod
    def _broken_down(fig: dict, centres: list[str], split: dict[str, dict]) -> dict:
        """The figures with their breakdowns by channel, language and weekday replaced by
        the sums of the centres' breakdowns that single nobody out (`disclosure.breakdowns`)."""
        mine = [split[c] for c in centres if c in split]

        def total(dimension: str, keys) -> dict[str, int]:
            return {k: sum(m[dimension][k] for m in mine) for k in keys}

        fig["responses"] = {"total": fig["responses"]["total"], **total("channel", figures.CHANNELS)}
        fig["by_language"] = total("language", fig["by_language"])
        if "by_weekday" in fig:
            fig["by_weekday"] = total("weekday", fig["by_weekday"])
        withheld = {
            d: n
            for d in ("channel", "language", "weekday")
            if (n := sum(m["withheld"].get(d, 0) for m in mine))
        }
        if withheld:
            fig["breakdowns_withheld"] = withheld
        return fig

    def _mask(self, period: Period, frame: pd.DataFrame) -> pd.Series:
        """Rows of the period's days inside the survey: the first and last month reach
        beyond it (whole weeks), and an answer sent from home after the last day belongs
        to no week, so counting it in the month would single it out (month minus weeks)."""
        dates = frame["response_date"]
        after_last = pd.Timestamp(self.survey.end + dt.timedelta(days=1))
        return period.mask(dates) & (dates >= pd.Timestamp(self.survey.start)) & (dates < after_last)

    @functools.cache  # noqa: B019
    def disclosed(self, period: Period) -> dict[str, dict]:
        """Figures of every group of the period with the disclosure rules applied."""
        return disclosure.protect(
            self.raw(period), self._parts(period), self.rules, left_out=self._left_out(period)
        )

    def survey_weeks(self, period: Period) -> list[Period]:
        """The weeks of the period inside the survey."""
        return [w for w in period.weeks() if self.survey.start <= w.start and w.end <= self.survey.end]

    def _left_out(self, period: Period) -> dict[str, dict[str, list[tuple[str, dict]]]] | None:
        """For a month or review: per centre and item the withheld weeks it leaves out
        (`disclosure.month_left_out`, `disclosure.review_left_out`), with their cells."""
        if period.cadence == "weekly":
            return None
        weeks = self.survey_weeks(period)
        inside = [] if period.cadence == "monthly" else self.months_inside(period, weeks)
        out: dict[str, dict[str, list[tuple[str, dict]]]] = {}
        for centre in self.raw(period):
            if centre not in self.registry.by_code:
                continue
            # (a centre opened or closed during the period has no figures in some weeks)
            open_weeks = [w for w in weeks if centre in self.raw(w)]
            for code in self.raw(period)[centre]["items"]:
                withheld = {
                    w.key: self.raw(w)[centre]["items"][code]
                    for w in open_weeks
                    if disclosure.hidden(self.disclosed(w)[centre]["items"].get(code))
                }
                if not withheld:
                    continue
                if period.cadence == "monthly":
                    keys = disclosure.month_left_out(withheld, self.questionnaire.items[code])
                else:
                    counted = set()
                    for month in inside:
                        cell = (self.disclosed(month).get(centre) or {}).get("items", {}).get(code)
                        if cell is None or cell.get("suppressed"):
                            continue  # a withheld month's pool is not published: a review would give it away
                        dropped = set((cell.get("left_out") or {}).get("weeks", []))
                        counted |= {w.key for w in self.survey_weeks(month) if w.key in withheld} - dropped
                    keys = disclosure.review_left_out(withheld, counted)
                if keys:
                    out.setdefault(centre, {})[code] = [(k, withheld[k]) for k in keys]
        return out

    def months_inside(self, period: Period, weeks: list[Period]) -> list[Period]:
        """The months whose survey weeks all lie in the period."""
        keys = {w.key for w in weeks}
        months = {Period.month_of(w) for w in weeks}
        return sorted(
            (m for m in months if {w.key for w in self.survey_weeks(m)} <= keys), key=lambda m: m.start
        )

    def _earlier(self, period: Period) -> list[Period]:
        """The periods of the same cadence from the survey start up to before `period`."""
        out, p = [], period
        if period.is_review:
            return out
        while True:
            p = p.previous()
            if p.end < self.survey.start:
                return list(reversed(out))
            out.append(p)

    def _trend_periods(self, period: Period) -> list[Period]:
        if not period.is_review:
            return [*self._earlier(period), period]
        # a review's trend: the months inside it (a month the review cuts, March for the
        # mid-term, would publish a part of a month, and with it a withheld week)
        return self.months_inside(period, self.survey_weeks(period))

    # ------------------------------------------------------------------ documents

    def documents(self, period: Period) -> dict[str, dict]:
        """The report documents of a period: one per centre, and one for the city for the reviews."""
        groups = self.disclosed(period)
        parts = self._parts(period)
        city = self.registry.city_code
        district_of = {c: d for d in parts[city] for c in parts[d]}
        earlier = self._earlier(period)
        # (the first period of the survey has nothing before it: no previous period, no
        # running average, rather than empty columns)
        previous = self.disclosed(period.previous()) if earlier else None
        trend_docs = [self.disclosed(p) for p in self._trend_periods(period)]
        generated = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        resp = self.frames.responses
        in_period = resp[self._mask(period, resp)]
        # newest first, as the comments are shown (sorted once, not per centre)
        newest = in_period.sort_values(["response_date", "response_key"], ascending=[False, True])
        by_centre = _comments_by_centre(newest)
        docs = {}
        # City-wide reports are the reviews; weekly and monthly reports go to the centres
        # (the city's weekly and monthly figures stay in the warehouse for comparisons).
        report_groups = [*district_of, city] if period.is_review else list(district_of)
        for code in report_groups:
            doc = dict(groups[code])
            others = {}
            if previous is not None:
                others["previous"] = previous.get(code)
                if running := [past for p in earlier if (past := self.disclosed(p).get(code))]:
                    others["running_average"] = running
            if code != city:
                others["district"] = groups[district_of[code]]
                others["city"] = groups[city]
            comparisons = comparing.comparisons(groups[code], others)
            doc["comparisons"] = {
                name: {
                    "period" if name == "previous" else "name": (
                        period.previous().key
                        if name == "previous"
                        else self._group_name(name, code, district_of)
                    ),  # fmt: skip
                    "items": items,
                }
                for name, items in comparisons.items()
            }
            doc["trend"] = comparing.trend([d[code] for d in trend_docs if code in d], self.trend_items)
            doc["snapshot"] = self.snapshot
            doc["meta"] = {"generated_at": generated}
            if code == city:
                doc["centre_name"] = self.registry.city_name
                doc["centres_overview"] = self._overview(groups, district_of)
                doc["comments_note"] = "Kommentare stehen in den Berichten der einzelnen Kundenzentren."
            else:
                centre = self.registry.by_code[code]
                doc["centre_name"], doc["district"] = centre.name, centre.district
                self._add_comments(doc, period, by_centre.get(code) or _Comments())
            docs[code] = doc
        return docs

    def _group_name(self, comparison: str, code: str, district_of: dict) -> str:
        if comparison == "district":
            return f"Bezirk {district_of[code]}"
        if comparison == "city":
            return self.registry.city_name or self.registry.city_code
        return "bisheriger Durchschnitt"

    def _overview(self, groups: dict, district_of: dict) -> list[dict]:
        rows = []
        for code in district_of:
            cell = groups[code]["items"].get(self.questionnaire.headline) or {}
            rows.append({
                "centre": code,
                "name": self.registry.by_code[code].name,
                "responses": groups[code]["responses"]["total"],
                "top2": cell.get("top2"),
                "suppressed": bool(cell.get("suppressed")),
            })  # fmt: skip
        return rows

    def _add_comments(self, doc: dict, period: Period, mine: _Comments) -> None:
        """The group's published comments from `mine`: what its rows of the period hold."""
        if not disclosure.comments_allowed(doc, self.rules):
            doc["comments_note"] = (
                f"Kommentare werden erst ab {self.rules.min_responses_for_comments} Antworten im Zeitraum gezeigt."
            )
            return
        rows = mine.published
        limit = registry.report_settings().max_comments[period.cadence]
        # (the label needs 5 speakers of the language in the group's period, whether or not
        # its weeks are broken down by language: "5 or more" singles nobody out)
        speakers = {"by_language": mine.languages}
        doc["comments"] = [
            {"text": t, "language": disclosure.comment_language(lang, speakers, self.rules)}
            for t, lang in rows[:limit]
        ]
        held = mine.held
        notes = []
        if len(rows) > limit:
            notes.append(f"Gezeigt werden die {limit} neuesten von {len(rows)} Kommentaren.")
        if held:
            notes.append(
                f"{held} Kommentar(e) wurden zurückgehalten, weil sie auch nach dem Schwärzen noch persönliche Angaben enthalten könnten."
            )
        if rows or notes:
            doc["comments_note"] = " ".join(notes) if notes else None
        if doc.get("comments_note") is None:
            doc.pop("comments_note", None)


@dataclass
class _Comments:
    """A group's rows of a period as its comments block needs them."""

    published: list[tuple[str, str]] = field(default_factory=list)  # (text, language), newest first
    languages: dict[str, int] = field(default_factory=dict)  # respondents per language
    held: int = 0  # comments held back after redaction


def _comments_by_centre(rows: pd.DataFrame) -> dict[str, _Comments]:
    """`_Comments` per centre of a period's rows (in their order): one pass over plain
    values rather than a filtered frame per centre."""
    out: dict[str, _Comments] = {}
    columns = [rows[c].tolist() for c in ("centre", "comment_status", "comment", "language")]
    for centre, status, text, language in zip(*columns, strict=True):
        mine = out.get(centre) or out.setdefault(centre, _Comments())
        mine.languages[str(language)] = mine.languages.get(str(language), 0) + 1
        if status == "published":
            mine.published.append((text, language))
        elif status == "held_back":
            mine.held += 1
    return out


def canonical_json(doc: dict) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str)

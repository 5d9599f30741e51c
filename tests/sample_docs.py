"""Hand-built figures documents for rendering tests and benchmarks.

`sample_doc()` returns a realistic report document (`shared/spec/report-figures.md`
plus the extra sections) whose figures are consistent: n, mean, top-two share and
its Wilson interval are computed from the counts, rounded as the spec says.
"""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

# Answer counts 1..5 and "cannot judge" per scale item: a centre doing well with
# a waiting-time problem. Weekly figures; other cadences scale them up.
SCALE_COUNTS = {
    "Q01": ((30, 20, 3, 1, 1), 1),
    "Q03_SQ001": ((38, 14, 2, 0, 1), 1),
    "Q03_SQ002": ((33, 16, 4, 1, 0), 2),
    "Q03_SQ003": ((22, 19, 8, 4, 2), 1),
    "Q04": ((12, 18, 11, 8, 6), 1),
    "Q05_SQ001": ((20, 22, 7, 3, 1), 3),
    "Q05_SQ002": ((15, 21, 12, 4, 2), 2),
    "Q05_SQ003": ((26, 20, 5, 2, 1), 2),
    "Q05_SQ004": ((18, 15, 6, 2, 1), 14),
    "Q07": ((14, 16, 10, 7, 5), 4),
}
CATEGORICAL_COUNTS = {"Q02": (40, 10, 4), "Q06": (28, 17, 4, 6), "Q08": (44, 9)}
VERSION_1 = (
    "Q01",
    "Q02",
    "Q03_SQ001",
    "Q03_SQ002",
    "Q03_SQ003",
    "Q04",
    "Q05_SQ001",
    "Q05_SQ002",
    "Q05_SQ003",
    "Q05_SQ004",
    "Q06",
)
VERSION_2_ONLY = ("Q07", "Q08")
CENTRES = {
    "altona": ("Kundenzentrum Altona", "Altona"),
    "mitte": ("Kundenzentrum Hamburg-Mitte", "Hamburg-Mitte"),
    "blankenese": ("Kundenzentrum Blankenese", "Altona"),
}
OVERVIEW = (
    ("mitte", "Kundenzentrum Hamburg-Mitte", 3012, 0.8412),
    ("billstedt", "Kundenzentrum Billstedt", 1588, 0.8011),
    ("wilhelmsburg", "Kundenzentrum Wilhelmsburg", 1204, 0.7744),
    ("finkenwerder", "Kundenzentrum Finkenwerder", 341, None),
    ("altona", "Kundenzentrum Altona", 2601, 0.8873),
    ("blankenese", "Kundenzentrum Blankenese", 498, 0.9132),
    ("eimsbuettel", "Kundenzentrum Eimsbüttel", 1795, 0.8650),
    ("lokstedt", "Kundenzentrum Lokstedt", 902, 0.8801),
    ("niendorf", "Kundenzentrum Niendorf", 911, 0.8933),
    ("nord", "Kundenzentrum Hamburg-Nord", 1702, 0.8245),
    ("barmbek", "Kundenzentrum Barmbek", 1490, 0.8390),
    ("langenhorn", "Kundenzentrum Langenhorn", 788, 0.8702),
    ("wandsbek", "Kundenzentrum Wandsbek", 2790, 0.8104),
    ("rahlstedt", "Kundenzentrum Rahlstedt", 1301, 0.8566),
    ("bramfeld", "Kundenzentrum Bramfeld", 1099, 0.8290),
    ("alstertal", "Kundenzentrum Alstertal", 1003, 0.9010),
    ("bergedorf", "Kundenzentrum Bergedorf", 2205, 0.8477),
    ("harburg", "Kundenzentrum Harburg", 2398, 0.7902),
    ("suederelbe", "Kundenzentrum Süderelbe", 452, 0.8555),
)
COMMENTS = [
    {"text": "Sehr freundliche Beratung, [NAME] hat mir alles gut erklärt.", "language": "de"},
    {"text": "Die Wartezeit war viel zu lang, über eine Stunde trotz Termin!", "language": "de"},
    {
        "text": "Bitte mehr Sitzplätze im Wartebereich.\nUnd die Toiletten waren geschlossen.",
        "language": "de",
    },
    {"text": "Quick and friendly, thank you. Call me at [TELEFON] if needed.", "language": "en"},
    {"text": "Çok hızlı ve güler yüzlü bir hizmetti, teşekkürler.", "language": "tr"},
    {"text": "Die Beschilderung im Eingangsbereich ist verwirrend; der Aufzug war defekt.", "language": "de"},
]
BERLIN = ZoneInfo("Europe/Berlin")
SNAPSHOT = {
    "files": 412,
    "ledger_sha256": "3f5a9c0e1b7d44a2a6c1f0e9d8b7a6c5f4e3d2c1b0a99887766554433221100f",
    "responses": 2601,
    "built_from": "Lieferungen bis 20.09.2020",
}


def wilson(successes: int, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    margin = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return round(centre - margin, 4), round(centre + margin, 4)


def scale_item(counts: tuple[int, ...], cannot_judge: int) -> dict:
    n = sum(counts)
    top = counts[0] + counts[1]
    return {
        "n": n,
        "cannot_judge": cannot_judge,
        "counts": {str(i + 1): c for i, c in enumerate(counts)},
        "mean": round(sum((i + 1) * c for i, c in enumerate(counts)) / n, 2),
        "top2": round(top / n, 4),
        "top2_ci": list(wilson(top, n)),
        "suppressed": False,
    }


def categorical_item(counts: tuple[int, ...]) -> dict:
    return {"n": sum(counts), "counts": {str(i + 1): c for i, c in enumerate(counts)}, "suppressed": False}


def suppress(figures: dict, kind: str) -> dict:
    out = dict(figures, suppressed=True, suppression=kind, counts=None)
    if "top2" in figures:
        out.update(mean=None, top2=None, top2_ci=None)
    return out


def _period(cadence: str, week: str) -> tuple[dict, list[str], list[str]]:
    """The period, the item codes of its questionnaire(s), and its trend keys."""
    if cadence == "weekly":
        year, number = int(week[:4]), int(week[-2:])
        start = dt.date.fromisocalendar(year, number, 1)
        first = dt.date(2020, 9, 14)
        keys, day = [], first
        while day <= start:
            iso = day.isocalendar()
            keys.append(f"{iso.year}-W{iso.week:02d}")
            day += dt.timedelta(days=7)
        codes = (
            list(VERSION_1)
            if start < dt.date(2021, 1, 11)
            else [c for c in VERSION_1 if c != "Q06"] + list(VERSION_2_ONLY)
        )
        return (
            {"key": week, "start": start.isoformat(), "end": (start + dt.timedelta(days=6)).isoformat()},
            codes,
            keys,
        )
    if cadence == "monthly":
        return (
            {"key": "2020-10", "start": "2020-10-01", "end": "2020-10-31"},
            list(VERSION_1),
            ["2020-09", "2020-10"],
        )
    end = "2021-03-14" if cadence == "midterm" else "2021-09-12"
    months = ["2020-09", "2020-10", "2020-11", "2020-12", "2021-01", "2021-02", "2021-03"]
    if cadence == "final":
        months += ["2021-04", "2021-05", "2021-06", "2021-07", "2021-08", "2021-09"]
    return {"key": cadence, "start": "2020-09-14", "end": end}, list(VERSION_1) + list(VERSION_2_ONLY), months


def _trend(keys: list[str], current: dict) -> list[dict]:
    shares = (0.84, 0.86, 0.81, None, 0.88, 0.83, 0.79, 0.85, 0.87, 0.9, 0.86, 0.82, 0.89)
    out = []
    for i, key in enumerate(keys[:-1]):
        top2 = shares[i % len(shares)]
        n = 3 if top2 is None else 48 + (i * 7) % 15
        out.append({"period": key, "items": {"Q01": {"n": n, "top2": top2}}})
    q01 = current["items"].get("Q01", {})
    out.append({"period": keys[-1], "items": {"Q01": {"n": q01.get("n"), "top2": q01.get("top2")}}})
    return out


def _comparison(items: dict, reference: dict, significant: dict) -> dict:
    out = {}
    for code, figures in items.items():
        if "top2" not in figures:
            continue
        value = reference.get(code, 0.85)
        top2 = figures["top2"]
        delta = None if top2 is None else round(top2 - value, 4)
        is_significant = code in significant and top2 is not None
        p = significant.get(code, 0.41)
        out[code] = {
            "top2": value,
            "delta": delta,
            "p": None if delta is None else p,
            "p_adjusted": None if delta is None else min(1.0, p * 4),
            "significant": is_significant,
            "direction": None if not is_significant else "up" if delta > 0 else "down",
        }
    return out


def sample_doc(
    cadence: str = "weekly",
    suppressed=("Q05_SQ004",),
    centre: str = "altona",
    week: str = "2020-W38",
    comments: bool = True,
) -> dict:
    """A figures document for `centre` (or `hamburg`) and `cadence`.

    The first code in `suppressed` is withheld for too few answers (primary
    suppression, its n drops to 3); any further codes are withheld to protect it
    (complementary suppression, n kept).
    """
    period, codes, trend_keys = _period(cadence, week)
    factor = {"weekly": 1, "monthly": 4, "midterm": 40, "final": 90}[cadence] * (
        19 if centre == "hamburg" else 1
    )
    items = {}
    for code in codes:
        if code in SCALE_COUNTS:
            counts, cannot_judge = SCALE_COUNTS[code]
            items[code] = scale_item(tuple(c * factor for c in counts), cannot_judge * factor)
        else:
            items[code] = categorical_item(tuple(c * factor for c in CATEGORICAL_COUNTS[code]))
    for i, code in enumerate(suppressed):
        if code not in items:
            continue
        if i == 0:
            items[code] = suppress(dict(items[code], n=3), "primary")
        else:
            items[code] = suppress(items[code], "complementary")
    tablet, web = 31 * factor, 26 * factor
    doc = {
        "schema": "survey-report-figures/1",
        "centre": centre,
        "cadence": cadence,
        "period": period,
        "responses": {"total": tablet + web, "tablet": tablet, "web": web},
        "items": items,
    }
    if centre == "hamburg":
        doc["centre_name"] = "Freie und Hansestadt Hamburg"
        doc["comments_note"] = "Kommentare stehen in den Berichten der einzelnen Kundenzentren."
        doc["centres_overview"] = [
            {"centre": c, "name": name, "responses": r, "top2": t, "suppressed": t is None}
            for c, name, r, t in OVERVIEW
        ]
    else:
        doc["centre_name"], doc["district"] = CENTRES.get(
            centre, (f"Kundenzentrum {centre.title()}", centre.title())
        )
    doc["excluded"] = {"misuse": 2 * factor, "unfinished": 5 * factor}
    doc["by_language"] = {"de": 49 * factor, "en": 5 * factor, "tr": 3 * factor}
    if cadence != "weekly":
        doc["by_weekday"] = {
            "Mo": 12 * factor,
            "Di": 13 * factor,
            "Mi": 9 * factor,
            "Do": 14 * factor,
            "Fr": 8 * factor,
            "Sa": 1 * factor,
            "So": 0,
        }
    doc["questionnaire_versions"] = (
        [1, 2] if "Q07" in items and "Q06" in items else [2] if "Q07" in items else [1]
    )
    comparisons = {}
    if len(trend_keys) > 1 and cadence in ("weekly", "monthly"):
        comparisons["previous"] = {
            "period": trend_keys[-2],
            "items": _comparison(items, {"Q04": 0.38, "Q01": 0.86}, {"Q04": 0.0021}),
        }
        comparisons["running_average"] = {
            "name": "bisheriger Durchschnitt",
            "items": _comparison(items, {"Q04": 0.47}, {}),
        }
    if centre != "hamburg":
        comparisons["district"] = {
            "name": f"Bezirk {doc['district']}",
            "items": _comparison(items, {"Q04": 0.71, "Q03_SQ001": 0.9}, {"Q04": 0.0004}),
        }
        comparisons["city"] = {
            "name": "Freie und Hansestadt Hamburg",
            "items": _comparison(
                items, {"Q04": 0.69, "Q01": 0.85, "Q03_SQ001": 0.88}, {"Q04": 0.0011, "Q03_SQ001": 0.031}
            ),
        }
    doc["comparisons"] = comparisons
    doc["trend"] = _trend(trend_keys, doc)
    doc["snapshot"] = dict(SNAPSHOT)
    if centre == "hamburg":
        pass  # city reports carry no comments, only the note
    elif comments:
        doc["comments"] = [dict(c) for c in COMMENTS]
    else:
        doc["comments_note"] = "weniger als 10 Antworten"
    # built the morning after the period
    built = dt.datetime.combine(dt.date.fromisoformat(period["end"]) + dt.timedelta(days=1), dt.time(6, 15))
    doc["snapshot"]["built_from"] = f"Lieferungen bis {dt.date.fromisoformat(period['end']):%d.%m.%Y}"
    doc["meta"] = {"generated_at": built.replace(tzinfo=BERLIN).isoformat()}
    return doc

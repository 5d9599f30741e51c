"""Why figures are not shown, in words: the disclosure thresholds the texts quote
(`config/disclosure.yaml`), the reason an item or a trend point is withheld, and the
withheld weeks whose answers a month or review does not count."""

from __future__ import annotations

import functools
from pathlib import Path

from pipelines.core import registry
from pipelines.figures import disclosure
from pipelines.reports.formatting import period_name


@functools.lru_cache(maxsize=4)
def _thresholds(directory: str) -> dict[str, int]:
    rules = disclosure.load_rules(Path(directory))
    return {"min_valid": rules.min_valid_answers, "min_comments": rules.min_responses_for_comments}


def thresholds() -> dict[str, int]:
    """The disclosure thresholds the texts quote (`config/disclosure.yaml`)."""
    return _thresholds(str(registry.config_dir()))


def suppression_reason(figures: dict) -> str:
    kind = figures.get("suppression")
    if kind == "primary":
        return f"weniger als {thresholds()['min_valid']} Antworten"
    if kind == "complementary":
        return "zum Schutz anderer Werte"
    return "Datenschutz"


def reasons_text(reasons: list[str]) -> str:
    """ "2 mit weniger als 5 Antworten, 1 zum Schutz anderer Werte": how many for each reason."""
    counts: dict[str, int] = {}
    for reason in reasons:
        counts[reason] = counts.get(reason, 0) + 1
    return ", ".join(f"{n} {'mit ' if r.startswith('weniger') else ''}{r}" for r, n in counts.items())


def gap_reason(figures: dict) -> str:
    """Why a trend point is missing: not asked, no answers, or withheld (and why)."""
    if not figures or figures.get("n") is None:
        return "Frage nicht gestellt"
    if figures.get("n") == 0:
        return "keine Antworten"
    if not figures.get("suppression") and figures["n"] < thresholds()["min_valid"]:
        return suppression_reason({"suppression": "primary"})
    return suppression_reason(figures)


def suppression_text(figures: dict) -> str:
    return f"unterdrückt – {suppression_reason(figures)}"


def left_out(figures: dict) -> str | None:
    """ "KW 52/2020 und KW 53/2020": the withheld weeks whose answers a month or review does
    not count (pipelines.figures.disclosure), None when it counts them all."""
    weeks = [period_name(k) for k in (figures.get("left_out") or {}).get("weeks") or []]
    if not weeks:
        return None
    if len(weeks) > 4:
        return f"{len(weeks)} Wochen"
    return weeks[0] if len(weeks) == 1 else f"{', '.join(weeks[:-1])} und {weeks[-1]}"


def left_out_text(rows: list[dict]) -> str | None:
    """ "KW 52/2020 (9 Fragen), KW 52/2020 und KW 53/2020 (2 Fragen)": where answers are not counted."""
    by_weeks: dict[str, int] = {}
    for row in rows:
        if row["left_out"]:
            by_weeks[row["left_out"]] = by_weeks.get(row["left_out"], 0) + 1
    parts = [f"{w} ({n} {'Frage' if n == 1 else 'Fragen'})" for w, n in by_weeks.items()]
    return "; ".join(parts) or None

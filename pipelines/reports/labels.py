"""What a report calls things: items and their answers as the questionnaire
(`config/questionnaire.yaml`) names them, the centre or the city, and the report's title."""

from __future__ import annotations

from pipelines.core import periods, registry
from pipelines.reports.formatting import REPORT_NAMES, period_name


def item_label(code: str) -> str:
    item = registry.questionnaire().items.get(code)
    return item.label if item else code


def answer_labels(code: str, keys) -> dict[str, str]:
    item = registry.questionnaire().items.get(code)
    labels = item.labels if item else {}
    return {k: labels.get(int(k), k) if k.isdigit() else k for k in keys}


def is_scale(code: str, figures: dict) -> bool:
    item = registry.questionnaire().items.get(code)
    return item.kind == "scale" if item else "top2" in figures


def ordered_codes(codes) -> list[str]:
    order = {c: i for i, c in enumerate(registry.questionnaire().items)}
    return sorted(codes, key=lambda c: (order.get(c, len(order)), c))


def area_name(doc: dict) -> str:
    """The centre's name (or the city's) as the title shows it."""
    if doc.get("centre_name"):
        return str(doc["centre_name"])
    reg = registry.registry()
    if doc["centre"] == reg.city_code:
        return reg.city_name or "Stadt gesamt"
    centre = reg.by_code.get(doc["centre"])
    return centre.name if centre else str(doc["centre"])


def report_title(doc: dict) -> str:
    """`Kundenbefragung – Wochenbericht KW 38/2020, Kundenzentrum Altona`."""
    name = REPORT_NAMES.get(doc["cadence"], "Bericht")
    if doc["cadence"] not in periods.REVIEWS:
        name = f"{name} {period_name(doc['period']['key'])}"
    return f"Kundenbefragung – {name}, {area_name(doc)}"

"""Answers to the coded items: realistic, correlated, with planted dips.

Each visit has a latent satisfaction z; every scale item is z plus item noise,
cut into the five answer codes. That makes items correlate the way real ones do
(a long wait drags the overall rating down) and keeps ~90 % top-two on Q01.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from pipelines.core.periods import week_key
from pipelines.core.registry import Item, Questionnaire


@dataclass(frozen=True)
class Dip:
    """A stretch of weeks in which one centre's named items drop clearly."""

    centre: str
    first: dt.date
    last: dt.date
    items: dict[str, float]  # item code -> drop of its latent value (in standard deviations)
    cause: str

    def covers(self, centre: str, day: dt.date) -> bool:
        return centre == self.centre and self.first <= day <= self.last

    def weeks(self) -> list[str]:
        days = (self.last - self.first).days + 1
        return sorted({week_key(self.first + dt.timedelta(days=i)) for i in range(days)})


DIPS = (
    Dip(
        "billstedt",
        dt.date(2020, 11, 2),
        dt.date(2020, 11, 22),
        {"Q04": 1.1, "Q03_SQ003": 1.3},
        "staff shortage",
    ),
    Dip(
        "wandsbek",
        dt.date(2021, 2, 8),
        dt.date(2021, 2, 28),
        {"Q04": 1.0, "Q05_SQ001": 1.4},
        "waiting-number display broken",
    ),
)

LOADING = 0.8  # share of an item's latent value that is the visit's satisfaction
# Item levels relative to the overall rating: staff is liked, waiting less so.
ITEM_OFFSET = {
    "Q03_SQ001": 0.35,
    "Q03_SQ002": 0.15,
    "Q03_SQ003": -0.1,
    "Q04": -0.45,
    "Q05_SQ001": -0.1,
    "Q05_SQ002": -0.25,
    "Q07": -0.5,
}
# Cumulative shares of codes 1, 1-2, 1-3, 1-4 for an item at offset 0.
_SCALE_CUTS = np.array([NormalDist().inv_cdf(1 - p) for p in (0.55, 0.90, 0.96, 0.985)])
# "Cannot judge" (99): accessibility and appointment lead time are often not experienced.
CANNOT_JUDGE = {"Q01": 0.004, "Q03_SQ002": 0.03, "Q05_SQ004": 0.15, "Q07": 0.12}
CANNOT_JUDGE_DEFAULT = 0.015
NONRESPONSE = 0.02  # an item left out
# Categorical items: shares of codes 1.., and whether code 1 is the "good" end
# (then the answer follows the latent satisfaction). Unlisted ones are uniform.
CATEGORICAL = {
    "Q02": ((0.84, 0.10, 0.06), True),
    "Q06": ((0.42, 0.33, 0.09, 0.16), False),
    "Q08": ((0.86, 0.14), True),
}


def dip_drops(centre: str, day: dt.date) -> dict[str, float]:
    drops: dict[str, float] = {}
    for dip in DIPS:
        if dip.covers(centre, day):
            for item, drop in dip.items.items():
                drops[item] = drops.get(item, 0.0) + drop
    return drops


def _categorical(rng: np.random.Generator, item: Item, z: np.ndarray) -> np.ndarray:
    shares, ordered = CATEGORICAL.get(item.code, ((1 / len(item.valid),) * len(item.valid), False))
    codes = np.array(item.valid[: len(shares)])
    n = len(z)
    if not ordered:
        return rng.choice(codes, size=n, p=np.array(shares) / sum(shares))
    x = 0.6 * z + 0.8 * rng.standard_normal(n)
    cuts = [NormalDist().inv_cdf(1 - c) for c in np.cumsum(shares)[:-1]]
    return codes[np.sum([x <= c for c in cuts], axis=0)] if cuts else np.full(n, codes[0])


def draw(
    rng: np.random.Generator,
    questionnaire: Questionnaire,
    versions: np.ndarray,
    level: np.ndarray,
    drops: list[dict[str, float]],
    abandon: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Answers of n visits: an (n, answer items) int array, 0 where not answered, and z.

    level: each visit's centre level; drops: each visit's dip drops; abandon: True
    where the visitor stops part-way (tablet only: the web has "unfinished" instead).
    """
    items = questionnaire.answer_items
    n = len(versions)
    z = level + rng.standard_normal(n)
    out = np.zeros((n, len(items)), dtype=np.int16)
    for j, item in enumerate(items):
        if item.kind == "scale":
            shift = np.array([d.get(item.code, 0.0) for d in drops]) if any(drops) else 0.0
            x = LOADING * z + 0.6 * rng.standard_normal(n) + ITEM_OFFSET.get(item.code, 0.0) - shift
            codes = 1 + np.sum(x[:, None] <= _SCALE_CUTS[None, :], axis=1)
            if item.cannot_judge is not None:
                p = CANNOT_JUDGE.get(item.code, CANNOT_JUDGE_DEFAULT)
                codes = np.where(rng.random(n) < p, item.cannot_judge, codes)
        else:
            codes = _categorical(rng, item, z)
        out[:, j] = codes
    # The first answered item is always kept: a completion with no answer at all is not one.
    keep_first = out[:, 0].copy()
    for number in np.unique(versions):
        present = np.array([i.code in questionnaire.version(int(number)).items for i in items])
        out[versions == number] *= present
    out[rng.random(out.shape) < NONRESPONSE] = 0
    stop = rng.integers(1, len(items), size=n)
    out[abandon[:, None] & (np.arange(len(items))[None, :] >= stop[:, None])] = 0
    empty = ~out.any(axis=1)
    out[empty, 0] = keep_first[empty]
    return out, z

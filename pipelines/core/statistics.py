"""Small, dependency-free statistics for the report figures.

- `wilson`: the 95% Wilson score interval of a share (the `top2_ci` of the figures),
- `newcombe`: the 95% interval of a difference of two shares (Newcombe's hybrid score),
- `two_proportion_p`: the two-sided p-value of the pooled two-proportion z-test,
- `fisher_p`: the two-sided p-value of Fisher's exact test of the same 2x2 table,
- `proportion_test`: which of the two applies (Cochran's rule: every expected count >= 5
  for the z-test, else Fisher) and its p-value,
- `holm`: Holm–Bonferroni adjustment of a family of p-values,
- `half_up`: a share or mean rounded once, half away from zero, from its exact fraction.

Only the standard library is used (`math`; `fractions` and `decimal` for exact
rounding), so the functions are exact to double precision and fast enough to be called
for every centre, period and item.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

Z95 = 1.959964  # two-sided 95% quantile of the standard normal distribution


def half_up(value: Fraction | int | float, digits: int) -> float:
    """`value` rounded to `digits` decimals, half away from zero, computed exactly:
    26/16 = 1.625 -> 1.63 and 29/32 = 0.90625 -> 0.9063, where `round` on the float gives
    1.62 and 0.9062 (binary floats and half-to-even). A float counts as the decimal it
    prints as ("0.12345" is 0.12345, not the binary number nearest to it)."""
    if isinstance(value, float) and math.isfinite(value):
        # (Decimal parses the printed digits in C; Fraction(repr) by a regex, ten times slower)
        num, den = Decimal(repr(value)).as_integer_ratio()
    else:
        exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
        num, den = exact.numerator, exact.denominator
    whole, rest = divmod(abs(num) * 10**digits, den)
    if 2 * rest >= den:
        whole += 1
    return math.copysign(whole / 10**digits, num) if whole else 0.0


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """Wilson score interval of the share successes/n (unrounded); None for n = 0.

    centre = (p + z²/2n) / (1 + z²/n), half-width = z·sqrt(p(1-p)/n + z²/4n²) / (1 + z²/n),
    clipped to [0, 1] against floating-point noise at p = 0 and p = 1.
    """
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError(f"successes must lie between 0 and n, got {successes} of {n}")
    p = successes / n
    z2 = z * z
    denom = 1 + z2 / n
    centre = (p + z2 / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(x1: int, n1: int, x2: int, n2: int, z: float = Z95) -> tuple[float, float] | None:
    """95% interval of the difference x1/n1 - x2/n2 by Newcombe's hybrid score method
    (Newcombe 1998, method 10), built from the two Wilson intervals (l1, u1), (l2, u2):
    d - sqrt((p1 - l1)² + (u2 - p2)²) to d + sqrt((u1 - p1)² + (p2 - l2)²). Unlike the
    Wald interval it stays inside [-1, 1] and keeps its coverage for 5 to 50 answers
    and for shares of 0 or 1. None when a group is empty."""
    a, b = wilson(x1, n1, z), wilson(x2, n2, z)
    if a is None or b is None:
        return None
    p1, p2 = x1 / n1, x2 / n2
    d = p1 - p2
    low = d - math.sqrt((p1 - a[0]) ** 2 + (b[1] - p2) ** 2)
    high = d + math.sqrt((a[1] - p1) ** 2 + (p2 - b[0]) ** 2)
    return max(-1.0, low), min(1.0, high)


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x2/n2.

    z = (p1 - p2) / sqrt(p̂(1-p̂)(1/n1 + 1/n2)) with the pooled share p̂ = (x1+x2)/(n1+n2);
    p = P(|Z| >= |z|) = erfc(|z|/√2). None when a group is empty or p̂ is 0 or 1 (no
    variance: both groups agree completely, there is nothing to test).
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    if pooled <= 0 or pooled >= 1:
        return None
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    z = (x1 / n1 - x2 / n2) / se
    return min(1.0, math.erfc(abs(z) / math.sqrt(2)))


def fisher_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of Fisher's exact test of x1/n1 against x2/n2: the probability,
    with the margins fixed (hypergeometric), of every table no more likely than the one
    seen. None when a group is empty or all answers agree. 5/6 against 49/49: only the
    table seen is that unlikely, p = C(54,5)·C(1,1)/C(55,6) = 6/55 = 0.109."""
    if n1 <= 0 or n2 <= 0:
        return None
    total, successes = n1 + n2, x1 + x2
    if successes in (0, total):
        return None

    def log_pmf(x: int) -> float:
        return _log_choose(successes, x) + _log_choose(total - successes, n1 - x) - _log_choose(total, n1)

    seen = log_pmf(x1)
    low, high = max(0, successes - n2), min(successes, n1)
    # (a relative tolerance, as R and SciPy use, so that equally likely tables count)
    p = sum(math.exp(lp) for x in range(low, high + 1) if (lp := log_pmf(x)) <= seen + 1e-7)
    return min(1.0, p)


def _log_choose(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def proportion_test(x1: int, n1: int, x2: int, n2: int) -> tuple[float | None, str | None]:
    """(p-value, "z" or "fisher") for x1/n1 against x2/n2. The z-test where every expected
    count of the 2x2 table is at least 5 (Cochran's rule), Fisher's exact test otherwise;
    (None, None) where no test is possible (an empty group, or all answers agree)."""
    if n1 <= 0 or n2 <= 0:
        return None, None
    pooled = Fraction(x1 + x2, n1 + n2)
    if pooled in (0, 1):
        return None, None
    expected = min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled))
    if expected >= 5:
        return two_proportion_p(x1, n1, x2, n2), "z"
    return fisher_p(x1, n1, x2, n2), "fisher"


def holm(pvalues: Sequence[float | None]) -> list[float | None]:
    """Holm–Bonferroni adjusted p-values, in the order given.

    With the m non-None p-values sorted ascending p(1) <= … <= p(m), the adjusted value
    of p(i) is max_{j<=i} min(1, (m - j + 1)·p(j)): monotone in the raw order and capped
    at 1. None entries (no test possible) pass through and do not count towards m.
    """
    indexed = sorted((p, i) for i, p in enumerate(pvalues) if p is not None)
    m = len(indexed)
    out: list[float | None] = [None] * len(pvalues)
    running = 0.0
    for rank, (p, i) in enumerate(indexed):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out

"""Hand-computed checks of the statistics behind the report figures."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import pytest

from pipelines.core.statistics import Z95, fisher_p, half_up, holm, proportion_test, two_proportion_p, wilson

Z2 = Z95 * Z95  # 3.841459


def test_wilson_matches_the_spec_example_50_of_55():
    # report-figures.md: 50 of 55 satisfied -> top2 0.9091, top2_ci [0.8042, 0.9605].
    # p = 0.909091; z²/n = 0.069845 -> denom 1.069845
    # centre = (0.909091 + 3.841459/110) / 1.069845 = 0.944013 / 1.069845 = 0.882384
    # half = 1.959964 * sqrt(0.082645/55 + 3.841459/12100) / 1.069845
    #      = 1.959964 * sqrt(0.0015026 + 0.00031748) / 1.069845 = 0.078159
    lo, hi = wilson(50, 55)
    assert round(lo, 4) == 0.8042
    assert round(hi, 4) == 0.9605
    assert lo == pytest.approx(0.882384 - 0.078159, abs=1e-5)


def test_wilson_of_nothing_is_none():
    assert wilson(0, 0) is None


def test_wilson_all_successes():
    # 5 of 5: p = 1 -> lower bound n/(n + z²) = 5/8.841459 = 0.565518, upper bound 1.
    lo, hi = wilson(5, 5)
    assert lo == pytest.approx(5 / (5 + Z2), abs=1e-9)
    assert round(lo, 4) == 0.5655
    assert hi == 1.0


def test_wilson_no_success():
    # 0 of 10: lower bound 0, upper bound z²/(n + z²) = 3.841459/13.841459 = 0.277533.
    lo, hi = wilson(0, 10)
    assert lo == 0.0
    assert hi == pytest.approx(Z2 / (10 + Z2), abs=1e-9)


@pytest.mark.parametrize("n", [7, 9, 14, 17])
def test_wilson_bounds_stay_within_zero_and_one(n):
    # For 0 of 7 the formula gives centre - half = -2.8e-17 in floating point: clipped to 0.
    assert wilson(0, n)[0] == 0.0
    assert all(0.0 <= b <= 1.0 for b in wilson(n, n))


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson(6, 5)


def test_two_proportion_z_equal_to_two():
    # 30/50 against 20/50: pooled 0.5, se = sqrt(0.25 * (1/50 + 1/50)) = sqrt(0.01) = 0.1,
    # z = (0.6 - 0.4)/0.1 = 2 -> p = 2 * (1 - Phi(2)) = 2 * 0.0227501 = 0.0455003.
    assert two_proportion_p(30, 50, 20, 50) == pytest.approx(0.0455003, abs=1e-7)
    # symmetric in the groups
    assert two_proportion_p(20, 50, 30, 50) == pytest.approx(0.0455003, abs=1e-7)


def test_two_proportion_z_equal_to_the_95_percent_quantile():
    # 60/100 against 40/100: pooled 0.5, se = sqrt(0.25 * 0.02) = 0.0707107,
    # z = 0.2/0.0707107 = 2.828427 -> p = erfc(2) = 0.0046777.
    assert two_proportion_p(60, 100, 40, 100) == pytest.approx(0.0046777, abs=1e-7)


def test_two_proportion_spec_example_against_40_of_55():
    # 50/55 against 40/55: pooled 90/110 = 0.818182, se = sqrt(0.818182*0.181818*2/55) = 0.073549,
    # z = (0.909091 - 0.727273)/0.073549 = 2.472066 -> p = 0.013433.
    assert two_proportion_p(50, 55, 40, 55) == pytest.approx(0.013433, abs=1e-6)


def test_two_proportion_equal_shares_give_one():
    assert two_proportion_p(10, 20, 25, 50) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "args",
    [(0, 0, 3, 10), (3, 10, 0, 0), (5, 5, 7, 7), (0, 5, 0, 7)],
    ids=["first-empty", "second-empty", "pooled-one", "pooled-zero"],
)
def test_two_proportion_untestable_is_none(args):
    assert two_proportion_p(*args) is None


def test_holm_adjusts_in_rank_order_and_stays_monotone():
    # sorted: 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> max(0.06, 0.04) = 0.06
    assert holm([0.01, 0.04, 0.03, 0.005]) == pytest.approx([0.03, 0.06, 0.06, 0.02])


def test_holm_caps_at_one_and_passes_none_through():
    # m = 2 (None does not count): 0.3*2 = 0.6, then max(0.6, 0.7*1) = 0.7; 0.6*... capped cases below
    assert holm([None, 0.3, 0.7]) == pytest.approx([None, 0.6, 0.7])
    assert holm([0.6, 0.9]) == [1.0, 1.0]  # 0.6*2 = 1.2 -> 1, then max(1, 0.9) = 1
    assert holm([]) == []
    assert holm([None]) == [None]


def test_holm_single_value_unchanged():
    assert holm([0.0123]) == [0.0123]


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (Fraction(26, 16), 2, 1.63),  # 1.625: round() on the float gives 1.62
        (Fraction(63, 40), 2, 1.58),  # 1.575 is 1.57499999... as a float
        (Fraction(29, 32), 4, 0.9063),  # 0.90625: half-to-even gives 0.9062
        (Fraction(-29, 32), 4, -0.9063),  # half away from zero, also below zero
        (Fraction(6, 11), 4, 0.5455),  # 0.545454...
        (Fraction(1, 3), 4, 0.3333),
        (Fraction(1, 20000), 4, 0.0001),  # 0.00005 exactly
        (Fraction(0), 4, 0.0),
        (0.12345, 4, 0.1235),  # a float counts as the decimal it prints as
        (2, 2, 2.0),
    ],
)
def test_half_up_rounds_the_exact_fraction_once(value, digits, expected):
    assert half_up(value, digits) == expected


def _half_up_by_fraction(value, digits: int) -> float:
    """The definition, through Fraction alone (as half_up computed it before it read floats
    with Decimal)."""
    exact = Fraction(repr(value)) if isinstance(value, float) else Fraction(value)
    scaled = abs(exact) * 10**digits
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    whole += 2 * rest >= scaled.denominator
    return math.copysign(whole / 10**digits, exact) if whole else 0.0


def test_half_up_of_a_float_is_the_rounded_decimal_it_prints_as():
    rnd = random.Random(12)
    floats = [rnd.uniform(-10, 10) for _ in range(5000)] + [
        rnd.random() * 10.0 ** rnd.randint(-30, 30) for _ in range(2000)
    ]
    floats += [k / 10**d for k in range(-2000, 2000) for d in (3, 5)]  # the half-way decimals
    floats += [v for s in range(40) for n in range(max(s, 1), 200, 9) for v in wilson(s, n)]
    floats += [0.0, -0.0, 0.00005, -0.00005, 0.99995, 1e300, -1e300, 5e-324]
    fractions = [Fraction(rnd.randint(-(10**6), 10**6), rnd.randint(1, 10**5)) for _ in range(3000)]
    for digits in (0, 2, 4):
        for value in floats + fractions + [-3, 0, 7]:
            got, want = half_up(value, digits), _half_up_by_fraction(value, digits)
            assert (got, math.copysign(1, got)) == (want, math.copysign(1, want)), (value, digits)
    for value in (math.inf, -math.inf, math.nan):
        with pytest.raises(ValueError):
            half_up(value, 2)


def test_fisher_of_five_of_six_against_all_of_forty_nine():
    # margins: 55 answers, 54 satisfied, 6 in the first group. Only 5 or 6 satisfied in it
    # are possible: P(5) = C(54,5)·C(1,1)/C(55,6) = 6/55, P(6) = 49/55; the two-sided p sums
    # the tables no more likely than the one seen: 6/55 = 0.10909 (the z-test: 0.004).
    assert fisher_p(5, 6, 49, 49) == pytest.approx(6 / 55, rel=1e-12)
    assert two_proportion_p(5, 6, 49, 49) < 0.01


def test_fisher_of_a_symmetric_table():
    # 1/2 against 1/2: every table of the margins (0, 1 or 2 in the first group) has
    # P = 1/6, 4/6, 1/6; none is less likely than the one seen (4/6), so p = 1
    assert fisher_p(1, 2, 1, 2) == pytest.approx(1.0)
    # 0/3 against 3/3: P(0) = C(3,0)·C(3,3)/C(6,3) = 1/20, equally P(3) = 1/20: p = 0.1
    assert fisher_p(0, 3, 3, 3) == pytest.approx(0.1)


def test_fisher_without_variance_or_groups_is_none():
    assert fisher_p(3, 3, 5, 5) is None and fisher_p(0, 4, 0, 2) is None and fisher_p(1, 0, 1, 2) is None


def test_the_test_follows_cochrans_rule():
    # 40/50 against 45/55: expected counts 10.0 and 11.0 unsatisfied, 40 and 44 satisfied: z
    assert proportion_test(40, 50, 45, 55)[1] == "z"
    # 5/6 against 49/49: expected unsatisfied 6·1/55 < 5: Fisher
    p, test = proportion_test(5, 6, 49, 49)
    assert test == "fisher" and p == pytest.approx(6 / 55)
    assert proportion_test(3, 3, 5, 5) == (None, None)


def _reference_fisher(x1, n1, x2, n2):
    # the textbook form, term by term: the fast one must give the same bits
    def log_choose(n, k):
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)

    total, s = n1 + n2, x1 + x2
    seen = log_choose(s, x1) + log_choose(total - s, n1 - x1) - log_choose(total, n1)
    terms = (
        log_choose(s, x) + log_choose(total - s, n1 - x) - log_choose(total, n1)
        for x in range(max(0, s - n2), min(s, n1) + 1)
    )
    return min(1.0, sum(math.exp(lp) for lp in terms if lp <= seen + 1e-7))


def test_fisher_and_the_test_choice_agree_with_their_textbook_forms():
    rng = random.Random(12)
    for _ in range(3000):
        n1, n2 = rng.randint(1, 60), rng.randint(1, 900)
        x1, x2 = rng.randint(0, n1), rng.randint(0, n2)
        if x1 + x2 not in (0, n1 + n2):
            assert fisher_p(x1, n1, x2, n2) == _reference_fisher(x1, n1, x2, n2)
            pooled = Fraction(x1 + x2, n1 + n2)
            expected = min(n1 * pooled, n1 * (1 - pooled), n2 * pooled, n2 * (1 - pooled))
            assert proportion_test(x1, n1, x2, n2)[1] == ("z" if expected >= 5 else "fisher")

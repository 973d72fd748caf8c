"""The many-group engine (4-8 distinct probabilities) against the independent exact sort.

The reference (:mod:`type_class_reference`) lists every type class with plain
integers; the engine under test visits only the significant prefixes with
fixed-point binomial rows.  Sizes here are small enough for the reference, so
the engine is called directly (the dispatcher would enumerate exactly).
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp
from strategies import distributions
from type_class_reference import least_count as reference_least_count
from type_class_reference import sorted_classes, uncovered_mass

from focalrd.numeric.blocks.grouping import group_source
from focalrd.numeric.blocks.manygroups import ManyGroups
from focalrd.numeric.blocks.manygroups_limits import many_least_count, many_uncovered_mass

SOURCES = [
    tuple(F(k, 10) for k in (4, 3, 2, 1)),                      # the first source
    tuple(F(k, 15) for k in (5, 4, 3, 2, 1)),
    tuple(F(k, 21) for k in (6, 5, 4, 3, 2, 1)),
    (F(4, 10), F(2, 10), F(1, 10), F(1, 10), F(2, 10)),         # commensurable: 4, 2, 1 tie
    (F(1, 2), F(1, 4), F(1, 8), F(1, 16), F(1, 32), F(1, 32)),  # powers of two: ties
    (F(3, 7), F(2, 7), F(1, 7), F(1, 14), F(1, 14)),
]


def _close(log_value, exact: int, digits: int = 35) -> bool:
    return abs(log_value - mp.log(exact)) <= mp.mpf(10) ** -digits * mp.log(exact + 1)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("eps", [F(1, 10**6), F(1, 10), F(1, 2), F(19, 20)])
def test_k_star_matches_the_reference(source, eps):
    mp.dps = 40
    n = 24 if len(source) <= 4 else 14
    k = many_least_count(group_source(source), n, eps)
    expected = reference_least_count(source, n, eps)
    assert _close(k.log, expected)
    if k.exact is not None:
        assert k.exact == expected


@pytest.mark.parametrize("source", SOURCES[:4])
def test_uncovered_mass_matches_the_reference(source):
    mp.dps = 40
    n = 20 if len(source) <= 4 else 12
    total = len(source) ** n
    for covered in (1, 7, 10**4, total // 3, total - 1):
        got = many_uncovered_mass(group_source(source), n, mp.log(covered), covered)
        expected = uncovered_mass(source, n, covered)
        exact = mp.mpf(expected.numerator) / expected.denominator
        assert abs(got - exact) <= mp.mpf(10) ** -35 * exact


@pytest.mark.parametrize("source", SOURCES[:3])
def test_scan_error_bound_holds_at_low_precision(source):
    """At only 40 bits, the mass above a threshold lies within the returned error bound.

    With few bits the truncated tails and pruned prefixes matter, so a bound that
    leaves out a tail (or a window one entry short) is caught here.
    """
    n = 30 if len(source) == 4 else 16
    engine = ManyGroups(group_source(source), n)
    classes, total = sorted_classes(source, n)
    with mp.workprec(200):
        for quantile in (F(1, 50), F(1, 3), F(4, 5)):
            # a threshold between two class values near the given mass quantile
            mass = 0
            for index, (weight, size) in enumerate(classes):  # noqa: B007 - kept
                mass += weight * size
                if mass >= quantile * total:
                    break
            upper, lower = classes[index][0], classes[index + 1][0]
            theta = (mp.log(upper) + mp.log(lower)) / 2 - n * mp.log(engine.source.denominator)
            scan = engine.scan(theta, theta, 40, depth=34)
            exact_above = F(sum(w * s for w, s in classes[: index + 1]), total)
            got = F(scan.above, 1 << 40)
            assert abs(got - exact_above) <= F(scan.error, 1 << 40)
            exact_count = sum(s for _, s in classes[: index + 1])
            count, slack = scan.count_above(theta)
            assert abs(count - exact_count) <= slack


@given(source=distributions(min_size=4, max_size=6),
       eps=st.sampled_from([F(1, 1000), F(1, 10), F(1, 2), F(9, 10)]))
@settings(max_examples=6, deadline=None)
def test_k_star_random_sources_quick(source, eps):
    """Random sources with four to six symbols (quick subset: small n)."""
    mp.dps = 35
    grouped = group_source(source)
    if grouped.groups < 4:
        return
    n = 10 if len(source) <= 5 else 7
    assert _close(many_least_count(grouped, n, eps).log, reference_least_count(source, n, eps),
                  30)


@pytest.mark.slow
@given(source=distributions(min_size=4, max_size=6),
       eps=st.sampled_from([F(1, 1000), F(1, 10), F(1, 2)]))
@settings(max_examples=12, deadline=None)
def test_k_star_random_sources_slow(source, eps):
    mp.dps = 35
    grouped = group_source(source)
    if grouped.groups < 4:
        return
    n = {4: 40, 5: 22, 6: 14}[len(source)]
    assert _close(many_least_count(grouped, n, eps).log, reference_least_count(source, n, eps),
                  30)


@pytest.mark.slow
def test_refusal_names_the_reach():
    from focalrd.numeric.blocks.excess import least_count
    from focalrd.numeric.errors import InvalidInputError

    source = tuple(F(k, 36) for k in (8, 7, 6, 5, 4, 3, 2, 1))
    with pytest.raises(InvalidInputError, match="exact block limits reach"):
        least_count(source, 5000, F(1, 10))


def test_huge_alphabet_of_distinct_values_is_refused_with_the_limit():
    from focalrd.numeric.blocks.excess import least_count
    from focalrd.numeric.errors import InvalidInputError

    weights = list(range(1, 11))
    source = tuple(F(w, sum(weights)) for w in weights)  # ten distinct probabilities
    with pytest.raises(InvalidInputError, match="eight"):
        least_count(source, 400, F(1, 10))


def test_ties_are_merged_exactly():
    """(4,2,1,1,2)/10: ln 4 = 2 ln 2, so many compositions share one probability."""
    source = SOURCES[3]
    engine = ManyGroups(group_source(source), 10)
    a, b = (2, 0, 8), (1, 2, 7)  # 4^2 1^8 = 2^4 = 4^1 2^2 1^7
    assert engine.compare(a, b) == 0
    assert math.prod(x**c for x, c in zip((4, 2, 1), a, strict=True)) == \
        math.prod(x**c for x, c in zip((4, 2, 1), b, strict=True))


@pytest.mark.parametrize("m, q", [(40, F(1, 2)), (200, F(1, 15)), (97, F(5, 11)), (3, F(9, 10))])
@pytest.mark.parametrize("bits", [12, 30])
def test_binomial_rows_are_within_their_error_and_tail_bounds(m, q, bits):
    """Each listed entry within ``error`` units of the exact term; the rest below ``tail``.

    At 12 bits the walk stops early, so the unlisted tails are far from negligible:
    a row that forgets its tail bound, or lists a window one entry short, fails.
    """
    from focalrd.numeric.blocks.binomial_tables import binomial_row

    row = binomial_row(m, q.numerator, q.denominator, bits)
    exact = [F(math.comb(m, s)) * q**s * (1 - q) ** (m - s) for s in range(m + 1)]
    scale = 1 << bits
    listed = range(row.lo, row.lo + len(row.values))
    for s in listed:
        assert abs(row.values[s - row.lo] - exact[s] * scale) <= row.error
    unlisted = sum(exact[s] for s in range(m + 1) if s not in listed)
    assert unlisted * scale <= row.tail
    assert all(value > 0 for value in row.values)

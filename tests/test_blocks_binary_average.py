"""The typical-set achievability of the average-distortion sandwich for a binary source
past enumeration (numeric/blocks/binary_average.py).

Two independent references: the exact engine (every type class in exact integers and
fractions, where it is feasible), and past it a brute force over every boundary in
mpmath from exact binomial coefficients, written here without the library's lattice,
screen or error bounds.
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from focalrd.numeric.blocks import average
from focalrd.numeric.blocks.binary_average import binary_average_achievability
from focalrd.numeric.blocks.grouping import codebook_size, group_source
from focalrd.strategies import binary_sources, focusing_parameters

SOURCES = [(F(89, 100), F(11, 100)), (F(3, 5), F(2, 5)),
           (F(1, 2), F(1, 4), F(1, 4)),          # two values, one of them twice
           (F(7, 10), F(1, 10), F(1, 10), F(1, 10))]


def _agrees(value, reference) -> bool:
    # both are rounded once to the working precision (the library's error bound is
    # 2^-(prec + 12) of the value): 2^(2 − prec) relative covers both roundings
    return abs(value - reference) <= mp.ldexp(abs(reference), 2 - mp.prec)


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("gamma", [F(0), F(1, 2), F(2), F(7)])
@pytest.mark.parametrize("n, rate", [(200, F(3, 10)), (1000, F(1, 10)),
                                     pytest.param(2500, F(1, 2), marks=pytest.mark.slow)])
def test_agrees_with_the_exact_engine(source, gamma, n, rate):
    with mp.workdps(30):
        m = codebook_size(n, rate=rate)
        exact = average.average_achievability(source, gamma, n, m)   # enumerates every class
        value = binary_average_achievability(group_source(source), gamma, n, m)
        if value is None:   # only where the best T holds more than the screen sees
            assert exact < mp.mpf(10) ** -20
            return
        assert _agrees(value, exact)


@settings(max_examples=15, deadline=None)
@given(binary_sources(min_p=F(1, 20)), focusing_parameters(max_value=8),
       st.integers(min_value=50, max_value=600), st.fractions(F(1, 20), F(3, 5)))
def test_agrees_with_the_exact_engine_on_random_sources(source, gamma, n, rate):
    with mp.workdps(25):
        m = codebook_size(n, rate=rate)
        exact = average.average_achievability(source, gamma, n, m)
        value = binary_average_achievability(group_source(source), gamma, n, m)
        if value is None:
            assert exact < mp.mpf(10) ** -15
            return
        assert _agrees(value, exact)


def _brute_force(source: tuple[F, F], gamma: F, n: int, cells: int) -> mp.mpf:
    """min over every boundary a of f(a) = P·φ(1/⌈N/C⌉) + (1 − P)·φ(1/(S − N)), with the
    class sizes and ⌈N/C⌉ in exact integers and the masses summed in mpmath."""
    high, low = max(source), min(source)
    total = 2**n
    g = mp.mpf(gamma.numerator) / gamma.denominator

    def phi_inverse(k: int):
        return mp.zero if k <= 1 else (1 - mp.mpf(1) / k) ** g * mp.log(k)

    log_h, log_l = mp.log(mp.mpf(high.numerator) / high.denominator), \
        mp.log(mp.mpf(low.numerator) / low.denominator)
    best = phi_inverse(total)                     # T empty: one cell for everything
    count, mass, binomial = 0, mp.zero, 1         # binomial = C(n, s), s from n down
    for s in range(n, -1, -1):                    # s symbols of the larger value
        count += binomial
        mass += binomial * mp.exp(s * log_h + (n - s) * log_l)
        value = mass * phi_inverse(-(-count // cells))
        if count < total:
            value += (1 - mass) * phi_inverse(total - count)
        best = min(best, value)
        binomial = binomial * s // (n - s + 1)
    return best / n


@pytest.mark.slow
@pytest.mark.parametrize("source, gamma, rate", [((F(89, 100), F(11, 100)), F(2), F(3, 10)),
                                                 ((F(3, 5), F(2, 5)), F(1, 2), F(3, 5))])
def test_past_enumeration_agrees_with_a_brute_force_over_every_boundary(source, gamma, rate):
    n = 20000   # past the exact engine's reach for a binary source
    with mp.workdps(30):
        m = codebook_size(n, rate=rate)
        value = binary_average_achievability(group_source(source), gamma, n, m)
        with mp.workprec(mp.prec + 64):
            reference = _brute_force(source, gamma, n, m.exact - 1)
        assert _agrees(value, +reference)


@pytest.mark.parametrize("n", [10**5, 10**6])
def test_large_blocklengths_sit_inside_the_sandwich(n):
    """converse ≤ achievability, and the gap shrinks like n^(-1/2) (the second-order
    term): from n to 10n by at least a factor 2, far from the 1 of a stuck bound."""
    source, gamma, rate = (F(89, 100), F(11, 100)), F(2), F(3, 10)
    with mp.workdps(20):
        gaps = []
        for size in (n, 10 * n):
            m = codebook_size(size, rate=rate)
            low = average.average_converse(source, gamma, size, m)
            high = average.average_achievability(source, gamma, size, m)
            assert low <= high
            gaps.append(high - low)
        assert gaps[1] < gaps[0] / 2
        assert math.isfinite(float(gaps[0]))

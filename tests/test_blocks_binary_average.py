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
from focalrd.numeric.blocks.grouping import CodebookSize, codebook_size, group_source
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
                                     (300, F(1, 2)),    # above the entropy of most of them
                                     (300, F(69, 100)),  # just below ln 2: |T| near M − 1
                                     pytest.param(2500, F(1, 2), marks=pytest.mark.slow)])
def test_agrees_with_the_exact_engine(source, gamma, n, rate):
    with mp.workdps(30):
        m = codebook_size(n, rate=rate)
        exact = average.average_achievability(source, gamma, n, m)   # enumerates every class
        value = binary_average_achievability(group_source(source), gamma, n, m)
        assert value is not None
        assert _agrees(value, exact)


@settings(max_examples=15, deadline=None)
@given(binary_sources(min_p=F(1, 20)), focusing_parameters(max_value=8),
       st.integers(min_value=50, max_value=600), st.fractions(F(1, 20), F(3, 5)))
def test_agrees_with_the_exact_engine_on_random_sources(source, gamma, n, rate):
    with mp.workdps(25):
        m = codebook_size(n, rate=rate)
        exact = average.average_achievability(source, gamma, n, m)
        value = binary_average_achievability(group_source(source), gamma, n, m)
        assert value is not None
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
    binomials = [1]                               # C(n, s) for s = 0 … n
    for s in range(n):
        binomials.append(binomials[-1] * (n - s) // (s + 1))
    masses = [b * mp.exp(s * log_h + (n - s) * log_l) for s, b in enumerate(binomials)]
    below = [mp.zero]                             # P(s < a), summed from the bottom: no
    for mass in masses:                           # cancellation when it is tiny
        below.append(below[-1] + mass)
    best = phi_inverse(total)                     # T empty: one cell for everything
    count, mass = 0, mp.zero
    for s in range(n, -1, -1):                    # T = {s' ≥ s}, s symbols of the larger value
        count += binomials[s]
        mass += masses[s]
        value = mass * phi_inverse(-(-count // cells))
        if count < total:
            value += below[s] * phi_inverse(total - count)
        best = min(best, value)
    return best / n


@pytest.mark.slow
@pytest.mark.parametrize("source, gamma, rate", [((F(89, 100), F(11, 100)), F(2), F(3, 10)),
                                                 ((F(3, 5), F(2, 5)), F(1, 2), F(3, 5)),
                                                 # above the entropy: the best T fits in M − 1
                                                 ((F(89, 100), F(11, 100)), F(2), F(1, 2))])
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


@pytest.mark.parametrize("source, n, rate", [((F(19, 20), F(1, 20)), 51, F(1, 20)),
                                             ((F(46, 89), F(43, 89)), 50, F(32871, 71180))])
def test_boundaries_on_a_multiple_of_the_cells_and_with_a_small_complement(source, n, rate):
    """Two inputs hypothesis found.  With M = 12, the 272052 = 11·24732 sequences of
    s ≥ 47 are an exact multiple of M − 1, so ⌈|T|/(M − 1)⌉ is undecided from any bound
    on |T| and is counted in exact integers; in the second, T = {s ≥ 1} leaves one
    sequence out, and S − |T| = 1 must be decided as an integer."""
    with mp.workdps(25):
        m = codebook_size(n, rate=rate)
        exact = average.average_achievability(source, F(0), n, m)
        value = binary_average_achievability(group_source(source), F(0), n, m)
        assert value is not None
        assert _agrees(value, exact)


def test_a_codebook_known_by_its_logarithm_decides_as_the_exact_one():
    """Above 2^65536 codewords M is carried as ln M only; the set that fits in M − 1 is
    then chosen by comparing logarithms.  Here M = ⌊e^50000⌋ (72 135 bits) is also
    formed exactly (mpmath at 80 000 bits, far beyond the rounding of e^50000), and both
    codebooks give the same achievability (about 3.4·10^-1484)."""
    n, rate, source = 10**5, F(1, 2), (F(89, 100), F(11, 100))
    with mp.workdps(30):
        by_log = codebook_size(n, rate=rate)
        assert by_log.exact is None
        with mp.workprec(80_000):
            exact = int(mp.floor(mp.exp(mp.mpf(n) * rate.numerator / rate.denominator)))
        by_integer = CodebookSize(exact, mp.log(exact))
        grouped = group_source(source)
        from_log = binary_average_achievability(grouped, F(2), n, by_log)
        from_integer = binary_average_achievability(grouped, F(2), n, by_integer)
        assert from_log is not None and from_integer is not None
        assert _agrees(from_log, from_integer)
        assert from_log < mp.mpf(10) ** -1000


@pytest.mark.parametrize("codewords", [1, 2, 3])
def test_the_smallest_codebooks_past_enumeration(codewords):
    """M = 1 (one cell: φ_γ(1/S)/n), M = 2 and 3 (one or two cells for T), at n = 6000,
    against the brute force over every boundary."""
    n, source, gamma = 6000, (F(89, 100), F(11, 100)), F(2)
    with mp.workdps(25):
        value = average.average_achievability(source, gamma, n, codebook_size(n, codewords))
        with mp.workprec(mp.prec + 64):
            if codewords == 1:   # T = ∅: φ_γ(1/2^n) = (1 − 2^-n)^γ n ln 2
                reference = (1 - mp.ldexp(1, -n)) ** 2 * mp.ln2
            else:
                reference = _brute_force(source, gamma, n, codewords - 1)
        assert _agrees(value, +reference)

"""Sandwiches and asymptotics of the n-letter limits (property tests, fast path for large n)."""

from __future__ import annotations

import itertools
from fractions import Fraction as F

import pytest
import reference_impl as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp
from strategies import binary_sources, distributions, excess_probabilities, focusing_parameters

from focalrd.numeric.blocks.average import (
    average_achievability,
    average_converse,
    average_exact,
)
from focalrd.numeric.blocks.excess import distortion_limit, excess_distortion_exact
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.blocks.normal import binary_dispersion, normal_approximation
from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.phi import phi
from focalrd.numeric.source import dispersion, entropy


def _excess_sandwich_d_star(source, gamma, eps, n, rate_share):
    """D*_0 − c_γ/n ≤ D*_γ ≤ D*_0, and D*_γ − D*_0 = −(1 − (1 − 1/L*)^γ) ln L*/n exactly."""
    mp.dps = 30
    rate = F(round(float(entropy(source)) * 1000), 1000) * rate_share
    focal = distortion_limit(source, gamma, n, None, eps, rate=rate)
    log = distortion_limit(source, 0, n, None, eps, rate=rate)
    slack = mp.mpf(10) ** -25
    assert focal.value <= log.value + slack
    # c_gamma from the independent reference (the test's own copy)
    assert log.value - ref.c_gamma(gamma) / n <= focal.value + slack
    if n <= 300:   # L* from the independent exact sort: the identity to every digit
        _, ell, _ = ref.dstar(source, gamma, n, ref.codebook_size(n, rate), eps)
        assert focal.L == log.L == ell
        with mp.workdps(50):
            assert abs((focal.value - log.value) + ref.focal_gap(gamma, ell) / n) <= \
                mp.mpf(10) ** -28 * (focal.value + log.value + mp.mpf(10) ** -40)


@given(source=binary_sources(), gamma=focusing_parameters(max_value=20),
       eps=excess_probabilities(), n=st.sampled_from([10, 100, 300]),
       rate_share=st.fractions(min_value=F(1, 10), max_value=F(3, 2), max_denominator=20))
@settings(max_examples=8)
def test_excess_sandwich_d_star_small_n(source, gamma, eps, n, rate_share):
    _excess_sandwich_d_star(source, gamma, eps, n, rate_share)


@given(source=binary_sources(), gamma=focusing_parameters(max_value=20),
       eps=excess_probabilities(), n=st.sampled_from([10, 300, 3000, 10**5]),
       rate_share=st.fractions(min_value=F(1, 10), max_value=F(3, 2), max_denominator=20))
@pytest.mark.slow
@settings(max_examples=25)
def test_excess_sandwich_d_star(source, gamma, eps, n, rate_share):
    _excess_sandwich_d_star(source, gamma, eps, n, rate_share)


@given(source=distributions(min_size=2, max_size=3), gamma=focusing_parameters(max_value=20),
       n=st.integers(1, 8), m=st.integers(1, 30),
       d=st.fractions(min_value=0, max_value=3, max_denominator=50))
@settings(max_examples=40)
def test_excess_sandwich_eps_star(source, gamma, n, m, d):
    """ε*_0(n, M, D + c_γ/n) ≤ ε*_γ(n, M, D) ≤ ε*_0(n, M, D)."""
    mp.dps = 30
    focal = excess_distortion_exact(source, gamma, n, m, d)
    log = excess_distortion_exact(source, 0, n, m, d)
    with mp.workprec(200):
        shifted = excess_distortion_exact(source, 0, n, m, d + c_gamma(gamma) / n)
    assert focal <= log
    assert shifted <= focal


def test_binary_dispersion_closed_form_matches_the_variance():
    mp.dps = 40
    for p in (F(1, 10), F(1, 3), F(49, 100)):
        assert abs(binary_dispersion(p) - dispersion((1 - p, p))) < mp.mpf(10) ** -38


@given(source=binary_sources(min_p=F(1, 20)), gamma=st.sampled_from([F(0), F(1), F(5)]),
       eps=st.sampled_from([F(1, 100), F(1, 10), F(1, 2), F(4, 5)]),
       rate_share=st.sampled_from([F(1, 4), F(1, 2), F(3, 4)]))
@settings(max_examples=8)
def test_second_order_remainder_stays_bounded(source, gamma, eps, rate_share):
    """n·|D* − normal approximation| does not grow from n = 10^2 to 10^5 ([n.second-order]).

    The O(1/n) remainder is bounded by a constant of the source; across three
    decades of n the scaled gap must stay below a fixed multiple of its
    largest value at the two smallest n (plus c_γ, the focal/log gap).
    """
    mp.dps = 20
    rate = F(round(float(entropy(source)) * 1000), 1000) * rate_share
    gaps = []
    for n in (100, 1000, 10**4, 10**5):
        d_star = distortion_limit(source, gamma, n, None, eps, rate=rate).value
        gaps.append(n * abs(d_star - normal_approximation(source, n, rate, eps)))
    assert max(gaps[2:]) <= 2 * max(gaps[:2]) + c_gamma(gamma) + 1


@given(source=binary_sources(min_p=F(1, 20)), gamma=st.sampled_from([F(0), F(2), F(10)]),
       eps=st.sampled_from([F(1, 20), F(1, 2)]),
       rate_share=st.sampled_from([F(1, 2), F(2, 3), F(3, 2)]))
@settings(max_examples=8)
def test_excess_limit_tends_to_log_loss_distortion_rate(source, gamma, eps, rate_share):
    """D*_γ(n, R, ε) → max(H − R, 0): the distance shrinks like √(V/n)|Q^-1(ε)| + O(ln n / n)."""
    mp.dps = 20
    h = entropy(source)
    rate = F(round(float(h) * 1000), 1000) * rate_share
    limit = max(h - mp.mpf(rate.numerator) / rate.denominator, 0)
    distances = [abs(distortion_limit(source, gamma, n, None, eps, rate=rate).value - limit)
                 for n in (100, 10**4, 10**6)]
    v = dispersion(source)
    assert distances[2] <= mp.sqrt(v / 10**6) * 4 + 20 * mp.log(10**6) / 10**6
    assert distances[2] < distances[0] or distances[0] < mp.mpf(10) ** -3


@given(source=distributions(min_size=2, max_size=2), gamma=focusing_parameters(max_value=5),
       m=st.integers(1, 4))
@settings(max_examples=8)
def test_average_sandwich_with_exact_search(source, gamma, m):
    """converse ≤ D*_γ(n, M) (exact, by search over partitions) ≤ typical-set achievability."""
    mp.dps = 20
    for n in (1, 2):
        size = codebook_size(n, m)
        exact = average_exact(source, gamma, n, size)
        slack = mp.mpf(10) ** -15
        assert average_converse(source, gamma, n, size) <= exact + slack
        assert exact <= average_achievability(source, gamma, n, size) + slack


def _average_sandwich_closes(ns, rates, final_width):
    """Both sides of [n.avg-sandwich] approach max(H(R) − R, 0) as n grows."""
    mp.dps = 20
    source = (F(9, 10), F(1, 10))
    h = ref.entropy(source)
    for rate in rates:
        limit = max(h - mp.mpf(rate.numerator) / rate.denominator, 0)
        widths = []
        for n in ns:
            size = codebook_size(n, rate=rate)
            low = average_converse(source, 2, n, size)
            high = average_achievability(source, 2, n, size)
            assert low <= limit + mp.mpf(1) / n and high >= limit - mp.mpf(1) / n
            widths.append(high - low)
        assert all(a > b for a, b in zip(widths, widths[1:], strict=False))
        assert widths[-1] < final_width


def test_average_sandwich_closes_small_n():
    _average_sandwich_closes((50, 400), (F(1, 10), F(1, 2)), 0.2)


@pytest.mark.slow
def test_average_sandwich_closes_toward_the_distortion_rate_function():
    _average_sandwich_closes((50, 400, 2000), (F(1, 10), F(1, 5), F(1, 2)), 0.1)


def test_average_exact_search_at_gamma_zero_is_entropy_minus_best_partition_entropy():
    """At γ = 0 the search gives H(R^n) − max_f H(f(X^n)), here checked by hand.

    R = (3/4, 1/4), n = 2, M = 2: sequence probabilities 9/16, 3/16, 3/16, 1/16; the
    most balanced split into two cells is {9/16} | {3/16, 3/16, 1/16} (7/16 away from
    1/2 is the best: 9/16 vs 7/16), so D*·n = H(R^2) − h(9/16).
    """
    mp.dps = 30
    source = (F(3, 4), F(1, 4))
    exact = average_exact(source, 0, 2, codebook_size(2, 2))
    probs = [F(9, 16), F(3, 16), F(3, 16), F(1, 16)]
    h2 = -sum(mp.mpf(p.numerator) / p.denominator * mp.log(mp.mpf(p.numerator) / p.denominator)
              for p in probs)
    split = -(mp.mpf(9) / 16 * mp.log(mp.mpf(9) / 16) + mp.mpf(7) / 16 * mp.log(mp.mpf(7) / 16))
    assert abs(exact - (h2 - split) / 2) < mp.mpf(10) ** -28


def test_average_exact_at_sixteen_sequences_log_loss_against_two_cell_subsets():
    """γ = 0, M = 2: n·D* = H(R^n) − max over subsets A of X^n of h(R^n(A)) (2^16 subsets)."""
    mp.dps = 30
    source, n = (F(3, 4), F(1, 4)), 4
    weights = [3 ** sum(seq) for seq in itertools.product((1, 0), repeat=n)]  # ×4^n
    total = 4 ** n
    assert sum(weights) == total
    sums = {0}
    for w in weights:
        sums |= {s + w for s in sums}
    best_split = min(sums, key=lambda s: abs(2 * s - total))
    split = entropy((F(best_split, total), F(total - best_split, total)))
    expected = (entropy([F(w, total) for w in weights]) - split) / n
    exact = average_exact(source, 0, n, codebook_size(n, 2))
    assert abs(exact - expected) < mp.mpf(10) ** -28


@pytest.mark.parametrize("gamma, m", [(F(1, 2), 3), (F(2), 5), (F(5, 2), 2)])
def test_average_exact_at_sixteen_equal_sequences_against_cell_sizes(gamma, m):
    """R uniform binary, n = 4: a cell of s of the 16 sequences costs (s/16)·φ_γ(1/s)
    (by symmetry its decoder is uniform), so n·D* is a minimum over cell sizes."""
    mp.dps = 30
    n, sequences = 4, 16

    def best(rest: int, cells: int) -> mp.mpf:
        if rest == 0:
            return mp.zero
        if cells == 0:
            return mp.inf
        return min(mp.mpf(s) / sequences * phi(gamma, F(1, s)) + best(rest - s, cells - 1)
                   for s in range(1, rest + 1))

    exact = average_exact((F(1, 2), F(1, 2)), gamma, n, codebook_size(n, m))
    assert abs(exact - best(sequences, m) / n) < mp.mpf(10) ** -28

"""Exact n-letter limits against an independent brute force over all k^n sequences."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import pytest
import reference_impl as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp
from strategies import distributions, excess_probabilities, focusing_parameters

from focalrd.numeric.blocks import excess
from focalrd.numeric.blocks.excess import distortion_limit, excess_distortion_exact, least_count
from focalrd.numeric.blocks.grouping import codebook_size, group_source


def brute_probabilities(source, n):
    """Probabilities of all k^n sequences, most likely first (zeros dropped)."""
    probs = [math.prod(seq, start=F(1)) for seq in itertools.product(source, repeat=n)]
    return sorted((p for p in probs if p > 0), reverse=True)


def brute_k_star(source, n, eps):
    total = F(0)
    for count, p in enumerate(brute_probabilities(source, n), start=1):
        total += p
        if total >= 1 - eps:
            return count
    raise AssertionError


def brute_eps_star(source, n, covered):
    return 1 - sum(brute_probabilities(source, n)[:covered], F(0))


SOURCES = [
    (F(9, 10), F(1, 10)),
    (F(1, 2), F(1, 4), F(1, 4)),          # equal probabilities merge
    (F(1, 2), F(1, 4), F(1, 8), F(1, 8)),  # powers of 2: many ties between types
    (F(1, 2), F(3, 10), F(1, 5)),
    (F(1, 3), F(1, 3), F(1, 3)),          # every sequence equally likely
    (F(3, 5), F(0), F(2, 5)),             # a symbol that never occurs
]


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("eps", [F(1, 1000), F(1, 10), F(1, 2), F(9, 10)])
def test_k_star_matches_brute_force(source, eps):
    for n in range(1, 7 if len(source) <= 3 else 5):
        assert least_count(source, n, eps).exact == brute_k_star(source, n, eps)


@pytest.mark.parametrize("source", [s for s in SOURCES if len({p for p in s if p}) in (2, 3)])
def test_lattice_engine_matches_brute_force_at_small_n(source):
    """The large-n scan (forced at small n) gives the brute-force K* (as ln K*)."""
    mp.dps = 40
    grouped = group_source(source)
    for n in (3, 5, 7):
        lat = excess._cached_lattice(grouped, n)
        for eps in (F(1, 100), F(1, 3), F(7, 10)):
            got = excess._lattice_least_count(lat, eps)
            expected = brute_k_star(source, n, eps)
            assert abs(got.log - mp.log(expected)) < mp.mpf(10) ** -35


@pytest.mark.parametrize("source", [(F(9, 10), F(1, 10)), (F(1, 2), F(3, 10), F(1, 5)),
                                    (F(1, 2), F(1, 4), F(1, 8), F(1, 8))])
def test_lattice_engine_matches_exact_engine_at_moderate_n(source):
    mp.dps = 40
    grouped = group_source(source)
    n = 150 if len(source) == 2 else 60
    lat = excess._cached_lattice(grouped, n)
    for eps in (F(1, 10**6), F(1, 10), F(1, 2)):
        exact = least_count(source, n, eps).exact
        assert abs(excess._lattice_least_count(lat, eps).log - mp.log(exact)) < mp.mpf(10) ** -35
    for covered in (10**5, 10**20, 3**(n // 2)):
        exact_eps = excess._uncovered_mass(grouped, n, excess.Count(covered, mp.log(covered)))
        lattice_eps = excess._lattice_uncovered(lat, excess.Count(covered, mp.log(covered)))
        assert abs(lattice_eps - mp.mpf(exact_eps.numerator) / exact_eps.denominator) <= \
            mp.mpf(10) ** -35 * lattice_eps


@pytest.mark.parametrize("source", SOURCES)
def test_eps_star_matches_brute_force(source):
    mp.dps = 30
    for n in range(1, 5):
        for m in (1, 2, 5):
            for d in (F(0), F(1, 3), F(1), F(2)):
                for gamma in (F(0), F(1), F(5, 2)):
                    got = excess_distortion_exact(source, gamma, n, m, d)
                    # independent list size: the most sequences whose mass 1/L clears tau
                    with mp.workdps(50):
                        inverse = mp.exp(ref.log_inverse_tau(gamma, n * d))
                        cap = int(mp.floor(inverse))
                        assert d == 0 or inverse - cap > mp.mpf(10) ** -40  # not an integer
                    assert got == brute_eps_star(source, n, m * cap)


@given(source=distributions(min_size=2, max_size=3), eps=excess_probabilities(),
       gamma=focusing_parameters(max_value=10), m=st.integers(1, 40), n=st.integers(1, 5))
@settings(max_examples=40)
def test_d_star_closed_form_against_brute_force(source, eps, gamma, m, n):
    mp.dps = 30
    result = distortion_limit(source, gamma, n, m, eps)
    k = brute_k_star(source, n, eps)
    ell = -(-k // m)
    assert (result.K, result.L) == (k, ell)
    assert (result.K, result.L) == ref.dstar(source, gamma, n, m, eps)[:2]
    with mp.workdps(45):
        expected = ref.phi(gamma, F(1, ell)) / n
    assert abs(result.value - expected) <= mp.mpf(10) ** -28 * (1 + result.value)


def test_l_star_does_not_depend_on_gamma():
    source = (F(7, 10), F(1, 5), F(1, 10))
    ls = {distortion_limit(source, g, 6, 4, F(1, 20)).L for g in (0, F(1, 2), 1, 3, 40)}
    assert len(ls) == 1


def test_codebook_from_rate_is_the_floor_of_the_exponential():
    assert codebook_size(10, rate=F(1, 2)).exact == math.floor(math.exp(5))
    assert codebook_size(7, rate=F(3, 7), bits=True).exact == 8
    assert codebook_size(3, rate=F(1, 3), bits=True).exact == 2
    assert codebook_size(5, rate=F(0)).exact == 1

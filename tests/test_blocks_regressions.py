"""Regressions found in review: whole numbers of bits, huge list sizes, tiny ε."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import pytest
from mpmath import mp

from focalrd.numeric.blocks.excess import excess_distortion_exact, least_count, list_size
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.errors import FocalrdError


def _brute_force_eps(source, n, covered):
    probabilities = sorted((math.prod(source[x] for x in seq)
                            for seq in itertools.product(range(len(source)), repeat=n)),
                           reverse=True)
    return 1 - sum(probabilities[:covered], Fraction(0))


@pytest.mark.parametrize("dps", [5, 15, 25, 35])
@pytest.mark.parametrize("n, d_bits, expected_list", [(2, Fraction(1, 2), 2), (3, Fraction(1), 8),
                                                      (2, Fraction(1), 4)])
def test_whole_numbers_of_bits_give_exact_list_sizes(dps, n, d_bits, expected_list):
    """At γ = 0, 1/τ_0(nD bits) = 2^(nD) exactly: L must not drop to 2^(nD) − 1."""
    source = (Fraction(3, 4), Fraction(1, 4))
    with mp.workdps(dps):
        assert list_size(0, d_bits, n, bits=True).exact == expected_list
        value = excess_distortion_exact(source, 0, n, 1, d_bits, bits=True)
    assert value == _brute_force_eps(source, n, expected_list)


def _by_types(source, n, covered):
    """1 − mass of the ``covered`` likeliest sequences, summing type classes directly."""
    k = len(source)
    classes = []
    for counts in itertools.product(range(n + 1), repeat=k - 1):
        if sum(counts) > n:
            continue
        full = (*counts, n - sum(counts))
        size = math.factorial(n)
        for c in full:
            size //= math.factorial(c)
        classes.append((math.prod(p**c for p, c in zip(source, full, strict=True)), size))
    classes.sort(reverse=True)
    mass, left = Fraction(0), covered
    for probability, size in classes:
        take = min(size, left)
        mass += take * probability
        left -= take
        if left == 0:
            break
    return 1 - mass


@pytest.mark.slow
def test_enumerable_case_with_an_astronomical_list_size():
    """nD = 130 nats (L = ⌊e^130⌋ ≈ 2.9e56 < 4^100) and nD = 150 (L > 4^100: ε* = 0)."""
    source = (Fraction(4, 10), Fraction(3, 10), Fraction(2, 10), Fraction(1, 10))
    with mp.workdps(120):
        ell = int(mp.floor(mp.exp(130)))
    assert excess_distortion_exact(source, 0, 100, 1, Fraction(13, 10)) == _by_types(
        source, 100, ell)
    assert excess_distortion_exact(source, 0, 100, 1, Fraction(3, 2)) == 0


def test_tiny_eps_is_handled_or_refused_cleanly():
    """ε = 10^-400 underflows float64; the answer must come without a bare ValueError."""
    try:
        count = least_count((Fraction(1, 3), Fraction(2, 3)), 20000, Fraction(1, 10**400))
    except FocalrdError:
        return
    assert count.log > 0


@pytest.mark.parametrize("offset", [3, 9])
def test_codebook_size_for_a_rate_just_above_the_log_of_an_integer(offset):
    """nR = ln K + η with η = 2^-4563 (relative): ⌊e^{nR}⌋ = K since K < K·e^η < K + 1.

    K ≈ e^3000 is chosen so that nR rounds down by more than η at the ~4570 bits a
    float evaluation of e^{nR} would use (the old heuristic gave K − 1 here).
    """
    with mp.workprec(12000):
        k = int(mp.floor(mp.exp(3000))) + offset
        shifted = mp.log(k) + mp.ldexp(1, -4563)
        rate = Fraction(int(mp.nint(mp.ldexp(shifted, 4700))), 2 ** 4700)
        gap = mp.mpf(rate.numerator) / rate.denominator - mp.log(k)
        assert 0 < gap < mp.ldexp(1, -4500)
    assert codebook_size(1, rate=rate).exact == k

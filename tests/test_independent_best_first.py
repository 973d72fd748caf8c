"""The independent references added for issue 22 (verify/claims/_independent.py).

Each is compared with a second, differently written computation: the best-first count
with the full sort of every type class, the uncovered mass with a sort of all k^n
sequences, the binary brute force over class boundaries with the library's exact
engine (two implementations written apart), Q^-1 in the far tails with its defining
equation and published values.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from focalrd.verify.claims import _independent as ref


def _random_source(draw_weights: list[int]) -> tuple[F, ...]:
    total = sum(draw_weights)
    return tuple(F(w, total) for w in draw_weights)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 30), min_size=2, max_size=4), st.integers(1, 12),
       st.fractions(F(1, 100), F(99, 100)))
def test_best_first_count_equals_the_sorted_type_classes(weights, n, eps):
    source = _random_source(weights)
    if len(source) == 4:
        n = min(n, 8)
    assert ref.least_count_best_first(source, n, eps) == ref.least_count(source, n, eps)


@pytest.mark.parametrize("source, n", [((F(1, 2), F(1, 3), F(1, 6)), 4),
                                       ((F(1, 2), F(1, 4), F(1, 4)), 5),   # tied values
                                       ((F(9, 10), F(1, 10)), 7)])
def test_uncovered_mass_equals_a_sort_of_every_sequence(source, n):
    probs = sorted((math.prod(s, start=F(1)) for s in itertools.product(source, repeat=n)),
                   reverse=True)
    for covered in (0, 1, 2, 5, len(probs) // 3, len(probs) - 1, len(probs), len(probs) + 4):
        expected = 1 - sum(probs[:covered], F(0))
        assert ref.uncovered_mass_best_first(source, n, covered) == expected


@pytest.mark.parametrize("source, gamma, n, m", [((F(89, 100), F(11, 100)), F(2), 300, 7),
                                                 ((F(3, 5), F(2, 5)), F(0), 200, 1),
                                                 ((F(9, 10), F(1, 10)), F(1, 2), 250, 10**30)])
def test_binary_brute_force_equals_the_exact_engine(source, gamma, n, m):
    from focalrd.numeric.blocks.average import average_achievability
    from focalrd.numeric.blocks.grouping import codebook_size

    with mp.workdps(30):
        library = average_achievability(source, gamma, n, codebook_size(n, m))
        reference = ref.binary_round_robin_minimum(source, gamma, n, m - 1)
        assert abs(library - reference) <= mp.ldexp(abs(reference), 3 - mp.prec)


def test_inverse_q_in_the_far_tails():
    with mp.workdps(30):
        # Q^-1(0.025) = 1.959963984540054... (the two-sided 95% point); Q^-1(1/2) = 0
        assert abs(ref.inverse_q_tails(F(1, 40)) - mp.mpf("1.95996398454005423552459443052")) \
            < mp.mpf(10) ** -27
        assert ref.inverse_q_tails(F(1, 2)) == 0
        for eps in (F(1, 10**10), F(1, 10**80)):
            z = ref.inverse_q_tails(eps)
            # the defining equation, evaluated directly
            assert abs(mp.erfc(z / mp.sqrt(2)) / 2 / ref.number(eps) - 1) < mp.mpf(10) ** -25
            assert ref.inverse_q_tails(1 - eps) == -z
        # Q^-1(1e-10) = 6.361340902404056 (tables of the Gaussian tail)
        assert abs(ref.inverse_q_tails(F(1, 10**10)) - mp.mpf("6.361340902404056")) < 1e-14


def test_floor_of_a_power():
    assert ref.floor_exponential(F(3)) == 20
    assert ref.floor_exponential(F(10), 2) == 1024
    assert ref.floor_exponential(F(3, 2), 2) == 2          # 2^1.5 = 2.83
    assert ref.floor_exponential(F(1, 2), 2) == 1

"""ε*(n, M, D) past exact enumeration when M·L covers most (or all) of the sequences.

Regression for two faults of the lattice engine (three distinct probabilities):
an exact codebook-times-list size S above |X|^n skipped the "every sequence is
covered" shortcut (only a size known by its logarithm took it), and an S within a
factor e^8 of |X|^n put the scan band over every type class (minutes, then a
stall).  The reference is the independent exact sort of tests/type_class_reference.py.
"""

from fractions import Fraction as F

import pytest
from mpmath import mp

from focalrd.numeric.blocks.classes import exact_feasible
from focalrd.numeric.blocks.excess import excess_distortion_exact
from focalrd.numeric.blocks.grouping import group_source
from tests import type_class_reference as ref

SOURCE = (F(1, 2), F(3, 10), F(1, 5))
N = 470  # the first blocklength past exact enumeration for this source (checked below)
K = 16   # γ = 0: τ_0(nD) = e^(−nD), so nD = K gives the list size L = ⌊e^K⌋


def _list_size() -> int:
    with mp.workdps(60):
        return int(mp.floor(mp.e ** K))


def test_the_case_is_past_exact_enumeration():
    grouped = group_source(SOURCE)
    assert not exact_feasible(grouped, N) and exact_feasible(grouped, N - 10)


@pytest.mark.parametrize("share", [F(1, 2), F(9, 10), F(999, 1000)])
def test_uncovered_mass_when_most_sequences_are_covered(share):
    total, ell = 3**N, _list_size()
    m = int(share * total) // ell
    expected = ref.uncovered_mass(SOURCE, N, m * ell)
    mp.dps = 30
    value = excess_distortion_exact(SOURCE, 0, N, m, F(K, N))
    with mp.workdps(60):
        assert abs(value - mp.mpf(expected.numerator) / expected.denominator) \
            <= mp.mpf(10) ** -28 * abs(mp.mpf(expected.numerator) / expected.denominator)


def test_every_sequence_covered_by_an_exact_codebook_is_exactly_zero():
    mp.dps = 30
    assert excess_distortion_exact(SOURCE, 0, N, 3**N, F(K, N)) == 0

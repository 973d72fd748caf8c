"""Issue 20: K*, L*, D* for 4-6 distinct probabilities against an independent exact sort.

The reference (tests/type_class_reference.py) imports nothing from focalrd.
"""

from fractions import Fraction as F

import mpmath
import pytest
from mpmath import mp

from focalrd.numeric.blocks.excess import distortion_limit
from tests import type_class_reference as ref

SIX = tuple(F(k, 21) for k in (6, 5, 4, 3, 2, 1))
TIES = (F(1, 2), F(1, 4), F(1, 8), F(1, 16), F(1, 16))


def _phi_inverse(gamma: F, ell: int) -> mpmath.mpf:
    with mp.workdps(60):
        p = mp.mpf(1) / ell
        return (1 - p) ** (mp.mpf(gamma.numerator) / gamma.denominator) * mp.log(ell)


@pytest.mark.parametrize("eps", [F(1, 10**9), F(1, 10**30), F(1, 10)])
def test_six_values_past_enumeration_log_k(eps):
    # n = 30 is past enumeration for six values; K* ~ 2^77 lies between 2^64 and
    # 2^(wp+24), where the ceiling of N + r/p_G used to be dropped
    mp.dps = 30
    k = ref.least_count(SIX, 30, eps)
    r = distortion_limit(SIX, F(2), 30, 7, eps)
    with mp.workdps(60):
        assert abs(r.log_K - mp.log(k)) < mp.mpf(10) ** -28 * mp.log(k)
    ell = -(-k // 7)
    with mp.workdps(60):
        assert abs(r.value - _phi_inverse(F(2), ell) / 30) < mp.mpf(10) ** -28


@pytest.mark.parametrize("gamma", [F(0), F(1, 2), F(2), F(5)])
@pytest.mark.parametrize("eps", [F(1, 10**30), F(1, 2), 1 - F(1, 10**9)])
@pytest.mark.parametrize("m", [1, 3, 10**40])
def test_commensurable_ties_enumerated(gamma, eps, m):
    mp.dps = 30
    k = ref.least_count(TIES, 12, eps)
    r = distortion_limit(TIES, gamma, 12, m, eps)
    assert (r.K, r.L) == (k, -(-k // m))

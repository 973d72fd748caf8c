"""The fast focal-entropy paths of issue 12 against independent references.

* the value alone (:func:`focal_entropy`, the stationary Lagrangian after a
  double-double first step) against Σ a φ(q) at the minimiser of an independent
  nested root search (tests/reference_impl.py), in both arithmetics;
* the double-double exponential and KKT gap against MPFR at 300 bits;
* gmpy2's integer true division against the correctly rounded rational;
* the grouping of the entries (order, counts, each entry's group) against Fractions.
"""

from __future__ import annotations

import random
from fractions import Fraction as F

import gmpy2
import numpy as np
import pytest
import reference_impl as ref
from mpmath import mp

from focalrd.numeric.oneshot import _focal_arithmetic
from focalrd.numeric.oneshot import _focal_dd as dd
from focalrd.numeric.oneshot import focal_entropy as fe

_CASES = [([F(1, i + 1) for i in range(30)], F(2)),            # double-double first step
          ([F(1, i + 1) for i in range(12)], F(5)),
          ([F(1, 3), F(1, 3), F(1, 6), F(1, 6)], F(5, 2)),       # non-whole γ, repeated entries
          ([F(999, 1000), F(1, 10**6), F(7, 10**4)], F(7)),     # one entry with q near 1
          ([F(1, 2), F(1, 3), F(1, 6)], F(1, 3)),
          ([F(3, 7), F(2, 7), F(2, 7)], F(1))]


@pytest.mark.parametrize("arithmetic", ["Mpfr", "Mpmath"])
@pytest.mark.parametrize("dps", [30, pytest.param(120, marks=pytest.mark.slow)])
@pytest.mark.parametrize("a, gamma", _CASES)
def test_value_alone_against_an_independent_minimiser(monkeypatch, arithmetic, dps, a, gamma):
    """F_γ(a) from the fast value path equals Σ a φ(q*) for the independent minimiser q*
    (computed at 20 more digits) to the working precision: 2^(3 − prec) relative
    (the value is returned to prec + 24 guard bits; 3 bits cover the final rounding
    and the reference's own rounding)."""
    monkeypatch.setattr(fe, "_ARITHMETIC", getattr(_focal_arithmetic, arithmetic))
    with mp.workdps(dps):
        value = fe.focal_entropy(a, gamma)
        unit = mp.ldexp(1, 3 - mp.prec)
    with mp.workdps(dps + 20):
        q, _ = ref.focal_entropy_minimizer(a, gamma)
        expected = mp.fsum(ref.number(x) * ref.phi(gamma, qx) for x, qx in zip(a, q, strict=True))
        assert abs(value - expected) <= unit * expected


def test_value_alone_agrees_with_the_minimiser_path_on_many_entries():
    """10^3 entries (the benchmark's vector): the value path and the full polish (which
    returns Σ a φ(q) at a minimiser meeting the KKT conditions to the working precision,
    checked against φ' in test_fast_paths) agree to the working precision."""
    a = [F(1, i + 1) for i in range(1000)]
    with mp.workdps(40):
        fast = fe.focal_entropy(a, 2)
        full = fe.focal_entropy_solution(a, 2).value
        assert abs(fast - full) <= mp.ldexp(abs(full), 3 - mp.prec)


def test_double_double_exponential_against_mpfr():
    """q = e^y and 1 − q in double-double to 2^-100 relative (about 104 bits, less the
    eight doublings of expm1), over y from −200 to −2^-300 and around −ln 2/2."""
    rng = np.random.default_rng(12)
    y = np.concatenate([-np.exp(rng.uniform(-200, 5.29, 3000)),
                        [-2.0**-300, -0.34657359027997264, -0.3465735902799727, -0.6931, -200.0]])
    q, c = dd.exp_and_complement(y)
    with gmpy2.context(precision=300):
        for i, v in enumerate(y.tolist()):
            exact_q, exact_c = gmpy2.exp(gmpy2.mpfr(v)), -gmpy2.expm1(gmpy2.mpfr(v))
            assert abs(gmpy2.mpfr(q[0][i]) + q[1][i] - exact_q) <= exact_q * 2.0**-100
            assert abs(gmpy2.mpfr(c[0][i]) + c[1][i] - exact_c) <= exact_c * 2.0**-100


@pytest.mark.parametrize("whole", [1, 2, 5])
def test_double_double_kkt_gap_against_mpfr(whole):
    """ρ_x = a (1 − q)^(γ−1)(1 − q − γ y q)/(q λ) − 1 and Σ w q − 1 from double-double
    against the same formula in MPFR at 300 bits: within 2^-95·X of X − 1 (X = 1 + ρ is a
    ~104-bit product of a few factors) plus the rounding of ρ to a float, 2^-52 |ρ|."""
    rng = np.random.default_rng(whole)
    y = -np.exp(rng.uniform(-30, 4, 200))
    a = [F(int(rng.integers(1, 10**9)), 10**9) for _ in y]
    weights = rng.integers(1, 4, len(y)).astype(float)
    a_hi = np.array([float(x) for x in a])
    a_lo = np.array([float(x - F(h)) for x, h in zip(a, a_hi.tolist(), strict=True)])
    inverse = (1.75, 2.0**-60)
    rho, mass = dd.kkt_gap(a_hi, a_lo, weights, y, whole, inverse)
    with gmpy2.context(precision=300):
        lam_inv = gmpy2.mpfr(inverse[0]) + inverse[1]
        total = gmpy2.mpfr(0)
        for i, v in enumerate(y.tolist()):
            q = gmpy2.exp(gmpy2.mpfr(v))
            c = 1 - q
            x = gmpy2.mpfr(gmpy2.mpq(a[i].numerator, a[i].denominator)) * c ** (whole - 1) \
                * (c - whole * (v * q)) * lam_inv / q
            assert abs(rho[i] - (x - 1)) <= 2.0**-95 * x + 2.0**-52 * abs(x - 1)
            total += weights[i] * q
        assert abs(mass - (total - 1)) <= 2.0**-95 * total + 2.0**-52 * abs(total - 1)


def test_integer_true_division_is_correctly_rounded():
    """The polish converts a = n/d by gmpy2.div(n, d): equal to the correctly rounded
    rational (mpfr(mpq(n, d))) for integers far wider than the precision."""
    rng = random.Random(5)
    for prec in (53, 113, 160, 1000):
        with gmpy2.context(precision=prec):
            for _ in range(500):
                n = rng.getrandbits(rng.randint(1, 3000)) + 1
                d = rng.getrandbits(rng.randint(1, 3000)) + 1
                assert gmpy2.div(n, d) == gmpy2.mpfr(gmpy2.mpq(n, d))


def test_grouping_orders_exactly_even_where_floats_tie():
    """Distinct entries in decreasing exact order with their counts, zeros mapped to −1;
    1/3 and 1/3 + 10^-30 round to the same float (the exact order is then used)."""
    third = F(1, 3)
    close = third + F(1, 10**30)
    entries = (third, F(0), close, F(1, 7), third, F(10**400, 1), F(1, 7), close)
    values, counts, group = fe._distinct(entries)
    assert values == sorted(set(e for e in entries if e), reverse=True)
    assert counts == [entries.count(v) for v in values]
    assert [values[i] if i >= 0 else 0 for i in group] == list(entries)
    shuffled = [F(i, 97) for i in range(1, 97)]
    random.Random(1).shuffle(shuffled)
    values, counts, _ = fe._distinct(tuple(shuffled))
    assert values == sorted(shuffled, reverse=True) and counts == [1] * 96


def test_double_double_ratios_against_fractions():
    """n/d as hi + lo for integers below 2^53: within 2^-104 relative of the exact ratio
    (hi correctly rounded, the remainder exact, lo rounded once)."""
    rng = random.Random(9)
    nums = [rng.randrange(1, 2**53) for _ in range(300)] + [1, 2**53 - 1, 3]
    dens = [rng.randrange(1, 2**53) for _ in range(300)] + [7, 3, 2**53 - 1]
    hi, lo = dd.ratios(nums, dens)
    for n, d, h, small in zip(nums, dens, hi.tolist(), lo.tolist(), strict=True):
        exact = F(n, d)
        assert h == n / d
        assert abs(F(h) + F(small) - exact) <= exact / 2**104

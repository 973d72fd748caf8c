"""The KKT ratio gap of the focal-entropy cell problem in double-double arithmetic (numpy).

Used only for the first Newton step of the polish in :mod:`.focal_entropy`: from the
float64 KKT solution (good to about 40 bits) one step needs the gap
ρ_x = a_x |φ_γ'(q_x)| / λ − 1 and the mass Σ w·q − 1 to about 90 bits, which a
double-double number (an unevaluated sum hi + lo of two floats, about 104 bits)
carries, vectorised over all entries at once.  Nothing computed here is reported:
the later steps run at the working precision and decide (and check) the result, so
a less accurate first step only costs another step.

q = e^y for a float y: y = k ln 2 + r with |r| ≤ ln 2 / 2, expm1(r / 2^8) by its
Taylor series and then expm1(2s) = expm1(s)·(2 + expm1(s)) eight times, so that
1 − q keeps its relative accuracy when q is close to 1.
"""

from __future__ import annotations

import math
from fractions import Fraction

from focalrd.numeric._lazy import numpy as np

_SPLIT = 134217729.0  # 2^27 + 1 (Dekker's splitting constant)
_HALVINGS = 8
_TERMS = 9  # |r / 2^8| ≤ 0.00136: the 10th Taylor term is below 2^-107 relative
# ln 2 = _LN2[0] + _LN2[1] + _LN2[2] (each the float nearest the remainder)
_LN2 = (0.6931471805599453, 2.3190468138462996e-17, 5.707708438416212e-34)


def _two_sum(a, b):
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


def _fast_two_sum(a, b):  # |a| ≥ |b|
    s = a + b
    return s, b - (s - a)


def _split(a):
    t = _SPLIT * a
    hi = t - (t - a)
    return hi, a - hi


def _two_prod(a, b):
    p = a * b
    ah, al = _split(a)
    bh, bl = _split(b)
    return p, ((ah * bh - p) + ah * bl + al * bh) + al * bl


def _add(x, y):
    s, e = _two_sum(x[0], y[0])
    return _fast_two_sum(s, e + x[1] + y[1])


def _mul(x, y):
    p, e = _two_prod(x[0], y[0])
    return _fast_two_sum(p, e + (x[0] * y[1] + x[1] * y[0]))


def _mul_float(x, f):
    p, e = _two_prod(x[0], f)
    return _fast_two_sum(p, e + x[1] * f)


def _div(x, y):
    q1 = x[0] / y[0]
    p = _mul_float(y, q1)
    r = _add(x, (-p[0], -p[1]))
    q2 = r[0] / y[0]
    p = _mul_float(y, q2)
    r = _add(r, (-p[0], -p[1]))
    q3 = r[0] / y[0]
    hi, lo = _fast_two_sum(q1, q2)
    return _add((hi, lo), (q3, 0.0))


def _dd_constant(x: Fraction) -> tuple[float, float]:
    hi = float(x)
    return hi, float(x - Fraction(hi))


_TAYLOR = [_dd_constant(Fraction(1, math.factorial(n))) for n in range(_TERMS + 1)]


def _expm1_small(s):
    """expm1(s) for |s| ≤ 0.0014 (s a double-double array pair)."""
    acc = _TAYLOR[_TERMS]
    for n in range(_TERMS - 1, 0, -1):
        acc = _add(_mul(acc, s), _TAYLOR[n])
    return _mul(acc, s)


def exp_and_complement(y):
    """(q, 1 − q) as double-double pairs for q = e^y, y a float array with y ≤ 0."""
    k = np.rint(y / _LN2[0])
    p, e = _two_prod(k, _LN2[0])
    # y − p is exact (Sterbenz: y/p ∈ [1/2, 3/2] when k ≠ 0); k·ln2 carried to ~150 bits
    r = _add(_two_sum(y - p, -e), _add(_two_prod(-k, _LN2[1]), (-k * _LN2[2], 0.0)))
    scale = 2.0**-_HALVINGS
    m = _expm1_small((r[0] * scale, r[1] * scale))
    for _ in range(_HALVINGS):
        m = _mul(m, _add((2.0, 0.0), m))
    one_plus = _add((1.0, 0.0), m)
    factor = np.ldexp(1.0, k.astype(int))
    q = (one_plus[0] * factor, one_plus[1] * factor)
    complement = _add((1.0, 0.0), (-q[0], -q[1]))
    at_zero = k == 0  # 1 − q = −expm1(r) exactly as computed: no cancellation
    return q, (np.where(at_zero, -m[0], complement[0]), np.where(at_zero, -m[1], complement[1]))


def ratios(numerators: list[int], denominators: list[int]):
    """n/d as double-double pairs for integers below 2^53 (exact as floats): hi = n/d
    correctly rounded, and the remainder n − hi·d is exact (a product split exactly by
    :func:`_two_prod`, then a subtraction of nearby numbers), so lo = remainder/d."""
    n = np.array(numerators, dtype=float)
    d = np.array(denominators, dtype=float)
    hi = n / d
    p, e = _two_prod(hi, d)
    return hi, ((n - p) - e) / d


def kkt_gap(a_hi, a_lo, weights, y, whole: int, inverse_multiplier: tuple[float, float]):
    """(ρ per entry, Σ w·q − 1) at the float point y, in double-double, for a whole γ ≥ 1.

    ρ_x = a_x (1 − q)^(γ−1) B / (q λ) − 1 with B = 1 − q − γ y q (see
    :func:`._focal_polish._kkt_pass`); ``inverse_multiplier`` is 1/λ as (hi, lo).
    Both returned as floats (ρ = (X_hi − 1) + X_lo, exact subtraction near 1; the
    mass as a correctly rounded sum of the double-double parts).
    """
    q, c = exp_and_complement(y)
    yq = _mul_float(q, y)
    g_yq = _mul_float(yq, float(whole))
    b = _add(c, (-g_yq[0], -g_yq[1]))
    if whole == 1:
        power = None
    else:
        power = c
        for _ in range(whole - 2):
            power = _mul(power, c)
    x = _mul((a_hi, a_lo), b)
    if power is not None:
        x = _mul(x, power)
    x = _mul(x, inverse_multiplier)
    x = _div(x, q)
    rho = (x[0] - 1.0) + x[1]
    wq_hi, wq_err = _two_prod(q[0], weights)
    mass = math.fsum([*wq_hi.tolist(), *wq_err.tolist(), *(q[1] * weights).tolist(), -1.0])
    return rho, mass

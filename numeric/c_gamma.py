"""c_γ, the largest gap between the log loss and the focal loss (THEORY.md §2).

    c_γ = sup_{p ∈ (0,1]} h_γ(p),   h_γ(p) = (1 − (1 − p)^γ) · ln(1/p),

so that 0 ≤ ln(1/p) − φ_γ(p) ≤ c_γ.  c_0 = 0 and c_1 = 1/e.

Method.  h_γ vanishes at 0+ and at 1 and is positive between, so the supremum
is attained at an interior root of the stationarity equation h_γ'(p) = 0,
multiplied by p:

    S(p) = γ·p·(1 − p)^(γ−1)·ln(1/p) − (1 − (1 − p)^γ) = 0.

S > 0 near 0 (S ≈ γp(ln(1/p) − 1)) and S → −1 at p → 1.  A sign change is
bracketed by halving/quartering from p = 1/(γ + 2), and c_γ = h_γ(p*) is evaluated there; since
h_γ'(p*) = 0 the value is insensitive to the last digits of p*.  Powers are
computed as exp(γ·log1p(−p)) and the bracket 1 − (1 − p)^γ as −expm1(·), which
keeps full relative accuracy for small p and small γ.  The root is found by the
Illinois variant of regula falsi, which never leaves the bracket.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric import inputs
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.roots import bracketed_root

__all__ = [
    "c_gamma",
    "c_gamma_maximizer",
]

Real = Fraction | int | mpmath.mpf


def _gap(g: mpmath.mpf, p: mpmath.mpf) -> mpmath.mpf:
    """h_γ(p) = (1 − (1 − p)^γ) ln(1/p)."""
    return -mp.expm1(g * mp.log1p(-p)) * -mp.log(p)


def _stationarity(g: mpmath.mpf, p: mpmath.mpf) -> mpmath.mpf:
    """S(p) = p·h_γ'(p)."""
    log_q = mp.log1p(-p)
    return g * p * mp.exp((g - 1) * log_q) * -mp.log(p) + mp.expm1(g * log_q)


def c_gamma_maximizer(gamma: Real) -> mpmath.mpf:
    """The p* ∈ (0, 1) at which h_γ(p) = (1 − (1−p)^γ) ln(1/p) is largest (γ > 0)."""
    gamma = inputs.focusing(gamma)
    if gamma == 0:
        raise InvalidInputError("gamma", "a number > 0 (h_0 vanishes identically)", gamma)
    if gamma == 1:
        return mp.exp(-1)
    with mp.workprec(mp.prec + 20):
        g = to_mpf(gamma)
        lo = 1 / (g + 2)
        while _stationarity(g, lo) <= 0:
            lo /= 4
        hi = mp.mpf(0.5)
        while _stationarity(g, hi) >= 0:
            hi = (1 + hi) / 2
        if hi <= lo:  # the root lies between them in any case; keep the bracket ordered
            lo, hi = hi / 4, lo
            while _stationarity(g, lo) <= 0:
                lo /= 4
        root = bracketed_root(lambda p: _stationarity(g, p), lo, hi)
    return +root


def c_gamma(gamma: Real) -> mpmath.mpf:
    """c_γ = sup_p (1 − (1 − p)^γ) ln(1/p), at the current precision.

    Arguments: ints, Fractions, Decimals, decimal or fraction strings (``"0.1"``,
    ``"1/3"``) or mpf; a float is taken at its exact binary value (see
    :mod:`focalrd.numeric.inputs`).

    >>> mp.dps = 15
    >>> print(c_gamma(0))
    0.0
    >>> print(c_gamma(1))                  # 1/e
    0.367879441171442
    """
    gamma = inputs.focusing(gamma)
    if gamma == 0:
        return mp.zero
    if gamma == 1:
        return mp.exp(-1)
    with mp.workprec(mp.prec + 20):
        value = _gap(to_mpf(gamma), c_gamma_maximizer(gamma))
    return +value

"""The focal-loss profile φ_γ(p) = (1 − p)^γ · ln(1/p) and its derivatives.

With u = ln(1/p) and s = (1 − p)/p (THEORY.md §2):

* φ_γ'(p)  = −(1 − p)^(γ−1) · (γu + s),
* φ_γ''(p) = (1 − p)^(γ−2) · (γ(γ−1)u + 2γs + s²).

Arguments are exact numbers (``Fraction``, ``int``) or mpf; an exact ``p`` keeps
``1 − p`` exact, which avoids the cancellation near p = 1.  Results are rounded
once to the current mpmath precision.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric import inputs
from focalrd.numeric.precision import to_mpf

__all__ = [
    "phi",
    "phi_prime",
    "phi_second",
]

Real = Fraction | int | mpmath.mpf

_GUARD_BITS = 20


def _check(gamma: Any, p: Any, closed: bool = True) -> tuple[Real, Real]:
    """γ and p read and checked by :mod:`focalrd.numeric.inputs` (as on the command line)."""
    return inputs.focusing(gamma), inputs.probability(p, closed=closed)


def _parts(gamma: Real, p: Real) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """γ, p, 1 − p (exact when p is exact) and u = ln(1/p), at the working precision."""
    one_minus_p = 1 - p
    g, pp, q = to_mpf(gamma), to_mpf(p), to_mpf(one_minus_p)
    # ln(1/p) = -log1p(-(1-p)) is accurate when p is close to 1.
    u = -mp.log1p(-q) if q < 0.5 else -mp.log(pp)
    return g, pp, q, u


def phi(gamma: Real, p: Real) -> mpmath.mpf:
    """φ_γ(p) = (1 − p)^γ · ln(1/p) for γ ≥ 0 and p ∈ (0, 1].

    Arguments: ints, Fractions, Decimals, decimal or fraction strings (``"0.1"``,
    ``"1/3"``) or mpf; a float is taken at its exact binary value (see
    :mod:`focalrd.numeric.inputs`).

    >>> from fractions import Fraction
    >>> mp.dps = 15
    >>> print(phi(0, Fraction(1, 2)))          # ln 2
    0.693147180559945
    >>> print(phi(2, 1))
    0.0
    """
    gamma, p = _check(gamma, p)
    if p == 1:
        return mp.zero
    with mp.workprec(mp.prec + _GUARD_BITS):
        g, _, q, u = _parts(gamma, p)
        value = q**g * u if g != 0 else u
    return +value


def phi_prime(gamma: Real, p: Real) -> mpmath.mpf:
    """φ_γ'(p) = −(1 − p)^(γ−1)(γ ln(1/p) + (1 − p)/p) on (0, 1].

    At p = 1 the limit is returned: −1 for γ = 0 and 0 for γ > 0.
    """
    gamma, p = _check(gamma, p)
    if p == 1:
        return mp.mpf(-1) if gamma == 0 else mp.zero
    with mp.workprec(mp.prec + _GUARD_BITS):
        g, pp, q, u = _parts(gamma, p)
        s = q / pp
        value = -(q ** (g - 1)) * (g * u + s)
    return +value


def phi_second(gamma: Real, p: Real) -> mpmath.mpf:
    """φ_γ''(p) = (1 − p)^(γ−2)(γ(γ−1) ln(1/p) + 2γ(1 − p)/p + ((1 − p)/p)²).

    At p = 1 the limit γ(γ+1)(1−p)^(γ−1) → {1 if γ = 0, 2 if γ = 1, 0 if γ > 1}
    is returned; for 0 < γ < 1 it is +∞.
    """
    gamma, p = _check(gamma, p)
    if p == 1:
        if gamma == 0:
            return mp.one
        if gamma == 1:
            return mp.mpf(2)
        return mp.zero if gamma > 1 else mp.inf
    with mp.workprec(mp.prec + _GUARD_BITS):
        g, pp, q, u = _parts(gamma, p)
        s = q / pp
        a = g * (g - 1) * u + 2 * g * s + s * s
        value = q ** (g - 2) * a
    return +value

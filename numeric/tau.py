"""τ_γ(d), the inverse of the focal-loss profile φ_γ (THEORY.md §3).

φ_γ decreases strictly from +∞ to 0 on (0, 1], so for every d ≥ 0 there is a
unique τ_γ(d) ∈ (0, 1] with φ_γ(τ_γ(d)) = d.

Method.  Work with t = ln(1/τ) ≥ 0, which solves

    g(t) = ln t + γ·ln(1 − e^(−t)) − ln d = 0.

g is strictly increasing and concave on (0, ∞), so Newton's method started at
any point left of the root increases monotonically to it.  Two such points are
known in closed form: t = d (from the bracket d ≤ t ≤ d + c_γ, [tau.bracket])
and t = d^(1/(γ+1)) (because 1 − e^(−t) ≤ t gives d ≤ t^(γ+1)); Newton starts
from the larger.  This converges for every γ ≥ 0 and d > 0, including d → 0
and d → ∞, at any precision.  d = 0 gives τ = 1, and γ = 0 gives τ = e^(−d)
directly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric import inputs
from focalrd.numeric.precision import to_mpf

__all__ = [
    "log_inverse_tau",
    "tau",
]

Real = Fraction | int | mpmath.mpf

_MAX_NEWTON_STEPS = 10_000


def _check(gamma: Any, d: Any) -> tuple[Real, Real]:
    """γ and d read and checked by :mod:`focalrd.numeric.inputs` (as on the command line)."""
    return inputs.focusing(gamma), inputs.distortion(d)


def log_inverse_tau(gamma: Real, d: Real) -> mpmath.mpf:
    """t = ln(1/τ_γ(d)), the root of t·(1 − e^(−t))^γ = d, at the current precision.

    >>> mp.dps = 15
    >>> print(log_inverse_tau(0, 2))
    2.0
    >>> print(log_inverse_tau(1, 1))      # t (1 - e^-t) = 1
    1.34997648540113
    """
    gamma, d = _check(gamma, d)
    if d == 0:
        return mp.zero
    if gamma == 0:
        return to_mpf(d)
    # Guard bits cover the size of t (τ = e^(−t) needs ~log2(t) extra bits) and
    # the absolute rounding error of the terms of g, which grows with |ln d| and γ.
    dd0, g0 = to_mpf(d), to_mpf(gamma)
    guard = 30 + int(mp.mag(abs(mp.log(dd0)) + 1)) + int(mp.mag(g0 + 1)) + int(mp.mag(dd0 + 1))
    with mp.workprec(mp.prec + guard):
        g, dd = to_mpf(gamma), to_mpf(d)
        log_d = mp.log(dd)
        t = max(dd, mp.exp(log_d / (g + 1)))
        previous = mp.inf
        for _ in range(_MAX_NEWTON_STEPS):
            # ln(1 − e^(−t)) with full relative accuracy on both sides of t = ln 2.
            log_t = mp.log(t)
            log_one_minus_e = mp.log1p(-mp.exp(-t)) if t > 0.5 else mp.log(-mp.expm1(-t))
            value = log_t + g * log_one_minus_e - log_d
            slope = 1 / t + g / mp.expm1(t)
            step = value / slope
            t -= step
            # Stop once the step is at the level of the rounding error of g / g'.
            noise = (abs(log_t) + abs(g * log_one_minus_e) + abs(log_d)) / slope + t
            if abs(step) <= mp.ldexp(noise, -(mp.prec - 8)):
                break
            # Near the root the steps shrink quadratically; a step that stops shrinking
            # while already below half the working precision is rounding noise.
            if abs(step) >= previous and abs(step) <= mp.ldexp(t, -(mp.prec // 2)):
                break
            previous = abs(step)
        else:  # pragma: no cover - the iteration is monotone and quadratic
            raise ArithmeticError("Newton iteration for tau did not converge")
    return +t


def tau(gamma: Real, d: Real) -> mpmath.mpf:
    """τ_γ(d) ∈ (0, 1], the unique p with φ_γ(p) = d.

    Arguments: ints, Fractions, Decimals, decimal or fraction strings (``"0.1"``,
    ``"1/3"``) or mpf; a float is taken at its exact binary value (see
    :mod:`focalrd.numeric.inputs`).

    >>> mp.dps = 15
    >>> print(tau(0, 1))                  # e^(-1)
    0.367879441171442
    >>> print(tau(3, 0))
    1.0
    """
    gamma, d = _check(gamma, d)
    with mp.workprec(mp.prec + 10):
        value = mp.exp(-log_inverse_tau(gamma, d))
    return +value

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

Precision.  The root is first found in float64, then polished by Newton steps at
doubling precisions (about 106, 212, … bits): each step doubles the correct
bits, so only the last step, and the step that confirms convergence, run at the
full working precision.  d or t outside the float64 range start from the
closed-form point instead.
"""

from __future__ import annotations

import math
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
    start = _float_root(g0, dd0)
    if start is None:
        guard = (30 + int(mp.mag(abs(mp.log(dd0)) + 1)) + int(mp.mag(g0 + 1))
                 + int(mp.mag(dd0 + 1)))
    else:  # the same guard from float64 values (d is within the float range)
        fd = float(dd0)
        guard = 30 + _mag(abs(math.log(fd)) + 1) + _mag(float(g0) + 1) + _mag(fd + 1)
    target = mp.prec + guard
    with mp.workprec(target):
        g, dd = to_mpf(gamma), to_mpf(d)
        log_d = mp.log(dd)
        if start is None:  # d or t outside the float64 range: Newton from the closed form
            return +_newton(g, log_d, max(dd, mp.exp(log_d / (g + 1))), None)
    # Precision doubling: each Newton step doubles the correct bits, so the steps run at
    # about 106, 212, … bits and only the last one (and its check) at the full precision.
    ladder = [target]
    while ladder[0] > 120:
        ladder.insert(0, ladder[0] // 2 + 12)
    t = mp.mpf(start)
    for prec in ladder[:-1]:
        with mp.workprec(prec):
            t = _newton(g, log_d, t, 1)
    with mp.workprec(target):
        t = _newton(g, log_d, t, None)
    return +t


def _mag(x: float) -> int:
    """mpmath's mag (an integer ≥ log2|x|, at most one above it) for a positive float."""
    return math.frexp(x)[1]


def _newton(g: mpmath.mpf, log_d: mpmath.mpf, t: mpmath.mpf, steps: int | None) -> mpmath.mpf:
    """Newton on g(t) = ln t + γ ln(1 − e^(−t)) − ln d at the current precision.

    ``steps`` Newton steps, or (None) until the step is below the rounding noise
    or, once below half the precision, stops shrinking quadratically.
    """
    previous = mp.inf
    for _ in range(steps or _MAX_NEWTON_STEPS):
        # ln(1 − e^(−t)) with full relative accuracy on both sides of t = ln 2.
        log_t = mp.log(t)
        log_one_minus_e = mp.log1p(-mp.exp(-t)) if t > 0.5 else mp.log(-mp.expm1(-t))
        value = log_t + g * log_one_minus_e - log_d
        slope = 1 / t + g / mp.expm1(t)
        step = value / slope
        t -= step
        if steps is not None:
            continue
        # Stop once the step is at the level of the rounding error of g / g'.
        noise = (abs(log_t) + abs(g * log_one_minus_e) + abs(log_d)) / slope + t
        if abs(step) <= mp.ldexp(noise, -(mp.prec - 8)):
            break
        # Near the root the steps shrink quadratically: a step below 2^(−p/2 − 8)·t
        # leaves an error far below 2^(−p)·t (the quadratic term of g is of order
        # (step/t)² here), and a step that stops shrinking while already below half
        # the working precision is rounding noise.
        if abs(step) <= mp.ldexp(t, -(mp.prec // 2 + 8)) or (
                abs(step) >= previous and abs(step) <= mp.ldexp(t, -(mp.prec // 2))):
            break
        previous = abs(step)
    else:
        if steps is None:  # pragma: no cover - the iteration is monotone and quadratic
            raise ArithmeticError("Newton iteration for tau did not converge")
    return t


def _float_root(g: mpmath.mpf, d: mpmath.mpf) -> float | None:
    """t = ln(1/τ_γ(d)) to about float64 accuracy (the start of the precision ladder), or
    None when d or t is outside the range where float64 is reliable."""
    dd = float(d)
    if not 1e-250 < dd < 1e250 or g > 1e6:
        return None
    g = float(g)
    log_d = math.log(dd)
    t = max(dd, math.exp(log_d / (g + 1)))
    for _ in range(100):
        one_minus = math.log1p(-math.exp(-t)) if t > 0.5 else math.log(-math.expm1(-t))
        # 1/(e^t − 1) = e^(−t)/(1 − e^(−t)), which does not overflow for large t
        step = (math.log(t) + g * one_minus - log_d) / (1 / t + g * math.exp(-t) / -math.expm1(-t))
        t -= step
        if not (math.isfinite(t) and t > 0):
            return None
        if abs(step) <= 1e-15 * t:
            return t
    return None  # pragma: no cover - float Newton converges in a few steps


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
        # τ = e^(−t) to p bits needs t to p bits *after the point*: p + log2(t) bits of t
        # (t ≈ d for large d, so without them τ_γ(10^100) had no correct digit).
        with mp.workprec(mp.prec + _integer_bits(gamma, d)):
            t = log_inverse_tau(gamma, d)
        value = mp.exp(mp.fneg(t, exact=True))  # −t exactly: a rounded −t would lose it all
    return +value


def _integer_bits(gamma: Real, d: Real) -> int:
    """An upper bound of log2(t) + 2 for t = ln(1/τ_γ(d)) (0 when t < 1), from a
    24-bit evaluation of t."""
    with mp.workprec(24):
        rough = log_inverse_tau(gamma, d)
    return max(0, int(mp.mag(rough)) + 2) if rough > 1 else 0

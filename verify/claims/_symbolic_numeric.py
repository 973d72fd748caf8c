"""Each symbolic derivation of THEORY.md §2–3 against the numeric function that implements it.

A derivation that checks is worth little if the code computes something else.
For each claim, the sympy expression the derivation works with is turned into a
function (``sympy.lambdify`` with the mpmath module) and evaluated at seeded
random points at ``dps + 40`` digits; the numeric implementation is evaluated
at ``dps`` digits and must agree to 2^(8 − prec) relative (its one rounding plus
a margin of 8 bits for the guard-digit arithmetic; a discrepancy beyond is a
wrong formula or a lost digit, never the comparison's own rounding).  Points
p are exact fractions in [10^-12, 1 − 10^-6] (so the lambdified 1 − p loses at
most 6 of its 40 extra digits).

:func:`compare` returns (passed, details) for a claim id; a claim without a
comparison returns (None, reason).
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp
from mpmath import mp

from focalrd.numeric.c_gamma import c_gamma, c_gamma_maximizer
from focalrd.numeric.phi import phi, phi_prime, phi_second
from focalrd.numeric.tau import log_inverse_tau, tau
from focalrd.proofs import c_gamma as c_proofs
from focalrd.proofs import phi_shape, tau_series
from focalrd.verify.registry import CheckContext

_G, _P = phi_shape.gamma, phi_shape.p


def _function(expr: sp.Expr, *symbols: sp.Symbol) -> Callable[..., mpmath.mpf]:
    return sp.lambdify(symbols, expr, modules="mpmath")


def _number(x: Fraction) -> mpmath.mpf:
    return mp.mpf(x.numerator) / x.denominator


def _points(ctx: CheckContext, count: int) -> list[tuple[Fraction, Fraction]]:
    rng = ctx.rng
    gammas = [Fraction(0), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(50)]
    out = []
    for i in range(count):
        gamma = gammas[i] if i < len(gammas) else Fraction(rng.randint(0, 2000),
                                                           rng.choice((1, 10, 100)))
        kind = i % 3
        if kind == 0:
            p = Fraction(1, 10 ** rng.randint(1, 12))
        elif kind == 1:
            p = 1 - Fraction(1, 10 ** rng.randint(1, 6))
        else:
            p = Fraction(rng.randint(1, 999_999), 10**6)
        out.append((gamma, p))
    return out


def _relative(a: mpmath.mpf, b: mpmath.mpf) -> mpmath.mpf:
    return abs(a - b) / max(abs(b), mp.mpf(10) ** -(mp.dps + 40))


def _pointwise(ctx: CheckContext, expr: sp.Expr, numeric: Callable[[Fraction, Fraction],
               mpmath.mpf], name: str) -> tuple[bool, dict[str, Any]]:
    """The lambdified ``expr`` in (γ, p) against ``numeric(γ, p)`` at the sample points."""
    symbolic = _function(expr, _G, _P)
    worst, count, undecided = mp.zero, ctx.effort(12, 60), 0
    with mp.workdps(ctx.dps):
        allowed = mp.ldexp(1, 8 - mp.prec)
    for gamma, p in _points(ctx, count):
        with mp.workdps(ctx.dps):
            value = numeric(gamma, p)
        expected = _settled(lambda g=gamma, x=p: symbolic(_number(g), _number(x)),
                            ctx.dps + 40, allowed)
        if expected is None:
            undecided += 1
            continue
        with mp.workdps(ctx.dps + 40):
            error = _relative(value, expected)
        worst = max(worst, error)
        if error > allowed:
            return False, {"compared": name, "points": count, "counterexample": {
                "gamma": str(gamma), "p": str(p), "numeric": mpmath.nstr(value, ctx.dps),
                "symbolic": mpmath.nstr(expected, ctx.dps)}}
    if undecided:
        return None, {"compared": name, "points": count, "why": f"{undecided} points where "
                      "the lambdified expression did not settle by 2000 digits"}
    return True, {"compared": name, "points": count,
                  "largest_relative_difference": mpmath.nstr(worst, 3),
                  "allowed": f"2^(8 - prec) = {mpmath.nstr(allowed, 3)}"}


def _settled(evaluate: Callable[[], mpmath.mpf], digits: int,
             allowed: mpmath.mpf) -> mpmath.mpf | None:
    """``evaluate()`` at a precision where doubling it moves the value by < allowed/16.

    The lambdified expression may cancel (e.g. ln(1/p) − h near p = 1); its own
    rounding must never decide the comparison.  None when 2000 digits do not settle it.
    """
    with mp.workdps(digits):
        previous = evaluate()
    while digits <= 2000:
        digits *= 2
        with mp.workdps(digits):
            value = evaluate()
            if _relative(previous, value) <= allowed / 16:
                return value
            previous = value
    return None


def _gamma_slope(gamma: Fraction, p: Fraction) -> mpmath.mpf:
    """dφ_γ/dγ of the numeric φ by mpmath's differences in γ (forward at γ = 0).

    The numeric layer has no formula for it; at dps + 40 digits the difference
    quotient of the numeric φ is accurate far beyond the comparison's tolerance.
    """
    with mp.workdps(mp.dps + 40):
        value = mp.diff(lambda g: phi(g, p), _number(gamma), direction=1 if gamma == 0 else 0)
    return +value


def _c_gamma(ctx: CheckContext) -> tuple[bool, dict[str, Any]]:
    """At the numeric maximiser p*: S(p*) = p* h'(p*) vanishes and h(p*) = numeric c_γ."""
    stationarity = _function(c_proofs.stationarity_expr, _G, _P)
    gap = _function(phi_shape.gap(), _G, _P)
    slope = _function(sp.diff(c_proofs.stationarity_expr, _P), _G, _P)
    rng = ctx.rng
    gammas = [Fraction(1, 4), Fraction(2), Fraction(7), Fraction(100)] + [
        Fraction(rng.randint(1, 5000), 100) for _ in range(ctx.effort(4, 20))]
    worst = mp.zero
    for gamma in gammas:
        with mp.workdps(ctx.dps):
            root, value = c_gamma_maximizer(gamma), c_gamma(gamma)
            allowed = mp.ldexp(1, 8 - mp.prec)
        with mp.workdps(ctx.dps + 40):
            g = _number(gamma)
            # |S(p*)| <= |S'| |p* - root| with |p* - root| <= p* 2^(8-prec)
            residual = abs(stationarity(g, root)) / (abs(slope(g, root)) * root)
            error = _relative(value, gap(g, root))
        worst = max(worst, residual, error)
        if residual > allowed or error > allowed:
            return False, {"compared": "stationarity at the numeric maximiser, h(p*) = c_gamma",
                           "counterexample": {"gamma": str(gamma),
                                              "relative_root_error": mpmath.nstr(residual, 3),
                                              "value_error": mpmath.nstr(error, 3)}}
    return True, {"compared": "S(p*) = 0 at the numeric maximiser p* (relative root error "
                              "|S/(p S')|) and h(p*) = numeric c_gamma",
                  "points": len(gammas), "largest_relative_difference": mpmath.nstr(worst, 3)}


def _tau_expansion(ctx: CheckContext) -> tuple[bool, dict[str, Any]]:
    """The 3-term series of ln(1/τ) against the numeric one: remainder O(d³ e^(−3d))."""
    series = _function(tau_series.log_inverse_tau_series(3), tau_series.gamma, tau_series.d)
    rows = {}
    for gamma in (Fraction(1, 2), Fraction(2), Fraction(5)):
        for level in (30, 40):
            with mp.workdps(ctx.dps + 60):
                value = log_inverse_tau(gamma, level)
                g, d = _number(gamma), mp.mpf(level)
                remainder = abs(value - series(g, d))
                # the next term of the fixed point is at most (1 + γ)^3 d^3 e^(−3d) in size
                bound = 10 * (1 + g) ** 3 * d**3 * mp.exp(-3 * d)
            rows[f"gamma={gamma}, d={level}"] = mpmath.nstr(remainder / bound, 3)
            if remainder > bound:
                return False, {"compared": "3-term series vs numeric ln(1/tau)",
                               "counterexample": {"gamma": str(gamma), "d": level,
                                                  "remainder": mpmath.nstr(remainder, 5)}}
    return True, {"compared": "sympy's 3-term series of ln(1/tau) against the numeric value at "
                              "dps + 60: remainder <= 10 (1+gamma)^3 d^3 e^(-3d)",
                  "remainder_over_bound": rows}


def _tau_bracket(ctx: CheckContext) -> tuple[bool, dict[str, Any]]:
    """ln(1/τ) − d equals the symbolic gap h_γ(τ) at the numeric τ, and lies in [0, c_γ]."""
    gap = _function(phi_shape.gap(), _G, _P)
    rng = ctx.rng
    worst = mp.zero
    cases = [(Fraction(rng.randint(0, 400), rng.choice((1, 4, 40))),
              Fraction(rng.randint(0, 6000), 100)) for _ in range(ctx.effort(12, 60))]
    for gamma, level in cases:
        with mp.workdps(ctx.dps):
            point = tau(gamma, level)
            allowed = mp.ldexp(1, 8 - mp.prec)
            bound = c_gamma(gamma)
        with mp.workdps(ctx.dps + 40):
            t = -mp.log(point)
            excess = t - _number(level)
            expected = gap(_number(gamma), point)
            # τ carries a relative 2^-prec, so t (and t - d) an absolute one
            error = abs(excess - expected)
            slack = allowed * (1 + t)
        worst = max(worst, error)
        if error > slack or not -slack <= excess <= bound * (1 + allowed) + slack:
            return False, {"compared": "ln(1/tau) - d = h(tau) in [0, c_gamma]",
                           "counterexample": {"gamma": str(gamma), "d": str(level),
                                              "ln(1/tau) - d": mpmath.nstr(excess, 10),
                                              "h(tau)": mpmath.nstr(expected, 10)}}
    return True, {"compared": "at the numeric tau_gamma(d): ln(1/tau) - d equals the symbolic "
                              "gap h_gamma(tau) (so phi(tau) = d) and lies in [0, c_gamma]",
                  "points": len(cases), "largest_absolute_difference": mpmath.nstr(worst, 3)}


_COMPARISONS: dict[str, Callable[[CheckContext], tuple[bool, dict[str, Any]]]] = {
    "phi.reduces-to-log": lambda ctx: _pointwise(
        ctx, phi_shape.phi(0), lambda g, p: phi(0, p), "phi_0 (sympy) vs numeric phi(0, p)"),
    "phi.decreasing": lambda ctx: _pointwise(
        ctx, phi_shape.phi_prime, phi_prime, "phi' (sympy) vs numeric phi_prime"),
    "phi.convex": lambda ctx: _pointwise(
        ctx, phi_shape.phi_second, phi_second, "phi'' (sympy) vs numeric phi_second"),
    "phi.monotone-in-gamma": lambda ctx: _pointwise(
        ctx, phi_shape.phi_gamma_slope, _gamma_slope,
        "d phi/d gamma (sympy) vs central differences of phi in gamma"),
    # phi = ln(1/p) - h: compared where the numeric side has no cancellation (relative to phi).
    "phi.gap": lambda ctx: _pointwise(
        ctx, phi_shape.u_of_p - phi_shape.gap(), phi,
        "ln(1/p) - gap h (sympy) vs numeric phi"),
    "c-gamma.values": _c_gamma,
    "tau.expansion": _tau_expansion,
    "tau.bracket": _tau_bracket,
}


def compare(claim_id: str, ctx: CheckContext) -> tuple[bool | None, dict[str, Any]]:
    """(passed, details) of the symbolic-numeric comparison for ``claim_id``."""
    if claim_id not in _COMPARISONS:
        return None, {"why": "no numeric counterpart of this derivation",
                      "not_applicable": True}
    return _COMPARISONS[claim_id](ctx)

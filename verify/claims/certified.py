"""Certified (interval branch-and-bound) checks of [phi.convex], [phi.gap], [tau.bracket].

Each check runs over a grid of focusing parameters γ (exact rationals) and
covers a compact range by interval boxes with mpmath's ``iv`` context; the
unbounded or singular ends are handled by an analytic inequality that is
stated in the evidence and whose remaining constant is itself checked with
interval arithmetic.

Notation (THEORY.md §2): u = ln(1/p), s = (1 − p)/p (so u = ln(1 + s)),
h_γ(p) = (1 − (1 − p)^γ) ln(1/p) (the gap), F_γ(t) = t (1 − e^(−t))^γ (so
t = ln(1/τ_γ(d)) solves F_γ(t) = d).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cache
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.intervals import Intervals, preferred
from focalrd.numeric.precision import to_mpf
from focalrd.verify.certify import (
    Box,
    MaximumEnclosure,
    box_interval,
    certify_on,
    enclose_maximum,
    exact_interval,
    exp,
    interval_precision,
    log,
    lower,
    point,
    upper,
)
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

#: The focusing parameters every certified check covers.
GAMMA_GRID = tuple(Fraction(g) for g in
                   ("0", "1/4", "1/2", "3/4", "1", "3/2", "2", "3", "5", "10", "50"))
#: Further focusing parameters of the full (not --quick) run.
GAMMA_GRID_FULL = tuple(sorted(GAMMA_GRID + tuple(
    Fraction(g) for g in ("1/100", "1/10", "5/4", "7", "20", "100", "1000"))))


def _gammas(ctx: CheckContext) -> tuple[Fraction, ...]:
    return GAMMA_GRID if ctx.quick else GAMMA_GRID_FULL
#: Decimal digits of the interval arithmetic.
INTERVAL_DPS = 40
#: The compact p-range is [DELTA, 1 − DELTA]; the ends are analytic.
DELTA = Fraction(1, 10**10)
#: The compact d-range of [tau.bracket] is [0, D_MAX]; beyond it, analytic.
D_MAX = 60


def _grid_text(gammas: tuple[Fraction, ...]) -> str:
    return "{" + ", ".join(str(g) for g in gammas) + "}"


def _decimal(x: mpmath.mpf, digits: int = 25) -> str:
    return mpmath.nstr(x, digits)


# -- [phi.convex] -----------------------------------------------------------------------


def _convexity_factor_positive(gamma: Fraction, box: Box) -> bool:
    """A = γ(γ−1) ln(1+s) + 2γs + s² > 0 on the s-box (interval evaluation)."""
    g, s = exact_interval(gamma), box_interval(box)
    a = g * (g - 1) * log(1 + s) + 2 * g * s + s * s
    return bool(lower(a) > 0)


def _convexity_ends(gamma: Fraction, s_low: mpmath.mpf, s_high: mpmath.mpf) -> bool:
    """Constant-sign bounds of A on s ∈ (0, s_low] and s ∈ [s_high, ∞).

    With ln(1+s) = r·s, r ∈ [1 − s/2, 1] (from s − s²/2 ≤ ln(1+s) ≤ s):
    A/s = γ(γ−1) r + 2γ + s ≥ γ(γ−1) r + 2γ for s ≤ s_low; and, with
    ln(1+s)/s² ∈ [0, 1/s], A/s² ≥ 1 + γ(γ−1)·[0, 1/s_high] for s ≥ s_high.
    At γ = 0, A = s² > 0 outright.
    """
    if gamma == 0:
        return True
    g = exact_interval(gamma)
    r = box_interval((lower(1 - point(s_low) / 2), mp.one))
    near_one = g * (g - 1) * r + 2 * g
    near_zero = 1 + g * (g - 1) * box_interval((mp.zero, upper(1 / point(s_high))))
    return bool(lower(near_one) > 0 and lower(near_zero) > 0)


@check("phi.convex", level="certified")
def phi_convex_certified(ctx: CheckContext) -> Evidence:
    """A(s) > 0 by interval boxes in s over the γ grid, ends by bounds on ln(1 + s)."""
    gammas = _gammas(ctx)
    boxes, failures = {}, []
    with interval_precision(INTERVAL_DPS):
        s_low = to_mpf(DELTA) / (1 - to_mpf(DELTA))
        s_high = (1 - to_mpf(DELTA)) / to_mpf(DELTA)
        for gamma in gammas:
            cert = certify_on(lambda box, g=gamma: _convexity_factor_positive(g, box),
                              s_low, s_high)
            ends = _convexity_ends(gamma, s_low, s_high)
            boxes[str(gamma)] = cert.boxes
            if not (cert.holds and ends):
                where = ({"s_box": [_decimal(v) for v in cert.failed_box]}
                         if cert.failed_box else {"ends": "bound not positive"})
                failures.append({"gamma": str(gamma), **where})
    region = (f"gamma in {_grid_text(gammas)}; p in [{DELTA}, 1 - {DELTA}] as s = (1-p)/p in "
              f"[{_decimal(s_low, 6)}, {_decimal(s_high, 6)}] covered by interval boxes; "
              "p in (0, delta) and (1 - delta, 1) analytic")
    ends = ("ends: with ln(1+s) = r s, r in [1 - s/2, 1] (s - s^2/2 <= ln(1+s) <= s), "
            "A/s >= gamma(gamma-1) r + 2 gamma > 0 for s <= s_low (p near 1), and "
            "A/s^2 >= 1 + gamma(gamma-1) [0, 1/s_high] > 0 for s >= s_high (p near 0); "
            "both constants are checked in interval arithmetic; gamma = 0 gives A = s^2 > 0")
    return Evidence.certified(
        "interval branch-and-bound: A = gamma(gamma-1) ln(1+s) + 2 gamma s + s^2 > 0 on every "
        "box, so phi_gamma'' = (1-p)^(gamma-2) A > 0", not failures, region,
        counterexample=failures[0] if failures else None,
        gammas=len(gammas), boxes=boxes, interval_dps=INTERVAL_DPS, ends=ends,
        arithmetic=preferred().name)


# -- [phi.gap] --------------------------------------------------------------------------


def _gap(g: Any, p: Any) -> Any:
    """h_γ(p) = (1 − (1 − p)^γ) ln(1/p) in interval arithmetic."""
    return (1 - exp(g * log(1 - p))) * -log(p)


def _gap_slope(g: Any, p: Any) -> Any:
    """h_γ'(p) = γ (1 − p)^(γ−1) ln(1/p) − (1 − (1 − p)^γ)/p."""
    log_q = log(1 - p)
    return g * exp((g - 1) * log_q) * -log(p) - (1 - exp(g * log_q)) / p


def _gap_upper(gamma: Fraction, box: Box) -> mpmath.mpf:
    """An upper bound of h_γ on the box: monotone end, mean-value form or direct."""
    g, p = exact_interval(gamma), box_interval(box)
    bound = upper(_gap(g, p))
    slope = _gap_slope(g, p)
    if lower(slope) >= 0:
        return min(bound, upper(_gap(g, point(box[1]))))
    if upper(slope) <= 0:
        return min(bound, upper(_gap(g, point(box[0]))))
    mid = (box[0] + box[1]) / 2
    centred = _gap(g, point(mid)) + slope * (p - point(mid))
    return min(bound, upper(centred))


def _gap_ends(gamma: Fraction, p_low: mpmath.mpf, p_high: mpmath.mpf) -> mpmath.mpf:
    """Upper bound of h_γ on (0, p_low] ∪ [p_high, 1].

    1 − (1−p)^γ ≤ −γ ln(1 − p) ≤ γ p/(1 − p) (convexity of γ ↦ (1−p)^γ, then
    ln(1 − p) ≥ −p/(1 − p)) and p ln(1/p) increases on (0, 1/e], so h_γ ≤
    γ δ ln(1/δ)/(1 − δ) on (0, δ]; on [1 − δ, 1], h_γ ≤ ln(1/p) ≤ −ln(1 − δ).
    """
    g, low, high = exact_interval(gamma), point(p_low), point(p_high)
    near_zero = g * low * -log(low) / (1 - low)
    near_one = -log(high)
    return max(upper(near_zero), upper(near_one))


def _p_range() -> tuple[mpmath.mpf, mpmath.mpf]:
    """The binary numbers p_low ≈ δ and p_high ≈ 1 − δ that split boxes from ends."""
    with mp.workdps(INTERVAL_DPS):
        p_low = to_mpf(DELTA)
        return p_low, 1 - p_low


def gap_maximum(gamma: Fraction, tolerance_digits: int,
                arithmetic: Intervals | None = None) -> tuple[MaximumEnclosure, mpmath.mpf]:
    """Certified enclosure of c_γ = sup h_γ (γ > 0), and the bound on the two ends.

    The result holds at ``INTERVAL_DPS`` digits; cached per (γ, tolerance, arithmetic:
    Arb when python-flint is installed, else mpmath's iv, unless one is given).
    """
    return _gap_maximum(gamma, tolerance_digits, arithmetic or preferred())


@cache
def _gap_maximum(gamma: Fraction, tolerance_digits: int,
                 arithmetic: Intervals) -> tuple[MaximumEnclosure, mpmath.mpf]:
    with interval_precision(INTERVAL_DPS, arithmetic):
        g = exact_interval(gamma)
        p_low, p_high = _p_range()
        enclosure = enclose_maximum(
            lambda box: _gap_upper(gamma, box),
            lambda x: lower(_gap(g, point(x))),
            p_low, p_high, mp.mpf(10) ** -tolerance_digits)
        return enclosure, _gap_ends(gamma, p_low, p_high)


def _gap_tolerance(ctx: CheckContext) -> int:
    return ctx.effort(15, 22)


@check("phi.gap", level="certified")
def phi_gap_certified(ctx: CheckContext) -> Evidence:
    """Enclose sup h_γ by branch-and-bound; the numeric c_γ must lie in the enclosure."""
    gammas = _gammas(ctx)
    digits = _gap_tolerance(ctx)
    rows, failures, boxes = {}, [], 0
    for gamma in gammas:
        with mp.workdps(max(ctx.dps, digits) + 10):
            numeric = c_gamma(gamma)
            slack = abs(numeric) * mp.mpf(10) ** -(max(ctx.dps, digits))
        if gamma == 0:
            # (1 - p)^0 = 1, so h_0 vanishes identically and c_0 = 0.
            ok = numeric == 0
            rows["0"] = {"enclosure": ["0", "0"], "c_gamma": _decimal(numeric)}
            if not ok:
                failures.append({"gamma": "0", "c_gamma": _decimal(numeric)})
            continue
        enclosure, ends = gap_maximum(gamma, digits)
        boxes += enclosure.boxes
        with mp.workdps(max(ctx.dps, INTERVAL_DPS) + 20):  # the slack must not round away
            inside = enclosure.lower - slack <= numeric <= enclosure.upper + slack
        ok = enclosure.converged and inside and ends <= enclosure.upper
        rows[str(gamma)] = {
            "enclosure": [_decimal(enclosure.lower, digits + 5),
                          _decimal(enclosure.upper, digits + 5)],
            "width": _decimal(enclosure.upper - enclosure.lower, 3),
            "c_gamma": _decimal(numeric, digits + 5),
            "ends_bound": _decimal(ends, 3),
        }
        if not ok:
            failures.append({"gamma": str(gamma), **rows[str(gamma)],
                             "converged": enclosure.converged})
    region = (f"gamma in {_grid_text(gammas)}; p in [{DELTA}, 1 - {DELTA}] by interval boxes "
              f"(enclosure width <= 1e-{digits}); p in (0, delta] and [1 - delta, 1] analytic")
    ends = ("0 <= h: both factors of (1-(1-p)^gamma) ln(1/p) are >= 0 on (0, 1]. Ends: "
            "1-(1-p)^gamma <= -gamma ln(1-p) <= gamma p/(1-p) and p ln(1/p) increases on "
            "(0, 1/e], so h <= gamma delta ln(1/delta)/(1-delta) on (0, delta]; h <= ln(1/p) "
            "<= -ln(1-delta) on [1-delta, 1]; both bounds (ends_bound) are below the enclosure")
    return Evidence.certified(
        "interval branch-and-bound encloses sup_p (1-(1-p)^gamma) ln(1/p) in [L, U] "
        "(monotone and mean-value bounds on each box); the numeric c_gamma must lie in [L, U]",
        not failures, region, counterexample=failures[0] if failures else None,
        gammas=len(gammas), boxes=boxes, interval_dps=INTERVAL_DPS, enclosures=rows,
        arithmetic=preferred().name,
        numeric_slack="c_gamma computed at dps + 10 digits; compared within a relative "
                      f"1e-{max(ctx.dps, digits)}", ends=ends)


# -- [tau.bracket] ----------------------------------------------------------------------


def _lift(g: Any, t: Any) -> Any:
    """F_γ(t) = t (1 − e^(−t))^γ."""
    return t * exp(g * log(1 - exp(-t)))


def _lift_slope(g: Any, t: Any) -> Any:
    """F_γ'(t) = (1 − e^(−t))^γ + γ t e^(−t) (1 − e^(−t))^(γ−1)."""
    e = exp(-t)
    log_w = log(1 - e)
    return exp(g * log_w) + g * t * e * exp((g - 1) * log_w)


def _upper_side_holds(gamma: Fraction, shift: mpmath.mpf, box: Box) -> bool:
    """F_γ(d + shift) ≥ d on the d-box: by monotonicity of F, or the mean-value form."""
    g, c = exact_interval(gamma), point(shift)
    a, b = box
    if lower(_lift(g, point(a) + c) - point(b)) >= 0:
        return True
    d, mid = box_interval(box), (a + b) / 2
    slope = _lift_slope(g, d + c) - 1
    centred = _lift(g, point(mid) + c) - point(mid) + slope * (d - point(mid))
    return bool(lower(centred) >= 0)


def _tail_bound(gamma: Fraction) -> Any:
    """Upper bound of t − d for d ≥ D_MAX: γ D e^(−D)/(1 − e^(−D)) with D = D_MAX."""
    g, big = exact_interval(gamma), exact_interval(D_MAX)
    return g * big * exp(-big) / (1 - exp(-big))


@check("tau.bracket", level="certified")
def tau_bracket_certified(ctx: CheckContext) -> Evidence:
    """d ≤ t ≤ d + c_γ⁺ with t = ln(1/τ_γ(d)), by interval boxes in d over [0, D_MAX]."""
    gammas = _gammas(ctx)
    digits = _gap_tolerance(ctx)
    rows, failures, boxes = {}, [], 0
    with interval_precision(INTERVAL_DPS):
        for gamma in gammas:
            if gamma == 0:
                rows["0"] = {"c_gamma_upper": "0", "boxes": 0}  # t = d exactly
                continue
            enclosure, _ = gap_maximum(gamma, digits)
            # A certified upper bound of c_gamma, with room above the rounding level.
            shift = enclosure.upper + mp.mpf(10) ** -digits
            cert = certify_on(lambda box, g=gamma, c=shift: _upper_side_holds(g, c, box),
                              mp.zero, mp.mpf(D_MAX))
            tail = _tail_bound(gamma)
            tail_ok = upper(tail) <= enclosure.lower
            boxes += cert.boxes
            rows[str(gamma)] = {"c_gamma_upper": _decimal(shift, digits + 5),
                                "excess_over_c_gamma_at_most":
                                    _decimal(shift - enclosure.lower, 3),
                                "boxes": cert.boxes, "tail_bound": _decimal(upper(tail), 3)}
            if not (cert.holds and tail_ok):
                failures.append({"gamma": str(gamma),
                                 "d_box": ([_decimal(v) for v in cert.failed_box]
                                           if cert.failed_box else None),
                                 "tail_bound": _decimal(upper(tail), 5)})
    region = (f"gamma in {_grid_text(gammas)}; d in [0, {D_MAX}] by interval boxes; d > {D_MAX} "
              "analytic")
    argument = (
        "t = ln(1/tau_gamma(d)) is the root of the increasing F(t) = t (1-e^(-t))^gamma = d. "
        "Lower side: F(d) = d (1-e^(-d))^gamma <= d, so t >= d (analytic, every d >= 0). "
        "Upper side: F(d + c+) >= d is certified on every d-box (monotonicity of F, or the "
        "mean-value form with F'), so t <= d + c+, where c+ is a certified upper bound of "
        "c_gamma from the [phi.gap] enclosure plus a margin (c+ - c_gamma <= "
        "excess_over_c_gamma_at_most). d > D_MAX: t - d = h_gamma(tau) with tau <= e^(-d), "
        "and h_gamma(p) <= gamma p ln(1/p)/(1-p) <= tail_bound <= lower end of the c_gamma "
        "enclosure. gamma = 0: t = d exactly.")
    return Evidence.certified(
        "interval branch-and-bound in t-space: F(d) <= d and F(d + c+) >= d", not failures,
        region, counterexample=failures[0] if failures else None, gammas=len(gammas),
        boxes=boxes, interval_dps=INTERVAL_DPS, bounds=rows, argument=argument,
        arithmetic=preferred().name)


# -- the numeric functions against the certified formulas ---------------------------------


def _enclosed(value: mpmath.mpf, enclosure: Any, relative: mpmath.mpf) -> bool:
    """``value`` lies in the interval widened by ``relative`` times its magnitude."""
    slack = relative * max(abs(lower(enclosure)), abs(upper(enclosure)))
    return bool(lower(enclosure) - slack <= value <= upper(enclosure) + slack)


def _sample_probabilities(ctx: CheckContext) -> list[Fraction]:
    rng = ctx.rng
    fixed = [Fraction(1, 10**12), Fraction(1, 1000), Fraction(1, 3), Fraction(1, 2),
             Fraction(9, 10), 1 - Fraction(1, 10**9)]
    return fixed + [Fraction(rng.randint(1, 10**6 - 1), 10**6) for _ in range(ctx.effort(4, 20))]


@check("phi.convex", level="certified")
def phi_second_in_certified_enclosure(ctx: CheckContext) -> Evidence:
    """The numeric phi_second lies in an interval enclosure of (1 − p)^(γ−2) A at exact points."""
    from focalrd.numeric.phi import phi_second

    gammas, points = _gammas(ctx), _sample_probabilities(ctx)
    failures, count = [], 0
    for gamma in gammas:
        for p in points:
            with mp.workdps(ctx.dps):
                value = phi_second(gamma, p)
                relative = mp.ldexp(1, 4 - mp.prec)   # one rounding, with room
            with interval_precision(ctx.dps + 20):
                g, q, s = (exact_interval(gamma), exact_interval(1 - p),
                           exact_interval((1 - p) / p))
                a = g * (g - 1) * log(1 + s) + 2 * g * s + s * s
                enclosure = exp((g - 2) * log(q)) * a
                count += 1
                if not _enclosed(value, enclosure, relative):
                    failures.append({"gamma": str(gamma), "p": str(p),
                                     "phi_second": _decimal(value, ctx.dps),
                                     "enclosure": [_decimal(lower(enclosure), ctx.dps),
                                                   _decimal(upper(enclosure), ctx.dps)]})
    return Evidence.certified(
        "numeric phi_second(gamma, p) at the working precision lies in the interval "
        "enclosure of (1-p)^(gamma-2) (gamma(gamma-1) ln(1+s) + 2 gamma s + s^2) at exact p "
        "(s = (1-p)/p exact), widened by 2^(4-prec) relative (one rounding)", not failures,
        f"gamma in {_grid_text(gammas)} x {len(points)} points p (fixed and seeded random)",
        counterexample=failures[0] if failures else None, points=count)


@check("tau.bracket", level="certified")
def tau_numeric_in_certified_enclosure(ctx: CheckContext) -> Evidence:
    """The numeric ln(1/τ_γ(d)) is certified to its working precision: F changes sign around it.

    t is the root of the increasing F(t) = t (1 − e^(−t))^γ − d; with δ = t 2^(8−prec),
    interval arithmetic (dps + 30 digits) shows F(t − δ) < 0 < F(t + δ), so the root lies
    within δ of the numeric t, and hence (by the certified bracket) the numeric τ lies in
    [e^(−d−c_γ), e^(−d)] too.
    """
    from focalrd.numeric.tau import log_inverse_tau

    gammas, rng = _gammas(ctx), ctx.rng
    levels = [Fraction(0), Fraction(1, 10**20), Fraction(1, 1000), Fraction(1, 2), Fraction(3),
              Fraction(20), Fraction(D_MAX), Fraction(500)]
    levels += [Fraction(rng.randint(1, 10**5), 1000) for _ in range(ctx.effort(3, 12))]
    failures, count = [], 0
    for gamma in gammas:
        for level in levels:
            count += 1
            with mp.workdps(ctx.dps):
                t = log_inverse_tau(gamma, level)
                delta = t * mp.ldexp(1, 8 - mp.prec)
            if level == 0:
                ok = t == 0
            else:
                with interval_precision(ctx.dps + 30):
                    g, d = exact_interval(gamma), exact_interval(level)
                    below = _lift(g, point(t - delta)) - d
                    above = _lift(g, point(t + delta)) - d
                    ok = bool(upper(below) < 0 < lower(above))
            if not ok:
                failures.append({"gamma": str(gamma), "d": str(level),
                                 "ln_inverse_tau": _decimal(t, ctx.dps)})
    return Evidence.certified(
        "numeric t = ln(1/tau_gamma(d)) at the working precision: interval arithmetic shows "
        "F(t - delta) < d < F(t + delta) for F(t) = t (1-e^-t)^gamma increasing, delta = "
        "t 2^(8-prec), so the numeric tau carries its digits and lies in the certified bracket",
        not failures, f"gamma in {_grid_text(gammas)} x {len(levels)} levels d (0 to 500, "
                      "fixed and seeded random)",
        counterexample=failures[0] if failures else None, points=count)

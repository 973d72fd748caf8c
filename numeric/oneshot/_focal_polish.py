"""The Newton polish of the focal-entropy KKT system, at doubling precisions.

From the float64 KKT solution (:mod:`._focal_float`), Newton steps on the KKT system in
y_x = ln q_x and ℓ = ln λ run at about 96, 180, … bits up to the working precision,
so that only the last passes run at full precision (the method is described in
:mod:`.focal_entropy`).  Each pass over the entries takes one exponential per entry.
Written against the arithmetic interface of :mod:`._focal_arithmetic` (``A``).
"""

from __future__ import annotations

import math
from fractions import Fraction

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric.errors import PrecisionError
from focalrd.numeric.oneshot._focal_dd import kkt_gap, ratios

_MINUS_LN2 = -0.6931471805599453  # a float: compared with mpmath and MPFR numbers alike
_MAX_STEPS_AT_TARGET = 12
#: Highest rung of the polish whose Newton step may be computed in float64 (a rung
#: from about half its bits needs the step to about half its bits).
_FLOAT_STEP_BITS = 100
#: Largest relative Newton step at which the stationary value is trusted at all.
_EPS_MAX = 2.0**-20
#: Below this |ρ| the Newton gap ln(1 + ρ) is taken as ρ/(1 + ρ).
_SMALL_GAP = 2.0**-20
#: Above this relative size a step in y is applied as a step in ln(−y) (y stays < 0).
_LARGE_STEP = 2.0**-10
#: The first rung of the polish runs in double-double arithmetic when it needs at most
#: this many bits (double-double carries about 104).
_DD_BITS = 96


class _Pass:
    """The KKT system of the polish evaluated at one point (y, ℓ = ln λ), y_x = ln q_x.

    Per distinct entry: ``q``, ``rho`` = a_x |φ_γ'(q_x)| / λ − 1 (the KKT ratio gap) and,
    when asked for, ``terms`` = a_x (1 − q_x)^γ ln q_x (so that Σ_x w_x a_x φ_γ(q_x) =
    −Σ w·terms); the mass gap ``mass`` = Σ w·q − 1 (computed without cancellation) and
    λ.  With an exact step also ``gap`` = ρ/(1 + ρ), ``inv`` = 1/(dH/dy) and the sums
    ``s1`` = Σ w q/H', ``s2`` = Σ w q gap/H' of the outer Newton equation.
    """

    __slots__ = ("y", "q", "rho", "terms", "gap", "inv", "mass", "lam", "s1", "s2")

    def __init__(self, y, q, rho, terms, gap, inv, mass, lam, s1, s2):
        self.y, self.q, self.rho, self.terms, self.gap, self.inv = y, q, rho, terms, gap, inv
        self.mass, self.lam, self.s1, self.s2 = mass, lam, s1, s2


def _kkt_pass(A, weights: list[int], a: list, g, whole: int, y: list, ell, exact: bool,
              with_terms: bool) -> _Pass:
    """The KKT system at (y, ℓ) in one sweep over the entries, at the current precision.

    With q = e^y, C = 1 − q and B = C − γ·y·q, a_x |φ_γ'(q_x)| = a_x C^(γ−1) B / q and
    H(y) = ln |φ_γ'(e^y)| has dH/dy = −1 − q·((γ − 1)/C + (1 + γ + γ y)/B) < 0.  One
    exponential per entry (expm1 where q > 1/2, so that C keeps its relative accuracy);
    C^(γ−1) by multiplication when γ is a whole number (``whole`` = γ, else 0).
    ``exact``: also the parts of the Newton step in this arithmetic (else
    :func:`_float_step` computes the step from ρ and the mass); ``with_terms``: also the
    terms of the value.
    """
    exp, expm1, log = A.exp, A.expm1, A.log
    lam = exp(ell)
    g1, gm1 = 1 + g, g - 1
    qs, rhos, terms, gaps, invs = [], [], [], [], []
    bigs = []   # (index, w·(1 − q)) of the entries with q > 1/2
    s1 = s2 = 0
    for w, ax, yx in zip(weights, a, y, strict=True):
        if yx > _MINUS_LN2:
            c = -expm1(yx)
            q = 1 - c
            bigs.append((len(qs), w * c))
        else:
            q = exp(yx)
            c = 1 - q
        b = c - g * (yx * q)
        if whole == 2:
            ac = ax * c
        elif whole == 1:
            ac = ax
        elif whole:
            ac = ax * c ** (whole - 1)
        else:
            ac = ax * exp(gm1 * log(c))
        rho = ac * b / (q * lam) - 1
        qs.append(q)
        rhos.append(rho)
        if with_terms:
            terms.append(ac * c * yx)
        if exact:
            # the Newton equation is ln(1 + ρ) = 0; ρ/(1 + ρ) equals it to O(ρ²), which
            # keeps the convergence quadratic, and needs no logarithm near the solution;
            # far from it, ln(1 + ρ) from its logarithms (1 + ρ may be far outside 1 ± 2^-p)
            gap = rho / (1 + rho) if abs(rho) < _SMALL_GAP else log(ac * b) - yx - ell
            inv = 1 / (-1 - q * (gm1 / c + (g1 + g * yx) / b))
            qi = q * inv if w == 1 else w * q * inv
            s1 += qi
            s2 += qi * gap
            gaps.append(gap)
            invs.append(inv)
    # Σ w·q − 1 without cancellation: an entry with q > 1/2 enters as w − w·(1 − q)
    mass = qs.copy() if all(w == 1 for w in weights) else [w * q for w, q in
                                                            zip(weights, qs, strict=True)]
    for i, wc in bigs:
        mass[i] = -wc
    mass.append(A.exact(Fraction(sum(weights[i] for i, _ in bigs) - 1)))
    return _Pass(y, qs, rhos, terms, gaps, invs, A.fsum(mass), lam, s1, s2)


def _outer_gap(log1p, mass):
    """The outer equation of the Newton step, scaled by the total mass 1 + mass.

    The equation is ln Σ w q = ln(1 + mass) = 0 (well scaled however far the total is
    from 1; its linearisation is Σ (w q / total) δy = −ln(1 + mass)); multiplied by the
    total, (1 + mass)·ln(1 + mass), which is the mass itself to O(mass²) near the solution.
    """
    if abs(mass) < _SMALL_GAP:
        return mass
    if mass <= -1:
        return -math.inf
    return (1 + mass) * log1p(mass)


class _Step:
    """A Newton step of the KKT system: δy per entry, δℓ, the largest relative step ε =
    max(|δy/y|, |δℓ|/(1 + |ℓ|)), and Σ w q ρ δy (for :func:`_stationary_value`)."""

    __slots__ = ("dy", "d_ell", "eps", "moved", "floating")

    def __init__(self, dy, d_ell, eps, moved, floating: bool):
        self.dy, self.d_ell, self.eps, self.moved = dy, d_ell, eps, moved
        self.floating = floating   # computed in float64 (relative error about 2^-50)


def _exact_step(A, weights: list[int], parts: _Pass, ell, value_only: bool) -> _Step:
    """The Newton step in arithmetic ``A`` from the parts of an ``exact`` pass.

    Linearising ln(1 + ρ_x) = 0 (a_x |φ'(q_x)| = λ) and ln Σ w q = 0:  δy_x = (δℓ −
    gap_x)/H'_x and Σ w q_x δy_x = −(1 + mass) ln(1 + mass), so δℓ = (s2 − that)/s1
    (:func:`_outer_gap`).
    """
    d_ell = (parts.s2 - _outer_gap(A.log1p, parts.mass)) / parts.s1
    dy = [(d_ell - gap) * inv for gap, inv in zip(parts.gap, parts.inv, strict=True)]
    with A.precision(64):   # ε and the correction need few bits
        eps = max([abs(d_ell) / (1 + abs(ell))]
                  + [abs(s / yx) for s, yx in zip(dy, parts.y, strict=True)])
        moved = A.fsum([w * q * rho * s for w, q, rho, s in zip(weights, parts.q, parts.rho, dy,
                                                                 strict=True)]
                       ) if value_only else 0
    return _Step(dy, d_ell, eps, moved, False)


def _float_step(w: np.ndarray, parts: _Pass, y_float: np.ndarray, ell: float,
                gamma: float) -> _Step | None:
    """The Newton step in float64, vectorised: H' from the float y, ρ and the mass from
    the pass (their leading bits are all the step needs while it is far above the
    rounding of the float).  None when a number leaves the safe float range (the
    caller then takes :func:`_exact_step`)."""
    return _float_step_from(w, np.fromiter(map(float, parts.rho), float, len(parts.rho)),
                            float(parts.mass), y_float, ell, gamma)


def _float_step_from(w: np.ndarray, rho: np.ndarray, mass: float, y_float: np.ndarray,
                     ell: float, gamma: float) -> _Step | None:
    """:func:`_float_step` from ρ and the mass as floats."""
    with np.errstate(all="ignore"):
        q = np.exp(y_float)
        c = -np.expm1(y_float)
        b = c - gamma * y_float * q
        slope = -1 - q * ((gamma - 1) / c + (1 + gamma + gamma * y_float) / b)
        gap = np.log1p(rho)
        qi = w * q / slope
        d_ell = (float(np.dot(qi, gap)) - _outer_gap(math.log1p, mass)) / float(qi.sum())
        dy = (d_ell - gap) / slope
        eps = max(float(np.max(np.abs(dy / y_float))), abs(d_ell) / (1 + abs(ell)))
        moved = float(np.dot(w * q * rho, dy))
    if not (math.isfinite(d_ell) and math.isfinite(eps) and math.isfinite(moved)):
        return None
    return _Step(dy.tolist(), d_ell, eps, moved, True)


def _float_safe(y_float: np.ndarray, prec: int) -> bool:
    """Whether :func:`_float_step` may be used: below 600 bits (so that ρ, a multiple of
    2^(1 − prec) or 0, and the products of the step stay normal floats) and with
    2^-300 ≤ |y| ≤ 200 for every entry (q ≥ e^-200)."""
    if prec > 600:
        return False
    magnitude = np.abs(y_float)
    return bool(np.all((magnitude >= 2.0**-300) & (magnitude <= 200.0)))


def _double_double_step(A, weights: list[int], w: np.ndarray, values: list[Fraction], a: list,
                        whole: int, y_float: np.ndarray, ell, gamma: float) -> _Step | None:
    """The first Newton step with ρ and the mass in double-double arithmetic, vectorised
    (:mod:`._focal_dd`), at the float point ``y_float`` (which is the point y exactly).

    For whole γ from 1 to 16 in the safe float range (:func:`_float_safe`); else None
    and the caller takes the step in ``A``.
    """
    if not 1 <= whole <= 16 or not _float_safe(y_float, _DD_BITS):
        return None
    numerators = [v.numerator for v in values]
    denominators = [v.denominator for v in values]
    if max(numerators) < 2**53 and max(denominators) < 2**53:
        a_hi, a_lo = ratios(numerators, denominators)
    else:
        a_hi = np.array([float(ax) for ax in a])
        a_lo = np.array([float(ax - hi) for ax, hi in zip(a, a_hi.tolist(), strict=True)])
    if not np.all((a_hi >= 2.0**-900) & (a_hi <= 2.0**900)):
        return None
    inverse = A.exp(-ell)
    inverse_hi = float(inverse)
    with np.errstate(all="ignore"):
        rho, mass = kkt_gap(a_hi, a_lo, w, y_float, whole,
                            (inverse_hi, float(inverse - inverse_hi)))
    if not (np.all(np.isfinite(rho)) and math.isfinite(mass)):
        return None
    return _float_step_from(w, rho, mass, y_float, float(ell), gamma)


def _value(A, weights: list[int], parts: _Pass):
    """Σ_x w_x a_x φ_γ(q_x) at the point of ``parts`` (correctly rounded sum)."""
    return -A.fsum([t if w == 1 else w * t for w, t in zip(weights, parts.terms, strict=True)])


def _stationary_value(A, weights: list[int], parts: _Pass, step: _Step, g, target: int):
    """F from the Lagrangian at a point near the saddle, or None if not yet near enough.

    L(y, ℓ) = Σ w a φ(e^y) + λ·(Σ w e^y − 1) equals F at the saddle and is stationary
    there: its gradient is (−w λ q_x ρ_x, λ·mass), so with the Newton step Δ,
    F = L + ½ ∇L·Δ + O(|Δ|³) = L + ½ λ (mass·δℓ − Σ w q ρ δy) + O(|Δ|³).
    The cubic remainder is estimated as |½ ∇L·Δ| · ε · (2 + γ), ε the largest
    relative step (a Taylor term over the previous one); the value is returned
    when ε ≤ 2^-20 and that estimate, times 2^10, plus 2^-40·|½ ∇L·Δ| for a step
    computed in float64, lies below 2^(−target)·L.
    """
    lagrangian = _value(A, weights, parts) + parts.lam * parts.mass
    with A.precision(64):
        correction = parts.lam * (parts.mass * step.d_ell - step.moved) / 2
        remainder = abs(correction) * (step.eps * (2 + g) * 1024
                                       + (2.0**-40 if step.floating else 0))
        if not (step.eps <= _EPS_MAX and remainder <= A.ldexp(abs(lagrangian), -target)):
            return None   # (written so that a NaN is never accepted)
    return lagrangian + correction


def _ladder(target_prec: int) -> list[int]:
    """Precisions of the polish: about 96, 180, … bits up to ``target_prec``, each a little
    over half the next (Newton doubles the correct bits with each step)."""
    ladder = [target_prec]
    while ladder[0] > 96:
        ladder.insert(0, ladder[0] // 2 + 8)
    return ladder


def polish(A, weights: list[int], values: list[Fraction], g: Fraction, y: list, ell,
            target_prec: int, value_only: bool = False, y_float=None):
    """Newton on the KKT system from the float64 start, at doubling precisions.

    The float start is good to about 40 bits and Newton doubles the correct bits
    with each step, so one step runs at each rung of :func:`_ladder` below
    ``target_prec``.  The passes at ``target_prec`` that follow are also the
    evaluation.  For the minimiser (``value_only`` false): a pass returns the parts
    at the current point once its own Newton correction lies below 2^(20 −
    target_prec) relative to each y_x and to 1 + |ln λ| — so the point is accurate
    to the target precision and the parts (hence the value and the KKT residual)
    are those *at the returned point*; otherwise the correction is applied and the
    pass repeated.  For the value alone: the first pass at ``target_prec`` whose
    Lagrangian with its second-order correction is accurate to the target
    precision gives F (:func:`_stationary_value`), which saves the last pass.

    Steps that only need their leading bits (below the target, and the correction of
    the stationary value) are computed in float64 from the float y (``y_float``, the
    start) when :func:`_float_safe`; the steps that decide the returned minimiser are
    computed in ``A``.

    Returns (parts, ln λ, F), F = Σ w a φ(q) at the point of ``parts``, or the
    stationary value when ``value_only``.
    """
    ladder = _ladder(target_prec)
    whole = int(g) if g.denominator == 1 and g >= 1 else 0
    gamma = float(g)
    w_float = np.array(weights, dtype=float)
    with A.precision(target_prec):  # once, at the full precision (they are exact inputs)
        g_b = A.exact(g)
        exact = A.exact
        a = [exact(v) for v in values]
        if y_float is None:
            y_float = np.array([float(v) for v in y])

    def newton(prec: int, y: list, y_float, fast: bool) -> tuple[_Pass, _Step]:
        fast = fast and _float_safe(y_float, prec)
        parts = _kkt_pass(A, weights, a, g_b, whole, y, ell, not fast, prec == target_prec)
        step = _float_step(w_float, parts, y_float, float(ell), gamma) if fast else None
        if step is None:
            if fast:   # the pass was made for a float step: redo it exactly
                parts = _kkt_pass(A, weights, a, g_b, whole, y, ell, True, prec == target_prec)
            step = _exact_step(A, weights, parts, ell, value_only)
        return parts, step

    def moved(y: list, y_float, step: _Step):
        if step.eps > _LARGE_STEP:   # a step far from the solution: taken in ln(−y)
            exp = A.exp
            new = [yx + s if abs(s) <= _LARGE_STEP * abs(yx) else yx * exp(s / yx)
                   for yx, s in zip(y, step.dy, strict=True)]
        else:
            new = [yx + s for yx, s in zip(y, step.dy, strict=True)]
        if step.eps <= _LARGE_STEP and isinstance(step.dy[0], float):
            return new, y_float + np.array(step.dy)
        return new, np.array([float(v) for v in new])

    for rung, prec in enumerate(ladder[:-1]):
        with A.precision(prec):
            step = _double_double_step(A, weights, w_float, values, a, whole, y_float, ell,
                                       gamma) \
                if rung == 0 and prec <= _DD_BITS else None
            if step is None:   # a float step carries a rung of at most _FLOAT_STEP_BITS
                _, step = newton(prec, y, y_float, prec <= _FLOAT_STEP_BITS)
            y, y_float = moved(y, y_float, step)
            ell = ell + step.d_ell
    with A.precision(target_prec):
        tolerance = A.ldexp(1, 20 - target_prec)
        for _ in range(_MAX_STEPS_AT_TARGET):
            if value_only:
                parts, step = newton(target_prec, y, y_float, True)
                value = _stationary_value(A, weights, parts, step, g_b, target_prec)
                if value is None and step.floating:   # the float step may be the limit
                    parts = _kkt_pass(A, weights, a, g_b, whole, y, ell, True, True)
                    step = _exact_step(A, weights, parts, ell, True)
                    value = _stationary_value(A, weights, parts, step, g_b, target_prec)
                if value is not None:
                    return parts, ell, value
            else:
                parts = _kkt_pass(A, weights, a, g_b, whole, y, ell, True, True)
                step = _exact_step(A, weights, parts, ell, False)
                if step.eps <= tolerance:
                    return parts, ell, _value(A, weights, parts)
            y, y_float = moved(y, y_float, step)
            ell = ell + step.d_ell
    raise PrecisionError("the focal-entropy Newton polish did not converge")

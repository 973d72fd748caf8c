"""The focal entropy F_γ(a) and its unique minimiser (THEORY.md §5, [focal-entropy.unique]).

    F_γ(a) = min_q Σ_x a_x φ_γ(q_x)   over distributions q on the support of a.

φ_γ is strictly convex and |φ_γ'(0+)| = ∞, so the minimiser is unique, has full
support on {a_x > 0}, and satisfies the KKT conditions a_x |φ_γ'(q_x)| = λ
(one λ for all x) with Σ q = 1.  At γ = 0, q = a/Σa and F_0(a) = Σ a_x ln(Σa/a_x).

Method (the KKT double monotone search).  |φ_γ'| decreases, so for a given λ
each q_x(λ) solves one monotone equation (inner search) and Σ_x q_x(λ) is
decreasing in λ (outer search).  Both are first solved in float64 for all
entries at once (:mod:`._focal_float`, Newton kept inside brackets), then
polished by Newton steps on the same KKT system, in y_x = ln q_x and ln λ, at
doubling precisions (about 90, 180, … bits up to the working precision plus guard
bits), so that only the last steps run at full precision.  Each pass over the
entries takes one exponential per entry (q = e^y) and the KKT ratio gap
ρ_x = a_x |φ_γ'(q_x)|/λ − 1.  The first step, which needs about 90 bits, runs in
double-double arithmetic vectorised with numpy (:mod:`._focal_dd`, whole γ ≤ 16);
steps that need only their leading bits are solved in float64.  The minimiser is
returned from the first full-precision pass whose own Newton correction is below
2^(20 − precision), and its value and KKT residual are those of that pass.  The
value alone (:func:`focal_entropy`, γ ≤ 1024) stops one pass earlier: the Lagrangian
Σ a φ(q) + λ(Σ q − 1) is stationary at the minimiser, so at a point whose Newton
step is Δ it equals F up to ½∇L·Δ (added) and a cubic remainder (estimated and
required below the target precision).  Equal entries of a have equal q_x, so they
are solved once (with a multiplicity).

The KKT residual reported is max(max_x |a_x|φ_γ'(q_x)|/λ − 1|, |Σ q − 1|) at
the returned minimiser (both terms computed in the pass that returns it).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp
from mpmath.libmp import MPZ, from_man_exp

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.exact import exact_number, focusing_parameter
from focalrd.numeric.oneshot._focal_dd import kkt_gap, ratios
from focalrd.numeric.oneshot._focal_float import solve_cells
from focalrd.numeric.precision import to_mpf

try:  # the `fast` extra: MPFR arithmetic for the polish
    import gmpy2
except ImportError:  # pragma: no cover
    gmpy2 = None
__all__ = [
    "FocalEntropySolution",
    "focal_entropy",
    "focal_entropy_minimizer",
    "focal_entropy_solution",
    "grouped_solution",
    "nonnegative_vector",
]

_GUARD_BITS = 24
_MINUS_LN2 = -0.6931471805599453  # a float: compared with mpmath and MPFR numbers alike
_MAX_STEPS_AT_TARGET = 12
#: Highest rung of the polish whose Newton step may be computed in float64 (a rung
#: from about half its bits needs the step to about half its bits).
_FLOAT_STEP_BITS = 100
#: Largest γ at which the value alone is taken from the stationary Lagrangian.
_STATIONARY_MAX_GAMMA = 1024
#: Largest relative Newton step at which the stationary value is trusted at all.
_EPS_MAX = 2.0**-20
_SMALLEST_NORMAL = 2.2250738585072014e-308
#: Below this |ρ| the Newton gap ln(1 + ρ) is taken as ρ/(1 + ρ).
_SMALL_GAP = 2.0**-20
#: Above this relative size a step in y is applied as a step in ln(−y) (y stays < 0).
_LARGE_STEP = 2.0**-10
#: The first rung of the polish runs in double-double arithmetic when it needs at most
#: this many bits (double-double carries about 104).
_DD_BITS = 96


@dataclass(frozen=True, repr=False)
class FocalEntropySolution(ShortDisplay):
    """F_γ(a), its minimiser q (0 where a_x = 0), the multiplier λ and the KKT residual."""

    value: mpmath.mpf
    minimizer: tuple[mpmath.mpf, ...]
    multiplier: mpmath.mpf
    kkt_residual: mpmath.mpf


def nonnegative_vector(a: Sequence, parameter: str = "a") -> tuple[Fraction, ...]:
    """Validate a non-negative vector with a positive entry; return it exactly."""
    if isinstance(a, str):
        a = [part for part in a.split(",")]
    values = tuple(exact_number(v, parameter) for v in a)
    # the sign of a Fraction is its numerator's (denominators are positive)
    if not values or any(v.numerator < 0 for v in values) or not any(values):
        raise InvalidInputError(parameter, "a non-empty vector of numbers >= 0, not all zero", None)
    return values


def _log_float(x: Fraction) -> float:
    return math.log(x.numerator) - math.log(x.denominator)


class _Mpmath:
    """Arithmetic of the polish: mpmath numbers (always available)."""

    exp, expm1, log, log1p, fsum = mp.exp, mp.expm1, mp.log, mp.log1p, mp.fsum

    @staticmethod
    def precision(bits: int):
        return mp.workprec(bits)

    @staticmethod
    def exact(x: Fraction) -> mpmath.mpf:
        return to_mpf(x)

    @staticmethod
    def number(x: float) -> mpmath.mpf:
        return mp.mpf(x)

    @staticmethod
    def to_mpf(x: mpmath.mpf) -> mpmath.mpf:
        return x

    @staticmethod
    def ldexp(x: int, k: int) -> mpmath.mpf:
        return mp.ldexp(x, k)


class _Mpfr:
    """The same arithmetic on gmpy2's MPFR numbers (the ``fast`` extra): the polish does
    only elementary operations, and MPFR does them without Python-level overhead."""

    @staticmethod
    def precision(bits: int):
        # the widest exponent range, and any result beyond it raises (the caller then
        # redoes the solve in mpmath, whose exponents are unbounded)
        return gmpy2.context(precision=bits, emin=gmpy2.get_emin_min(),
                             emax=gmpy2.get_emax_max(), trap_underflow=True, trap_overflow=True)

    @staticmethod
    def exact(x: Fraction):
        # integer true division in gmpy2 is correctly rounded (as mpfr(mpq(n, d)), tested)
        return gmpy2.div(x.numerator, x.denominator)

    @staticmethod
    def number(x: float):
        # exact at any context precision >= 53 (always so here), and ~8x faster than
        # gmpy2.mpfr(x), which takes a slow path for floats
        return _MPFR_ONE * x

    @staticmethod
    def to_mpf(x) -> mpmath.mpf:
        man, exp = x.as_mantissa_exp()  # exact: x = man · 2^exp
        return mp.make_mpf(from_man_exp(MPZ(man), int(exp)))

    @staticmethod
    def ldexp(x: int, k: int):
        return gmpy2.mul_2exp(gmpy2.mpfr(x), k)


def _mpfr_usable() -> bool:
    """gmpy2 ≥ 2.2 (its contexts are context managers with these keywords)."""
    if gmpy2 is None or not hasattr(gmpy2, "mpfr"):
        return False
    try:
        major, minor = (int(part) for part in gmpy2.version().split(".")[:2])
    except ValueError:  # pragma: no cover - an unusual version string
        return False
    return (major, minor) >= (2, 2)


if _mpfr_usable():
    _MPFR_ONE = gmpy2.mpfr(1)
    _Mpfr.exp, _Mpfr.expm1, _Mpfr.log, _Mpfr.log1p = gmpy2.exp, gmpy2.expm1, gmpy2.log, \
        gmpy2.log1p
    _Mpfr.fsum = gmpy2.fsum  # correctly rounded sum
    #: The arithmetic of the Newton polish (tests switch it to compare the two).
    _ARITHMETIC: type = _Mpfr
    _RANGE_ERRORS: tuple = (gmpy2.UnderflowResultError, gmpy2.OverflowResultError)
else:  # pragma: no cover - gmpy2 is in the ``fast`` extra
    _ARITHMETIC, _RANGE_ERRORS = _Mpmath, ()


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


def _polish(A, weights: list[int], values: list[Fraction], g: Fraction, y: list, ell,
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


def _float_start(values: list[Fraction], floats: list[float] | None, counts: list[int],
                 gamma: Fraction):
    """The float64 KKT solution (:mod:`._focal_float`) as (y = ln q per entry, ln λ).

    ``floats`` are the values as floats when all are normal numbers (then ln a is
    one vectorised logarithm), else None.
    """
    if floats is not None and min(floats) >= _SMALLEST_NORMAL:
        la_float = np.log(np.array(floats))
    else:
        la_float = np.array([_log_float(v) for v in values])
    z0, ell0, _ = solve_cells(la_float, np.array(counts, dtype=float),
                              np.zeros(len(values), dtype=int), 1, float(gamma))
    with np.errstate(over="ignore", under="ignore"):
        y0 = -np.exp(z0)
    return z0, y0, float(ell0[0])


def _start_point(A, z0, y0) -> list:
    """y = −e^z in arithmetic ``A``: from the float when it is a normal number, else
    (the float under- or overflowed: q within 1e-308 of 1, or e^(−e^710)) in ``A``."""
    if np.all(np.isfinite(y0) & (np.abs(y0) >= _SMALLEST_NORMAL)):
        return [A.number(v) for v in y0.tolist()]
    return [A.number(v) if math.isfinite(v) and abs(v) >= _SMALLEST_NORMAL
            else -A.exp(A.number(z)) for v, z in zip(y0.tolist(), z0.tolist(), strict=True)]


def grouped_solution(values: Sequence[Fraction], counts: Sequence[int],
                     gamma: Fraction) -> FocalEntropySolution:
    """F_γ of the vector holding ``counts[i]`` copies of ``values[i]`` (distinct, > 0).

    The minimiser gives equal entries equal mass, so it is returned per
    distinct value: ``minimizer[i]`` is the q of each copy of ``values[i]``.
    """
    return _grouped(list(values), list(counts), gamma, value_only=False)


def _floats(values: list[Fraction]) -> list[float] | None:
    """The values as floats (correctly rounded), or None if one overflows."""
    try:
        return [v.numerator / v.denominator for v in values]
    except OverflowError:
        return None


def _grouped(values: list[Fraction], counts: list[int], gamma: Fraction,
             value_only: bool) -> FocalEntropySolution:
    """:func:`grouped_solution`; with ``value_only`` the minimiser, multiplier and residual
    are left out (empty, 0, 0) and F comes from the stationary Lagrangian."""
    if sum(counts) == 1:
        multiplier = to_mpf(values[0]) if gamma == 0 else mp.zero
        return FocalEntropySolution(mp.zero, (mp.one,), multiplier, mp.zero)
    if gamma == 0:
        return _log_loss_solution(values, counts)
    z0, y0, ell0 = _float_start(values, _floats(values), counts, gamma)
    target = mp.prec + _GUARD_BITS
    try:
        return _polished_solution(_ARITHMETIC, values, counts, gamma, z0, y0, ell0, target,
                                  value_only)
    except _RANGE_ERRORS:  # pragma: no cover - only with γ near 10^15 and extreme entries
        return _polished_solution(_Mpmath, values, counts, gamma, z0, y0, ell0, target,
                                  value_only)


def _polished_solution(A, values: list[Fraction], counts: list[int], gamma: Fraction,
                       z0, y0, ell0: float, target: int,
                       value_only: bool = False) -> FocalEntropySolution:
    """The solution from the float64 start, polished in arithmetic ``A``."""
    with A.precision(target):
        y = _start_point(A, z0, y0)
        # the stationary shortcut for moderate γ only: at γ near 10^15 its error estimate
        # was seen to fail (λ/F ≈ γ magnifies the rounding of ln λ); there, the full polish
        parts, ell, value = _polish(A, counts, values, gamma, y, A.number(ell0), target,
                                    value_only and gamma <= _STATIONARY_MAX_GAMMA, y0)
        if not value_only:
            residual = max(max(abs(r) for r in parts.rho), abs(parts.mass))
            multiplier = A.exp(ell)
    with mp.workprec(target):
        value = A.to_mpf(value)
        if value_only:
            return FocalEntropySolution(+value, (), mp.zero, mp.zero)
        residual, multiplier = A.to_mpf(residual), A.to_mpf(multiplier)
        minimizer = tuple(+A.to_mpf(q) for q in parts.q)
    return FocalEntropySolution(+value, minimizer, +multiplier, +residual)


def _log_loss_solution(values: list[Fraction], counts: list[int]) -> FocalEntropySolution:
    """γ = 0: q = a/Σa exactly and F_0(a) = Σ a ln(Σa/a)."""
    total = sum((v * c for v, c in zip(values, counts, strict=True)), Fraction(0))
    with mp.workprec(mp.prec + _GUARD_BITS + len(values).bit_length()):
        # ln(Σa/a) = log1p((Σa − a)/a) with the argument exact: no loss for a dominant entry
        value = mp.fsum(c * to_mpf(v) * mp.log1p(to_mpf((total - v) / v))
                        for v, c in zip(values, counts, strict=True))
    minimizer = tuple(to_mpf(v / total) for v in values)
    multiplier = to_mpf(total)
    with mp.workprec(mp.prec + _GUARD_BITS):
        # a_x |φ_0'(q_x)| = a_x / q_x, evaluated at the rounded minimiser
        gaps = [abs(to_mpf(v) / (q * multiplier) - 1) for v, q in zip(values, minimizer,
                                                                       strict=True)]
        mass = mp.fsum(c * q for c, q in zip(counts, minimizer, strict=True))
        residual = max(max(gaps), abs(mass - 1))
    return FocalEntropySolution(+value, minimizer, multiplier, +residual)


def _distinct(entries: tuple[Fraction, ...]) -> tuple[list[Fraction], list[int], list[int]]:
    """The distinct positive entries in decreasing order, their counts, and the index of
    each entry's value among them (−1 for a zero entry).

    Keyed by (numerator, denominator) (Fractions are normalised; hashing a Fraction is
    slow), and ordered by the floats when those are distinct — rounding to a float is
    monotone, so distinct floats are in the order of the exact values — else exactly.
    """
    keys = [(v.numerator, v.denominator) for v in entries]
    if len(set(keys)) == len(keys) and min(keys)[0] > 0:   # all distinct and positive
        return _ordered(list(entries), [1] * len(keys), list(range(len(keys))))
    slot: dict[tuple[int, int], int] = {}
    firsts: list[Fraction] = []
    counts: list[int] = []
    group: list[int] = []
    for v in entries:
        if v.numerator:
            key = (v.numerator, v.denominator)
            i = slot.get(key)
            if i is None:
                i = slot[key] = len(firsts)
                firsts.append(v)
                counts.append(0)
            counts[i] += 1
            group.append(i)
        else:
            group.append(-1)
    return _ordered(firsts, counts, group)


def _ordered(firsts: list[Fraction], counts: list[int], group: list[int]
             ) -> tuple[list[Fraction], list[int], list[int]]:
    """:func:`_distinct` from the distinct values in any order."""
    floats = _floats(firsts)
    if floats is not None and len(set(floats)) == len(floats):
        order = sorted(range(len(firsts)), key=floats.__getitem__, reverse=True)
    else:
        order = sorted(range(len(firsts)), key=firsts.__getitem__, reverse=True)
    rank = [0] * len(order)
    for r, i in enumerate(order):
        rank[i] = r
    return ([firsts[i] for i in order], [counts[i] for i in order],
            [rank[i] if i >= 0 else -1 for i in group])


def focal_entropy_solution(a: Sequence, gamma) -> FocalEntropySolution:
    """F_γ(a) with its minimiser, multiplier λ and KKT residual, at the working precision.

    ``a`` is a non-negative vector (exact entries: Fractions, ints, decimal or
    fraction strings, mpf; a float entry is taken at its exact binary value) or a
    comma-separated string; it need not sum to 1 (F_γ is homogeneous of degree one).

    >>> mp.dps = 15
    >>> s = focal_entropy_solution([Fraction(1, 2), Fraction(1, 2)], 2)
    >>> print(s.value, s.minimizer)   # q = (1/2, 1/2): F = 2·(1/2)·φ_2(1/2) = φ_2(1/2) = ln 2 / 4
    0.173286795139986 (mpf('0.5'), mpf('0.5'))
    """
    entries = nonnegative_vector(a)
    g = focusing_parameter(gamma)
    values, counts, group = _distinct(entries)
    solution = grouped_solution(values, counts, g)
    per_value = solution.minimizer
    minimizer = tuple(per_value[i] if i >= 0 else mp.zero for i in group)
    return FocalEntropySolution(solution.value, minimizer, solution.multiplier,
                                solution.kkt_residual)


def focal_entropy(a: Sequence, gamma) -> mpmath.mpf:
    """F_γ(a) = min_q Σ_x a_x φ_γ(q_x) over distributions q, at the working precision.

    The value alone: the polish stops at the first full-precision pass whose
    Lagrangian, corrected to second order, is accurate (F is stationary at the
    minimiser), and the minimiser is not converted.

    >>> mp.dps = 15
    >>> print(focal_entropy([Fraction(1, 4), Fraction(3, 4)], 0))   # the entropy H(1/4, 3/4)
    0.562335144618808
    """
    entries = nonnegative_vector(a)
    g = focusing_parameter(gamma)
    values, counts, _ = _distinct(entries)
    return _grouped(values, counts, g, value_only=True).value


def focal_entropy_minimizer(a: Sequence, gamma) -> tuple[mpmath.mpf, ...]:
    """The unique minimiser q of Σ_x a_x φ_γ(q_x) (q_x = 0 where a_x = 0).

    >>> mp.dps = 15
    >>> print(focal_entropy_minimizer([1, 3], 0))
    (mpf('0.25'), mpf('0.75'))
    """
    return focal_entropy_solution(a, gamma).minimizer

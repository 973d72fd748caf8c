"""The focal entropy F_γ(a) and its unique minimiser (THEORY.md §5, [focal-entropy.unique]).

    F_γ(a) = min_q Σ_x a_x φ_γ(q_x)   over distributions q on the support of a.

φ_γ is strictly convex and |φ_γ'(0+)| = ∞, so the minimiser is unique, has full
support on {a_x > 0}, and satisfies the KKT conditions a_x |φ_γ'(q_x)| = λ
(one λ for all x) with Σ q = 1.  At γ = 0, q = a/Σa and F_0(a) = Σ a_x ln(Σa/a_x).

Method (the KKT double monotone search).  |φ_γ'| decreases, so for a given λ
each q_x(λ) solves one monotone equation (inner search) and Σ_x q_x(λ) is
decreasing in λ (outer search).  Both are first solved in float64 for all
entries at once (:mod:`._focal_float`, Newton kept inside brackets), then
polished (:mod:`._focal_polish`, in MPFR or mpmath numbers: :mod:`._focal_arithmetic`)
by Newton steps on the same KKT system, in y_x = ln q_x and ln λ, at
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

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import exact_number, focusing_parameter
from focalrd.numeric.oneshot import _focal_polish
from focalrd.numeric.oneshot._focal_arithmetic import ARITHMETIC, RANGE_ERRORS
from focalrd.numeric.oneshot._focal_arithmetic import Mpmath as _Mpmath
from focalrd.numeric.oneshot._focal_float import solve_cells
from focalrd.numeric.precision import to_mpf

__all__ = [
    "FocalEntropySolution",
    "focal_entropy",
    "focal_entropy_minimizer",
    "focal_entropy_solution",
    "grouped_solution",
    "nonnegative_vector",
]

_GUARD_BITS = 24
#: Largest γ at which the value alone is taken from the stationary Lagrangian.
_STATIONARY_MAX_GAMMA = 1024
_SMALLEST_NORMAL = 2.2250738585072014e-308
#: The arithmetic of the Newton polish (tests switch it to compare the two).
_ARITHMETIC: type = ARITHMETIC


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
    except RANGE_ERRORS:  # pragma: no cover - only with γ near 10^15 and extreme entries
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
        parts, ell, value = _focal_polish.polish(A, counts, values, gamma, y, A.number(ell0),
                                                 target, value_only
                                                 and gamma <= _STATIONARY_MAX_GAMMA, y0)
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

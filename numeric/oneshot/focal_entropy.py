"""The focal entropy F_γ(a) and its unique minimiser (THEORY.md §5, [focal-entropy.unique]).

    F_γ(a) = min_q Σ_x a_x φ_γ(q_x)   over distributions q on the support of a.

φ_γ is strictly convex and |φ_γ'(0+)| = ∞, so the minimiser is unique, has full
support on {a_x > 0}, and satisfies the KKT conditions a_x |φ_γ'(q_x)| = λ
(one λ for all x) with Σ q = 1.  At γ = 0, q = a/Σa and F_0(a) = Σ a_x ln(Σa/a_x).

Method (the KKT double monotone search).  |φ_γ'| decreases, so for a given λ
each q_x(λ) solves one monotone equation (inner search) and Σ_x q_x(λ) is
decreasing in λ (outer search).  Both are first solved in float64 for all
entries at once (:mod:`._focal_float`, Newton kept inside brackets), then
polished at the working precision by Newton steps on the same KKT system at
doubling precisions (53, 106, 212, … bits up to the working precision plus
guard bits), so that only the last steps run at full precision.  Each step
updates every q_x by the inner Newton correction and λ by the outer one.  Equal
entries of a have equal q_x, so they are solved once (with a multiplicity).

The KKT residual reported is max(max_x |a_x|φ_γ'(q_x)|/λ − 1|, |Σ q − 1|) at
the returned minimiser.
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
from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.exact import exact_number, focusing_parameter
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
    if not values or any(v < 0 for v in values) or not any(values):
        raise InvalidInputError(parameter, "a non-empty vector of numbers >= 0, not all zero", None)
    return values


def _log_float(x: Fraction) -> float:
    return math.log(x.numerator) - math.log(x.denominator)


class _Mpmath:
    """Arithmetic of the polish: mpmath numbers (always available)."""

    exp, expm1, log, fsum = mp.exp, mp.expm1, mp.log, mp.fsum

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
        return gmpy2.mpfr(gmpy2.mpq(x.numerator, x.denominator))  # correctly rounded

    @staticmethod
    def number(x: float):
        return gmpy2.mpfr(x)

    @staticmethod
    def to_mpf(x) -> mpmath.mpf:
        man, exp = x.as_mantissa_exp()  # exact: x = man · 2^exp
        return mp.mpf((int(man), int(exp)))

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
    _Mpfr.exp, _Mpfr.expm1, _Mpfr.log = gmpy2.exp, gmpy2.expm1, gmpy2.log
    _Mpfr.fsum = gmpy2.fsum  # correctly rounded sum
    #: The arithmetic of the Newton polish (tests switch it to compare the two).
    _ARITHMETIC: type = _Mpfr
    _RANGE_ERRORS: tuple = (gmpy2.UnderflowResultError, gmpy2.OverflowResultError)
else:  # pragma: no cover - gmpy2 is in the ``fast`` extra
    _ARITHMETIC, _RANGE_ERRORS = _Mpmath, ()


def _h_parts(A, z, g, a, ell, whole: int = 0):
    """At one entry of value ``a``: KKT gap h(z) + ln a − ln λ, dh/dz, y, q, ln(1 − q),
    1 − q and whether q > 1/2.

    ``whole`` is γ when γ is a whole number ≥ 1 (else 0); then ln(1 − q) is not
    needed elsewhere and (γ − 1) ln(1 − q) + ln B + ln a is one logarithm (None is
    returned for ln(1 − q)), unless the power leaves the exponent range.
    """
    y = -A.exp(z)
    # q and 1 − q from one exponential, each taken from the side where it is accurate
    big = y > _MINUS_LN2
    if big:
        one_minus_q = -A.expm1(y)
        q = 1 - one_minus_q
    else:
        q = A.exp(y)
        one_minus_q = 1 - q
    b = one_minus_q - g * y * q
    slope = -(g - 1) * q * y / one_minus_q - y - q * (1 + g + g * y) * y / b
    if whole:
        product = one_minus_q ** (whole - 1) * b * a
        if 0 < product < math.inf:
            return A.log(product) - y - ell, slope, y, q, None, one_minus_q, big
    log_a = A.log(one_minus_q)
    gap = (g - 1) * log_a - y + A.log(b * a) - ell
    return gap, slope, y, q, log_a, one_minus_q, big


def _mass_gap(A, weights: list[int], parts: list):
    """Σ w·q − 1 without cancellation: entries with q > 1/2 enter as w − w·(1 − q)."""
    terms = [-w * p[5] if p[6] else w * p[3] for w, p in zip(weights, parts, strict=True)]
    terms.append(A.exact(Fraction(sum(w for w, p in zip(weights, parts, strict=True) if p[6]) - 1)))
    return A.fsum(terms)


def _outer(A, weights: list[int], parts: list):
    """The outer equation G = 0 (⇔ Σ w·q = 1) and dG/dz_x, scaled as in the float search.

    With one entry q_big > 1/2 (multiplicity 1), G = ln Σ_others w·q − ln(1 − q_big);
    otherwise G = ln Σ w·q.  See :func:`._focal_float.mass_condition`.
    """
    big = [i for i, p in enumerate(parts) if p[6]]
    if len(big) == 1 and weights[big[0]] == 1:
        b = big[0]
        others = A.fsum(w * p[3] for i, (w, p) in enumerate(zip(weights, parts, strict=True))
                        if i != b)
        slopes = [p[3] * p[2] / p[5] if i == b else w * p[3] * p[2] / others
                  for i, (w, p) in enumerate(zip(weights, parts, strict=True))]
        return A.log(others) - A.log(parts[b][5]), slopes
    total = 1 + _mass_gap(A, weights, parts)
    return A.log(total), [w * p[3] * p[2] / total for w, p in zip(weights, parts, strict=True)]


def _newton(A, weights: list[int], a: list, g, z: list, ell, whole: int):
    """The parts at (z, ln λ) and the Newton step (δz, δ ln λ) of the KKT system there."""
    parts = [_h_parts(A, zx, g, ax, ell, whole) for zx, ax in zip(z, a, strict=True)]
    # Newton on (z, ln λ): δz_x = (δℓ − gap_x)/h'_x and G + Σ G_x δz_x = 0
    outer, outer_z = _outer(A, weights, parts)
    num = A.fsum(gz * p[0] / p[1] for gz, p in zip(outer_z, parts, strict=True))
    den = A.fsum(gz / p[1] for gz, p in zip(outer_z, parts, strict=True))
    d_ell = (num - outer) / den
    return parts, [(d_ell - p[0]) / p[1] for p in parts], d_ell


def _polish(A, weights: list[int], values: list[Fraction], g: Fraction, z: list, ell,
            target_prec: int):
    """Newton on the KKT system from the float64 start, at doubling precisions.

    The float start is good to about 40 bits and Newton doubles the correct bits
    with each step, so one step runs at each rung of a ladder of precisions
    (about 96, 180, … bits) up to ``target_prec``.  The pass at ``target_prec``
    that follows is also the evaluation: it returns the parts at the current
    point once its own Newton correction lies below 2^(20 − target_prec) — so
    the point is accurate to the target precision and the parts (hence the
    value and the KKT residual) are those *at the returned point*; otherwise the
    correction is applied and the pass repeated.
    """
    ladder = [target_prec]
    while ladder[0] > 96:
        ladder.insert(0, ladder[0] // 2 + 8)
    whole = int(g) if g.denominator == 1 and g >= 1 else 0
    with A.precision(target_prec):  # once, at the full precision (they are exact inputs)
        g_b = A.exact(g)
        a = [A.exact(v) for v in values]
    for prec in ladder[:-1]:
        with A.precision(prec):
            _, steps, d_ell = _newton(A, weights, a, g_b, z, ell, whole)
            z = [zx + s for zx, s in zip(z, steps, strict=True)]
            ell = ell + d_ell
    with A.precision(target_prec):
        tolerance = A.ldexp(1, 20 - target_prec)
        for _ in range(_MAX_STEPS_AT_TARGET):
            parts, steps, d_ell = _newton(A, weights, a, g_b, z, ell, whole)
            if abs(d_ell) <= tolerance * (1 + abs(ell)) and all(
                    abs(s) <= tolerance * (1 + abs(zx)) for s, zx in zip(steps, z, strict=True)):
                return parts, ell, g_b
            z = [zx + s for zx, s in zip(z, steps, strict=True)]
            ell = ell + d_ell
    raise PrecisionError("the focal-entropy Newton polish did not converge")


def grouped_solution(values: Sequence[Fraction], counts: Sequence[int],
                     gamma: Fraction) -> FocalEntropySolution:
    """F_γ of the vector holding ``counts[i]`` copies of ``values[i]`` (distinct, > 0).

    The minimiser gives equal entries equal mass, so it is returned per
    distinct value: ``minimizer[i]`` is the q of each copy of ``values[i]``.
    """
    values, counts = list(values), list(counts)
    if sum(counts) == 1:
        multiplier = to_mpf(values[0]) if gamma == 0 else mp.zero
        return FocalEntropySolution(mp.zero, (mp.one,), multiplier, mp.zero)
    if gamma == 0:
        return _log_loss_solution(values, counts)
    la_float = np.array([_log_float(v) for v in values])
    z0, ell0, _ = solve_cells(la_float, np.array(counts, dtype=float),
                              np.zeros(len(values), dtype=int), 1, float(gamma))
    target = mp.prec + _GUARD_BITS
    try:
        return _polished_solution(_ARITHMETIC, values, counts, gamma, z0, ell0[0], target)
    except _RANGE_ERRORS:  # pragma: no cover - only with γ near 10^15 and extreme entries
        return _polished_solution(_Mpmath, values, counts, gamma, z0, ell0[0], target)


def _polished_solution(A, values: list[Fraction], counts: list[int], gamma: Fraction,
                       z0, ell0: float, target: int) -> FocalEntropySolution:
    """The solution from the float64 start (z0, ln λ0), polished in arithmetic ``A``."""
    z = [A.number(float(v)) for v in z0]
    with A.precision(target):
        parts, ell, g_b = _polish(A, counts, values, gamma, z, A.number(float(ell0)), target)
        # φ_γ(q) = (1 − q)^γ · ln(1/q); (1 − q)^γ by multiplication for a whole γ
        whole = gamma.denominator == 1
        powers = [p[5] ** int(gamma) if whole else A.exp(g_b * p[4]) for p in parts]
        value = A.fsum(w * A.exact(v) * power * -p[2]
                       for v, w, power, p in zip(values, counts, powers, parts, strict=True))
        residual = max(max(abs(p[0]) for p in parts), abs(_mass_gap(A, counts, parts)))
        multiplier = A.exp(ell)
    with mp.workprec(target):
        value, residual, multiplier = A.to_mpf(value), A.to_mpf(residual), A.to_mpf(multiplier)
        minimizer = tuple(+A.to_mpf(p[3]) for p in parts)
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
    counts: dict[Fraction, int] = {}
    for v in entries:
        if v > 0:
            counts[v] = counts.get(v, 0) + 1
    values = sorted(counts, reverse=True)
    solution = grouped_solution(values, [counts[v] for v in values], g)
    by_value = dict(zip(values, solution.minimizer, strict=True))
    minimizer = tuple(by_value[v] if v > 0 else mp.zero for v in entries)
    return FocalEntropySolution(solution.value, minimizer, solution.multiplier,
                                solution.kkt_residual)


def focal_entropy(a: Sequence, gamma) -> mpmath.mpf:
    """F_γ(a) = min_q Σ_x a_x φ_γ(q_x) over distributions q, at the working precision.

    >>> mp.dps = 15
    >>> print(focal_entropy([Fraction(1, 4), Fraction(3, 4)], 0))   # the entropy H(1/4, 3/4)
    0.562335144618808
    """
    return focal_entropy_solution(a, gamma).value


def focal_entropy_minimizer(a: Sequence, gamma) -> tuple[mpmath.mpf, ...]:
    """The unique minimiser q of Σ_x a_x φ_γ(q_x) (q_x = 0 where a_x = 0).

    >>> mp.dps = 15
    >>> print(focal_entropy_minimizer([1, 3], 0))
    (mpf('0.25'), mpf('0.75'))
    """
    return focal_entropy_solution(a, gamma).minimizer

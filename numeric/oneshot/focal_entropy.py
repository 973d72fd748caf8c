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
import numpy as np
from mpmath import mp

from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.exact import exact_number, focusing_parameter
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
_MINUS_LN2 = mpmath.mpf(-0.6931471805599453)
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


def _h_parts(z, g, la, ell):
    """At one entry: KKT gap h(z) + ln a − ln λ, dh/dz, y, q, ln(1 − q), 1 − q, q > 1/2."""
    y = -mp.exp(z)
    # q and 1 − q from one exponential, each taken from the side where it is accurate
    big = y > _MINUS_LN2
    if big:
        one_minus_q = -mp.expm1(y)
        q = 1 - one_minus_q
    else:
        q = mp.exp(y)
        one_minus_q = 1 - q
    b = one_minus_q - g * y * q
    log_a = mp.log(one_minus_q)
    gap = (g - 1) * log_a - y + mp.log(b) + la - ell
    slope = -(g - 1) * q * y / one_minus_q - y - q * (1 + g + g * y) * y / b
    return gap, slope, y, q, log_a, one_minus_q, big


def _mass_gap(weights: list[int], parts: list) -> mpmath.mpf:
    """Σ w·q − 1 without cancellation: entries with q > 1/2 enter as w − w·(1 − q)."""
    terms = [-w * p[5] if p[6] else w * p[3] for w, p in zip(weights, parts, strict=True)]
    terms.append(sum(w for w, p in zip(weights, parts, strict=True) if p[6]) - 1)
    return mp.fsum(terms)


def _outer(weights: list[int], parts: list) -> tuple[mpmath.mpf, list]:
    """The outer equation G = 0 (⇔ Σ w·q = 1) and dG/dz_x, scaled as in the float search.

    With one entry q_big > 1/2 (multiplicity 1), G = ln Σ_others w·q − ln(1 − q_big);
    otherwise G = ln Σ w·q.  See :func:`._focal_float.mass_condition`.
    """
    big = [i for i, p in enumerate(parts) if p[6]]
    if len(big) == 1 and weights[big[0]] == 1:
        b = big[0]
        others = mp.fsum(w * p[3] for i, (w, p) in enumerate(zip(weights, parts, strict=True))
                         if i != b)
        slopes = [p[3] * p[2] / p[5] if i == b else w * p[3] * p[2] / others
                  for i, (w, p) in enumerate(zip(weights, parts, strict=True))]
        return mp.log(others) - mp.log(parts[b][5]), slopes
    total = 1 + _mass_gap(weights, parts)
    return mp.log(total), [w * p[3] * p[2] / total for w, p in zip(weights, parts, strict=True)]


def _polish(weights: list[int], log_a: list, g, z: list, ell, target_prec: int):
    """Newton steps on the KKT system from the float64 start; returns the polished (z, ln λ).

    Newton converges quadratically here, so a step of size below 2^(−p/2 − 10)
    leaves an error far below 2^(−p): the iteration at precision p stops after
    such a step.  Early levels run at half the precision of the next one, so
    only the last two or three sweeps run at the full working precision.
    """
    ladder = [target_prec]
    while ladder[0] > 400:
        ladder.insert(0, ladder[0] // 2 + 8)
    for prec in ladder:
        with mp.workprec(prec):
            tolerance = mp.ldexp(1, -(prec // 2 + 10))
            for _ in range(_MAX_STEPS_AT_TARGET):
                parts = [_h_parts(zx, g, lx, ell) for zx, lx in zip(z, log_a, strict=True)]
                # Newton on (z, ln λ): δz_x = (δℓ − gap_x)/h'_x and G + Σ G_x δz_x = 0
                outer, outer_z = _outer(weights, parts)
                num = mp.fsum(gz * p[0] / p[1] for gz, p in zip(outer_z, parts, strict=True))
                den = mp.fsum(gz / p[1] for gz, p in zip(outer_z, parts, strict=True))
                d_ell = (num - outer) / den
                steps = [(d_ell - p[0]) / p[1] for p in parts]
                small = abs(d_ell) <= tolerance * (1 + abs(ell)) and all(
                    abs(s) <= tolerance * (1 + abs(zx)) for s, zx in zip(steps, z, strict=True))
                z = [zx + s for zx, s in zip(z, steps, strict=True)]
                ell = ell + d_ell
                if small:
                    break
            else:
                raise PrecisionError("the focal-entropy Newton polish did not converge")
    return z, ell


def _solve_grouped(values: list[Fraction], weights: list[int], g: Fraction):
    """Polished (z, ln λ) for distinct positive values with multiplicities (≥ 2 entries total)."""
    la_float = np.array([_log_float(v) for v in values])
    z0, ell0, _ = solve_cells(la_float, np.array(weights, dtype=float),
                              np.zeros(len(values), dtype=int), 1, float(g))
    target = mp.prec + _GUARD_BITS
    with mp.workprec(target):
        g_mp = to_mpf(g)
        log_a = [mp.log(to_mpf(v)) for v in values]
    z = [mp.mpf(float(v)) for v in z0]
    return _polish(weights, log_a, g_mp, z, mp.mpf(float(ell0[0])), target), g_mp, log_a


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
    (z, ell), g_mp, log_a = _solve_grouped(values, counts, gamma)
    with mp.workprec(mp.prec + _GUARD_BITS):
        parts = [_h_parts(zx, g_mp, lx, ell) for zx, lx in zip(z, log_a, strict=True)]
        # φ_γ(q) = (1 − q)^γ · ln(1/q) = exp(γ ln(1 − q)) · (−y)
        value = mp.fsum(w * to_mpf(v) * mp.exp(g_mp * p[4]) * -p[2]
                        for v, w, p in zip(values, counts, parts, strict=True))
        residual = max(max(abs(p[0]) for p in parts), abs(_mass_gap(counts, parts)))
        multiplier = mp.exp(ell)
    return FocalEntropySolution(+value, tuple(+p[3] for p in parts), +multiplier, +residual)


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

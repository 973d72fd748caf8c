"""How the focal-entropy minimiser q*(P) differs from P (THEORY.md §8).

q* = argmin_q Σ_x P_x φ_γ(q_x) satisfies P_x |φ_γ'(q*_x)| = λ.  Multiplying by
q*_x / (λ P_x) gives the *amplification ratio*

    q*_x / P_x = ψ_γ(q*_x) / λ,   ψ_γ(q) = q |φ_γ'(q)| = (1 − q)^(γ−1) (γ q ln(1/q) + 1 − q),

with λ = Σ_x P_x ψ_γ(q*_x) (sum the ratio identity against P).  ψ_γ(0+) = 1,
ψ_γ(1) = 0 for γ > 0, and ψ_γ rises then falls (checked by :func:`psi_is_unimodal`),
so the ratio depends on x only through q*_x, which preserves the order of P.

The literature's phrases are made precise as follows (for γ > 0 and P with
distinct smallest and largest probabilities); :func:`structure_of` evaluates
each for one P:

* *can differ markedly*: some symbol changes by at least a factor 2,
  max_x |ln(q*_x / P_x)| ≥ ln 2 (``marked``);
* *amplifies mid-range probabilities*: the amplified symbols
  A = {x : q*_x > P_x} form one band of consecutive ranks of P (``band``); the
  strict reading also asks that A contains neither a largest nor a smallest
  symbol (``strict_mid_range``);
* *suppresses the largest*: q*_x < P_x for the largest P_x (``largest_suppressed``);
* *further suppresses very small ones under extreme imbalance*: along a family
  of sources whose smallest probability tends to 0, q*_min < P_min and the ratio
  q*_min / P_min does not increase as P_min decreases (:func:`imbalance_path`).

The minimiser comes from :func:`focalrd.numeric.oneshot.focal_entropy.focal_entropy_solution`;
:func:`minimizer_by_bisection` is an independent, plain nested bisection used to
cross-check it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import distribution, focusing_parameter
from focalrd.numeric.oneshot.focal_entropy import focal_entropy_solution
from focalrd.numeric.phi import phi_prime
from focalrd.numeric.precision import to_mpf

__all__ = [
    "ImbalancePoint",
    "Structure",
    "dominant_symbol",
    "geometric",
    "imbalance_path",
    "minimizer_by_bisection",
    "psi",
    "psi_is_unimodal",
    "rare_symbol",
    "structure_of",
    "zipf",
]

Real = Fraction | int | mpmath.mpf


def psi(gamma: Real, q: Real) -> mpmath.mpf:
    """ψ_γ(q) = q |φ_γ'(q)| = (1 − q)^(γ−1)(γ q ln(1/q) + 1 − q) for q ∈ (0, 1].

    >>> mp.dps = 15
    >>> psi(0, Fraction(1, 3))        # ψ_0 ≡ 1: at γ = 0, q* = P
    mpf('1.0')
    """
    with mp.workprec(mp.prec + 10):
        value = -to_mpf(q) * phi_prime(gamma, q)
    return +value


def psi_is_unimodal(gamma: Real, points: int = 400) -> tuple[bool, mpmath.mpf]:
    """Whether ψ_γ rises then falls on a grid of (0, 1) (log-spaced near 0); and the peak.

    A sampled check: ``points`` grid points, half of them log-spaced in
    [1e-12, 1/2] and half uniform in [1/2, 1).
    """
    half = points // 2
    grid = [mp.mpf(10) ** (-12 + 11.7 * i / (half - 1)) for i in range(half)]
    grid += [mp.mpf(1) / 2 + mp.mpf(i) / (2 * (points - half) + 2)
             for i in range(1, points - half + 1)]
    grid = sorted(set(grid))
    values = [psi(gamma, q) for q in grid]
    peak = max(range(len(values)), key=values.__getitem__)
    rising = all(values[i] <= values[i + 1] for i in range(peak))
    falling = all(values[i] >= values[i + 1] for i in range(peak, len(values) - 1))
    return rising and falling, grid[peak]


@dataclass(frozen=True, repr=False)
class Structure(ShortDisplay):
    """The minimiser q* of one source P compared with P (see the module for the readings).

    ``ratios[x] = q*_x / P_x``; ``amplified``/``suppressed`` list the symbols
    with q*_x > P_x / q*_x < P_x (equal ones in neither); ``multiplier`` is λ.
    """

    source: tuple[Fraction, ...]
    gamma: Fraction
    minimizer: tuple[mpmath.mpf, ...]
    multiplier: mpmath.mpf
    ratios: tuple[mpmath.mpf, ...]
    amplified: tuple[int, ...]
    suppressed: tuple[int, ...]
    total_variation: mpmath.mpf
    marked: bool
    band: bool
    strict_mid_range: bool
    largest_suppressed: bool
    smallest_suppressed: bool


def structure_of(source: Sequence[Fraction] | str, gamma: Real,
                 tolerance: mpmath.mpf | None = None) -> Structure:
    """Compare q*(P) with P for a source with positive entries (γ ≥ 0).

    A ratio within ``tolerance`` (default 10^(−dps/2)) of 1 counts as neither
    amplified nor suppressed.

    >>> mp.dps = 20
    >>> s = structure_of([Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)], 2)
    >>> s.amplified, s.suppressed, s.largest_suppressed
    ((1, 2), (0,), True)
    """
    probs = distribution(source)
    if any(p == 0 for p in probs):
        raise InvalidInputError("source", "a distribution with positive entries (q*/P is "
                                "undefined where P vanishes)", None)
    g = focusing_parameter(gamma)
    tol = tolerance if tolerance is not None else mp.mpf(10) ** (-(mp.dps // 2))
    solution = focal_entropy_solution(probs, g)
    q = solution.minimizer
    ratios = tuple(qx / to_mpf(px) for qx, px in zip(q, probs, strict=True))
    amplified = tuple(x for x, r in enumerate(ratios) if r > 1 + tol)
    suppressed = tuple(x for x, r in enumerate(ratios) if r < 1 - tol)
    # Equal probabilities share one q*, so ranks are compared by value.
    levels = sorted(set(probs))
    amplified_levels = sorted({levels.index(probs[x]) for x in amplified})
    band = amplified_levels == list(range(amplified_levels[0], amplified_levels[-1] + 1)) \
        if amplified_levels else True
    top, bottom = max(probs), min(probs)
    tops = [x for x in range(len(probs)) if probs[x] == top]
    bottoms = [x for x in range(len(probs)) if probs[x] == bottom]
    strict = bool(amplified) and not any(x in amplified for x in tops + bottoms)
    tv = mp.fsum(abs(qx - to_mpf(px)) for qx, px in zip(q, probs, strict=True)) / 2
    marked = any(abs(mp.log(r)) >= mp.log(2) for r in ratios)
    return Structure(probs, g, q, solution.multiplier, ratios, amplified, suppressed, tv,
                     marked, band, strict, tops[0] in suppressed, bottoms[0] in suppressed)


@dataclass(frozen=True, repr=False)
class ImbalancePoint(ShortDisplay):
    """One source of an imbalance family: its parameter, P_min and q*_min / P_min."""

    epsilon: Fraction
    smallest: Fraction
    ratio: mpmath.mpf


def imbalance_path(family: Callable[[Fraction], Sequence[Fraction]], gamma: Real,
                   epsilons: Sequence[Fraction]) -> tuple[list[ImbalancePoint], bool, bool]:
    """q*_min / P_min along ``family(ε)`` for decreasing ε (growing imbalance).

    Returns the points, whether the smallest symbol is suppressed (ratio < 1)
    at the most extreme ε, and whether the ratio is non-increasing along the
    path ("further suppressed" as the imbalance grows).
    """
    points = []
    for eps in sorted(epsilons, reverse=True):
        probs = distribution(family(eps))
        q = focal_entropy_solution(probs, gamma).minimizer
        x = min(range(len(probs)), key=lambda i: probs[i])
        points.append(ImbalancePoint(eps, probs[x], q[x] / to_mpf(probs[x])))
    suppressed = points[-1].ratio < 1
    decreasing = all(a.ratio >= b.ratio for a, b in zip(points, points[1:], strict=False))
    return points, suppressed, decreasing


def dominant_symbol(k: int) -> Callable[[Fraction], tuple[Fraction, ...]]:
    """Family P = (1 − ε, ε/(k−1), …, ε/(k−1)): one symbol takes almost all the mass."""
    return lambda eps: (1 - eps,) + (eps / (k - 1),) * (k - 1)


def rare_symbol(k: int) -> Callable[[Fraction], tuple[Fraction, ...]]:
    """Family P = ((1−ε)/(k−1), …, (1−ε)/(k−1), ε): a uniform bulk and one rare symbol."""
    return lambda eps: ((1 - eps) / (k - 1),) * (k - 1) + (eps,)


def geometric(k: int) -> Callable[[Fraction], tuple[Fraction, ...]]:
    """Family P_x ∝ ε^x (x = 0..k−1): a geometric source, more imbalanced as ε → 0."""
    def source(eps: Fraction) -> tuple[Fraction, ...]:
        weights = [eps**x for x in range(k)]
        total = sum(weights)
        return tuple(w / total for w in weights)
    return source


def zipf(k: int) -> Callable[[Fraction], tuple[Fraction, ...]]:
    """Family P_x ∝ (x + 1)^(−s) with s = 1/ε (larger s, stronger imbalance); s rounded to an
    integer so the source stays exact."""
    def source(eps: Fraction) -> tuple[Fraction, ...]:
        s = max(1, round(1 / eps))
        weights = [Fraction(1, (x + 1) ** s) for x in range(k)]
        total = sum(weights)
        return tuple(w / total for w in weights)
    return source


def minimizer_by_bisection(source: Sequence[Fraction], gamma: Real) -> tuple[mpmath.mpf, ...]:
    """q*(P) by plain nested bisection (independent of the polished Newton solver).

    Inner: q_x(λ) solves P_x |φ_γ'(q)| = λ (|φ'| decreases, bisection in ln q);
    outer: Σ_x q_x(λ) = 1 (decreasing in λ, bisection in ln λ).  Slow but simple:
    for cross-checks at moderate precision.
    """
    probs = [to_mpf(p) for p in distribution(source)]
    g = focusing_parameter(gamma)
    with mp.workprec(mp.prec + 10):
        def q_of(target: mpmath.mpf) -> mpmath.mpf:
            lo, hi = mp.mpf(-60 * mp.dps), mp.zero    # ln q
            for _ in range(mp.prec + 20):
                mid = (lo + hi) / 2
                if -phi_prime(g, mp.exp(mid)) > target:
                    lo = mid
                else:
                    hi = mid
            return mp.exp((lo + hi) / 2)

        lo, hi = mp.mpf(-200), mp.mpf(200)              # ln λ
        for _ in range(mp.prec + 20):
            mid = (lo + hi) / 2
            lam = mp.exp(mid)
            if mp.fsum(q_of(lam / p) for p in probs) > 1:
                lo = mid
            else:
                hi = mid
        lam = mp.exp((lo + hi) / 2)
        q = [q_of(lam / p) for p in probs]
    return tuple(+x for x in q)

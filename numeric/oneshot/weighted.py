"""Weighted excess distortion as a packing problem (THEORY.md §4, [excess.weighted]).

With the class weighting ω, d_γ(x, P̂) = ω(x)·φ_γ(P̂(x)) ≤ d ⇔ P̂(x) ≥ τ_γ(d/ω(x))
(always true where ω(x) = 0).  A reconstruction satisfies a set S of symbols
iff Σ_{x∈S} τ_γ(d/ω(x)) ≤ 1 (give each its threshold, spread the rest), so an
(M, d, ε) code is a packing of items x (value P_X(x), size τ_γ(d/ω(x))) into M
unit bins and

    ε* = 1 − (largest packable value).

:func:`weighted_excess_distortion` returns the exact ε* by branch and bound
(:func:`.packing.best_packing`; ``None`` past the node limit), the converse
1 − (fractional relaxation) and the achievability 1 − (first fit), with the
best code found.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.exact import (
    distortion_level,
    distribution,
    focusing_parameter,
    positive_integer,
    weighting,
)
from focalrd.numeric.oneshot.codes import ExcessCode
from focalrd.numeric.oneshot.floors import threshold_level
from focalrd.numeric.oneshot.packing import (
    Items,
    Packing,
    best_packing,
    first_fit,
    fractional_value,
)
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import class_weights

__all__ = [
    "NODE_LIMIT",
    "WeightedExcessResult",
    "packing_items",
    "weighted_excess_distortion",
]

#: Branch-and-bound nodes explored before the exact value is given up (reported as None).
NODE_LIMIT = 300_000


@dataclass(frozen=True, repr=False)
class WeightedExcessResult(ShortDisplay):
    """ε* (None when the search stopped at its node limit), its bounds, and the best code."""

    value: mpmath.mpf | None
    converse: mpmath.mpf
    achievability: mpmath.mpf
    code: ExcessCode
    exact: Fraction | None


def packing_items(p, omega, gamma: Fraction, d: Fraction, bits: bool):
    """The items (symbols with P > 0 and ω > 0) and the always-satisfied symbols (ω = 0)."""
    symbols = [x for x in range(len(p)) if p[x] > 0 and omega[x] > 0]
    free = [x for x in range(len(p)) if p[x] > 0 and omega[x] == 0]
    thresholds = [threshold_level(gamma, d / omega[x], bits) for x in symbols]
    items = Items(tuple(p[x] for x in symbols), tuple(t[0] for t in thresholds),
                  tuple(t[1] for t in thresholds), tuple(omega[x] for x in symbols))
    return items, symbols, free


def _code(k: int, packing: Packing, items: Items, symbols: list[int], free: list[int],
          p) -> ExcessCode:
    """Bin b becomes codeword b: thresholds for its items, the remaining mass spread evenly."""
    encoder = [0] * k
    decoders, covered = [], []
    for b, contents in enumerate(packing.bins):
        members = [symbols[i] for i in contents]
        for x in members:
            encoder[x] = b
        if not members:
            decoders.append(tuple(to_mpf(Fraction(1, k)) for _ in range(k)))
            covered.append(tuple(free) if b == 0 else ())
            continue
        with mp.workprec(mp.prec + 10):
            spare = (1 - mp.fsum(items.sizes[i] for i in contents)) / len(contents)
            mass = {symbols[i]: items.sizes[i] + spare for i in contents}
        decoders.append(tuple(+mass.get(x, mp.zero) for x in range(k)))
        covered.append(tuple(sorted(members + (free if b == 0 else []))))
    satisfied = packing.value + sum((p[x] for x in free), Fraction(0))
    return ExcessCode(satisfied, tuple(encoder), tuple(decoders), tuple(covered))


def weighted_excess_distortion(source, gamma, codewords, d, weights=None, bits: bool = False,
                               node_limit: int = NODE_LIMIT) -> WeightedExcessResult:
    """ε*_γ(M, d) for the weighted focal loss, with the packing converse and achievability.

    >>> mp.dps = 15
    >>> r = weighted_excess_distortion("0.5,0.3,0.2", 0, 1, 1, weights="1/3,1/3,1/3")
    >>> print(r.value, r.achievability)   # ω ≡ 1: two items of size 1/e fit in the bin
    0.2 0.2
    >>> print(r.converse)                 # the relaxation adds (1 − 2/e)·e·0.2 of the third
    0.056343634308191
    """
    p = distribution(source)
    q = weighting(p, weights)
    g, m, dd = focusing_parameter(gamma), positive_integer(codewords, "codewords"), \
        distortion_level(d)
    omega = class_weights(p, q)
    items, symbols, free = packing_items(p, omega, g, dd, bits)
    free_mass = sum((p[x] for x in free), Fraction(0))
    heuristic = first_fit(items, m)
    exact = best_packing(items, m, node_limit)
    best = exact if exact is not None else heuristic
    with mp.workprec(mp.prec + 10):
        fractional = fractional_value(items, m) + to_mpf(free_mass)
        converse = max(mp.zero, 1 - fractional)
    exact_epsilon = 1 - exact.value - free_mass if exact is not None else None
    return WeightedExcessResult(
        to_mpf(exact_epsilon) if exact_epsilon is not None else None,
        +converse,
        to_mpf(1 - heuristic.value - free_mass),
        _code(len(p), best, items, symbols, free, p),
        exact_epsilon,
    )

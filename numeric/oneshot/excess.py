"""One-shot excess distortion with the unweighted focal loss (THEORY.md §4).

[excess.exact]: d_γ(x, P̂) ≤ d ⇔ P̂(x) ≥ τ_γ(d).  One reconstruction can give
mass ≥ τ to at most L = ⌊1/τ_γ(d)⌋ symbols, and L symbols with mass 1/L each
are all within distortion d, so M codewords cover at most the M·L most likely
symbols and

    ε*_γ(M, d) = 1 − Σ_{i ≤ M·L} p_(i)        (p_(1) ≥ p_(2) ≥ … sorted).

The value is exact: L is decided rigorously (:mod:`.floors`) and the sum is a
sum of the exact input fractions.  At γ = 0, τ_0(d) = e^{−d} and L = ⌊e^d⌋
[excess.log-loss].

[excess.tilted-bounds], with ȷ_γ(x, d) = ln(1/P(x)) − ln(1/τ_γ(d)):

* converse, for every β > 0: ε* ≥ P[ȷ_γ(X, d) ≥ ln M + β] − e^{−β}.  The event
  is {P(X) ≤ τ e^{−β}/M}; as β grows the set shrinks in steps and e^{−β}
  shrinks continuously, so the supremum over β is attained at a step,
  β = ln(τ/(M·P(x))) for a symbol x with M·P(x) < τ, where the bound is
  P[P(X) ≤ P(x)] − M·P(x)/τ; or it is the limit 0 (β → ∞).
* achievability: ε* ≤ P[ȷ_γ(X, d) > ln M + ln(τ·L)] = P[P(X) < 1/(M·L)]
  (an exact fraction): at most M·L symbols have probability ≥ 1/(M·L).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.exact import (
    distortion_level,
    distribution,
    focusing_parameter,
    positive_integer,
)
from focalrd.numeric.oneshot.codes import CodewordTable, ExcessCode
from focalrd.numeric.oneshot.floors import list_size, list_size_at_most, threshold_level
from focalrd.numeric.precision import to_mpf

__all__ = [
    "excess_distortion_limit",
    "excess_exact",
    "list_size",
    "optimal_excess_code",
    "tilted_achievability",
    "tilted_converse",
]


def _validated(source, gamma, codewords, d):
    return (distribution(source), focusing_parameter(gamma),
            positive_integer(codewords, "codewords"), distortion_level(d))


def _ranked(p: Sequence[Fraction]) -> list[int]:
    """Symbols by decreasing probability (ties: smaller symbol first)."""
    return sorted(range(len(p)), key=lambda x: (-p[x], x))


def excess_exact(p: Sequence[Fraction], gamma: Fraction, codewords: int, d: Fraction,
                 bits: bool = False) -> Fraction:
    """ε*_γ(M, d) as an exact fraction, for validated inputs (d in bits when ``bits``)."""
    covered_per_codeword = list_size_at_most(gamma, d, len(p), bits)
    top = _ranked(p)[: codewords * covered_per_codeword]
    return 1 - sum((p[x] for x in top), Fraction(0))


def excess_distortion_limit(source, gamma, codewords, d) -> mpmath.mpf:
    """ε*_γ(M, d) for the unweighted focal loss, rounded once to the working precision.

    >>> mp.dps = 15
    >>> print(excess_distortion_limit("0.5,0.3,0.2", 0, 1, 1))   # L = ⌊e⌋ = 2 symbols covered
    0.2
    """
    p, g, m, dd = _validated(source, gamma, codewords, d)
    return to_mpf(excess_exact(p, g, m, dd))


def optimal_excess_code(source, gamma, codewords, d, bits: bool = False) -> ExcessCode:
    """An optimal (M, d, ε*) code for the unweighted loss.

    Codeword m covers the symbols ranked m·L … m·L + L − 1 and reconstructs the
    uniform distribution on them (mass 1/|cell| ≥ 1/L ≥ τ_γ(d) each); symbols
    beyond the first M·L go to codeword 0.  Decoders are exact fractions.
    Only the first ⌈k/L⌉ codewords can receive a symbol; the others decode to
    the uniform distribution and cover nothing.  ``decoders`` and ``covered``
    are built row by row when read, so M may be astronomically large.

    >>> code = optimal_excess_code("0.5,0.3,0.2", 0, 1, 1)
    >>> code.epsilon, code.covered, code.decoders
    (Fraction(1, 5), ((0, 1),), ((Fraction(1, 2), Fraction(1, 2), Fraction(0, 1)),))
    """
    p, g, m, dd = _validated(source, gamma, codewords, d)
    k = len(p)
    per = list_size_at_most(g, dd, k, bits)
    ranked = _ranked(p)
    used = min(m, -(-k // per))  # codewords that receive a symbol
    cells = [ranked[i * per:(i + 1) * per] for i in range(used)]
    encoder = [0] * k
    for i, cell in enumerate(cells):
        for x in cell:
            encoder[x] = i
    uniform = tuple(Fraction(1, k) for _ in p)
    covered = [tuple(sorted(c)) for c in cells]

    def decoder(i: int) -> tuple[Fraction, ...]:
        if i >= used or not cells[i]:
            return uniform
        share, members = Fraction(1, len(cells[i])), set(cells[i])
        return tuple(share if x in members else Fraction(0) for x in range(k))

    satisfied = sum((p[x] for c in cells for x in c), Fraction(0))
    return ExcessCode(satisfied, tuple(encoder), CodewordTable(m, decoder),
                      CodewordTable(m, lambda i: covered[i] if i < used else ()))


def tilted_converse(source, gamma, codewords, d,
                    bits: bool = False) -> tuple[mpmath.mpf, mpmath.mpf | None]:
    """sup_β>0 (P[ȷ_γ(X, d) ≥ ln M + β] − e^{−β}) and the optimal β (None when it is 0).

    >>> mp.dps = 15
    >>> bound, beta = tilted_converse("0.25,0.25,0.25,0.25", 0, 1, 0)
    >>> print(bound, beta)      # x with P(x) = 1/4 < τ = 1: 1 − 1/4, at β = ln 4
    0.75 1.38629436111989
    """
    p, g, m, dd = _validated(source, gamma, codewords, d)
    # P[P(X) <= v] for every distinct positive value v, in increasing order: one sort and
    # a running (exact) sum, instead of a pass over the source for every value.
    masses: dict[Fraction, Fraction] = {}
    for v in p:
        if v > 0:
            masses[v] = masses.get(v, Fraction(0)) + v
    with mp.workprec(mp.prec + 20):
        t, exact_t = threshold_level(g, dd, bits)
        best, best_beta = mp.zero, None
        mass = Fraction(0)
        for x in sorted(masses):
            mass += masses[x]
            if exact_t is not None:
                # τ rational (d = 0, or 2^−m in bits): M·P(x) = τ is possible, so the
                # comparison and the bound are exact fractions
                if m * x >= exact_t:
                    break  # and so for every larger value
                ratio = m * x / exact_t
                bound, ratio = to_mpf(mass - ratio), to_mpf(ratio)
            else:
                # τ irrational, never equal to the rational M·P(x)
                scaled = m * to_mpf(x)
                if not scaled < t:
                    break
                ratio = scaled / t
                bound = to_mpf(mass) - ratio
            if bound > best:
                best, best_beta = bound, -mp.log(ratio)
    return +best, (+best_beta if best_beta is not None else None)


def tilted_achievability(source, gamma, codewords, d, bits: bool = False) -> Fraction:
    """P[ȷ_γ(X, d) > ln M + ln(τ_γ(d)·L)] = P[P(X) < 1/(M·L)], exactly.

    >>> tilted_achievability("0.5,0.3,0.2", 0, 1, 1)     # L = 2: P[P(X) < 1/2]
    Fraction(1, 2)
    """
    p, g, m, dd = _validated(source, gamma, codewords, d)
    positive = [v for v in p if v > 0]
    # M·L·P(x) ≥ 1 for every x as soon as L ≥ 1/(M·min P), so the cap loses nothing
    smallest = min(positive)
    cap = int(1 / (m * smallest)) + 1
    size = list_size_at_most(g, dd, cap, bits)
    return sum((v for v in positive if m * size * v < 1), Fraction(0))


"""Converse and achievability bounds on D*_γ(M) for any alphabet ([avg.sandwich]).

Converse:   D*_γ(M) ≥ max(0, H(R) − ln M − c_γ, D*_0(M) − c_γ)
            (the last term when the exact log-loss value D*_0(M) is supplied).
Achievability, each the cost of an explicit code:

* Σ_m F_γ(R|A_m) for heuristic partitions with optimal decoders: round robin
  (symbols by decreasing R dealt to cells 1..M, 1..M, …), greedy balancing
  (each symbol, largest first, to the currently lightest cell), and the
  log-loss optimal partition when supplied; the best by a float pre-screen is
  evaluated at full precision;
* Σ_m R(A_m)·φ_γ(1/|A_m|) for the round-robin partition (uniform decoders);
* H(R) − ln M + ln(1 + M·max R), the round-robin bound on D*_0(M) ≥ D*_γ(M);
* D*_0(M) itself when supplied (φ_γ ≤ φ_0).

The reported achievability is the least of these, with the partition of the
code attaining it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
from mpmath import mp

from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.oneshot.average import (
    AverageDistortionResult,
    _Classes,
    _code,
    float_cell_costs,
)
from focalrd.numeric.phi import phi
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import entropy

__all__ = [
    "AverageDistortionBounds",
    "average_distortion_bounds",
    "greedy_balance",
    "round_robin",
]


@dataclass(frozen=True, repr=False)
class AverageDistortionBounds(ShortDisplay):
    """The bounds of [avg.sandwich] and the code attaining the achievability."""

    converse: mpmath.mpf
    achievability: mpmath.mpf
    partition: tuple[tuple[int, ...], ...]
    entropy: mpmath.mpf
    round_robin_bound: mpmath.mpf
    uniform_decoder_bound: mpmath.mpf
    heuristic: AverageDistortionResult


def round_robin(r: Sequence[Fraction], cells: int) -> list[list[int]]:
    """Symbols with R > 0 by decreasing R (ties: smaller symbol first) dealt to the cells."""
    ranked = sorted((x for x in range(len(r)) if r[x] > 0), key=lambda x: (-r[x], x))
    return [ranked[m::cells] for m in range(cells)]


def greedy_balance(r: Sequence[Fraction], cells: int) -> list[list[int]]:
    """Symbols by decreasing R, each to the lightest cell so far (ties: lowest cell)."""
    ranked = sorted((x for x in range(len(r)) if r[x] > 0), key=lambda x: (-r[x], x))
    masses = [Fraction(0)] * cells
    out: list[list[int]] = [[] for _ in range(cells)]
    for x in ranked:
        m = min(range(cells), key=lambda i: (masses[i], i))
        out[m].append(x)
        masses[m] += r[x]
    return [cell for cell in out if cell]


def _float_cost(classes: _Classes, partition: Sequence[Sequence[int]], gamma: Fraction) -> float:
    class_of = {x: c for c, members in enumerate(classes.members) for x in members}
    counts = np.zeros((len(partition), len(classes.values)), dtype=np.int64)
    for m, cell in enumerate(partition):
        for x in cell:
            counts[m, class_of[x]] += 1
    return float(float_cell_costs(classes.values, counts, gamma).sum())


def average_distortion_bounds(r: Sequence[Fraction], gamma: Fraction, codewords: int,
                              log_loss_value: mpmath.mpf | None = None,
                              log_loss_partition: Sequence[Sequence[int]] | None = None
                              ) -> AverageDistortionBounds:
    """The bounds of the module docstring for a validated re-weighted source R."""
    classes = _Classes.of(r)
    cells = min(codewords, classes.support)
    with mp.workprec(mp.prec + 20):
        h = entropy(r)
        log_m = mp.log(codewords)
        c = c_gamma(gamma)
        lower = [mp.zero, h - log_m - c]
        if log_loss_value is not None:
            lower.append(log_loss_value - c)
        converse = max(lower)

        rr = round_robin(r, cells)
        candidates = [rr, greedy_balance(r, cells)]
        if log_loss_partition is not None:
            candidates.append([[x for x in cell if r[x] > 0] for cell in log_loss_partition])
        candidates = [[cell for cell in p if cell] for p in candidates]
        chosen = min(candidates, key=lambda p: _float_cost(classes, p, gamma))
        heuristic = _code(classes, chosen, gamma, {})
        uniform = mp.fsum(to_mpf(sum((r[x] for x in cell), Fraction(0)))
                          * phi(gamma, Fraction(1, len(cell))) for cell in rr)
        largest = to_mpf(max(r))
        rr_bound = h - log_m + mp.log1p(codewords * largest)
        options = [(heuristic.value, heuristic.partition), (uniform, _with_zeros(rr, r)),
                   (rr_bound, _with_zeros(rr, r))]
        if log_loss_value is not None and log_loss_partition is not None:
            options.append((log_loss_value, tuple(tuple(c) for c in log_loss_partition)))
        achievability, partition = min(options, key=lambda o: o[0])
    return AverageDistortionBounds(+converse, +achievability, partition, +h, +rr_bound,
                                   +uniform, heuristic)


def _with_zeros(cells: Sequence[Sequence[int]], r: Sequence[Fraction]) -> tuple:
    """The partition of X: zero-probability symbols join the cell of the smallest symbol."""
    zeros = [x for x in range(len(r)) if r[x] == 0]
    ordered = sorted((sorted(c) for c in cells if c), key=lambda c: c[0])
    if zeros:
        ordered[0] = sorted(ordered[0] + zeros)
    return tuple(tuple(c) for c in ordered)

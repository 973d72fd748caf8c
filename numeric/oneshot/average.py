"""One-shot average distortion D*_γ(M), exactly and by bounds (THEORY.md §5).

Weights are absorbed first ([avg.weight-absorption]): E_P[ω(X) φ_γ(P̂(X))] =
E_R[φ_γ(P̂(X))] with R_X = P_X·ω, so everything below works with R_X.  (Where
ω(x) = 0 the loss ω(x)·φ_γ(P̂(x)) is taken as 0 even if P̂(x) = 0.)

[avg.exact]: the best decoder for a cell A is the focal-entropy minimiser of R
on A and the best encoder sends x to a cell containing it, so

    D*_γ(M) = min over partitions {A_m} of X into at most M cells of Σ_m F_γ(R|A_m).

Exact search (:func:`average_distortion_limit`): symbols of equal R are
interchangeable, so cells are sub-multisets of probability classes and the
minimum is a dynamic programme over them (:mod:`.partitions`).  Every cell is
first costed in float64 (all cells in one batched KKT search; at γ = 0 by a
closed form written without cancellation); every partition whose float cost is
within a relative margin (initially ``1e-9``) of the float optimum is then
evaluated at the working precision, and the least is returned (exact ties are
broken canonically).

Accuracy of the pre-screen.  Nothing bounds the float cell costs a priori
(they are usually accurate to about 1e-13).  So the search measures the
relative float error of every candidate against its full-precision cost and,
while 2ε/(1 − ε) (about twice the largest error seen, ε) exceeds the margin,
widens the margin to 4ε and collects the candidates again (at most 6 times,
then :class:`PrecisionError`).  If no partition's float cost is off by more than
the largest error seen, the true optimum is among the candidates (its float
cost is at most the float optimum times (1 + ε)/(1 − ε)).  This is an a
posteriori check on the candidates, not a proof for the partitions dropped.
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
from focalrd.numeric.exact import distribution, focusing_parameter, positive_integer, weighting
from focalrd.numeric.oneshot._focal_float import solve_cells
from focalrd.numeric.oneshot.focal_entropy import FocalEntropySolution, grouped_solution
from focalrd.numeric.oneshot.partitions import (
    MAX_PAIRS,
    MultisetSpace,
    near_optimal,
    search,
)
from focalrd.numeric.source import reweighted_source

__all__ = [
    "AverageDistortionResult",
    "FLOAT_MARGIN",
    "average_distortion_limit",
    "exact_search_feasible",
    "float_cell_costs",
    "optimal_code",
]

#: Initial relative margin of the float pre-screen (its error is usually about 1e-13).
FLOAT_MARGIN = 1e-9
#: Absolute floor of the margin: float costs below the float range read as 0.
_FLOAT_FLOOR = 1e-300
#: A margin too narrow for the observed float error is widened to this multiple of it ...
_WIDENING = 4.0
#: ... at most this many times.
_MAX_WIDENINGS = 6


@dataclass(frozen=True, repr=False)
class AverageDistortionResult(ShortDisplay):
    """A code for average distortion and its cost Σ_m F_γ(R|A_m).

    ``partition[m]`` lists the symbols of cell m (the encoder sends them to
    codeword m; ``encoder[x]`` is that m), ``decoders[m]`` is the reconstruction
    of codeword m (a distribution on X), ``cell_values[m]`` its cost F_γ(R|A_m).
    """

    value: mpmath.mpf
    partition: tuple[tuple[int, ...], ...]
    decoders: tuple[tuple[mpmath.mpf, ...], ...]
    encoder: tuple[int, ...]
    cell_values: tuple[mpmath.mpf, ...]


@dataclass(frozen=True)
class _Classes:
    """Distinct positive probabilities of R (descending), their counts and their symbols."""

    values: tuple[Fraction, ...]
    counts: tuple[int, ...]
    members: tuple[tuple[int, ...], ...]
    zeros: tuple[int, ...]
    k: int

    @classmethod
    def of(cls, r: Sequence[Fraction]) -> _Classes:
        groups: dict[Fraction, list[int]] = {}
        for x, p in enumerate(r):
            if p > 0:
                groups.setdefault(p, []).append(x)
        values = tuple(sorted(groups, reverse=True))
        return cls(values, tuple(len(groups[v]) for v in values),
                   tuple(tuple(groups[v]) for v in values),
                   tuple(x for x, p in enumerate(r) if p == 0), len(r))

    @property
    def support(self) -> int:
        return sum(self.counts)


def _inputs(source, gamma, codewords, weights) -> tuple[tuple[Fraction, ...], Fraction, int]:
    p = distribution(source)
    q = weighting(p, weights)
    return (reweighted_source(p, q), focusing_parameter(gamma),
            positive_integer(codewords, "codewords"))


def _log_loss_costs(log_values: np.ndarray, cells: np.ndarray, cell_of: np.ndarray,
                    class_of: np.ndarray, count: np.ndarray, log_a: np.ndarray) -> np.ndarray:
    """float64 F_0 = Σ t·a·ln(m/a) of every cell, with m = Σ t·a its mass.

    ln(m/a) is taken as log1p(others/a), ``others`` = m − a summed from the other
    entries (prefix and suffix sums, no subtraction): ln m − ln a cancels when a
    dominates its cell.  Values are scaled by the largest (ratios are unchanged).
    """
    scaled = np.exp(log_values - log_values.max())
    contributions = cells * scaled[None, :]
    zero = np.zeros((len(cells), 1))
    before = np.concatenate([zero, np.cumsum(contributions, axis=1)[:, :-1]], axis=1)
    from_here = np.cumsum(contributions[:, ::-1], axis=1)[:, ::-1]
    after = np.concatenate([from_here[:, 1:], zero], axis=1)
    others = (before + after + (cells - 1).clip(min=0) * scaled[None, :])[cell_of, class_of]
    a_scaled = scaled[class_of]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_ratio = np.where(a_scaled > 0, np.log1p(others / a_scaled), 0.0)
        terms = np.where(a_scaled > 0, count * np.exp(log_a) * log_ratio, 0.0)
    return np.bincount(cell_of, terms, len(cells))


def float_cell_costs(values: Sequence[Fraction], cells: np.ndarray, gamma: Fraction) -> np.ndarray:
    """float64 F_γ of every cell; ``cells[i, c]`` copies of ``values[c]`` in cell i."""
    log_values = np.array([np.log(float(v.numerator)) - np.log(float(v.denominator))
                           if v.numerator < 1e300 and v.denominator < 1e300
                           else float(mp.log(v.numerator) - mp.log(v.denominator))
                           for v in values])
    cell_of, class_of = np.nonzero(cells)
    count = cells[cell_of, class_of].astype(float)
    log_a = log_values[class_of]
    totals = cells.sum(axis=1)
    costs = np.zeros(len(cells))
    if gamma == 0:
        return _log_loss_costs(log_values, cells, cell_of, class_of, count, log_a)
    solve = totals[cell_of] >= 2
    if solve.any():
        renumber = np.cumsum(totals >= 2) - 1
        which = renumber[cell_of[solve]]
        _, _, values_solved = solve_cells(log_a[solve], count[solve], which,
                                          int((totals >= 2).sum()), float(gamma))
        costs[totals >= 2] = values_solved
    return costs


def _cell_solution(classes: _Classes, counts: Sequence[int], gamma: Fraction,
                   cache: dict) -> FocalEntropySolution:
    key = tuple(counts)
    if key not in cache:
        present = [c for c, t in enumerate(counts) if t > 0]
        cache[key] = (present, grouped_solution([classes.values[c] for c in present],
                                                [counts[c] for c in present], gamma))
    return cache[key]


def _symbols_of(classes: _Classes, cells: Sequence[Sequence[int]]) -> list[list[int]]:
    """Cells given as class-count vectors, filled with symbols (equal-R symbols interchange)."""
    pools = [list(m) for m in classes.members]
    symbol_cells = []
    for counts in cells:
        cell: list[int] = []
        for c, t in enumerate(counts):
            cell.extend(pools[c][:t])
            del pools[c][:t]
        symbol_cells.append(cell)
    return symbol_cells


def _cell_order(symbol_cells: Sequence[Sequence[int]]) -> list[int]:
    """The cells by their smallest symbol (the order a partition is reported in)."""
    return sorted(range(len(symbol_cells)), key=lambda m: min(symbol_cells[m]))


def _partition_of(classes: _Classes, symbol_cells: Sequence[Sequence[int]]
                  ) -> tuple[tuple[int, ...], ...]:
    """The partition :func:`_code` reports for these cells (zeros join the first cell)."""
    order = _cell_order(symbol_cells)
    return tuple(tuple(sorted(list(symbol_cells[m]) + (list(classes.zeros) if rank == 0
                                                       else [])))
                 for rank, m in enumerate(order))


def _code(classes: _Classes, symbol_cells: Sequence[Sequence[int]], gamma: Fraction,
          cache: dict) -> AverageDistortionResult:
    """The code with these cells (of positive-R symbols) and optimal decoders, with its cost."""
    class_of = {x: c for c, members in enumerate(classes.members) for x in members}
    order = _cell_order(symbol_cells)
    partition, decoders, values = [], [], []
    for rank, m in enumerate(order):
        counts = [0] * len(classes.values)
        for x in symbol_cells[m]:
            counts[class_of[x]] += 1
        present, solution = _cell_solution(classes, counts, gamma, cache)
        q_of_class = dict(zip(present, solution.minimizer, strict=True))
        decoder = [mp.zero] * classes.k
        for x in symbol_cells[m]:
            decoder[x] = q_of_class[class_of[x]]
        cell = sorted(list(symbol_cells[m]) + (list(classes.zeros) if rank == 0 else []))
        partition.append(tuple(cell))
        decoders.append(tuple(decoder))
        values.append(solution.value)
    encoder = [0] * classes.k
    for m, cell in enumerate(partition):
        for x in cell:
            encoder[x] = m
    with mp.workprec(mp.prec + 10):
        total = mp.fsum(values)
    return AverageDistortionResult(+total, tuple(partition), tuple(decoders), tuple(encoder),
                                   tuple(values))


def _singletons(classes: _Classes, gamma: Fraction, cache: dict) -> AverageDistortionResult:
    return _code(classes, [[x] for members in classes.members for x in members], gamma, cache)


def exact_search_feasible(r: Sequence[Fraction]) -> bool:
    """Whether the exact search handles this re-weighted source (see :data:`MAX_PAIRS`)."""
    return MultisetSpace.of(_Classes.of(r).counts).pair_count() <= MAX_PAIRS


def _relative_error(float_cost: float, exact: mpmath.mpf) -> float:
    """|float − exact| relative to the exact cost (costs below the float range read as 0)."""
    difference = max(abs(float(exact) - float_cost) - _FLOAT_FLOOR, 0.0)
    scale = float(exact)
    if difference == 0:
        return 0.0
    return difference / scale if scale > 0 else math.inf


def _confirmed_candidates(classes: _Classes, digits: np.ndarray, result, gamma: Fraction,
                          cache: dict) -> dict[tuple[int, ...], AverageDistortionResult]:
    """Every partition within the float margin, costed at full precision, the margin
    widened until it is at least twice the largest float error seen among them."""
    relative_margin = FLOAT_MARGIN
    scored: dict[tuple[int, ...], AverageDistortionResult] = {}
    worst = 0.0
    for _ in range(_MAX_WIDENINGS):
        try:
            candidates = near_optimal(result, relative_margin * abs(result.optimum)
                                      + _FLOAT_FLOOR)
        except OverflowError:
            raise PrecisionError("too many partitions tie with the optimum within the float "
                                 "margin to confirm the exact minimum") from None
        for candidate in candidates:
            if candidate not in scored:
                vectors = [tuple(int(d) for d in digits[t]) for t in candidate]
                scored[candidate] = _code(classes, _symbols_of(classes, vectors), gamma, cache)
                float_cost = float(sum(result.cost[t] for t in candidate))
                worst = max(worst, _relative_error(float_cost, scored[candidate].value))
        # every float cost within a relative `worst` keeps the optimum within 2·worst/(1 − worst)
        if worst < 1 and 2 * worst <= relative_margin * (1 - worst):
            return scored
        if not math.isfinite(worst):
            break
        relative_margin = _WIDENING * worst
    raise PrecisionError(f"the float pre-screen of the partition search is off by a relative "
                         f"{worst:.1e}; the candidate margin could not be widened past it")


def optimal_code(r: Sequence[Fraction], gamma: Fraction, codewords: int) -> AverageDistortionResult:
    """The exact search on a validated re-weighted source R (see the module docstring)."""
    classes = _Classes.of(r)
    cache: dict = {}
    cells = min(codewords, classes.support)
    if cells == classes.support:
        return _singletons(classes, gamma, cache)
    space = MultisetSpace.of(classes.counts)
    if space.pair_count() > MAX_PAIRS:
        raise InvalidInputError(
            "source", f"at most {MAX_PAIRS} cell pairs in the exact search, e.g. at most 14 "
                      f"distinct probabilities (this source needs {space.pair_count()})", None)
    digits = space.digits()
    result = search(space, float_cell_costs(classes.values, digits, gamma), cells)
    scored = _confirmed_candidates(classes, digits, result, gamma, cache)
    lowest = min(code.value for code in scored.values())
    tie = mp.ldexp(abs(lowest), -(mp.prec - 16))   # equal to the working precision
    best, best_key = None, None
    for candidate, code in scored.items():
        if code.value - lowest <= tie and (best_key is None or candidate < best_key):
            best, best_key = code, candidate
    return best


def average_distortion_limit(source, gamma, codewords,
                             weights=None) -> AverageDistortionResult:
    """D*_γ(M) exactly, with an optimal partition and its decoders, at the working precision.

    ``source`` is P_X and ``weights`` the class weighting Q (``None``: the
    unweighted loss).  Raises ``InvalidInputError`` for alphabets beyond the
    exact search (about 14 distinct probabilities; equal probabilities are
    cheap).  Zero-probability symbols join the first cell.

    >>> mp.dps = 15
    >>> code = average_distortion_limit("1/2,1/4,1/4", 0, 2)   # H(R) − H(1/2, 1/2)
    >>> print(code.value, code.partition)
    0.346573590279973 ((0,), (1, 2))
    >>> print(mp.log(2) / 2)
    0.346573590279973
    """
    r, g, m = _inputs(source, gamma, codewords, weights)
    return optimal_code(r, g, m)

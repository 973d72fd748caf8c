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
first costed in float64 (all cells in one batched KKT search); every partition
whose float cost is within a relative ``1e-9`` of the float optimum is then
evaluated at the working precision, and the least is returned (exact ties are
broken canonically).  The float costs are accurate to about 1e-13, so the true
optimum is always among the candidates; the search also checks, for every
candidate, that its float and full-precision costs agree within half that
relative margin, and raises :class:`PrecisionError` otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np
from mpmath import mp

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

#: Relative margin of the float pre-screen (its error is about 1e-13).
FLOAT_MARGIN = 1e-9


@dataclass(frozen=True)
class AverageDistortionResult:
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
    if gamma == 0:  # F_0 = Σ t·a·(ln m − ln a) with m = Σ t·a
        mass = np.bincount(cell_of, count * np.exp(log_a), len(cells))
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = count * np.exp(log_a) * (np.log(mass[cell_of]) - log_a)
        return np.bincount(cell_of, terms, len(cells))
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


def _code(classes: _Classes, symbol_cells: Sequence[Sequence[int]], gamma: Fraction,
          cache: dict) -> AverageDistortionResult:
    """The code with these cells (of positive-R symbols) and optimal decoders, with its cost."""
    class_of = {x: c for c, members in enumerate(classes.members) for x in members}
    order = sorted(range(len(symbol_cells)), key=lambda m: min(symbol_cells[m]))
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
    # float cell costs carry relative errors of about 1e-13 (costs below the float range
    # read as 0, hence the absolute floor), so the relative margin keeps the true optimum
    margin = FLOAT_MARGIN * abs(result.optimum) + 1e-300
    try:
        candidates = near_optimal(result, margin)
    except OverflowError:
        raise PrecisionError("too many partitions tie with the optimum within the float "
                             "margin to confirm the exact minimum") from None
    best, best_key = None, None
    scored = []
    for candidate in candidates:
        vectors = [tuple(int(d) for d in digits[t]) for t in candidate]
        code = _code(classes, _symbols_of(classes, vectors), gamma, cache)
        float_cost = float(sum(result.cost[t] for t in candidate))
        if abs(float(code.value) - float_cost) > FLOAT_MARGIN / 2 * float_cost + 1e-300:
            raise PrecisionError("the float pre-screen of the partition search disagrees with "
                                 "the full-precision cost")
        scored.append((code, candidate))
    lowest = min(code.value for code, _ in scored)
    tie = mp.ldexp(abs(lowest), -(mp.prec - 16))   # equal to the working precision
    for code, candidate in scored:
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

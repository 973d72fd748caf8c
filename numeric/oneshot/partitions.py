"""Least-cost partitions of a multiset into at most M cells (the search behind [avg.exact]).

Symbols of equal probability are interchangeable, so a cell is a *sub-multiset*:
a vector t with 0 ≤ t_c ≤ n_c copies of each distinct probability class c.
Sub-multisets are numbered in mixed radix (index = Σ t_c·stride_c), so the
complement of T inside S has index S − T.

Search.  Dynamic programming over sub-multisets:

    best_j(S) = min over cells T ⊆ S, T ∋ (an element of the first class of S)
                of cost(T) + best_{j−1}(S − T),        best_j(∅) = 0,

which visits Π_c (n_c + 1)(n_c + 2)/2 pairs (S, T) per layer — 3^n for n
distinct probabilities instead of the Bell number of set partitions — and is
vectorised with numpy.  Costs are float64 pre-screens; the search returns every
partition whose float cost is within a margin of the float optimum, for the
caller to evaluate at full precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "MAX_PAIRS",
    "MultisetSpace",
    "PartitionSearch",
    "near_optimal",
    "search",
    "search_size",
]

#: Largest number of (S, T) pairs the search builds (≈ 3^14 for 14 distinct probabilities).
MAX_PAIRS = 5_000_000


@dataclass(frozen=True)
class MultisetSpace:
    """All sub-multisets of a multiset with ``counts[c]`` copies of class c."""

    counts: tuple[int, ...]
    strides: tuple[int, ...]
    size: int

    @classmethod
    def of(cls, counts: Sequence[int]) -> MultisetSpace:
        strides, size = [], 1
        for n in counts:
            strides.append(size)
            size *= n + 1
        return cls(tuple(counts), tuple(strides), size)

    @property
    def full(self) -> int:
        return self.size - 1

    def digits(self) -> np.ndarray:
        """The count vector of every sub-multiset, shape (size, classes)."""
        index = np.arange(self.size)
        return np.stack([(index // s) % (n + 1) for s, n in zip(self.strides, self.counts,
                                                                strict=True)], axis=1)

    def pair_count(self) -> int:
        total = 1
        for n in self.counts:
            total *= (n + 1) * (n + 2) // 2
        return total


def search_size(counts: Sequence[int]) -> int:
    """The number of (S, T) pairs the search would build for these class counts."""
    return MultisetSpace.of(counts).pair_count()


def _pairs(space: MultisetSpace) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(S, T) pairs with T ⊆ S, T ≠ ∅ holding an element of S's first class; sorted by S.

    Returns the arrays S, T and the offsets of each S's block (length size + 1).
    """
    s_idx = np.zeros(1, dtype=np.int64)
    t_idx = np.zeros(1, dtype=np.int64)
    for stride, n in zip(space.strides, space.counts, strict=True):
        s_digit, t_digit = np.array([(s, t) for s in range(n + 1) for t in range(s + 1)]).T
        s_idx = (s_idx[:, None] + s_digit[None, :] * stride).ravel()
        t_idx = (t_idx[:, None] + t_digit[None, :] * stride).ravel()
    digits = space.digits()
    first = np.argmax(digits > 0, axis=1)                     # first class present in S
    stride_of_first = np.asarray(space.strides)[first]
    radix_of_first = np.asarray(space.counts)[first] + 1
    keep = (t_idx > 0) & ((t_idx // stride_of_first[s_idx]) % radix_of_first[s_idx] > 0)
    s_idx, t_idx = s_idx[keep], t_idx[keep]
    order = np.argsort(s_idx, kind="stable")
    s_idx, t_idx = s_idx[order], t_idx[order]
    offsets = np.searchsorted(s_idx, np.arange(space.size + 1))
    return s_idx, t_idx, offsets


@dataclass(frozen=True)
class PartitionSearch:
    """Float64 layers of the dynamic programme and the data to walk them back."""

    space: MultisetSpace
    cost: np.ndarray                 # float cost of every sub-multiset as one cell
    layers: list[np.ndarray]         # layers[j][S] = least float cost of S in ≤ j cells
    s_idx: np.ndarray
    t_idx: np.ndarray
    offsets: np.ndarray
    cells: int

    @property
    def optimum(self) -> float:
        return float(self.layers[self.cells][self.space.full])


def search(space: MultisetSpace, cost: np.ndarray, cells: int) -> PartitionSearch:
    """Run the dynamic programme for at most ``cells`` cells (cost[0] must be 0)."""
    s_idx, t_idx, offsets = _pairs(space)
    layers = [np.where(np.arange(space.size) == 0, 0.0, np.inf), cost.astype(float)]
    starts = offsets[:-1]
    nonempty = offsets[1:] > starts
    for j in range(2, cells + 1):
        values = cost[t_idx] + layers[j - 1][s_idx - t_idx]
        layer = np.full(space.size, np.inf)
        layer[0] = 0.0
        if j < cells:
            layer[nonempty] = np.minimum.reduceat(values, starts[nonempty])
        else:  # the last layer is needed for the full multiset only
            lo, hi = offsets[space.full], offsets[space.full + 1]
            layer[space.full] = values[lo:hi].min()
        layers.append(layer)
    return PartitionSearch(space, cost, layers, s_idx, t_idx, offsets, cells)


def near_optimal(result: PartitionSearch, margin: float,
                 limit: int = 10_000) -> list[tuple[int, ...]]:
    """Every partition (sorted tuple of cell indices) with float cost ≤ optimum + margin.

    Raises ``OverflowError`` when more than ``limit`` partitions qualify.
    """
    found: set[tuple[int, ...]] = set()
    cost, layers = result.cost, result.layers

    def walk(j: int, rest: int, budget: float, cells: tuple[int, ...]) -> None:
        if rest == 0:
            found.add(tuple(sorted(cells)))
            if len(found) > limit:
                raise OverflowError("too many near-optimal partitions")
            return
        if j == 0:
            return
        lo, hi = result.offsets[rest], result.offsets[rest + 1]
        for t in result.t_idx[lo:hi].tolist():
            if cost[t] + layers[j - 1][rest - t] <= budget:
                walk(j - 1, rest - t, budget - cost[t], cells + (t,))

    walk(result.cells, result.space.full, result.optimum + margin, ())
    return sorted(found)

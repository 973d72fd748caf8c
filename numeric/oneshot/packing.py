"""Packing items of given sizes into unit bins to maximise the packed value.

The weighted excess-distortion problem ([excess.weighted]) is this packing:
item x has value P_X(x) and size τ_γ(d/ω(x)), there are M bins of capacity 1.
Values are exact (``Fraction``); sizes are real numbers known at the working
precision (and exactly when they are rational).

* :func:`fractional_value` — the fractional relaxation (take items by value per
  unit size until the total capacity M is used): an upper bound on the value.
* :func:`first_fit` — first fit in decreasing order of value density (ties:
  larger items first): a feasible packing.
* :func:`best_packing` — the exact optimum by depth-first branch and bound:
  items in decreasing density, each placed in one bin of each distinct load or
  left out (equal items are left out only as a suffix of their group), with
  the fractional bound of the remaining items on the usable free capacity.

Fit decisions ("does this bin still hold the item?") are pre-screened in
float64 and decided at the working precision when the float load is within
1e-9 of the capacity; when even that cannot separate the load from 1 and the
sizes are not all exact, :class:`PrecisionError` is raised instead of guessing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.errors import PrecisionError

__all__ = [
    "Items",
    "Packing",
    "best_packing",
    "first_fit",
    "fractional_value",
]

_FLOAT_BAND = 1e-9


@dataclass(frozen=True)
class Items:
    """Item values (exact), sizes (working precision) and exact sizes where rational.

    ``kinds`` labels sizes: items of one kind have exactly the same size (for
    the weighted excess distortion, the kind is ω(x)).
    """

    values: tuple[Fraction, ...]
    sizes: tuple[mpmath.mpf, ...]
    exact_sizes: tuple[Fraction | None, ...]
    kinds: tuple[object, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_floats", tuple(float(s) for s in self.sizes))

    @property
    def float_sizes(self) -> tuple[float, ...]:
        return self._floats  # type: ignore[attr-defined]

    def density_order(self) -> list[int]:
        """Items by decreasing value per unit size (free items first), ties larger first."""
        def key(i: int) -> tuple:
            size = self.float_sizes[i]
            density = float("inf") if size == 0 else float(self.values[i]) / size
            # equal items (same value and kind) end up next to each other
            return (-density, -size, repr(self.kinds[i]), -self.values[i], i)
        return sorted(range(len(self.values)), key=key)

    def fits(self, contents: Sequence[int], load: float, item: int) -> bool:
        """Whether a bin holding ``contents`` (float load ``load``) also holds ``item``."""
        total = load + self.float_sizes[item]
        if total <= 1 - _FLOAT_BAND:
            return True
        if total >= 1 + _FLOAT_BAND:
            return False
        members = [*contents, item]
        if all(self.exact_sizes[i] is not None for i in members):
            return sum((self.exact_sizes[i] for i in members), Fraction(0)) <= 1
        with mp.workprec(mp.prec + 10):
            slack = 1 - mp.fsum(self.sizes[i] for i in members)
        band = mp.ldexp(len(members) + 1, -(mp.prec - 8))
        if slack > band:
            return True
        if slack < -band:
            return False
        raise PrecisionError("a bin load equals the capacity to within the working precision; "
                             "the packing cannot be decided")


@dataclass(frozen=True)
class Packing:
    """A feasible packing: its exact value and the items of each bin."""

    value: Fraction
    bins: tuple[tuple[int, ...], ...]


def fractional_value(items: Items, bins: int) -> mpmath.mpf:
    """max Σ v_x f_x subject to Σ s_x f_x ≤ bins, 0 ≤ f ≤ 1 (an upper bound on any packing)."""
    with mp.workprec(mp.prec + 10):
        capacity = mp.mpf(bins)
        total = mp.zero
        for i in items.density_order():
            size = items.sizes[i]
            if size <= capacity:
                total += items.values[i].numerator / mp.mpf(items.values[i].denominator)
                capacity -= size
            else:
                total += items.values[i].numerator * capacity / (items.values[i].denominator * size)
                break
    return +total


def first_fit(items: Items, bins: int) -> Packing:
    """First fit in decreasing value density; items that fit nowhere are left out."""
    contents: list[list[int]] = [[] for _ in range(bins)]
    loads = [0.0] * bins
    value = Fraction(0)
    for i in items.density_order():
        for b in range(bins):
            if items.fits(contents[b], loads[b], i):
                contents[b].append(i)
                loads[b] += items.float_sizes[i]
                value += items.values[i]
                break
    return Packing(value, tuple(tuple(c) for c in contents))


def best_packing(items: Items, bins: int, node_limit: int = 2_000_000) -> Packing | None:
    """The most valuable packing, by branch and bound; ``None`` past ``node_limit`` nodes."""
    order = items.density_order()
    n = len(order)
    values = [items.values[i] for i in order]
    sizes = [items.float_sizes[i] for i in order]
    kinds = [items.kinds[i] for i in order]
    # group_end[j]: one past the last item equal (same value, same kind) to item j
    group_end = list(range(1, n + 1))
    for j in range(n - 2, -1, -1):
        if values[j] == values[j + 1] and kinds[j] == kinds[j + 1]:
            group_end[j] = group_end[j + 1]
    suffix_value = [Fraction(0)] * (n + 1)
    suffix_min_size = [float("inf")] * (n + 1)
    for j in range(n - 1, -1, -1):
        suffix_value[j] = suffix_value[j + 1] + values[j]
        suffix_min_size[j] = min(suffix_min_size[j + 1], sizes[j])

    incumbent = first_fit(items, bins)
    best = [incumbent.value, incumbent.bins]
    contents: list[list[int]] = [[] for _ in range(bins)]
    loads = [0.0] * bins
    nodes = [0]

    def bound_allows(j: int, value: Fraction) -> bool:
        """False when even the fractional relaxation of items j.. cannot beat the incumbent."""
        if value + suffix_value[j] <= best[0]:
            return False
        smallest = suffix_min_size[j]
        capacity = sum(max(0.0, 1 - load) for load in loads
                       if 1 - load >= smallest - _FLOAT_BAND)
        whole = value
        for t in range(j, n):
            if sizes[t] <= capacity:
                whole += values[t]
                capacity -= sizes[t]
            else:
                extra = float(values[t]) * capacity / sizes[t] * (1 + 1e-9) + 1e-300
                return float(best[0] - whole) < extra if whole < best[0] else True
        return whole > best[0]

    def descend(j: int, value: Fraction) -> None:
        nodes[0] += 1
        if nodes[0] > node_limit:
            raise _NodeLimit
        if value > best[0]:
            best[0], best[1] = value, tuple(tuple(order[i] for i in c) for c in contents)
        if j == n or not bound_allows(j, value):
            return
        seen: set[tuple] = set()
        for b in range(bins):
            content_kinds = tuple(sorted(map(repr, (kinds[i] for i in contents[b]))))
            if content_kinds in seen:
                continue  # bins holding the same kinds of items are interchangeable
            seen.add(content_kinds)
            if items.fits([order[i] for i in contents[b]], loads[b], order[j]):
                contents[b].append(j)
                loads[b] += sizes[j]
                descend(j + 1, value + values[j])
                loads[b] -= sizes[j]
                contents[b].pop()
                if not contents[b]:
                    loads[b] = 0.0
        descend(group_end[j], value)  # leave item j (and the equal items after it) out

    try:
        descend(0, Fraction(0))
    except _NodeLimit:
        return None
    return Packing(best[0], best[1])


class _NodeLimit(Exception):
    pass

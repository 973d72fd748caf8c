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
    """First fit in decreasing value density; items that fit nowhere are left out.

    Each item goes to the first bin that holds it.  The bins' free float
    capacities sit in a max-tree, so the first bin that *might* hold the item
    (free capacity above its size minus the decision band) is found in
    O(log bins) steps and then decided by :meth:`Items.fits`: O(k log k) for
    k items instead of a pass over the bins for each item.
    """
    contents: list[list[int]] = [[] for _ in range(bins)]
    loads = [0.0] * bins
    value = Fraction(0)
    width = 1
    while width < bins:
        width *= 2
    free = [-1.0] * (2 * width)  # node: the largest free capacity below it
    for b in range(bins):
        free[width + b] = 1.0
    for node in range(width - 1, 0, -1):
        free[node] = max(free[2 * node], free[2 * node + 1])

    def first_candidate(start: int, need: float) -> int | None:
        """The first bin b >= start with free capacity > need, or None."""
        stack = [(1, 0, width)]  # (node, first bin, one past its last bin), leftmost first
        while stack:
            node, low, high = stack.pop()
            if high <= start or free[node] <= need:
                continue
            if node >= width:
                return node - width
            middle = (low + high) // 2
            stack.append((2 * node + 1, middle, high))  # visited after the left half
            stack.append((2 * node, low, middle))
        return None

    for i in items.density_order():
        need = items.float_sizes[i] - 2 * _FLOAT_BAND
        b = first_candidate(0, need)
        while b is not None and not items.fits(contents[b], loads[b], i):
            b = first_candidate(b + 1, need)
        if b is None:
            continue
        contents[b].append(i)
        loads[b] += items.float_sizes[i]
        value += items.values[i]
        node = width + b
        free[node] = 1.0 - loads[b]
        node //= 2
        while node:
            free[node] = max(free[2 * node], free[2 * node + 1])
            node //= 2
    return Packing(value, tuple(tuple(c) for c in contents))


def best_packing(items: Items, bins: int, node_limit: int = 2_000_000,
                 incumbent: Packing | None = None) -> Packing | None:
    """The most valuable packing, by branch and bound; ``None`` past ``node_limit`` nodes.

    ``incumbent`` is a feasible packing to start from (default: :func:`first_fit`).
    """
    order = items.density_order()
    n = len(order)
    values = [items.values[i] for i in order]
    sizes = [items.float_sizes[i] for i in order]
    kinds = [items.kinds[i] for i in order]
    labels: dict[str, int] = {}  # kinds as small integers, compared cheaply at every node
    kind_ids = [labels.setdefault(repr(kind), len(labels)) for kind in kinds]
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

    if incumbent is None:
        incumbent = first_fit(items, bins)
    best = [incumbent.value, incumbent.bins]
    contents: list[list[int]] = [[] for _ in range(bins)]
    members: list[list[int]] = [[] for _ in range(bins)]  # the same, as item numbers
    loads = [0.0] * bins
    # A bin's fingerprint (number of items, sum of a scrambled kind label) is kept up to
    # date as items come and go; bins are compared by their sorted kinds only when the
    # fingerprints agree, so that a node costs O(bins), not O(items).
    scrambled = [(k + 1) * 0x9E3779B97F4A7C15 % (1 << 61) for k in kind_ids]
    fingerprints = [0] * bins
    nodes = [0]

    def same_kinds(a: int, b: int) -> bool:
        return (sorted(kind_ids[i] for i in contents[a])
                == sorted(kind_ids[i] for i in contents[b]))

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

    def descend(j: int, value: Fraction):
        """One node; yields the (j, value) of each child, in order (see the driver below)."""
        nodes[0] += 1
        if nodes[0] > node_limit:
            raise _NodeLimit
        if value > best[0]:
            best[0], best[1] = value, tuple(tuple(order[i] for i in c) for c in contents)
        if j == n or not bound_allows(j, value):
            return
        seen: dict[tuple[int, int], list[int]] = {}
        for b in range(bins):
            key = (len(contents[b]), fingerprints[b])
            earlier = seen.setdefault(key, [])
            if any(same_kinds(a, b) for a in earlier):
                continue  # bins holding the same kinds of items are interchangeable
            earlier.append(b)
            if items.fits(members[b], loads[b], order[j]):
                contents[b].append(j)
                members[b].append(order[j])
                fingerprints[b] += scrambled[j]
                loads[b] += sizes[j]
                yield j + 1, value + values[j]
                loads[b] -= sizes[j]
                fingerprints[b] -= scrambled[j]
                members[b].pop()
                contents[b].pop()
                if not contents[b]:
                    loads[b] = 0.0
        yield group_end[j], value  # leave item j (and the equal items after it) out

    # Depth-first, with an explicit stack of suspended nodes instead of recursion: the
    # depth can reach the number of items (thousands), beyond Python's recursion limit.
    try:
        stack = [descend(0, Fraction(0))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            else:
                stack.append(descend(*child))
    except _NodeLimit:
        return None
    return Packing(best[0], best[1])


class _NodeLimit(Exception):
    pass

"""Sorted planes of type classes: the last three groups of the many-group engine at once.

For a fixed number m of symbols left after the outer prefix groups, the classes
of the last prefix group (c symbols) and the row pair (s symbols of the larger
value, m − c − s of the smaller) form a plane of cells (c, s).  In the fixed-point
coordinates of :meth:`.manygroups.ManyGroups.scan` a cell lies above a threshold
x (in units of the row pair's log-ratio, ``frac`` fractional bits) exactly when its
*key* s·2^frac + c·step exceeds x.  Sorting the cells of a plane by key once turns
every question the scan asks of an outer prefix — the mass above x, the mass at or
below x − shift, the cells in between, the exact number of sequences above x — into
two binary searches and a few look-ups, instead of a walk over c.

A plane depends only on m (and the precision), so it is built once and shared by
every outer prefix that leaves m symbols; this pays when many outer prefixes share
an m, i.e. for six or more distinct probabilities.

Errors (units of 2^-bits): a cell mass is ⌊b_m(c)·b_{m−c}(s)⌋ with both factors
within their rows' errors e_c, e_s, so it errs by at most e_c + e_s + 1; any partial
sum of the masses errs by at most (cells)·max cell error (``sum_error``).  The mass
not in the plane (the rows' tails and the cells that round to zero) is at most
``tail``.  Sequence counts (``sizes_above``) are exact integers.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from focalrd.numeric.blocks.binomial_tables import BinomialRow


@dataclass(frozen=True)
class Plane:
    """The cells (c, s) of one m, most likely first (see the module docstring).

    ``order[k]`` = −key of the k-th cell (ascending, for :func:`bisect_left`);
    ``above[k]`` / ``sizes_above[k]``: the mass (units) / exact number of sequences
    of the first k cells; ``masses[k]`` the k-th cell's mass.
    """

    order: list[int]
    cells: list[tuple[int, int]]
    masses: list[int]
    above: list[int]
    sizes_above: list[int]
    sum_error: int
    cell_error: int
    tail: int

    @property
    def total(self) -> int:
        return self.above[-1]

    def count_above(self, x: int) -> int:
        """How many cells have key > x (they are the first ones)."""
        return bisect_left(self.order, -x)

    def near(self, x: int, margin: int) -> bool:
        """Whether a cell's key lies within ``margin`` of x (its side is not decided)."""
        return bisect_left(self.order, -(x + margin)) != bisect_left(self.order, -(x - margin))


def build_plane(m: int, outer: BinomialRow, row_of: Callable[[int], BinomialRow], step: int,
                one: int, bits: int, multiplicities: tuple[int, int, int]) -> Plane:
    """The plane of m: ``outer`` = b_m(c) (last prefix group), ``row_of(m')`` = b_{m'}(s).

    ``multiplicities`` = (symbols in the last prefix group, in the row pair's larger
    value, in its smaller value): they turn a cell into its exact number of sequences.
    """
    mult_c, mult_hi, mult_lo = multiplicities
    entries: list[tuple[int, int, int, int]] = []
    tail = outer.tail + 1
    cell_error = 0
    dropped = 0
    for index, value in enumerate(outer.values):
        c = outer.lo + index
        row = row_of(m - c)
        tail += row.tail + 1
        cell_error = max(cell_error, outer.error + row.error + 1)
        base_key = c * step
        for j, entry in enumerate(row.values):
            mass = value * entry >> bits
            if mass == 0:
                dropped += 1  # less than one unit (within its error) each
                continue
            s = row.lo + j
            entries.append((-(s * one + base_key), c, s, mass))
    entries.sort()
    order = [e[0] for e in entries]
    cells = [(e[1], e[2]) for e in entries]
    masses = [e[3] for e in entries]
    above = [0] * (len(entries) + 1)
    sizes = [0] * (len(entries) + 1)
    comb_c: dict[int, int] = {}
    for k, (_, c, s, mass) in enumerate(entries):
        above[k + 1] = above[k] + mass
        outer_size = comb_c.get(c)
        if outer_size is None:
            outer_size = comb_c[c] = math.comb(m, c) * mult_c**c
        left = m - c
        inner = math.comb(left, s) * mult_hi**s * mult_lo ** (left - s)
        sizes[k + 1] = sizes[k] + outer_size * inner
    tail += dropped * (cell_error + 1)
    sum_error = len(entries) * cell_error + 1
    return Plane(order, cells, masses, above, sizes, sum_error, cell_error, tail)

"""Fixed-point binomial rows with rigorous error bounds (the building block of :mod:`.manygroups`).

A multinomial class mass factors into a chain of conditional binomial terms, so
every mass the many-group engine needs is a product of entries

    b_m(s) = C(m, s) q^s (1 − q)^(m − s),      q = num/den rational,

held as integers in units of 2^-S.  One row (fixed m) is built from its mode
outward: the mode entry is the floor of an exact rational, each neighbour
follows by the exact ratio of consecutive terms (one small multiplication and
one floor division).  Going away from the mode the ratio is below 1, so an
entry k steps out errs by less than k + 1 units.  A walk stops at the first
entry that rounds to zero; everything beyond is bounded by a geometric series
(the ratios keep decreasing), which is returned as ``tail`` (units).

:class:`RowTable` adds, for the *last* pair of groups, the suffix sums
T(a) = Σ_{s ≥ a} b(s), prefix sums B(a) = Σ_{s < a} b(s) and the count-weighted
tails G(a) = Σ_{s ≥ a} b(s) ρ^{a − s} (ρ = ratio of the two per-symbol
probabilities), each with one uniform error bound.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class BinomialRow:
    """Entries b_m(s) for s = lo .. lo + len(values) − 1, in units of 2^-bits.

    Every entry errs by at most ``error`` units; the entries not listed sum to at
    most ``tail`` units.
    """

    lo: int
    values: list[int]
    error: int
    tail: int

    def at(self, s: int) -> int:
        i = s - self.lo
        return self.values[i] if 0 <= i < len(self.values) else 0


def binomial_row(m: int, num: int, den: int, bits: int) -> BinomialRow:
    """The fixed-point row b_m(·) for q = num/den (0 < q < 1), see the module docstring.

    >>> row = binomial_row(4, 1, 2, 8)      # 1, 4, 6, 4, 1 sixteenths of 256
    >>> row.lo, row.values, row.error
    (0, [16, 64, 96, 64, 16], 4)
    """
    rest = den - num
    mode = min(m, (m + 1) * num // den)
    exact = math.comb(m, mode) * num**mode * rest ** (m - mode)
    start = (exact << bits) // den**m
    ups: list[int] = []
    t, s, tail = start, mode, 0
    while s < m:
        t = t * (m - s) * num // ((s + 1) * rest)
        s += 1
        if t == 0:
            tail += _geometric_bound(Fraction((m - s) * num, (s + 1) * rest), len(ups) + 2, m - s)
            break
        ups.append(t)
    downs: list[int] = []
    t, s = start, mode
    while s > 0:
        t = t * s * rest // ((m - s + 1) * num)
        s -= 1
        if t == 0:
            tail += _geometric_bound(Fraction(s * rest, (m - s + 1) * num), len(downs) + 2, s)
            break
        downs.append(t)
    values = downs[::-1] + [start] + ups
    return BinomialRow(mode - len(downs), values, max(len(ups), len(downs)) + 2, tail)


def _geometric_bound(ratio: Fraction, first: int, remaining: int) -> int:
    """Units bounding a run of terms: the first < ``first`` units, then ratio ≤ ``ratio`` < 1."""
    if ratio < 1:
        return first * (math.ceil(1 / (1 - ratio)) + 1)
    return first * (remaining + 2)  # pragma: no cover - walks leave the mode downhill only


class RowTable:
    """Rows of the last pair of groups: pmf, suffix/prefix sums and count-weighted tails.

    ``rho_num/rho_den`` = v_hi / v_lo > 1 is the ratio of the pair's per-symbol
    probabilities (moving one symbol from the lower to the higher value
    multiplies a sequence's probability by ρ).
    """

    def __init__(self, num: int, den: int, rho_num: int, rho_den: int, bits: int) -> None:
        self.num, self.den, self.bits = num, den, bits
        self.rho_num, self.rho_den = rho_num, rho_den
        self._rows: dict[int, tuple] = {}
        # e_G ≤ (e + 1)·ρ/(ρ − 1) for the recursion G(a) = b(a) + ⌊G(a+1)/ρ⌋
        self._g_factor = math.ceil(Fraction(rho_num, rho_num - rho_den)) + 1

    def row(self, m: int) -> tuple[BinomialRow, list[int], list[int], list[int], int, int]:
        """(pmf row, T suffix sums, B prefix sums, G tails, error of T/B, error of G)."""
        cached = self._rows.get(m)
        if cached is not None:
            return cached
        pmf = binomial_row(m, self.num, self.den, self.bits)
        k = len(pmf.values)
        suffix = [0] * (k + 1)
        weighted = [0] * (k + 1)
        for i in range(k - 1, -1, -1):
            suffix[i] = suffix[i + 1] + pmf.values[i]
            weighted[i] = pmf.values[i] + weighted[i + 1] * self.rho_den // self.rho_num
        prefix = [0] * (k + 1)
        for i in range(k):
            prefix[i + 1] = prefix[i] + pmf.values[i]
        sum_error = k * pmf.error + pmf.tail + 1
        g_error = (pmf.error + 1) * self._g_factor + pmf.tail + 1
        cached = (pmf, suffix, prefix, weighted, sum_error, g_error)
        if len(self._rows) < 20_000:
            self._rows[m] = cached
        return cached

    def above(self, m: int, a: int) -> int:
        """T_m(a) = P[Bin(m, q) ≥ a] in units (within the row's sum error)."""
        pmf, suffix = self.row(m)[:2]
        i = a - pmf.lo
        if i <= 0:
            return suffix[0]
        return suffix[i] if i < len(suffix) else 0

    def below(self, m: int, a: int) -> int:
        """B_m(a) = P[Bin(m, q) < a] in units (within the row's sum error)."""
        pmf, _, prefix = self.row(m)[:3]
        i = a - pmf.lo
        if i <= 0:
            return 0
        return prefix[i] if i < len(prefix) else prefix[-1]

    def weighted_above(self, m: int, a: int) -> int:
        """G_m(a) = Σ_{s ≥ a} b_m(s) ρ^{a − s} in units (within the row's G error)."""
        pmf, _, _, weighted = self.row(m)[:4]
        i = a - pmf.lo
        if i >= len(weighted):
            return 0
        if i >= 0:
            return weighted[i]
        gap = -i  # ρ^{-gap}·G(lo); the terms below lo are inside the tail bound
        if gap * math.log2(self.rho_num / self.rho_den) > self.bits + 8:
            return 0
        return weighted[0] * self.rho_den**gap // self.rho_num**gap

"""Exact type classes of X^n, sorted by probability, in integer arithmetic.

Every type (n_1, …, n_g) of the grouped source (see :mod:`.grouping`) is
enumerated; its per-sequence probability is the integer ``weight = Π a_i^{n_i}``
over D^n and its class has ``size = multinomial · Π m_i^{n_i}`` sequences.  Classes
are sorted by weight, largest first, and classes of *equal* weight are merged
(their sequences are interchangeable for every question asked here).  All sums
are exact integers, so K*, the top-S mass and ε* are exact.

This is the reference engine for small n: the work is (number of types) ×
(integer size n·log2 D bits).  :func:`exact_feasible` says when it is used.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

from focalrd.numeric.blocks.grouping import GroupedSource

__all__ = [
    "EXACT_TYPES_LIMIT",
    "EXACT_WORK_LIMIT",
    "ExactClass",
    "ExactClasses",
    "compositions",
    "exact_feasible",
    "type_count",
]

#: Largest (number of types) × (bits of D^n) handled by the exact engine.
EXACT_WORK_LIMIT = 2 * 10**8
#: Largest number of type classes the exact engine enumerates.
EXACT_TYPES_LIMIT = 300_000


def type_count(groups: int, n: int) -> int:
    """Number of compositions of n into ``groups`` non-negative parts."""
    return math.comb(n + groups - 1, groups - 1)


def exact_feasible(source: GroupedSource, n: int) -> bool:
    """Whether exact enumeration is cheap enough (e.g. binary sources up to n ≈ 5000)."""
    types = type_count(source.groups, n)
    bits = n * max(1, source.denominator.bit_length())
    return types <= EXACT_TYPES_LIMIT and types * bits <= EXACT_WORK_LIMIT


@dataclass(frozen=True)
class ExactClass:
    """A (merged) type class: ``size`` sequences, each of probability ``weight / D^n``.

    ``types`` lists the compositions merged into it (one unless probabilities tie).
    """

    weight: int
    size: int
    types: tuple[tuple[int, ...], ...]


def compositions(n: int, parts: int) -> Iterator[tuple[int, ...]]:
    """All (n_1, …, n_parts) of non-negative integers summing to n."""
    if parts == 1:
        yield (n,)
        return
    for first in range(n, -1, -1):
        for rest in compositions(n - first, parts - 1):
            yield (first, *rest)


class ExactClasses:
    """The type classes of a grouped source at blocklength n, most probable first."""

    def __init__(self, source: GroupedSource, n: int) -> None:
        self.source = source
        self.n = n
        self.total = source.denominator**n  # every probability is an integer over this
        powers = [_powers(a, n) for a in source.numerators]
        mult_powers = [_powers(m, n) for m in source.multiplicities]
        merged: dict[int, list] = {}
        for counts in compositions(n, source.groups):
            weight = 1
            size = _multinomial(n, counts)
            for i, c in enumerate(counts):
                weight *= powers[i][c]
                size *= mult_powers[i][c]
            entry = merged.get(weight)
            if entry is None:
                merged[weight] = [size, [counts]]
            else:
                entry[0] += size
                entry[1].append(counts)
        self.classes: list[ExactClass] = [
            ExactClass(w, merged[w][0], tuple(merged[w][1])) for w in sorted(merged, reverse=True)
        ]

    @property
    def sequences(self) -> int:
        """Number of sequences of positive probability."""
        return self.source.support**self.n

    def least_count(self, eps: Fraction) -> int:
        """K* = min{K : the K most likely sequences have mass ≥ 1 − ε}, for ε ∈ [0, 1)."""
        target = (eps.denominator - eps.numerator) * self.total  # (1 − ε) D^n · den(ε)
        scale = eps.denominator
        mass = 0  # in units of 1 / (D^n · den(ε))
        count = 0
        for cls in self.classes:
            unit = cls.weight * scale
            if mass + cls.size * unit >= target:
                return count + -(-(target - mass) // unit)
            mass += cls.size * unit
            count += cls.size
        raise AssertionError("the classes carry all the mass")  # pragma: no cover

    def top_mass(self, count: int) -> Fraction:
        """Exact probability of the ``count`` most likely sequences."""
        mass = 0
        left = count
        for cls in self.classes:
            if left <= cls.size:
                mass += left * cls.weight
                break
            mass += cls.size * cls.weight
            left -= cls.size
        return Fraction(mass, self.total)

    def prefixes(self) -> Iterator[tuple[int, Fraction]]:
        """(|T|, P(T)) for T = the union of the first j classes, j = 0, 1, …, all."""
        count, mass = 0, 0
        yield 0, Fraction(0)
        for cls in self.classes:
            count += cls.size
            mass += cls.size * cls.weight
            yield count, Fraction(mass, self.total)


def _powers(base: int, n: int) -> list[int]:
    out = [1] * (n + 1)
    for j in range(1, n + 1):
        out[j] = out[j - 1] * base
    return out


def _multinomial(n: int, counts: tuple[int, ...]) -> int:
    value, left = 1, n
    for c in counts[:-1]:
        value *= math.comb(left, c)
        left -= c
    return value

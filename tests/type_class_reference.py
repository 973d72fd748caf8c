"""An exact sort of *all* type classes of X^n, independent of focalrd.

Plain Python integers and Fractions only (this module must not import focalrd; checked by
tests/test_independent_references.py):
it is the reference the block engines are checked against.  A sequence with
n_x copies of symbol x has probability Π P(x)^{n_x}; with a common denominator D
that is the integer Π a_x^{n_x} over D^n, so classes are compared and merged
exactly.  Every composition of n over the *symbols* (not the distinct values) is
listed, so equal probabilities merge only through equal integer weights: a
different route from the library's grouping by value.
"""

from __future__ import annotations

import math
from fractions import Fraction


def _compositions(n: int, parts: int):
    if parts == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, parts - 1):
            yield (first, *rest)


def sorted_classes(source, n: int) -> tuple[list[tuple[int, int]], int]:
    """[(weight, number of sequences)] most likely first (equal weights merged), and D^n."""
    probabilities = [Fraction(p) for p in source if Fraction(p) > 0]
    denominator = math.lcm(*(p.denominator for p in probabilities))
    numerators = [p.numerator * (denominator // p.denominator) for p in probabilities]
    merged: dict[int, int] = {}
    powers = []
    for a in numerators:  # a^0 .. a^n, built once
        row = [1] * (n + 1)
        for j in range(1, n + 1):
            row[j] = row[j - 1] * a
        powers.append(row)
    for counts in _compositions(n, len(numerators)):
        weight = 1
        size, left = 1, n
        for row, c in zip(powers, counts, strict=True):
            weight *= row[c]
            size *= math.comb(left, c)
            left -= c
        merged[weight] = merged.get(weight, 0) + size
    order = sorted(merged, reverse=True)
    return [(w, merged[w]) for w in order], denominator**n


def least_count(source, n: int, eps: Fraction) -> int:
    """K* = the least K whose K most likely sequences have mass >= 1 - eps."""
    return least_count_of(*sorted_classes(source, n), eps)


def least_count_of(classes, total: int, eps: Fraction) -> int:
    """:func:`least_count` from the output of :func:`sorted_classes` (to reuse it)."""
    eps = Fraction(eps)
    target = (eps.denominator - eps.numerator) * total  # (1 - eps) D^n den(eps)
    mass = count = 0
    for weight, size in classes:
        unit = weight * eps.denominator
        if mass + size * unit >= target:
            return count + -(-(target - mass) // unit)
        mass += size * unit
        count += size
    raise AssertionError("the classes carry all the mass")


def uncovered_mass(source, n: int, covered: int) -> Fraction:
    """1 - (mass of the ``covered`` most likely sequences), exactly."""
    return uncovered_mass_of(*sorted_classes(source, n), covered)


def uncovered_mass_of(classes, total: int, covered: int) -> Fraction:
    """:func:`uncovered_mass` from the output of :func:`sorted_classes` (to reuse it)."""
    mass, left = 0, covered
    for weight, size in classes:
        take = min(size, left)
        mass += take * weight
        left -= take
        if left == 0:
            break
    return 1 - Fraction(mass, total)


def floor_exp(x: Fraction, guard_bits: int = 64) -> int:
    """⌊e^x⌋ for a rational x >= 0, from integer interval arithmetic (raises if undecided).

    e^y for y = x/2^h < 1/16 by its Taylor series in fixed point (each term rounded
    down for the lower bound, up for the upper one, the rest of the series bounded
    by twice the last term), then squared h times, rounding each side outward.
    """
    x = Fraction(x)
    bits = 2 * int(x) + guard_bits + 64
    h = int(x).bit_length() + 4
    p, q = x.numerator, x.denominator << h  # y = p/q
    one = 1 << bits
    low = high = one
    t_low = t_high = one
    k = 1
    while t_high > 0:
        t_low = t_low * p // (q * k)
        t_high = -(-(t_high * p) // (q * k))
        low += t_low
        high += t_high
        k += 1
        if t_high <= 1:
            high += 2
            break
    for _ in range(h):
        low = (low * low) >> bits
        high = -((-(high * high)) >> bits)
    floor_low, floor_high = low >> bits, high >> bits
    if floor_low != floor_high:
        raise ArithmeticError("e^x lies too close to an integer at this precision")
    return floor_low

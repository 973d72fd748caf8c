"""The structure every block computation starts from (THEORY.md §6).

A sequence x^n from a memoryless source P has probability Π_x P(x)^{n_x}, which
depends only on how many symbols of each *probability value* it contains.  So
symbols with equal probability are grouped: the source becomes a list of
distinct values v_1 > v_2 > … > v_g with multiplicities m_i (symbols of
probability 0 never occur and are dropped).  A *type* is a composition
(n_1, …, n_g) of n; its class holds

    multinomial(n; n_1..n_g) · Π m_i^{n_i}

sequences, each of probability Π v_i^{n_i}.  With a common denominator D,
v_i = a_i / D, the per-sequence probability is the integer Π a_i^{n_i} over D^n,
which makes comparisons (and hence ties) between classes exact.

This module also turns a rate into a number of codewords, M = ⌊e^{nR}⌋
(⌊2^{nR}⌋ in bits), exactly when M is small enough to hold (decided rigorously by
:func:`focalrd.numeric.oneshot.floors.codewords_for_rate`) and as ln M otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.oneshot.floors import codewords_for_rate
from focalrd.numeric.precision import to_mpf

__all__ = [
    "CodebookSize",
    "EXACT_CODEBOOK_BITS",
    "GroupedSource",
    "check_blocklength",
    "codebook_size",
    "group_source",
]

#: Codebook sizes with more bits than this are carried as ln M only.
EXACT_CODEBOOK_BITS = 1 << 16


@dataclass(frozen=True)
class GroupedSource:
    """A source grouped by distinct probability value, largest first.

    ``values[i]`` is a probability occurring ``multiplicities[i]`` times;
    ``numerators[i] / denominator == values[i]``.
    """

    values: tuple[Fraction, ...]
    multiplicities: tuple[int, ...]
    numerators: tuple[int, ...]
    denominator: int

    @property
    def groups(self) -> int:
        return len(self.values)

    @property
    def support(self) -> int:
        """Number of symbols of positive probability."""
        return sum(self.multiplicities)

    @property
    def group_masses(self) -> tuple[Fraction, ...]:
        """A_i = m_i v_i, the probability that one symbol falls in group i."""
        return tuple(m * v for m, v in zip(self.multiplicities, self.values, strict=True))


def group_source(source: Sequence[Fraction]) -> GroupedSource:
    """Group a distribution by distinct positive probability values.

    >>> from fractions import Fraction as F
    >>> g = group_source((F(1, 4), F(1, 2), F(1, 4)))
    >>> g.values, g.multiplicities, g.numerators, g.denominator
    ((Fraction(1, 2), Fraction(1, 4)), (1, 2), (2, 1), 4)
    """
    counts: dict[Fraction, int] = {}
    for p in source:
        if p < 0:
            raise InvalidInputError("source", "non-negative entries", p)
        if p > 0:
            counts[Fraction(p)] = counts.get(Fraction(p), 0) + 1
    if not counts:
        raise InvalidInputError("source", "a distribution with a positive entry", None)
    values = tuple(sorted(counts, reverse=True))
    denominator = math.lcm(*(v.denominator for v in values))
    numerators = tuple(v.numerator * (denominator // v.denominator) for v in values)
    return GroupedSource(values, tuple(counts[v] for v in values), numerators, denominator)


def check_blocklength(n: object) -> int:
    """Validate a blocklength n ≥ 1 (an int)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInputError("n", "an integer >= 1", n)
    return n


@dataclass(frozen=True, repr=False)
class CodebookSize(ShortDisplay):
    """The number of codewords M: ``exact`` when known as an integer, and ``log`` = ln M."""

    exact: int | None
    log: mpmath.mpf


def codebook_size(n: int, codewords: int | None = None, rate: Fraction | None = None,
                  bits: bool = False) -> CodebookSize:
    """M given directly, or from a rate: ⌊e^{nR}⌋ (``bits``: ⌊2^{nR}⌋), with ln M.

    M is exact whenever it has at most :data:`EXACT_CODEBOOK_BITS` bits; beyond
    that ``exact`` is None and ``log`` is nR (or nR ln 2), which differs from
    ln M by less than 1/M, far below the working precision.

    >>> mp.dps = 15
    >>> codebook_size(10, rate=Fraction(1, 2), bits=True).exact      # 2^5
    32
    >>> codebook_size(3, rate=Fraction(1)).exact                      # floor(e^3)
    20
    """
    if (codewords is None) == (rate is None):
        raise InvalidInputError("codewords", "exactly one of --codewords M and --rate R", None)
    if codewords is not None:
        if isinstance(codewords, bool) or not isinstance(codewords, int) or codewords < 1:
            raise InvalidInputError("codewords", "an integer >= 1", codewords)
        return CodebookSize(codewords, _log_int(codewords))
    assert rate is not None
    if rate < 0:
        raise InvalidInputError("rate", "a finite number >= 0", rate)
    exponent = n * Fraction(rate)  # nR, in bits or nats
    size_bits = exponent if bits else exponent / Fraction(69314718, 100000000)
    if size_bits > EXACT_CODEBOOK_BITS:
        with mp.workprec(mp.prec + 20):
            log_m = to_mpf(exponent) * (mp.ln2 if bits else 1)
        return CodebookSize(None, +log_m)
    # ⌊e^{nR}⌋ decided rigorously (interval arithmetic); its range (floors.MAX_RATE_EXPONENT
    # = 10^6 nats) is far beyond EXACT_CODEBOOK_BITS (≈ 45 426 nats), so it never refuses here
    m = codewords_for_rate(Fraction(rate), n, bits)
    return CodebookSize(m, _log_int(m))


def _log_int(m: int) -> mpmath.mpf:
    """ln m for a positive integer, at the current precision."""
    if m.bit_length() <= mp.prec + 64:
        return mp.log(m)
    shift = m.bit_length() - mp.prec - 64
    with mp.workprec(mp.prec + 20):
        value = mp.log(m >> shift) + shift * mp.ln2
    return +value

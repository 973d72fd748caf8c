"""Average distortion for blocks of n symbols ([n.avg-sandwich]).

Weights are absorbed into the re-weighted source R_X (THEORY.md §5), which is
i.i.d. over the block, so everything here is about the unweighted problem for R.

* Converse: D*_γ(n, M) ≥ max(0, H(R) − (ln M)/n − c_γ/n).
* Achievability (typical set): for a threshold t let T = {x^n : ı(x^n) ≤ t}; deal
  T round-robin to M − 1 cells and put the rest in one cell; with uniform
  decoders n·D*_γ ≤ R(T)·φ_γ(1/⌈|T|/(M−1)⌉) + R(T^c)·φ_γ(1/|T^c|).  The sets T are
  the unions of the most likely type classes, so minimising over t means
  minimising over those unions (the exact engine lists them).
* Exact value by search (small k^n): the least Σ_cells F_γ(R^n on the cell) over
  partitions of the sequences into at most M cells, F_γ the focal entropy
  (:func:`focal_entropy`, re-exported from :mod:`focalrd.numeric.oneshot.focal_entropy`):
  the one-shot search of :mod:`focalrd.numeric.oneshot.average` on R^n.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.classes import exact_feasible
from focalrd.numeric.blocks.excess import _exact_classes
from focalrd.numeric.blocks.grouping import CodebookSize, group_source
from focalrd.numeric.c_gamma import c_gamma
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.oneshot.average import average_distortion_limit, exact_search_feasible
from focalrd.numeric.oneshot.focal_entropy import focal_entropy
from focalrd.numeric.phi import phi
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import entropy

__all__ = ["SEARCH_LIMIT", "average_achievability", "average_converse", "average_exact",
           "focal_entropy"]

#: Largest number of sequences (k^n) for which the exact value is found by search
#: (16: binary n ≤ 4, four symbols n ≤ 2; each well under a second).
SEARCH_LIMIT = 16


def average_converse(reweighted: Sequence[Fraction], gamma: Fraction, n: int,
                     m: CodebookSize) -> mpmath.mpf:
    """max(0, H(R) − (ln M)/n − c_γ/n), per symbol in nats."""
    with mp.workprec(mp.prec + 20):
        value = entropy(reweighted) - m.log / n - c_gamma(gamma) / n
    return +max(mp.zero, value)


def average_achievability(reweighted: Sequence[Fraction], gamma: Fraction, n: int,
                          m: CodebookSize) -> mpmath.mpf | None:
    """The typical-set round-robin bound minimised over thresholds (None past reach).

    Exact enumeration where feasible; past it, a window of type classes around the
    best threshold: for two distinct probabilities the classes are one row and the
    window comes from a float screen of every boundary that carries mass
    (:mod:`.binary_average`); for three to eight the rest is excluded by interval
    bounds (:mod:`.manygroups_average`).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> from focalrd.numeric.blocks.grouping import codebook_size
    >>> # one class of four equally likely sequences: T = all, two cells of two: ln(2)/2
    >>> average_achievability((F(1, 2), F(1, 2)), 0, 2, codebook_size(2, 3))
    mpf('0.34657359027997264')
    """
    grouped = group_source(reweighted)
    if not exact_feasible(grouped, n):
        if grouped.groups == 2:
            from focalrd.numeric.blocks.binary_average import binary_average_achievability

            return binary_average_achievability(grouped, Fraction(gamma), n, m)
        if not 3 <= grouped.groups <= 8:
            return None
        from focalrd.numeric.blocks.manygroups_average import (
            OutOfReach,
            many_average_achievability,
        )

        try:
            return many_average_achievability(grouped, Fraction(gamma), n, m)
        except (InvalidInputError, OutOfReach):
            return None  # past the window method's reach (stated in the README)
    if m.exact is None:
        return None
    classes = _exact_classes(grouped, n)
    total = classes.sequences
    cells = m.exact - 1
    best = None
    with mp.workprec(mp.prec + 20):
        for size, mass in classes.prefixes():
            if size and not cells:
                break  # M = 1: every sequence shares the single cell
            value = mp.zero
            if size:
                value += to_mpf(mass) * phi(gamma, Fraction(1, -(-size // cells)))
            if size < total:
                value += to_mpf(1 - mass) * phi(gamma, Fraction(1, total - size))
            if best is None or value < best:
                best = value
    return +(best / n)


def average_exact(reweighted: Sequence[Fraction], gamma: Fraction, n: int,
                  m: CodebookSize) -> mpmath.mpf | None:
    """D*_γ(n, M) per symbol, exactly; None when k^n exceeds :data:`SEARCH_LIMIT`
    (or R^n has too many distinct probabilities for the one-shot search).

    D*_γ(n, M) = D*_γ(M) of the one-shot problem for the product source R^n,
    divided by n; the one-shot search (:mod:`focalrd.numeric.oneshot.average`)
    already treats equally likely sequences (one type class) as interchangeable.

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> from focalrd.numeric.blocks.grouping import codebook_size
    >>> # four equally likely sequences in two cells of two: ln(2)/2 per symbol
    >>> average_exact((F(1, 2), F(1, 2)), 0, 2, codebook_size(2, 2))
    mpf('0.34657359027997264')
    """
    support = [p for p in reweighted if p > 0]
    # compare n with log2 of the limit first: k^n itself can be astronomically large
    if len(support) > 1 and (n >= SEARCH_LIMIT.bit_length() + 1
                             or len(support) ** n > SEARCH_LIMIT):
        return None
    if m.exact is None:
        raise InvalidInputError("codewords", "a codebook size known exactly", None)
    product_source = tuple(_product(seq) for seq in itertools.product(support, repeat=n))
    if not exact_search_feasible(product_source):
        return None
    with mp.workprec(mp.prec + 20):
        value = average_distortion_limit(product_source, gamma, m.exact).value / n
    return +value


def _product(values: Sequence[Fraction]) -> Fraction:
    out = Fraction(1)
    for v in values:
        out *= v
    return out

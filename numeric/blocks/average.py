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
  partitions of the sequences into at most M cells, F_γ the focal entropy.
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
from focalrd.numeric.phi import phi, phi_prime, phi_second
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import entropy

#: Largest number of sequences (k^n) for which the exact value is found by search.
SEARCH_LIMIT = 8


def average_converse(reweighted: Sequence[Fraction], gamma: Fraction, n: int,
                     m: CodebookSize) -> mpmath.mpf:
    """max(0, H(R) − (ln M)/n − c_γ/n), per symbol in nats."""
    with mp.workprec(mp.prec + 20):
        value = entropy(reweighted) - m.log / n - c_gamma(gamma) / n
    return +max(mp.zero, value)


def average_achievability(reweighted: Sequence[Fraction], gamma: Fraction, n: int,
                          m: CodebookSize) -> mpmath.mpf | None:
    """The typical-set round-robin bound minimised over thresholds (None if n is too large).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> from focalrd.numeric.blocks.grouping import codebook_size
    >>> # one class of four equally likely sequences: T = all, two cells of two: ln(2)/2
    >>> average_achievability((F(1, 2), F(1, 2)), 0, 2, codebook_size(2, 3))
    mpf('0.34657359027997264')
    """
    grouped = group_source(reweighted)
    if not exact_feasible(grouped, n) or m.exact is None:
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


def focal_entropy(masses: Sequence[Fraction], gamma: Fraction) -> mpmath.mpf:
    """F_γ(a) = min_q Σ a_x φ_γ(q_x) over distributions q on the support of a.

    The minimiser satisfies a_x |φ_γ'(q_x)| = λ; each q_x(λ) and then λ are
    found by safeguarded Newton iterations (|φ_γ'| is decreasing, φ_γ convex).
    At γ = 0, F_0(a) = Σ a_x ln(Σa / a_x).
    """
    a = [x for x in masses if x > 0]
    if len(a) <= 1:
        return mp.zero
    with mp.workprec(mp.prec + 30):
        if gamma == 0:
            total = sum(a, Fraction(0))
            value = mp.fsum(to_mpf(x) * mp.log(to_mpf(total / x)) for x in a)
            return +value
        weights = [to_mpf(x) for x in a]
        low, high = mp.mpf(0), None  # λ bracket: Σ q(λ) decreases in λ
        lam = mp.fsum(weights) * 2
        for _ in range(400):
            qs = [_q_for_slope(lam / w, gamma) for w in weights]
            excess = mp.fsum(qs) - 1
            if abs(excess) <= mp.ldexp(1, -(mp.prec - 8)):
                break
            if excess > 0:
                low = lam
            else:
                high = lam
            slope = -mp.fsum(1 / (w * phi_second(gamma, q)) for w, q in zip(weights, qs,
                                                                                strict=True))
            step = lam - excess / slope
            if high is None:
                lam = step if step > low else low * 2
            else:
                lam = step if low < step < high else (low + high) / 2
        value = mp.fsum(w * phi(gamma, q) for w, q in zip(weights, qs, strict=True))
    return +value


def _q_for_slope(c: mpmath.mpf, gamma: Fraction) -> mpmath.mpf:
    """The q ∈ (0, 1) with |φ_γ'(q)| = c (|φ_γ'| decreases from ∞ to 0 for γ > 0)."""
    low, high = mp.zero, mp.one
    q = mp.mpf(0.5)
    for _ in range(2000):
        value = -phi_prime(gamma, q) - c
        if abs(value) <= mp.ldexp(c, -(mp.prec - 8)):
            return q
        if value > 0:
            low = q
        else:
            high = q
        step = q - value / -phi_second(gamma, q)
        q = step if low < step < high else (low + high) / 2
        if high - low <= mp.ldexp(high, -(mp.prec - 4)):
            return (low + high) / 2
    return q  # pragma: no cover


def average_exact(reweighted: Sequence[Fraction], gamma: Fraction, n: int,
                  m: CodebookSize) -> mpmath.mpf | None:
    """D*_γ(n, M) by search over all partitions of X^n into ≤ M cells (None if k^n > 8)."""
    support = [p for p in reweighted if p > 0]
    sequences = len(support) ** n
    if sequences > SEARCH_LIMIT:
        return None
    if m.exact is None:
        raise InvalidInputError("codewords", "a codebook size known exactly", None)
    probs = [_product(seq) for seq in itertools.product(support, repeat=n)]
    if m.exact >= sequences:
        return mp.zero
    cache: dict[int, mpmath.mpf] = {}

    def cell_value(mask: int) -> mpmath.mpf:
        if mask not in cache:
            cache[mask] = focal_entropy([probs[i] for i in range(sequences) if mask >> i & 1],
                                        gamma)
        return cache[mask]

    best = None
    with mp.workprec(mp.prec + 20):
        for labels in _restricted_growth(sequences, m.exact):
            masks = [0] * (max(labels) + 1)
            for i, label in enumerate(labels):
                masks[label] |= 1 << i
            value = mp.fsum(cell_value(mask) for mask in masks)
            if best is None or value < best:
                best = value
    return +(best / n)


def _product(values: Sequence[Fraction]) -> Fraction:
    out = Fraction(1)
    for v in values:
        out *= v
    return out


def _restricted_growth(size: int, blocks: int):
    """Every partition of range(size) into at most ``blocks`` blocks, as block labels."""
    labels = [0] * size

    def extend(i: int, used: int):
        if i == size:
            yield list(labels)
            return
        for label in range(min(used + 1, blocks)):
            labels[i] = label
            yield from extend(i + 1, max(used, label + 1))

    yield from extend(0, 0)

"""The typical-set achievability of [n.avg-sandwich] for a binary source past enumeration.

Setting (:mod:`.lattice`, one row).  The type classes of a source with two distinct
probabilities are s = 0 … n, the number of symbols of the larger value; the
per-sequence probability increases with s, so the unions of the most likely classes
are T_a = {s ≥ a}, a = n + 1 (empty) … 0 (everything).  With C = M − 1 cells and S
sequences the round-robin bound is

    f(a) = P(T_a)·φ_γ(1/⌈|T_a|/C⌉) + (1 − P(T_a))·φ_γ(1/(S − |T_a|)),

and the achievability is min_a f(a)/n (the method of :mod:`.manygroups_average`,
specialised to one row, where a threshold is an integer class index).

Method.

1. Float64 screen over the classes that carry the mass: S ~ Bin(n, q) (q the
   probability of the larger value's group), the classes with mass at least
   e^(−depth) times the largest form a window (:meth:`Lattice.binary_log_tails`),
   whose tails give P(T_a); ln |T_a| is a log-sum of the class sizes from a up,
   each from log-gamma, summed until the terms are negligible.  f is evaluated at
   every boundary of the window.
2. The boundaries whose float f lies within a relative 10^-8 of the least
   (:data:`~.manygroups_average.SCREEN_MARGIN`), and their neighbours, are evaluated
   at full precision: one fixed-point mass scan (the mass above the range and every
   class in it, with a rigorous error bound), one count scan (|T| above the range),
   the class sizes from exact log-binomials, and f with its error bound
   (:class:`~.manygroups_average.RoundRobin`).  The least value is returned when its
   error is below the working precision.

What is a float decision, not an enclosure: that no boundary outside that set does
better (margin 10^-8, far above the float error; the classes outside the window
carry less than (n + 1)·e^(−depth) of the mass, and the bound asks that even all of
it could not change f by that margin).  Every boundary gives a valid code, so a
wrong exclusion could only make the returned achievability larger, never invalid.
When the least float value sits at an edge of the window (the best T would hold
classes the screen does not see, e.g. at rates above the entropy, where the whole
typical set fits in the codebook), the result is None.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.grouping import CodebookSize, GroupedSource
from focalrd.numeric.blocks.lattice import Lattice, _Ambiguous
from focalrd.numeric.blocks.manygroups_average import (
    SCREEN_MARGIN,
    RoundRobin,
    _float_phi_inverse,
)
from focalrd.numeric.errors import PrecisionError

__all__ = ["binary_average_achievability"]

#: The screen sees the classes whose mass is at least e^-(DEPTH + 2 ln(n + 1)) times
#: the largest.
DEPTH = 80.0
#: Count terms below e^-COUNT_CUT times the largest so far end the float log-sum.
COUNT_CUT = 60.0


def binary_average_achievability(grouped: GroupedSource, gamma: Fraction, n: int,
                                 m: CodebookSize) -> mpmath.mpf | None:
    """min over a of f(a)/n (module docstring), per symbol in nats; None past reach.

    >>> from fractions import Fraction as F
    >>> from focalrd.numeric.blocks.grouping import codebook_size, group_source
    >>> mp.dps = 15
    >>> binary_average_achievability(group_source((F(89, 100), F(11, 100))), F(2), 10000,
    ...                              codebook_size(10000, rate=F(3, 10)))
    mpf('0.065640259719411063')
    """
    if grouped.groups != 2:
        raise ValueError("binary_average_achievability needs two distinct probabilities")
    lattice = Lattice(grouped, n)
    with mp.workprec(mp.prec + 20):
        log_c = m.log + mp.log1p(-mp.exp(-m.log))  # ln(M − 1)
    if m.exact == 1:   # one cell holds every sequence: f = φ_γ(1/S)
        with mp.workprec(mp.prec + 20):
            total = mp.mpf(grouped.support) ** n
            return +(RoundRobin(gamma, total, m, log_c).phi_inverse(total) / n)
    window = _screen(lattice, float(gamma), float(log_c), n, grouped.support)
    if window is None:
        return None
    low, high = window
    wp = mp.prec
    bits = wp + 64
    for _ in range(6):
        with mp.workprec(bits + 3 * n.bit_length() + 64):
            value, error = _window_minimum(lattice, gamma, n, m, log_c, low, high, bits)
            if value is None:
                return None
            if error <= mp.ldexp(abs(value), -(wp + 12)):
                return value / n
        bits += 64
    raise PrecisionError("could not confirm the typical-set achievability")


def _screen(lattice: Lattice, gamma: float, log_c: float, n: int,
            support: int) -> tuple[int, int] | None:
    """The class indices [low, high] whose f is within the screen's margin of the least
    (with a neighbour on each side), or None when the least is at an edge."""
    depth = DEPTH + 2 * math.log(n + 1)
    s_lo, up, down, logs = lattice.binary_log_tails(depth)
    size = len(up)   # boundaries a = s_lo … s_lo + size − 1
    log_sizes = _log_count_tails(lattice, s_lo, s_lo + size - 1)
    log_s = n * math.log(support)
    values = []
    for i in range(size):
        p = math.exp(up[i]) if logs else up[i]
        rest = math.exp(down[i]) if logs else down[i]
        log_count = log_sizes[i]
        first = 0.0
        if p > 0 and log_count > log_c:
            first = p * _float_phi_inverse(gamma, log_count - log_c)
        second = 0.0
        if rest > 0:
            gap = math.exp(log_count - log_s) if math.isfinite(log_count) else 0.0
            if gap < 1:
                second = rest * _float_phi_inverse(gamma, log_s + math.log1p(-gap))
        values.append(first + second)
    best = min(range(size), key=values.__getitem__)
    if best in (0, size - 1):
        return None
    # the classes outside the window carry < (n + 1)e^-depth of the mass: moving all of it
    # changes f by at most that times the largest φ (≤ ln S); it must not reach the margin
    if (n + 1) * math.exp(-depth) * max(log_s, 1.0) > values[best] * SCREEN_MARGIN / 16:
        return None
    target = values[best] * (1 + SCREEN_MARGIN)
    low = high = best
    while low > 0 and values[low - 1] <= target:
        low -= 1
    while high < size - 1 and values[high + 1] <= target:
        high += 1
    return s_lo + max(low - 1, 0), s_lo + min(high + 1, size - 1)


def _log_count_tails(lattice: Lattice, first: int, last: int) -> list[float]:
    """ln |T_a| = ln Σ_{s ≥ a} size(s) in float64 for a = first … last.

    size(s) = C(n, s) m_H^s m_L^(n−s); the terms above ``last`` are added until they
    fall below e^-COUNT_CUT times the largest seen, after the sizes' mode (they
    decrease from there on).
    """
    n = lattice.n
    log_h, log_l = math.log(lattice.m_h), math.log(lattice.m_l)
    mode = (n + 1) * lattice.m_h // (lattice.m_h + lattice.m_l)

    def log_size(s: int) -> float:
        return (math.lgamma(n + 1) - math.lgamma(s + 1) - math.lgamma(n - s + 1)
                + s * log_h + (n - s) * log_l)

    terms = [log_size(s) for s in range(first, min(last, n) + 1)]
    top = max(terms)
    s = last + 1
    tail = -math.inf
    extra = []
    while s <= n:
        t = log_size(s)
        top = max(top, t)
        if s > mode and t < top - COUNT_CUT:
            break
        extra.append(t)
        s += 1
    for t in reversed(extra):
        tail = _log_add(tail, t)
    out = [-math.inf] * (last - n)   # a = n + 1: T is empty
    for t in reversed(terms):
        tail = _log_add(tail, t)
        out.append(tail)
    return out[::-1]


def _log_add(x: float, y: float) -> float:
    if x < y:
        x, y = y, x
    return x + math.log1p(math.exp(y - x)) if y > -math.inf else x


def _window_minimum(lattice: Lattice, gamma: Fraction, n: int, m: CodebookSize, log_c,
                    low: int, high: int, bits: int):
    """(min of f over the boundaries a = low … high, its error bound), or (None, None)
    when ⌈|T|/(M − 1)⌉ cannot be decided there."""
    hi, lo = mp.mpf(lattice.class_threshold(high)), mp.mpf(lattice.class_threshold(low))
    try:
        if lattice.first_above(0, hi) != high or lattice.first_above(0, lo) != low:
            raise PrecisionError("a class threshold fell on the wrong class")  # pragma: no cover
        scan = lattice.mass_scan(hi, lo, bits)
        counts = lattice.count_scan(hi, bits)
    except _Ambiguous:  # pragma: no cover - thresholds lie halfway between classes
        raise PrecisionError("could not place a threshold between type classes") from None
    band = {s: units for (_, s), units in scan.band}
    # each band mass is truncated to whole units on its own: one more unit per class
    mass_error = (2 * scan.error + 2 + len(band)) * mp.ldexp(1, -bits)
    reference = mp.exp(counts.log_ref)
    count = mp.ldexp(counts.units, -bits) * reference
    # the scan's error, and the rounding of e^log_ref (its logarithm is exact to about
    # 2^-prec relative to ln|T| ≤ n ln 2, hence the factor n)
    count_slack = (mp.ldexp(counts.error, -bits) * reference
                   + count * n * mp.ldexp(1, 8 - mp.prec))
    bound = RoundRobin(gamma, mp.mpf(lattice.source.support) ** n, m, log_c)
    mass_units = scan.above
    best = best_error = None
    a = high
    while True:
        at = bound.at(mp.ldexp(mass_units, -bits), mass_error, count, count_slack)
        if at is None:
            return None, None
        value, error = at
        if best is None or value < best:
            best, best_error = value, error
        if a == low:
            return best, best_error
        a -= 1   # add class s = a: its mass from the scan, its size from its logarithm
        mass_units += band.get(a, 0)
        size = mp.exp(lattice.log_size((0, a)))
        count += size
        count_slack += size * n * mp.ldexp(1, 8 - mp.prec)

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

3. When the best set fits in the codebook (|T| ≤ M − 1, typically above the entropy
   rate) the least value is decided exactly instead (:func:`_all_that_fits`): it is
   f(a0) at the largest such set, P(S < a0)·φ_γ(1/(S − |T_a0|)), with P(S < a0) and
   |T_a0| summed from their largest terms with geometric tail bounds, however small
   (e.g. 10^-300) P(S < a0) is.

When the least float value sits at an edge of the window otherwise, or a ceiling
⌈|T|/(M − 1)⌉ cannot be decided, the result is None.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.grouping import CodebookSize, GroupedSource
from focalrd.numeric.blocks.lattice import Lattice, _Ambiguous, _log_add
from focalrd.numeric.blocks.manygroups_average import (
    SCREEN_MARGIN,
    RoundRobin,
    float_round_robin,
    phi_inverse,
)
from focalrd.numeric.errors import PrecisionError

__all__ = ["binary_average_achievability"]

#: The screen sees the classes whose mass is at least e^-(DEPTH + 2 ln(n + 1)) times
#: the largest.
DEPTH = 80.0
#: Count terms below e^-COUNT_CUT times the largest so far end the float log-sum.
COUNT_CUT = 60.0
#: Most classes in T for which |T| is summed in exact integers (when ⌈|T|/(M − 1)⌉ is
#: undecided from its bound).
EXACT_COUNT_CLASSES = 200_000


def binary_average_achievability(grouped: GroupedSource, gamma: Fraction, n: int,
                                 m: CodebookSize) -> mpmath.mpf | None:
    """min over a of f(a)/n (module docstring), per symbol in nats; None past reach.

    >>> from fractions import Fraction as F
    >>> from focalrd.numeric.blocks.grouping import codebook_size, group_source
    >>> mp.dps = 15
    >>> binary_average_achievability(group_source((F(89, 100), F(11, 100))), F(2), 10000,
    ...                              codebook_size(10000, rate=F(3, 10)))
    mpf('0.065640259719411065')
    """
    if grouped.groups != 2:
        raise ValueError("binary_average_achievability needs two distinct probabilities")
    if _everything_fits(grouped.support, n, m):   # T = X^n, each cell at most one sequence
        return mp.zero
    if m.exact == 1:   # one cell holds every sequence: f = φ_γ(1/S)
        with mp.workprec(mp.prec + 20):
            total = mp.mpf(grouped.support) ** n
            value = phi_inverse(mp.mpf(gamma.numerator) / gamma.denominator, total) / n
        return +value
    lattice = Lattice(grouped, n)
    with mp.workprec(mp.prec + 20):
        log_c = m.log + mp.log1p(-mp.exp(-m.log))  # ln(M − 1)
    fits, window = _screen(lattice, float(gamma), float(log_c), n, grouped.support)
    if fits:
        value = _all_that_fits(lattice, gamma, n, m, log_c)
        if value is not None:
            return +value
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
                value = value / n
                break
        bits += 64
    else:
        raise PrecisionError("could not confirm the typical-set achievability")
    return +value


def _everything_fits(support: int, n: int, m: CodebookSize) -> bool:
    """Whether M − 1 ≥ S = support^n (then f = 0 at T = X^n)."""
    if m.exact is None:   # M > 2^65536: compare ln M with n ln(support), far apart or not
        return bool(m.log > n * mp.log(support) + 1)
    if (m.exact - 1).bit_length() < n * math.log2(support) - 1:
        return False
    return m.exact - 1 >= support**n


def _screen(lattice: Lattice, gamma: float, log_c: float, n: int,
            support: int) -> tuple[bool, tuple[int, int] | None]:
    """Whether the best set fits in the codebook (|T| < M − 1, :func:`_all_that_fits`),
    and the class indices [low, high] whose f is within the screen's margin of the least
    (with a neighbour on each side), None when the least is at an edge."""
    depth = DEPTH + 2 * math.log(n + 1)
    s_lo, up, down, logs = lattice.binary_log_tails(depth)
    size = len(up)   # boundaries a = s_lo … s_lo + size − 1
    log_sizes = _log_count_tails(lattice, s_lo, s_lo + size - 1)
    log_s = n * math.log(support)
    values = []
    for i in range(size):
        p = math.exp(up[i]) if logs else up[i]
        rest = math.exp(down[i]) if logs else down[i]
        values.append(float_round_robin(gamma, log_c, log_s, p, log_sizes[i], rest,
                                        log_sizes[i]))
    best = min(range(size), key=values.__getitem__)
    fits = log_sizes[best] < log_c   # then the least is decided exactly
    if best in (0, size - 1):
        return fits, None
    # the classes outside the window carry < (n + 1)e^-depth of the mass: moving all of it
    # changes f by at most that times the largest φ (≤ ln S); it must not reach the margin
    if (n + 1) * math.exp(-depth) * max(log_s, 1.0) > values[best] * SCREEN_MARGIN / 16:
        return fits, None
    target = values[best] * (1 + SCREEN_MARGIN)
    low = high = best
    while low > 0 and values[low - 1] <= target:
        low -= 1
    while high < size - 1 and values[high + 1] <= target:
        high += 1
    return fits, (s_lo + max(low - 1, 0), s_lo + min(high + 1, size - 1))


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


def _all_that_fits(lattice: Lattice, gamma: Fraction, n: int, m: CodebookSize,
                   log_c) -> mpmath.mpf | None:
    """min_a f(a)/n when the best set is T_a0, a0 = min{a : |T_a| ≤ C}, decided rigorously.

    For a ≥ a0 the first term is 0 (⌈|T|/C⌉ = 1) and f(a) = P(S < a)·φ_γ(1/(S − |T_a|)),
    which only grows with a; for a < a0, ⌈|T_a|/C⌉ ≥ 2, so f(a) ≥ P(T_a)·φ_γ(1/2) ≥
    (1 − P(S < a0))·2^−γ ln 2.  So f(a0) is the least value once it lies below that
    bound.  |T_a0|, |T_a0−1| and P(S < a0) are summed term by term from their largest
    term, with a geometric bound on the rest (no fixed-point scan: P(S < a0) may be
    far below any precision the scans work at).  None when a0 is not above the mode
    of the class sizes, or a comparison with C is undecided.
    """
    n_h, n_l = lattice.m_h, lattice.m_l
    mode = (n + 1) * n_h // (n_h + n_l)
    wp = mp.prec
    a0 = _least_fitting(lattice, float(log_c), mode)
    if a0 is None:
        return None
    with mp.workprec(wp + 64 + 3 * n.bit_length()):
        count, count_error = _upper_sizes(lattice, a0)
        before = count + mp.exp(lattice.log_size((0, a0 - 1)))
        # |T_a0| ≤ C < |T_a0−1|, each with its relative error; C exactly, or (M beyond
        # 2^65536) from ln(M − 1), which is correct to the caller's precision
        if m.exact is not None:
            cells = m.exact - 1
            if not count * (1 + count_error) <= cells < before * (1 - count_error):
                return None
        else:
            slack = mp.ldexp(abs(log_c) + 1, 8 - wp) + 2 * count_error
            if not mp.log(count) + slack <= log_c < mp.log(before) - slack:
                return None
        rest, rest_error = _lower_mass(lattice, a0)
        total = mp.mpf(lattice.source.support) ** n
        g = mp.mpf(gamma.numerator) / gamma.denominator
        value = rest * phi_inverse(g, total - count)
        # f errs by rest·|Δφ| + φ·|Δrest|: ln(S − |T|) moves by at most |T|·δ/(S − |T|)
        error = (value * rest_error + rest * (1 + g) * count * count_error / (total - count))
        if not value + error < (1 - rest * (1 + rest_error)) * mp.ln2 / 2**g:
            return None
        if error > mp.ldexp(value, -(wp + 12)):
            return None   # pragma: no cover - the working precision covers both sums
        return value / n


def _least_fitting(lattice: Lattice, log_cells: float, mode: int) -> int | None:
    """The least a above the sizes' mode with ln |T_a| < ln C in float64 (None if none)."""
    n = lattice.n

    def fits(a: int) -> bool:
        return _log_count_tails(lattice, a, a)[0] < log_cells

    low, high = mode + 1, n + 1
    if low > n or fits(low):
        return None   # |T| ≤ C past the mode: not this regime
    while high - low > 1:   # fits(high) holds (T empty), fits(low) does not
        middle = (low + high) // 2
        low, high = (low, middle) if fits(middle) else (middle, high)
    return high


def _upper_sizes(lattice: Lattice, a: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """|T_a| = Σ_{s ≥ a} C(n, s) m_H^s m_L^(n−s) for a above the sizes' mode, and a bound
    on its relative error (:func:`_geometric_sum`; the neighbour ratio is
    r_s = (n − s)/(s + 1)·m_H/m_L, decreasing in s)."""
    n, n_h, n_l = lattice.n, lattice.m_h, lattice.m_l
    magnitude = (n + 1) * (math.log(n + 1) + math.log(1 + n_h + n_l)) + 1
    return _geometric_sum(lattice.log_size((0, a)), magnitude, a, n,
                          lambda s: mp.mpf((n - s) * n_h) / ((s + 1) * n_l), +1)


def _lower_mass(lattice: Lattice, a: int) -> tuple[mpmath.mpf, mpmath.mpf]:
    """P(S < a) = Σ_{s < a} C(n, s) q^s (1 − q)^(n−s) for a below the mode of the masses,
    and a bound on its relative error (:func:`_geometric_sum`, going down; the ratio
    s/(n − s + 1)·(1 − q)/q decreases as s does)."""
    n, q = lattice.n, lattice.q
    s = a - 1
    log_q = mp.log(mp.mpf(q.numerator) / q.denominator)
    log_not_q = mp.log(mp.mpf(q.denominator - q.numerator) / q.denominator)
    log_term = (mp.loggamma(n + 1) - mp.loggamma(s + 1) - mp.loggamma(n - s + 1)
                + s * log_q + (n - s) * log_not_q)
    magnitude = (n + 1) * (math.log(n + 1) + abs(float(log_q)) + abs(float(log_not_q))) + 1
    ratio = (q.denominator - q.numerator) / mp.mpf(q.numerator)
    return _geometric_sum(log_term, magnitude, s, 0, lambda s: s * ratio / (n - s + 1), -1)


def _geometric_sum(log_first, magnitude: float, s: int, end: int, ratio, step: int,
                   limit: int = 10**6) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Σ t_s, t_{s+step}, … (up to ``end``) with t_s = e^log_first and t_{s+step} =
    t_s·ratio(s), the ratio decreasing along the walk: (sum, bound on its relative error).

    Stops once a term is below 2^-(prec − 16) of the sum with ratio r < 1; the terms
    left weigh less than that term·r/(1 − r).  The first term's logarithm is a sum of
    parts of size below ``magnitude``, each correct to a few units of 2^-prec; every
    step adds two roundings and the running sum one.
    """
    unit = mp.ldexp(1, -mp.prec)
    term = total = mp.exp(log_first)
    rounding = 8 * magnitude * unit
    steps = 0
    while s != end:
        r = ratio(s)
        term *= r
        s += step
        steps += 1
        total += term
        if r < 1 and term < mp.ldexp(total, 16 - mp.prec):
            tail = term * r / (1 - r)
            return total + tail, rounding + 4 * steps * unit + tail / total
        if steps > limit:
            raise PrecisionError("the geometric sum did not converge")  # pragma: no cover
    return total, rounding + 4 * steps * unit


def _exact_count(lattice: Lattice, a: int) -> int:
    """|T_a| = Σ_{s ≥ a} C(n, s) m_H^s m_L^(n−s) in exact integers (from s = n down, each
    term from the last by the exact ratio s·m_L/((n − s + 1)·m_H))."""
    n, n_h, n_l = lattice.n, lattice.m_h, lattice.m_l
    term = total = n_h**n
    for s in range(n, a, -1):
        term = term * s * n_l // ((n - s + 1) * n_h)
        total += term
    return total


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
    mass_error = (2 * scan.error + 2) * mp.ldexp(1, -bits)
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
        p = mp.ldexp(mass_units, -bits)
        try:
            at = bound.at(p, mass_error, count, count_slack)
            if at is None and m.exact is not None and n - a < EXACT_COUNT_CLASSES:
                # |T| on (or within rounding of) a multiple of M − 1: count it exactly
                at = bound.at(p, mass_error, count, count_slack, _exact_count(lattice, a))
        except PrecisionError:   # S − |T| too small to take from |T|'s bound
            return None, None
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

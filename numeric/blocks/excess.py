"""Exact excess-distortion limits for blocks of n symbols (THEORY.md §6).

* ``[n.dstar-closed-form]``  K* = min{K : the K most likely sequences carry mass
  ≥ 1 − ε}, L* = ⌈K*/M⌉ and D*_γ(n, M, ε) = φ_γ(1/L*)/n (L* does not involve γ).
* ``[n.excess-exact]``  ε*_γ(n, M, D) = 1 − (mass of the M·⌊1/τ_γ(nD)⌋ most likely
  sequences).

Method.  Sequences of one type class are equally likely, so everything is a
walk over classes sorted by probability: whole classes, then part of one.

* A source whose positive probabilities are all equal: closed form.
* Small n (:func:`~.classes.exact_feasible`, e.g. binary sources to n ≈ 5000):
  every class in exact integer arithmetic; K*, L* and ε* are exact.
* Larger n, two or three distinct probabilities: :class:`~.lattice.Lattice`.
  A float64 pre-screen brackets the crossing class between two thresholds; a
  fixed-point scan at the working precision sums the classes above the upper
  threshold (with a rigorous bound on the neglected ones) and lists those in
  between, which are sorted with exact comparisons (equal probabilities merge);
  the bracket is verified, and widened if the verification fails.  K* and L*
  are then carried as ln K*, ln L* (exact integers when they are small), and
  φ_γ(1/L*) = (1 − 1/L*)^γ ln L* keeps every digit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cmp_to_key, lru_cache

import mpmath
from mpmath import mp

from focalrd.numeric import inputs
from focalrd.numeric.blocks.classes import ExactClasses, exact_feasible
from focalrd.numeric.blocks.grouping import (
    CodebookSize,
    GroupedSource,
    _log_int,
    codebook_size,
    group_source,
)
from focalrd.numeric.blocks.lattice import Lattice, _Ambiguous
from focalrd.numeric.blocks.manygroups import REACH
from focalrd.numeric.blocks.manygroups_limits import many_least_count, many_uncovered_mass
from focalrd.numeric.blocks.prescreen import bisect, log_fraction, mass_bracket
from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.exact import distortion_level, focusing_parameter
from focalrd.numeric.inputs import Real
from focalrd.numeric.oneshot.floors import list_size as exact_list_size
from focalrd.numeric.oneshot.floors import list_size_at_most
from focalrd.numeric.phi import phi
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.tau import log_inverse_tau
from focalrd.numeric.units import bits_to_nats, nats_to_bits

__all__ = [
    "Count",
    "DistortionLimit",
    "distortion_limit",
    "excess_distortion_exact",
    "excess_distortion_limit",
    "least_count",
    "list_size",
    "list_size_from_count",
    "phi_of_inverse",
]


@dataclass(frozen=True, repr=False)
class Count(ShortDisplay):
    """A (possibly astronomically large) number of sequences: exact, or only its log.

    ``enumerated`` says the exact value came from exact enumeration, so that it
    is exact at every working precision (reports show such values in full).
    """

    exact: int | None
    log: mpmath.mpf
    enumerated: bool = False

    def reportable(self) -> int | None:
        """The exact value when it is known at every precision (enumerated, or < 2^64)."""
        if self.exact is not None and (self.enumerated or self.exact < 1 << 64):
            return self.exact
        return None


@dataclass(frozen=True, repr=False)
class DistortionLimit(ShortDisplay):
    """D*_γ(n, M, ε) per symbol (nats) with the K* and L* it comes from.

    ``K`` and ``L`` are exact integers when known exactly at every working
    precision (by enumeration, or when below 2^64), else None; ``log_K`` and
    ``log_L`` are their natural logarithms at the working precision.
    """

    value: mpmath.mpf
    K: int | None
    L: int | None
    log_K: mpmath.mpf
    log_L: mpmath.mpf
    #: the unit of ``value``: "nats", or "bits" when computed with ``bits=True``
    unit: str = "nats"

    def __repr__(self) -> str:
        return (f"DistortionLimit(value={_short_number(self.value)} {self.unit}, "
                f"K={_abbreviated(self.K, self.log_K)}, L={_abbreviated(self.L, self.log_L)})")

    def _repr_html_(self) -> str:
        from focalrd.numeric.display import result_html

        return result_html("D*", self.value, self.unit, [("K*", self.K, self.log_K),
                                                         ("L*", self.L, self.log_L)])


def _short_number(x: mpmath.mpf) -> str:
    from focalrd.numeric.display import short_number

    return short_number(x)


def _abbreviated(exact: int | None, log: mpmath.mpf) -> str:
    from focalrd.numeric.display import abbreviated_count

    return abbreviated_count(exact, log)


# -- validation ----------------------------------------------------------------------
def _grouped(source: Sequence[Fraction]) -> GroupedSource:
    return group_source(tuple(Fraction(p) for p in source))


def _codebook(n: int, codewords: int | CodebookSize | None, rate: Fraction | None,
              bits: bool) -> CodebookSize:
    if isinstance(codewords, CodebookSize):
        return codewords
    codewords = None if codewords is None else inputs.codewords(codewords)
    rate = None if rate is None else inputs.rate(rate)
    return codebook_size(n, codewords, rate, bits)


# -- K*: the least number of most likely sequences of mass >= 1 - eps ------------------
def least_count(source: Sequence[Fraction], n: int, eps: Fraction) -> Count:
    """K* = min{K : the K most likely sequences of X^n carry mass ≥ 1 − ε}.

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> least_count((F(9, 10), F(1, 10)), 2, F(1, 5)).exact   # 0.81 >= 0.8: one sequence
    1
    """
    source = inputs.source(source)
    n = inputs.blocklength(n)
    eps = inputs.excess_probability(eps)
    grouped = _grouped(source)
    if grouped.groups == 1:
        total = grouped.support**n
        k = -(-(eps.denominator - eps.numerator) * total // eps.denominator)
        return Count(k, _log_int(k), enumerated=True)
    if exact_feasible(grouped, n):
        k = _exact_classes(grouped, n).least_count(eps)
        return Count(k, _log_int(k), enumerated=True)
    if 3 < grouped.groups <= 8:  # four to eight distinct probabilities (issue 13)
        return many_least_count(grouped, n, eps)
    return _lattice_least_count(_lattice(grouped, n), eps)


@lru_cache(maxsize=4)
def _exact_classes(grouped: GroupedSource, n: int) -> ExactClasses:
    return ExactClasses(grouped, n)


def _lattice(grouped: GroupedSource, n: int) -> Lattice:
    if grouped.groups > 3:
        raise InvalidInputError(
            "n", "a blocklength small enough to enumerate every type class (sources with more "
                 f"than eight distinct probabilities are summed exactly, type by type); "
                 f"exact block limits reach {REACH}", n)
    return _cached_lattice(grouped, n)


@lru_cache(maxsize=4)
def _cached_lattice(grouped: GroupedSource, n: int) -> Lattice:
    return Lattice(grouped, n)


def _sorted_groups(lat: Lattice, keys: list[tuple[int, int]]) -> list[list[tuple[int, int]]]:
    """Classes sorted by probability (largest first), equal probabilities merged exactly."""
    ell = {key: lat.ell(key) for key in keys}
    tolerance = mp.ldexp(1, -(mp.prec - 2 * lat.n.bit_length() - 16)) * (1 + lat.n)
    # Sort by ℓ at the working precision (cheap comparisons), then re-order exactly each run
    # of neighbours closer than the rounding tolerance: two classes whose ℓ differ by more
    # than it are in the right order already, and exact ties can only sit inside a run.
    shift = mp.prec + 8  # ℓ in fixed point: Python integers compare far faster than mpf
    by_ell = sorted(keys, key=lambda key: -int(mp.ldexp(ell[key], shift)))
    ordered: list[tuple[int, int]] = []
    start = 0
    for end in range(1, len(by_ell) + 1):
        if end == len(by_ell) or ell[by_ell[end - 1]] - ell[by_ell[end]] > tolerance:
            run = by_ell[start:end]
            if len(run) > 1:
                run.sort(key=cmp_to_key(lambda a, b: -lat.compare(a, b)))
            ordered.extend(run)
            start = end

    groups: list[list[tuple[int, int]]] = []
    for key in ordered:
        if groups and lat.compare(groups[-1][0], key) == 0:
            groups[-1].append(key)
        else:
            groups.append([key])
    return groups


def _crossing(groups, amount, start, target):
    """Index of the first group at which ``start`` plus the running total reaches ``target``,
    and the total before it."""
    cum = start
    for index, group in enumerate(groups):
        value = amount(group)
        if cum + value >= target:
            return index, cum
        cum += value
    raise AssertionError("the crossing class is not in the band")  # excluded by the bracket


def _mass_bracket(lat: Lattice, eps: Fraction) -> tuple[float, float]:
    """Float thresholds hi > lo with P[ℓ > hi] < 1 − ε ≤ P[ℓ > lo], with a margin."""
    return mass_bracket(lat.float_log_mass_split, lat.float_ell_range(), eps, eta=1e-6)


def _binary_mass_bracket(lat: Lattice, eps: Fraction) -> tuple[float, float]:
    """:func:`_mass_bracket` for a binary source, by bisection on the integer class index.

    The classes above a threshold are s ≥ a, so the bracket is two class indices
    a_hi > a_lo (about log2 n integer steps each, on tails tabulated once over the
    classes that can matter); the thresholds returned lie halfway between classes.
    """
    target = 1 - eps
    eta = 1e-6
    small_side = target <= Fraction(1, 2)
    log_t = log_fraction(target if small_side else eps)
    # classes lighter than e^-depth times the largest carry far less than min(eps, 1 - eps)
    depth = -log_fraction(min(eps, target)) + math.log(lat.n + 1) + 60

    def beyond(a: int, upper: bool) -> bool:
        log_above, log_below = lat.binary_log_mass_split(a, depth)
        if small_side:
            return (log_above <= log_t + math.log1p(-eta) if upper
                    else log_above >= log_t + math.log1p(eta))
        return (log_below >= log_t + math.log1p(eta) if upper
                else log_below <= log_t + math.log1p(-eta))

    a_hi = _integer_bisect(lambda a: beyond(a, True), 0, lat.n + 1, True)
    a_lo = _integer_bisect(lambda a: beyond(a, False), 0, lat.n + 1, False)
    return lat.class_threshold(a_hi), lat.class_threshold(a_lo)


def _integer_bisect(predicate, low: int, high: int, true_above: bool) -> int:
    """The least integer in [low, high] where a monotone predicate holds (``true_above``;
    it must hold at ``high``), or the largest (it must hold at ``low``)."""
    while low < high:
        if true_above:
            mid = (low + high) // 2
            low, high = (low, mid) if predicate(mid) else (mid + 1, high)
        else:
            mid = (low + high + 1) // 2
            low, high = (mid, high) if predicate(mid) else (low, mid - 1)
    return low


def _threshold(lat: Lattice, theta: float, side: int) -> mpmath.mpf:
    """A high-precision threshold near θ, moved away from class values (side ±1)."""
    spacing = abs(lat._flog[-2] - lat._flog[-1])
    value = mp.mpf(theta)
    for attempt in range(1, 60):
        try:
            for u in _probe_rows(lat):
                lat.first_above(u, value)
            return value
        except _Ambiguous:
            value += side * spacing * mp.mpf(attempt) / 977
    raise PrecisionError("could not place a threshold between type classes")  # pragma: no cover


def _probe_rows(lat: Lattice) -> range:
    return lat.rows


def _scan_mass(lat: Lattice, hi: mpmath.mpf, lo: mpmath.mpf, bits: int):
    while True:
        try:
            return lat.mass_scan(hi, lo, bits), hi, lo
        except _Ambiguous:
            hi += mp.ldexp(abs(hi) + 1, -(mp.prec // 3))
            lo -= mp.ldexp(abs(lo) + 1, -(mp.prec // 3))


def _scan_count(lat: Lattice, hi: mpmath.mpf, bits: int):
    while True:
        try:
            return lat.count_scan(hi, bits), hi
        except _Ambiguous:
            hi += mp.ldexp(abs(hi) + 1, -(mp.prec // 3))


def _lattice_least_count(lat: Lattice, eps: Fraction) -> Count:
    """K* for a large n, from fixed-point scans verified against the float bracket."""
    wp = mp.prec
    hi_f, lo_f = _mass_bracket(lat, eps) if lat.rowed else _binary_mass_bracket(lat, eps)
    bits = wp + 64 + max(0, -math.floor(log_fraction(min(eps, 1 - eps)) / math.log(2)))
    width = max(hi_f - lo_f, 1.0)
    for _ in range(12):
        with mp.workprec(bits + 3 * lat.n.bit_length() + 64):
            hi, lo = mp.mpf(hi_f), mp.mpf(lo_f)
            scan, hi, lo = _scan_mass(lat, hi, lo, bits)
            one = 1 << bits
            target = one - (eps.numerator * one) // eps.denominator  # floor-rounded (1-eps)
            band_total = sum(units for _, units in scan.band)
            if scan.above + scan.error >= target:
                hi_f, width = hi_f + width, width * 2
                continue
            if scan.above + band_total - scan.error < target:
                lo_f, width = lo_f - width, width * 2
                continue
            masses = dict(scan.band)
            groups = _sorted_groups(lat, [key for key, units in scan.band if units > 0])
            index, cum = _crossing(groups, lambda g, w=masses: sum(w[key] for key in g),
                                   scan.above, target)
            group = groups[index]
            delta_units = target - cum
            group_units = sum(masses[key] for key in group)
            if group_units < (scan.error + 1) << (wp + 24):
                bits += max(64, (scan.error.bit_length() + wp + 24)
                            - group_units.bit_length())
                continue
            counts, hi = _scan_count(lat, hi, bits)
            before = [key for g in groups[:index] for key in g]
            n_above = (mp.ldexp(counts.units, -bits) * mp.exp(counts.log_ref)
                       + mp.fsum(mp.exp(lat.log_size(key)) for key in before))
            size_g = mp.fsum(mp.exp(lat.log_size(key)) for key in group)
            fraction = mp.mpf(delta_units) / group_units  # r / |G| before rounding up
            remainder = fraction * size_g
            total = n_above + remainder
            if total < mp.ldexp(1, wp + 24):
                return _small_lattice_count(lat, group, eps)
            return Count(None, mp.log(total))
    raise PrecisionError("could not bracket the crossing type class")  # pragma: no cover


def _small_lattice_count(lat: Lattice, group: list[tuple[int, int]], eps: Fraction) -> Count:
    """K* exactly when it is small, in rational arithmetic over the classes above.

    A small K* means few classes lie above the crossing class G (each holds at
    least one sequence), so they are listed exactly, row by row, and
    K* = N(above G) + ⌈((1 − ε) − P(above G)) / p_G⌉ is evaluated in integers.
    """
    reference = group[0]
    above: list[tuple[int, int]] = []
    for u in lat.rows:
        m = lat.n - u
        s = m
        while s >= 0 and lat.compare((u, s), reference) > 0:
            above.append((u, s))
            s -= 1
        if len(above) > 100_000:
            raise PrecisionError("too many type classes above the crossing class")
    total = lat.source.denominator**lat.n

    def weight(key: tuple[int, int]) -> int:
        value = 1
        for num, c in zip(lat.source.numerators, lat.counts(key), strict=True):
            value *= num**c
        return value

    mass_above = sum(lat.class_size(key) * weight(key) for key in above)
    count_above = sum(lat.class_size(key) for key in above)
    target = Fraction(eps.denominator - eps.numerator, eps.denominator) * total
    remainder = -(-(target - mass_above) // weight(reference))
    if not 0 <= remainder <= sum(lat.class_size(key) for key in group):
        raise PrecisionError("the crossing type class could not be confirmed exactly")
    k = count_above + int(remainder)
    return Count(k, _log_int(k))


# -- D*: the excess-distortion limit -------------------------------------------------------
def list_size_from_count(k: Count, m: CodebookSize) -> Count:
    """L* = ⌈K*/M⌉, exact when possible, else its natural logarithm."""
    if k.exact is not None and m.exact is not None:
        value = -(-k.exact // m.exact)
        return Count(value, _log_int(value), enumerated=k.enumerated)
    log_ratio = k.log - m.log
    wp = mp.prec
    if log_ratio > (wp + 24) * mp.ln2:
        return Count(None, log_ratio)  # ⌈x⌉ = x(1 + O(1/x)): below the working precision
    if log_ratio < -mp.ldexp(1, -(wp // 2)):
        return Count(1, mp.zero, enumerated=k.enumerated)  # K* < M: one sequence per codeword
    ratio = mp.exp(log_ratio)
    # ln K* and ln M each carry a relative error of a few units of 2^-wp, so the absolute
    # error of ln(K*/M) is below (|ln K*| + |ln M| + 1)·2^-(wp-4) and that of the ratio is
    # the ratio times that (plus one unit for the exponential): a *relative* slack.
    log_error = mp.ldexp(abs(k.log) + abs(m.log) + 1, -(wp - 8))
    slack = ratio * 4 * log_error + mp.ldexp(ratio + 1, -(wp - 8))
    if slack >= mp.mpf(1) / 8:
        # The ratio is too large for its integer part to be known at this precision.  Then
        # 1/ratio <= 8·slack/ratio <= 40·log_error, so ln(K*/M) equals ln L* = ln(K*/M) +
        # ln(1 + (L* − K*/M)/(K*/M)) to within a few times the error ln K* already carries.
        return Count(None, log_ratio)
    nearest = mp.nint(ratio)
    if abs(ratio - nearest) <= slack:
        raise PrecisionError("K*/M lies too close to an integer to decide L* = ceil(K*/M)")
    value = max(1, int(mp.ceil(ratio)))
    return Count(value, _log_int(value))


def phi_of_inverse(gamma: Fraction, log_l: Count) -> mpmath.mpf:
    """φ_γ(1/L) = (1 − 1/L)^γ ln L, from L exactly or from ln L."""
    if log_l.exact is not None:
        return phi(gamma, Fraction(1, log_l.exact))
    with mp.workprec(mp.prec + 20):
        t = log_l.log
        value = t if gamma == 0 else mp.exp(to_mpf(gamma) * mp.log1p(-mp.exp(-t))) * t
    return +value


def distortion_limit(source: Sequence[Real] | str, gamma: Real, n: int | str,
                     codewords: int | str | CodebookSize | None, eps: Real, *,
                     rate: Real | None = None, bits: bool = False) -> DistortionLimit:
    """D*_γ(n, M, ε) = φ_γ(1/L*)/n per symbol, L* = ⌈K*/M⌉ [n.dstar-closed-form].

    M is ``codewords`` or, with ``rate``, ⌊e^{nR}⌋.  The value is in nats; with
    ``bits=True`` (the CLI's ``--bits``) the rate is read in bits (M = ⌊2^{nR}⌋)
    and the value is returned in bits.  Arguments are read as described in
    :mod:`focalrd.numeric.inputs` (the source may be a string such as ``"0.89,0.11"``).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> r = distortion_limit((F(1, 2), F(1, 2)), 0, 3, 2, F(1, 4))   # K* = 6, L* = 3
    >>> r.K, r.L, r.value                                           # ln(3)/3
    (6, 3, mpf('0.36620409622270322'))
    """
    gamma = focusing_parameter(inputs.focusing(gamma))
    n = inputs.blocklength(n)
    bits = inputs.flag(bits)
    m = _codebook(n, codewords, rate, bits)
    with mp.workprec(mp.prec + 30):
        k = least_count(source, n, eps)
        ell = list_size_from_count(k, m)
        value = phi_of_inverse(gamma, ell) / n
        if bits:
            value = nats_to_bits(value)
    return DistortionLimit(+value, k.reportable(), ell.reportable(), +k.log, +ell.log,
                           "bits" if bits else "nats")


# -- eps*: the excess-distortion probability --------------------------------------------------
#: Above this ln(1/τ) (in nats), L = ⌊1/τ⌋ is carried by its logarithm instead of exactly.
EXACT_LIST_LOG_LIMIT = 5000


def list_size(gamma: Fraction, per_symbol_distortion: Fraction, n: int,
              bits: bool = False) -> Count:
    """L = ⌊1/τ_γ(nD)⌋, the most sequences one decoder output can satisfy.

    ``per_symbol_distortion`` is exact, in nats (in bits when ``bits``).  When
    ln(1/τ) ≤ :data:`EXACT_LIST_LOG_LIMIT`, L is decided exactly by
    :func:`focalrd.numeric.oneshot.floors.list_size` (every comparison φ_γ(1/K) ≤ nD
    settled rigorously, also when 1/τ is an integer, as for whole numbers of bits);
    beyond it only ln L = ln(1/τ) + O(e^(−ln(1/τ))) is returned.

    >>> from fractions import Fraction as F
    >>> list_size(0, F(1, 2), 2, bits=True).exact      # 1/τ_0(1 bit) = 2 exactly
    2
    """
    nd = n * distortion_level(per_symbol_distortion)
    if nd == 0:
        return Count(1, mp.zero, enumerated=True)
    with mp.workprec(mp.prec + 20 + nd.numerator.bit_length()):
        t = log_inverse_tau(gamma, bits_to_nats(to_mpf(nd)) if bits else nd)
    if t <= EXACT_LIST_LOG_LIMIT:
        ell = exact_list_size(gamma, nd, bits)
        return Count(ell, _log_int(ell), enumerated=True)
    return Count(None, +t)


def excess_distortion_limit(source: Sequence[Real] | str, gamma: Real, n: int | str,
                            codewords: int | str | CodebookSize | None, d: Real, *,
                            rate: Real | None = None, bits: bool = False
                            ) -> mpmath.mpf:
    """ε*_γ(n, M, D): 1 − mass of the M·⌊1/τ_γ(nD)⌋ most likely sequences [n.excess-exact].

    ``d`` is the per-symbol distortion level in nats; with ``bits=True`` (the CLI's
    ``--bits``) ``d`` and the rate are read in bits (ε* is a probability either way).
    n = 1 gives the one-shot ε*_γ(M, d).  Arguments are read as described in
    :mod:`focalrd.numeric.inputs`.

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> excess_distortion_limit((F(3, 4), F(1, 4)), 0, 2, 1, F(1, 2))   # L = 2: 1 - 9/16 - 3/16
    mpf('0.25')
    """
    value = excess_distortion_exact(source, gamma, n, codewords, d, rate=rate, bits=bits)
    if isinstance(value, Fraction):
        return to_mpf(value)
    return value


def excess_distortion_exact(source: Sequence[Fraction], gamma: Fraction, n: int,
                            codewords: int | CodebookSize | None, d: Fraction | mpmath.mpf, *,
                            rate: Fraction | None = None, bits: bool = False
                            ) -> Fraction | mpmath.mpf:
    """:func:`excess_distortion_limit`, as an exact ``Fraction`` whenever it is exact."""
    gamma = focusing_parameter(inputs.focusing(gamma))
    n = inputs.blocklength(n)
    d = distortion_level(inputs.distortion(d))
    bits = inputs.flag(bits)
    m = _codebook(n, codewords, rate, bits)
    source = inputs.source(source)
    grouped = _grouped(source)
    if m.exact is not None and exact_feasible(grouped, n):
        # Every class is enumerable: only min(M·L, number of sequences) matters, and
        # L capped at ⌈sequences / M⌉ is decided exactly however large 1/τ is.
        classes = _exact_classes(grouped, n)
        cap = -(-classes.sequences // m.exact)
        covered = m.exact * list_size_at_most(gamma, n * d, cap, bits)
        return Fraction(0) if covered >= classes.sequences else 1 - classes.top_mass(covered)
    with mp.workprec(mp.prec + 30):
        ell = list_size(gamma, d, n, bits)
        if m.exact is not None and ell.exact is not None:
            s = Count(m.exact * ell.exact, _log_int(m.exact * ell.exact))
        else:
            s = Count(None, m.log + ell.log)
        value = _uncovered_mass(grouped, n, s)
    return value if isinstance(value, Fraction) else +value


def _uncovered_mass(grouped: GroupedSource, n: int, s: Count) -> Fraction | mpmath.mpf:
    """1 − (mass of the S most likely sequences)."""
    support_log = n * mp.log(grouped.support)
    if s.log > support_log + 1:  # ln S is accurate to far better than 1: S > |X|^n
        return Fraction(0)
    if grouped.groups == 1:
        total = grouped.support**n if n * math.log2(grouped.support) < 1 << 22 else None
        if s.exact is not None and total is not None:
            return Fraction(max(0, total - s.exact), total)
        return max(mp.zero, -mp.expm1(s.log - support_log))
    if exact_feasible(grouped, n) and s.exact is not None:
        classes = _exact_classes(grouped, n)
        if s.exact >= classes.sequences:
            return Fraction(0)
        return 1 - classes.top_mass(s.exact)
    if 3 < grouped.groups <= 8:  # four to eight distinct probabilities (issue 13)
        if s.exact is not None and n * math.log2(grouped.support) < 1 << 20 \
                and s.exact >= grouped.support**n:
            return Fraction(0)
        return many_uncovered_mass(grouped, n, s.log, s.exact)
    # S known only as ln S (below the number of sequences): the log-mode scan
    return _lattice_uncovered(_lattice(grouped, n), s)


def _count_bracket(lat: Lattice, log_s: float) -> tuple[float, float]:
    """Float thresholds hi > lo with N(ℓ > hi) < S ≤ N(ℓ > lo), with a wide margin."""
    low, high = lat.float_ell_range()
    low, high = low - 1.0, high + 1.0
    margin = 8.0
    hi = bisect(lambda th: lat.float_log_count_above(th) <= log_s - margin, low, high, True)
    log_total = lat.n * math.log(lat.source.support)
    if log_s + margin < log_total:
        lo = bisect(lambda th: lat.float_log_count_above(th) >= log_s + margin, low, high,
                    False)
    else:
        # S within a factor e^8 of every sequence: N(ℓ > lo) ≥ S·e^8 cannot hold, and the
        # band would reach the bottom of the order (every class, most of them negligible).
        # Place lo by the complement instead: N(ℓ ≤ lo) ≤ (|X|^n − S)·e^(−8).  The float
        # estimates only place the bracket; the scans verify it and widen it if needed.
        log_rest = log_total + math.log(-math.expm1(min(log_s - log_total, -1e-300)))
        lo = bisect(lambda th: lat.float_log_count_at_most(th) <= log_rest - margin, low,
                    high, False)
    return hi, lo


def _lattice_uncovered(lat: Lattice, s: Count) -> mpmath.mpf:
    """1 − mass of the S most likely sequences, for large n (log mode)."""
    wp = mp.prec
    log_s = s.log
    hi_f, lo_f = _count_bracket(lat, float(log_s))
    width = max(hi_f - lo_f, 1.0)
    bits = wp + 64
    for _ in range(16):
        with mp.workprec(bits + 3 * lat.n.bit_length() + 64):
            hi, lo = _threshold(lat, hi_f, +1), _threshold(lat, lo_f, -1)
            counts, hi = _scan_count(lat, hi, bits)
            n_hi = (mp.ldexp(counts.units, -bits) * mp.exp(counts.log_ref) if counts.units
                    else mp.zero)
            band_keys = _band_keys(lat, hi, lo)
            sizes = _class_sizes(lat, band_keys)
            s_value = mp.exp(log_s)
            if n_hi >= s_value:
                hi_f, width = hi_f + width, width * 2
                continue
            if n_hi + mp.fsum(sizes.values()) < s_value:
                lo_f, width = lo_f - width, width * 2
                continue
            groups = _sorted_groups(lat, band_keys)
            index, cum = _crossing(groups, lambda g, w=sizes: mp.fsum(w[key] for key in g),
                                   n_hi, s_value)
            group = groups[index]
            size_g = mp.fsum(sizes[key] for key in group)
            unused = 1 - (s_value - cum) / size_g  # share of the crossing class left out
            mass_scan, _, _ = _scan_mass(lat, hi, lo, bits)
            below_group = {key for g in groups[index + 1:] for key in g}
            below = mass_scan.below + sum(u for key, u in mass_scan.band if key in below_group)
            mass_g = mp.fsum(mp.exp(lat.log_mass(key)) for key in group)
            value = mp.ldexp(below, -bits) + unused * mass_g
            error = mp.ldexp(mass_scan.error + 1, -bits)
            if value > 0 and error > mp.ldexp(value, -(wp + 16)):
                needed = wp + 80 + max(0, -int(mp.mag(value)))
                if needed <= bits:  # pragma: no cover - the scan error is ~2^-bits
                    raise PrecisionError("could not confirm the uncovered mass")
                bits = needed
                continue
            return value
    raise PrecisionError("could not bracket the covering type class")  # pragma: no cover


def _class_sizes(lat: Lattice, keys: list[tuple[int, int]]) -> dict[tuple[int, int], mpmath.mpf]:
    """|T(key)| for each key at the working precision: from the exact integer while it has
    at most ~16,000 bits (a few big-integer products, far cheaper than a log-gamma at this
    precision, and correctly rounded), else from ln |T|."""
    if lat.n * max(1, lat.source.support.bit_length()) <= 1 << 14:
        return {key: mp.mpf(lat.class_size(key)) for key in keys}
    return {key: mp.exp(lat.log_size(key)) for key in keys}


def _band_keys(lat: Lattice, hi: mpmath.mpf, lo: mpmath.mpf) -> list[tuple[int, int]]:
    """Every class with lo < ℓ ≤ hi in rows whose classes there are not negligible."""
    keys: list[tuple[int, int]] = []
    for u in lat.rows:
        m = lat.n - u
        a_hi, a_lo = lat.first_above(u, hi), lat.first_above(u, lo)
        keys.extend((u, s) for s in range(a_lo, a_hi))
        if len(keys) > 2_000_000:
            raise PrecisionError("the band of type classes to sort is too wide")
        del m
    return keys

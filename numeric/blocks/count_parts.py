"""K* and ε* past exact enumeration as rigorous ingredients, for ball enclosures (issue 21).

:func:`~.excess.least_count` gives ln K* past exact enumeration in mpf: the fixed-point
scans carry rigorous error bounds, but the assembly (the crossing class, r/p_G, ln of
the total) is rounded.  :func:`least_count_parts` runs the same scans and returns,
instead of that assembly, only integers with their error bounds and the compositions
of the classes involved, from which :mod:`focalrd.numeric.balls.blocks` builds a ball:

    K* ∈ [N⁻ + C + r⁻/p_G,  N⁺ + C + U + r⁺/p_G + 1]

where

* N(ℓ > hi) ∈ [N⁻, N⁺] = exact_count + (units ∓ error)·2^-bits·e^{log_scale} is the
  engine's count scan (``log_scale`` an mpf, i.e. an exact binary number);
* C is the number of sequences of the band classes sorted before the crossing class G
  (the sort is verified by exact comparisons of neighbouring groups);
* r = (1 − ε) − P(more likely than G) ∈ [r⁻, r⁺]: the mass above hi within the
  scan's error E, the listed classes before G in balls, the unlisted band classes
  (each below one unit) within E; 0 < r⁻ and r⁺ ≤ (mass of the listed classes of G)
  must hold (so G is the crossing class for every r in the bracket, and
  K* = N(more likely than G) + ⌈r/p_G⌉);
* U = E·2^-bits/p_G bounds the number of sequences of unlisted band classes more
  likely than G (their mass is at most E units, each sequence at least p_G).

Class sizes and probabilities are not formed as integers here (at n = 10^6 one is a
million-digit number): the balls take them from the compositions, by Arb's rigorous
log-gamma.  A small K* (the engines' exact path) is returned as an int.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.classes import exact_feasible
from focalrd.numeric.errors import PrecisionError
from focalrd.numeric.precision import to_mpf

__all__ = ["Classes", "CountParts", "ScaledCount", "UncoveredParts", "least_count_parts",
           "uncovered_parts"]

#: Below this K* (about 2^64: the confirmed path prints it in full) the engines' exact
#: small-K* path is tried first; above it, or when that path would list too many
#: classes, the ball of K* decides.
_SMALL = 1 << 66


@dataclass(frozen=True)
class Classes:
    """The structure shared by the parts: n, the distinct values and their multiplicities
    (a composition c gives |class| = n!/Π c_i! · Π m_i^c_i sequences of Π v_i^c_i each)."""

    n: int
    values: tuple[Fraction, ...]
    multiplicities: tuple[int, ...]


@dataclass(frozen=True)
class ScaledCount:
    """N(ℓ > hi) ∈ exact + (units ∓ error)·2^-bits·e^{log_scale} (``log_scale`` exact)."""

    exact: int
    units: int
    error: int
    bits: int
    log_scale: mpmath.mpf


@dataclass(frozen=True)
class CountParts:
    """K* as described in the module docstring.

    ``above`` ± ``error`` (units 2^-``bits``) is the mass above hi, ``error`` also bounds
    the unlisted band mass; ``before`` the compositions sorted before G, ``group`` G's.
    """

    classes: Classes
    count: ScaledCount
    target: Fraction
    above: int
    error: int
    bits: int
    before: tuple[tuple[int, ...], ...]
    group: tuple[tuple[int, ...], ...]


def least_count_parts(source, n: int, eps: Fraction) -> int | CountParts:
    """K* exactly (enumeration, one value, or a small K*), or its :class:`CountParts`."""
    from focalrd.numeric.blocks import excess

    source = excess.inputs.source(source)
    n = excess.inputs.blocklength(n)
    eps = excess.inputs.excess_probability(eps)
    grouped = excess._grouped(source)
    if grouped.groups == 1 or exact_feasible(grouped, n):
        k = excess.least_count(source, n, eps).exact
        assert k is not None
        return k
    with mp.workprec(mp.prec + 30):
        if 3 < grouped.groups <= 8:
            return _many_parts(grouped, n, eps)
        return _lattice_parts(excess._lattice(grouped, n), eps)


def _checked_order(groups, compare) -> None:
    for first, second in zip(groups, groups[1:], strict=False):
        if compare(first[0], second[0]) <= 0:
            raise PrecisionError("the band of type classes is not sorted")


def _classes(grouped, n: int) -> Classes:
    return Classes(n, grouped.values, grouped.multiplicities)


def _lattice_parts(lat, eps: Fraction) -> int | CountParts:
    from focalrd.numeric.blocks import excess

    wp = mp.prec
    hi_f, lo_f = (excess._mass_bracket(lat, eps) if lat.rowed
                  else excess._binary_mass_bracket(lat, eps))
    bits = wp + 64 + max(0, -math.floor(excess.log_fraction(min(eps, 1 - eps)) / math.log(2)))
    width = max(hi_f - lo_f, 1.0)
    for _ in range(12):
        with mp.workprec(bits + 3 * lat.n.bit_length() + 64):
            hi, lo = mp.mpf(hi_f), mp.mpf(lo_f)
            scan, hi, lo = excess._scan_mass(lat, hi, lo, bits)
            one = 1 << bits
            floored = one - (eps.numerator * one) // eps.denominator
            band_total = sum(units for _, units in scan.band)
            if scan.above + scan.error >= floored:
                hi_f, width = hi_f + width, width * 2
                continue
            if scan.above + band_total - scan.error < floored:
                lo_f, width = lo_f - width, width * 2
                continue
            masses = dict(scan.band)
            groups = excess._sorted_groups(lat, [key for key, units in scan.band if units > 0])
            _checked_order(groups, lat.compare)
            index, cum = excess._crossing(groups, lambda g, w=masses: sum(w[key] for key in g),
                                          scan.above, floored)
            group = groups[index]
            group_units = sum(masses[key] for key in group)
            if group_units < (scan.error + 1) << (wp + 24):
                bits += max(64, (scan.error.bit_length() + wp + 24) - group_units.bit_length())
                continue
            before = [key for g in groups[:index] for key in g]
            counts, hi_count = excess._scan_count(lat, hi, bits)
            if hi_count != hi:  # pragma: no cover - both scans place hi at the same precision
                raise PrecisionError("the count scan moved the threshold of the mass scan")
            estimate = (mp.ldexp(counts.units, -bits) * mp.exp(counts.log_ref)
                        + mp.fsum(mp.exp(lat.log_size(key)) for key in before)
                        + mp.mpf(floored - cum) / group_units
                        * mp.fsum(mp.exp(lat.log_size(key)) for key in group))
            if estimate < _SMALL:  # printed in full: exactly, when the classes above are few
                try:
                    return excess._small_lattice_count(lat, group, eps).exact
                except PrecisionError:
                    pass  # the ball decides K* (or asks for more precision)
            return CountParts(_classes(lat.source, lat.n),
                              ScaledCount(0, counts.units, counts.error, bits, +counts.log_ref),
                              1 - eps, scan.above, scan.error, bits,
                              tuple(lat.counts(key) for key in before),
                              tuple(lat.counts(key) for key in group))
    raise PrecisionError("could not bracket the crossing type class")  # pragma: no cover


def _many_parts(grouped, n: int, eps: Fraction) -> int | CountParts:
    from focalrd.numeric.blocks import manygroups_limits as many

    engine = many.many_groups(grouped, n)
    wp = mp.prec
    bits = many._bits_for(eps)
    depth = wp + many.PRUNE_GUARD + max(0, bits - wp - 104)
    hi_f, lo_f = many._mass_bracket(engine, eps, many._float_cut(eps))
    width = max(hi_f - lo_f, 1e-6)
    for _ in range(18):
        with mp.workprec(bits + 3 * n.bit_length() + 64):
            scan, hi, lo = many._scan(engine, mp.mpf(hi_f), mp.mpf(lo_f), bits, depth)
            one = 1 << bits
            floored = one - (eps.numerator * one) // eps.denominator
            band_total = sum(units for _, units in scan.band)
            if scan.above + scan.error >= floored:
                hi_f, width = hi_f + width, width * 4
                continue
            if scan.above + band_total < floored + scan.error:
                lo_f, width = lo_f - width, width * 4
                continue
            groups = many._sorted_band(engine, scan)
            _checked_order(groups, lambda a, b: engine.compare(a[0], b[0]))
            cum, index = scan.above, 0
            for index, group in enumerate(groups):  # noqa: B007 - the crossing index is kept
                units = sum(u for _, u in group)
                if cum + units >= floored:
                    break
                cum += units
            group = groups[index]
            group_units = sum(u for _, u in group)
            if group_units <= 4 * (scan.error + 1):
                bits, depth = bits + 64, depth + 64
                continue
            before = [counts for g in groups[:index] for counts, _ in g]
            n_hi, _ = scan.count_above(hi)
            estimate = (n_hi + sum(engine.size(c) for c in before) + mp.mpf(floored - cum)
                        / group_units * sum(engine.size(c) for c, _ in group))
            if estimate < _SMALL:  # printed in full: exactly, when the classes above are few
                try:
                    return many._small_least_count(engine, group, eps)
                except (many._TooManyClasses, PrecisionError):
                    pass  # the ball decides K* (or asks for more precision)
            # N(ℓ > hi) = exact_count + count·2^-bits·e^{−hi}, within count_error units
            return CountParts(_classes(grouped, n),
                              ScaledCount(scan.exact_count, scan.count, scan.count_error, bits,
                                          -hi),
                              1 - eps, scan.above, scan.error, bits, tuple(before),
                              tuple(c for c, _ in group))
    raise PrecisionError("could not bracket the crossing type class")


# -- ε*: the uncovered mass 1 − P(the S most likely sequences) ------------------------------
@dataclass(frozen=True)
class UncoveredParts:
    """1 − P(top S) = T + P(G) − x·p_G with x = S − N(more likely than G) ∈ [0, size(G)]:

    * T ∈ (tail ∓ error)·2^-bits is the mass of the classes after the crossing class G
      (and of unlisted band classes: at most the scan error);
    * N(more likely than G) ∈ [N⁻ + C, N⁺ + C + U]: ``count`` the count scan, C the sizes
      of the ``before`` compositions, U = ``unlisted``·2^-bits/p_G (the unlisted band
      classes, mass at most that many units; 0 when the band is complete);
    * ``group``: the listed compositions of G (unlisted ones of G's probability are in
      T's error).
    """

    classes: Classes
    count: ScaledCount
    tail: int
    error: int
    bits: int
    unlisted: int
    before: tuple[tuple[int, ...], ...]
    group: tuple[tuple[int, ...], ...]


def uncovered_parts(source, n: int, s) -> UncoveredParts:
    """1 − P(the S most likely sequences) past enumeration, as :class:`UncoveredParts`.

    ``s`` is an :class:`~.excess.Count` (its mpf log places the bracket and picks the
    crossing class; the caller's ball of S checks that choice).
    """
    from focalrd.numeric.blocks import excess

    grouped = excess._grouped(source)
    with mp.workprec(mp.prec + 30):
        if 3 < grouped.groups <= 8:
            return _many_uncovered_parts(grouped, n, s)
        return _lattice_uncovered_parts(excess._lattice(grouped, n), s)


def _lattice_uncovered_parts(lat, s) -> UncoveredParts:
    from focalrd.numeric.blocks import excess

    wp = mp.prec
    log_s = s.log
    hi_f, lo_f = excess._count_bracket(lat, float(log_s))
    width = max(hi_f - lo_f, 1.0)
    bits = wp + 64
    for _ in range(16):
        with mp.workprec(bits + 3 * lat.n.bit_length() + 64):
            hi, lo = excess._threshold(lat, hi_f, +1), excess._threshold(lat, lo_f, -1)
            counts, hi = excess._scan_count(lat, hi, bits)
            n_hi = (mp.ldexp(counts.units, -bits) * mp.exp(counts.log_ref) if counts.units
                    else mp.zero)
            band_keys = excess._band_keys(lat, hi, lo)
            sizes = {key: mp.exp(lat.log_size(key)) for key in band_keys}
            s_value = mp.exp(log_s) if s.exact is None else mp.mpf(s.exact)
            if n_hi >= s_value:
                hi_f, width = hi_f + width, width * 2
                continue
            if n_hi + mp.fsum(sizes.values()) < s_value:
                lo_f, width = lo_f - width, width * 2
                continue
            groups = excess._sorted_groups(lat, band_keys)
            _checked_order(groups, lat.compare)
            index, cum = excess._crossing(groups, lambda g, w=sizes: mp.fsum(w[k] for k in g),
                                          n_hi, s_value)
            group = groups[index]
            mass_scan, hi_mass, lo_mass = excess._scan_mass(lat, hi, lo, bits)
            if (hi_mass, lo_mass) != (hi, lo):  # pragma: no cover - placed by the count scan
                raise PrecisionError("the mass scan moved the thresholds of the count scan")
            after = {key for g in groups[index + 1:] for key in g}
            tail = mass_scan.below + sum(u for key, u in mass_scan.band if key in after)
            unused = mp.fsum(sizes[key] for key in group) - (s_value - cum)
            needed = _bits_needed(tail, mass_scan.error, bits, unused,
                                  mp.exp(lat.ell(group[0])), wp)
            if needed:
                bits = needed
                continue
            return UncoveredParts(
                _classes(lat.source, lat.n),
                ScaledCount(0, counts.units, counts.error, bits, +counts.log_ref),
                tail, 3 * mass_scan.error + 3, bits, 0,
                tuple(lat.counts(key) for g in groups[:index] for key in g),
                tuple(lat.counts(key) for key in group))
    raise PrecisionError("could not bracket the covering type class")  # pragma: no cover


def _many_uncovered_parts(grouped, n: int, s) -> UncoveredParts:
    from focalrd.numeric.blocks import manygroups_limits as many

    engine = many.many_groups(grouped, n)
    wp = mp.prec
    bits = many._bits_for(None) + 64
    hi_f, lo_f = many._count_bracket(engine, float(s.log), many._float_cut(None) + 40.0)
    width = max(hi_f - lo_f, 1e-6)
    for _ in range(12):
        with mp.workprec(bits + 3 * n.bit_length() + 64):
            s_value = mp.mpf(s.exact) if s.exact is not None else mp.exp(s.log)
            scan, hi, lo = many._scan(engine, mp.mpf(hi_f), mp.mpf(lo_f), bits)
            n_hi, slack = scan.count_above(hi)
            groups = many._sorted_band(engine, scan)
            _checked_order(groups, lambda a, b: engine.compare(a[0], b[0]))
            sizes = [sum(engine.size(c) for c, _ in g) for g in groups]
            if n_hi + slack >= s_value:
                hi_f, width = hi_f + width, width * 4
                continue
            if n_hi + slack + sum(sizes) < s_value:
                lo_f, width = lo_f - width, width * 4
                continue
            cum, index = n_hi, 0
            for index, size in enumerate(sizes):  # noqa: B007 - the crossing index is kept
                if cum + size >= s_value:
                    break
                cum += size
            group = groups[index]
            weight = engine.weight(group[0][0])
            tail = scan.below + sum(u for g in groups[index + 1:] for _, u in g)
            needed = _bits_needed(tail, scan.error, bits, sizes[index] - (s_value - cum),
                                  to_mpf(Fraction(weight, engine.source.denominator ** n)), wp,
                                  cap=40 * wp + 4000)
            if needed:
                bits = needed
                continue
            return UncoveredParts(
                _classes(grouped, n),
                ScaledCount(scan.exact_count, scan.count, scan.count_error, bits, -hi),
                tail, 3 * scan.error + 3, bits, scan.error,
                tuple(c for g in groups[:index] for c, _ in g), tuple(c for c, _ in group))
    raise PrecisionError("could not bracket the covering type class")


def _bits_needed(tail: int, error: int, bits: int, unused, p, wp: int,
                 cap: int | None = None) -> int:
    """More scan bits when the mass error is not below 2^-(wp+16) of the (rough) value, or 0.

    As the engines' own loops: the lattice scans any number of bits (an ε* of 10^-3700
    needs some 12 000), the many-group pass at most ``cap``.
    """
    value = mp.ldexp(tail, -bits) + max(unused, 0) * p
    if value > 0 and mp.ldexp(3 * error + 3, -bits) > mp.ldexp(value, -(wp + 16)):
        needed = bits + 64 + max(0, -int(mp.mag(value)))
        if cap is not None and needed > cap:
            raise PrecisionError("could not enclose the uncovered mass")
        return needed
    return 0

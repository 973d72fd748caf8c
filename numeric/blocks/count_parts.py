"""K* past exact enumeration as rigorous ingredients, for a ball enclosure (issue 21).

:func:`~.excess.least_count` gives ln K* past exact enumeration in mpf: the fixed-point
scans carry rigorous error bounds, but the assembly (the crossing class, r/p_G, ln of
the total) is rounded.  :func:`least_count_parts` runs the same scans and returns,
instead of that assembly, only exact integers and Fractions with bounds:

    K* ∈ [C + N⁻ + ⌈r⁻/p_G⌉,  C + N⁺ + ⌈r⁺/p_G⌉ + U]

where

* N(ℓ > hi) ∈ [N⁻, N⁺] = exact_count + (units ∓ error)·2^-bits·e^{log_scale} is the
  engine's count scan (``log_scale`` an mpf, i.e. an exact binary number);
* C is the exact number of sequences of the band classes sorted before the crossing
  class G (the sort is verified by exact comparisons of neighbouring groups);
* r = (1 − ε) − P(ℓ > p_G) lies in [r⁻, r⁺]: 1 − ε exact, the mass above hi within
  the scan's error E, the listed classes before G summed exactly, the unlisted band
  classes (each below one unit) within E; and 0 < r⁻ ≤ r⁺ ≤ (exact mass of the listed
  classes of G) is checked, so G is the crossing class for every r in the bracket;
* U = E·2^-bits/p_G bounds the number of sequences of unlisted band classes more
  likely than G (their mass is at most E units, each sequence at least p_G).

No floating-point number enters the bounds except the exact binary ``log_scale``;
:mod:`focalrd.numeric.balls.blocks` turns them into a ball.  A small K* (the engines'
exact path) is returned as an int.
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

__all__ = ["CountParts", "UncoveredParts", "least_count_parts", "uncovered_parts"]

#: Below this K* (about 2^64: the confirmed path prints it in full) the engines' exact
#: small-K* path is tried first; above it, or when that path would list too many
#: classes, the ball of K* decides.
_SMALL = 1 << 66


@dataclass(frozen=True)
class CountParts:
    """K* ∈ [low, high] as described in the module docstring (all exact but ``log_scale``,
    an exact binary mpf)."""

    exact: int
    scaled_units: int
    scaled_error: int
    scaled_bits: int
    log_scale: mpmath.mpf
    r_low: Fraction
    r_high: Fraction
    inverse_p: Fraction
    unlisted: Fraction

    def remainder_range(self) -> tuple[int, int]:
        """(⌈r⁻/p_G⌉, ⌈r⁺/p_G⌉ + ⌊U⌋): the range of K* minus C and N(ℓ > hi) (the
        unlisted classes hold a whole number of sequences, at most U)."""
        low = math.ceil(self.r_low * self.inverse_p)
        high = math.ceil(self.r_high * self.inverse_p) + math.floor(self.unlisted)
        return low, high


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


def _remainder(target: Fraction, above: int, error: int, bits: int, before_mass: Fraction,
               group_mass: Fraction) -> tuple[Fraction, Fraction] | None:
    """[r⁻, r⁺] for r = (1 − ε) − P(above G), or None when G is not proven the crossing."""
    unit = Fraction(1, 1 << bits)
    r_low = target - (above + 2 * error) * unit - before_mass
    r_high = target - (above - error) * unit - before_mass
    if r_low <= 0 or r_high > group_mass:
        return None
    return r_low, r_high


def _lattice_parts(lat, eps: Fraction) -> int | CountParts:
    from focalrd.numeric.blocks import excess

    wp = mp.prec
    hi_f, lo_f = (excess._mass_bracket(lat, eps) if lat.rowed
                  else excess._binary_mass_bracket(lat, eps))
    bits = wp + 64 + max(0, -math.floor(excess.log_fraction(min(eps, 1 - eps)) / math.log(2)))
    width = max(hi_f - lo_f, 1.0)
    target = 1 - eps
    total_weight = lat.source.denominator ** lat.n

    def weight(key) -> int:
        value = 1
        for num, c in zip(lat.source.numerators, lat.counts(key), strict=True):
            value *= num**c
        return value

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
            index, _ = excess._crossing(groups, lambda g, w=masses: sum(w[key] for key in g),
                                        scan.above, floored)
            group = groups[index]
            group_units = sum(masses[key] for key in group)
            if group_units < (scan.error + 1) << (wp + 24):
                bits += max(64, (scan.error.bit_length() + wp + 24) - group_units.bit_length())
                continue
            before = [key for g in groups[:index] for key in g]
            sizes = {key: lat.class_size(key) for key in [*before, *group]}
            p_weight = weight(group[0])
            before_mass = Fraction(sum(sizes[key] * weight(key) for key in before),
                                   total_weight)
            group_mass = Fraction(sum(sizes[key] for key in group) * p_weight, total_weight)
            bracket = _remainder(target, scan.above, scan.error, bits, before_mass, group_mass)
            if bracket is None:
                bits += 64
                continue
            counts, hi_count = excess._scan_count(lat, hi, bits)
            if hi_count != hi:  # pragma: no cover - both scans place hi at the same precision
                raise PrecisionError("the count scan moved the threshold of the mass scan")
            inverse_p = Fraction(total_weight, p_weight)
            estimate = (mp.ldexp(counts.units, -bits) * mp.exp(counts.log_ref)
                        + sum(sizes[key] for key in before) + to_mpf(bracket[0] * inverse_p))
            if estimate < _SMALL:  # printed in full: exactly, when the classes above are few
                try:
                    return excess._small_lattice_count(lat, group, eps).exact
                except PrecisionError:
                    pass  # the ball decides K* (or asks for more precision)
            return CountParts(sum(sizes[key] for key in before), counts.units, counts.error,
                              bits, +counts.log_ref, bracket[0], bracket[1], inverse_p,
                              Fraction(scan.error, 1 << bits) * inverse_p)
    raise PrecisionError("could not bracket the crossing type class")  # pragma: no cover


def _many_parts(grouped, n: int, eps: Fraction) -> int | CountParts:
    from focalrd.numeric.blocks import manygroups_limits as many

    engine = many.many_groups(grouped, n)
    wp = mp.prec
    bits = many._bits_for(eps)
    depth = wp + many.PRUNE_GUARD + max(0, bits - wp - 104)
    hi_f, lo_f = many._mass_bracket(engine, eps, many._float_cut(eps))
    width = max(hi_f - lo_f, 1e-6)
    target = 1 - eps
    total_weight = engine.source.denominator ** n
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
            if sum(u for _, u in group) <= 4 * (scan.error + 1):
                bits, depth = bits + 64, depth + 64
                continue
            before = [counts for g in groups[:index] for counts, _ in g]
            before_sizes = [engine.size(c) for c in before]
            p_weight = engine.weight(group[0][0])
            before_mass = Fraction(sum(s * engine.weight(c)
                                       for s, c in zip(before_sizes, before, strict=True)),
                                   total_weight)
            group_mass = Fraction(sum(engine.size(c) for c, _ in group) * p_weight, total_weight)
            bracket = _remainder(target, scan.above, scan.error, bits, before_mass, group_mass)
            if bracket is None:
                bits, depth = bits + 64, depth + 64
                continue
            inverse_p = Fraction(total_weight, p_weight)
            unlisted = Fraction(scan.error, 1 << bits) * inverse_p
            n_hi, _ = scan.count_above(hi)
            estimate = n_hi + sum(before_sizes) + to_mpf(bracket[0] * inverse_p)
            if estimate < _SMALL:  # printed in full: exactly, when the classes above are few
                try:
                    return many._small_least_count(engine, group, eps)
                except (many._TooManyClasses, PrecisionError):
                    pass  # the ball decides K* (or asks for more precision)
            # N(ℓ > hi) = exact_count + count·2^-bits·e^{−hi}, within count_error units
            return CountParts(sum(before_sizes) + scan.exact_count, scan.count,
                              scan.count_error, bits, -hi, bracket[0], bracket[1], inverse_p,
                              unlisted)
    raise PrecisionError("could not bracket the crossing type class")


# -- ε*: the uncovered mass 1 − P(the S most likely sequences) ------------------------------
@dataclass(frozen=True)
class UncoveredParts:
    """1 − P(top S) = T + mass_G − x·p_G with x = S − N(above G) ∈ [0, size(G)], where

    * T ∈ (tail_units ∓ tail_error)·2^-bits is the mass of the classes after the
      crossing class G (and of unlisted band classes: at most the scan error);
    * N(above G) ∈ [C + N⁻, C + N⁺ + U] as in :class:`CountParts` (``scaled_*`` the
      count scan, ``exact`` = C, ``unlisted`` = U);
    * ``group_mass`` and ``group_size`` are the exact mass and size of the listed
      classes of G (the unlisted ones of G's probability are in T's error), ``p`` the
      exact probability of one of its sequences.
    """

    tail_units: int
    tail_error: int
    bits: int
    group_mass: Fraction
    group_size: int
    p: Fraction
    exact: int
    scaled_units: int
    scaled_error: int
    scaled_bits: int
    log_scale: mpmath.mpf
    unlisted: Fraction


def uncovered_parts(source, n: int, s) -> Fraction | UncoveredParts:
    """1 − P(the S most likely sequences) past enumeration, as :class:`UncoveredParts`.

    ``s`` is an :class:`~.excess.Count` (its mpf log places the bracket; the caller's
    ball of S decides).  S beyond every sequence gives Fraction(0) only when exact.
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
    total_weight = lat.source.denominator ** lat.n

    def weight(key) -> int:
        value = 1
        for num, c in zip(lat.source.numerators, lat.counts(key), strict=True):
            value *= num**c
        return value

    for _ in range(16):
        with mp.workprec(bits + 3 * lat.n.bit_length() + 64):
            hi, lo = excess._threshold(lat, hi_f, +1), excess._threshold(lat, lo_f, -1)
            counts, hi = excess._scan_count(lat, hi, bits)
            n_hi = (mp.ldexp(counts.units, -bits) * mp.exp(counts.log_ref) if counts.units
                    else mp.zero)
            band_keys = excess._band_keys(lat, hi, lo)
            sizes = {key: lat.class_size(key) for key in band_keys}
            s_value = mp.exp(log_s) if s.exact is None else mp.mpf(s.exact)
            if n_hi >= s_value:
                hi_f, width = hi_f + width, width * 2
                continue
            if n_hi + sum(sizes.values()) < s_value:
                lo_f, width = lo_f - width, width * 2
                continue
            groups = excess._sorted_groups(lat, band_keys)
            _checked_order(groups, lat.compare)
            index, _ = excess._crossing(groups, lambda g, w=sizes: sum(w[key] for key in g),
                                        n_hi, s_value)
            group = groups[index]
            mass_scan, hi_mass, lo_mass = excess._scan_mass(lat, hi, lo, bits)
            if (hi_mass, lo_mass) != (hi, lo):  # pragma: no cover - placed by the count scan
                raise PrecisionError("the mass scan moved the thresholds of the count scan")
            after = {key for g in groups[index + 1:] for key in g}
            tail = mass_scan.below + sum(u for key, u in mass_scan.band if key in after)
            p_weight = weight(group[0])
            group_size = sum(sizes[key] for key in group)
            cum = n_hi + sum(sizes[key] for g in groups[:index] for key in g)
            needed = _bits_needed(tail, mass_scan.error, bits, group_size - (s_value - cum),
                                  Fraction(p_weight, total_weight), wp)
            if needed:
                bits = needed
                continue
            return UncoveredParts(
                tail, 3 * mass_scan.error + 3, bits,
                Fraction(group_size * p_weight, total_weight), group_size,
                Fraction(p_weight, total_weight),
                sum(sizes[key] for g in groups[:index] for key in g),
                counts.units, counts.error, bits, +counts.log_ref, Fraction(0))
    raise PrecisionError("could not bracket the covering type class")  # pragma: no cover


def _many_uncovered_parts(grouped, n: int, s) -> UncoveredParts:
    from focalrd.numeric.blocks import manygroups_limits as many

    engine = many.many_groups(grouped, n)
    wp = mp.prec
    bits = many._bits_for(None) + 64
    hi_f, lo_f = many._count_bracket(engine, float(s.log), many._float_cut(None) + 40.0)
    width = max(hi_f - lo_f, 1e-6)
    total_weight = engine.source.denominator ** n
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
            p_weight = engine.weight(group[0][0])
            tail = scan.below + sum(u for g in groups[index + 1:] for _, u in g)
            needed = _bits_needed(tail, scan.error, bits, sizes[index] - (s_value - cum),
                                  Fraction(p_weight, total_weight), wp)
            if needed:
                bits = needed
                continue
            return UncoveredParts(
                tail, 3 * scan.error + 3, bits,
                Fraction(sizes[index] * p_weight, total_weight), sizes[index],
                Fraction(p_weight, total_weight),
                sum(sizes[:index]) + scan.exact_count, scan.count, scan.count_error, bits,
                -hi, Fraction(scan.error, 1 << bits) * Fraction(total_weight, p_weight))
    raise PrecisionError("could not bracket the covering type class")


def _bits_needed(tail: int, error: int, bits: int, unused, p: Fraction, wp: int) -> int:
    """More scan bits when the mass error is not below 2^-(wp+16) of the (rough) value, or 0."""
    value = mp.ldexp(tail, -bits) + max(unused, 0) * mp.mpf(p.numerator) / p.denominator
    if value > 0 and mp.ldexp(3 * error + 3, -bits) > mp.ldexp(value, -(wp + 16)):
        needed = bits + 64 + max(0, -int(mp.mag(value)))
        if needed > 40 * wp + 4000:
            raise PrecisionError("could not enclose the uncovered mass")
        return needed
    return 0

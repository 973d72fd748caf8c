"""K* and ε* for sources with four to eight distinct probabilities at large n.

Drivers over :class:`~.manygroups.ManyGroups` (the method is described there):

* :func:`many_least_count` — K* = min{K : the K most likely sequences carry mass
  ≥ 1 − ε}.  A float64 pre-screen brackets the crossing class between thresholds
  hi > lo; one high-precision pass gives the mass above hi, the classes in the
  band (lo, hi] and the number of sequences above hi, each with a rigorous
  bound; the bracket is verified (and widened when the check fails), the band is
  sorted exactly, and K* = N(above the crossing class G) + ⌈r / p_G⌉ follows.
  When K* is small (below 2^(wp + 24)) it is recomputed exactly in integers
  from the few classes above G.
* :func:`many_uncovered_mass` — 1 − (mass of the S most likely sequences), the
  same way with a bracket on the number of sequences.

Every failure to confirm raises :class:`~focalrd.numeric.errors.PrecisionError`
(the CLI's exit 3), never a value with unconfirmed digits.
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import cmp_to_key, lru_cache

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.grouping import GroupedSource
from focalrd.numeric.blocks.manygroups import (
    MAX_BAND,
    PRUNE_GUARD,
    Ambiguous,
    ManyGroups,
    Scan,
)
from focalrd.numeric.blocks.prescreen import falsi_pair, log_fraction, mass_bracket
from focalrd.numeric.errors import InvalidInputError, PrecisionError


@lru_cache(maxsize=4)
def many_groups(grouped: GroupedSource, n: int) -> ManyGroups:
    return ManyGroups(grouped, n)


#: The float pre-screen here stops at 70 halvings or a relative width of 1e-11: its
#: thresholds only need the accuracy of the float masses (about 1e-7), and each
#: evaluation walks many rows.
_BISECTION = {"steps": 70, "relative_width": 1e-11}


def _float_cut(eps: Fraction | None) -> float:
    """How far below the largest class the float pre-screen looks (nats).

    The pre-screen only places thresholds to a relative accuracy of about 1e-7 in
    the mass (or the count), so classes below e^-45 of the total are irrelevant.
    """
    extra = 0.0 if eps is None else -log_fraction(min(eps, 1 - eps))
    return 45.0 + extra


def _mass_bracket(engine: ManyGroups, eps: Fraction, cut: float) -> tuple[float, float]:
    """Float thresholds hi > lo with P[ℓ > hi] < 1 − ε ≤ P[ℓ > lo], with a margin.

    Float64 only, so the same at every working precision: kept on the engine for
    the second (confirming) evaluation.
    """
    key = ("mass", eps, cut)
    if key not in engine.brackets:
        side = "above" if eps >= Fraction(1, 2) else "below"  # the side mass_bracket reads
        engine.brackets[key] = mass_bracket(
            lambda theta: engine.float_log_mass_split(theta, cut, side),
            engine.float_ell_range(),
            eps, eta=1e-7, method="falsi", **_BISECTION)
    return engine.brackets[key]


def _count_bracket(engine: ManyGroups, log_s: float, cut: float,
                   around: tuple[float, float] | None = None) -> tuple[float, float]:
    """Float thresholds hi > lo with N(ℓ > hi) < S ≤ N(ℓ > lo), with a margin.

    ``around``, a bracket found at a shallower cut, is kept when it still brackets S at
    this cut; else the search starts one nat either side of it when that interval
    brackets S, else it covers the whole range.
    """
    key = ("count", log_s, cut)
    if key in engine.brackets:
        return engine.brackets[key]
    margin = 1e-6

    def count(theta: float) -> float:
        return engine.float_log_count_above(theta, cut)

    low, high = engine.float_ell_range()
    low, high = low - 1.0, high + 1.0
    if around is not None:
        if count(around[0]) <= log_s - margin and count(around[1]) >= log_s + margin:
            engine.brackets[key] = around
            return around
        near_low, near_high = around[1] - 1.0, around[0] + 1.0
        if count(near_low) >= log_s + margin and count(near_high) <= log_s - margin:
            low, high = near_low, near_high
    # ln N moves by about 1e-6 over the ±margin levels, so a relative width of 1e-9 in θ
    # (not the 1e-11 of the mass bracket) already places both thresholds tightly
    bracket = falsi_pair(count, low, high, log_s - margin, log_s + margin,
                         steps=_BISECTION["steps"], relative_width=1e-9)
    engine.brackets[key] = bracket
    return bracket


def _tail_count_bracket(engine: ManyGroups, log_s: float) -> tuple[float, float, float]:
    """:func:`_count_bracket` with a float cut deep enough for the crossing classes.

    The count bracket only sees classes within the cut of the largest one (85 nats
    first, enough for tails to about 45 nats); when S lies deeper in a tail (the mass
    above the crossing, or the uncovered mass, is tiny) the cut is widened to 60 nats
    past the larger of −ln P[ℓ > lo] and −ln P[ℓ ≤ hi] (float64, from the same screen),
    as far as the row limit allows (the pass then decides).  Returns (hi, lo,
    max(0, −ln P[ℓ ≤ hi])).
    """
    cut, bracket = _float_cut(None) + 40.0, None
    best = None
    for _ in range(8):
        try:
            hi_f, lo_f = bracket = _count_bracket(engine, log_s, cut, bracket)
        except InvalidInputError:
            if best is None:
                raise
            return best
        above = max(0.0, -engine.float_log_mass_split(lo_f, cut, "above")[0])
        below = max(0.0, -engine.float_log_mass_split(hi_f, cut, "below")[1])
        tail = max(above, below)
        if not math.isfinite(tail):
            tail = 2 * cut
        best = (hi_f, lo_f, below if math.isfinite(below) else tail)
        if tail + 40.0 <= cut:
            return best
        cut = tail + 60.0
    return best


def _scan(engine: ManyGroups, hi: mpmath.mpf, lo: mpmath.mpf, bits: int,
          depth: int | None = None):
    """A pass at (hi, lo), moving a threshold off a class value when needed."""
    for _ in range(40):
        try:
            scan = engine.scan(hi, lo, bits, depth)
        except Ambiguous:
            hi += mp.ldexp(abs(hi) + 1, -(mp.prec // 3))
            lo -= mp.ldexp(abs(lo) + 1, -(mp.prec // 3))
            continue
        if len(scan.band) > MAX_BAND:
            raise PrecisionError("too many type classes between the bracketing thresholds")
        return scan, hi, lo
    raise PrecisionError("could not place a threshold between type classes")  # pragma: no cover


def _sorted_band(engine: ManyGroups, scan: Scan) -> list[list[tuple[tuple[int, ...], int]]]:
    """Band classes grouped by probability, most likely first; equal ones merged exactly.

    Each class is keyed by ℓ = Σ n_i ln v_i in fixed point (integers, each ln v_i
    rounded to ``prec`` fractional bits, so a key errs by at most n/2 units);
    neighbours whose keys differ by more than n + 1 units are in the right order,
    and runs of closer ones are ordered by the exact integer comparison.
    """
    entries = [(engine.counts(key[:-1], key[-1]), units) for key, units in scan.band]
    prec = mp.prec + 16
    with mp.workprec(prec + 32):
        logs = [int(mp.nint(mp.ldexp(mp.log(mp.mpf(v.numerator) / v.denominator), prec)))
                for v in engine.source.values]
    keyed = sorted(((sum(c * x for c, x in zip(counts, logs, strict=True)), counts, units)
                    for counts, units in entries), key=lambda e: e[0], reverse=True)
    tolerance = engine.n + 1
    ordered: list[tuple[tuple[int, ...], int]] = []
    run: list[tuple[tuple[int, ...], int]] = []
    exact = cmp_to_key(lambda a, b: engine.compare(b[0], a[0]))
    previous = None
    for key, counts, units in keyed:
        if previous is not None and previous - key > tolerance:
            ordered += sorted(run, key=exact) if len(run) > 1 else run
            run = []
        run.append((counts, units))
        previous = key
    ordered += sorted(run, key=exact) if len(run) > 1 else run
    groups: list[list[tuple[tuple[int, ...], int]]] = []
    for entry in ordered:
        if groups and engine.compare(groups[-1][0][0], entry[0]) == 0:
            groups[-1].append(entry)
        else:
            groups.append([entry])
    return groups


def _bits_for(eps: Fraction | None) -> int:
    extra = 0
    if eps is not None:
        extra = max(0, -math.floor(log_fraction(min(eps, 1 - eps)) / math.log(2)))
    # 64 guard bits, and 40 more for the share of one type class in the total (a pass
    # at too few bits is repeated at more, which costs a second pass)
    return mp.prec + 104 + extra


def many_least_count(grouped: GroupedSource, n: int, eps: Fraction):
    """K* (a :class:`~.excess.Count`) for 4–8 distinct probabilities at large n."""
    from focalrd.numeric.blocks.excess import Count
    from focalrd.numeric.blocks.grouping import _log_int

    engine = many_groups(grouped, n)
    wp = mp.prec
    bits = _bits_for(eps)
    depth = wp + PRUNE_GUARD + max(0, bits - wp - 104)  # the prefixes the pass visits
    hi_f, lo_f = _mass_bracket(engine, eps, _float_cut(eps))
    width = max(hi_f - lo_f, 1e-6)
    decide_tries = 0
    for _ in range(18):
        with mp.workprec(bits + 3 * n.bit_length() + 64):
            scan, hi, lo = _scan(engine, mp.mpf(hi_f), mp.mpf(lo_f), bits, depth)
            one = 1 << bits
            target = one - (eps.numerator * one) // eps.denominator
            band_total = sum(units for _, units in scan.band)
            if scan.above + scan.error >= target:
                hi_f, width = hi_f + width, width * 4
                continue
            if scan.above + band_total < target + scan.error:
                lo_f, width = lo_f - width, width * 4
                continue
            groups = _sorted_band(engine, scan)
            cum = scan.above
            index = 0
            for index, group in enumerate(groups):  # noqa: B007 - the crossing index is kept
                units = sum(u for _, u in group)
                if cum + units >= target:
                    break
                cum += units
            group = groups[index]
            group_units = sum(u for _, u in group)
            if group_units <= 4 * (scan.error + 1):
                bits, depth = bits + 64, depth + 64
                continue
            before = [counts for g in groups[:index] for counts, _ in g]
            n_hi, count_slack = scan.count_above(hi)
            n_above = n_hi + mp.fsum(engine.size(c) for c in before)
            size_g = sum(engine.size(counts) for counts, _ in group)
            share = mp.mpf(target - cum) / group_units  # r / |G| of the crossing class
            remainder = share * size_g
            total = n_above + remainder
            # r and |G| (in mass units) each err by the mass error: K* errs by at most
            # count_slack + size_G·err·(1 + share)/(|G| − err)
            slack = count_slack + size_g * mp.mpf(scan.error + 1) * (1 + share) / (
                group_units - scan.error - 1)
            if slack > mp.ldexp(total, -(wp + 16)):
                bits, depth = bits + 64, depth + 64
                continue
            if total < mp.ldexp(1, wp + 24):
                # small enough for the ceiling in K* = N(above G) + ⌈r/p_G⌉ to matter at the
                # working precision (and for ⌈K*/M⌉ to need the exact integer): list the
                # classes above the crossing one, or, when there are too many, decide both
                # integers from the rigorous bounds at a precision where they err by < 1/4
                try:
                    k = _small_least_count(engine, group, eps)
                except _TooManyClasses:
                    k = _decided_count(n_hi, count_slack, before_size=sum(
                        engine.size(c) for c in before), remainder=remainder,
                        remainder_slack=slack - count_slack)
                    if k is None:
                        if decide_tries >= 6:
                            raise PrecisionError("K* = N + ⌈r/p⌉ lies too close to an integer "
                                                 "step to be decided") from None
                        decide_tries += 1
                        bits, depth = bits + 64, depth + 64
                        continue
                return Count(k, _log_int(k))
            return Count(None, mp.log(total))
    raise PrecisionError("could not bracket the crossing type class")


def _decided_count(n_hi, count_slack, before_size: int, remainder, remainder_slack
                   ) -> int | None:
    """K* = N(ℓ > hi) + N(band classes before G) + ⌈r/p_G⌉ from rigorous enclosures.

    N(ℓ > hi) is an integer known to within ``count_slack`` and ⌈r/p_G⌉ the ceiling of
    a number known to within ``remainder_slack``; None when either is not decided.
    """
    quarter = mp.mpf(1) / 4
    if count_slack >= quarter or remainder_slack >= quarter:
        return None
    above = int(mp.nint(n_hi))
    if abs(n_hi - above) + count_slack >= mp.mpf(1) / 2:
        return None
    low = int(mp.ceil(remainder - remainder_slack))
    if low != int(mp.ceil(remainder + remainder_slack)):
        return None
    return above + before_size + max(low, 0)


#: Most classes listed by the exact small-K* path.
MAX_SMALL_CLASSES = 100_000


class _TooManyClasses(Exception):
    """The exact small-K* path would list too many classes."""


def _types_at_least(engine: ManyGroups, reference: tuple[int, ...]) -> list[tuple[int, ...]]:
    """Every composition whose sequences are strictly more likely than ``reference``'s."""
    n, g = engine.n, engine.source.groups
    lam = engine._flog
    target = sum(c * x for c, x in zip(reference, lam, strict=True))
    slack = 1e-9 * (1 + abs(target))
    out: list[tuple[int, ...]] = []

    def visit(i: int, left: int, partial: float, prefix: list[int]) -> None:
        if i == g - 1:
            counts = (*prefix, left)
            if engine.compare(counts, reference) > 0:
                out.append(counts)
                if len(out) > MAX_SMALL_CLASSES:
                    raise _TooManyClasses
            return
        for c in range(left, -1, -1):
            # the best the rest can do: every remaining symbol on the next (larger) value
            if partial + c * lam[i] + (left - c) * lam[i + 1] < target - slack:
                break
            prefix.append(c)
            visit(i + 1, left - c, partial + c * lam[i], prefix)
            prefix.pop()

    visit(0, n, 0.0, [])
    return out


def _small_least_count(engine: ManyGroups, group: list, eps: Fraction) -> int:
    """K* in integers when it is small: the classes above the crossing one are few."""
    reference = group[0][0]
    above = _types_at_least(engine, reference)
    total = engine.source.denominator**engine.n
    mass = sum(engine.size(c) * engine.weight(c) for c in above)
    count = sum(engine.size(c) for c in above)
    target = Fraction(eps.denominator - eps.numerator, eps.denominator) * total
    remainder = -(-(target - mass) // engine.weight(reference))
    if not 0 <= remainder <= sum(engine.size(c) for c, _ in group):
        raise PrecisionError("the crossing type class could not be confirmed exactly")
    return count + int(remainder)


#: Hölder exponents r of :func:`_log_top_mass_bound` (r = ∞ is S·v_1^n).
_HOLDER = (Fraction(5, 4), Fraction(3, 2), Fraction(2), Fraction(3), Fraction(4), Fraction(6),
           Fraction(8), Fraction(12), Fraction(16), Fraction(24), Fraction(32), Fraction(64))


def _log_top_mass_bound(grouped: GroupedSource, n: int, log_s: mpmath.mpf) -> mpmath.mpf:
    """ln of an upper bound on the mass of any S sequences of X^n.

    Hölder: Σ_{x∈A} p(x) ≤ |A|^(1−1/r) (Σ_x p(x)^r)^(1/r) and Σ_{x^n} p(x^n)^r =
    (Σ_i m_i v_i^r)^n, for every r ≥ 1; r → ∞ gives S·v_1^n.  The least over a few r
    (evaluated at the working precision, far from the threshold it is compared with).
    """
    logs = [mp.log(mp.mpf(v.numerator) / v.denominator) for v in grouped.values]
    best = log_s + n * max(logs)
    for r in _HOLDER:
        rr = mp.mpf(r.numerator) / r.denominator
        power_sum = mp.fsum(m * mp.exp(rr * x)
                            for m, x in zip(grouped.multiplicities, logs, strict=True))
        best = min(best, (1 - 1 / rr) * log_s + n * mp.log(power_sum) / rr)
    return best


def many_uncovered_mass(grouped: GroupedSource, n: int, log_s: mpmath.mpf,
                        exact_s: int | None) -> mpmath.mpf:
    """1 − (mass of the S most likely sequences), S given by ln S (and exactly if known)."""
    support = grouped.support
    if exact_s is not None and exact_s >= support**n:
        return mp.zero
    if exact_s is None and log_s >= n * mp.log(support):
        return mp.zero  # S ≥ every sequence: nothing is left uncovered
    wp = mp.prec
    # far in the upper tail the S most likely sequences carry less than 2^-(wp+24): the
    # uncovered mass is 1 to the working precision and beyond
    if _log_top_mass_bound(grouped, n, log_s) < -(wp + 24) * mp.ln2:
        return mp.one
    engine = many_groups(grouped, n)
    hi_f, lo_f, below = _tail_count_bracket(engine, float(log_s))
    # a tiny uncovered mass e^-below needs that many more bits past 30 nats (what the 64
    # guard bits and 40 more of _bits_for cover), and the pass visits prefixes down to
    # 2^-depth, deeper by its bits (the pruned mass bounds the value's error)
    bits = _bits_for(None) + math.ceil(max(0.0, below - 30.0) / math.log(2))
    depth = wp + PRUNE_GUARD + math.ceil(below / math.log(2))
    width = max(hi_f - lo_f, 1e-6)
    for _ in range(12):
        with mp.workprec(bits + 3 * n.bit_length() + 64):
            s_value = mp.mpf(exact_s) if exact_s is not None else mp.exp(log_s)
            scan, hi, lo = _scan(engine, mp.mpf(hi_f), mp.mpf(lo_f), bits, depth)
            n_hi, slack = scan.count_above(hi)
            groups = _sorted_band(engine, scan)
            sizes = [sum(engine.size(c) for c, _ in g) for g in groups]
            if n_hi + slack >= s_value:
                hi_f, width = hi_f + width, width * 4
                continue
            if n_hi + slack + sum(sizes) < s_value:
                lo_f, width = lo_f - width, width * 4
                continue
            cum = n_hi
            index = 0
            for index, size in enumerate(sizes):  # noqa: B007 - the crossing index is kept
                if cum + size >= s_value:
                    break
                cum += size
            unused = 1 - (s_value - cum) / sizes[index]
            after = sum(u for g in groups[index + 1:] for _, u in g)
            group_units = sum(u for _, u in groups[index])
            value = mp.ldexp(scan.below + after, -bits) + unused * mp.ldexp(group_units, -bits)
            # errors: the masses, and the count slack moving the cut inside the crossing class
            error = (mp.ldexp(3 * scan.error + 3, -bits)
                     + slack / sizes[index] * mp.ldexp(group_units + scan.error, -bits))
            if not (0 <= unused <= 1) or (value > 0 and error > mp.ldexp(value, -(wp + 16))):
                needed = bits + 64 + max(0, -int(mp.mag(value))) if value > 0 else bits + 128
                if needed > 40 * wp + 4000:
                    raise PrecisionError("could not confirm the uncovered mass")
                bits, depth = needed, depth + needed - bits
                continue
            return value
    raise PrecisionError("could not bracket the covering type class")

"""Type classes of a source with three to eight distinct probabilities, past enumeration.

Setting (see :mod:`.grouping`): distinct values v_1 > … > v_g with masses
A_i = m_i v_i.  The two groups of largest mass form the *row pair* (hi, lo);
the others are *prefix groups*.  A class is (prefix counts, s) with s symbols
of the row pair's larger value and m − s of its smaller one, m = n − Σ prefix.

Mass factorisation.  The class mass is a chain of conditional binomial terms,

    P(class) = Π_j b_{m_j}(n_j; q_j) · b_m(s; q),   q_j = A_j / (A_j + A_{j+1} + …),

so every mass is a product of entries of fixed-point binomial rows
(:mod:`.binomial_tables`) and the mass of a *whole row above a threshold* is one
lookup of a suffix sum: within a row the per-sequence log-probability
ℓ = Σ n_j λ_j + s λ_hi + (m − s) λ_lo increases with s, so the classes with
ℓ > θ are s ≥ a(θ), a linear function of the prefix.  The number of sequences
above θ needs no integer sizes either: a class holds mass·e^(−ℓ) sequences, and
in a row Σ_{s ≥ a} b(s) e^(θ − ℓ(s)) = e^(θ − ℓ(a)) · G(a) with the tabulated
count-weighted tail G.

Only prefixes whose mass exceeds a few units of 2^-bits are visited: the
rows' own windows stop at entries below one unit (geometric tail bounds), and a
prefix whose partial product falls below 2^-depth (``depth`` chosen by the caller
from the precision it needs, :data:`PRUNE_GUARD` bits past it) is dropped with its
whole mass (at most that product plus its error) added to the error bound.
So the work is the number of *significant* prefixes (a (g − 2)-dimensional
window around the typical type), not the number of types.

Classes in a band (lo, hi] around the crossing are listed individually (with
their composition), sorted with exact integer comparisons and merged when their
probabilities are equal (commensurable log-probabilities), exactly as the
two- and three-value engine (:mod:`.lattice`) does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric.blocks.binomial_tables import RowTable, binomial_row
from focalrd.numeric.blocks.grouping import GroupedSource
from focalrd.numeric.blocks.planes import Plane, build_plane
from focalrd.numeric.errors import InvalidInputError

#: Prefixes lighter than 2^-(wp + PRUNE_GUARD) are dropped (their mass is bounded).
PRUNE_GUARD = 50
#: Most significant prefixes (rows) the engine visits; past it the input is refused.
MAX_ROWS = 6_000_000
#: Distinct probabilities from which the scan uses sorted planes (:mod:`.planes`).
PLANE_GROUPS = 6
#: Most planes kept per precision.
MAX_PLANES = 4000
#: Most classes listed in a band between two thresholds (commensurable sources put up to
#: about 650,000 tied classes on the crossing level at ε = 10^-9 within the reach, e.g.
#: (1/2, …, 1/32, 1/64, 1/64) at n = 120: about 5 s to sort, 0.5 GB).
MAX_BAND = 1_000_000
#: The reach stated in refusals and the README (measured: each well under a minute).
REACH = ("about 4 distinct probabilities to n = 2000, 5 to n = 300, 6 to n = 160, "
         "7 to n = 60, 8 to n = 30 in under a minute at 30 digits (six at n = 120 in about "
         "6 s); the limit is the number of significant type-class rows, "
         f"{MAX_ROWS:,}")


class Ambiguous(Exception):
    """A threshold lies within rounding distance of a class value (move it and retry)."""


@dataclass
class Scan:
    """Everything one pass over the significant rows gives for thresholds hi > lo.

    Masses are integers in units of 2^-bits.  ``above``: mass with ℓ > hi;
    ``below``: mass with ℓ ≤ lo; ``band``: (composition, mass) of each class with
    lo < ℓ ≤ hi whose mass is at least one unit; ``error`` bounds the error of
    each of ``above``, ``below`` and the band's total (and the mass of unlisted
    band classes).  ``count`` is N(ℓ > hi)·e^{hi} in units, within ``count_error``, plus
    ``exact_count`` sequences counted exactly (the sorted-plane path): see
    :meth:`count_above`.
    """

    bits: int
    above: int = 0
    below: int = 0
    error: int = 0
    count: int = 0
    count_error: int = 0
    exact_count: int = 0
    rows: int = 0
    band: list[tuple[tuple[int, ...], int]] = field(default_factory=list)

    def count_above(self, hi: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf]:
        """(N(ℓ > hi), its error bound): ``exact_count`` + ``count``·2^-bits·e^{−hi}."""
        scale = mp.exp(-hi)
        return (self.exact_count + mp.ldexp(self.count, -self.bits) * scale,
                mp.ldexp(self.count_error, -self.bits) * scale)


class ManyGroups:
    """The type classes of a source with 3 to 8 distinct probabilities at blocklength n."""

    def __init__(self, source: GroupedSource, n: int) -> None:
        if not 3 <= source.groups <= 8:
            raise ValueError("the many-group engine takes 3 to 8 distinct probabilities")
        self.source, self.n = source, n
        masses = source.group_masses
        by_mass = sorted(range(source.groups), key=lambda i: (masses[i], -i), reverse=True)
        self.hi, self.lo = sorted(by_mass[:2])  # values are sorted decreasing: v_hi > v_lo
        self.prefix = by_mass[2:]
        left = Fraction(1)
        self.conditional: list[tuple[int, int]] = []
        for i in self.prefix:
            q = masses[i] / left
            self.conditional.append((q.numerator, q.denominator))
            left -= masses[i]
        q_row = masses[self.hi] / (masses[self.hi] + masses[self.lo])
        self.q_row = (q_row.numerator, q_row.denominator)
        nums = source.numerators
        self.rho = (nums[self.hi], nums[self.lo])
        self._flog = [math.log(v.numerator) - math.log(v.denominator) for v in source.values]
        self._tables: dict[int, tuple[list[dict[int, object]], RowTable]] = {}
        self._float: tuple | None = None
        self._float_point_index: tuple | None = None
        self._float_cdf: tuple | None = None
        self._planes: dict[int, dict[int, Plane]] = {}
        #: float64 pre-screen brackets (precision-independent), by question
        self.brackets: dict[tuple, tuple[float, float]] = {}

    # -- exact structure -----------------------------------------------------------------
    def weight(self, counts: tuple[int, ...]) -> int:
        """Π a_i^{n_i}: the probability of one sequence of the class, times D^n."""
        value = 1
        for a, c in zip(self.source.numerators, counts, strict=True):
            value *= a**c
        return value

    def size(self, counts: tuple[int, ...]) -> int:
        """The exact number of sequences in the class with these group counts."""
        value, left = 1, self.n
        for mult, c in zip(self.source.multiplicities, counts, strict=True):
            value *= math.comb(left, c) * mult**c
            left -= c
        return value

    def compare(self, a: tuple[int, ...], b: tuple[int, ...]) -> int:
        """Sign of P(sequence of class a) − P(sequence of class b), exactly."""
        left = right = 1
        for num, x, y in zip(self.source.numerators, a, b, strict=True):
            if x > y:
                left *= num ** (x - y)
            elif y > x:
                right *= num ** (y - x)
        return (left > right) - (left < right)

    def counts(self, prefix: tuple[int, ...], s: int) -> tuple[int, ...]:
        """The composition (n_1, …, n_g) of class (prefix, s)."""
        out = [0] * self.source.groups
        for i, c in zip(self.prefix, prefix, strict=True):
            out[i] = c
        m = self.n - sum(prefix)
        out[self.hi], out[self.lo] = s, m - s
        return tuple(out)

    def ell(self, counts: tuple[int, ...]) -> mpmath.mpf:
        """ℓ = Σ n_i ln v_i at the working precision."""
        return mp.fsum(c * mp.log(mp.mpf(v.numerator) / v.denominator)
                       for c, v in zip(counts, self.source.values, strict=True) if c)

    def float_ell_range(self) -> tuple[float, float]:
        return self.n * min(self._flog), self.n * max(self._flog)

    # -- the high-precision pass ----------------------------------------------------------
    def _tables_for(self, bits: int):
        cached = self._tables.get(bits)
        if cached is None:
            levels: list[dict[int, object]] = [{} for _ in self.prefix]
            rows = RowTable(*self.q_row, *self.rho, bits)
            cached = (levels, rows)
            self._tables = {bits: cached}
        return cached

    def uses_planes(self) -> bool:
        """Whether :meth:`scan` answers the last three groups from sorted planes.

        A plane serves every outer prefix leaving the same m; with six or more
        distinct probabilities many outer prefixes share each m (measured: six at
        n = 120 about 10 times faster); with four or five the planes are nearly as
        many cells as the rows they replace, so the row walk is kept.
        """
        return self.source.groups >= PLANE_GROUPS

    def scan(self, hi: mpmath.mpf, lo: mpmath.mpf, bits: int, depth: int | None = None,
             planes: bool | None = None) -> Scan:
        """One pass over the significant rows for thresholds hi ≥ lo (see :class:`Scan`).

        Prefixes lighter than 2^-``depth`` (default: ``bits`` − 6) are dropped and
        bounded.  Raises :class:`Ambiguous` when a threshold is within rounding
        distance of a class value in a row where it matters.  ``planes`` chooses
        the sorted-plane path (:mod:`.planes`) for the last three groups (default:
        :meth:`uses_planes`).
        """
        if planes is None:
            planes = self.uses_planes()
        prune = 1 << max(6, bits - (bits - 6 if depth is None else depth))
        n = self.n
        levels, table = self._tables_for(bits)
        frac = bits + 2 * n.bit_length() + 40  # fractional bits of the row boundaries
        with mp.workprec(frac + 2 * n.bit_length() + 40):
            lam = [mp.log(mp.mpf(v.numerator) / v.denominator) for v in self.source.values]
            delta = lam[self.hi] - lam[self.lo]
            x0 = int(mp.nint(mp.ldexp((hi - n * lam[self.lo]) / delta, frac)))
            shift = int(mp.nint(mp.ldexp((hi - lo) / delta, frac)))
            steps = [int(mp.nint(mp.ldexp((lam[i] - lam[self.lo]) / delta, frac)))
                     for i in self.prefix]
            unit_step = mp.ldexp(delta, -frac)
            one = 1 << frac
            margin = 1 << (frac - frac // 3)
            scale = 1 << bits
            band_ratio = int(mp.ceil(mp.exp(hi - lo))) + 1
            out = Scan(bits)
            levels_count = len(self.prefix)
            stack: list[int] = []

            last = levels_count - 1
            j_last = self.prefix[last]
            a_hi_num, a_lo_num = self.rho
            a_last = self.source.numerators[j_last]
            # one more symbol of the last prefix group: x falls by δ = ln(v_j/v_lo)/Δ, so
            # f = ρ^(x − a) is multiplied by v_lo/v_j·ρ^k when a falls by k (k = ⌊δ⌋ or ⌈δ⌉)
            k_low = steps[last] >> frac

            def carried(k: int) -> tuple[int, int]:
                if k >= 0:
                    return a_lo_num * a_hi_num**k, a_last * a_lo_num**k
                return a_lo_num * a_lo_num**-k, a_last * a_hi_num**-k

            multipliers = {k_low: carried(k_low), k_low + 1: carried(k_low + 1)}
            rows_cache = table._rows

            def innermost(m0: int, weight: int, weight_error: int, x: int) -> None:
                entries = levels[last].get(m0)
                if entries is None:
                    entries = binomial_row(m0, *self.conditional[last], bits)
                    if len(levels[last]) < 50_000:
                        levels[last][m0] = entries
                out.error += (weight * entries.tail >> bits) + 1
                error = weight_error + entries.error + 1
                step = steps[last]
                c = entries.lo
                x -= c * step
                f = None  # f·2^bits, carried from row to row by exact rational factors
                prev_a = None
                above = below = error_sum = count = count_error = 0
                rows = 0
                for value in entries.values:
                    m = m0 - c
                    w = weight * value >> bits
                    if w < prune:
                        out.error += w + error + 1
                        f = None
                        c += 1
                        x -= step
                        continue
                    rows += 1
                    cached = rows_cache.get(m)
                    if cached is None:
                        cached = table.row(m)
                    pmf, suffix, prefix_sums, weighted, sum_error, g_error = cached
                    floor, rest = divmod(x, one)
                    if -1 <= floor <= m and (rest < margin or one - rest < margin):
                        raise Ambiguous
                    a_hi = min(max(floor + 1, 0), m + 1)
                    lo_s = pmf.lo
                    i = a_hi - lo_s
                    size = len(pmf.values)
                    above += w * (suffix[0] if i <= 0 else suffix[i] if i < size else 0) >> bits
                    error_sum += sum_error
                    x_lo = x - shift
                    floor_lo = x_lo // one
                    if floor_lo != floor:
                        rest_lo = x_lo - floor_lo * one
                        if -1 <= floor_lo <= m and (rest_lo < margin or one - rest_lo < margin):
                            raise Ambiguous
                    a_lo = min(max(floor_lo + 1, 0), m + 1)
                    i_lo = a_lo - lo_s
                    below += w * (0 if i_lo <= 0 else prefix_sums[min(i_lo, size)]) >> bits
                    if a_lo < a_hi:
                        unlisted = 0
                        for t in range(a_lo, a_hi):
                            units = w * pmf.at(t) >> bits
                            if units:
                                out.band.append((tuple(stack) + (c, t), units))
                            else:
                                unlisted += 1
                        count_error += unlisted * (error + pmf.error + 2) * band_ratio
                    tail = table.weighted_above(m, a_hi) if i < 0 else (
                        weighted[i] if i < size else 0)
                    if tail:
                        if f is None or prev_a is None:
                            f = int(mp.ldexp(mp.exp(-((a_hi << frac) - x) * unit_step), bits))
                        else:
                            k = prev_a - a_hi  # ⌊δ⌋ or ⌈δ⌉, or other where a is clamped
                            factor = multipliers.get(k)
                            if factor is None:
                                factor = multipliers[k] = carried(k)
                            f = f * factor[0] // factor[1]
                        count += (w * tail >> bits) * f >> bits
                        count_error += 4 + rows  # f drifts by < 1 unit per carried step
                    else:
                        f = None
                    prev_a = a_hi
                    count_error += error + g_error + 3
                    c += 1
                    x -= step
                out.rows += rows
                out.above += above
                out.below += below
                out.error += error_sum + rows * (error + 2)
                out.count += count
                out.count_error += count_error
                if out.rows > MAX_ROWS:
                    raise InvalidInputError("n", f"a smaller blocklength for this source: exact "
                                            f"block limits reach {REACH}", n)

            if bits not in self._planes:
                self._planes = {bits: {}}  # planes of one precision at a time (memory)
            plane_cache = self._planes[bits]
            pair_rows: dict[int, object] = {}
            mults = self.source.multiplicities
            plane_mults = (mults[j_last], mults[self.hi], mults[self.lo])

            def pair_row(m: int):
                row = pair_rows.get(m)
                if row is None:
                    row = pair_rows[m] = binomial_row(m, *self.q_row, bits)
                return row

            def on_plane(m0: int, weight: int, weight_error: int, x: int, size: int) -> None:
                plane = plane_cache.get(m0)
                if plane is None:
                    entries = levels[last].get(m0)
                    if entries is None:
                        entries = binomial_row(m0, *self.conditional[last], bits)
                    plane = build_plane(m0, entries, pair_row, steps[last], one, bits,
                                        plane_mults)
                    if len(plane_cache) < MAX_PLANES:
                        plane_cache[m0] = plane
                    out.rows += len(plane.order)
                out.rows += 1
                out.error += (weight * plane.tail >> bits) + 1
                if plane.near(x, margin):
                    raise Ambiguous
                k_hi = plane.count_above(x)
                k_lo = k_hi
                if shift:
                    if plane.near(x - shift, margin):
                        raise Ambiguous
                    k_lo = plane.count_above(x - shift)
                above = plane.above
                out.above += weight * above[k_hi] >> bits
                out.below += weight * (above[-1] - above[k_lo]) >> bits
                unlisted = 0
                if k_lo > k_hi:
                    prefix = tuple(stack)
                    masses, cells = plane.masses, plane.cells
                    for k in range(k_hi, k_lo):
                        units = weight * masses[k] >> bits
                        if units:
                            out.band.append((prefix + cells[k], units))
                        else:
                            unlisted += 1
                    out.count_error += unlisted * (weight_error + plane.cell_error + 2) * band_ratio
                # above, below and the band's total each err by the partial sums' error,
                # the weight's error and one unit per floor
                out.error += plane.sum_error + weight_error + 2 + (k_lo - k_hi)
                out.exact_count += size * plane.sizes_above[k_hi]
                if out.rows > MAX_ROWS:
                    raise InvalidInputError("n", f"a smaller blocklength for this source: exact "
                                            f"block limits reach {REACH}", n)

            def visit(level: int, m: int, weight: int, weight_error: int, x: int,
                      size: int = 1) -> None:
                if level == last:
                    if planes:
                        on_plane(m, weight, weight_error, x, size)
                    else:
                        innermost(m, weight, weight_error, x)
                    return
                entries = levels[level].get(m)
                if entries is None:
                    entries = binomial_row(m, *self.conditional[level], bits)
                    if len(levels[level]) < 50_000:
                        levels[level][m] = entries
                out.error += (weight * entries.tail >> bits) + 1
                error = weight_error + entries.error + 1
                step = steps[level]
                mult = mults[self.prefix[level]]
                for index, value in enumerate(entries.values):
                    c = entries.lo + index
                    w = weight * value >> bits
                    if w < prune:
                        out.error += w + error + 1
                        continue
                    stack.append(c)
                    visit(level + 1, m - c, w, error, x - c * step,
                          size * math.comb(m, c) * mult**c if planes else 1)
                    stack.pop()

            visit(0, n, scale, 0, x0)
        # classes left out (pruned prefixes, tails) also hold sequences above hi: at most
        # their mass times e^{−hi} each, i.e. their mass in the count's units
        out.count_error += out.error
        return out

    # -- float64 pre-screen (locating thresholds only) ------------------------------------
    def _float_structure(self, cut: float):
        """Significant prefixes (float log-weight, partial ℓ, m) and the row tables."""
        if self._float is not None and self._float[0] >= cut:
            return self._float[1]
        from scipy import special, stats

        n = self.n
        log_w = np.zeros(1)
        part = np.zeros(1)
        rem = np.array([n])
        top = self._float_top()
        for level, i in enumerate(self.prefix):
            num, den = self.conditional[level]
            q = num / den
            sd = np.sqrt(rem * q * (1 - q))
            half = np.ceil(2 * np.sqrt(2 * cut) * sd + 10).astype(np.int64)
            low = np.maximum(np.floor(rem * q).astype(np.int64) - half, 0)
            high = np.minimum(np.floor(rem * q).astype(np.int64) + half, rem)
            width = high - low + 1
            pieces = []
            start = 0
            # expand the parents in chunks of about a million children (bounded memory)
            ends = np.searchsorted(np.cumsum(width), np.arange(1, 10**9, 10**6) * 1.0)
            for stop in [*sorted(set(int(e) + 1 for e in ends if e < len(width))), len(width)]:
                if stop <= start:
                    continue
                w = width[start:stop]
                parent = start + np.repeat(np.arange(stop - start), w)
                offset = np.arange(int(w.sum())) - np.repeat(np.cumsum(w) - w, w)
                c = low[parent] + offset
                m = rem[parent]
                lw = log_w[parent] + stats.binom.logpmf(c, m, q)
                keep = lw > top - cut
                pieces.append((lw[keep], part[parent][keep] + c[keep] * self._flog[i],
                               m[keep] - c[keep]))
                start = stop
                if sum(len(p[0]) for p in pieces) > MAX_ROWS:
                    raise InvalidInputError("n", f"a smaller blocklength for this source: exact "
                                            f"block limits reach {REACH}", n)
            log_w = np.concatenate([p[0] for p in pieces])
            part = np.concatenate([p[1] for p in pieces])
            rem = np.concatenate([p[2] for p in pieces])
        num, den = self.q_row
        q = num / den
        ms = np.arange(n + 1)[:, None]
        s = np.arange(n + 2)[None, :]
        with np.errstate(divide="ignore", invalid="ignore"):
            log_pmf = np.where(s <= ms, stats.binom.logpmf(s, ms, q), -np.inf)
            log_sf = np.where(s <= ms, stats.binom.logsf(s - 1, ms, q), -np.inf)
            log_sf[:, 0] = 0.0
            # ln P[s < a] (0 at a = m + 1), so that ln P[ℓ ≤ θ] is a lookup as P[ℓ > θ] is
            log_cdf = np.where(s <= ms + 1, stats.binom.logcdf(s - 1, ms, q), -np.inf)
            log_rho = math.log(self.rho[0] / self.rho[1])
            log_g = np.full((n + 1, n + 3), -np.inf)
            for a in range(n + 1, -1, -1):
                log_g[:, a] = np.logaddexp(log_pmf[:, a] if a <= n + 1 else -np.inf,
                                           log_g[:, a + 1] - log_rho)
        structure = (log_w, part, rem, log_sf, log_g[:, : n + 2], special)
        self._float_cdf = (log_w, log_cdf)
        self._float = (cut, structure)
        return structure

    def _float_top(self) -> float:
        """ln of the largest class mass (float64), from the mode of each conditional step."""
        from scipy import stats

        m, total = self.n, 0.0
        for num, den in self.conditional:
            c = min(m, (m + 1) * num // den)
            total += float(stats.binom.logpmf(c, m, num / den))
            m -= c
        return total

    def _float_rows(self, theta: float, cut: float):
        """The per-structure row constants and each row's first class above θ.

        a = ⌊base + θ/Δ⌋ + 1 clipped to [0, m + 1] (ℓ(a) = part + m λ_lo + a Δ); the
        tables ln P[s ≥ a], ln P[s < a] and ln G(a) are flattened once per structure, so
        each question about θ is one gather per table and one log-sum-exp.
        """
        log_w, part, rem, log_sf, log_g, _ = self._float_structure(cut)
        index = self._float_point_index
        if index is None or index[0] is not log_w:
            lam_hi, lam_lo = self._flog[self.hi], self._flog[self.lo]
            delta = lam_hi - lam_lo
            base_ell = part + rem * lam_lo
            cdf_w, log_cdf = self._float_cdf
            assert cdf_w is log_w and log_cdf.shape == log_sf.shape == log_g.shape
            index = self._float_point_index = (
                log_w, -base_ell / delta, 1 / delta, (rem + 1).astype(np.float64),
                rem * log_sf.shape[1], log_sf.ravel(), log_cdf.ravel(),
                np.ascontiguousarray(log_g).ravel(), log_w - base_ell, delta)
        a = np.clip(np.floor(index[1] + theta * index[2]) + 1, 0, index[3])
        return index, a

    def float_log_mass_split(self, theta: float, cut: float,
                             side: str | None = None) -> tuple[float, float]:
        """(ln P[ℓ > θ], ln P[ℓ ≤ θ]) in float64; with ``side`` "above" or "below" only
        that one (the other is NaN)."""
        index, a = self._float_rows(theta, cut)
        log_w, offset, flat_sf, flat_cdf = index[0], index[4], index[5], index[6]
        at = offset + a.astype(np.int64)
        upper = lower = math.nan
        if side != "below":
            upper = _log_sum_exp(log_w + flat_sf[at])
        if side != "above":
            lower = _log_sum_exp(log_w + flat_cdf[at])
        return upper, lower

    def float_log_count_above(self, theta: float, cut: float) -> float:
        """ln N(ℓ > θ) in float64: each row's weight times G(a)·e^{−ℓ(a)}."""
        index, a = self._float_rows(theta, cut)
        offset, flat_g, weight, delta = index[4], index[7], index[8], index[9]
        return _log_sum_exp(weight + flat_g[offset + a.astype(np.int64)] - a * delta)

    def float_point(self, theta: float, cut: float) -> tuple[float, float, float]:
        """(ln P[ℓ > θ], ln P[ℓ ≤ θ], ln N(ℓ > θ)) in float64, from one pass over the rows."""
        index, a = self._float_rows(theta, cut)
        log_w, offset, flat_sf, flat_cdf, flat_g, weight, delta = (
            index[0], index[4], index[5], index[6], index[7], index[8], index[9])
        at = offset + a.astype(np.int64)
        return (_log_sum_exp(log_w + flat_sf[at]), _log_sum_exp(log_w + flat_cdf[at]),
                _log_sum_exp(weight + flat_g[at] - a * delta))


def _log_sum_exp(x) -> float:
    """ln Σ e^x in float64 (−inf for an empty or all −inf array)."""
    if not len(x):
        return -math.inf
    top = float(x.max())
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.exp(x - top).sum()))

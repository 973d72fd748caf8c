"""Type classes of a source with two or three distinct probabilities, at large n.

Setting (see :mod:`.grouping`).  With two distinct values the classes form one
*row*: s = number of symbols of the larger value, s = 0..n.  With three, row u
holds the types with u symbols of the largest value; in it s counts the middle
value and m − s the smallest (m = n − u).  Per-sequence log-probability

    ℓ(u, s) = u λ_R + s λ_H + (m − s) λ_L,      λ = ln v,

increases with s inside a row, so the classes above a real threshold θ are, in
each row, a final segment s ≥ a_u(θ).  Class masses factor as a binomial row
weight times a binomial term, ``w(u) · b_m(s)``, and class sizes as
``C(n,u) m_R^u · C(m,s) m_H^s m_L^(m−s)``.

Method.  Only classes whose mass matters at the working precision are visited.
In a row, terms are produced in fixed point (integers scaled by 2^B) from the
row's mode outward by the exact rational ratio of neighbouring binomial terms,
so each step costs one small multiplication and one division and errs by less
than one unit; a walk stops below one unit, and what it leaves out is bounded
by a geometric series (the ratios decrease away from the mode).  Rows whose
total weight is below one unit are bounded in the same way.  The
returned error bounds (in units) cover truncation and rounding.

Thresholds handed to a scan are real numbers chosen by the caller between
class values; a threshold that falls within rounding distance of a class
value is moved slightly (``_Ambiguous``), so classifying a class as above or
below is never a rounding decision.  Classes in a band between two thresholds
are returned individually; the caller sorts them with exact comparisons.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass, field
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric._lazy import scipy_special
from focalrd.numeric.blocks.grouping import GroupedSource
from focalrd.numeric.precision import to_mpf

__all__ = [
    "CountScan",
    "Lattice",
    "MassScan",
]

#: ``scipy.special`` costs ~0.1 s at start-up and is needed only by the rowed (three-value)
#: pre-screen; binary sources never import it.  ``scipy.stats`` is never imported here.
special = scipy_special


def _binom_logpmf(k: np.ndarray, n: int, p: float) -> np.ndarray:
    """ln P[Bin(n, p) = k] in float64 (log-gamma form, no underflow)."""
    return (special.gammaln(n + 1) - special.gammaln(k + 1) - special.gammaln(n - k + 1)
            + special.xlogy(k, p) + special.xlog1py(n - k, -p))


def _binom_logsf(k: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    """ln P[Bin(n, p) > k] in float64 (−inf where it underflows)."""
    k, n = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    inside = (k >= 0) & (k < n)
    with np.errstate(divide="ignore"):
        kk, nn = np.where(inside, k, 0), np.where(inside, n, 1)
        value = np.log(special.betainc(kk + 1, nn - kk, p))  # the regularised incomplete beta
    return np.where(k < 0, 0.0, np.where(k >= n, -np.inf, value))


def _binom_logcdf(k: np.ndarray, n: np.ndarray, p: float) -> np.ndarray:
    """ln P[Bin(n, p) ≤ k] in float64 (−inf where it underflows)."""
    k, n = np.broadcast_arrays(np.asarray(k, dtype=float), np.asarray(n, dtype=float))
    inside = (k >= 0) & (k < n)
    with np.errstate(divide="ignore"):
        kk, nn = np.where(inside, k, 0), np.where(inside, n, 1)
        value = np.log(special.betainc(nn - kk, kk + 1, 1 - p))
    return np.where(k < 0, -np.inf, np.where(k >= n, 0.0, value))


class _Ambiguous(Exception):
    """A threshold lies within rounding distance of a class value."""


@dataclass
class MassScan:
    """Mass strictly above ``hi``, classes in (lo, hi] with their masses, and the rest.

    All masses are integers in units of 2^-bits; ``error`` bounds the total
    error of ``above + sum(band) + below`` and of each part.
    """

    bits: int
    above: int
    below: int
    error: int
    band: list[tuple[tuple[int, int], int]] = field(default_factory=list)


@dataclass
class CountScan:
    """Number of sequences in classes strictly above a threshold: ``units · e^log_ref / 2^bits``."""

    bits: int
    log_ref: mpmath.mpf
    units: int
    error: int


class Lattice:
    """The type classes of a source with 2 or 3 distinct probabilities at blocklength n.

    Computations run at the current mpmath precision plus internal guard bits.
    """

    def __init__(self, source: GroupedSource, n: int) -> None:
        if source.groups not in (2, 3):
            raise ValueError("the lattice engine needs 2 or 3 distinct probabilities")
        self.source, self.n = source, n
        self.rowed = source.groups == 3
        masses = source.group_masses
        mult = source.multiplicities
        if self.rowed:
            self.a_r = masses[0]
            self.m_r, self.m_h, self.m_l = mult
            self.num_r, self.num_h, self.num_l = source.numerators
        else:
            self.a_r = Fraction(0)
            self.m_r, (self.m_h, self.m_l) = 1, mult
            self.num_r, (self.num_h, self.num_l) = 1, source.numerators
        self.q = masses[-2] / (masses[-2] + masses[-1])  # P(middle | not the row group)
        self.rows = range(n + 1) if self.rowed else range(1)
        values = source.values
        self._flog = [math.log(v) for v in values]  # float64 λ, for pre-screening only
        self._prec_cache: dict[int, tuple] = {}

    # -- exact structure -------------------------------------------------------------
    def counts(self, key: tuple[int, int]) -> tuple[int, ...]:
        """The composition (n_R, n_H, n_L) (or (n_H, n_L)) of class (u, s)."""
        u, s = key
        m = self.n - u
        return (u, s, m - s) if self.rowed else (s, m - s)

    def compare(self, a: tuple[int, int], b: tuple[int, int]) -> int:
        """Sign of P(class a sequence) − P(class b sequence), exactly."""
        ca, cb = self.counts(a), self.counts(b)
        left = right = 1
        for num, x, y in zip(self.source.numerators, ca, cb, strict=True):
            if x > y:
                left *= num ** (x - y)
            elif y > x:
                right *= num ** (y - x)
        return (left > right) - (left < right)

    def class_size(self, key: tuple[int, int]) -> int:
        """Exact number of sequences in class (u, s) (use only where it is small)."""
        u, s = key
        m = self.n - u
        return (math.comb(self.n, u) * self.m_r**u * math.comb(m, s)
                * self.m_h**s * self.m_l ** (m - s))

    # -- high-precision pieces --------------------------------------------------------
    def _logs(self) -> tuple[mpmath.mpf, ...]:
        """λ_R, λ_H, λ_L, ln A_R, ln(1 − A_R), ln q, ln(1 − q), ln m_R, ln m_H, ln m_L."""
        cached = self._prec_cache.get(mp.prec)
        if cached is None:
            lam = [mp.log(to_mpf(v)) for v in self.source.values]
            lam_r = lam[0] if self.rowed else mp.zero
            a_r = self.a_r
            cached = (lam_r, lam[-2], lam[-1],
                      mp.log(to_mpf(a_r)) if a_r else mp.zero, mp.log(to_mpf(1 - a_r)),
                      mp.log(to_mpf(self.q)), mp.log(to_mpf(1 - self.q)),
                      mp.log(self.m_r), mp.log(self.m_h), mp.log(self.m_l))
            self._prec_cache = {k: v for k, v in self._prec_cache.items() if isinstance(k, tuple)}
            self._prec_cache[mp.prec] = cached
        return cached

    def ell(self, key: tuple[int, int]) -> mpmath.mpf:
        """ℓ(u, s), the natural log of the probability of one sequence of the class."""
        lam_r, lam_h, lam_l = self._logs()[:3]
        u, s = key
        return u * lam_r + s * lam_h + (self.n - u - s) * lam_l

    def log_mass(self, key: tuple[int, int]) -> mpmath.mpf:
        """ln of the probability of class (u, s)."""
        logs = self._logs()
        u, s = key
        m = self.n - u
        value = _log_comb(m, s) + s * logs[5] + (m - s) * logs[6]
        if self.rowed:
            value += _log_comb(self.n, u) + u * logs[3] + m * logs[4]
        return value

    def log_size(self, key: tuple[int, int]) -> mpmath.mpf:
        """ln of the number of sequences in class (u, s)."""
        logs = self._logs()
        u, s = key
        m = self.n - u
        value = _log_comb(m, s) + s * logs[8] + (m - s) * logs[9]
        if self.rowed:
            value += _log_comb(self.n, u) + u * logs[7]
        return value

    def first_above(self, u: int, theta: mpmath.mpf) -> int:
        """The least s with ℓ(u, s) > θ (m + 1 if none); θ must not be a class value."""
        return self.first_above_rows([u], theta)[0]

    def first_above_rows(self, rows: list[int], theta: mpmath.mpf) -> list[int]:
        """:meth:`first_above` for many rows, in integer fixed point.

        In row u the boundary is x_u = x_0 − u·δ with x_0 = (θ − nλ_L)/(λ_H − λ_L)
        and δ = (λ_R − λ_L)/(λ_H − λ_L); both are rounded once to F fractional
        bits, so x_u is known to (2 + u) units of 2^-F.  A boundary within
        2^-(F/2) of an integer raises :class:`_Ambiguous`.
        """
        lam_r, lam_h, lam_l = self._logs()[:3]
        frac_bits = mp.prec
        with mp.workprec(mp.prec + 2 * self.n.bit_length() + 20):
            x0 = int(mp.nint(mp.ldexp((theta - self.n * lam_l) / (lam_h - lam_l), frac_bits)))
            delta = int(mp.nint(mp.ldexp((lam_r - lam_l) / (lam_h - lam_l), frac_bits)))
        one = 1 << frac_bits
        margin = 1 << (frac_bits - frac_bits // 2)
        out = []
        for u in rows:
            x = x0 - u * delta
            floor, rest = divmod(x, one)
            if rest < margin or one - rest < margin:
                raise _Ambiguous
            out.append(min(max(floor + 1, 0), self.n - u + 1))
        return out

    def _row_starts(self, rows: list[int], scale: int) -> dict[int, tuple[int, int]]:
        """Each row's mode s and its class mass in fixed point (units 2^-scale).

        One class mass is evaluated with log-gamma functions; the others follow
        by exact rational ratios between neighbouring classes (one small
        multiplication and division each), walking away from the most likely row.
        """
        n, q = self.n, self.q
        pn, pd = q.numerator, q.denominator - q.numerator
        rn, rd = self.a_r.numerator, self.a_r.denominator - self.a_r.numerator

        def mode(u: int) -> int:
            m = n - u
            return min(m, (m + 1) * pn // (pn + pd))

        if not self.rowed:
            s0 = mode(0)
            t0 = int(mp.floor(mp.ldexp(mp.exp(self.log_mass((0, s0))), scale)))
            return {0: (s0, t0)}
        u0 = min(max(int((n + 1) * self.a_r), rows[0]), rows[-1])
        s0 = mode(u0)
        t0 = int(mp.floor(mp.ldexp(mp.exp(self.log_mass((u0, s0))), scale)))
        starts = {u0: (s0, t0)}
        for direction in (+1, -1):
            u, s, t = u0, s0, t0
            while rows[0] <= u + direction <= rows[-1]:
                m = n - u
                if direction > 0:  # (u, s) -> (u + 1, s): row weight and binomial change
                    if s > m - 1:  # keep s inside the shorter row first
                        t = t * s * pd // ((m - s + 1) * pn)
                        s -= 1
                    t = t * (n - u) * rn * (m - s) * (pn + pd) // ((u + 1) * rd * m * pd)
                else:  # (u, s) -> (u - 1, s)
                    t = t * u * rd * (m + 1) * pd // ((n - u + 1) * rn * (m + 1 - s) * (pn + pd))
                u += direction
                m = n - u
                target = mode(u)
                while s < target:
                    t = t * (m - s) * pn // ((s + 1) * pd)
                    s += 1
                while s > target:
                    t = t * s * pd // ((m - s + 1) * pn)
                    s -= 1
                starts[u] = (s, t)
        return starts

    # -- float64 pre-screening (locating thresholds only) ------------------------------
    def class_threshold(self, a: int) -> float:
        """Binary source: a float θ halfway between ℓ(a − 1) and ℓ(a), so that the
        classes with ℓ > θ are exactly s ≥ a (0 ≤ a ≤ n + 1)."""
        lam_h, lam_l = self._flog[-2], self._flog[-1]
        return (a - 0.5) * lam_h + (self.n - a + 0.5) * lam_l

    def binary_log_tails(self, depth: float) -> tuple[int, list[float], list[float], bool]:
        """Binary source: the class-mass tails over the classes that can matter, in float64.

        With S ~ Bin(n, q) the number of symbols of the larger value, the classes
        whose mass is at least e^(−depth) times the largest form a window s_lo … s_hi
        (the pmf is unimodal); the classes left out weigh less than (n + 1)·e^(−depth)
        in total.  Returns (s_lo, up, down, logs): for a = s_lo + i (i = 0 … W + 1),
        up[i] ∝ P[S ≥ a] and down[i] ∝ P[S < a], normalised so that the window
        holds mass 1 — as plain numbers, or as their logarithms when ``logs``
        (depth beyond the float64 range).  Terms are walked from the mode outward
        by the exact neighbour ratio, one multiplication each; no special functions.
        """
        key = ("tails", math.ceil(depth))
        cached = self._prec_cache.get(key)
        if cached is not None:
            return cached
        n = self.n
        ratio = float(self.q / (1 - self.q))  # pmf(s + 1)/pmf(s) = (n − s)/(s + 1)·ratio
        mode = min(n, int((n + 1) * self.q))
        logs = depth > 700
        floor = -depth if logs else math.exp(-depth)
        log_ratio = math.log(ratio)
        walks = []
        for step in (+1, -1):
            out: list[float] = []
            t, s = (0.0 if logs else 1.0), mode
            while (s < n) if step > 0 else (s > 0):
                if step > 0:
                    factor = (n - s) / (s + 1)
                    t = t + math.log(factor) + log_ratio if logs else t * factor * ratio
                else:
                    factor = s / (n - s + 1)
                    t = t + math.log(factor) - log_ratio if logs else t * factor / ratio
                if t < floor:
                    break
                s += step
                out.append(t)
            walks.append(out)
        terms = walks[1][::-1] + [0.0 if logs else 1.0] + walks[0]
        add = _log_add if logs else operator.add
        down = [(-math.inf if logs else 0.0), *itertools.accumulate(terms, add)]
        up = [*itertools.accumulate(reversed(terms), add)][::-1] + [-math.inf if logs else 0.0]
        total = down[-1]
        if logs:
            up, down = [x - total for x in up], [x - total for x in down]
        else:
            up, down = [x / total for x in up], [x / total for x in down]
        cached = (mode - len(walks[1]), up, down, logs)
        self._prec_cache[key] = cached
        return cached

    def binary_log_mass_split(self, a: int, depth: float) -> tuple[float, float]:
        """Binary source: (ln P[S ≥ a], ln P[S < a]) in float64, a = 0 … n + 1 (see
        :meth:`binary_log_tails`; outside the window the tails are taken as 0 or 1)."""
        s_lo, up, down, logs = self.binary_log_tails(depth)
        i = min(max(a - s_lo, 0), len(up) - 1)
        if logs:
            return up[i], down[i]
        return (math.log(up[i]) if up[i] > 0 else -math.inf,
                math.log(down[i]) if down[i] > 0 else -math.inf)

    def float_ell_range(self) -> tuple[float, float]:
        lam = self._flog
        return self.n * min(lam), self.n * max(lam)

    def _float_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """Rows u and their float log weights ln w(u)."""
        if not self.rowed:
            return np.array([0]), np.array([0.0])
        u = np.arange(self.n + 1)
        logw = _binom_logpmf(u, self.n, float(self.a_r))
        return u, logw

    def _float_first_above(self, u: np.ndarray, theta: float) -> np.ndarray:
        lam_r = self._flog[0] if self.rowed else 0.0
        lam_h, lam_l = self._flog[-2], self._flog[-1]
        m = self.n - u
        x = (theta - u * lam_r - m * lam_l) / (lam_h - lam_l)
        return np.clip(np.floor(x) + 1, 0, m + 1)

    def float_log_mass_split(self, theta: float) -> tuple[float, float]:
        """(ln P[ℓ > θ], ln P[ℓ ≤ θ]) in float64, accurate in both tails."""
        u, logw = self._float_rows()
        keep = logw > logw.max() - 745
        u, logw = u[keep], logw[keep]
        a = self._float_first_above(u, theta)
        m = self.n - u
        q = float(self.q)
        with np.errstate(divide="ignore"):
            upper = logw + _binom_logsf(a - 1, m, q)
            lower = logw + _binom_logcdf(a - 1, m, q)
        return float(special.logsumexp(upper)), float(special.logsumexp(lower))

    def float_log_count_above(self, theta: float) -> float:
        """ln N(ℓ > θ) in float64, within a small factor (a geometric-series estimate)."""
        u = np.arange(self.n + 1) if self.rowed else np.array([0])
        a = self._float_first_above(u, theta)
        m = self.n - u
        ok = a <= m
        if not ok.any():
            return -math.inf
        u, a, m = u[ok], a[ok], m[ok]
        mh, ml, mr = self.m_h, self.m_l, self.m_r
        log_row = special.gammaln(self.n + 1) - special.gammaln(u + 1) - special.gammaln(m + 1)
        log_row = log_row + u * math.log(mr) if self.rowed else np.zeros_like(a, dtype=float)
        # Σ_{s ≥ a} C(m,s) m_H^s m_L^(m−s) = (m_H + m_L)^m P[Bin(m, m_H/(m_H+m_L)) ≥ a]
        with np.errstate(divide="ignore"):
            tail = m * math.log(mh + ml) + _binom_logsf(a - 1, m, mh / (mh + ml))
        first = (special.gammaln(m + 1) - special.gammaln(a + 1) - special.gammaln(m - a + 1)
                 + a * math.log(mh) + (m - a) * math.log(ml))
        ratio = (m - a) / (a + 1) * mh / ml
        with np.errstate(divide="ignore", invalid="ignore"):
            geometric = first - np.log1p(-np.minimum(ratio, 0.999999))
        row = np.where(np.isfinite(tail), np.maximum(tail, first), geometric)
        row = np.where(ratio < 0.5, geometric, row)
        return float(special.logsumexp(log_row + row))

    def float_log_count_at_most(self, theta: float) -> float:
        """ln N(ℓ ≤ θ) in float64 (rows whose binomial cdf underflows count as empty).

        The complement of :meth:`float_log_count_above` without its cancellation: for a
        count S close to the number of sequences the bracket is placed by this side.
        """
        u = np.arange(self.n + 1) if self.rowed else np.array([0])
        a = self._float_first_above(u, theta)
        m = self.n - u
        mh, ml, mr = self.m_h, self.m_l, self.m_r
        log_row = special.gammaln(self.n + 1) - special.gammaln(u + 1) - special.gammaln(m + 1)
        log_row = log_row + u * math.log(mr) if self.rowed else np.zeros_like(a, dtype=float)
        with np.errstate(divide="ignore"):
            below = m * math.log(mh + ml) + _binom_logcdf(a - 1, m, mh / (mh + ml))
        return float(special.logsumexp(log_row + below))

    # -- high-precision scans ----------------------------------------------------------
    def mass_scan(self, hi: mpmath.mpf, lo: mpmath.mpf, bits: int) -> MassScan:
        """Masses above ``hi``, of each class in (lo, hi], and at or below ``lo``.

        ``bits`` is the fixed-point scale; the scan visits every class of mass
        above about 2^-(bits + guard) and bounds the rest.
        """
        n = self.n
        guard = 2 * n.bit_length() + 16
        scale = bits + guard
        qn, qd = self.q.numerator, self.q.denominator
        pn, pd = qn, qd - qn  # q and 1 − q share the denominator qd
        with mp.workprec(scale + 2 * n.bit_length() + 40):
            rows, row_error = self._significant_rows(scale)
            above = below = 0
            error = row_error
            band: list[tuple[tuple[int, int], int]] = []
            starts = self._row_starts(rows, scale)
            firsts_hi = self.first_above_rows(rows, hi)
            firsts_lo = self.first_above_rows(rows, lo)
            for u, a_hi, a_lo in zip(rows, firsts_hi, firsts_lo, strict=True):
                m = n - u
                mode, start = starts[u]
                ups, up_tail = _walk(start, mode, m, pn, pd, +1)
                downs, down_tail = _walk(start, mode, m, pn, pd, -1)
                # A term k steps from the start errs by < k units, plus the start's error
                # (< 2 units per row step of the chain of row starts).
                length = len(ups) + len(downs) + 1
                error += up_tail + down_tail + length * (length + 2 * len(rows) + 4)
                low_s = mode - len(downs)
                terms = downs[::-1] + [start] + ups
                i_hi = min(max(a_hi - low_s, 0), len(terms))
                i_lo = min(max(a_lo - low_s, 0), len(terms))
                above += sum(terms[i_hi:])
                below += sum(terms[:i_lo])
                for i in range(i_lo, i_hi):
                    band.append(((u, low_s + i), terms[i] >> guard))
                # Band classes outside the walked range have mass below one unit.
                for s in range(max(a_lo, 0), min(a_hi, m + 1)):
                    if not low_s <= s < low_s + len(terms):
                        band.append(((u, s), 0))
        # each part is floored to whole units on its own (one unit per band class)
        return MassScan(bits, above >> guard, below >> guard,
                        (error >> guard) + 2 + len(band), band)

    def _significant_rows(self, scale: int) -> tuple[list[int], int]:
        """Rows whose weight exceeds 2^-scale, and a bound (units) on the rest."""
        if not self.rowed:
            return [0], 0
        u, logw = self._float_rows()
        cut = -scale * math.log(2) - 20
        keep = logw > cut
        rest = logw[~keep]
        bound = 0
        if rest.size:  # float estimate, inflated: each neglected row weighs < 2^-scale · e^-20
            bound = int(math.ceil(float(np.exp(special.logsumexp(rest) + scale * math.log(2))
                                        * 4))) + 1
        return [int(x) for x in u[keep]], bound

    def count_scan(self, hi: mpmath.mpf, bits: int) -> CountScan:
        """Number of sequences in classes with ℓ > hi, relative to the largest class there."""
        n = self.n
        guard = 2 * n.bit_length() + 16
        scale = bits + guard
        with mp.workprec(scale + 2 * n.bit_length() + 40):
            starts = []  # (u, s0, ln c(u, s0)) with s0 the largest class of the row above hi
            if self.rowed:
                u_all = np.arange(n + 1)
                a_float = self._float_first_above(u_all, float(hi))
                candidates = self._count_rows(u_all, a_float, scale)
            else:  # one row: nothing to pre-screen (and no numpy at start-up)
                u_all, candidates = [0], [0]
            for u, a in zip(candidates, self.first_above_rows(candidates, hi), strict=True):
                m = n - u
                if a > m:
                    continue
                mode = min(m, (m + 1) * self.m_h // (self.m_h + self.m_l))
                s0 = max(a, mode)
                starts.append((u, a, s0, self.log_size((u, s0))))
            if not starts:
                return CountScan(bits, mp.zero, 0, 0)
            log_ref = max(entry[3] for entry in starts)
            total = 0
            error = 0
            cn, cd = self.m_h, self.m_l
            for u, a, s0, log_c in starts:
                m = n - u
                start = int(mp.floor(mp.ldexp(mp.exp(log_c - log_ref), scale)))
                if start == 0:
                    error += 1 + (m + 1)  # every class of the row is below one unit
                    continue
                ups, up_tail = _walk(start, s0, m, cn, cd, +1)
                downs, down_tail = _walk(start, s0, m, cn, cd, -1, floor_s=a)
                total += start + sum(ups) + sum(downs)
                length = len(ups) + len(downs) + 1
                error += up_tail + down_tail + length * (length + 1) // 2 + 2
            error += len(u_all) - len(candidates)  # neglected rows (see _count_rows)
        return CountScan(bits, log_ref, total >> guard, (error >> guard) + 2)

    def _count_rows(self, u: np.ndarray, a: np.ndarray, scale: int) -> list[int]:
        """Rows whose largest class above the threshold is within 2^-scale of the largest."""
        if not self.rowed:
            return [0]
        m = self.n - u
        mode = np.floor((m + 1) * self.m_h / (self.m_h + self.m_l))
        s0 = np.minimum(np.maximum(a, mode), m)
        log_c = (special.gammaln(self.n + 1) - special.gammaln(u + 1) - special.gammaln(s0 + 1)
                 - special.gammaln(m - s0 + 1) + u * math.log(self.m_r)
                 + s0 * math.log(self.m_h) + (m - s0) * math.log(self.m_l))
        log_c = np.where(a <= m, log_c, -np.inf)
        # A neglected row holds at most (m + 1) classes, each < 2^-(scale + bitlen) of the top.
        cut = log_c.max() - (scale + 2 * self.n.bit_length() + 20) * math.log(2)
        return [int(x) for x in u[log_c > cut]]


def _walk(start: int, s: int, m: int, num: int, den: int, step: int,
          floor_s: int = 0) -> tuple[list[int], int]:
    """Fixed-point terms from a row's mode outward, and a bound on those not produced.

    Going up, t(s+1) = t(s)·(m − s)·num / ((s + 1)·den); going down, the inverse
    ratio.  Both ratios decrease monotonically away from the mode, so once the
    current term is below one unit and the ratio below 1, the rest is bounded by
    a geometric series.  The walk down stops at ``floor_s`` (not walked past).
    """
    out: list[int] = []
    t = start
    if step > 0:
        while s < m:
            t = t * (m - s) * num // ((s + 1) * den)
            s += 1
            if t == 0:
                ratio = Fraction((m - s) * num, (s + 1) * den)
                return out, _geometric_tail(ratio, m - s)
            out.append(t)
        return out, 0
    while s > floor_s:
        t = t * s * den // ((m - s + 1) * num)
        s -= 1
        if t == 0:
            ratio = Fraction(s * den, (m - s + 1) * num)
            return out, _geometric_tail(ratio, s - floor_s)
        out.append(t)
    return out, 0


def _geometric_tail(ratio: Fraction, remaining: int) -> int:
    """Bound (units) on the sum of the terms after one below a unit, ratio ≤ ``ratio``."""
    if remaining <= 0:
        return 0
    if ratio < 1:
        return min(math.ceil(ratio / (1 - ratio)), remaining) + 1
    return remaining + 1  # pragma: no cover - walks leave the mode only downhill


def _log_add(x: float, y: float) -> float:
    """ln(e^x + e^y) in float64."""
    if x < y:
        x, y = y, x
    return x + math.log1p(math.exp(y - x)) if y > -math.inf else x


def _log_comb(m: int, s: int) -> mpmath.mpf:
    if s == 0 or s == m:
        return mp.zero
    return mp.loggamma(m + 1) - mp.loggamma(s + 1) - mp.loggamma(m - s + 1)

"""Saddlepoint approximation of the n-letter excess-distortion limits (any alphabet).

An APPROXIMATION, not a bound and not an exact value.  The information density
S = ı(X^n) = Σ ln(1/P(X_i)) is a sum of n i.i.d. terms with cumulant generating
function n·κ(s), κ(s) = ln Σ_x P(x)^{1 − s}.  The most likely sequences are those
with S ≤ t, so

    mass:   P[S > t]                         (the excess probability at threshold t)
    count:  N{S ≤ t} = k^n · P_U[S ≤ t]       (U uniform on the k symbols of the support)

are two tail probabilities of the same sum under two exponentially tilted
measures.  Both tails share one saddlepoint ŝ, the root of κ'(ŝ) = t/n (under U
the saddlepoint is ŝ − 1), and each is evaluated by the Lugannani–Rice formula

    P[S ≥ t] ≈ 1 − Φ(w) + φ(w)(1/u − 1/w),   w = sgn(ŝ)√(2(ŝt − nκ(ŝ))),  u = ŝ√(nκ''(ŝ)).

Lattice correction.  When the log-probabilities are commensurable (every ratio
P(x)/P(y) is an integer power of one rational), S lives on a lattice n·c + hZ;
then u is replaced by (1 − e^{−ŝh})√(nκ''(ŝ))/h (Daniels' lattice form), tails
are taken at lattice points, and the partly covered level is split exactly as
in the exact engine.

* :func:`saddlepoint_least_count` — ln K*;
* :func:`saddlepoint_distortion` — D*_γ(n, M, ε) ≈ φ_γ(1/L)/n with L = K*/M;
* :func:`saddlepoint_excess` — ε*_γ(n, M, D) ≈ P[S > t] with N{S ≤ t} = M·⌊1/τ_γ(nD)⌋.

Its error against the exact values is measured in ``reports/benchmarks/``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.grouping import GroupedSource, group_source
from focalrd.numeric.errors import InvalidInputError

#: Precision of a threshold that only locates a lattice level.
_COARSE_BITS = 64
#: Largest alphabet and blocklength accepted.
MAX_SYMBOLS = 256
MAX_BLOCKLENGTH = 10**6


@dataclass(frozen=True)
class Lattice:
    """S ∈ n·offset + span·Z: every ln(1/v_i) = offset + span·k_i with integers k_i ≥ 0."""

    span: mpmath.mpf
    steps: tuple[int, ...]


class Cumulants:
    """κ(s) = ln Σ_x P(x)^{1−s} and its derivatives, for a grouped source."""

    def __init__(self, grouped: GroupedSource) -> None:
        self.grouped = grouped
        self.lattice_steps = lattice_steps(grouped)

    def _parts(self, s: mpmath.mpf):
        info = [-mp.log(mp.mpf(v.numerator) / v.denominator) for v in self.grouped.values]
        logs = [mp.log(m) + (1 - s) * -i for m, i in zip(self.grouped.multiplicities, info,
                                                         strict=True)]
        top = max(logs)
        weights = [mp.exp(x - top) for x in logs]
        total = mp.fsum(weights)
        return info, weights, total, top

    def kappa(self, s: mpmath.mpf) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf, mpmath.mpf]:
        """(κ, κ', κ'', κ''') at s: the tilted log-normaliser, mean, variance, third cumulant."""
        info, weights, total, top = self._parts(s)
        mean = mp.fsum(w * i for w, i in zip(weights, info, strict=True)) / total
        var = mp.fsum(w * (i - mean) ** 2 for w, i in zip(weights, info, strict=True)) / total
        third = mp.fsum(w * (i - mean) ** 3 for w, i in zip(weights, info, strict=True)) / total
        return top + mp.log(total), mean, var, third

    def span(self) -> mpmath.mpf | None:
        if self.lattice_steps is None:
            return None
        return lattice_span(self.grouped, self.lattice_steps)

    def info_range(self) -> tuple[mpmath.mpf, mpmath.mpf]:
        values = self.grouped.values
        return (-mp.log(mp.mpf(values[0].numerator) / values[0].denominator),
                -mp.log(mp.mpf(values[-1].numerator) / values[-1].denominator))


def _prime_exponents(q: Fraction) -> dict[int, int]:
    from sympy import factorint

    out = dict(factorint(q.numerator))
    for p, e in factorint(q.denominator).items():
        out[p] = out.get(p, 0) - e
    return out


def lattice_steps(grouped: GroupedSource) -> tuple[int, ...] | None:
    """Integers k_i with ln(v_0/v_i) = k_i·h for one h > 0, or None (non-lattice).

    Decided exactly from prime factorisations: the exponent vectors of the
    ratios v_0/v_i must all be integer multiples of one primitive vector.
    """
    values = grouped.values
    if len(values) == 1:
        return (0,)
    vectors = [_prime_exponents(values[0] / v) for v in values[1:]]
    primes = sorted({p for vec in vectors for p in vec})
    if max(p for p in primes) > 10**12:  # pragma: no cover - factorisation would dominate
        return None
    rows = [[vec.get(p, 0) for p in primes] for vec in vectors]
    base = rows[0]
    g = math.gcd(*base)
    primitive = [x // g for x in base]
    steps = [0]
    for row in rows:
        ratio = None
        for x, y in zip(row, primitive, strict=True):
            if y == 0:
                if x != 0:
                    return None
                continue
            if x % y:
                return None
            if ratio is None:
                ratio = x // y
            elif ratio != x // y:
                return None
        steps.append(ratio)
    if any(k <= 0 for k in steps[1:]):  # values are decreasing, so ratios exceed 1
        return None  # pragma: no cover
    common = math.gcd(*steps[1:])  # the span is the gcd of the differences, not the primitive
    return tuple(k // common for k in steps)


def lattice_span(grouped: GroupedSource, steps: tuple[int, ...]) -> mpmath.mpf:
    """h = ln(v_0/v_i)/k_i (any i with k_i > 0)."""
    for v, k in zip(grouped.values, steps, strict=True):
        if k:
            return mp.log(mp.mpf(grouped.values[0].numerator) / grouped.values[0].denominator
                          * v.denominator / v.numerator) / k
    return mp.zero  # pragma: no cover


def _check(source: Sequence[Fraction], n: int) -> GroupedSource:
    if len(source) > MAX_SYMBOLS:
        raise InvalidInputError("source", f"at most {MAX_SYMBOLS} symbols for the saddlepoint "
                                          "approximation", len(source))
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_BLOCKLENGTH:
        raise InvalidInputError("n", f"an integer from 1 to {MAX_BLOCKLENGTH}", n)
    grouped = group_source(tuple(Fraction(p) for p in source))
    if grouped.groups == 1:
        raise InvalidInputError("source", "a source with two or more distinct probabilities "
                                          "(equiprobable sources have a closed form: use d-star)",
                                None)
    return grouped


class _Tails:
    """Lugannani–Rice tails of S = ı(X^n) (lattice-corrected where S is lattice)."""

    def __init__(self, grouped: GroupedSource, n: int) -> None:
        self.c = Cumulants(grouped)
        self.n = n
        self.h = self.c.span()
        self.offset = -mp.log(mp.mpf(grouped.values[0].numerator) / grouped.values[0].denominator)
        self.log_k = mp.log(grouped.support)
        self.k0 = self.c.kappa(mp.zero)

    def saddle(self, t: mpmath.mpf) -> mpmath.mpf:
        """ŝ with κ'(ŝ) = t/n (bisection on a monotone function, then Newton polish)."""
        target = t / self.n
        low, high = mp.mpf(-1), mp.mpf(1)
        while self.c.kappa(low)[1] > target:
            low *= 2
            if low < -1e6:
                raise InvalidInputError("eps", "a value whose threshold is inside the range "
                                        "of the information density", None)
        while self.c.kappa(high)[1] < target:
            high *= 2
            if high > 1e6:
                raise InvalidInputError("eps", "a value whose threshold is inside the range "
                                        "of the information density", None)
        for _ in range(mp.prec + 20):
            mid = (low + high) / 2
            if self.c.kappa(mid)[1] < target:
                low = mid
            else:
                high = mid
            if high - low < mp.ldexp(1, -(mp.prec // 2)):
                break
        s = (low + high) / 2
        for _ in range(6):  # Newton: κ'' > 0 and s is already close
            _, mean, var, _ = self.c.kappa(s)
            s -= (mean - target) / var
        return s

    def upper(self, t: mpmath.mpf) -> mpmath.mpf:
        """P[S ≥ t] under P (t a lattice point when S is lattice)."""
        s = self.saddle(t)
        kap, _, var, third = self.c.kappa(s)
        return self._lugannani_rice(s, t, self.n * kap, self.n * var, self.n * third, upper=True)

    def lower_count_log(self, t: mpmath.mpf) -> mpmath.mpf:
        """ln N{S ≤ t} = n ln k + ln P_U[S ≤ t] (U uniform on the support)."""
        s = self.saddle(t)
        kap, _, var, third = self.c.kappa(s)
        kap1 = self.c.kappa(mp.one)[0]
        su = s - 1  # the saddlepoint under U
        k_u = self.n * (kap - kap1)
        tail = self._lugannani_rice(su, t, k_u, self.n * var, self.n * third, upper=False)
        return self.n * kap1 + mp.log(tail)

    def _lugannani_rice(self, s, t, k_value, k2, k3, upper: bool) -> mpmath.mpf:
        w2 = 2 * (s * t - k_value)
        if abs(s) < mp.ldexp(1, -(mp.prec // 4)):
            # at the mean: the limit 1/u − 1/w → −κ3/(6 κ2^{3/2}) (plus the lattice shift)
            correction = -k3 / (6 * k2**1.5)
            if self.h is not None:
                correction += self.h / (2 * mp.sqrt(k2)) * (1 if upper else -1)
            body = mp.mpf(1) / 2
            value = body + mp.npdf(0) * (correction if upper else -correction)
            return value
        w = mp.sign(s) * mp.sqrt(max(w2, mp.zero))
        if self.h is None:
            u = s * mp.sqrt(k2)
        elif upper:
            u = (1 - mp.exp(-s * self.h)) * mp.sqrt(k2) / self.h
        else:
            u = -(1 - mp.exp(s * self.h)) * mp.sqrt(k2) / self.h
        if upper:
            return 1 - mp.ncdf(w) + mp.npdf(w) * (1 / u - 1 / w)
        return mp.ncdf(w) + mp.npdf(w) * (1 / w - 1 / u)

    # -- lattice helpers -----------------------------------------------------------
    def on_lattice(self, t: mpmath.mpf, up: bool) -> mpmath.mpf:
        j = (t - self.n * self.offset) / self.h
        j = mp.ceil(j - mp.ldexp(1, -(mp.prec // 2))) if up else mp.floor(
            j + mp.ldexp(1, -(mp.prec // 2)))
        return self.n * self.offset + j * self.h


def _solve_increasing(f, target, low, high, iterations: int | None = None):
    """x in [low, high] with f(x) = target, f increasing (bisection).

    By default as many halvings as the working precision needs (a fixed 200 once left
    every digit past about the 60th wrong at high precision, identically at both of the
    confirmed path's precisions, so they agreed on wrong digits)."""
    if iterations is None:
        iterations = mp.prec + 2 * max(int(mp.log(abs(high - low) + 1, 2)), 0) + 20
    for _ in range(iterations):
        mid = (low + high) / 2
        if f(mid) < target:
            low = mid
        else:
            high = mid
        if high - low <= mp.ldexp(abs(mid) + 1, -(mp.prec - 8)):
            break
    return (low + high) / 2


def eps_threshold(source: Sequence[Fraction], n: int, eps: Fraction
                  ) -> tuple[_Tails, mpmath.mpf]:
    """(the tails, the threshold t with P[S ≥ t] = ε by the tail formula), at mp.prec."""
    grouped = _check(source, n)
    tails = _Tails(grouped, n)
    eps_mp = mp.mpf(eps.numerator) / eps.denominator
    low_i, high_i = tails.c.info_range()
    lo_t, hi_t = n * low_i, n * high_i
    # threshold t with P[S > t] = ε; P[S ≥ t] decreases in t
    span = hi_t - lo_t
    t = _solve_increasing(lambda x: -tails.upper(x), -eps_mp, lo_t + span * mp.mpf(10) ** -12,
                          hi_t - span * mp.mpf(10) ** -12)
    return tails, t


def count_threshold(tails: _Tails, log_covered: mpmath.mpf) -> mpmath.mpf:
    """The threshold t with ln N{S ≤ t} = ``log_covered`` by the tail formula, at mp.prec."""
    n = tails.n
    low_i, high_i = tails.c.info_range()
    lo_t, hi_t = n * low_i, n * high_i
    span = hi_t - lo_t
    # the count below t increases with t; solve ln N{S ≤ t} = ln S_cover
    mean_u = tails.c.kappa(mp.one)[1] * n
    return _solve_increasing(tails.lower_count_log, log_covered,
                             lo_t + span * mp.mpf(10) ** -12, min(hi_t, mean_u))


def saddlepoint_least_count(source: Sequence[Fraction], n: int, eps: Fraction) -> mpmath.mpf:
    """ln K*, approximately (see the module docstring).

    >>> mp.dps = 15
    >>> from fractions import Fraction as F
    >>> print(mp.nstr(saddlepoint_least_count((F(9, 10), F(1, 10)), 1000, F(1, 10)), 6))
    347.346
    """
    tails = _Tails(_check(source, n), n)
    if tails.h is None:
        tails, t = eps_threshold(source, n, eps)
    else:
        # on a lattice t only locates the crossing level, which the walk below settles at
        # the working precision: a coarse t is enough (and the solve is the costly part)
        with mp.workprec(_COARSE_BITS):
            t = eps_threshold(source, n, eps)[1]
    eps_mp = mp.mpf(eps.numerator) / eps.denominator
    lo_t = n * tails.c.info_range()[0]
    if tails.h is None:
        return tails.lower_count_log(t)
    # lattice: the crossing level t_j is where P[S ≥ t_j] > ε ≥ P[S ≥ t_j + h]
    t_j = tails.on_lattice(t, up=False)
    while tails.upper(t_j + tails.h) > eps_mp:
        t_j += tails.h
    while tails.upper(t_j) <= eps_mp:
        t_j -= tails.h
    below = tails.lower_count_log(t_j - tails.h) if t_j - tails.h >= lo_t else mp.ninf
    partial = (tails.upper(t_j) - eps_mp) * mp.exp(t_j)  # sequences taken from level t_j
    return mp.log(mp.exp(below) + partial) if below != mp.ninf else mp.log(partial)


def saddlepoint_distortion(source: Sequence[Fraction], gamma: Fraction, n: int,
                           log_m: mpmath.mpf, eps: Fraction) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(D*_γ(n, M, ε) ≈ φ_γ(1/L)/n, ln K*) with L = max(1, K*/M) (the ceiling where small)."""
    log_k = saddlepoint_least_count(source, n, eps)
    log_l = log_k - log_m
    if log_l <= 0:
        return mp.zero, log_k
    if log_l < 40:
        log_l = mp.log(mp.ceil(mp.exp(log_l)))
    g = mp.mpf(gamma.numerator) / gamma.denominator if isinstance(gamma, Fraction) else gamma
    value = (-mp.expm1(-log_l)) ** g * log_l if g else log_l
    return value / n, log_k


def saddlepoint_excess(source: Sequence[Fraction], n: int, log_covered: mpmath.mpf
                       ) -> mpmath.mpf:
    """ε* ≈ P[S > t] where N{S ≤ t} = S_cover sequences (given by ln S_cover)."""
    grouped = _check(source, n)
    tails = _Tails(grouped, n)
    lo_t = n * tails.c.info_range()[0]
    if log_covered >= n * tails.log_k:
        return mp.zero
    if tails.h is None:
        t = count_threshold(tails, log_covered)
    else:  # a coarse t locates the level; the walk below settles it at full precision
        with mp.workprec(_COARSE_BITS):
            t = count_threshold(_Tails(grouped, n), log_covered)
    if tails.h is None:
        return tails.upper(t)
    # lattice: fill whole levels, then part of the crossing level
    t_j = tails.on_lattice(t, up=True)
    while t_j - tails.h >= lo_t and tails.lower_count_log(t_j - tails.h) >= log_covered:
        t_j -= tails.h
    count_before = (mp.exp(tails.lower_count_log(t_j - tails.h)) if t_j - tails.h >= lo_t
                    else mp.zero)
    covered = mp.exp(log_covered)
    taken_mass = (covered - count_before) * mp.exp(-t_j)
    return max(mp.zero, tails.upper(t_j) - taken_mass)

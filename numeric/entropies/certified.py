"""A certified enclosure of max_P S_γ(P) on k ≤ 4 symbols by interval branch and bound.

    S_γ(P) = Σ_x f(P(x)),   f(p) = p (1 − p)^γ,   h_γ(k) = ln max_P S_γ(P).

Method.  The free coordinates are p_1, …, p_{k−1} and p_k = 1 − Σ p_i.  Because
S_γ is symmetric, the search is restricted to sorted points p_1 ≥ … ≥ p_k
(boxes that provably contain no sorted feasible point are discarded).  On a box
two upper bounds are computed and the smaller kept:

* the *natural* bound Σ_x max_{p ∈ I_x} f(p), where I_x is the range of p_x on
  the box; f increases on [0, 1/(γ+1)] and decreases after, so its maximum
  over an interval is f at the point of the interval nearest to 1/(γ+1);
* the *second-order* (Taylor) bound around the box centre c: with δ = p − c
  (Σ δ_x = 0) and M_x an upper bound of f'' on the range of p_x,
  S(p) ≤ S(c) + Σ_x [(f'(c_x) − μ)δ_x + M_x δ_x²/2] for any μ, each bracket a
  one-variable quadratic maximised exactly over its interval.  M_x uses the
  sign of f''' = γ(γ−1)(1 − p)^(γ−3)(3 − (γ+1)p) (derived in
  :mod:`focalrd.proofs.hgamma`): f'' is largest at the point nearest 3/(γ+1)
  for γ > 1, at the left end for γ < 1, and is −2 at γ = 1.

Every value is computed in rigorous interval arithmetic — Arb balls with python-flint
(the ``rigorous`` extra), else ``mpmath.iv`` with outward rounding; see
:mod:`focalrd.numeric.intervals` — so the upper bounds are rigorous; the lower bound
is S at a feasible point (box centres and any supplied candidate points), also from
an interval evaluation.
Boxes are processed best-first and split along their widest side until the gap
between the largest remaining upper bound and the best lower bound is at most
``rel_tol`` times the lower bound, or ``max_boxes`` have been split.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.display import ShortDisplay
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import focusing_parameter, positive_integer
from focalrd.numeric.intervals import Intervals, preferred

__all__ = [
    "Enclosure",
    "MAX_CERTIFIED_ALPHABET",
    "hgamma_max_enclosure",
]

#: Largest alphabet the branch and bound accepts (k − 1 ≤ 3 free coordinates).
MAX_CERTIFIED_ALPHABET = 4


@dataclass(frozen=True, repr=False)
class Enclosure(ShortDisplay):
    """lower ≤ max_P S_γ(P) ≤ upper, rigorously; ``boxes`` splits were needed.

    ``log_lower``/``log_upper`` enclose h_γ(k) = ln max S.  ``complete`` is
    False when ``max_boxes`` ran out before ``rel_tol`` was reached (the
    enclosure is still valid, only wider).  ``best_point`` is the feasible
    point that gave ``lower``.
    """

    lower: mpmath.mpf
    upper: mpmath.mpf
    log_lower: mpmath.mpf
    log_upper: mpmath.mpf
    boxes: int
    complete: bool
    best_point: tuple[mpmath.mpf, ...]
    #: the boxes (lo, hi) over p_1..p_{k−1} not discarded when the search stopped (each
    #: with an upper bound ≥ ``lower``): every sorted maximiser lies in one of them
    remaining: tuple[tuple[tuple[mpmath.mpf, ...], tuple[mpmath.mpf, ...]], ...] = field(
        default=(), repr=False, compare=False)


class _Bounds:
    """Interval evaluations of f and f' for one γ (γ > 0) in the arithmetic ``I``."""

    def __init__(self, gamma: Fraction, arithmetic: Intervals) -> None:
        self.I = arithmetic
        self.g = arithmetic.exact(gamma)
        self.gamma = gamma
        # The peak of f as an exact Fraction: 1/(γ+1).
        self.peak = 1 / (gamma + 1)

    def _interval(self, p):
        """An mpf point as an interval; an interval (from :func:`_clamp`) as it is."""
        return self.I.point(p) if isinstance(p, mpmath.mpf) else p

    def f(self, p: mpmath.mpf) -> Any:
        if isinstance(p, mpmath.mpf) and (p <= 0 or p >= 1):
            return self.I.exact(0)
        x = self._interval(p)
        I = self.I
        return x * I.exp(self.g * I.log(1 - x))

    def f_prime(self, p: mpmath.mpf) -> Any | None:
        """f'(p) = (1 − p)^(γ−1)(1 − (γ+1)p); None where it is infinite (γ < 1, p = 1)."""
        if isinstance(p, mpmath.mpf) and p >= 1:
            if self.gamma < 1:
                return None
            return self.I.exact(-1) if self.gamma == 1 else self.I.exact(0)
        x = self._interval(p)
        I = self.I
        return I.exp((self.g - 1) * I.log(1 - x)) * (1 - (self.g + 1) * x)

    def f_second(self, p: mpmath.mpf) -> Any | None:
        """f''(p) = γ(1 − p)^(γ−2)((γ+1)p − 2); None where it is infinite (γ < 2, p = 1)."""
        if isinstance(p, mpmath.mpf) and p >= 1:
            if self.gamma < 2:
                return None
            return self.I.exact(2) if self.gamma == 2 else self.I.exact(0)
        x = self._interval(p)
        I = self.I
        return self.g * I.exp((self.g - 2) * I.log(1 - x)) * ((self.g + 1) * x - 2)

    def f_second_max(self, lo: mpmath.mpf, hi: mpmath.mpf) -> mpmath.mpf | None:
        """An upper bound of f'' on [lo, hi], from the sign of the third derivative
        γ(γ−1)(1 − p)^(γ−3)(3 − (γ+1)p): f'' is constant (−2) at γ = 1, decreasing
        for γ < 1, and for γ > 1 increasing up to 3/(γ+1) and decreasing after."""
        if self.gamma == 1:
            return mp.mpf(-2)
        point = lo if self.gamma < 1 else _clamp(self.I, 3 / (self.gamma + 1), lo, hi)
        value = self.f_second(point)
        return None if value is None else self.I.upper(value)

    def f_max(self, lo: mpmath.mpf, hi: mpmath.mpf) -> mpmath.mpf:
        """An upper bound of max f on [lo, hi] ⊂ [0, 1]."""
        return self.I.upper(self.f(_clamp(self.I, self.peak, lo, hi)))


def _exact(x: mpmath.mpf) -> Fraction:
    man, exp = mpmath.mpf(x).man_exp
    return Fraction(int(man)) * Fraction(2) ** int(exp)


def _clamp(I: Intervals, x: Fraction, lo: mpmath.mpf, hi: mpmath.mpf) -> mpmath.mpf | Any:
    # Compare exactly: lo, hi are binary floating-point numbers, x a Fraction.
    if _exact(lo) >= x:
        return lo
    if _exact(hi) <= x:
        return hi
    # An interval enclosing x itself: f evaluated there bounds f(x) from above rigorously,
    # which an mpf rounding of x would not.
    return I.exact(x)


def _interval_sum(I: Intervals, values) -> Any:
    """Σ of intervals (or of mpf points, taken as intervals)."""
    total = I.exact(0)
    for value in values:
        total = total + (I.point(value) if isinstance(value, mpmath.mpf) else value)
    return total


def _last_range(I: Intervals, lo: Sequence[mpmath.mpf], hi: Sequence[mpmath.mpf]
                ) -> tuple[mpmath.mpf, mpmath.mpf] | None:
    """Outer bounds of p_k = 1 − Σ p_i over the box, clipped to [0, 1]; None if infeasible."""
    top = I.upper(1 - _interval_sum(I, lo))
    bottom = I.lower(1 - _interval_sum(I, hi))
    if top < 0:
        return None
    return max(bottom, mp.zero), min(top, mp.one)


class _Search:
    def __init__(self, k: int, gamma: Fraction, arithmetic: Intervals) -> None:
        self.k = k
        self.I = arithmetic
        self.bounds = _Bounds(gamma, arithmetic)

    def s_lower(self, point: Sequence[mpmath.mpf]) -> mpmath.mpf | None:
        """A lower bound of S at the feasible point (p_1..p_{k−1}, 1 − Σ), or None."""
        I = self.I
        last = 1 - _interval_sum(I, point)
        if I.lower(last) < 0:
            return None
        total = _interval_sum(I, (self.bounds.f(x) for x in point))
        # p_k is only known as an interval; f's minimum over an interval is at an end.
        f_last = min(I.lower(self.bounds.f(I.lower(last))),
                     I.lower(self.bounds.f(min(I.upper(last), mp.one))))
        return I.lower(total + I.point(f_last))

    def upper(self, lo: list[mpmath.mpf], hi: list[mpmath.mpf]) -> mpmath.mpf | None:
        """An upper bound of S on the sorted feasible part of the box, or None if empty."""
        for i in range(1, len(lo)):
            if lo[i] > hi[i - 1]:
                return None
        last = _last_range(self.I, lo, hi)
        if last is None or last[0] > hi[-1]:
            return None
        b = self.bounds
        natural = _interval_sum(self.I, [b.f_max(a, c) for a, c in zip(lo, hi, strict=True)]
                                + [b.f_max(*last)])
        natural = self.I.upper(natural)
        taylor = self._taylor(lo, hi, last)
        return natural if taylor is None else min(natural, taylor)

    def _taylor(self, lo: list[mpmath.mpf], hi: list[mpmath.mpf],
                last: tuple[mpmath.mpf, mpmath.mpf]) -> mpmath.mpf | None:
        """Second-order bound around the box centre c (None where it does not apply).

        With δ = p − c (all k coordinates, Σ δ_x = 0) and M_x ≥ f'' on the range of p_x,
        Taylor's theorem gives f(p_x) ≤ f(c_x) + f'(c_x)δ_x + M_x δ_x²/2, and for any μ
        S(p) ≤ S(c) + Σ_x [(f'(c_x) − μ)δ_x + M_x δ_x²/2]; each bracket is a quadratic
        in one variable, maximised over its interval.
        """
        b, I = self.bounds, self.I
        centre = [(a + c) / 2 for a, c in zip(lo, hi, strict=True)]
        c_last = 1 - _interval_sum(I, centre)
        if I.lower(c_last) != I.upper(c_last) or not 0 < I.lower(c_last) < 1:
            return None  # the centre is infeasible or not exactly representable
        points = centre + [I.lower(c_last)]
        ranges = list(zip(lo, hi, strict=True)) + [last]
        slopes = [b.f_prime(x) for x in points]
        curvatures = [b.f_second_max(a, c) for a, c in ranges]
        if any(v is None for v in slopes) or any(v is None for v in curvatures):
            return None
        mu = I.point(I.lower(_interval_sum(I, slopes) / len(slopes)))
        total = _interval_sum(I, (b.f(x) for x in points))
        for x, (a, c), slope, m in zip(points, ranges, slopes, curvatures, strict=True):
            g = slope - mu
            lo_d, hi_d = I.point(a) - I.point(x), I.point(c) - I.point(x)
            low_delta, high_delta = I.lower(lo_d), I.upper(hi_d)
            half_m = I.point(m) / 2
            best = max(I.upper(g * d + half_m * d * d) for d in (lo_d, hi_d))
            if m < 0:
                vertex = -g / I.point(m)
                if not (I.upper(vertex) < low_delta or I.lower(vertex) > high_delta):
                    best = max(best, I.upper(g * g / (-2 * I.point(m))))
            total += I.point(best)
        return I.upper(total)



def _split(search: _Search, lo: list[mpmath.mpf], hi: list[mpmath.mpf]) -> list[tuple]:
    """The two halves of a box along its widest side, each as (upper bound, lo, hi,
    S at its centre or None, the centre); halves without a sorted feasible point dropped."""
    axis = max(range(len(lo)), key=lambda i: hi[i] - lo[i])
    mid = (lo[axis] + hi[axis]) / 2
    out = []
    for a, c in ((lo[axis], mid), (mid, hi[axis])):
        new_lo, new_hi = list(lo), list(hi)
        new_lo[axis], new_hi[axis] = a, c
        upper = search.upper(new_lo, new_hi)
        if upper is None:
            continue
        centre = [(x + y) / 2 for x, y in zip(new_lo, new_hi, strict=True)]
        out.append((upper, new_lo, new_hi, search.s_lower(centre), tuple(centre)))
    return out


def hgamma_max_enclosure(k: int, gamma: Fraction | int | str, rel_tol: float = 1e-12,
                         max_boxes: int = 20_000,
                         candidates: Sequence[Sequence[mpmath.mpf]] = (),
                         arithmetic: Intervals | None = None,
                         isolate: float | None = None) -> Enclosure:
    """Rigorous bounds lower ≤ max_P S_γ(P) ≤ upper for 2 ≤ k ≤ 4 and γ > 0.

    ``candidates`` (full distributions, e.g. the result of a search) only
    tighten the lower bound; the enclosure is valid whatever they are.
    ``arithmetic`` defaults to Arb balls when python-flint is installed, else mpmath iv.
    With ``isolate`` the boxes that may hold a maximiser are split further until each is
    at most that wide (``Enclosure.remaining``: they isolate the maximisers).

    >>> e = hgamma_max_enclosure(2, 1)         # max is 1/2, at the uniform P
    >>> float(e.lower) <= 0.5 <= float(e.upper)
    True
    """
    k = positive_integer(k, "alphabet", minimum=2)
    if k > MAX_CERTIFIED_ALPHABET:
        raise InvalidInputError("alphabet", f"an integer from 2 to {MAX_CERTIFIED_ALPHABET}", k)
    gamma = focusing_parameter(gamma)
    if gamma == 0:
        raise InvalidInputError("gamma", "a number > 0 (S_0 = 1 for every P)", gamma)
    dps = max(mp.dps, 20) + 5
    chosen = arithmetic if arithmetic is not None else preferred()
    with chosen.precision(dps):
        return _branch_and_bound(k, gamma, rel_tol, max_boxes, candidates, chosen, isolate)


def _branch_and_bound(k: int, gamma: Fraction, rel_tol: float, max_boxes: int,
                      candidates: Sequence[Sequence[mpmath.mpf]],
                      arithmetic: Intervals, isolate: float | None = None) -> Enclosure:
    n = k - 1
    search = _Search(k, gamma, arithmetic)
    best, best_point = mp.mpf(-1), (mp.one,) * 0
    for point in [[mp.one / k] * n] + [list(c[:n]) for c in candidates]:
        value = search.s_lower(point)
        if value is not None and value > best:
            best, best_point = value, tuple(point)
    root = ([mp.zero] * n, [mp.one] * n)
    heap: list[tuple[mpmath.mpf, int, list, list]] = []
    counter = 0
    top = search.upper(*root)
    if top is not None:
        heap.append((-top, counter, *root))
    splits = 0
    while heap:
        neg_upper, _, lo, hi = heap[0]
        if -neg_upper - best <= rel_tol * abs(best) or splits >= max_boxes:
            break
        heapq.heappop(heap)
        splits += 1
        for child in _split(search, lo, hi):
            if child[0] < best:
                continue
            if child[3] is not None and child[3] > best:
                best, best_point = child[3], child[4]
            counter += 1
            heapq.heappush(heap, (-child[0], counter, child[1], child[2]))
    if isolate is not None:
        # split every box that may hold a maximiser until it is at most ``isolate`` wide
        pending, heap = heap, []
        while pending:
            neg_upper, count, lo, hi = pending.pop()
            if -neg_upper < best:
                continue
            if max(c - a for a, c in zip(lo, hi, strict=True)) <= isolate or \
                    splits >= max_boxes:
                heap.append((neg_upper, count, lo, hi))
                continue
            splits += 1
            for child in _split(search, lo, hi):
                if child[0] < best:
                    continue
                if child[3] is not None and child[3] > best:
                    best, best_point = child[3], child[4]
                counter += 1
                pending.append((-child[0], counter, child[1], child[2]))
        heapq.heapify(heap)
    upper = -heap[0][0] if heap else best
    upper = max(upper, best)
    point = tuple(best_point) + (1 - mp.fsum(best_point),)
    I = arithmetic
    log_lower = I.lower(I.log(I.point(best)))
    log_upper = I.upper(I.log(I.point(upper)))
    complete = upper - best <= rel_tol * abs(best)
    remaining = tuple((tuple(lo), tuple(hi)) for neg_upper, _, lo, hi in heap
                      if -neg_upper >= best)
    return Enclosure(best, upper, log_lower, log_upper, splits, complete, point, remaining)

"""Float64 pre-screens shared by the block engines (two or three groups, and four to eight).

A pre-screen only places float thresholds that bracket the crossing type class;
every decision is then taken again exactly (or with a rigorous bound) by the
engine that called it, so these functions need no error analysis of their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

__all__ = ["bisect", "falsi", "falsi_pair", "log_fraction", "mass_bracket"]


def log_fraction(q: Fraction) -> float:
    """ln q in float64 for a positive Fraction, without underflow for tiny q."""
    return math.log(q.numerator) - math.log(q.denominator)


def bisect(predicate: Callable[[float], bool], low: float, high: float, true_above: bool,
           steps: int = 200, relative_width: float = 0.0) -> float:
    """The boundary of a monotone predicate on [low, high], on its true side.

    Stops after ``steps`` halvings, when the interval can no longer be halved in
    float64, or when it is narrower than ``relative_width`` times the midpoint's size.
    """
    for _ in range(steps):
        mid = (low + high) / 2
        if mid in (low, high) or high - low < relative_width * (1 + abs(mid)):
            break
        if predicate(mid) == true_above:
            high = mid
        else:
            low = mid
    return high if true_above else low


def falsi(excess: Callable[[float], float], low: float, high: float, true_above: bool,
          steps: int = 200, relative_width: float = 0.0) -> float:
    """:func:`bisect` for the predicate ``excess(θ) <= 0``, by the Illinois rule.

    ``excess`` is monotone (a step function is fine); its values, not only their
    signs, place the next point, so a smooth stretch converges in a handful of
    evaluations instead of one per bit.  Infinite values fall back to halving.
    """
    # a: predicate false, b: predicate true
    a, b = (low, high) if true_above else (high, low)
    fa, fb = excess(a), excess(b)
    if fb > 0 or fa <= 0:  # the predicate does not change sign here: plain bisection decides
        return bisect(lambda th: excess(th) <= 0, low, high, true_above, steps, relative_width)
    side = 0
    for _ in range(steps):
        if abs(b - a) < relative_width * (1 + abs(a + b) / 2):
            break
        if math.isfinite(fa) and math.isfinite(fb) and fa != fb:
            mid = (a * fb - b * fa) / (fb - fa)
            if not min(a, b) < mid < max(a, b):
                mid = (a + b) / 2
        else:
            mid = (a + b) / 2
        if mid in (a, b):
            break
        fm = excess(mid)
        if fm <= 0:
            b, fb = mid, fm
            if side == -1:
                fa /= 2  # Illinois: the stale end's value is halved
            side = -1
        else:
            a, fa = mid, fm
            if side == 1:
                fb /= 2
            side = 1
    return b


def falsi_pair(decreasing: Callable[[float], float], low: float, high: float,
               upper_level: float, lower_level: float, steps: int = 200,
               relative_width: float = 0.0) -> tuple[float, float]:
    """hi > lo with g(hi) ≤ ``upper_level`` and g(lo) ≥ ``lower_level`` (g decreasing), tight.

    Both boundaries come from :func:`falsi` on one memoised g, the second search
    starting from the closest points the first one evaluated.
    """
    memo: dict[float, float] = {}

    def g(theta: float) -> float:
        value = memo.get(theta)
        if value is None:
            value = memo[theta] = decreasing(theta)
        return value

    def start(predicate: Callable[[float], bool], true_above: bool) -> tuple[float, float]:
        true = [t for t, v in memo.items() if predicate(v)]
        false = [t for t, v in memo.items() if not predicate(v)]
        if true_above:
            return max(false, default=low), min(true, default=high)
        return min(false, default=high), max(true, default=low)

    g(low), g(high)
    hi = falsi(lambda t: g(t) - upper_level, *sorted(start(lambda v: v <= upper_level, True)),
               True, steps, relative_width)
    lo = falsi(lambda t: lower_level - g(t), *sorted(start(lambda v: v >= lower_level, False)),
               False, steps, relative_width)
    return hi, lo


def mass_bracket(log_mass_split: Callable[[float], tuple[float, float]],
                 ell_range: tuple[float, float], eps: Fraction, eta: float,
                 steps: int = 200, relative_width: float = 0.0,
                 method: str = "bisect") -> tuple[float, float]:
    """Float thresholds hi > lo with P[ℓ > hi] < 1 − ε ≤ P[ℓ > lo], with a relative margin η.

    ``log_mass_split(θ)`` gives the float logs of the mass above and below θ; the side
    compared with its target is the smaller one, so the comparison keeps its digits.
    ``method`` "falsi" uses :func:`falsi` (fewer evaluations) instead of :func:`bisect`.
    """
    target = 1 - eps
    small_side = target <= Fraction(1, 2)
    log_t = log_fraction(target if small_side else eps)

    def beyond(theta: float, upper: bool) -> bool:
        log_above, log_below = log_mass_split(theta)
        if small_side:
            return (log_above <= log_t + math.log1p(-eta) if upper
                    else log_above >= log_t + math.log1p(eta))
        return (log_below >= log_t + math.log1p(eta) if upper
                else log_below <= log_t + math.log1p(-eta))

    low, high = ell_range
    low, high = low - 1.0, high + 1.0
    if method == "falsi":
        # one decreasing function for both sides: ln P[ℓ > θ], or −ln P[ℓ ≤ θ]
        if small_side:
            def side(theta: float) -> float:
                return log_mass_split(theta)[0]
            levels = (log_t + math.log1p(-eta), log_t + math.log1p(eta))
        else:
            def side(theta: float) -> float:
                return -log_mass_split(theta)[1]
            levels = (-(log_t + math.log1p(eta)), -(log_t + math.log1p(-eta)))
        return falsi_pair(side, low, high, *levels, steps=steps,
                          relative_width=relative_width)
    return (bisect(lambda th: beyond(th, True), low, high, True, steps, relative_width),
            bisect(lambda th: beyond(th, False), low, high, False, steps, relative_width))

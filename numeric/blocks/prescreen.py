"""Float64 pre-screens shared by the block engines (two or three groups, and four to eight).

A pre-screen only places float thresholds that bracket the crossing type class;
every decision is then taken again exactly (or with a rigorous bound) by the
engine that called it, so these functions need no error analysis of their own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from fractions import Fraction

__all__ = ["bisect", "log_fraction", "mass_bracket"]


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


def mass_bracket(log_mass_split: Callable[[float], tuple[float, float]],
                 ell_range: tuple[float, float], eps: Fraction, eta: float,
                 steps: int = 200, relative_width: float = 0.0) -> tuple[float, float]:
    """Float thresholds hi > lo with P[ℓ > hi] < 1 − ε ≤ P[ℓ > lo], with a relative margin η.

    ``log_mass_split(θ)`` gives the float logs of the mass above and below θ; the side
    compared with its target is the smaller one, so the comparison keeps its digits.
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
    return (bisect(lambda th: beyond(th, True), low, high, True, steps, relative_width),
            bisect(lambda th: beyond(th, False), low, high, False, steps, relative_width))

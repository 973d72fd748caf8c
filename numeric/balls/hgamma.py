"""Balls for h_γ(k) = ln max_P Σ_x f(P(x)), f(p) = p(1 − p)^γ, and its maximiser (k ≤ 4).

The proof has three parts, each decided by balls or exact rationals:

1. *Isolation* — the interval branch and bound of
   :func:`focalrd.numeric.entropies.certified.hgamma_max_enclosure` (over sorted points
   p_1 ≥ … ≥ p_k, with ``isolate``) discards every box whose rigorous upper bound of
   S_γ is below S_γ at a feasible point; every sorted maximiser lies in the boxes
   left, hence in their hull H (a box in p_1..p_{k−1}, with the range of p_k = 1 − Σ).
2. *Uniqueness* — every coordinate of H is > 0 and S_γ is strictly concave on the
   slice H ∩ {Σ p = 1}: its Hessian there is diag f''(p_x) restricted to Σ δ_x = 0,
   negative definite when every f''(p_x) < 0, or when only one, a_1, may be ≥ 0 and
   a_1 · Σ_{x≠1} 1/|a_x| < 1 (Cauchy–Schwarz: a_1 (Σ δ_x)² ≤ a_1 Σ 1/|a_x| · Σ |a_x| δ_x²),
   all for the worst ends of the f'' balls over H.  So H holds one critical point
   of S_γ on the simplex, and the maximiser, interior to the simplex, is it.
3. *The critical point* — the two-level point (1 − q, q/d, …, q/d), d = k − 1, is
   critical when g_d'(q) = f'(q/d) − f'(1 − q) = 0: q is enclosed by interval Newton
   (q = d/(d + 1), the uniform P, exactly when H contains 1/k in every coordinate), and
   its ball must lie in H.  Then it is the maximiser, and h_γ(k) = ln g_d(q).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.balls.arith import (
    ExactReal,
    Undecided,
    arb,
    current_bits,
    ends,
    exact,
    from_mpf,
    working_bits,
)
from focalrd.numeric.balls.phi import power_of_complement
from focalrd.numeric.balls.tau import interval_newton_root

__all__ = ["HgammaBalls", "NotIsolated", "hgamma_maximum", "in_hull"]

#: Boxes are split until at most this wide (the hull then lies well inside the region
#: where S_γ is strictly concave).
ISOLATION_WIDTH = 2.0**-14
#: Splits allowed before giving up (a flat S_γ, e.g. γ near 0, is not isolated in time).
MAX_SPLITS = 2000
_GUARD = 16
_NEWTON_STEPS = 60


class NotIsolated(Exception):
    """The branch and bound did not isolate one maximiser where S_γ is strictly concave."""


@dataclass(frozen=True)
class HgammaBalls:
    """h_γ(k) (nats), the sorted maximiser, and d."""

    value: arb
    maximizer: list[arb | ExactReal]
    d: int
    hull: list[tuple[Fraction, Fraction]]


def _exact_mpf(x: mpmath.mpf) -> Fraction:
    sign, man, exp, _ = mpmath.mpf(x)._mpf_
    value = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -value if sign else value


def _f(gamma: Fraction, p: arb) -> arb:
    return p * power_of_complement(gamma, p)


def _f1(gamma: Fraction, p: arb) -> arb:
    """f'(p) = (1 − p)^(γ−1)(1 − (γ+1)p)."""
    return power_of_complement(gamma, p, shift=1) * (1 - exact(gamma + 1) * p)


def _f2(gamma: Fraction, p: arb) -> arb:
    """f''(p) = γ(1 − p)^(γ−2)((γ+1)p − 2)."""
    return exact(gamma) * power_of_complement(gamma, p, shift=2) * (exact(gamma + 1) * p - 2)


def _range_ball(low: Fraction, high: Fraction) -> arb:
    """A ball containing [low, high]."""
    return (exact(low) + exact(high)) / 2 + arb(0, 1) * ((exact(high) - exact(low)) / 2)


def in_hull(point, hull: list[tuple[Fraction, Fraction]]) -> bool:
    """Whether every coordinate of ``point`` (Fractions, or balls by their ends) lies in the
    hull's range for it."""
    for x, (low, high) in zip(point, hull, strict=True):
        a, b = (x, x) if isinstance(x, Fraction) else ends(x)
        if not (low <= a and b <= high):
            return False
    return True


def _hull(k: int, gamma: Fraction) -> tuple[list[tuple[Fraction, Fraction]], tuple]:
    from focalrd.numeric.entropies.certified import hgamma_max_enclosure
    from focalrd.numeric.intervals import preferred

    with mp.workdps(20):
        enclosure = hgamma_max_enclosure(k, gamma, rel_tol=1e-12, max_boxes=MAX_SPLITS,
                                         arithmetic=preferred(), isolate=ISOLATION_WIDTH)
    boxes = enclosure.remaining
    if not boxes or any(max(h - lo for lo, h in zip(*box, strict=True)) > ISOLATION_WIDTH
                        for box in boxes):
        raise NotIsolated(f"the branch and bound did not isolate the maximiser within "
                          f"{MAX_SPLITS} boxes")
    lows = [min(_exact_mpf(b[0][i]) for b in boxes) for i in range(k - 1)]
    highs = [max(_exact_mpf(b[1][i]) for b in boxes) for i in range(k - 1)]
    last = (max(Fraction(0), 1 - sum(highs)), 1 - sum(lows))
    return list(zip(lows, highs, strict=True)) + [last], enclosure.best_point


def _strictly_concave(gamma: Fraction, hull: list[tuple[Fraction, Fraction]]) -> bool:
    if any(low <= 0 or high >= 1 for low, high in hull):
        return False
    second = [_f2(gamma, _range_ball(low, high)) for low, high in hull]
    unsure = [a for a in second if not a < 0]
    if len(unsure) > 1:
        return False
    if not unsure:
        return True
    others = sum((1 / -a for a in second if a < 0), arb(0))
    return bool(unsure[0] * others < 1)


def hgamma_maximum(k: int, gamma: Fraction) -> HgammaBalls:
    """Balls of h_γ(k) and its sorted maximiser, 2 ≤ k ≤ 4, γ > 0 (see the module)."""
    gamma = Fraction(gamma)
    hull, best_point = _hull(k, gamma)
    if not _strictly_concave(gamma, hull):
        raise NotIsolated("S_gamma is not shown strictly concave on the isolating boxes")
    d = k - 1
    uniform = [Fraction(1, k)] * k
    if in_hull(uniform, hull):
        # the uniform P is critical (every f'(1/k) equal) and lies in H: it is the maximiser
        value = exact(gamma) * (-exact(Fraction(1, k))).log1p()
        return HgammaBalls(value, [ExactReal(Fraction(1, k))] * k, d, hull)
    bits = current_bits()
    with working_bits(bits + _GUARD):
        q = _critical_q(gamma, d, 1 - from_mpf(mpmath.mpf(best_point[0])))
        point = sorted([1 - q] + [q / d] * d, key=lambda x: -float(x.mid()))
        if not in_hull(point, hull):
            raise Undecided("the two-level critical point is not shown inside the "
                            "isolating boxes")
        value = (_f(gamma, 1 - q) + d * _f(gamma, q / d)).log()
    return HgammaBalls(value, point, d, hull)


def _critical_q(gamma: Fraction, d: int, start: arb) -> arb:
    """q with g_d'(q) = f'(q/d) − f'(1 − q) = 0 near ``start`` (Newton on midpoints, then
    one interval Newton step; g_d'' = f''(q/d)/d + f''(1 − q))."""
    def slope(q: arb) -> arb:
        return _f1(gamma, q / d) - _f1(gamma, 1 - q)

    def curvature(q: arb) -> arb:
        return _f2(gamma, q / d) / d + _f2(gamma, 1 - q)

    q = start.mid()
    tolerance = arb(2) ** (8 - current_bits())
    for _ in range(_NEWTON_STEPS):
        step = (slope(q) / curvature(q)).mid()
        q = (q - step).mid()
        if abs(step) < tolerance:
            break
    return interval_newton_root(slope, curvature, q)

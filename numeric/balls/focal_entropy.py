"""Balls for the focal entropy F_γ(a), its minimiser q* and multiplier λ*, from the KKT system.

    F_γ(a) = min_q Σ_x a_x φ_γ(q_x)   over distributions q.

φ_γ is strictly convex with |φ_γ'(0+)| = ∞, so the minimiser is the unique
solution of the KKT conditions a_x |φ_γ'(q_x)| = λ (every x with a_x > 0), Σ q = 1
([focal-entropy.unique]).  With ψ_x(q) = a_x |φ_γ'(q)| strictly decreasing, each
q_x(λ) = ψ_x⁻¹(λ) decreases in λ, and so does Σ_x q_x(λ).

Method (an a-posteriori enclosure around the solution of
:func:`focalrd.numeric.oneshot.focal_entropy.focal_entropy_solution`):

1. For two exact multipliers λ₋ = λ̂(1 − η) and λ₊ = λ̂(1 + η), each y_x = ln q_x(λ) is
   enclosed by interval Newton on ln ψ_x(e^y) = ln λ (ln ψ_x is decreasing in y).
2. If the balls show Σ q(λ₋) > 1 > Σ q(λ₊), then λ* ∈ [λ₋, λ₊] and, by monotonicity,
   q*_x ∈ [q_x(λ₊), q_x(λ₋)]; otherwise η grows (the approximation was worse than
   assumed) and after a few tries the enclosure is given up (``Undecided``).
3. F_γ(a) = Σ_x a_x φ_γ(q*_x) evaluated on those balls, in y = ln q so that
   1 − q = −expm1(y) keeps its relative accuracy when q is close to 1.

At γ = 0 the solution is exact: q = a/Σa, λ = Σa and F = Σ a ln(Σa/a).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from mpmath import mp

from focalrd.numeric.balls.arith import (
    ExactReal,
    Undecided,
    arb,
    current_bits,
    exact,
    from_mpf,
    working_bits,
)
from focalrd.numeric.balls.tau import interval_newton_root
from focalrd.numeric.oneshot.focal_entropy import _distinct, grouped_solution

__all__ = [
    "FocalEntropyBalls",
    "focal_entropy",
    "kkt_residual",
]

_GUARD = 24


@dataclass(frozen=True)
class FocalEntropyBalls:
    """Balls of F_γ(a), of the minimiser (exact 0 where a_x = 0) and of the multiplier λ."""

    value: arb | ExactReal
    minimizer: tuple[arb | ExactReal, ...]
    multiplier: arb | ExactReal


def _log_slope(log_a: arb, g: arb, y: arb) -> arb:
    """ln ψ(e^y) = ln a + (γ − 1) ln(1 − e^y) + ln(γ ln(1/q) + (1 − q)/q), q = e^y."""
    return log_a + (g - 1) * (-y.expm1()).log() + (-g * y + (-y).expm1()).log()


def _log_slope_derivative(g: arb, y: arb) -> arb:
    """d/dy ln ψ(e^y) = −(γ − 1) q/(1 − q) − (γ + 1/q)/(γ ln(1/q) + (1 − q)/q)."""
    q = y.exp()
    s = (-y).expm1()
    return -(g - 1) * q / (-y.expm1()) - (g + 1 / q) / (-g * y + s)


def _log_minimizer(log_a: arb, g: arb, log_lambda: arb, start: arb) -> arb:
    """A ball of y = ln q(λ), the root of ln ψ(e^y) = ln λ, near the exact point ``start``."""
    return interval_newton_root(lambda y: _log_slope(log_a, g, y) - log_lambda,
                                lambda y: _log_slope_derivative(g, y), start, positive=False)


def _between(y_high: arb, y_low: arb) -> arb:
    """The ball of y* = ln q*: λ* ∈ [λ₋, λ₊] and q decreases in λ, so y* ∈ [y(λ₊), y(λ₋)]."""
    return y_high.union(y_low)


def _log_loss(values: list[Fraction]) -> FocalEntropyBalls:
    total = sum(values, Fraction(0))
    value = arb(0)
    for a in values:
        if a > 0:
            value += exact(a) * exact((total - a) / a).log1p()
    return FocalEntropyBalls(value, tuple(ExactReal(a / total) for a in values),
                             ExactReal(total))


def focal_entropy(a: Sequence[Fraction], gamma: Fraction) -> FocalEntropyBalls:
    """Balls of F_γ(a), its minimiser and its multiplier (a ≥ 0 exact, not all 0).

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(80):
    ...     print(focal_entropy([Fraction(1, 2)] * 2, 2).value.str(15, radius=False))  # ln(2)/4
    0.173286795139986
    """
    values = [Fraction(v) for v in a]
    gamma = Fraction(gamma)
    positive = [v for v in values if v > 0]
    if len(positive) == 1:  # a single symbol: q = 1, nothing to balance
        multiplier = positive[0] if gamma == 0 else Fraction(0)
        return FocalEntropyBalls(ExactReal(Fraction(0)),
                                 tuple(ExactReal(Fraction(v > 0)) for v in values),
                                 ExactReal(multiplier))
    if gamma == 0:
        return _log_loss(values)
    if len(set(positive)) == 1:  # equal entries: q = 1/k exactly (by symmetry), λ = a|φ'(1/k)|
        from focalrd.numeric.balls.phi import focal_loss, focal_slope

        k, share = len(positive), Fraction(1, len(positive))
        return FocalEntropyBalls(exact(positive[0] * k) * focal_loss(gamma, share),
                                 tuple(ExactReal(share if v > 0 else Fraction(0))
                                       for v in values),
                                 exact(positive[0]) * focal_slope(gamma, share))
    bits = current_bits()
    distinct, counts, group = _distinct(tuple(values))  # equal entries share q_x
    with mp.workprec(bits):
        solution = grouped_solution(distinct, counts, gamma)
    with working_bits(bits + _GUARD):
        g = exact(gamma)
        log_a = [exact(v).log() for v in distinct]
        starts = [from_mpf(q).log().mid() for q in solution.minimizer]
        centre = from_mpf(solution.multiplier)
        eta = arb(2) ** (12 - bits)
        for _ in range(4):
            low, high = (centre * (1 - eta)).mid(), (centre * (1 + eta)).mid()
            pairs = list(zip(log_a, starts, strict=True))
            ys_low = [_log_minimizer(la, g, low.log(), y) for la, y in pairs]
            ys_high = [_log_minimizer(la, g, high.log(), y) for la, y in pairs]
            mass_low = sum((c * y.exp() for c, y in zip(counts, ys_low, strict=True)), arb(0))
            mass_high = sum((c * y.exp() for c, y in zip(counts, ys_high, strict=True)), arb(0))
            if mass_low > 1 and mass_high < 1:
                break
            eta *= 2**16
        else:
            raise Undecided("the KKT multiplier of the focal entropy could not be bracketed")
        ys = [_between(yh, yl) for yh, yl in zip(ys_high, ys_low, strict=True)]
        value = arb(0)
        for v, c, y in zip(distinct, counts, ys, strict=True):
            value += c * exact(v) * (g * (-y.expm1()).log()).exp() * -y
        per_value = [y.exp() for y in ys]
        minimizer = tuple(per_value[i] if i >= 0 else ExactReal(Fraction(0)) for i in group)
        return FocalEntropyBalls(value, minimizer, low.union(high))


def kkt_residual(a: Sequence[Fraction], gamma: Fraction, q: Sequence[Fraction],
                 multiplier: Fraction) -> arb:
    """max(max_x |a_x |φ_γ'(q_x)|/λ − 1|, |Σ q − 1|) at exact (printed) q and λ, as a ball.

    Entries with a_x = 0 enter only the sum; λ = 0 (a single symbol) gives 0.
    """
    from focalrd.numeric.balls.phi import focal_slope

    if multiplier == 0:
        return arb(0)
    terms = [exact(abs(sum(q, Fraction(0)) - 1))]
    for ax, qx in zip(a, q, strict=True):
        if ax > 0:
            if not 0 < qx < 1:
                raise Undecided("a printed minimiser entry is outside (0, 1)")
            terms.append(abs(exact(ax) * focal_slope(gamma, qx) / exact(multiplier) - 1))
    best = terms[0]
    for term in terms[1:]:
        best = arb.max(best, term)
    return best

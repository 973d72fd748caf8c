"""Balls for the n-letter excess-distortion limit past exact enumeration (issue 21).

* :func:`count_ball` — K* from the rigorous ingredients of
  :func:`focalrd.numeric.blocks.count_parts.least_count_parts`: the hull of
  [N⁻ + C + r⁻/p_G, N⁺ + C + U + r⁺/p_G + 1], with N(ℓ > hi) = (units ∓ error)·2^-bits·e^s
  (s an exact binary number), class sizes and probabilities from their compositions by
  Arb's log-gamma.
* :func:`list_size` — L* = ⌈K*/M⌉: exact when K* and M are, or when the ball of K*/M
  decides its ceiling; else ln L* ∈ [ln(K*/M), ln(K*/M) + log1p(M/K*)] (since
  K*/M ≤ L* < K*/M + 1), and L* = 1 when K*/M ≤ 1.
* :func:`uncovered_ball` — ε* = 1 − P(the S most likely sequences) from
  :func:`~focalrd.numeric.blocks.count_parts.uncovered_parts` and a ball (or the exact
  integer) S = M·L.
* :func:`phi_of_inverse` — φ_γ(1/L*) = (1 − e^(−ln L*))^γ ln L* from the ln L* ball.

An integer that a ball must decide (a printed K* or L*) and does not raises
:class:`~.arith.Undecided` (the caller moves to more precision).
"""

from __future__ import annotations

import math
from fractions import Fraction

from focalrd.numeric.balls.arith import (
    Undecided,
    arb,
    current_bits,
    ends,
    exact,
    from_mpf,
    working_bits,
)
from focalrd.numeric.balls.phi import focal_loss, power_of_complement
from focalrd.numeric.blocks.count_parts import Classes, CountParts, ScaledCount, UncoveredParts

__all__ = ["count_ball", "decided_integer", "list_size", "log_codebook", "log_list_bound",
           "phi_of_inverse", "uncovered_ball"]


class _ClassBalls:
    """Balls of |class| and of the probability of one of its sequences, from compositions
    (Arb's log-gamma; ln v_i and ln m_i computed once)."""

    def __init__(self, classes: Classes) -> None:
        self.n = classes.n
        self.log_values = [exact(v).log() for v in classes.values]
        self.log_mults = [exact(m).log() for m in classes.multiplicities]
        self.log_n = arb(self.n + 1).lgamma()

    def log_size(self, c: tuple[int, ...]) -> arb:
        value = self.log_n
        for ci, log_m in zip(c, self.log_mults, strict=True):
            value = value - arb(ci + 1).lgamma() + ci * log_m
        return value

    def log_p(self, c: tuple[int, ...]) -> arb:
        value = arb(0)
        for ci, log_v in zip(c, self.log_values, strict=True):
            value = value + ci * log_v
        return value

    def total_size(self, compositions) -> arb:
        return sum((self.log_size(c).exp() for c in compositions), arb(0))

    def total_mass(self, compositions) -> arb:
        return sum(((self.log_size(c) + self.log_p(c)).exp() for c in compositions), arb(0))


def _guarded(n: int) -> int:
    """Working bits for sums of class sizes e^(ln |class|), |ln| up to about n ln k: the
    absolute error of the logarithm becomes a relative error of the size."""
    return current_bits() + 2 * n.bit_length() + 16


def _scaled(count: ScaledCount) -> tuple[arb, arb]:
    """(N⁻, N⁺) of the count scan."""
    scale = from_mpf(count.log_scale).exp()
    return (exact(count.exact) + arb((max(0, count.units - count.error), -count.bits)) * scale,
            exact(count.exact) + arb((count.units + count.error, -count.bits)) * scale)


def _hull(low: arb, high: arb) -> arb:
    return low.union(high)


def count_ball(parts: CountParts) -> arb:
    """A ball containing K* (see :mod:`focalrd.numeric.blocks.count_parts`).

    Raises Undecided when the balls do not show that the crossing class G is the one
    (0 < r⁻ and r⁺ ≤ P(G)).
    """
    with working_bits(_guarded(parts.classes.n)):
        balls = _ClassBalls(parts.classes)
        unit = arb((1, -parts.bits))
        before_mass = balls.total_mass(parts.before)
        r_low = exact(parts.target) - (parts.above + 2 * parts.error) * unit - before_mass
        r_high = exact(parts.target) - (parts.above - parts.error) * unit - before_mass
        log_p = balls.log_p(parts.group[0])
        group_mass = balls.total_size(parts.group) * log_p.exp()
        if not (r_low > 0 and r_high <= group_mass):
            raise Undecided("the balls do not confirm the crossing type class of K*")
        inverse_p = (-log_p).exp()
        n_low, n_high = _scaled(parts.count)
        before = balls.total_size(parts.before)
        unlisted = parts.error * unit * inverse_p  # sequences of unlisted classes above G
        # K* = N(above G) + ⌈r/p_G⌉, ⌈y⌉ ∈ [⌈y⁻⌉, ⌈y⁺⌉] (or [y⁻, y⁺ + 1) when too large)
        remainder = _ceiling_hull(r_low * inverse_p, r_high * inverse_p)
        low = n_low + before + remainder.lower()
        high = n_high + before + unlisted + remainder.upper()
        return _integer_hull(low, high)


def _small(x: arb) -> bool:
    """Whether the ends of ``x`` are small enough to be expanded as Fractions."""
    return bool(abs(x) < arb(2) ** (current_bits() + 16))


def _ceiling_hull(low: arb, high: arb) -> arb:
    """A ball containing ⌈y⌉ for every y in [low, high]."""
    if _small(high) and _small(low):
        return _hull(exact(math.ceil(ends(low)[0])), exact(math.ceil(ends(high)[1])))
    return _hull(low, high + 1)


def _integer_hull(low: arb, high: arb) -> arb:
    """The hull of [low, high] for an integer in it, its ends rounded inward when small."""
    if _small(high) and _small(low):
        return _hull(exact(math.ceil(ends(low)[0])), exact(math.floor(ends(high)[1])))
    return _hull(low, high)


def decided_integer(ball: arb) -> int | None:
    """The only integer in ``ball`` (known to contain one), or None when it holds two."""
    low, high = ends(ball)
    first, last = math.ceil(low), math.floor(high)
    return first if first == last else None


def log_codebook(m_exact: int | None, x: arb) -> arb:
    """ln M: exact M, or M = ⌊e^x⌋ known by x = nR (nR ln 2): ln M ∈ [x − 2e^(−x), x]."""
    if m_exact is not None:
        return exact(m_exact).log()
    return (x - 2 * (-x).exp()).union(x)


#: Past exact enumeration L* (K*) at or above this is printed by its logarithm (the
#: confirmed path's rule).
_PRINTED_LIMIT = 1 << 64


def list_size(k: int | arb, m_exact: int | None, log_m: arb) -> tuple[int | None, arb]:
    """(L* when the balls decide it, else None; a ball of ln L*).

    Undecided only when L* < 2^64 (the confirmed path prints such an L* in full).
    """
    if not isinstance(k, int) and _small(k):
        low, high = ends(k)
        if low == high and low.denominator == 1:
            k = int(low)  # a ball of radius 0: K* exactly (else ⌈K*/M⌉ meets an integer)
    if isinstance(k, int) and m_exact is not None:
        value = -(-k // m_exact)
        return value, exact(value).log()
    log_k = exact(k).log() if isinstance(k, int) else k.log()
    log_ratio = log_k - log_m
    if log_ratio <= 0:
        return 1, arb(0)
    ratio = log_ratio.exp()
    if ratio < arb(2) ** (current_bits() + 16):  # ends small enough to expand exactly
        low, high = ends(ratio)
        if low > 0 and math.ceil(low) == math.ceil(high):
            value = max(1, math.ceil(low))
            return value, exact(value).log()
    if ratio > _PRINTED_LIMIT:
        return None, log_ratio.union(log_ratio + (-log_ratio).exp().log1p())
    raise Undecided("the ball of K*/M does not decide L* = ceil(K*/M)")


def phi_of_inverse(gamma: Fraction, ell: int | None, log_l: arb) -> arb:
    """φ_γ(1/L*), from L* exactly or from the ball of ln L* (≥ 0)."""
    if ell is not None:
        return focal_loss(gamma, Fraction(1, ell))
    t = log_l
    if gamma == 0:
        return t
    return power_of_complement(gamma, (-t).exp()) * t


def log_list_bound(t: arb) -> arb:
    """ln L for L = ⌊e^t⌋ known by t (t large): ln L ∈ [t + log1p(−e^(−t)), t]."""
    return (t + (-(-t).exp()).log1p()).union(t)


def uncovered_ball(parts: UncoveredParts, s: int | arb) -> arb:
    """A ball containing 1 − P(the S most likely sequences) (see UncoveredParts).

    Raises Undecided when the ball of x = S − N(more likely than G) is not inside
    [0, size(G)] (G is then not shown to be the class where the top S ends).
    """
    with working_bits(_guarded(parts.classes.n)):
        balls = _ClassBalls(parts.classes)
        unit = arb((1, -parts.bits))
        n_low, n_high = _scaled(parts.count)
        before = balls.total_size(parts.before)
        log_p = balls.log_p(parts.group[0])
        p = log_p.exp()
        unlisted = parts.unlisted * unit * (-log_p).exp()
        s_ball = exact(s) if isinstance(s, int) else s
        x = _hull(s_ball - (n_high + before + unlisted), s_ball - (n_low + before))
        group_size = balls.total_size(parts.group)
        if not (x >= 0 and x <= group_size):
            raise Undecided("the ball of S does not fall inside the covering type class")
        tail = _hull(arb((max(0, parts.tail - parts.error), -parts.bits)),
                     arb((parts.tail + parts.error, -parts.bits)))
        return tail + (group_size - x) * p

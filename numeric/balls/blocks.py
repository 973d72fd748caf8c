"""Balls for the n-letter excess-distortion limit past exact enumeration (issue 21).

* :func:`count_ball` — K* from the rigorous ingredients of
  :func:`focalrd.numeric.blocks.count_parts.least_count_parts`: the hull of
  [C + N⁻ + ⌈r⁻/p_G⌉, C + N⁺ + ⌈r⁺/p_G⌉ + ⌊U⌋], with N(ℓ > hi) = (units ∓ error)·2^-bits·e^s
  evaluated in Arb (s an exact binary number).
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

from focalrd.numeric.balls.arith import Undecided, arb, current_bits, ends, exact, from_mpf
from focalrd.numeric.balls.phi import focal_loss, power_of_complement
from focalrd.numeric.blocks.count_parts import CountParts, UncoveredParts

__all__ = ["count_ball", "decided_integer", "list_size", "log_codebook", "log_list_bound",
           "phi_of_inverse", "uncovered_ball"]


def count_ball(parts: CountParts) -> arb:
    """A ball containing K* (see the module docstring)."""
    low_r, high_r = parts.remainder_range()
    n_low, n_high = _scaled_count(parts.scaled_units, parts.scaled_error, parts.scaled_bits,
                                  parts.log_scale)
    low = exact(parts.exact + low_r) + n_low
    high = exact(parts.exact + high_r) + n_high
    return low.union(high)


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


def _scaled_count(units: int, error: int, bits: int, log_scale) -> tuple[arb, arb]:
    scale = from_mpf(log_scale).exp()
    return (arb((max(0, units - error), -bits)) * scale,
            arb((units + error, -bits)) * scale)


def log_list_bound(t: arb) -> arb:
    """ln L for L = ⌊e^t⌋ known by t (t large): ln L ∈ [t + log1p(−e^(−t)), t]."""
    return (t + (-(-t).exp()).log1p()).union(t)


def uncovered_ball(parts: UncoveredParts, s: int | arb) -> arb:
    """A ball containing 1 − P(the S most likely sequences) (see UncoveredParts)."""
    n_low, n_high = _scaled_count(parts.scaled_units, parts.scaled_error, parts.scaled_bits,
                                  parts.log_scale)
    above_low = exact(parts.exact) + n_low
    above_high = exact(parts.exact + math.floor(parts.unlisted)) + n_high
    s_ball = exact(s) if isinstance(s, int) else s
    x = (s_ball - above_high).union(s_ball - above_low)
    if not (x >= 0 and x <= exact(parts.group_size)):
        raise Undecided("the ball of S does not fall inside the covering type class")
    tail = arb((max(0, parts.tail_units - parts.tail_error), -parts.bits)).union(
        arb((parts.tail_units + parts.tail_error, -parts.bits)))
    return tail + exact(parts.group_mass) - x * exact(parts.p)

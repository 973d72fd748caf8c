"""Balls for the one-shot tilted-information converse of ε*_γ(M, d) ([excess.tilted-bounds]).

    sup_{β > 0} P[ȷ_γ(X, d) ≥ ln M + β] − e^(−β)
      = max(0, max over x with M·P(x) < τ of P[P(X) ≤ P(x)] − M·P(x)/τ),

attained at β = ln(τ/(M·P(x))) (see :func:`focalrd.numeric.oneshot.excess.tilted_converse`).
Every comparison (M·P(x) < τ, and which candidate is largest) is decided by a ball
that excludes zero: τ is irrational unless it is 1 (d = 0) or, in bits, 2^−m, and
those rational cases are detected exactly beforehand, so no comparison is ever a tie.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from mpmath import mp

from focalrd.numeric.balls.arith import ExactReal, Undecided, arb, current_bits, exact
from focalrd.numeric.balls.tau import log_inverse_tau
from focalrd.numeric.oneshot.floors import threshold_level

__all__ = ["tilted_converse"]


def tilted_converse(p: Sequence[Fraction], gamma: Fraction, codewords: int, d: Fraction,
                    bits: bool = False) -> tuple[arb | ExactReal, arb | None]:
    """Balls of the tilted converse and of its optimal β (None when the bound is the trivial 0).

    ``d`` is in nats, or in bits when ``bits``; the source ``p`` is exact.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     bound, beta = tilted_converse([Fraction(1, 4)] * 4, Fraction(0), 1, Fraction(0))
    >>> bound, beta.str(10, radius=False)     # 1 − 1/4 at β = ln 4
    (ExactReal(value=Fraction(3, 4)), '1.386294361')
    """
    masses: dict[Fraction, Fraction] = {}
    for v in p:
        if v > 0:
            masses[v] = masses.get(v, Fraction(0)) + v
    with mp.workprec(max(current_bits(), 64)):
        _, exact_tau = threshold_level(gamma, d, bits)
    if exact_tau is None:
        tau = (-log_inverse_tau(gamma, d, bits)).exp()
    best: arb | Fraction = Fraction(0)
    best_beta: arb | Fraction | None = None
    mass = Fraction(0)
    for x in sorted(masses):
        mass += masses[x]
        if exact_tau is not None:
            if codewords * x >= exact_tau:
                break
            ratio = codewords * x / exact_tau
            bound: arb | Fraction = mass - ratio
            beta: arb = -exact(ratio).log()
            if bound > best:
                best, best_beta = bound, beta
            continue
        scaled = exact(codewords * x)
        if not _less(scaled, tau, "M·P(x) − τ"):
            break
        ratio_ball = scaled / tau
        bound = exact(mass) - ratio_ball
        if _greater(bound, best):
            best, best_beta = bound, -ratio_ball.log()
    return (ExactReal(best) if isinstance(best, Fraction) else best), best_beta


def _less(a: arb, b: arb, what: str) -> bool:
    difference = a - b
    if difference < 0:
        return True
    if difference > 0:
        return False
    raise Undecided(f"the ball of {what} contains 0")


def _greater(a: arb, b: arb | Fraction) -> bool:
    difference = a - (exact(b) if isinstance(b, Fraction) else b)
    if difference > 0:
        return True
    if difference < 0:
        return False
    raise Undecided("two candidates of the tilted converse are not separated")

"""Balls for the source quantities: H, V, Q⁻¹ and the normal approximation of D*.

Sources are exact distributions (tuples of Fractions summing to 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from focalrd.numeric.balls.arith import arb, exact

__all__ = [
    "dispersion",
    "entropy",
    "inverse_q",
    "normal_approximation",
]

#: Up to this many distinct probabilities V is summed pairwise (every term ≥ 0).
_PAIRWISE_LIMIT = 300


def _masses(source: Sequence[Fraction]) -> dict[Fraction, Fraction]:
    """Total mass of each distinct positive probability."""
    masses: dict[Fraction, Fraction] = {}
    for p in source:
        if p > 0:
            masses[p] = masses.get(p, Fraction(0)) + p
    return masses


def entropy(source: Sequence[Fraction]) -> arb:
    """H(P) = Σ_x P(x) ln(1/P(x)) in nats, as a ball.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(entropy((Fraction(1, 2), Fraction(1, 2))).str(15, radius=False))   # ln 2
    0.693147180559945
    """
    total = arb(0)
    for p, mass in _masses(source).items():
        total += exact(mass) * -exact(p).log()
    return total


def dispersion(source: Sequence[Fraction]) -> arb:
    """V = Var[ln 1/P(X)] in nats², as a ball.

    Method: V = ½ Σ_x Σ_y P(x)P(y)(ln P(x) − ln P(y))², summed over pairs of
    distinct probabilities a < b with masses m_a, m_b as Σ m_a m_b log1p((b − a)/a)²
    (every term ≥ 0, the argument exact); past 300 distinct probabilities as
    Σ m_a (ln(1/a) − H)², whose ball keeps the cancellation's error.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(dispersion((Fraction(1, 2), Fraction(1, 2))))   # no spread: exactly 0
    0
    """
    masses = _masses(source)
    values = sorted(masses)
    total = arb(0)
    if len(values) <= _PAIRWISE_LIMIT:
        for i, a in enumerate(values):
            for b in values[i + 1:]:
                total += exact(masses[a] * masses[b]) * exact((b - a) / a).log1p() ** 2
        return total
    h = entropy(source)
    for a in values:
        total += exact(masses[a]) * (-exact(a).log() - h) ** 2
    return total


def inverse_q(eps: Fraction) -> arb:
    """Q⁻¹(ε) for ε ∈ (0, 1), the inverse of Q(x) = P[N(0, 1) > x], as a ball.

    Q(x) = erfc(x/√2)/2, so Q⁻¹(ε) = √2·erfcinv(2ε) (Arb's rigorous erfcinv; no
    cancellation for small ε).

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(inverse_q(Fraction(1, 40)).str(12, radius=False))
    1.95996398454
    """
    return arb(2).sqrt() * exact(2 * Fraction(eps)).erfcinv()


def normal_approximation(source: Sequence[Fraction], n: int, rate: arb | Fraction,
                         eps: Fraction) -> arb:
    """H − R + √(V/n)·Q⁻¹(ε) − (ln n)/(2n) per symbol, in nats (R in nats), as a ball.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(normal_approximation((Fraction(1, 2),) * 2, 100, Fraction(1, 2),
    ...                                Fraction(1, 10)).str(12, radius=False))
    0.170121329630
    """
    r = rate if isinstance(rate, arb) else exact(rate)
    return (entropy(source) - r + (dispersion(source) / n).sqrt() * inverse_q(eps)
            - arb(n).log() / (2 * n))

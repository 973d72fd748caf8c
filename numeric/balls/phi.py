"""Balls for the focal-loss profile φ_γ(p) = (1 − p)^γ ln(1/p) and its slope.

Arguments are exact (γ, p rational) or balls; an exact p keeps 1 − p exact, so
that p near 1 loses nothing to cancellation.
"""

from __future__ import annotations

from fractions import Fraction

from focalrd.numeric.balls.arith import arb, current_bits, exact, working_bits

__all__ = [
    "focal_loss",
    "focal_slope",
    "power_of_complement",
]


def _ball(x: Fraction | int | arb) -> arb:
    return x if isinstance(x, arb) else exact(x)


def power_of_complement(gamma: Fraction | int, p: Fraction | int | arb,
                        shift: int = 0) -> arb:
    """(1 − p)^(γ − shift) as a ball, for p ∈ [0, 1) (an exact p keeps 1 − p exact).

    Computed as exp((γ − shift)·log1p(−p)), which keeps full relative accuracy
    for small p.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(power_of_complement(Fraction(2), Fraction(1, 2)).str(5, radius=False))
    0.25000
    """
    g = Fraction(gamma) - shift
    if g == 0:
        return arb(1)
    # e^x with |x| up to |γ ln(1 − p)| loses about log2|x| bits of relative accuracy to the
    # absolute error of x: computed with that many guard bits
    with working_bits(current_bits() + abs(int(g)).bit_length() + 8):
        if isinstance(p, arb):
            return (exact(g) * (-p).log1p()).exp()
        q = 1 - Fraction(p)
        if g.denominator == 1 and abs(g.numerator) <= 64:
            return exact(q) ** int(g)  # small integer powers: exact where q is dyadic
        return (exact(g) * exact(q).log()).exp() if q >= Fraction(1, 2) else \
            (exact(g) * exact(-Fraction(p)).log1p()).exp()


def focal_loss(gamma: Fraction | int, p: Fraction | int | arb) -> arb:
    """φ_γ(p) = (1 − p)^γ · ln(1/p) for γ ≥ 0 and p ∈ (0, 1], as a ball.

    Method: ln(1/p) = −log1p(−(1 − p)) when 1 − p < 1/2 (no cancellation near
    p = 1), else −ln p; the power as in :func:`power_of_complement`.  φ_γ(1) = 0
    exactly.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(focal_loss(0, Fraction(1, 2)).str(15, radius=False), focal_loss(2, 1))
    0.693147180559945 0
    """
    if not isinstance(p, arb):
        p = Fraction(p)
        if p == 1:
            return arb(0)
        q = 1 - p
        u = -(-exact(q)).log1p() if q < Fraction(1, 2) else -exact(p).log()
    else:
        u = -p.log()
    if gamma == 0:
        return u
    return power_of_complement(gamma, p) * u


def focal_slope(gamma: Fraction | int, p: Fraction | int | arb) -> arb:
    """−φ_γ'(p) = (1 − p)^(γ−1) (γ ln(1/p) + (1 − p)/p) > 0 on (0, 1), as a ball.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(60):
    ...     print(focal_slope(0, Fraction(1, 4)).str(10, radius=False))   # 1/p
    4.000000000
    """
    g = Fraction(gamma)
    if isinstance(p, arb):
        u, s = -p.log(), (1 - p) / p
    else:
        p = Fraction(p)
        q = 1 - p
        u = -(-exact(q)).log1p() if q < Fraction(1, 2) else -exact(p).log()
        s = exact(q / p)
    return power_of_complement(g, p, shift=1) * (exact(g) * u + s)

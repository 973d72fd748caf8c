"""A ball for t = ln(1/τ_γ(d)) by interval Newton, and for τ_γ(d) = e^(−t).

t is the root of

    G(t) = ln t + γ ln(1 − e^(−t)) − ln d,

which is strictly increasing on (0, ∞) (G'(t) = 1/t + γ/(e^t − 1) > 0), so the
root is unique.  Method: an approximation t̂ (from
:func:`focalrd.numeric.tau.log_inverse_tau` at the working precision) and a
trial interval T = [t̂ − r, t̂ + r] ⊂ (0, ∞); one interval Newton step

    N(T) = t̂ − G(t̂) / G'(T)

encloses every root in T, and N(T) ⊂ T proves that one exists there (G' > 0 on
T).  The root is then in N(T), a ball of radius about |G(t̂)|/G' plus the
rounding of G.  When N(T) ⊄ T, r is enlarged a few times before giving up
(:class:`~focalrd.numeric.balls.arith.Undecided`).
"""

from __future__ import annotations

from fractions import Fraction

from mpmath import mp

from focalrd.numeric.balls.arith import (
    Undecided,
    arb,
    current_bits,
    exact,
    from_mpf,
    working_bits,
)
from focalrd.numeric.tau import log_inverse_tau as approximate_log_inverse_tau

__all__ = [
    "interval_newton_root",
    "log_inverse_tau",
    "tau",
]

#: Guard bits of the ball evaluation over the working precision.
_GUARD = 20


def _log_one_minus_exp(t: arb) -> arb:
    """ln(1 − e^(−t)) for t > 0, with full relative accuracy on both sides of ln 2."""
    return (-(-t).exp()).log1p() if t > 1 else (-(-t).expm1()).log()


def _defining(g: arb, log_d: arb, t: arb) -> arb:
    """G(t) = ln t + γ ln(1 − e^(−t)) − ln d."""
    return t.log() + g * _log_one_minus_exp(t) - log_d


def _slope(g: arb, t: arb) -> arb:
    """G'(t) = 1/t + γ/(e^t − 1), as γ e^(−t)/(1 − e^(−t)) for t > 1 (no overflow)."""
    if t > 1:
        e = (-t).exp()
        return 1 / t + g * e / (1 - e)
    return 1 / t + g / t.expm1()


def interval_newton_root(function, slope, centre: arb, positive: bool = True) -> arb:
    """A ball containing a root of ``function`` near the exact point ``centre``.

    ``slope(T)`` must enclose the derivative on the ball T and exclude 0 there.
    One interval Newton step N = c − f(c)/f'(T) from the trial ball T = [c ± r]; if
    N ⊂ T the root exists, is unique in T, and lies in N.  r starts at four times
    the Newton correction (plus a few units in the last place) and grows by 2^16
    on failure; with ``positive`` the trial ball is kept inside (0, ∞).
    """
    value = function(centre)
    derivative = slope(centre)
    if not value.is_finite() or not derivative.is_finite() or derivative.contains(0):
        raise Undecided("the Newton step is not defined at the approximation")
    radius = (abs(value) / abs(derivative)).upper() * 4 + abs(centre).upper() \
        * arb(2) ** (8 - current_bits())
    for _ in range(6):
        if positive and not radius < centre:
            radius = centre / 2
        trial = centre + arb(0, radius.upper())
        step = centre - value / slope(trial)
        if step.is_finite() and trial.contains(step):
            return step
        radius = radius * 2**16
    raise Undecided("interval Newton could not enclose the root")


def log_inverse_tau(gamma: Fraction, d: Fraction, in_bits: bool = False) -> arb:
    """A ball containing t = ln(1/τ_γ(d)), the root of t(1 − e^(−t))^γ = d.

    ``d`` is exact, in nats, or in bits when ``in_bits`` (the level is then d·ln 2).
    d = 0 gives t = 0 and γ = 0 gives t = d (d·ln 2), exactly.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(80):
    ...     print(log_inverse_tau(1, 1).str(15, radius=False))   # t(1 − e^−t) = 1
    1.34997648540113
    """
    gamma, d = Fraction(gamma), Fraction(d)
    if d == 0:
        return arb(0)
    bits = current_bits()
    if gamma == 0:
        return exact(d) * arb.const_log2() if in_bits else exact(d)
    with mp.workprec(bits):
        level = mp.mpf(d.numerator) / d.denominator * mp.ln2 if in_bits else d
        approximation = approximate_log_inverse_tau(gamma, level)
    with working_bits(bits + _GUARD):
        g = exact(gamma)
        log_d = exact(d).log() + (arb.const_log2().log() if in_bits else 0)
        return interval_newton_root(lambda t: _defining(g, log_d, t), lambda t: _slope(g, t),
                                    from_mpf(approximation))


def tau(gamma: Fraction, d: Fraction, in_bits: bool = False) -> arb:
    """A ball containing τ_γ(d) = e^(−t), t from :func:`log_inverse_tau` (d in bits with
    ``in_bits``).

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(80):
    ...     print(tau(Fraction(0), Fraction(1)).str(15, radius=False))   # e^(−1)
    0.367879441171442
    """
    bits = current_bits()
    t = log_inverse_tau(gamma, d, in_bits)
    extra = 0
    if t > 2:
        # e^(−t) to p bits needs t to p bits after the point, i.e. p + log2(t) bits of t
        # (t ≈ d for large d), and Arb's exp the same bits to reduce t modulo ln 2: with
        # the working precision alone the ball of τ_γ(10^20) contained 0.
        size = t.upper().ceil().unique_fmpz()
        extra = int(size).bit_length() + 2 if size is not None else bits
        with working_bits(bits + extra):
            t = log_inverse_tau(gamma, d, in_bits)
    with working_bits(bits + extra + 10):
        return (-t).exp()

"""Second-order asymptotics of the excess-distortion limit ([n.second-order]).

    D*_γ(n, R, ε) = H − R + √(V/n)·Q^{-1}(ε) − (ln n)/(2n) + O(1/n)   (every γ ≥ 0),

with V = Var[ı_X(X)] the source dispersion.  The right side without O(1/n) is
the *normal approximation*.  For a binary source with P(1) = p,
V = p(1 − p)·ln²((1 − p)/p).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric import inputs
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.inputs import Real
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import dispersion, entropy

__all__ = ["binary_dispersion", "inverse_q", "normal_approximation"]


def inverse_q(eps: Fraction | mpmath.mpf) -> mpmath.mpf:
    """Q^{-1}(ε), the inverse of the Gaussian tail Q(x) = P[N(0,1) > x], for ε ∈ (0, 1).

    Q^{-1}(ε) = √2·erfinv(1 − 2ε), with guard bits for the cancellation in 1 − 2ε:
    as many as the tail min(ε, 1 − ε) is below 1/2.  An exact ε is checked and its
    tail and 1 − 2ε formed exactly, so ε = 1 − 10^-80 is not rounded to 1 first.

    >>> mp.dps = 15
    >>> inverse_q(Fraction(1, 2))
    mpf('0.0')
    >>> inverse_q(Fraction(1, 40))       # about 1.96
    mpf('1.9599639845400543')
    >>> inverse_q(1 - Fraction(1, 10**80))
    mpf('-18.991635878820208')
    """
    # An exact ε is compared and folded exactly: 1 − 10^-80 rounds to 1 at 30 digits, and
    # both the range test and the guard must see the distance to 1, not the rounded value.
    exact = isinstance(eps, Fraction)
    if not 0 < eps < 1:
        raise InvalidInputError("eps", "a number in (0, 1)", eps)
    nearest_end = min(eps, 1 - eps)
    guard = 20 + max(0, -int(mp.mag(to_mpf(nearest_end) if exact else nearest_end)))
    with mp.workprec(mp.prec + guard):
        x = to_mpf(1 - 2 * eps) if exact else 1 - 2 * mp.mpf(eps)
        value = mp.sqrt(2) * mp.erfinv(x)
    return +value


def binary_dispersion(p: Fraction) -> mpmath.mpf:
    """V = p(1 − p)·ln²((1 − p)/p), the dispersion of a Bernoulli(p) source (closed form)."""
    p = Fraction(p)
    with mp.workprec(mp.prec + 20):
        # ln((1 − p)/p) = log1p((1 − 2p)/p), the argument exact: no cancellation near p = 1/2.
        log_ratio = mp.log1p(to_mpf((1 - 2 * p) / p))
        value = to_mpf(p) * to_mpf(1 - p) * log_ratio**2
    return +value


def normal_approximation(source: Sequence[Real] | str, n: int | str, rate: Real, eps: Real,
                         *, bits: bool = False) -> mpmath.mpf:
    """H − R + √(V/n)·Q^{-1}(ε) − (ln n)/(2n), per symbol in nats (R in nats).

    With ``bits=True`` (the CLI's ``--bits``) R is read in bits and the value is
    returned in bits.  Arguments are read as described in :mod:`focalrd.numeric.inputs`.

    >>> mp.dps = 15
    >>> normal_approximation((Fraction(1, 2), Fraction(1, 2)), 100, Fraction(1, 2), Fraction(1, 10))
    mpf('0.17012132963000484')
    """
    source = inputs.source(source)
    n = inputs.blocklength(n)
    eps = inputs.excess_probability(eps)
    rate = inputs.real(rate, "rate")
    if rate < 0:
        raise InvalidInputError("rate", "a finite number >= 0", rate)
    bits = inputs.flag(bits)
    with mp.workprec(mp.prec + 20):
        r = to_mpf(rate) * (mp.ln2 if bits else 1)
        value = (entropy(source) - r + mp.sqrt(dispersion(source) / n) * inverse_q(eps)
                 - mp.log(n) / (2 * n))
        if bits:
            value /= mp.ln2
    return +value

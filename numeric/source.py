"""The source P_X, the class weighting, and its information quantities (THEORY.md §1, §6).

Distributions are tuples of exact ``Fraction`` entries (see
:func:`focalrd.numeric.exact.distribution`); the weighting ω and the re-weighted
source R_X are computed exactly, information quantities at the current mpmath
precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.precision import to_mpf

Distribution = Sequence[Fraction]


def class_weights(source: Distribution, weights: Distribution) -> tuple[Fraction, ...]:
    """ω(x) = Q(x) / Σ_a P_X(a) Q(a), exactly; E_{P_X}[ω(X)] = 1.

    >>> from fractions import Fraction as F
    >>> class_weights((F(1, 4), F(3, 4)), (F(1, 2), F(1, 2)))
    (Fraction(1, 1), Fraction(1, 1))
    """
    norm = sum((p * q for p, q in zip(source, weights, strict=True)), Fraction(0))
    return tuple(q / norm for q in weights)


def reweighted_source(source: Distribution, weights: Distribution) -> tuple[Fraction, ...]:
    """R_X(x) = P_X(x) ω(x), the re-weighted source (a distribution), exactly."""
    omega = class_weights(source, weights)
    return tuple(p * w for p, w in zip(source, omega, strict=True))


def information(source: Distribution, x: int) -> mpmath.mpf:
    """ı_X(x) = ln(1/P_X(x)) (+∞ where P_X(x) = 0)."""
    p = source[x]
    if p == 0:
        return mp.inf
    with mp.workprec(mp.prec + 10):
        value = -mp.log(to_mpf(p))
    return +value


def entropy(source: Distribution) -> mpmath.mpf:
    """H(P) = Σ_x P(x) ln(1/P(x)) in nats (0 ln 0 = 0).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> print(entropy((F(1, 2), F(1, 2))))
    0.693147180559945
    """
    with mp.workprec(mp.prec + 10 + len(source).bit_length()):
        value = mp.fsum(to_mpf(p) * -mp.log(to_mpf(p)) for p in source if p > 0)
    return +value


def dispersion(source: Distribution) -> mpmath.mpf:
    """V(P) = Var[ı_X(X)] = Σ_x P(x) (ln(1/P(x)) − H)², the source dispersion.

    Computed as a sum of squares around H, which has no cancellation.

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> print(dispersion((F(1, 2), F(1, 2))))
    0.0
    """
    with mp.workprec(mp.prec + 20 + len(source).bit_length()):
        h = entropy(source)
        value = mp.fsum(to_mpf(p) * (-mp.log(to_mpf(p)) - h) ** 2 for p in source if p > 0)
    return +value

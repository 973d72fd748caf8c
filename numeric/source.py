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

from focalrd.numeric import inputs
from focalrd.numeric.exact import weighting
from focalrd.numeric.precision import to_mpf

__all__ = [
    "class_weights",
    "dispersion",
    "entropy",
    "information",
    "reweighted_source",
]

Distribution = Sequence[Fraction]


def class_weights(source: Distribution, weights: Distribution) -> tuple[Fraction, ...]:
    """ω(x) = Q(x) / Σ_a P_X(a) Q(a), exactly; E_{P_X}[ω(X)] = 1.

    >>> from fractions import Fraction as F
    >>> class_weights((F(1, 4), F(3, 4)), (F(1, 2), F(1, 2)))
    (Fraction(1, 1), Fraction(1, 1))
    """
    source = inputs.source(source)
    weights = weighting(source, weights)
    norm = sum((p * q for p, q in zip(source, weights, strict=True)), Fraction(0))
    return tuple(q / norm for q in weights)


def reweighted_source(source: Distribution, weights: Distribution) -> tuple[Fraction, ...]:
    """R_X(x) = P_X(x) ω(x), the re-weighted source (a distribution), exactly."""
    source = inputs.source(source)
    omega = class_weights(source, weights)
    return tuple(p * w for p, w in zip(source, omega, strict=True))


def information(source: Distribution | str, x: int) -> mpmath.mpf:
    """ı_X(x) = ln(1/P_X(x)) (+∞ where P_X(x) = 0); ``x`` is a symbol 0, …, k − 1."""
    source = inputs.source(source)
    x = _symbol(x, len(source))
    p = source[x]
    if p == 0:
        return mp.inf
    with mp.workprec(mp.prec + 10):
        value = -mp.log(to_mpf(p))
    return +value


def _symbol(x: object, size: int) -> int:
    if isinstance(x, bool) or not isinstance(x, int) or not 0 <= x < size:
        from focalrd.numeric.errors import InvalidInputError

        raise InvalidInputError("x", f"a symbol: an integer from 0 to {size - 1}", x)
    return x


def entropy(source: Distribution | str, *, bits: bool = False) -> mpmath.mpf:
    """H(P) = Σ_x P(x) ln(1/P(x)) in nats (0 ln 0 = 0); in bits with ``bits=True``.

    ``source`` is read as described in :mod:`focalrd.numeric.inputs` (a sequence or
    a comma-separated string such as ``"0.89,0.11"``).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> print(entropy((F(1, 2), F(1, 2))))
    0.693147180559945
    """
    source = inputs.source(source)
    with mp.workprec(mp.prec + 10 + len(source).bit_length()):
        value = mp.fsum(to_mpf(p) * -mp.log(to_mpf(p)) for p in source if p > 0)
        if inputs.flag(bits):
            value /= mp.ln2
    return +value


#: Up to this many distinct probabilities the dispersion is summed over pairs.
PAIRWISE_DISPERSION_LIMIT = 200


def dispersion(source: Distribution | str, *, bits: bool = False) -> mpmath.mpf:
    """V(P) = Var[ı_X(X)] = Σ_x P(x) (ln(1/P(x)) − H)², the source dispersion.

    In nats²; in bits² (V / ln²2) with ``bits=True``, as the CLI's ``--bits``.
    ``source`` is read as described in :mod:`focalrd.numeric.inputs`.

    Method: with at most :data:`PAIRWISE_DISPERSION_LIMIT` distinct probabilities,
    V = ½ Σ_{x,y} P(x) P(y) ln²(P(x)/P(y)) over pairs of distinct values, each
    logarithm taken as log1p((P(x) − P(y))/P(y)) with the argument exact: every
    term is non-negative and nothing cancels, even for a nearly uniform source.
    With more distinct values, the squares around H are summed with the working
    precision raised by the number of bits that ln(1/P(x)) − H can lose.

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> print(dispersion((F(1, 2), F(1, 2))))
    0.0
    >>> print(dispersion((F(1, 4), F(3, 4))))   # p(1-p) ln^2 3
    0.226302930152359
    """
    source = inputs.source(source)
    if inputs.flag(bits):
        with mp.workprec(mp.prec + 10):
            value = _dispersion(source) / mp.ln2**2
        return +value
    return _dispersion(source)


def _dispersion(source: tuple[Fraction, ...]) -> mpmath.mpf:
    masses: dict[Fraction, Fraction] = {}
    for p in source:
        if p > 0:
            masses[p] = masses.get(p, Fraction(0)) + p
    values = sorted(masses)
    if len(values) <= PAIRWISE_DISPERSION_LIMIT:
        with mp.workprec(mp.prec + 20 + 2 * len(values).bit_length()):
            total = mp.fsum(
                to_mpf(masses[a]) * to_mpf(masses[b]) * mp.log1p(to_mpf((b - a) / a)) ** 2
                for i, a in enumerate(values) for b in values[i + 1:])
        return +total
    guard = 20 + len(source).bit_length()
    for _ in range(4):
        with mp.workprec(mp.prec + guard):
            h = entropy(source)
            deviations = [-mp.log(to_mpf(p)) - h for p in values]
            total = mp.fsum(to_mpf(masses[p]) * dev**2 for p, dev in zip(values, deviations,
                                                                          strict=True))
            # bits lost to cancellation in ln(1/p) − H, for the deviation that matters most
            scale = max(abs(mp.log(to_mpf(p))) for p in values) + abs(h)
            lost = int(mp.mag(scale) - mp.mag(mp.sqrt(total))) if total else mp.prec
        if lost + 10 <= guard:
            return +total
        guard = lost + 30
    return +total

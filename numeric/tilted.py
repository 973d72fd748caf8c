"""The focal tilted information ȷ_γ(x, d) (THEORY.md §3).

    ȷ_γ(x, d) = ı_X(x) − ln(1/τ_γ(d)),

computed with as many extra bits as the difference cancels.  At γ = 0 it is
ı_X(x) − d, the d-tilted information of the log loss.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.source import Distribution, information
from focalrd.numeric.tau import log_inverse_tau

__all__ = [
    "tilted_information",
]

Real = Fraction | int | mpmath.mpf


def tilted_information(gamma: Real, source: Distribution, x: int, d: Real) -> mpmath.mpf:
    """ȷ_γ(x, d) = ln(1/P_X(x)) − ln(1/τ_γ(d)).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> print(tilted_information(0, (F(1, 2), F(1, 2)), 0, 1))     # ln 2 - 1
    -0.306852819440055
    """
    guard = 10
    for _ in range(4):
        with mp.workprec(mp.prec + guard):
            info, t = information(source, x), log_inverse_tau(gamma, d)
            value = info - t
        # the difference cancels when ı(x) ≈ ln(1/τ): add the bits it lost and redo
        lost = int(mp.mag(max(abs(info), abs(t)))) - int(mp.mag(value)) if value else mp.prec
        if lost + 4 <= guard or not mp.isfinite(value):
            break
        guard = lost + 20
    return +value

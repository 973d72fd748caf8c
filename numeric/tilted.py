"""The focal tilted information ȷ_γ(x, d) (THEORY.md §3).

    ȷ_γ(x, d) = ı_X(x) − ln(1/τ_γ(d)),

which at γ = 0 is ı_X(x) − d, the d-tilted information of the log loss.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.source import Distribution, information
from focalrd.numeric.tau import log_inverse_tau

Real = Fraction | int | mpmath.mpf


def tilted_information(gamma: Real, source: Distribution, x: int, d: Real) -> mpmath.mpf:
    """ȷ_γ(x, d) = ln(1/P_X(x)) − ln(1/τ_γ(d)).

    >>> from fractions import Fraction as F
    >>> mp.dps = 15
    >>> print(tilted_information(0, (F(1, 2), F(1, 2)), 0, 1))     # ln 2 - 1
    -0.306852819440055
    """
    with mp.workprec(mp.prec + 10):
        value = information(source, x) - log_inverse_tau(gamma, d)
    return +value

"""Bracketed root finding at the current mpmath precision."""

from __future__ import annotations

from collections.abc import Callable

import mpmath
from mpmath import mp

__all__ = [
    "bracketed_root",
]


def bracketed_root(
    func: Callable[[mpmath.mpf], mpmath.mpf], lo: mpmath.mpf, hi: mpmath.mpf
) -> mpmath.mpf | None:
    """A root of ``func`` in [lo, hi] where ``func`` changes sign, else None.

    Method: the Illinois variant of regula falsi.  The bracket always contains
    a root, so the iteration cannot escape it (unlike Newton or the secant
    method); halving the retained end's value after two steps on the same side
    restores superlinear convergence.  It stops when the bracket is a few ulps
    wide at the current precision.

    >>> mp.dps = 15
    >>> mp.nstr(bracketed_root(lambda x: x * x - 2, mp.mpf(1), mp.mpf(2)), 12)
    '1.41421356237'
    """
    f_lo, f_hi = func(lo), func(hi)
    if f_lo == 0:
        return lo
    if f_hi == 0:
        return hi
    if (f_lo > 0) == (f_hi > 0):
        return None
    side = 0
    for _ in range(100_000):
        if hi - lo <= mp.ldexp(abs(hi) + abs(lo), -(mp.prec - 4)):
            break
        mid = (lo * f_hi - hi * f_lo) / (f_hi - f_lo)
        if not lo < mid < hi:
            mid = (lo + hi) / 2
        f_mid = func(mid)
        if f_mid == 0:
            return mid
        if (f_mid > 0) == (f_lo > 0):
            lo, f_lo = mid, f_mid
            if side == 1:
                f_hi /= 2
            side = 1
        else:
            hi, f_hi = mid, f_mid
            if side == -1:
                f_lo /= 2
            side = -1
    return (lo + hi) / 2

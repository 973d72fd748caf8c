"""The code objects returned by the one-shot excess-distortion functions."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath

from focalrd.numeric.display import ShortDisplay

__all__ = [
    "ExcessCode",
]


@dataclass(frozen=True, repr=False)
class ExcessCode(ShortDisplay):
    """An (M, d, ε) code, spelled out so that it can be checked by hand.

    ``encoder[x]`` is the codeword (0-based) of symbol x; ``decoders[m]`` is the
    soft reconstruction of codeword m (a distribution on X: exact fractions for
    the unweighted loss, working-precision numbers for the weighted one);
    ``covered[m]`` lists the symbols whose loss under codeword m is ≤ d.
    ``satisfied`` is P[d_γ(X, g(f(X))) ≤ d], exactly, and ``epsilon`` = 1 − satisfied.
    """

    satisfied: Fraction
    encoder: tuple[int, ...]
    decoders: tuple[tuple[Fraction | mpmath.mpf, ...], ...]
    covered: tuple[tuple[int, ...], ...]

    @property
    def epsilon(self) -> Fraction:
        return 1 - self.satisfied

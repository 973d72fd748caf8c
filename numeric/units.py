"""Units: focalrd computes in nats; bits are nats divided by ln 2 (THEORY.md conventions)."""

from __future__ import annotations

import mpmath
from mpmath import mp

__all__ = [
    "UNITS",
    "bits_to_nats",
    "nats_to_bits",
]

UNITS = ("nats", "bits")


def nats_to_bits(x: mpmath.mpf) -> mpmath.mpf:
    """x / ln 2."""
    with mp.workprec(mp.prec + 10):
        value = x / mp.ln2
    return +value


def bits_to_nats(x: mpmath.mpf) -> mpmath.mpf:
    """x · ln 2."""
    with mp.workprec(mp.prec + 10):
        value = x * mp.ln2
    return +value

"""The arithmetic of the focal-entropy Newton polish: mpmath numbers, or MPFR (gmpy2).

The polish (:mod:`._focal_polish`) does only elementary operations, so it is written
once against a small interface (``precision``, ``exact``, ``number``, ``to_mpf``,
``ldexp``, ``exp``, ``expm1``, ``log``, ``log1p``, ``fsum``) that both classes provide.
:data:`ARITHMETIC` is MPFR when gmpy2 ≥ 2.2 is installed (the ``fast`` extra), else mpmath.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mp
from mpmath.libmp import MPZ, from_man_exp

from focalrd.numeric.precision import to_mpf

try:  # the `fast` extra: MPFR arithmetic for the polish
    import gmpy2
except ImportError:  # pragma: no cover
    gmpy2 = None

__all__ = ["ARITHMETIC", "RANGE_ERRORS", "Mpfr", "Mpmath"]

class Mpmath:
    """Arithmetic of the polish: mpmath numbers (always available)."""

    exp, expm1, log, log1p, fsum = mp.exp, mp.expm1, mp.log, mp.log1p, mp.fsum

    @staticmethod
    def precision(bits: int):
        return mp.workprec(bits)

    @staticmethod
    def exact(x: Fraction) -> mpmath.mpf:
        return to_mpf(x)

    @staticmethod
    def number(x: float) -> mpmath.mpf:
        return mp.mpf(x)

    @staticmethod
    def to_mpf(x: mpmath.mpf) -> mpmath.mpf:
        return x

    @staticmethod
    def ldexp(x: int, k: int) -> mpmath.mpf:
        return mp.ldexp(x, k)


class Mpfr:
    """The same arithmetic on gmpy2's MPFR numbers (the ``fast`` extra): the polish does
    only elementary operations, and MPFR does them without Python-level overhead."""

    @staticmethod
    def precision(bits: int):
        # the widest exponent range, and any result beyond it raises (the caller then
        # redoes the solve in mpmath, whose exponents are unbounded)
        return gmpy2.context(precision=bits, emin=gmpy2.get_emin_min(),
                             emax=gmpy2.get_emax_max(), trap_underflow=True, trap_overflow=True)

    @staticmethod
    def exact(x: Fraction):
        # integer true division in gmpy2 is correctly rounded (as mpfr(mpq(n, d)), tested)
        return gmpy2.div(x.numerator, x.denominator)

    @staticmethod
    def number(x: float):
        # exact at any context precision >= 53 (always so here), and ~8x faster than
        # gmpy2.mpfr(x), which takes a slow path for floats
        return _MPFR_ONE * x

    @staticmethod
    def to_mpf(x) -> mpmath.mpf:
        man, exp = x.as_mantissa_exp()  # exact: x = man · 2^exp
        return mp.make_mpf(from_man_exp(MPZ(man), int(exp)))

    @staticmethod
    def ldexp(x: int, k: int):
        return gmpy2.mul_2exp(gmpy2.mpfr(x), k)


def _mpfr_usable() -> bool:
    """gmpy2 ≥ 2.2 (its contexts are context managers with these keywords)."""
    if gmpy2 is None or not hasattr(gmpy2, "mpfr"):
        return False
    try:
        major, minor = (int(part) for part in gmpy2.version().split(".")[:2])
    except ValueError:  # pragma: no cover - an unusual version string
        return False
    return (major, minor) >= (2, 2)


if _mpfr_usable():
    _MPFR_ONE = gmpy2.mpfr(1)
    Mpfr.exp, Mpfr.expm1, Mpfr.log, Mpfr.log1p = gmpy2.exp, gmpy2.expm1, gmpy2.log, \
        gmpy2.log1p
    Mpfr.fsum = gmpy2.fsum  # correctly rounded sum
    #: The arithmetic of the Newton polish (tests switch it to compare the two).
    ARITHMETIC: type = Mpfr
    RANGE_ERRORS: tuple = (gmpy2.UnderflowResultError, gmpy2.OverflowResultError)
else:  # pragma: no cover - gmpy2 is in the ``fast`` extra
    ARITHMETIC, RANGE_ERRORS = Mpmath, ()

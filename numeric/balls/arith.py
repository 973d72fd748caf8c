"""The ball arithmetic itself: precision, exact inputs, ends and signs of balls.

Everything here wraps python-flint's ``arb`` (a midpoint and a radius; the exact
value lies in [m − r, m + r]).  The working precision is flint's global
``ctx.prec``; it is set by :func:`working_bits` only, so that a function of this
package computes at the precision its caller chose.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

import flint
import mpmath
from flint import arb, fmpq, fmpz

from focalrd.numeric.errors import PrecisionError

__all__ = [
    "ExactReal",
    "Undecided",
    "arb",
    "current_bits",
    "ends",
    "exact",
    "from_mpf",
    "is_negative",
    "is_positive",
    "lower_fraction",
    "point",
    "sign",
    "to_fraction",
    "upper_fraction",
    "working_bits",
]


class Undecided(PrecisionError):
    """A ball is too wide to decide what was asked (a sign, a digit, a containment).

    The caller raises the precision and tries again; at the top of the precision
    ladder it reaches the user as a :class:`PrecisionError` (exit status 3).
    """


@dataclass(frozen=True)
class ExactReal:
    """A real number known exactly (a rational), printed like any real: N significant digits.

    (A bare ``Fraction`` in a result is printed as the confirmed path prints
    Fractions: integers in full.)  Its enclosure is the point itself.
    """

    value: Fraction

    def ball(self) -> arb:
        """The smallest ball at the working precision containing the value."""
        return exact(self.value)


@contextmanager
def working_bits(bits: int) -> Iterator[None]:
    """Run with Arb's working precision (``flint.ctx.prec``) at ``bits`` bits."""
    saved = flint.ctx.prec
    flint.ctx.prec = max(int(bits), 2)
    try:
        yield
    finally:
        flint.ctx.prec = saved


def current_bits() -> int:
    """The working precision of Arb, in bits (set by :func:`working_bits`)."""
    return int(flint.ctx.prec)


def exact(x: Fraction | int) -> arb:
    """The smallest ball at the working precision containing the exact rational ``x``.

    An integer is represented exactly (whatever its size); a fraction whose
    denominator is not a power of two gets a radius of about one unit in the last place.

    >>> with working_bits(53):
    ...     bool(exact(Fraction(1, 3)).contains(fmpq(1, 3))), exact(7).is_exact()
    (True, True)
    """
    if isinstance(x, bool):
        raise TypeError("a bool is not a number here")
    if isinstance(x, int):
        return arb(fmpz(x))
    x = Fraction(x)
    if x.denominator == 1:
        return arb(fmpz(x.numerator))
    return arb(fmpq(x.numerator, x.denominator))


def from_mpf(x: mpmath.mpf) -> arb:
    """The binary number ``x`` (an mpf) as an exact ball (radius 0)."""
    sign, man, exp, _ = x._mpf_
    if not man:
        if exp:  # inf, nan
            raise ValueError(f"not a finite number: {x}")
        return arb(0)
    return arb((-int(man) if sign else int(man), int(exp)))


def point(x: arb) -> arb:
    """The midpoint of ``x`` as an exact ball (a point to evaluate at)."""
    return x.mid()


def to_fraction(x: arb) -> Fraction:
    """The exact value of an exact ball (radius 0) as a Fraction."""
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man << exp) if exp >= 0 else Fraction(man, 1 << -exp)


def ends(x: arb) -> tuple[Fraction, Fraction]:
    """(m − r, m + r) of the ball x = [m ± r], exactly (whatever the working precision).

    (``arb.lower()`` would round the end to the working precision: outward, but no
    longer the ball's own end.)
    """
    _finite(x)
    middle, radius = to_fraction(x.mid()), to_fraction(x.rad())
    return middle - radius, middle + radius


def lower_fraction(x: arb) -> Fraction:
    """The lower end m − r of the ball x, exactly."""
    return ends(x)[0]


def upper_fraction(x: arb) -> Fraction:
    """The upper end m + r of the ball x, exactly."""
    return ends(x)[1]


def _finite(x: arb) -> None:
    if not x.is_finite():
        raise Undecided("a ball is not finite (an evaluation left the domain of a function)")


def is_positive(x: arb) -> bool:
    """Whether every point of ``x`` is > 0."""
    return bool(x > 0)


def is_negative(x: arb) -> bool:
    """Whether every point of ``x`` is < 0."""
    return bool(x < 0)


def sign(x: arb, what: str = "a quantity") -> int:
    """The sign (1 or −1) of ``x`` when the ball excludes 0, 0 when it is exactly 0.

    Raises :class:`Undecided` when the ball contains 0 and other points.
    """
    if x > 0:
        return 1
    if x < 0:
        return -1
    if x.is_zero():
        return 0
    raise Undecided(f"the ball of {what} contains 0: its sign is not decided")

"""Two rigorous interval arithmetics behind one small interface: Arb balls and mpmath ``iv``.

The certified checks (branch and bound over compact ranges) and the exact integer
decisions (list sizes, codebook sizes) need only a few operations on enclosures:
exact rationals and binary points as intervals, a box [a, b], + − × ÷ (the
operators), ``exp``, ``log``, and the two ends of an interval as mpf numbers.
Both arithmetics below provide them rigorously:

* :class:`ArbIntervals` — python-flint's Arb balls (the ``rigorous`` extra); fast;
* :class:`MpmathIntervals` — mpmath's ``iv`` context (outward-rounded endpoints);
  always available.

:func:`preferred` returns Arb when python-flint is installed, else mpmath.  An
interval's ends (:meth:`lower`, :meth:`upper`) are valid bounds of every point of it
(Arb's are its ends rounded outward at the working precision).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import iv, mp
from mpmath.libmp import from_man_exp

__all__ = [
    "ArbIntervals",
    "Intervals",
    "MpmathIntervals",
    "preferred",
]


class Intervals:
    """The interface: ``name``; ``precision(dps)`` (or ``bits_precision(bits)``); ``exact``,
    ``point``, ``box``; ``exp``, ``log``; ``lower``, ``upper``; ``sign``."""

    name = "abstract"

    @contextmanager
    def precision(self, dps: int) -> Iterator[None]:  # pragma: no cover - interface
        raise NotImplementedError
        yield

    @contextmanager
    def bits_precision(self, bits: int) -> Iterator[None]:  # pragma: no cover - interface
        raise NotImplementedError
        yield

    def sign(self, x: Any) -> int | None:
        """1 or −1 when the interval excludes 0, else None (undecided)."""
        if self.lower(x) > 0:
            return 1
        if self.upper(x) < 0:
            return -1
        return None

    def exact(self, x: Fraction | int) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def point(self, x: mpmath.mpf) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def box(self, lo: mpmath.mpf, hi: mpmath.mpf) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def exp(self, x: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def log(self, x: Any) -> Any:  # pragma: no cover - interface
        raise NotImplementedError

    def lower(self, x: Any) -> mpmath.mpf:  # pragma: no cover - interface
        raise NotImplementedError

    def upper(self, x: Any) -> mpmath.mpf:  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{self.name} intervals>"

    # one arithmetic is one arithmetic, whichever instance (results are cached per arithmetic)
    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class MpmathIntervals(Intervals):
    """mpmath's ``iv`` context: intervals with outward-rounded mpf endpoints.

    >>> I = MpmathIntervals()
    >>> with I.precision(20):
    ...     x = 1 - 3 * I.exact(Fraction(1, 3))
    ...     bool(I.lower(x) <= 0 <= I.upper(x))
    True
    """

    name = "mpmath-iv"

    @contextmanager
    def precision(self, dps: int) -> Iterator[None]:
        saved = iv.prec
        try:
            iv.dps = dps
            with mp.workdps(dps):
                yield
        finally:
            iv.prec = saved

    @contextmanager
    def bits_precision(self, bits: int) -> Iterator[None]:
        saved = iv.prec
        try:
            iv.prec = bits
            yield
        finally:
            iv.prec = saved

    def exact(self, x: Fraction | int) -> Any:
        x = Fraction(x)
        return iv.mpf(x.numerator) / iv.mpf(x.denominator)

    def point(self, x: mpmath.mpf) -> Any:
        return iv.mpf(x)

    def box(self, lo: mpmath.mpf, hi: mpmath.mpf) -> Any:
        return iv.mpf([lo, hi])

    def exp(self, x: Any) -> Any:
        return iv.exp(x)

    def log(self, x: Any) -> Any:
        return iv.log(x)

    def lower(self, x: Any) -> mpmath.mpf:
        return mp.make_mpf(x._mpi_[0])

    def upper(self, x: Any) -> mpmath.mpf:
        return mp.make_mpf(x._mpi_[1])


class ArbIntervals(Intervals):
    """Arb balls (python-flint) behind the same interface.

    >>> I = ArbIntervals()
    >>> with I.precision(20):
    ...     x = 1 - 3 * I.exact(Fraction(1, 3))
    ...     bool(I.lower(x) <= 0 <= I.upper(x))
    True
    """

    name = "arb"

    def __init__(self) -> None:
        import flint

        self._flint = flint
        self._arb = flint.arb

    @contextmanager
    def precision(self, dps: int) -> Iterator[None]:
        with self.bits_precision(int(dps * 3.321928094887362) + 4), mp.workdps(dps):
            yield

    @contextmanager
    def bits_precision(self, bits: int) -> Iterator[None]:
        ctx = self._flint.ctx
        saved = ctx.prec
        try:
            ctx.prec = bits
            yield
        finally:
            ctx.prec = saved

    def exact(self, x: Fraction | int) -> Any:
        x = Fraction(x)
        if x.denominator == 1:
            return self._arb(self._flint.fmpz(x.numerator))
        return self._arb(self._flint.fmpq(x.numerator, x.denominator))

    def point(self, x: mpmath.mpf) -> Any:
        sign, man, exp, _ = mpmath.mpf(x)._mpf_
        if not man:
            if exp:
                raise ValueError(f"not a finite number: {x}")
            return self._arb(0)
        return self._arb((-int(man) if sign else int(man), int(exp)))

    def box(self, lo: mpmath.mpf, hi: mpmath.mpf) -> Any:
        return self.point(lo).union(self.point(hi))

    def exp(self, x: Any) -> Any:
        return x.exp()

    def log(self, x: Any) -> Any:
        return x.log()

    def _end(self, x: Any) -> mpmath.mpf:
        if not x.is_finite():
            return mp.nan
        man, exp = x.man_exp()
        return mp.make_mpf(from_man_exp(int(man), int(exp)))

    def lower(self, x: Any) -> mpmath.mpf:
        return self._end(x.lower()) if x.is_finite() else mp.ninf

    def upper(self, x: Any) -> mpmath.mpf:
        return self._end(x.upper()) if x.is_finite() else mp.inf


def preferred(load: bool = True) -> Intervals:
    """Arb balls when python-flint is installed, else mpmath's ``iv``.

    With ``load=False`` Arb is chosen only if python-flint is imported already: a quick
    decision (a list size, a codebook size) does not pay for importing it (about 0.06 s
    of start-up) in a process that does not use balls otherwise.
    """
    import sys

    from focalrd.numeric import balls

    if not balls.available() or (not load and "flint" not in sys.modules):
        return MpmathIntervals()
    return ArbIntervals()

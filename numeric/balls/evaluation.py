"""Proven digits: evaluate balls, print only the digits they prove, raise precision otherwise.

:func:`proven` is the ball counterpart of :func:`focalrd.numeric.precision.reported`.
``enclose()`` computes a result (a number or nested lists/dicts of numbers, integers
and strings) at the current Arb precision, every real number as a ball
(``flint.arb``), an :class:`~.arith.ExactReal`, or an exact ``Fraction`` (printed as the
confirmed path prints Fractions: integers in full).  Each real number is printed with N
significant digits only if both ends of its ball round to the same N-digit decimal
(:func:`.digits.decided_text`); if any does not, the whole result is computed
again with more guard bits, and past the last guard :class:`PrecisionError` is
raised — the digits are never guessed.

A floating-point number (mpf, float) in the result is a programming error: it
carries no enclosure, so :func:`proven` refuses it (TypeError) instead of printing it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
from flint import fmpz
from mpmath import mp

from focalrd.numeric.balls.arith import ExactReal, Undecided, arb, ends, working_bits
from focalrd.numeric.balls.digits import decided_text, decimal_text, outward_text
from focalrd.numeric.errors import PrecisionError
from focalrd.numeric.precision import check_dps, decimal_digits

__all__ = [
    "ENCLOSURE_EXTRA_DIGITS",
    "GUARD_BITS",
    "ProvenNumber",
    "decided",
    "proven",
    "starting_bits",
]

#: Guard bits over the requested digits, tried in turn while some digit is undecided.
GUARD_BITS = (24, 96, 384, 1536)
#: The ends of an enclosure are printed with this many digits beyond the requested ones.
ENCLOSURE_EXTRA_DIGITS = 5

_BITS_PER_DIGIT = 3.321928094887362
#: Ends with a binary exponent beyond this are rounded in ball arithmetic, not as Fractions.
_HUGE_EXPONENT = 1 << 17


@dataclass(frozen=True)
class ProvenNumber:
    """A printed number: its ``text`` (N digits, proven) and its enclosure [lower, upper].

    ``lower`` and ``upper`` are the ends of the ball rounded outward to N + 5
    significant digits (equal to ``text``'s value when the number is exact and short).
    """

    text: str
    lower: str
    upper: str
    exact: bool


def starting_bits(dps: int) -> int:
    """Working bits for ``dps`` significant digits before any guard."""
    return int(dps * _BITS_PER_DIGIT) + 1


def proven(enclose: Callable[[], Any], dps: int,
           guards: Sequence[int] = GUARD_BITS) -> Any:
    """``enclose()`` with every ball and Fraction replaced by a :class:`ProvenNumber`.

    Integers, strings, booleans and None pass unchanged; lists, tuples and dicts are
    walked.  ``enclose()`` runs with Arb's and mpmath's precision at the requested
    digits plus a guard from ``guards``; an :class:`~.arith.Undecided` raised inside
    (a sign a ball could not decide) also moves to the next guard.

    >>> from flint import arb
    >>> proven(lambda: arb.pi(), 20).text
    '3.1415926535897932385'
    """
    dps = check_dps(dps)
    last = ""
    with decimal_digits(dps):
        for guard in guards:
            bits = starting_bits(dps) + guard
            try:
                with working_bits(bits), mp.workprec(bits):
                    result = enclose()
                    return _printed(result, dps)
            except Undecided as error:
                last = str(error)
    raise PrecisionError(f"could not prove {dps} significant digits: {last} (at "
                         f"{starting_bits(dps) + guards[-1]} bits)")


def _printed(result: Any, dps: int) -> Any:
    if isinstance(result, bool) or result is None or isinstance(result, int | str):
        return result
    if isinstance(result, arb):
        return _ball_number(result, dps)
    if isinstance(result, ExactReal):
        return _exact_number(result.value, dps, whole=False)
    if isinstance(result, Fraction):
        return _exact_number(result, dps)
    if isinstance(result, mpmath.mpf | float | mpmath.mpc | complex):
        raise TypeError(f"an unenclosed floating-point number ({result!r}) cannot be proven")
    if isinstance(result, Mapping):
        return {key: _printed(value, dps) for key, value in result.items()}
    if isinstance(result, Sequence):
        return [_printed(value, dps) for value in result]
    raise TypeError(f"cannot print {type(result).__name__} as proven digits")


def decided(ball: arb | ExactReal, dps: int) -> str | None:
    """The dps-digit decimal every point of ``ball`` rounds to, or None (undecided)."""
    if isinstance(ball, ExactReal):
        return decided_text(ball.value, ball.value, dps)
    if not ball.is_finite():
        return None
    if _huge(ball):
        low, high = (_huge_rounding(end, dps, 0) for end in (ball.lower(), ball.upper()))
        return decimal_text(*low) if low == high and low is not None else None
    return decided_text(*ends(ball), dps)


def _ball_number(ball: arb, dps: int) -> ProvenNumber:
    text = decided(ball, dps)
    if text is None:
        raise Undecided(f"a ball {ball.str(10)} does not decide {dps} digits")
    digits = dps + ENCLOSURE_EXTRA_DIGITS
    if _huge(ball):
        low, high = _huge_rounding(ball.lower(), digits, -1), \
            _huge_rounding(ball.upper(), digits, +1)
        if low is None or high is None:  # pragma: no cover - the digits were decided above
            raise Undecided("the ends of a ball could not be rounded")
        return ProvenNumber(text, decimal_text(*low), decimal_text(*high), False)
    lower, upper = ends(ball)
    return ProvenNumber(text, outward_text(lower, digits, -1), outward_text(upper, digits, +1),
                        lower == upper)


def _huge(ball: arb) -> bool:
    """Whether an end of ``ball`` has a binary exponent too large to expand as a Fraction
    (the midpoint's, or the radius's: a ball [0 ± 2^(−10^40)] has ends of that size too)."""
    return any(not part.is_zero() and abs(int(part.man_exp()[1])) > _HUGE_EXPONENT
               for part in (ball.mid(), ball.rad()))


def _huge_rounding(end: arb, dps: int, direction: int) -> tuple[bool, str, int] | None:
    """(negative, digits, exponent) of the exact point ``end`` rounded to dps digits.

    Computed in ball arithmetic: E = ⌊log10 |end|⌋ and Y = |end|·10^(dps−1−E) as balls;
    to nearest, ⌊Y + 1/2⌋ must be one integer (else None: undecided); towards ±∞ the
    floor of Y's lower end or the ceiling of its upper end (a valid outward rounding).
    """
    if end.is_zero():
        return None
    negative = bool(end < 0)
    size = abs(end)
    _, exponent = end.mid().man_exp()
    bits = int(dps * _BITS_PER_DIGIT) + 2 * int(exponent).bit_length() + 64
    with working_bits(bits):
        e = (size.log() / arb(10).log()).floor().unique_fmpz()
        if e is None:
            return None
        for shift in (0, 1):  # ⌊log10⌋ may be one too large when |end| is just above 10^E
            e_try = int(e) - shift
            y = size * arb(10) ** fmpz(dps - 1 - e_try)
            if y >= 10 ** (dps - 1):
                break
        if direction == 0:
            q = (y + arb(1) / 2).floor().unique_fmpz()
            if q is None:
                return None
        elif (direction > 0) != negative:  # away from zero
            q = y.upper().ceil().unique_fmpz()
        else:
            q = y.lower().floor().unique_fmpz()
    q = int(q)
    if q >= 10**dps:
        q //= 10
        e_try += 1
    if q < 10 ** (dps - 1):
        return None
    return negative, str(q), e_try


def _exact_number(x: Fraction, dps: int, whole: bool = True) -> ProvenNumber:
    """An exact rational, rounded exactly; with ``whole`` an integer prints in full, as the
    confirmed path prints an integer-valued Fraction."""
    if whole and x.denominator == 1:
        text = str(x.numerator)
        return ProvenNumber(text, text, text, True)
    digits = dps + ENCLOSURE_EXTRA_DIGITS
    text = decided_text(x, x, dps)
    assert text is not None  # an exact non-zero number always rounds
    return ProvenNumber(text, outward_text(x, digits, -1), outward_text(x, digits, +1), True)


def _short(x: Fraction) -> str:
    return outward_text(x, 8, 0) if x else "0"

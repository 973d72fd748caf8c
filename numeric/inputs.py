"""The one place where the arguments of the public functions are read and checked.

Every public function of :mod:`focalrd` and :mod:`focalrd.numeric` passes its
arguments through these helpers, so the Python API accepts exactly what the
command line accepts, with the same limits and the same one-line messages:

* ``int``, :class:`fractions.Fraction`, :class:`decimal.Decimal` (finite), and
  strings holding a decimal (``"0.11"``, ``"1e-3"``) or a fraction (``"1/3"``)
  are exact and kept exact (parsed by :func:`focalrd.numeric.exact.exact_number`,
  the parser of the CLI);
* an ``mpmath.mpf`` is kept as it is (it must be finite);
* a ``float`` is taken at its exact binary value: ``0.1`` means
  0.1000000000000000055511151231257827…, so pass ``"0.1"`` for one tenth;
* a source distribution is a sequence of such numbers or a comma-separated
  string (``"0.89,0.11"``), see :func:`focalrd.numeric.exact.distribution`.

Anything else — NaN, infinities, ``True``, a list where a number belongs, a value
outside the domain — raises :class:`~focalrd.numeric.errors.InvalidInputError`
(a ``ValueError``) naming the parameter and what is accepted.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

import mpmath

from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import MAX_GAMMA, distribution, exact_number, positive_integer

__all__ = [
    "Real",
    "blocklength",
    "codewords",
    "distortion",
    "excess_probability",
    "flag",
    "focusing",
    "probability",
    "rate",
    "real",
    "source",
]

#: What the public functions accept for one real number.
Real = int | Fraction | Decimal | str | float | mpmath.mpf

_ACCEPTED = ("a finite number: an int, a Fraction, a decimal or fraction string such as "
             "'0.11' or '1/3', or an mpf")


def real(value: Any, parameter: str) -> int | Fraction | mpmath.mpf:
    """``value`` as an exact ``int``/``Fraction`` or a finite mpf, else InvalidInputError.

    >>> real("1/3", "p"), real(2, "gamma"), real(0.5, "p")
    (Fraction(1, 3), 2, Fraction(1, 2))
    """
    if isinstance(value, bool):
        raise InvalidInputError(parameter, _ACCEPTED, value)
    if isinstance(value, int | Fraction):
        return value
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise InvalidInputError(parameter, _ACCEPTED, str(value))
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise InvalidInputError(parameter, _ACCEPTED, str(value))
        return Fraction(value)
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInputError(parameter, _ACCEPTED, value)
    if isinstance(value, str | float) or _is_rational(value):
        return exact_number(value, parameter)
    raise InvalidInputError(parameter, _ACCEPTED, value)


def _is_rational(value: Any) -> bool:
    from numbers import Rational

    return isinstance(value, Rational)


def focusing(value: Any, parameter: str = "gamma") -> int | Fraction | mpmath.mpf:
    """A focusing parameter 0 ≤ γ ≤ 10^15 (the CLI's limit, :data:`~.exact.MAX_GAMMA`)."""
    g = real(value, parameter)
    if not 0 <= g <= MAX_GAMMA:
        raise InvalidInputError(parameter, "a finite number from 0 to 1e15", _shown(value))
    return g


def probability(value: Any, parameter: str = "p", *, closed: bool = True
                ) -> int | Fraction | mpmath.mpf:
    """A probability in (0, 1] (``closed``) or (0, 1)."""
    p = real(value, parameter)
    if not (0 < p <= 1 if closed else 0 < p < 1):
        raise InvalidInputError(parameter, "a number in (0, 1]" if closed else "a number in (0, 1)",
                                _shown(value))
    return p


def excess_probability(value: Any, parameter: str = "eps") -> Fraction:
    """An excess-distortion probability ε ∈ (0, 1), exactly (an mpf is converted exactly)."""
    q = exact_number(real(value, parameter), parameter)
    if not 0 < q < 1:
        raise InvalidInputError(parameter, "a number in (0, 1)", _shown(value))
    return q


def distortion(value: Any, parameter: str = "distortion") -> int | Fraction | mpmath.mpf:
    """A distortion level d ≥ 0 (finite)."""
    d = real(value, parameter)
    if d < 0:
        raise InvalidInputError(parameter, "a finite number >= 0", _shown(value))
    return d


def rate(value: Any, parameter: str = "rate") -> Fraction:
    """A rate R ≥ 0, exactly (the codebook size ⌊e^{nR}⌋ is decided exactly)."""
    r = exact_number(real(value, parameter), parameter)
    if r < 0:
        raise InvalidInputError(parameter, "a finite number >= 0", _shown(value))
    return r


def blocklength(value: Any, parameter: str = "n") -> int:
    """A blocklength n ≥ 1 (an integer; ``"1000"`` and ``Fraction(1000)`` are accepted)."""
    return positive_integer(real(value, parameter), parameter)


def codewords(value: Any, parameter: str = "codewords") -> int:
    """A number of codewords M ≥ 1 (an integer)."""
    return positive_integer(real(value, parameter), parameter)


def source(value: Any, parameter: str = "source") -> tuple[Fraction, ...]:
    """A probability distribution: a sequence of numbers or a comma-separated string.

    Entries are exact and must sum to exactly 1 (float entries within 1e-12, then
    rescaled exactly), as on the command line.

    >>> source("0.89,0.11")
    (Fraction(89, 100), Fraction(11, 100))
    """
    if isinstance(value, str):
        return distribution(value, parameter)
    if not isinstance(value, Sequence) and not _is_iterable(value):
        raise InvalidInputError(parameter, "a sequence of probabilities summing to 1 or a "
                                "comma-separated string such as '0.89,0.11'", value)
    entries = list(value)
    # Decimal and mpf entries are read here; the rest by the CLI's parser.
    entries = [exact_number(real(e, parameter), parameter) if isinstance(e, Decimal | mpmath.mpf)
               else e for e in entries]
    return distribution(entries, parameter)


def _is_iterable(value: Any) -> bool:
    try:
        iter(value)
    except TypeError:
        return False
    return not isinstance(value, bytes | dict)


def flag(value: Any, parameter: str = "bits") -> bool:
    """A boolean switch such as ``bits`` (only ``True`` or ``False``)."""
    if not isinstance(value, bool):
        raise InvalidInputError(parameter, "True or False", value)
    return value


def _shown(value: Any) -> Any:
    """The value as the user gave it, for the message (strings stay as typed)."""
    return value if isinstance(value, str | int | Fraction) else str(value)

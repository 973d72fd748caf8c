"""Exact parsing and validation of the inputs of every quantity.

Numbers are kept as :class:`fractions.Fraction` until evaluation, so ``7/3``,
``0.1`` and ``1e-30`` mean exactly what they say.  Every validator raises
:class:`~focalrd.numeric.errors.InvalidInputError` (a ``ValueError``) with a
one-line message naming the parameter.

Distributions: entries must be finite and non-negative.  When every entry is
exact (an integer, a fraction ``a/b``, a terminating decimal string or a
``Fraction``) the entries must sum to exactly 1.  When any entry is a binary
float, the sum may differ from 1 by at most :data:`FLOAT_SUM_TOLERANCE`; the
entries are then rescaled exactly so that they sum to 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from fractions import Fraction
from numbers import Rational

import mpmath

from focalrd.numeric.errors import InvalidInputError

__all__ = [
    "FLOAT_SUM_TOLERANCE",
    "MAX_DECIMAL_EXPONENT",
    "MAX_GAMMA",
    "distortion_level",
    "distribution",
    "exact_number",
    "focusing_parameter",
    "open_unit_interval",
    "parse_list",
    "positive_integer",
    "probability",
    "weighting",
]

#: Largest |e| accepted in a decimal written with an exponent (1e-30, 2.5e6).
MAX_DECIMAL_EXPONENT = 1000
#: Largest focusing parameter accepted.
MAX_GAMMA = 10**15

#: Largest |sum - 1| accepted for a distribution given with binary floats.
FLOAT_SUM_TOLERANCE = Fraction(1, 10**12)

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_FRACTION = re.compile(r"^[+-]?\d+\s*/\s*[+-]?\d+$")

Number = int | Fraction | float | str | Decimal | mpmath.mpf


def exact_number(value: Number, parameter: str) -> Fraction:
    """Return ``value`` as an exact :class:`Fraction`.

    Accepts integers, fractions, finite floats (converted exactly), mpmath
    numbers, and strings holding a decimal (``0.25``, ``1e-30``) or a fraction
    (``7/3``).  NaN, infinities and anything else raise ``InvalidInputError``.

    >>> exact_number("7/3", "gamma")
    Fraction(7, 3)
    >>> exact_number("1e-3", "distortion")
    Fraction(1, 1000)
    """
    accepted = "a finite number: a decimal such as 0.25 or 1e-3, or a fraction such as 7/3"
    if isinstance(value, bool):
        raise InvalidInputError(parameter, accepted, value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, float | Decimal):
        if not (value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)):
            raise InvalidInputError(parameter, accepted, value)
        return Fraction(value)
    if isinstance(value, mpmath.mpf):
        if not mpmath.isfinite(value):
            raise InvalidInputError(parameter, accepted, str(value))
        man, exp = mpmath.mpf(value).man_exp
        return Fraction(int(man)) * (Fraction(2) ** int(exp))
    if isinstance(value, str):
        text = value.strip()
        if _NUMBER.match(text):
            mantissa, _, exponent = text.lower().partition("e")
            if exponent and abs(int(exponent)) > MAX_DECIMAL_EXPONENT:
                raise InvalidInputError(
                    parameter, f"a decimal exponent of at most {MAX_DECIMAL_EXPONENT} in size",
                    value)
            return Fraction(text)
        if _FRACTION.match(text):
            num, den = (int(part) for part in text.split("/"))
            if den == 0:
                raise InvalidInputError(parameter, accepted + " with a non-zero denominator", value)
            return Fraction(num, den)
        raise InvalidInputError(parameter, accepted, value)
    raise InvalidInputError(parameter, accepted, value)


def focusing_parameter(gamma: Number, parameter: str = "gamma") -> Fraction:
    """Validate a focusing parameter: a number 0 ≤ γ ≤ :data:`MAX_GAMMA`."""
    g = exact_number(gamma, parameter)
    if not 0 <= g <= MAX_GAMMA:
        raise InvalidInputError(parameter, "a finite number from 0 to 1e15", gamma)
    return g


def probability(p: Number, parameter: str = "p") -> Fraction:
    """Validate a probability in (0, 1]."""
    q = exact_number(p, parameter)
    if not 0 < q <= 1:
        raise InvalidInputError(parameter, "a number in (0, 1]", p)
    return q


def distortion_level(d: Number, parameter: str = "distortion") -> Fraction:
    """Validate a distortion level d ≥ 0 (finite)."""
    q = exact_number(d, parameter)
    if q < 0:
        raise InvalidInputError(parameter, "a finite number >= 0", d)
    return q


def positive_integer(value: Number, parameter: str, minimum: int | None = 1) -> int:
    """Validate an integer ≥ ``minimum`` (exact strings such as ``"1000"`` accepted).

    ``minimum=None`` accepts any integer (a random seed, say).
    """
    q = exact_number(value, parameter)
    if q.denominator != 1 or (minimum is not None and q < minimum):
        accepted = "an integer" + ("" if minimum is None else f" >= {minimum}")
        raise InvalidInputError(parameter, accepted, value)
    return int(q)


def open_unit_interval(value: Number, parameter: str) -> Fraction:
    """Validate a number in (0, 1), such as an excess-distortion probability ε."""
    q = exact_number(value, parameter)
    if not 0 < q < 1:
        raise InvalidInputError(parameter, "a number in (0, 1)", value)
    return q


def parse_list(text: str | Sequence[Number], parameter: str) -> list[Fraction]:
    """Parse a comma-separated list (or a sequence) of exact numbers."""
    if isinstance(text, str):
        items: Iterable[Number] = [part for part in text.split(",")]
        if not text.strip():
            raise InvalidInputError(parameter, "a non-empty comma-separated list of numbers", text)
    else:
        items = list(text)
        if not items:
            raise InvalidInputError(parameter, "a non-empty list of numbers", text)
    return [exact_number(item, parameter) for item in items]


def distribution(values: str | Sequence[Number], parameter: str = "source") -> tuple[Fraction, ...]:
    """Validate a probability distribution on {0, …, k-1}; return it exactly.

    ``values`` is a sequence of numbers or a comma-separated string.

    >>> distribution("1/3, 2/3")
    (Fraction(1, 3), Fraction(2, 3))
    >>> distribution("0.5,0.5")
    (Fraction(1, 2), Fraction(1, 2))
    """
    entries = parse_list(values, parameter)
    if any(e < 0 for e in entries):
        raise InvalidInputError(parameter, "non-negative entries", values)
    total = sum(entries, Fraction(0))
    has_float = not isinstance(values, str) and any(isinstance(v, float) for v in values)
    if total == 1:
        return tuple(entries)
    if has_float and abs(total - 1) <= FLOAT_SUM_TOLERANCE and total > 0:
        return tuple(e / total for e in entries)
    tol = "exactly" if not has_float else f"within {float(FLOAT_SUM_TOLERANCE):g} (float entries)"
    raise InvalidInputError(
        parameter, f"entries summing to 1 {tol}; the entries sum to {_show(total)}", None
    )


def weighting(
    source: Sequence[Fraction], weights: str | Sequence[Number] | None, parameter: str = "weights"
) -> tuple[Fraction, ...]:
    """Validate the class-weighting distribution Q against the source P.

    Q must be a distribution of the same length as P with Σ P·Q > 0.  ``None``
    means the unweighted loss (Q uniform).
    """
    if weights is None:
        k = len(source)
        return tuple(Fraction(1, k) for _ in range(k))
    q = distribution(weights, parameter)
    if len(q) != len(source):
        raise InvalidInputError(
            parameter, f"as many entries as the source ({len(source)}); got {len(q)}", None
        )
    if sum((a * b for a, b in zip(source, q, strict=True)), Fraction(0)) == 0:
        raise InvalidInputError(parameter, "a weighting with sum_x P(x) Q(x) > 0", None)
    return q


def _show(q: Fraction) -> str:
    if q.denominator == 1:
        return str(q.numerator)
    text = str(q)
    return text if len(text) <= 40 else f"{float(q):.15g}"

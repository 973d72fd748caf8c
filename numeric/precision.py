"""Working precision, and the one place where reported digits are confirmed.

Every numeric function in :mod:`focalrd.numeric` computes at the *current*
mpmath precision (``mp.dps``), using a few guard bits internally and rounding
once, like mpmath's own functions.  A value that is *reported* with N
significant digits goes through :func:`confirmed`: it is evaluated at two
working precisions and the two results must agree when rounded to N digits;
otherwise the guard is enlarged and, if they still disagree, a
:class:`~focalrd.numeric.errors.PrecisionError` is raised rather than printing
digits that might be wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any, TypeVar

import mpmath
from mpmath import mp

from focalrd.numeric.errors import InvalidInputError, PrecisionError

__all__ = [
    "DEFAULT_DPS",
    "MAX_DPS",
    "T",
    "check_dps",
    "confirmed",
    "reported",
    "significant",
    "to_mpf",
]

#: Significant digits reported when none are requested.
DEFAULT_DPS = 30
#: Largest number of significant digits a user may request.
MAX_DPS = 5000

#: Extra decimal digits of the first evaluation, tried in turn on disagreement.
_GUARDS = (10, 40, 160)

T = TypeVar("T")
_CONSTANT = type(mp.pi)  # mpmath's lazy constants (pi, e, ln2, ...)


def check_dps(dps: object, parameter: str = "dps") -> int:
    """Validate a requested number of significant digits (1 ≤ dps ≤ MAX_DPS)."""
    accepted = f"an integer from 1 to {MAX_DPS}"
    if isinstance(dps, bool):
        raise InvalidInputError(parameter, accepted, dps)
    if isinstance(dps, str):
        try:
            dps = int(dps.strip())
        except ValueError:
            raise InvalidInputError(parameter, accepted, dps) from None
    if not isinstance(dps, int) or not 1 <= dps <= MAX_DPS:
        raise InvalidInputError(parameter, accepted, dps)
    return dps


def to_mpf(x: Fraction | int | mpmath.mpf) -> mpmath.mpf:
    """Convert an exact number to an mpf at the current precision (one rounding)."""
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return mp.mpf(x.numerator)
        return mp.fdiv(x.numerator, x.denominator)
    return mp.mpf(x)


def significant(x: Any, dps: int) -> str:
    """Format ``x`` as a decimal string with ``dps`` significant digits.

    Exact zero prints as ``"0"``; integers print in full; a ``Fraction`` is
    rounded from an evaluation well beyond ``dps`` digits.

    >>> significant(mpmath.mpf(1) / 3, 5)
    '0.33333'
    """
    if isinstance(x, bool):
        return str(x).lower()
    if isinstance(x, int):
        return str(x)
    if isinstance(x, Fraction):
        if x == 0:
            return "0"
        if x.denominator == 1:
            return str(x.numerator)
        with mp.workdps(dps + 20):
            x = to_mpf(x)
    if isinstance(x, mpmath.mpf):
        if x == 0:
            return "0"
        return mpmath.nstr(x, dps, strip_zeros=False, min_fixed=-6, max_fixed=dps + 1)
    raise TypeError(f"cannot format {type(x).__name__} as a decimal")


def _digits(result: Any, dps: int) -> Any:
    """The reported form of a result: every real number replaced by its digits."""
    if isinstance(result, mpmath.mpf | Fraction) and not isinstance(result, bool):
        return significant(result, dps)
    if isinstance(result, mpmath.mpc):
        return (significant(result.real, dps), significant(result.imag, dps))
    if isinstance(result, Mapping):
        return {key: _digits(value, dps) for key, value in result.items()}
    if isinstance(result, Sequence) and not isinstance(result, str):
        return [_digits(value, dps) for value in result]
    return result


def _freeze(result: Any) -> Any:
    """Evaluate lazy mpmath constants (``mp.pi``) at the current precision."""
    if isinstance(result, _CONSTANT):
        return +result
    if isinstance(result, dict):
        return {key: _freeze(value) for key, value in result.items()}
    if isinstance(result, list | tuple):
        return type(result)(_freeze(value) for value in result)
    return result


def confirmed(evaluate: Callable[[], T], dps: int) -> T:
    """Evaluate ``evaluate()`` twice and return the result only if its digits agree.

    The first evaluation runs at ``dps + guard`` decimal digits, the second at
    a markedly higher precision.  Every real number in the result (which may
    be a number or nested lists/dicts of numbers, integers and strings) must
    round to the same ``dps`` significant digits in both; integers and other
    values must be equal.  On disagreement the guard grows; if the results
    still disagree, :class:`PrecisionError` is raised.  The more precise
    result is returned, still unrounded: format it with :func:`significant`.

    >>> significant(confirmed(lambda: mpmath.pi, 20), 20)
    '3.1415926535897932385'
    """
    dps = check_dps(dps)
    shown: tuple[Any, Any] = (None, None)
    for guard in _GUARDS:
        low_dps = dps + guard
        high_dps = low_dps + max(20, dps // 2) + guard
        with mp.workdps(low_dps):
            low = _freeze(evaluate())
        with mp.workdps(high_dps):
            high = _freeze(evaluate())
        shown = (_digits(low, dps), _digits(high, dps))
        if shown[0] == shown[1]:
            return high
    raise PrecisionError(
        f"could not confirm {dps} significant digits: evaluations at two working "
        f"precisions disagree ({_clip(shown[0])} vs {_clip(shown[1])})"
    )


def reported(evaluate: Callable[[], Any], dps: int) -> Any:
    """:func:`confirmed`, then every real number formatted to ``dps`` digits."""
    return _digits(confirmed(evaluate, dps), dps)


def _clip(value: Any, limit: int = 80) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."

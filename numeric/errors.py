"""Exceptions shared by every layer of focalrd.

Bad input raises :class:`InvalidInputError`, a :class:`ValueError` subclass whose
message is a single line naming the parameter and what is accepted; the CLI prints
that line and exits with status 2.  A computation that cannot confirm the digits
it was asked for raises :class:`PrecisionError` instead of returning wrong digits.
"""

from __future__ import annotations

__all__ = [
    "FocalrdError",
    "InvalidInputError",
    "PrecisionError",
]


class FocalrdError(Exception):
    """Base class of every error raised on purpose by focalrd."""


class InvalidInputError(FocalrdError, ValueError):
    """An argument is outside the accepted domain.

    ``parameter`` names the offending argument (as the CLI spells it, without
    dashes) and ``accepted`` says what would be accepted.
    """

    def __init__(self, parameter: str, accepted: str, got: object | None = None) -> None:
        self.parameter = parameter
        self.accepted = accepted
        self.got = got
        shown = "" if got is None else f" (got {_short(got)})"
        super().__init__(f"invalid {parameter}{shown}: expected {accepted}")


class PrecisionError(FocalrdError, ArithmeticError):
    """Two evaluations at different working precisions disagree on reported digits."""


def _short(value: object, limit: int = 60) -> str:
    text = repr(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."

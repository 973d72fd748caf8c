"""Argument helpers shared by the quantities of ``focalrd eval``.

Arguments are read as strings and validated by :mod:`focalrd.numeric.exact`, so
that every bad value gets the same one-line message naming the parameter.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import distortion_level, positive_integer

EXACT = "an exact decimal (0.25, 1e-3) or fraction (7/3)"


def add_gamma(parser: argparse.ArgumentParser, maximum: str = "1e15") -> None:
    parser.add_argument("--gamma", required=True, metavar="G",
                        help=f"focusing parameter gamma from 0 to {maximum}, {EXACT}")


def add_source(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--source", required=True, metavar="P",
                        help="source distribution P_X: comma-separated exact numbers summing to 1 "
                             "(e.g. 0.7,0.2,0.1 or 1/3,2/3)")


def add_weights(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--weights", metavar="Q", default=None,
                        help="class-weighting distribution Q (same length as P); default: "
                             "uniform, i.e. the unweighted loss")


def add_distortion(parser: argparse.ArgumentParser, help_text: str = "") -> None:
    parser.add_argument("--distortion", required=True, metavar="D",
                        help=help_text or f"distortion level d >= 0, {EXACT} (nats; bits with "
                                          "--bits)")


def add_codewords(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--codewords", required=required, metavar="M",
                        help="number of codewords M, an integer >= 1")


def codebook_arguments(args: argparse.Namespace) -> tuple[int | None, Fraction | None]:
    """The codebook as (M, None) from ``--codewords`` or (None, R) from ``--rate``.

    Exactly one of the two must be given; M is an integer >= 1 and R a rate >= 0.
    """
    if (args.codewords is None) == (args.rate is None):
        raise InvalidInputError("codewords", "exactly one of --codewords M and --rate R")
    if args.codewords is not None:
        return positive_integer(args.codewords, "codewords"), None
    return None, distortion_level(args.rate, "rate")


def _multiplicity(n: int, prime: int) -> int:
    count = 0
    while n % prime == 0:
        n //= prime
        count += 1
    return count


def exact_text(value: Any) -> Any:
    """An exact input as a string: a terminating decimal when possible, else ``a/b``.

    >>> exact_text(Fraction(1, 10)), exact_text(Fraction(7, 3)), exact_text(Fraction(5))
    ('0.1', '7/3', '5')
    >>> exact_text(Fraction("-0.123456789012345678901234567890123"))
    '-0.123456789012345678901234567890123'
    >>> exact_text(Fraction(1, 10**30))
    '0.000000000000000000000000000001'
    """
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Fraction):
        den = value.denominator
        for prime in (2, 5):
            while den % prime == 0:
                den //= prime
        if den != 1:
            return f"{value.numerator}/{value.denominator}"
        # value = numerator / (2^a 5^b): scale by 10^max(a, b) to an integer, exactly.
        digits = max(_multiplicity(value.denominator, 2), _multiplicity(value.denominator, 5))
        scaled = abs(value.numerator) * 10**digits // value.denominator
        whole, fraction = divmod(scaled, 10**digits)
        text = str(whole) if digits == 0 else f"{whole}.{fraction:0{digits}d}".rstrip("0")
        return ("-" if value < 0 else "") + text.rstrip(".")
    if isinstance(value, list | tuple):
        return [exact_text(v) for v in value]
    return str(value)

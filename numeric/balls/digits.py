"""Which decimal digits a ball proves, and its ends as decimals rounded outward.

A value printed with N significant digits is the rounding of the exact value to N
digits.  For a value known only to lie in [lo, hi], that rounding is proven when
both ends round to the same N-digit decimal: rounding to N digits is monotone,
so every point between them, the exact value included, rounds to it too.

Rounding here is exact (integer arithmetic on the exact rational ends), to the
nearest N-digit decimal with ties away from zero, and the text has the layout of
:func:`focalrd.numeric.precision.significant` (mpmath's ``nstr`` with fixed
notation while every printed digit is significant: 1.23e+3, 0.000123, 1.5e-7),
so a proven value prints exactly as a confirmed one would.

Pure functions of exact rationals: nothing here imports python-flint.
"""

from __future__ import annotations

from fractions import Fraction

__all__ = [
    "decided_text",
    "decimal_text",
    "outward_text",
    "round_significant",
]

#: Fixed notation is used while the decimal exponent e satisfies MIN_FIXED < e < dps.
MIN_FIXED = -6


def _exponent10(num: int, den: int) -> int:
    """e = ⌊log10(num/den)⌋ for positive integers, exactly."""
    e = int((num.bit_length() - den.bit_length()) * 0.30102999566398120)
    # the estimate is within a few units; correct it with exact comparisons
    while not _at_least_power(num, den, e):
        e -= 1
    while _at_least_power(num, den, e + 1):
        e += 1
    return e


def _at_least_power(num: int, den: int, e: int) -> bool:
    """num/den ≥ 10^e."""
    return num * 10**-e >= den if e < 0 else num >= den * 10**e


def round_significant(x: Fraction, dps: int, direction: int = 0) -> tuple[bool, str, int]:
    """(negative, the dps digits, decimal exponent) of x rounded to dps significant digits.

    ``direction`` 0 rounds to nearest (ties away from zero), +1 towards +∞ and −1
    towards −∞.  x must be non-zero.

    >>> round_significant(Fraction(2, 3), 3), round_significant(Fraction(-25, 10), 1)
    ((False, '667', -1), (True, '3', 0))
    >>> round_significant(Fraction(2, 3), 3, -1)
    (False, '666', -1)
    """
    if x == 0:
        raise ValueError("zero has no significant digits")
    negative = x < 0
    num, den = abs(x.numerator), x.denominator
    e = _exponent10(num, den)
    shift = dps - 1 - e  # scaled = |x|·10^shift ∈ [10^(dps−1), 10^dps)
    if shift >= 0:
        q, r = divmod(num * 10**shift, den)
        r_den = den
    else:
        q, r = divmod(num, den * 10**-shift)
        r_den = den * 10**-shift
    # magnitude rounding: away from zero when the direction points away from zero
    if direction == 0:
        up = 2 * r >= r_den
    else:
        away = (direction > 0) != negative
        up = away and r > 0
    if up:
        q += 1
        if q == 10**dps:
            q //= 10
            e += 1
    return negative, str(q), e


def decimal_text(negative: bool, digits: str, exponent: int) -> str:
    """The layout of :func:`focalrd.numeric.precision.significant` for rounded digits.

    >>> decimal_text(False, "123", 3), decimal_text(False, "123", -3), decimal_text(True, "5", -7)
    ('1.23e+3', '0.00123', '-5.e-7')
    """
    dps = len(digits)
    sign = "-" if negative else ""
    if MIN_FIXED < exponent < dps:
        if exponent < 0:
            text = "0." + "0" * (-exponent - 1) + digits
        else:
            split = exponent + 1
            text = digits[:split] + "." + digits[split:]
        return sign + (text[:-1] if text.endswith(".") else text)
    mantissa = digits[0] + "." + digits[1:]   # "2.e+21" at one digit, as mpmath prints
    return sign + mantissa + (f"e+{exponent}" if exponent > 0 else f"e{exponent}")


def decided_text(lower: Fraction, upper: Fraction, dps: int) -> str | None:
    """The dps-digit decimal every point of [lower, upper] rounds to, or None.

    "0" for the exact zero (lower = upper = 0); None when the ends round differently
    (the ball does not decide the digits) or the interval contains 0 and more.

    >>> decided_text(Fraction(1235, 10**4), Fraction(1239, 10**4), 3)
    '0.124'
    >>> decided_text(Fraction(1235, 10**4), Fraction(1239, 10**4), 4) is None
    True
    """
    if lower > upper:
        raise ValueError("the lower end exceeds the upper end")
    if lower == upper == 0:
        return "0"
    if lower <= 0 <= upper:
        return None
    low, high = round_significant(lower, dps), round_significant(upper, dps)
    return decimal_text(*low) if low == high else None


def outward_text(x: Fraction, digits: int, direction: int) -> str:
    """x rounded to ``digits`` significant digits towards −∞ (−1) or +∞ (+1), as text.

    Exact when x has at most ``digits`` significant digits; "0" for zero.

    >>> outward_text(Fraction(2, 3), 4, -1), outward_text(Fraction(2, 3), 4, +1)
    ('0.6666', '0.6667')
    """
    if x == 0:
        return "0"
    return decimal_text(*round_significant(x, digits, direction))

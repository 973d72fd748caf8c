"""Exact input parsing, validation messages, and the digit-confirmation mechanism."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp

from focalrd.numeric import (
    InvalidInputError,
    PrecisionError,
    c_gamma,
    confirmed,
    distribution,
    exact_number,
    phi,
    significant,
    tau,
    weighting,
)
from focalrd.numeric.precision import MAX_DPS, check_dps


@pytest.mark.parametrize(
    "text, expected",
    [("7/3", Fraction(7, 3)), ("0.1", Fraction(1, 10)), ("1e-30", Fraction(1, 10**30)),
     ("-2", Fraction(-2)), (" 3 / 4 ", Fraction(3, 4)), (".5", Fraction(1, 2))],
)
def test_exact_number_parses_exactly(text, expected):
    assert exact_number(text, "x") == expected


@given(st.fractions(max_denominator=10**6))
def test_exact_number_round_trips_fraction_text(q):
    assert exact_number(str(q), "x") == q


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "abc", "", "1/0", "1,5", "0x10"])
def test_exact_number_rejects(text):
    with pytest.raises(InvalidInputError) as info:
        exact_number(text, "gamma")
    assert "gamma" in str(info.value) and "\n" not in str(info.value)


def test_distribution_exact_and_float_tolerance():
    assert distribution("1/3,2/3") == (Fraction(1, 3), Fraction(2, 3))
    with pytest.raises(InvalidInputError, match="sum"):
        distribution("0.333,0.333,0.333")
    # floats within 1e-12 are rescaled exactly to sum to 1
    rescaled = distribution([0.1, 0.2, 0.7])
    assert sum(rescaled) == 1
    with pytest.raises(InvalidInputError, match="non-negative"):
        distribution("-0.5,1.5")
    with pytest.raises(InvalidInputError):
        distribution([float("nan"), 1.0])


def test_weighting_validation():
    p = distribution("1/2,1/2,0")
    with pytest.raises(InvalidInputError, match="as many entries"):
        weighting(p, "1/2,1/2")
    with pytest.raises(InvalidInputError, match="sum_x P\\(x\\) Q\\(x\\) > 0"):
        weighting(p, "0,0,1")
    assert weighting(p, None) == (Fraction(1, 3),) * 3


@pytest.mark.parametrize("dps", [0, -1, MAX_DPS + 1, "x", 2.5, True])
def test_dps_validation(dps):
    with pytest.raises(InvalidInputError, match="dps"):
        check_dps(dps)


def test_domain_errors_are_value_errors():
    with pytest.raises(ValueError, match="gamma"):
        phi(-1, Fraction(1, 2))
    with pytest.raises(ValueError, match="p"):
        phi(1, 0)
    with pytest.raises(ValueError, match="distortion"):
        tau(1, -1)
    with pytest.raises(ValueError, match="gamma"):
        c_gamma(Fraction(-1, 2))


def test_confirmed_rejects_precision_dependent_results():
    """A result that changes with the working precision must not be reported."""
    with pytest.raises(PrecisionError):
        confirmed(lambda: mp.mpf(mp.prec), 10)


def test_confirmed_escalates_through_cancellation():
    """(1 + 10^-60) − 1 is 0 below 60 digits: the first pair disagrees, the guard grows."""
    def cancelling():
        return (1 + mp.mpf(10) ** -60) - 1

    assert significant(confirmed(cancelling, 20), 20) == "1.0000000000000000000e-60"


def test_confirmed_returns_digits_that_agree_with_a_reference():
    with mp.workdps(70):
        published = mpmath.mpf("3.14159265358979323846264338327950288419716939937510582097494")
    assert significant(confirmed(lambda: mp.pi, 50), 50) == mpmath.nstr(published, 50)


def test_significant_formats():
    assert significant(mp.mpf(0), 10) == "0"
    assert significant(Fraction(1, 3), 5) == "0.33333"
    assert significant(mp.mpf(2) ** 70, 5) == "1.1806e+21"
    assert significant(12345, 3) == "12345"

"""τ_γ(d) for distortion levels far beyond the float range (issue 20, hostile inputs).

``focalrd eval tau --distortion 1e308`` was an internal error (exit 4: a ball
[0 ± 2^(−10^40)] expanded as a Fraction), and ``focalrd.numeric.tau`` returned
wrong digits from d ≈ 10^100 on (t = ln 1/τ ≈ d was rounded to the working
precision before e^(−t), losing every digit).  The expected values are independent:
for d ≥ 10^20, t(1 − e^(−t))^γ = d gives t = d + O(γ d e^(−d)), so τ = e^(−d) to far
more digits than printed, i.e. 10^(−d·log10 e), whose mantissa and exponent plain
mpmath gives at a precision covering the digits of d·log10 e.
"""

from __future__ import annotations

import contextlib
import io
import json
from fractions import Fraction

import mpmath
import pytest

from focalrd.numeric import tau
from focalrd.verify import cli

DIGITS = 15


def power_of_ten_text(exponent_of_e: int, base_log10: mpmath.mpf | None = None,
                      digits: int = DIGITS) -> tuple[str, int]:
    """(mantissa to ``digits`` digits, decimal exponent) of e^(−x), x = exponent_of_e
    (or 2^(−x) with base_log10 = log10 2), by plain mpmath."""
    with mpmath.workdps(len(str(exponent_of_e)) + digits + 20):
        log10 = -mpmath.mpf(exponent_of_e) * (base_log10 if base_log10 is not None
                                              else mpmath.log10(mpmath.e))
        exponent = int(mpmath.floor(log10))
        mantissa = mpmath.power(10, log10 - exponent)
        return mpmath.nstr(mantissa, digits, strip_zeros=False), exponent


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    return status, out.getvalue(), err.getvalue()


def split(value: str) -> tuple[str, int]:
    mantissa, _, exponent = value.partition("e")
    return mantissa, int(exponent)


@pytest.mark.parametrize("exponent", [20, 100, 308, 400, 1000])
@pytest.mark.parametrize("gamma", ["0", "2", "7/3"])
def test_eval_tau_of_a_huge_distortion_is_e_to_the_minus_d(exponent, gamma):
    status, out, err = run(["eval", "tau", "--gamma", gamma, "--distortion", f"1e{exponent}",
                            "--dps", str(DIGITS), "--json"])
    assert status == 0, err
    assert split(json.loads(out)["value"]) == power_of_ten_text(10**exponent)


@pytest.mark.parametrize("exponent", [20, 308, 1000])
def test_eval_tau_in_bits_of_a_huge_distortion_is_two_to_the_minus_d(exponent):
    status, out, err = run(["eval", "tau", "--gamma", "2", "--distortion", f"1e{exponent}",
                            "--dps", str(DIGITS), "--bits", "--json"])
    assert status == 0, err
    with mpmath.workdps(exponent + 40):
        expected = power_of_ten_text(10**exponent, mpmath.log10(2))
    assert split(json.loads(out)["value"]) == expected


@pytest.mark.parametrize("exponent", [100, 308, 1000])
def test_eval_tau_confirmed_path_agrees(exponent, monkeypatch):
    monkeypatch.setenv("FOCALRD_CONFIRM_ONLY", "1")
    status, out, err = run(["eval", "tau", "--gamma", "2", "--distortion", f"1e{exponent}",
                            "--dps", str(DIGITS), "--json"])
    assert status == 0, err
    assert split(json.loads(out)["value"]) == power_of_ten_text(10**exponent)


@pytest.mark.parametrize("exponent", [100, 308, 1000])
def test_numeric_tau_of_a_huge_distortion(exponent):
    with mpmath.workdps(DIGITS + 5):
        value = tau(2, Fraction(10**exponent))
        text = mpmath.nstr(value, DIGITS, strip_zeros=False)
    assert split(text) == power_of_ten_text(10**exponent)

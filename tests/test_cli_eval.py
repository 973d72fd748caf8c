"""``focalrd eval`` through a real subprocess: values, the JSON contract, bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import mpmath
import pytest
from mpmath import mp

CLI = [sys.executable, "-m", "focalrd.verify.cli"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=600)


def eval_json(*args: str) -> dict:
    result = run("eval", *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def test_c_gamma_2_to_40_digits_against_independent_root():
    """c_2 = max_p p(2 − p) ln(1/p): root of (2 − 2p) ln(1/p) − (2 − p) by mpmath.findroot."""
    doc = eval_json("c-gamma", "--gamma", "2", "--dps", "40")
    with mp.workdps(70):
        p = mp.findroot(lambda p: (2 - 2 * p) * mp.log(1 / p) - (2 - p), 0.3)
        expected = mpmath.nstr(p * (2 - p) * mp.log(1 / p), 40, strip_zeros=False)
    assert doc["value"] == expected
    assert doc["quantity"] == "c-gamma" and doc["dps"] == 40 and doc["inputs"] == {"gamma": "2"}


def test_tau_5_3_to_40_digits_against_independent_root():
    """τ_5(3): root of (1 − p)^5 ln(1/p) = 3 by mpmath's secant method on φ itself."""
    doc = eval_json("tau", "--gamma", "5", "--distortion", "3", "--dps", "40")
    with mp.workdps(70):
        root = mp.findroot(lambda p: (1 - p) ** 5 * mp.log(1 / p) - 3, 0.03)
        expected = mpmath.nstr(root, 40, strip_zeros=False)
    assert doc["value"] == expected
    assert len(doc["value"].replace("0.0", "", 1).replace(".", "").lstrip("0")) == 40


def test_focal_loss_exact_fraction_and_bits():
    doc = eval_json("focal-loss", "--gamma", "2", "--p", "1/3", "--dps", "25", "--bits")
    with mp.workdps(60):
        expected = mpmath.nstr((mp.mpf(2) / 3) ** 2 * mp.log(3) / mp.log(2), 25, strip_zeros=False)
    assert doc["value"] == expected and doc["unit"] == "bits"
    assert doc["inputs"] == {"gamma": "2", "p": "1/3"}


def test_exact_zero_and_closed_form_values():
    assert eval_json("c-gamma", "--gamma", "0")["value"] == "0"
    assert eval_json("focal-loss", "--gamma", "3", "--p", "1")["value"] == "0"


def test_tau_of_zero_distortion_is_one():
    doc = eval_json("tau", "--gamma", "7/3", "--distortion", "0", "--dps", "5")
    assert mpmath.mpf(doc["value"]) == 1
    assert doc["unit"] is None  # a probability


def test_tau_with_bits_reads_the_distortion_in_bits():
    """τ_γ(d bits) = τ_γ(d·ln 2 nats): at γ = 0, τ_0(1 bit) = e^(−ln 2) = 1/2 exactly."""
    doc = eval_json("tau", "--gamma", "0", "--distortion", "1", "--bits", "--dps", "25")
    assert doc["value"] == mpmath.nstr(mpmath.mpf("0.5"), 25, strip_zeros=False)


def test_human_output_and_help():
    result = run("eval", "tau", "--gamma", "1", "--distortion", "1", "--dps", "12")
    with mp.workdps(40):  # τ_1(1): root of (1 − p) ln(1/p) = 1
        expected = mpmath.nstr(mp.findroot(lambda p: (1 - p) * mp.log(1 / p) - 1, 0.26), 12,
                               strip_zeros=False)
    assert result.returncode == 0 and f"value = {expected}" in result.stdout
    top = run("--help")
    for command in ("eval", "verify", "derive", "report", "curves", "simulate", "benchmark"):
        assert command in top.stdout
    bare = run()
    assert bare.returncode == 2 and len(bare.stderr.strip().splitlines()) == 1
    assert run("--version").stdout.startswith("focalrd ")


BAD_INPUTS = [
    (["tau", "--gamma", "-1", "--distortion", "1"], "gamma"),
    (["tau", "--gamma", "nan", "--distortion", "1"], "gamma"),
    (["tau", "--gamma", "inf", "--distortion", "1"], "gamma"),
    (["tau", "--gamma", "two", "--distortion", "1"], "gamma"),
    (["tau", "--gamma", "1", "--distortion", "-0.5"], "distortion"),
    (["focal-loss", "--gamma", "1", "--p", "0"], "p"),
    (["focal-loss", "--gamma", "1", "--p", "1.5"], "p"),
    (["c-gamma", "--gamma", "1", "--dps", "0"], "dps"),
    (["c-gamma", "--gamma", "1", "--dps", "100000"], "dps"),
    (["c-gamma"], "--gamma"),
    (["eps-star", "--source", "0.5,-0.5,1", "--codewords", "1", "--distortion", "1",
      "--gamma", "1"], "source"),
    (["eps-star", "--source", "0.5,nan", "--codewords", "1", "--distortion", "1",
      "--gamma", "1"], "source"),
    (["eps-star", "--source", "0.5,0.3,0.3", "--codewords", "1", "--distortion", "1",
      "--gamma", "1"], "source"),
    (["eps-star", "--source", "1/3,1/3,1/3", "--weights", "1/2,1/2", "--codewords", "1",
      "--distortion", "1", "--gamma", "1"], "weights"),
    (["eps-star", "--source", "1/2,1/2,0", "--weights", "0,0,1", "--codewords", "1",
      "--distortion", "1", "--gamma", "1"], "weights"),
    (["focal-entropy", "--source", "0.6,0.4", "--gamma", "-2"], "gamma"),
]


@pytest.mark.slow
@pytest.mark.parametrize("args, parameter", BAD_INPUTS)
def test_bad_input_one_line_exit_2(args, parameter):
    result = run("eval", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and parameter in lines[0]
    assert "Traceback" not in result.stderr


def test_focal_entropy_at_a_tiny_gamma_confirms_its_digits():
    """γ = 1e-30: q* = (1/2, 1/2) by symmetry and F = (1/2)^γ ln 2, which is ln 2 to 25 digits."""
    doc = eval_json("focal-entropy", "--source", "1/2,1/2", "--gamma", "1e-30", "--dps", "25")
    with mp.workdps(60):
        assert doc["value"] == mpmath.nstr(mp.log(2), 25, strip_zeros=False)
    assert [mpmath.mpf(q) for q in doc["minimizer"]] == [mpmath.mpf("0.5")] * 2
    assert doc["kkt_residual"].startswith("<1e-")  # below the resolution, stated as a bound


def test_tau_for_an_enormous_focusing_parameter():
    """γ = 10^6, d = 7/3: t = ln(1/τ) solves t (1 − e^(−t))^γ = 7/3 (checked at 80 digits)."""
    doc = eval_json("tau", "--gamma", "1e6", "--distortion", "7/3", "--dps", "30")
    with mp.workdps(80):
        t = -mp.log(mp.mpf(doc["value"]))
        assert abs(t * (-mp.expm1(-t)) ** 10**6 - mp.mpf(7) / 3) < mp.mpf(10) ** -25


@pytest.mark.parametrize("args, parameter", [
    (["tau", "--gamma", "1e999999999", "--distortion", "1"], "gamma"),
    (["tau", "--gamma", "1e16", "--distortion", "1"], "gamma"),
    (["tau", "--gamma", "1", "--distortion", "1e-5000"], "distortion"),
])
def test_huge_numbers_are_refused_quickly(args, parameter):
    result = run("eval", *args)
    assert result.returncode == 2 and parameter in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_inputs_are_echoed_exactly():
    doc = eval_json("focal-loss", "--gamma", "2", "--p", "0.123456789012345678901234567890123")
    assert doc["inputs"]["p"] == "0.123456789012345678901234567890123"

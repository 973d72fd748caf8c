"""``focalrd eval`` for the n-letter quantities: JSON contract and bad input."""

from __future__ import annotations

import json
import math
from fractions import Fraction as F

from focalrd.verify.cli import main


def run_json(capsys, *argv):
    assert main(["eval", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_d_star_reports_exact_k_and_l(capsys):
    # (1/2, 1/2), n = 3: 8 equally likely sequences; eps = 1/4 -> K* = 6, M = 2 -> L* = 3
    doc = run_json(capsys, "d-star", "--source", "1/2,1/2", "--n", "3", "--codewords", "2",
                   "--eps", "0.25", "--gamma", "0", "--dps", "20")
    assert (doc["K"], doc["L"]) == ("6", "3")
    assert abs(float(doc["value"]) - math.log(3) / 3) < 1e-15
    assert len(doc["value"].replace("0.", "", 1)) == 20  # twenty significant digits


def test_d_star_large_n_reports_logs(capsys):
    doc = run_json(capsys, "d-star", "--source", "0.9,0.1", "--n", "1000000", "--rate", "0.2",
                   "--eps", "0.1", "--gamma", "2", "--dps", "15")
    assert "K" not in doc and "log_K" in doc and "log_L" in doc
    # L* = K*/M, so ln L* = ln K* − nR (M = ⌊e^{nR}⌋ is astronomically large)
    assert abs(float(doc["log_K"]) - 200000 - float(doc["log_L"])) < 1e-6
    # D* = ln(L*)/n to every printed digit here, since (1 − 1/L*)^γ = 1 at 15 digits
    assert abs(float(doc["value"]) - float(doc["log_L"]) / 10**6) < 1e-15


def test_dispersion_binary_closed_form(capsys):
    doc = run_json(capsys, "dispersion", "--source", "0.9,0.1", "--dps", "15")
    p = 0.1
    assert abs(float(doc["value"]) - p * (1 - p) * math.log((1 - p) / p) ** 2) < 1e-14


def test_bad_inputs_exit_2_with_one_line(capsys):
    assert main(["eval", "d-star", "--source", "0.9,0.1", "--n", "5", "--eps", "0.1",
                 "--gamma", "1"]) == 2  # neither --codewords nor --rate
    assert main(["eval", "d-star", "--source", "0.9,0.1", "--n", "0", "--codewords", "2",
                 "--eps", "0.1", "--gamma", "1"]) == 2
    assert main(["eval", "normal-approx", "--source", "0.9,0.1", "--n", "10", "--rate", "0.1",
                 "--eps", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("focalrd") for line in err)


def test_rate_in_bits_gives_a_power_of_two_codebook(capsys):
    # n = 4, R = 1/2 bit: M = 2^2 = 4; uniform binary: K* = ceil(0.5 * 16) = 8 -> L* = 2
    doc = run_json(capsys, "d-star", "--source", "1/2,1/2", "--n", "4", "--rate", "1/2",
                   "--bits", "--eps", "1/2", "--gamma", "0", "--dps", "12")
    assert (doc["K"], doc["L"]) == ("8", "2")
    assert abs(float(doc["value"]) - 1 / 4) < 1e-12  # log2(2) / 4 bits
    assert F(doc["inputs"]["rate"]) == F(1, 2)

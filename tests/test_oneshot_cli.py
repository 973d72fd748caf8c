"""``focalrd eval`` eps-star, focal-entropy and avg-d-star: JSON contract and bad input."""

from __future__ import annotations

import json
import sys
from fractions import Fraction

import pytest
import reference_impl as ref
from mpmath import mp

from focalrd.numeric.oneshot.focal_entropy import focal_entropy_solution
from focalrd.verify.cli import main


def _json(capsys, *argv: str) -> dict:
    assert main(["eval", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_eps_star_unweighted_document(capsys):
    # L = ⌊e⌋ = 2 at γ = 0, d = 1: one codeword covers 0.5 and 0.3
    doc = _json(capsys, "eps-star", "--source", "0.5,0.3,0.2", "--codewords", "1",
                "--distortion", "1", "--gamma", "0", "--dps", "20")
    assert doc["quantity"] == "eps-star" and doc["value"] == "0.20000000000000000000"
    assert doc["list_size"] == 2
    assert doc["achievability"] == "0.50000000000000000000"    # P[P(X) < 1/2]
    assert Fraction(doc["converse"]) <= Fraction(1, 5)
    assert doc["inputs"]["codewords"] == "1" and doc["inputs"]["n"] == "1"
    assert doc["encoder"] == [0, 0, 0]


def test_eps_star_weighted_document(capsys):
    doc = _json(capsys, "eps-star", "--source", "0.5,0.3,0.2", "--weights", "0.2,0.3,0.5",
                "--codewords", "1", "--distortion", "1/2", "--gamma", "2")
    assert doc["list_size"] is None
    assert Fraction(doc["converse"]) <= Fraction(doc["value"]) <= Fraction(doc["achievability"])


def test_eps_star_rate_gives_the_floor_of_e_to_the_rate(capsys):
    doc = _json(capsys, "eps-star", "--source", "0.4,0.3,0.2,0.1", "--rate", "1",
                "--distortion", "0", "--gamma", "1")
    assert doc["codewords"] == 2                         # ⌊e⌋; d = 0 covers one symbol each
    assert doc["value"].startswith("0.3000")


def test_focal_entropy_document(capsys):
    doc = _json(capsys, "focal-entropy", "--source", "0.5,0.3,0.2", "--gamma", "2", "--dps", "25")
    with mp.workdps(60):
        solution = focal_entropy_solution([Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)], 2)
        assert abs(mp.mpf(doc["value"]) - solution.value) < mp.mpf(10) ** -24
    assert len(doc["minimizer"]) == 3
    assert abs(sum(Fraction(q) for q in doc["minimizer"]) - 1) < Fraction(1, 10**23)
    # The printed residual is that of the printed (25-digit) q and lambda, so it is of the
    # order 1e-25, never 0: recompute it from the printed strings with the independent phi'
    # and compare to its 2 printed significant digits (relative rounding at most 5 %).
    with mp.workdps(80):
        shown = [mp.mpf(q) for q in doc["minimizer"]]
        lam = mp.mpf(doc["multiplier"])
        a = [mp.mpf(1) / 2, mp.mpf(3) / 10, mp.mpf(1) / 5]
        residual = max(max(abs(v * -ref.phi_prime(2, q) / lam - 1)
                           for v, q in zip(a, shown, strict=True)), abs(mp.fsum(shown) - 1))
        assert mp.mpf(10) ** -40 < residual < mp.mpf(10) ** -23
        assert abs(mp.mpf(doc["kkt_residual"]) - residual) <= mp.mpf("0.06") * residual


def test_avg_d_star_document(capsys):
    doc = _json(capsys, "avg-d-star", "--source", "0.4,0.3,0.2,0.1", "--codewords", "2",
                "--gamma", "0", "--dps", "20")
    # γ = 0: H(R) − ln 2 with the balanced partition {0.4, 0.1}, {0.3, 0.2}
    with mp.workdps(40):
        h = -sum(mp.mpf(p) * mp.log(mp.mpf(p)) for p in ("0.4", "0.3", "0.2", "0.1"))
        assert abs(mp.mpf(doc["value"]) - (h - mp.log(2))) < mp.mpf(10) ** -19
    assert sorted(map(sorted, doc["partition"])) == [[0, 3], [1, 2]]
    assert Fraction(doc["converse"]) <= Fraction(doc["value"]) <= Fraction(doc["achievability"])


def test_avg_d_star_in_bits(capsys):
    nats = _json(capsys, "avg-d-star", "--source", "0.4,0.3,0.2,0.1", "--codewords", "2",
                 "--gamma", "1")
    bits = _json(capsys, "avg-d-star", "--source", "0.4,0.3,0.2,0.1", "--codewords", "2",
                 "--gamma", "1", "--bits")
    with mp.workdps(40):
        assert abs(mp.mpf(bits["value"]) * mp.ln2 - mp.mpf(nats["value"])) < mp.mpf(10) ** -28
    assert bits["unit"] == "bits"


@pytest.mark.parametrize("argv", [
    ["eps-star", "--source", "0.5,0.3,0.2", "--distortion", "1", "--gamma", "1"],
    ["eps-star", "--source", "0.5,0.3,0.2", "--codewords", "1", "--rate", "1",
     "--distortion", "1", "--gamma", "1"],
    ["eps-star", "--source", "0.5,0.3,0.3", "--codewords", "1", "--distortion", "1",
     "--gamma", "1"],
    ["avg-d-star", "--source", "0.5,0.5", "--codewords", "1", "--gamma", "1", "--n", "0"],
    ["avg-d-star", "--source", "0.5,0.5", "--weights", "1", "--codewords", "1", "--gamma", "1"],
    ["focal-entropy", "--source", "0.5,0.5", "--gamma", "-2"],
])
def test_bad_input_is_one_line_and_exit_2(capsys, argv):
    assert main(["eval", *argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_block_lengths_missing_from_the_build(capsys, monkeypatch):
    import focalrd.verify.quantities as package
    monkeypatch.delattr(package, "_blocks_eval", raising=False)
    monkeypatch.setitem(sys.modules, "focalrd.verify.quantities._blocks_eval", None)
    assert main(["eval", "avg-d-star", "--source", "0.5,0.5", "--codewords", "1",
                 "--gamma", "1", "--n", "2"]) == 2
    assert "n = 1" in capsys.readouterr().err

"""Regressions of issue 13: L* = ⌈K*/M⌉ at high precision, and "codewords" for --rate."""

from __future__ import annotations

import json
from fractions import Fraction as F

import pytest
from mpmath import mp
from type_class_reference import floor_exp, least_count, uncovered_mass

from focalrd.numeric.blocks.excess import Count, list_size_from_count
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.verify.cli import main


def _log_count(k: int) -> Count:
    return Count(None, mp.log(k))


@pytest.mark.parametrize("shift", [-30, -12, -4, 0, 4, 12, 24, 30])
@pytest.mark.parametrize("prec", [200, 500, 900])
def test_list_size_is_decided_or_given_by_its_log_near_the_precision_limit(prec, shift):
    """K*/M with about ``prec + shift`` bits and fractional part ~0.94 (as in the issue).

    The old slack grew with the *square* of the ratio's magnitude, so every ratio
    above about 2^(prec/2) that was not handed to the log branch raised "too close
    to an integer"; L* is either decided (and then exact) or ln L* is within the
    working precision of ln(K*/M).
    """
    m_exact = 3**40 + 17
    ratio_bits = prec + shift
    k_exact = (1 << ratio_bits) * m_exact + (m_exact * 94) // 100
    with mp.workprec(prec):
        m = codebook_size(1, m_exact)
        ell = list_size_from_count(_log_count(k_exact), m)
        expected = -(-k_exact // m_exact)
        if ell.exact is not None:
            assert ell.exact == expected
        assert abs(ell.log - mp.log(expected)) <= mp.ldexp(mp.log(expected), -(prec - 12))


def test_list_size_still_refuses_a_ratio_within_rounding_of_an_integer():
    """K*/M = 10^20 exactly, known only through logarithms: ⌈K*/M⌉ cannot be decided."""
    from focalrd.numeric.errors import PrecisionError

    with mp.workprec(200):
        m = codebook_size(1, 7**30)
        with pytest.raises(PrecisionError):
            list_size_from_count(_log_count(7**30 * 10**20), m)


def _run_json(capsys, *argv) -> dict:
    assert main(["eval", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.slow
@pytest.mark.parametrize("dps", [140, 260])
def test_issue_d_star_command_against_an_independent_sort(capsys, dps):
    """The issue's command: binary n = 10^4, M = ⌊e^3000⌋, ε = 1/10, γ = 0.

    K* from the independent exact sort of all 10001 type classes, M from integer
    interval arithmetic, L* = ⌈K*/M⌉ (fractional part of K*/M ≈ 0.9422), and
    D*_0 = ln(L*)/n must match every printed digit.
    """
    source = (F(89, 100), F(11, 100))
    k = least_count(source, 10_000, F(1, 10))
    m = floor_exp(F(3000))
    ell = -(-k // m)
    assert 0.9 < (k % m) / m < 0.95
    doc = _run_json(capsys, "d-star", "--source", "0.89,0.11", "--n", "10000", "--rate", "0.3",
                    "--eps", "0.1", "--gamma", "0", "--dps", str(dps))
    with mp.workdps(dps + 20):
        expected = mp.log(ell) / 10_000
        assert abs(mp.mpf(doc["value"]) - expected) <= mp.mpf(10) ** -(dps - 1) * expected
        assert abs(mp.mpf(doc["log_K"]) - mp.log(k)) <= mp.mpf(10) ** -(dps - 4) * mp.log(k)


def test_eps_star_with_a_rate_reports_codewords(capsys):
    """The issue's second command: M = 2^(10·0.5) = 32, and ε* from the independent sort."""
    doc = _run_json(capsys, "eps-star", "--source", "0.89,0.11", "--n", "10", "--rate", "0.5",
                    "--distortion", "0.1", "--gamma", "0", "--bits")
    assert doc["codewords"] == 32
    # L = ⌊1/τ_0(nD bits)⌋ = ⌊2^1⌋ = 2, so the code covers 64 sequences
    assert doc["L"] == "2"
    expected = uncovered_mass((F(89, 100), F(11, 100)), 10, 64)
    assert abs(F(doc["value"]) - expected) <= F(1, 10**29)


def test_codewords_absent_when_given_and_logged_when_huge(capsys):
    doc = _run_json(capsys, "eps-star", "--source", "0.89,0.11", "--n", "10", "--codewords", "5",
                    "--distortion", "0.1", "--gamma", "0")
    assert "codewords" not in doc
    doc = _run_json(capsys, "d-star", "--source", "0.89,0.11", "--n", "10000", "--rate", "0.3",
                    "--eps", "0.1", "--gamma", "0")
    assert doc["codewords"] is None and abs(float(doc["log_codewords"]) - 3000) < 1e-9


@pytest.mark.slow  # 9 s: the window's classes are listed before the method gives up
def test_average_achievability_past_its_reach_is_not_available_not_an_error(capsys):
    """(1/2, 3/10, 1/5) at n = 3000 above the entropy: ⌈|T|/(M − 1)⌉ would need every more
    likely class listed, past the many-group method's reach.  `eval avg-d-star` exited 3
    ("precision error"); the achievability is now not available and the converse printed."""
    status = main(["eval", "avg-d-star", "--source", "0.5,0.3,0.2", "--n", "3000",
                   "--rate", "1.1", "--gamma", "2", "--json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    assert document["achievability"] is None
    assert document["converse"] == "0"

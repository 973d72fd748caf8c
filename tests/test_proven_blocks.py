"""Issue 21: ``eval d-star`` past exact enumeration is proven, and its balls hold the truth.

Each case lies just past exact enumeration of the type classes (so the fixed-point
scans run) but close enough for tests/type_class_reference.py — which imports nothing
from focalrd and sorts every type class exactly — to give K*; L* = ⌈K*/M⌉ and
D* = φ_γ(1/L*)/n follow in mpmath at 80 digits from those exact integers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction as F
from functools import cache

import mpmath
import pytest
from mpmath import mp

from focalrd.numeric import balls
from tests import type_class_reference as ref

needs_flint = pytest.mark.skipif(not balls.available(), reason="python-flint is not installed")
CLI = [sys.executable, "-m", "focalrd.verify.cli"]

BINARY = "1/4,3/4"
TERNARY = "1/2,1/3,1/6"
FOUR = "0.4,0.3,0.2,0.1"
FIVE = "0.3,0.25,0.2,0.15,0.1"
SIX = ",".join(f"{k}/21" for k in (6, 5, 4, 3, 2, 1))

#: (source, n, eps, gamma, ("codewords" | "rate", value)); each past exact_feasible
CASES = [
    (TERNARY, 520, "1/10", "1/2", ("codewords", "1000")),
    (FOUR, 120, "1/10", "2", ("rate", "1/2")),
    (FIVE, 50, "9/10", "1/2", ("codewords", "3")),
    (SIX, 30, "1/1000000000", "2", ("codewords", "7")),  # K* ~ 2^77: the exact small path
    (FIVE, 50, "1/10", "0", ("rate", "1")),
]
SLOW_CASES = [
    (BINARY, 8200, "1/10", "2", ("codewords", "1")),
]


def _source(text: str) -> tuple[F, ...]:
    return tuple(F(x) for x in text.split(","))


@cache
def _reference_k(source: str, n: int, eps: str) -> int:
    return ref.least_count(_source(source), n, F(eps))


def _codebook(n: int, codebook: tuple[str, str]) -> int:
    kind, value = codebook
    return int(value) if kind == "codewords" else ref.floor_exp(n * F(value))


def _document(args: list[str], dps: int = 30) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "FOCALRD_CONFIRM_ONLY"}
    done = subprocess.run([*CLI, "eval", "d-star", *args, "--dps", str(dps), "--json"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _args(source, n, eps, gamma, codebook) -> list[str]:
    return ["--source", source, "--n", str(n), "--eps", eps, "--gamma", gamma,
            f"--{codebook[0]}", codebook[1]]


def _inside(enclosure: list[str], value: mpmath.mpf) -> bool:
    return mp.mpf(enclosure[0]) <= value <= mp.mpf(enclosure[1])


def _check(source, n, eps, gamma, codebook, dps: int = 30) -> None:
    from focalrd.numeric.blocks.classes import exact_feasible
    from focalrd.numeric.blocks.grouping import group_source

    assert not exact_feasible(group_source(_source(source)), n)  # past enumeration
    k = _reference_k(source, n, eps)
    m = _codebook(n, codebook)
    ell = -(-k // m)
    doc = _document(_args(source, n, eps, gamma, codebook), dps)
    assert doc["certified"] is True, doc["certification"]
    with mp.workdps(dps + 50):
        g = mp.mpf(F(gamma).numerator) / F(gamma).denominator
        value = (1 - mp.mpf(1) / ell) ** g * mp.log(ell) / n
        assert _inside([doc["lower"], doc["upper"]], value)
        for name, count in (("K", k), ("L", ell)):
            if name in doc:
                assert doc[name] == str(count)
            else:
                assert _inside(doc["enclosures"][f"log_{name}"], mp.log(count))
                assert count >= 1 << 64  # the confirmed path prints a smaller one exactly


@needs_flint
@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c[0][:8]}-n{c[1]}-{c[2]}")
def test_d_star_past_enumeration_is_proven_and_holds_the_reference(case):
    _check(*case)


@needs_flint
@pytest.mark.slow
@pytest.mark.parametrize("case", SLOW_CASES, ids=lambda c: f"binary-n{c[1]}")
def test_binary_d_star_past_enumeration_is_proven(case):
    _check(*case)


@needs_flint
def test_d_star_past_enumeration_at_high_precision():
    _check(FOUR, 120, "1/10", "2", ("rate", "1/2"), dps=300)


@needs_flint
def test_an_exactly_decided_list_size_past_enumeration():
    # M close to K*/e^20: L* ~ 5e8 is printed exactly, decided by the ball of K*/M
    k = _reference_k(FOUR, 120, "1/10")
    with mp.workdps(60):
        rate = F(int((mp.log(k) - 20) / 120 * 10**6), 10**6)
    _check(FOUR, 120, "1/10", "2", ("rate", f"{rate.numerator}/{rate.denominator}"))


@needs_flint
@pytest.mark.parametrize("case", [CASES[0], CASES[1], CASES[4]], ids=["ternary", "four", "five"])
def test_the_count_ball_contains_the_exact_k(case):
    from flint import fmpz

    from focalrd.numeric.balls.arith import working_bits
    from focalrd.numeric.balls.blocks import count_ball
    from focalrd.numeric.blocks.count_parts import CountParts, least_count_parts

    source, n, eps = case[:3]
    with working_bits(130), mp.workprec(130):
        parts = least_count_parts(_source(source), n, F(eps))
        assert isinstance(parts, CountParts)
        ball = count_ball(parts)
        assert ball.contains(fmpz(_reference_k(source, n, eps)))
        assert ball.rad() < ball.mid() * mpmath.mpf(2) ** -100  # and it is narrow


@needs_flint
@pytest.mark.parametrize("bug_id, check_name, claim_id", [
    ("ball-blocks-count-midpoint", "dstar_enclosures_past_enumeration", "n.dstar-closed-form"),
    ("ball-blocks-list-size-floor", "dstar_enclosures_past_enumeration", "n.dstar-closed-form"),
    ("ball-blocks-uncovered-no-crossing-share", "eps_star_enclosures_past_enumeration",
     "n.excess-exact"),
])
def test_each_planted_blocks_ball_bug_is_refuted_by_the_past_enumeration_check(
        bug_id, check_name, claim_id):
    """In process (``focalrd selftest --only 'ball-blocks-*'`` does it through verify --quick):
    the check passes without the bug and fails (passed is False, not an error) with it."""
    from focalrd.verify.claims import enclosures_blocks, load_all
    from focalrd.verify.registry import CheckContext
    from focalrd.verify.selftest_catalogue import find_bug, planted

    load_all()
    check = getattr(enclosures_blocks, check_name)

    def passed() -> bool:
        return check(CheckContext(quick=True, claim_id=claim_id, check=check.__name__)).passed

    assert passed() is True
    with planted(find_bug(bug_id)):
        assert passed() is False


# -- eps-star past enumeration -------------------------------------------------------------
def _eps_document(args: list[str], dps: int = 30) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "FOCALRD_CONFIRM_ONLY"}
    done = subprocess.run([*CLI, "eval", "eps-star", *args, "--dps", str(dps), "--json"],
                          capture_output=True, text=True, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


#: (source, n, M, shift): γ = 0, so L = ⌊e^{nD}⌋ (ref.floor_exp), with nD = ln K*(1/2) −
#: shift rounded to 6 decimals: S = M·L lands near the median of the sorted sequences
EPS_CASES = [
    (TERNARY, 520, 1, 0),
    (TERNARY, 520, 1000, 7),
    (FOUR, 120, 1, 0),
    (FIVE, 50, 3, 1),
]


@needs_flint
@pytest.mark.parametrize("case", EPS_CASES, ids=lambda c: f"{c[0][:8]}-n{c[1]}-M{c[2]}")
def test_eps_star_past_enumeration_is_proven_and_holds_the_exact_mass(case):
    from focalrd.numeric.blocks.classes import exact_feasible
    from focalrd.numeric.blocks.grouping import group_source

    source, n, m, shift = case
    assert not exact_feasible(group_source(_source(source)), n)
    k = _reference_k(source, n, "1/2")
    with mp.workdps(60):
        level = F(int((mp.log(k) - shift) * 10**6), 10**6)
    d = level / n
    ell = ref.floor_exp(level)
    expected = ref.uncovered_mass(_source(source), n, m * ell)
    assert 0 < expected < 1
    doc = _eps_document(["--source", source, "--n", str(n), "--codewords", str(m),
                         "--distortion", f"{d.numerator}/{d.denominator}", "--gamma", "0"])
    assert doc["certified"] is True, doc["certification"]
    assert doc["L"] == str(ell)
    assert F(doc["lower"]) <= expected <= F(doc["upper"])
    with mp.workdps(60):
        value = mp.mpf(expected.numerator) / expected.denominator
        assert doc["value"] == mpmath.nstr(value, 30, min_fixed=-4, max_fixed=4) or \
            abs(mp.mpf(doc["value"]) - value) <= mp.mpf(10) ** -29 * value

"""Proven h_γ(k) for k ≤ 4 (issue 21) against values computed here without focalrd.

References: the closed form γ ln(1 − 1/k) where the maximiser is uniform, and otherwise
the two-level formula max_q (1 − q)q^γ + q(1 − q/d)^γ (d = k − 1) solved by
``mpmath.findroot`` at 60 digits, with a brute-force grid over the whole simplex showing
that no point does better (so the reference is the global maximum, not just the formula's).
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
from mpmath import mp

flint = pytest.importorskip("flint")

CLI = [sys.executable, "-m", "focalrd.verify.cli"]
KEYS = ("value", "formula_value", "search_value")


def two_level(k: int, gamma: Fraction):
    """(h, sorted maximiser) by the two-level formula, 60 digits."""
    d = k - 1
    g = mp.mpf(gamma.numerator) / gamma.denominator
    s = lambda q: (1 - q) * q**g + q * (1 - q / d) ** g  # noqa: E731
    q0 = max((mp.mpf(i) / 1000 for i in range(1, 1000)), key=s)
    q = mp.findroot(lambda q: mp.diff(s, q), q0)
    return mp.log(s(q)), sorted([1 - q] + [q / d] * d, reverse=True)


def grid_maximum(k: int, gamma: float, steps: int = 60) -> float:
    """max of ln Σ p(1 − p)^γ over a grid of the simplex (float64)."""
    best = -1e300
    for c in itertools.product(range(steps + 1), repeat=k - 1):
        if sum(c) > steps:
            continue
        p = [x / steps for x in c] + [(steps - sum(c)) / steps]
        value = sum(x * (1 - x) ** gamma for x in p)
        best = max(best, value)
    return mpmath.log(best)


def run(args, confirm_only=False):
    env = {k: v for k, v in os.environ.items() if k != "FOCALRD_CONFIRM_ONLY"}
    if confirm_only:
        env["FOCALRD_CONFIRM_ONLY"] = "1"
    done = subprocess.run([*CLI, "eval", "h-gamma", *args, "--json"], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _inside(text_pair, value) -> bool:
    low, high = (mp.mpf(x) for x in text_pair)
    return low <= value <= high


def _check_document(doc, h, maximizer, dps=30):
    assert doc["certified"] is True, doc["certification"]
    with mp.workdps(60):
        printed = mpmath.nstr(h, dps, strip_zeros=False)
        for key in KEYS:
            assert doc[key] == printed, key
        assert _inside((doc["lower"], doc["upper"]), h)
        for key in ("formula_value", "search_value"):
            assert _inside(doc["enclosures"][key], h)
        for key in ("maximizer", "search_maximizer"):
            for text, pair, p in zip(doc[key], doc["enclosures"][key], maximizer, strict=True):
                assert text == mpmath.nstr(p, dps, strip_zeros=False)
                assert _inside(pair, p)
    assert doc["formula_d"] == len(maximizer) - 1


@pytest.mark.parametrize("k, gamma", [(3, Fraction(2)), (4, Fraction(10)), (2, Fraction(7)),
                                      (4, Fraction(3, 2))])
def test_proven_h_gamma_contains_the_independent_maximum(k, gamma):
    doc = run(["--alphabet", str(k), "--gamma", str(gamma)])
    with mp.workdps(60):
        h, maximizer = two_level(k, gamma)
    assert grid_maximum(k, float(gamma)) <= float(h) + 1e-12   # the formula is the global max
    _check_document(doc, h, maximizer)


def test_uniform_maximiser_is_exact_and_matches_the_closed_form():
    """k = 3, γ = 2: P = (1/3, 1/3, 1/3), h = 2 ln(2/3); the maximiser entries are exact."""
    doc = run(["--alphabet", "3", "--gamma", "2"])
    with mp.workdps(60):
        _check_document(doc, 2 * mp.log(mp.mpf(2) / 3), [mp.mpf(1) / 3] * 3)
    third = "0." + "3" * 35   # exactly 1/3, its ends rounded outward to 35 digits
    assert doc["enclosures"]["maximizer"] == [[third, third[:-1] + "4"]] * 3


def test_proven_document_equals_the_confirmed_one():
    args = ["--alphabet", "4", "--gamma", "10", "--bits"]
    proven, confirmed = run(args), run(args, confirm_only=True)
    keys = {"certified", "certification", "lower", "upper", "enclosures"}
    strip = lambda d: {k: v for k, v in d.items() if k not in keys}  # noqa: E731
    assert proven["certified"] and not confirmed["certified"]
    assert strip(proven) == strip(confirmed)


def test_k_above_4_and_unisolated_cases_are_confirmed_with_their_reason():
    doc = run(["--alphabet", "5", "--gamma", "2"])
    assert doc["certified"] is False and "k > 4" in doc["certification"]
    doc = run(["--alphabet", "4", "--gamma", "1/10"])   # S nearly flat: not isolated in time
    assert doc["certified"] is False and "did not isolate" in doc["certification"]


def test_gamma_zero_is_exact():
    doc = run(["--alphabet", "3", "--gamma", "0"])
    assert doc["certified"] is True and doc["value"] == "0" and doc["maximizer"] is None


def test_concavity_test_rejects_a_hull_with_two_convex_coordinates():
    from focalrd.numeric.balls.arith import working_bits
    from focalrd.numeric.balls.hgamma import _strictly_concave

    with working_bits(80):
        # γ = 10: f'' > 0 beyond 2/11; two coordinates there cannot be concave
        assert not _strictly_concave(Fraction(10), [(Fraction(4, 10), Fraction(41, 100))] * 2
                                     + [(Fraction(1, 10), Fraction(11, 100))])
        assert _strictly_concave(Fraction(2), [(Fraction(1, 3) - Fraction(1, 10**6),
                                                Fraction(1, 3) + Fraction(1, 10**6))] * 3)


def test_planted_bug_breaks_the_value():
    from focalrd.verify.selftest_catalogue import planted
    from focalrd.verify.sweeps import evaluate_options

    with mp.workdps(60):
        h, _ = two_level(4, Fraction(10))
    with planted("ball-hgamma-hull-always-contains"):
        doc = evaluate_options("h-gamma", {"alphabet": "4", "gamma": "10"}, 30)
    with mp.workdps(60):
        assert doc["value"] != mpmath.nstr(h, 30, strip_zeros=False)

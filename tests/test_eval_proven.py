"""``focalrd eval`` with ball enclosures (python-flint) beside the two-precision confirmation.

The proven path must print exactly what the confirmed path prints (same keys, same
digits) plus its enclosures; fall back honestly ("certified": false, and why) where it
has no enclosure; and refuse (exit 3) rather than print a digit its balls do not decide.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest
from mpmath import mp

from focalrd.numeric import balls
from focalrd.verify.registry import numbers_of, numbers_of_claim

CLI = [sys.executable, "-m", "focalrd.verify.cli"]
needs_flint = pytest.mark.skipif(not balls.available(), reason="python-flint is not installed")

#: One command line per proven quantity (and input regime).
PROVEN = [
    ["focal-loss", "--gamma", "2", "--p", "1/3"],
    ["focal-loss", "--gamma", "0", "--p", "1/2", "--bits"],
    ["tau", "--gamma", "5", "--distortion", "3"],
    ["tau", "--gamma", "2", "--distortion", "1", "--bits"],
    ["c-gamma", "--gamma", "2"],
    ["c-gamma", "--gamma", "0"],
    ["eps-star", "--source", "0.5,0.3,0.1,0.05,0.05", "--codewords", "2", "--distortion", "1/3",
     "--gamma", "2", "--bits"],
    ["eps-star", "--source", "0.5,0.3,0.2", "--rate", "3000", "--distortion", "3000",
     "--gamma", "2"],
    ["eps-star", "--source", "0.9,0.1", "--n", "20", "--codewords", "3", "--distortion", "1/2",
     "--gamma", "2"],
    ["focal-entropy", "--source", "0.5,0,0.3,0.2", "--gamma", "3/2"],
    ["focal-entropy", "--source", "1,0", "--gamma", "3"],
    ["d-star", "--source", "0.9,0.1", "--n", "1000", "--rate", "0.2", "--eps", "0.1",
     "--gamma", "2"],
    # past exact enumeration of the type classes (issue 21): the lattice, the many-group engine
    ["d-star", "--source", "1/2,1/3,1/6", "--n", "520", "--codewords", "1000", "--eps", "1/10",
     "--gamma", "1/2"],
    ["d-star", "--source", "0.4,0.3,0.2,0.1", "--n", "120", "--rate", "1/2", "--eps", "0.1",
     "--gamma", "2", "--bits"],
    ["eps-star", "--source", "0.99,0.01", "--n", "6000", "--codewords", "3", "--distortion",
     "1/100", "--gamma", "2"],
    ["eps-star", "--source", "0.4,0.3,0.2,0.1", "--n", "120", "--rate", "1/10", "--distortion",
     "1/3", "--gamma", "1/2"],
    # n = 10^6: class sizes of a million digits, taken by the balls from their compositions
    ["d-star", "--source", "0.9,0.1", "--n", "1000000", "--rate", "0.2", "--eps", "0.1",
     "--gamma", "2"],
    # ε* ~ 6e-3687: the scans need some 12 000 bits (no cap on the lattice's, as its own)
    ["eps-star", "--source", "0.99,0.01", "--n", "19762", "--distortion", "1/2", "--gamma",
     "0", "--codewords", "1000"],
    # S = M·L known by its logarithm only (ln(1/τ) > 5000, M = ⌊e^1000⌋ from the rate)
    ["eps-star", "--source", "0.9,0.1", "--n", "20000", "--rate", "1/20", "--distortion",
     "0.27", "--gamma", "2"],
    ["dispersion", "--source", "0.5,0.25,0.125,0.125", "--bits"],
    ["normal-approx", "--source", "0.9,0.1", "--n", "1000", "--rate", "0.2", "--eps", "1e-80"],
    # exact values at a rounding tie (τ_0(2 bits) = 1/4 and q* = 1/4 at one digit): a ball
    # could never decide them, so they are exact, and round half up as the confirmed path
    ["tau", "--gamma", "0", "--distortion", "2", "--bits", "--dps", "1"],
    ["focal-entropy", "--source", "1/4,1/4,1/4,1/4", "--gamma", "2", "--dps", "1"],
    ["focal-entropy", "--source", "0.2,0.3,0.5", "--gamma", "2", "--dps", "3"],
    # issue 21: the saddlepoint approximation's formula, and h_gamma for k <= 4
    ["d-star-saddlepoint", "--gamma", "2", "--n", "100", "--rate", "0.5", "--eps", "0.1",
     "--source", "1/3,2/3"],
    ["eps-star-saddlepoint", "--gamma", "2", "--n", "100", "--rate", "0.5", "--distortion",
     "0.05", "--source", "0.4,0.3,0.2,0.1"],
    ["h-gamma", "--alphabet", "3", "--gamma", "2"],
    ["h-gamma", "--alphabet", "4", "--gamma", "10", "--bits"],
]
CERTIFICATION_KEYS = {"certified", "certification", "lower", "upper", "enclosures"}


def run(args, confirm_only: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FOCALRD_CONFIRM_ONLY"}
    if confirm_only:
        env["FOCALRD_CONFIRM_ONLY"] = "1"
    return subprocess.run([*CLI, "eval", *args], capture_output=True, text=True, timeout=300,
                          env=env)


def document(args, confirm_only: bool = False) -> dict:
    done = run([*args, "--json"], confirm_only)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _numbers(value):
    """Every decimal string of a (nested) document value, with its path."""
    if isinstance(value, str):
        try:
            Fraction(value)
            return [value]
        except ValueError:
            return []
    if isinstance(value, list):
        return [x for v in value for x in _numbers(v)]
    return []


@needs_flint
@pytest.mark.parametrize("args", [args if index < 2 else pytest.param(args, marks=pytest.mark.slow)
                                  for index, args in enumerate(PROVEN)],
                         ids=lambda a: " ".join(a[:3]))
def test_proven_documents_match_the_confirmed_ones_and_carry_enclosures(args):
    proven, confirmed = document(args), document(args, confirm_only=True)
    assert proven["certified"] is True and confirmed["certified"] is False
    assert "FOCALRD_CONFIRM_ONLY" in confirmed["certification"]
    assert confirmed["lower"] is None and "enclosures" not in confirmed
    strip = lambda d: {k: v for k, v in d.items() if k not in CERTIFICATION_KEYS}  # noqa: E731
    assert strip(proven) == strip(confirmed)       # same keys, same digits
    if proven["value"] is not None:
        low, high = Fraction(proven["lower"]), Fraction(proven["upper"])
        assert low <= Fraction(proven["value"]) + _half_unit(proven) and low <= high
        assert Fraction(proven["value"]) - _half_unit(proven) <= high
    for key, pair in proven["enclosures"].items():
        printed = _numbers(proven[key])
        pairs = pair if isinstance(pair[0], list) else [pair]
        assert len(printed) == len(pairs), key
        for text, (low, high) in zip(printed, pairs, strict=True):
            # the printed digits are a rounding of a point of the enclosure
            half = _half_unit({"value": text, "dps": proven["dps"]})
            assert Fraction(low) - half <= Fraction(text) <= Fraction(high) + half


def _half_unit(doc) -> Fraction:
    value = abs(Fraction(doc["value"]))
    if value == 0:
        return Fraction(0)
    e = 0
    while value >= 10:
        value, e = value / 10, e + 1
    while value < 1:
        value, e = value * 10, e - 1
    return Fraction(1, 2) * Fraction(10) ** (e - doc["dps"] + 1)


@needs_flint
@pytest.mark.slow
def test_without_an_enclosure_the_document_says_confirmed_and_why():
    for args, words in ((["avg-d-star", "--source", "1/2,1/3,1/6", "--n", "3", "--codewords",
                          "20", "--gamma", "2"], "n > 1"),
                        (["eps-star", "--source", "0.5,0.3,0.2", "--weights", "0.2,0.3,0.5",
                          "--codewords", "1", "--distortion", "1/2", "--gamma", "2"],
                         "float64"),
                        (["h-gamma", "--alphabet", "5", "--gamma", "2"], "k > 4")):
        doc = document(args)
        assert doc["certified"] is False and doc["lower"] is None
        assert doc["certification"].startswith("confirmed") and words in doc["certification"]


def test_without_python_flint_eval_confirms_and_says_so(monkeypatch):
    """In process, with python-flint hidden: the confirmed path, and its reason."""
    import argparse

    from focalrd.verify.commands.eval import evaluate
    from focalrd.verify.quantities import discover_quantities

    monkeypatch.setattr(balls, "available", lambda: False)
    quantity = next(q for q in discover_quantities() if q.name == "tau")
    doc = evaluate(quantity, argparse.Namespace(gamma="5", distortion="3", dps="30",
                                                bits=False, json=True))
    assert doc["certified"] is False and "not installed" in doc["certification"]
    with mp.workdps(60):
        t = mp.findroot(lambda t: mp.log(t) + 5 * mp.log(-mp.expm1(-t)) - mp.log(3), 3.3)
        assert doc["value"] == mpmath.nstr(mp.exp(-t), 30, strip_zeros=False)


@needs_flint
def test_text_output_shows_the_enclosure_and_the_evidence():
    done = run(["c-gamma", "--gamma", "2", "--dps", "20"])
    assert done.returncode == 0
    assert "  enclosure = [0.61404322400856048764" in done.stdout
    assert "each proven by a ball enclosure" in done.stdout
    done = run(["c-gamma", "--gamma", "2", "--dps", "20"], confirm_only=True)
    assert "each confirmed at higher precision; not proven: FOCALRD_CONFIRM_ONLY" in done.stdout


def _p_with_log_inverse(target: mpmath.mpf, digits: int) -> str:
    """A decimal p (``digits`` digits) with ln(1/p) = target to within about 10^-digits."""
    with mp.workdps(digits + 20):
        return mpmath.nstr(mp.exp(-target), digits, strip_zeros=False)


@needs_flint
def test_a_value_near_a_rounding_boundary_gets_the_right_digit():
    """ln(1/p) = 0.123455 ∓ 10^-60 at 5 digits: the first ball cannot decide, the precision
    rises, and the digit printed is the side the value is on."""
    for offset, expected in ((-1, "0.12345"), (1, "0.12346")):
        with mp.workdps(120):
            p = _p_with_log_inverse(mp.mpf("0.123455") + offset * mp.mpf(10) ** -60, 100)
        doc = document(["focal-loss", "--gamma", "0", "--p", p, "--dps", "5"])
        assert doc["value"] == expected and doc["certified"] is True


@needs_flint
def test_a_value_too_close_to_a_boundary_exits_3_and_prints_no_digit():
    """ln(1/p) = 0.123455 − 10^-2000: no ball within the precision ladder decides the fifth
    digit (the confirmed path, which compares two roundings, would print 0.12346 here)."""
    with mp.workdps(2100):
        p = _p_with_log_inverse(mp.mpf("0.123455") - mp.mpf(10) ** -2000, 2060)
    done = run(["focal-loss", "--gamma", "0", "--p", p, "--dps", "5", "--json"])
    assert done.returncode == 3, done.stderr
    assert done.stdout == "" and "could not prove 5 significant digits" in done.stderr


@needs_flint
@pytest.mark.slow
def test_huge_dps_is_proven_too():
    doc = document(["tau", "--gamma", "1/2", "--distortion", "7", "--dps", "2000"])
    assert doc["certified"] is True and len(doc["value"].replace(".", "").lstrip("0")) == 2000
    with mp.workdps(2100):
        t = mp.findroot(lambda t: mp.log(t) + mp.log(-mp.expm1(-t)) / 2 - mp.log(7), 7)
        assert doc["value"] == mpmath.nstr(mp.exp(-t), 2000, strip_zeros=False)


def test_numbers_of_checks_and_claims():
    assert numbers_of({"level": "certified"}) == "proven"
    assert numbers_of({"level": "symbolic"}) == "confirmed"
    assert numbers_of({"level": "reference", "numbers": "proven"}) == "proven"
    proven = {"level": "certified", "passed": True}
    confirmed = {"level": "sampled", "passed": True}
    inconclusive = {"level": "sampled", "passed": None}
    assert numbers_of_claim([proven, inconclusive]) == "proven"
    assert numbers_of_claim([proven, confirmed]) == "partly proven"
    assert numbers_of_claim([confirmed]) == "confirmed"
    assert numbers_of_claim([inconclusive]) is None


BALL_BUGS = ["ball-newton-radius-dropped", "ball-lower-end-rounded-up",
             "ball-newton-centre-only", "ball-power-radius-dropped", "ball-digits-from-lower-end",
             "ball-nearest-truncates", "ball-focal-entropy-radius-dropped", "ball-kkt-one-end",
             "ball-printed-kkt-residual-zero", "ball-saddle-lattice-correction-dropped",
             "ball-saddle-count-untilted", "ball-hgamma-hull-always-contains",
             "ball-avg-cell-mass-dropped"]


@needs_flint
@pytest.mark.parametrize("bug_id", [bug if index < 2 else pytest.param(bug, marks=pytest.mark.slow)
                                    for index, bug in enumerate(BALL_BUGS)])
def test_each_planted_ball_bug_is_refuted_by_its_claims(bug_id):
    """In process, the enclosure checks of the claims the catalogue names refute each bug
    (``focalrd selftest --only 'ball-*'`` does the same through ``verify --quick``)."""
    from focalrd.verify.claims import load_all
    from focalrd.verify.registry import CheckContext, registered_claims
    from focalrd.verify.selftest_catalogue import find_bug, planted

    load_all()
    bug = find_bug(bug_id)
    claims = registered_claims()
    with planted(bug):
        verdicts = []
        for claim_id in bug.claims:
            for check in claims[claim_id].checks:
                if check.__module__.endswith(("enclosures", "enclosures_average",
                                                         "selftest_gaps")):
                    ctx = CheckContext(quick=True, claim_id=claim_id, check=check.__name__)
                    verdicts.append(check(ctx).passed)
    assert False in verdicts, (bug_id, verdicts)

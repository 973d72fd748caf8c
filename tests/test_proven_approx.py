"""Proven digits of the saddlepoint APPROXIMATION (issue 21): the formula's own value.

The reference here is the approximation's formula written again from its definition in
plain mpmath at 60 digits (``mpmath.findroot`` of the saddlepoint and threshold
equations, the Lugannani-Rice tails with Daniels' lattice u), importing nothing from
focalrd.  The proven document of ``focalrd eval`` must print its correct rounding and
enclose it; the planted bugs of ``verify/planted/proven_approx.py`` must make that fail.
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

flint = pytest.importorskip("flint")

CLI = [sys.executable, "-m", "focalrd.verify.cli"]
SOURCE2 = (Fraction(1, 3), Fraction(2, 3))      # a lattice source: ln 3 − ln(3/2) = ln 2
SOURCE4 = (Fraction(2, 5), Fraction(3, 10), Fraction(1, 5), Fraction(1, 10))  # not lattice


# -- the reference: the formula from its definition ----------------------------------------
def _num(x) -> mpmath.mpf:
    x = Fraction(x)
    return mp.mpf(x.numerator) / x.denominator


def _cumulants(source, s):
    terms = [(_num(p) ** (1 - s), -mp.log(_num(p))) for p in source]
    total = mp.fsum(w for w, _ in terms)
    mean = mp.fsum(w * i for w, i in terms) / total
    var = mp.fsum(w * (i - mean) ** 2 for w, i in terms) / total
    return mp.log(total), mean, var


def _saddle(source, n, t):
    low, high = mp.mpf(-60), mp.mpf(60)
    for _ in range(60):
        mid = (low + high) / 2
        low, high = (mid, high) if _cumulants(source, mid)[1] < t / n else (low, mid)
    return mp.findroot(lambda s: _cumulants(source, s)[1] - t / n, (low + high) / 2)


def _tail(s, t, k_value, k2, h, upper):
    w = mp.sign(s) * mp.sqrt(2 * (s * t - k_value))
    if h is None:
        u = s * mp.sqrt(k2)
    else:
        u = (1 - mp.exp(-s * h) if upper else mp.exp(s * h) - 1) * mp.sqrt(k2) / h
    pdf = mp.exp(-w * w / 2) / mp.sqrt(2 * mp.pi)
    if upper:
        return (1 - mp.ncdf(w)) + pdf * (1 / u - 1 / w)
    return mp.ncdf(w) + pdf * (1 / w - 1 / u)


def upper_tail(source, n, t, h):
    s = _saddle(source, n, t)
    kappa, _, var = _cumulants(source, s)
    return _tail(s, t, n * kappa, n * var, h, True)


def count_log(source, n, t, h):
    k = len(source)
    s = _saddle(source, n, t)
    kappa, _, var = _cumulants(source, s)
    return n * mp.log(k) + mp.log(_tail(s - 1, t, n * (kappa - mp.log(k)), n * var, h, False))


def log_k_reference(source, n, eps, h, start):
    least = -n * mp.log(_num(max(source)))
    t = mp.findroot(lambda x: upper_tail(source, n, x, h) - _num(eps), mp.mpf(start))
    if h is None:
        return count_log(source, n, t, None)
    j = int(mp.floor((t - least) / h))   # the crossing level: P[S ≥ t_j] > ε ≥ P[S ≥ t_j + h]
    while upper_tail(source, n, least + (j + 1) * h, h) > _num(eps):
        j += 1
    while upper_tail(source, n, least + j * h, h) <= _num(eps):
        j -= 1
    t_j = least + j * h
    partial = (upper_tail(source, n, t_j, h) - _num(eps)) * mp.exp(t_j)
    below = mp.exp(count_log(source, n, t_j - h, h)) if j >= 1 else 0
    return mp.log(below + partial)


def excess_reference(source, n, covered, h, start):
    least = -n * mp.log(_num(max(source)))
    t = mp.findroot(lambda x: count_log(source, n, x, h) - mp.log(covered), mp.mpf(start))
    if h is None:
        return upper_tail(source, n, t, None)
    j = int(mp.ceil((t - least) / h))
    while j >= 1 and count_log(source, n, least + (j - 1) * h, h) >= mp.log(covered):
        j -= 1
    before = mp.exp(count_log(source, n, least + (j - 1) * h, h)) if j else 0
    t_j = least + j * h
    return upper_tail(source, n, t_j, h) - (covered - before) * mp.exp(-t_j)


def floor_exp(x) -> int:
    with mp.workdps(int(x) + 40):
        return int(mp.floor(mp.exp(_num(x))))


def list_size(gamma, level) -> int:
    """⌊1/τ⌋ with t(1 − e^(−t))^γ = level."""
    t = mp.findroot(lambda t: mp.log(t) + gamma * mp.log(-mp.expm1(-t)) - mp.log(_num(level)),
                    _num(level) + 1)
    return int(mp.floor(mp.exp(t)))


# (source, n, M, eps, lattice, start)  for the D* approximation, γ = 2
D_CASES = [(SOURCE2, 100, floor_exp(50), Fraction(1, 10), True, 65),
           (SOURCE4, 1000, floor_exp(300), Fraction(1, 10), False, 1290)]
# (source, n, rate, D, lattice, start) for the ε* approximation, γ = 2
E_CASES = [(SOURCE2, 100, Fraction(1, 2), Fraction(1, 20), True, 60),
           (SOURCE4, 100, Fraction(1, 2), Fraction(1, 20), False, 100)]


def d_reference(source, n, m, eps, lattice, start):
    with mp.workdps(60):
        log_l = log_k_reference(source, n, eps, mp.log(2) if lattice else None, start) \
            - mp.log(m)
        if log_l < 40:
            ell = int(mp.ceil(mp.exp(log_l)))
            return (1 - mp.mpf(1) / ell) ** 2 * mp.log(ell) / n
        return (-mp.expm1(-log_l)) ** 2 * log_l / n


def e_reference(source, n, rate, d, lattice, start):
    with mp.workdps(60):
        covered = floor_exp(n * rate) * list_size(2, n * d)
        return excess_reference(source, n, covered, mp.log(2) if lattice else None, start)


def _document(quantity, options, dps=30):
    from focalrd.verify.sweeps import evaluate_options

    return evaluate_options(quantity, options, dps)


def _contains(doc, reference, dps=30):
    """The printed digits are the reference's rounding and [lower, upper] contains it."""
    with mp.workdps(60):
        printed = mpmath.nstr(reference, dps, strip_zeros=False)
        inside = mp.mpf(doc["lower"]) <= reference <= mp.mpf(doc["upper"])
    return doc["value"] == printed and inside


def _d_options(case, m_as_rate=True):
    source, n, m, eps, _, _ = case
    text = ",".join(str(p) for p in source)
    rate = {"rate": "0.5"} if n == 100 else {"rate": "0.3"}
    return {"source": text, "n": str(n), **rate, "eps": str(eps), "gamma": "2"}


def _e_options(case):
    source, n, rate, d, _, _ = case
    return {"source": ",".join(str(p) for p in source), "n": str(n), "rate": str(rate),
            "distortion": str(d), "gamma": "2"}


# -- the tests --------------------------------------------------------------------------------
@pytest.mark.parametrize("case", D_CASES, ids=["lattice", "non-lattice"])
def test_d_star_saddlepoint_is_proven_and_encloses_the_formula(case):
    doc = _document("d-star-saddlepoint", _d_options(case))
    assert doc["certified"] is True and "not digits of D*" in doc["certification"]
    assert _contains(doc, d_reference(*case))


@pytest.mark.parametrize("case", E_CASES, ids=["lattice", "non-lattice"])
def test_eps_star_saddlepoint_is_proven_and_encloses_the_formula(case):
    doc = _document("eps-star-saddlepoint", _e_options(case))
    assert doc["certified"] is True and "not digits of eps*" in doc["certification"]
    assert _contains(doc, e_reference(*case))


def test_a_covering_codebook_gives_an_exact_zero():
    """M·L ≥ k^n (ln M + ln L = 70 > 100 ln 2): ε* = 0 exactly, and proven."""
    doc = _document("eps-star-saddlepoint", {"source": "1/3,2/3", "n": "100", "rate": "0.5",
                                             "distortion": "0.2", "gamma": "2"})
    assert doc["certified"] is True and doc["value"] == "0" and doc["lower"] == "0"


def _run(args, confirm_only=False):
    env = {k: v for k, v in os.environ.items() if k != "FOCALRD_CONFIRM_ONLY"}
    if confirm_only:
        env["FOCALRD_CONFIRM_ONLY"] = "1"
    done = subprocess.run([*CLI, "eval", *args, "--json"], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("args", [
    ["d-star-saddlepoint", "--gamma", "2", "--n", "100", "--rate", "0.5", "--eps", "0.1",
     "--source", "1/3,2/3"],
    ["eps-star-saddlepoint", "--gamma", "2", "--n", "100", "--rate", "0.5", "--distortion",
     "0.05", "--source", "0.4,0.3,0.2,0.1", "--bits"],
], ids=["d-star", "eps-star-bits"])
def test_cli_proven_document_matches_the_confirmed_one(args):
    proven, confirmed = _run(args), _run(args, confirm_only=True)
    assert proven["certified"] is True and confirmed["certified"] is False
    keys = {"certified", "certification", "lower", "upper", "enclosures"}
    strip = lambda d: {k: v for k, v in d.items() if k not in keys}  # noqa: E731
    assert strip(proven) == strip(confirmed)
    assert set(proven["enclosures"]) >= {"log_codewords"}


@pytest.mark.parametrize("bug_id", ["ball-saddle-lattice-correction-dropped",
                                    "ball-saddle-count-untilted"])
def test_planted_bugs_break_the_enclosure(bug_id):
    from focalrd.verify.selftest_catalogue import planted

    case = D_CASES[0]
    reference = d_reference(*case)
    with planted(bug_id):
        doc = _document("d-star-saddlepoint", _d_options(case))
    assert not (doc["certified"] and _contains(doc, reference))


def test_ball_radius_matters():
    """The ball of ln K* (lattice) contains the reference; its midpoint alone does not."""
    from focalrd.numeric.balls.arith import ends, working_bits
    from focalrd.numeric.balls.saddlepoint import least_count_log

    source, n, _, eps, _, start = D_CASES[0]
    with mp.workdps(60):
        reference = log_k_reference(source, n, eps, mp.log(2), start)
    with working_bits(120):
        ball = least_count_log(source, n, eps)
    low, high = ends(ball)
    with mp.workdps(60):
        assert _num(low) <= reference <= _num(high)
        assert abs(_num(low) - reference) < mp.mpf(10) ** -30


def test_at_the_removable_singularity_eval_confirms_and_says_why(monkeypatch):
    """ŝ = 0 (the mean): the code uses the formula's limit there, so no ball is claimed."""
    from flint import arb

    from focalrd.numeric.balls import saddlepoint as module
    from focalrd.numeric.balls.arith import working_bits
    from focalrd.numeric.blocks.saddlepoint import _check, _Tails

    with working_bits(100), mp.workprec(100):
        balls = module.SaddleBalls(_Tails(_check(SOURCE4, 10), 10))
        with pytest.raises(module.Singular):
            balls._lugannani_rice(arb(0), arb(1), arb(0), arb(1), upper=True)

    def at_the_mean(*args, **kwargs):
        raise module.Singular("the saddlepoint is at the mean")

    monkeypatch.setattr(module, "distortion", at_the_mean)
    doc = _document("d-star-saddlepoint", _d_options(D_CASES[0]))
    assert doc["certified"] is False and "at the mean" in doc["certification"]
    assert doc["value"].startswith("0.15241326913")


@pytest.mark.slow
def test_confirmed_path_has_every_digit_at_80_too():
    """Non-lattice threshold at 80 digits: the float bisection once stopped after 200 halvings,
    so both precisions of the confirmed path printed the same wrong last digits (…20450813
    for …20451113); the balls caught it."""
    from focalrd.verify.quantities._proven import confirmation_only

    case = E_CASES[1]
    with mp.workdps(100):
        covered = floor_exp(case[1] * case[2]) * list_size(2, case[1] * case[3])
        reference = excess_reference(case[0], case[1], covered, None, case[5])
        printed = mpmath.nstr(reference, 80, strip_zeros=False)
    assert _document("eps-star-saddlepoint", _e_options(case), 80)["value"] == printed
    with confirmation_only():
        doc = _document("eps-star-saddlepoint", _e_options(case), 80)
    assert doc["certified"] is False and doc["value"] == printed

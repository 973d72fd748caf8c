"""Proven digits of ``focalrd eval avg-d-star`` (one shot; issue 21).

The reference is a brute force over every set partition of a 3–4 symbol alphabet into
at most M cells, each cell's cost min_q Σ_{x∈A} R_x φ_γ(q_x) solved from its KKT
conditions R_x |φ_γ'(q_x)| = λ, Σ q = 1 by nested bisection/findroot in plain mpmath at
50 digits, importing nothing from focalrd.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction as F

import mpmath
import pytest
from mpmath import mp

flint = pytest.importorskip("flint")

CLI = [sys.executable, "-m", "focalrd.verify.cli"]
THREE = (F(1, 2), F(1, 3), F(1, 6))
FOUR = (F(2, 5), F(3, 10), F(1, 5), F(1, 10))


# -- the reference ------------------------------------------------------------------------
def _num(x) -> mpmath.mpf:
    x = F(x)
    return mp.mpf(x.numerator) / x.denominator


def _phi(g, q):
    return (1 - q) ** g * mp.log(1 / q)


def _slope(g, q):
    """|φ_γ'(q)| = γ(1 − q)^(γ−1) ln(1/q) + (1 − q)^γ / q, decreasing from ∞ to 0 (γ > 0)."""
    return g * (1 - q) ** (g - 1) * mp.log(1 / q) + (1 - q) ** g / q


def _q_of(a, g, lam):
    """q in (0, 1) with a|φ_γ'(q)| = λ, by bisection then findroot."""
    lo, hi = mp.mpf(10) ** -45, 1 - mp.mpf(10) ** -45
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if a * _slope(g, mid) > lam else (lo, mid)
    return mp.findroot(lambda q: a * _slope(g, q) - lam, (lo, hi), solver="anderson")


def cell_cost(masses, gamma):
    """min over distributions q of Σ a_x φ_γ(q_x)."""
    a = [_num(v) for v in masses]
    if len(a) == 1:
        return mp.zero
    g = _num(gamma)
    if g == 0:
        total = mp.fsum(a)
        return mp.fsum(x * mp.log(total / x) for x in a)
    ends = [x * _slope(g, mp.one / len(a)) for x in a]   # every q ≤ 1/k at the largest
    lo, hi = min(ends), max(ends)
    if lo == hi:
        q = [mp.one / len(a)] * len(a)
    else:
        for _ in range(40):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if mp.fsum(_q_of(x, g, mid) for x in a) > 1 else (lo, mid)
        lam = mp.findroot(lambda t: mp.fsum(_q_of(x, g, t) for x in a) - 1, (lo, hi),
                          solver="anderson")
        q = [_q_of(x, g, lam) for x in a]
    return mp.fsum(x * _phi(g, qx) for x, qx in zip(a, q, strict=True))


def _partitions(items, cells):
    if not items:
        yield []
        return
    for partial in _partitions(items[1:], cells):
        for i in range(len(partial)):
            yield partial[:i] + [[items[0], *partial[i]]] + partial[i + 1:]
        if len(partial) < cells:
            yield [[items[0]], *partial]


def brute_force(source, weights, gamma, m):
    """(D*, its partition) over all set partitions, at 50 digits."""
    r = list(source) if weights is None else [p * w for p, w in zip(source, weights,
                                                                      strict=True)]
    r = [x / sum(r) for x in r]
    with mp.workdps(50):
        best = None
        for partition in _partitions(list(range(len(r))), m):
            value = mp.fsum(cell_cost([r[x] for x in cell], gamma) for cell in partition)
            if best is None or value < best[0]:
                best = (value, sorted(sorted(c) for c in partition))
    return best


CASES = [(THREE, None, F(2), 2), (THREE, (F(1, 2), F(1, 4), F(1, 4)), F(2), 2),
         (FOUR, None, F(1, 2), 2), (FOUR, None, F(2), 3)]
IDS = ["three-g2-m2", "weighted", "four-g1/2-m2", "four-g2-m3"]


def _options(case, bits=False):
    source, weights, gamma, m = case
    out = {"source": ",".join(str(p) for p in source), "gamma": str(gamma), "codewords": str(m)}
    if weights is not None:
        out["weights"] = ",".join(str(w) for w in weights)
    if bits:
        out["bits"] = True
    return out


def _document(options, dps=30):
    from focalrd.verify.sweeps import evaluate_options

    return evaluate_options("avg-d-star", options, dps)


def _contains(doc, reference, dps=30):
    with mp.workdps(50):
        printed = mpmath.nstr(reference, dps, strip_zeros=False)
        inside = mp.mpf(doc["lower"]) <= reference <= mp.mpf(doc["upper"])
    return doc["value"] == printed and inside


# -- the tests --------------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_avg_d_star_is_proven_and_encloses_the_brute_force(case):
    value, partition = brute_force(*case)
    doc = _document(_options(case))
    assert doc["certified"] is True, doc["certification"]
    assert _contains(doc, value)
    assert doc["partition"] == partition
    low, high = doc["enclosures"]["achievability"]
    with mp.workdps(50):
        assert mp.mpf(high) >= value   # an achievability is at least D*


def test_bits_divide_by_ln2():
    value, _ = brute_force(*CASES[0])
    doc = _document(_options(CASES[0], bits=True))
    with mp.workdps(50):
        assert doc["certified"] is True and _contains(doc, value / mp.log(2))


def _run(args, confirm_only=False):
    env = {k: v for k, v in os.environ.items() if k != "FOCALRD_CONFIRM_ONLY"}
    if confirm_only:
        env["FOCALRD_CONFIRM_ONLY"] = "1"
    done = subprocess.run([*CLI, "eval", "avg-d-star", *args, "--json"], capture_output=True,
                          text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize("args", [
    ["--gamma", "2", "--codewords", "2", "--source", "1/2,1/3,1/6"],
    ["--gamma", "2", "--codewords", "2", "--source", "1/2,1/3,1/6", "--weights", "1/2,1/4,1/4",
     "--dps", "60"],
], ids=["plain", "weighted-60"])
def test_cli_proven_document_matches_the_confirmed_one(args):
    proven, confirmed = _run(args), _run(args, confirm_only=True)
    assert proven["certified"] is True and confirmed["certified"] is False
    keys = {"certified", "certification", "lower", "upper", "enclosures"}
    strip = lambda d: {k: v for k, v in d.items() if k not in keys}  # noqa: E731
    assert strip(proven) == strip(confirmed)
    assert set(proven["enclosures"]) >= {"achievability"}


def test_blocks_stay_confirmed_and_say_why():
    doc = _document({"source": "1/2,1/3,1/6", "gamma": "2", "n": "3", "codewords": "20"})
    assert doc["certified"] is False and "n > 1" in doc["certification"]


def test_a_tie_between_partitions_is_confirmed_and_says_why():
    """γ = 0: D*_0 depends on the cells' masses only, and (7,…,1)/28 splits into halves in
    several ways: no partition can be printed as the proven unique optimum."""
    doc = _document({"source": ",".join(f"{k}/28" for k in range(7, 0, -1)), "gamma": "0",
                     "codewords": "2"})
    assert doc["certified"] is False and "not unique" in doc["certification"]
    with mp.workdps(50):   # H(R) − ln 2
        h = -mp.fsum(mp.mpf(k) / 28 * mp.log(mp.mpf(k) / 28) for k in range(1, 8))
        assert doc["value"] == mpmath.nstr(h - mp.log(2), 30, strip_zeros=False)


def test_planted_bug_breaks_the_enclosure():
    from focalrd.verify.selftest_catalogue import planted

    value, _ = brute_force(*CASES[0])
    with planted("ball-avg-cell-mass-dropped"):
        doc = _document(_options(CASES[0]))
    assert not (doc["certified"] and _contains(doc, value))


def test_ball_radius_matters(monkeypatch):
    """The ball of D* contains the reference; the candidates' costs without their radii
    (midpoints only) do not."""
    from focalrd.numeric.balls import average
    from focalrd.numeric.balls.arith import ends, working_bits

    value, _ = brute_force(*CASES[2])
    r = CASES[2][0]

    def inside():
        with working_bits(120):
            low, high = ends(average.optimal_code_balls(r, F(1, 2), 2).value)
        with mp.workdps(50):
            return _num(low) <= value <= _num(high)

    assert inside()
    original = average._cost
    monkeypatch.setattr(average, "_cost", lambda *a: original(*a).mid())
    assert not inside()


def test_min_is_over_every_candidate(monkeypatch):
    """Forced to keep every partition as a candidate (the screen's upper bound made huge),
    the ball is still the least cost's, not the first candidate's."""
    from focalrd.numeric.balls import average
    from focalrd.numeric.balls.arith import ends, working_bits

    value, _ = brute_force(*CASES[3])
    monkeypatch.setattr(average, "_SLACK", 1e6)
    listed = average.near_optimal   # and listed worst-looking first (sorted by index)
    monkeypatch.setattr(average, "near_optimal", lambda *a: list(reversed(listed(*a))))
    with working_bits(120):
        found = average.optimal_code_balls(CASES[3][0], F(2), 3)
    low, high = ends(found.value)
    assert found.candidates > 3
    with mp.workdps(50):
        assert _num(low) <= value <= _num(high)


@pytest.mark.parametrize("gamma", [F(2), F(1, 10)], ids=["g2", "g1/10"])
def test_the_screen_brackets_every_cell(gamma):
    """The float64 screen lo ≤ F_γ(T) ≤ hi (weak duality and a feasible point) holds for
    every cell of a four-symbol source, against the reference at 50 digits, and is tight."""
    from focalrd.numeric.balls import average
    from focalrd.numeric.oneshot.average import _Classes
    from focalrd.numeric.oneshot.partitions import MultisetSpace

    r = (F(37, 100), F(29, 100), F(23, 100), F(11, 100))
    classes = _Classes.of(r)
    digits = MultisetSpace.of(classes.counts).digits()
    lo, hi = average._screen(classes.values, digits, gamma)
    with mp.workdps(50):
        for index in range(1, len(digits)):
            masses = [v for v, t in zip(classes.values, digits[index], strict=True) if t]
            value = cell_cost(masses, gamma)
            assert mp.mpf(lo[index]) <= value <= mp.mpf(hi[index]), (index, value)
            assert hi[index] - lo[index] <= 1e-11 * max(value, 1e-300)


def test_the_screen_stays_rigorous_from_a_poor_float_point(monkeypatch):
    """From a float minimiser and multiplier off by a few per cent the bounds are looser but
    still bracket every cell (the tangent term of the dual bound is what keeps lo below)."""
    from focalrd.numeric.balls import average
    from focalrd.numeric.oneshot.average import _Classes
    from focalrd.numeric.oneshot.partitions import MultisetSpace

    points = average._float_points

    def poor(*args):
        return {i: ([q * (1.03 if j % 2 else 0.96) for j, q in enumerate(qs)], lam * 1.05)
                for i, (qs, lam) in points(*args).items()}

    monkeypatch.setattr(average, "_float_points", poor)
    r = (F(37, 100), F(29, 100), F(23, 100), F(11, 100))
    classes = _Classes.of(r)
    digits = MultisetSpace.of(classes.counts).digits()
    lo, hi = average._screen(classes.values, digits, F(2))
    with mp.workdps(50):
        for index in range(1, len(digits)):
            masses = [v for v, t in zip(classes.values, digits[index], strict=True) if t]
            value = cell_cost(masses, F(2))
            assert mp.mpf(lo[index]) <= value <= mp.mpf(hi[index]), (index, value)

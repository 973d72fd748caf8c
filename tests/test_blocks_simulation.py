"""The Monte Carlo of the optimal list code ([n.simulation]) and ``focalrd simulate``."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction as F

import numpy as np
import pytest
from mpmath import mp

from focalrd.numeric.blocks.excess import excess_distortion_exact
from focalrd.numeric.blocks.simulation import (
    ListCode,
    _layout,
    clopper_pearson,
    exact_rank,
    rank_fraction,
    simulate_list_code,
)
from focalrd.verify.cli import main

SOURCES = [(F(3, 4), F(1, 4)), (F(1, 2), F(1, 4), F(1, 8), F(1, 8)),
           (F(1, 2), F(1, 4), F(1, 4)), (F(3, 10), F(0), F(7, 10)), (F(1, 3), F(1, 3), F(1, 3))]


def brute_force_order(source, n):
    """Every sequence of positive probability, in the code's order, by a direct sort.

    Order: probability (largest first); then the counts per distinct probability
    value (largest vector first); then the sequence itself, lexicographically.
    """
    values = sorted({p for p in source if p > 0}, reverse=True)
    seqs = [s for s in itertools.product(range(len(source)), repeat=n)
            if all(source[x] > 0 for x in s)]

    def key(s):
        counts = [0] * len(values)
        for x in s:
            counts[values.index(source[x])] += 1
        return (-math.prod((source[x] for x in s), start=F(1)), tuple(-c for c in counts), s)

    return sorted(seqs, key=key)


@pytest.mark.parametrize("source", SOURCES)
def test_covered_set_equals_brute_force(source):
    for n in (1, 2, 3, 4):
        order = brute_force_order(source, n)
        for covered in sorted({0, 1, 2, 5, 11, len(order) // 2, len(order) - 1, len(order) + 3}):
            code = ListCode(source, n, max(covered, 0))
            got = {s for s in order if code.is_covered(s)}
            assert got == set(order[:covered]), (n, covered)


@pytest.mark.parametrize("source", SOURCES[:3])
def test_exact_rank_is_position_in_enumerated_class(source):
    n = 5
    layout = _layout(source)
    classes: dict[tuple, list] = {}
    for s in itertools.product(range(len(source)), repeat=n):  # lexicographic already
        comp = tuple(sum(1 for x in s if layout.group_of[x] == g)
                     for g in range(len(layout.multiplicities)))
        classes.setdefault(comp, []).append(s)
    for comp, members in classes.items():
        for position, s in enumerate(members):
            assert exact_rank(s, comp, layout) == position
            assert abs(rank_fraction(np.array(s), comp, layout) - position / len(members)) < 1e-12


def test_float_rank_screen_agrees_with_exact_rank_at_large_n():
    source = (F(1, 2), F(1, 4), F(1, 4))
    layout = _layout(source)
    rng = np.random.default_rng(7)
    n = 400
    for _ in range(20):
        s = rng.choice(3, size=n, p=[0.5, 0.25, 0.25])
        comp = (int(np.sum(s == 0)), int(np.sum(s != 0)))
        size = math.factorial(n) // (math.factorial(comp[0]) * math.factorial(comp[1])) \
            * 2 ** comp[1]
        exact = F(exact_rank(s, comp, layout), size)
        assert abs(rank_fraction(s, comp, layout) - float(exact)) <= 1e-9 * float(exact) + 1e-300


def test_clopper_pearson_closed_forms():
    lo, hi = clopper_pearson(0, 50, 0.9)
    assert lo == 0 and hi == pytest.approx(1 - 0.05 ** (1 / 50), rel=1e-12)
    lo, hi = clopper_pearson(50, 50, 0.9)
    assert hi == 1 and lo == pytest.approx(0.05 ** (1 / 50), rel=1e-12)
    # the interval for x successes mirrors the one for T - x failures
    a = clopper_pearson(13, 40, 0.99)
    b = clopper_pearson(27, 40, 0.99)
    assert a[0] == pytest.approx(1 - b[1], abs=1e-12) and a[1] == pytest.approx(1 - b[0], abs=1e-12)


@pytest.mark.parametrize("source,n,m,d,gamma", [
    ((F(9, 10), F(1, 10)), 300, 10**10, F(27, 100), F(2)),
    ((F(1, 2), F(3, 10), F(1, 5)), 30, 10**6, F(1, 2), F(1)),
])
def test_frequency_matches_exact_eps_star(source, n, m, d, gamma):
    # A binomial test at false-alarm rate 1e-6 (fixed seed, so the outcome is reproducible)
    mp.dps = 20
    eps = float(excess_distortion_exact(source, gamma, n, m, d))
    assert 0.05 < eps < 0.95  # an informative instance
    sim = simulate_list_code(source, n, m, d, gamma, 20000, np.random.default_rng(2024),
                             1 - 1e-6)
    lo, hi = sim.interval
    assert lo <= eps <= hi
    assert sim.loss_covered <= float(d) * (1 + 1e-12)


def test_seeded_runs_are_reproducible():
    args = ((F(9, 10), F(1, 10)), 200, 10**8, F(3, 10), F(2), 3000)
    a = simulate_list_code(*args, np.random.default_rng(5))
    b = simulate_list_code(*args, np.random.default_rng(5))
    assert (a.excess, a.boundary_draws) == (b.excess, b.boundary_draws)


def test_cli_json_and_bad_input(capsys):
    assert main(["simulate", "--source", "0.9,0.1", "--n", "100", "--rate", "0.15",
                 "--distortion", "0.22", "--gamma", "2", "--trials", "4000", "--seed", "3",
                 "--confidence", "0.999", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["eps_star_inside"] is True
    assert F(doc["frequency"]) == F(doc["excess_events"], 4000)
    assert float(doc["interval"][0]) <= float(doc["eps_star"]) <= float(doc["interval"][1])
    bad = [["--n", "0", "--codewords", "2"], ["--n", "5"], ["--n", "5", "--codewords", "2",
                                                           "--trials", "x"],
           ["--n", "5", "--codewords", "2", "--confidence", "1"]]
    for extra in bad:
        assert main(["simulate", "--source", "0.9,0.1", "--distortion", "0.2", "--gamma", "1",
                     *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == len(bad) and all(line.startswith("focalrd") for line in err)

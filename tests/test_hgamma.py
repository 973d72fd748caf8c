"""S_γ, H_γ and h_γ(k) (THEORY.md §7): closed forms, brute force and the certified search."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from focalrd.numeric.entropies.certified import hgamma_max_enclosure
from focalrd.numeric.entropies.hgamma import (
    hgamma,
    hgamma_max_formula,
    hgamma_max_search,
    s_gamma,
    two_level_sum,
)
from focalrd.numeric.errors import InvalidInputError
from focalrd.proofs.hgamma import kkt_structure, minimizer_ratio, s_gamma_decreasing
from focalrd.strategies import distributions

integer_gammas = st.integers(min_value=0, max_value=12)


@given(distributions(min_size=1, max_size=6), integer_gammas)
def test_s_gamma_matches_exact_rational_sum(p, g):
    # For an integer gamma, S_gamma(P) is a rational number computed exactly here.
    exact = sum((x * (1 - x) ** g for x in p), Fraction(0))
    with mp.workdps(40):
        value = s_gamma(p, g)
        assert abs(value - mpmath.mpf(exact.numerator) / exact.denominator) <= mpmath.mpf(10) ** -38


@given(distributions(min_size=2, max_size=6), st.fractions(0, 20, max_denominator=50),
       st.fractions(Fraction(1, 50), 5, max_denominator=50))
def test_hgamma_decreases_in_gamma_and_is_not_positive(p, g, step):
    # The refutation of the summary's first two claims, as a property of the code.
    if max(p) == 1:
        return
    with mp.workdps(30):
        assert hgamma(p, g + step) < hgamma(p, g) <= 0


def test_hgamma_point_mass_and_uniform_closed_forms():
    with mp.workdps(30):
        assert hgamma(["1"], 2) == mp.ninf
        assert hgamma(["1"], 0) == 0
        # uniform on 3 symbols: S = (2/3)^gamma
        assert abs(hgamma(["1/3"] * 3, Fraction(5, 2)) - Fraction(5, 2) * mp.log(mp.mpf(2) / 3)) \
            < mpmath.mpf(10) ** -28


@pytest.mark.parametrize("k", [2, 3, 5, 8])
@pytest.mark.parametrize("g", [Fraction(1, 3), Fraction(3, 4), Fraction(1)])
def test_formula_is_uniform_for_gamma_at_most_one(k, g):
    # For gamma <= 1 f(p) = p(1-p)^gamma is concave, so the maximum is the uniform
    # distribution (Jensen): h = gamma ln(1 - 1/k).
    with mp.workdps(30):
        res = hgamma_max_formula(k, g)
        expected = mp.mpf(g.numerator) / g.denominator * mp.log(1 - mp.mpf(1) / k)
        assert abs(res.value - expected) < mpmath.mpf(10) ** -28
        assert all(abs(x - mp.mpf(1) / k) < mpmath.mpf(10) ** -25 for x in res.maximizer)


@settings(max_examples=40)
@given(distributions(min_size=2, max_size=6), st.sampled_from([2, 5, 10, 50]))
def test_no_distribution_beats_the_formula(p, g):
    with mp.workdps(25):
        assert hgamma(p, g) <= hgamma_max_formula(len(p), g).value + mpmath.mpf(10) ** -22


@pytest.mark.parametrize("g", [4, 10, 50])
def test_binary_formula_against_brute_force_grid(g):
    # k = 2: S(p) = p(1-p)^g + (1-p)p^g on a fine float64 grid, then golden-section
    # refinement of the best grid cell in mpmath (a method the module does not use).
    grid = np.linspace(0, 1, 20001)
    values = grid * (1 - grid) ** g + (1 - grid) * grid**g
    i = int(values.argmax())
    with mp.workdps(30):
        def s(x):
            return x * (1 - x) ** g + (1 - x) * x**g
        a, b = mp.mpf(grid[max(i - 1, 0)]), mp.mpf(grid[min(i + 1, 20000)])
        ratio = (mp.sqrt(5) - 1) / 2
        for _ in range(150):
            c, d = b - ratio * (b - a), a + ratio * (b - a)
            if s(c) >= s(d):
                b = d
            else:
                a = c
        brute = mp.log(s((a + b) / 2))
        formula = hgamma_max_formula(2, g)
        assert abs(formula.value - brute) < mpmath.mpf(10) ** -25


@pytest.mark.parametrize(("k", "g"), [(2, 3), (3, Fraction(471, 100)), (3, Fraction(236, 50)),
                                      (4, 7), (6, 20), (8, 50), (8, Fraction(23, 2))])
def test_formula_agrees_with_global_search(k, g):
    with mp.workdps(40):
        formula = hgamma_max_formula(k, g)
        search = hgamma_max_search(k, g)
        assert abs(formula.value - search.value) < mpmath.mpf(10) ** -38
        assert formula.d == k - 1
        # the maximiser attains the value
        assert abs(mp.log(mp.fsum(x * (1 - x) ** g for x in search.maximizer)) - search.value) \
            < mpmath.mpf(10) ** -38


def test_maximiser_is_skewed_for_large_gamma():
    # At gamma = 50, k = 2 the uniform point gives 2^-50; the maximiser puts about
    # 1/(gamma+1) on the small symbol (p(1-p)^gamma peaks at 1/(gamma+1)).
    with mp.workdps(30):
        res = hgamma_max_formula(2, 50)
        assert res.value > -50 * mp.log(2) + 20
        assert abs(res.maximizer[1] - mp.mpf(1) / 51) < 1e-3


def test_two_level_sum_is_s_gamma_of_the_two_level_distribution():
    q, d, g = Fraction(2, 5), 3, 4
    p = [1 - q] + [q / d] * d
    exact = sum((x * (1 - x) ** g for x in p), Fraction(0))
    with mp.workdps(30):
        assert abs(two_level_sum(d, q, g) - mpmath.mpf(exact.numerator) / exact.denominator) \
            < mpmath.mpf(10) ** -28


@pytest.mark.parametrize(("k", "g"), [(2, Fraction(7, 2)), (3, 5), (4, 10)])
def test_certified_enclosure_contains_formula_and_bounds_random_points(k, g):
    with mp.workdps(30):
        formula = hgamma_max_formula(k, g)
        enc = hgamma_max_enclosure(k, g, rel_tol=1e-10)
        assert enc.complete
        assert enc.log_lower - mpmath.mpf(10) ** -25 <= formula.value <= \
            enc.log_upper + mpmath.mpf(10) ** -25
        assert enc.log_upper - enc.log_lower < 1e-9
        rng = np.random.default_rng(1)
        for _ in range(200):
            p = [Fraction(int(x * 10**6) + 1, 1) for x in rng.dirichlet(np.ones(k))]
            total = sum(p)
            p = [x / total for x in p]
            assert s_gamma(p, g) <= enc.upper


def test_coarse_enclosure_is_still_valid():
    # Stopped after a few splits: wide, but still an upper bound above the true maximum.
    with mp.workdps(30):
        enc = hgamma_max_enclosure(4, 10, rel_tol=1e-12, max_boxes=5)
        assert not enc.complete
        assert enc.log_upper >= hgamma_max_formula(4, 10).value


def test_bad_alphabets_are_rejected():
    with pytest.raises(InvalidInputError, match="alphabet"):
        hgamma_max_formula(1, 2)
    with pytest.raises(InvalidInputError, match="alphabet"):
        hgamma_max_enclosure(5, 2)
    with pytest.raises(InvalidInputError, match="gamma"):
        hgamma_max_enclosure(3, 0)
    with pytest.raises(InvalidInputError, match="alphabet"):
        hgamma_max_search(65, 2)


def test_derivations_match_numeric_derivatives():
    d = kkt_structure()
    f1, f2, f3 = (d.steps[i].rhs for i in range(3))
    import sympy as sp
    p, g = sp.symbols("p gamma", positive=True)
    for pv, gv in [(0.1, 2.5), (0.7, 7.0), (0.3, 0.4)]:
        def f(x, gv=gv):
            return x * (1 - x) ** gv
        for order, expr in ((1, f1), (2, f2), (3, f3)):
            numeric = mpmath.diff(f, pv, order)
            assert abs(float(expr.subs({p: pv, g: gv})) - float(numeric)) < 1e-8
    assert len(s_gamma_decreasing().steps) >= 4
    assert minimizer_ratio().claim_id == "focal-entropy.structure"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "focalrd.verify.cli", *args],
                          capture_output=True, text=True, timeout=600)


def test_cli_h_gamma_json():
    out = _cli("eval", "h-gamma", "--alphabet", "2", "--gamma", "1/2", "--json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    with mp.workdps(50):
        expected = mpmath.nstr(-mp.log(2) / 2, 30, strip_zeros=False)
    assert doc["value"] == doc["formula_value"] == doc["search_value"] == expected
    assert doc["maximizer"] == ["0.500000000000000000000000000000"] * 2
    assert doc["inputs"] == {"alphabet": "2", "gamma": "0.5"}


def test_cli_h_gamma_bad_alphabet():
    out = _cli("eval", "h-gamma", "--alphabet", "1", "--gamma", "2")
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and "alphabet" in out.stderr


@pytest.mark.parametrize("dps", [5, 15, 42, 45, 56, 80])
def test_search_refines_a_near_vertex_maximum_at_every_precision(dps):
    """k = 2, γ = 150: the maximiser is (γ/(γ+1), 1/(γ+1)) up to a relative 10^-320.

    S(p) = p(1−p)^γ + (1−p)p^γ; at p = 1/(γ+1) the first term is stationary and the
    second is below 10^-320, so h = ln((1/(γ+1))(γ/(γ+1))^γ) to far more than 80
    digits.  The Newton refinement once lost the maximum at 42, 45 and 56 digits
    (its step subtracted two numbers equal to 300 digits), and `eval h-gamma
    --dps 5` exited 3.
    """
    gamma = 150
    with mp.workdps(dps):
        found = hgamma_max_search(2, gamma)
    with mp.workdps(dps + 30):
        exact = mp.log(mp.mpf(1) / (gamma + 1)) + gamma * mp.log(mp.mpf(gamma) / (gamma + 1))
    assert found.converged
    assert abs(found.value - exact) <= abs(exact) * mp.mpf(10) ** (-dps + 2)

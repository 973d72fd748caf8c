"""The focal entropy F_γ(a) and its minimiser ([focal-entropy.unique])."""

from __future__ import annotations

import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp
from scipy.optimize import minimize

from focalrd.numeric import InvalidInputError, phi, phi_prime
from focalrd.numeric.oneshot.focal_entropy import (
    focal_entropy,
    focal_entropy_minimizer,
    focal_entropy_solution,
)
from focalrd.numeric.precision import to_mpf
from focalrd.strategies import distributions, focusing_parameters

TOL = mp.mpf(10) ** -30


def _float_phi(gamma: float, q: float) -> float:
    return (1 - q) ** gamma * math.log(1 / q)


def _scipy_minimum(a, gamma) -> float:
    """min Σ a φ_γ(q) over the simplex by SLSQP from several starts (an independent method)."""
    a = np.array([float(v) for v in a])
    g = float(gamma)
    best = math.inf
    for start in (a / a.sum(), np.full(len(a), 1 / len(a)), np.sqrt(a) / np.sqrt(a).sum()):
        result = minimize(lambda q: sum(ai * _float_phi(g, qi)
                                        for ai, qi in zip(a, q, strict=True)), start,
                          method="SLSQP", bounds=[(1e-12, 1.0)] * len(a),
                          constraints=[{"type": "eq", "fun": lambda q: q.sum() - 1}],
                          options={"ftol": 1e-15, "maxiter": 500})
        best = min(best, result.fun)
    return best


@given(distributions(max_size=12))
def test_log_loss_case_is_the_entropy_formula(a):
    with mp.workdps(40):
        solution = focal_entropy_solution(a, 0)
        total = sum(a, Fraction(0))
        expected = mp.fsum(to_mpf(v) * mp.log(to_mpf(total / v)) for v in a)
        assert abs(solution.value - expected) < TOL
        for v, q in zip(a, solution.minimizer, strict=True):
            assert abs(q - to_mpf(v / total)) < TOL


@settings(max_examples=25)
@given(distributions(min_size=2, max_size=4), focusing_parameters(max_value=10))
def test_value_agrees_with_a_generic_optimiser(a, gamma):
    with mp.workdps(30):
        value = focal_entropy(a, gamma)
    reference = _scipy_minimum(a, gamma)
    assert float(value) <= reference + 1e-12            # never worse than SLSQP
    assert reference - float(value) <= 1e-7 * (1 + abs(reference))


@given(distributions(min_size=2, max_size=10), focusing_parameters(max_value=20))
def test_minimiser_satisfies_the_kkt_conditions(a, gamma):
    with mp.workdps(40):
        solution = focal_entropy_solution(a, gamma)
        q = solution.minimizer
        assert abs(mp.fsum(q) - 1) < TOL
        balances = [to_mpf(v) * abs(phi_prime(gamma, qx)) for v, qx in zip(a, q, strict=True)]
        lam = solution.multiplier
        assert all(abs(b / lam - 1) < mp.mpf(10) ** -28 for b in balances)
        assert solution.kkt_residual < mp.mpf(10) ** -28
        value = mp.fsum(to_mpf(v) * phi(gamma, qx) for v, qx in zip(a, q, strict=True))
        assert abs(value - solution.value) < TOL


@given(distributions(min_size=2, max_size=8), focusing_parameters(max_value=20),
       st.randoms(use_true_random=False))
def test_no_feasible_perturbation_does_better(a, gamma, rnd):
    with mp.workdps(40):
        solution = focal_entropy_solution(a, gamma)
        q = solution.minimizer
        for _ in range(5):
            i, j = rnd.sample(range(len(a)), 2)
            step = min(q[i], q[j]) * mp.mpf(rnd.uniform(0.001, 0.5))
            moved = list(q)
            moved[i] += step
            moved[j] -= step
            cost = mp.fsum(to_mpf(v) * phi(gamma, x) for v, x in zip(a, moved, strict=True))
            assert cost >= solution.value - TOL


@given(distributions(min_size=1, max_size=8), focusing_parameters(max_value=20),
       st.fractions(min_value=Fraction(1, 1000), max_value=1000), st.randoms(use_true_random=False))
def test_homogeneous_and_symmetric(a, gamma, scale, rnd):
    with mp.workdps(40):
        base = focal_entropy(a, gamma)
        scaled = focal_entropy([scale * v for v in a], gamma)
        assert abs(scaled - to_mpf(scale) * base) < TOL * (1 + abs(scaled))
        order = list(range(len(a)))
        rnd.shuffle(order)
        permuted = focal_entropy_minimizer([a[i] for i in order], gamma)
        original = focal_entropy_minimizer(a, gamma)
        assert all(abs(permuted[n] - original[i]) < TOL for n, i in enumerate(order))


def test_zero_entries_get_zero_mass_and_extreme_ratios_work():
    with mp.workdps(30):
        q = focal_entropy_minimizer([Fraction(1, 2), 0, Fraction(1, 2)], 3)
        assert q[1] == 0 and abs(q[0] - Fraction(1, 2)) < TOL
        solution = focal_entropy_solution([1, Fraction(1, 10**400), Fraction(1, 10**300)],
                                          Fraction(1, 100))
        assert solution.kkt_residual < mp.mpf(10) ** -25
        assert abs(mp.fsum(solution.minimizer) - 1) < TOL


def test_ten_thousand_entries_with_repeated_values():
    rng = random.Random(7)
    raw = [rng.randint(1, 300) for _ in range(10_000)]
    a = [Fraction(v, sum(raw)) for v in raw]
    with mp.workdps(30):
        solution = focal_entropy_solution(a, 2)
        assert solution.kkt_residual < mp.mpf(10) ** -28
        assert abs(mp.fsum(solution.minimizer) - 1) < TOL


@pytest.mark.slow
def test_ten_thousand_distinct_entries():
    a = [Fraction(i, 50_005_000) for i in range(1, 10_001)]    # 1 + … + 10^4 = 50 005 000
    with mp.workdps(30):
        solution = focal_entropy_solution(a, Fraction(1, 2))
        assert solution.kkt_residual < mp.mpf(10) ** -28
        assert abs(mp.fsum(solution.minimizer) - 1) < TOL


def test_rejects_bad_vectors():
    for bad in ([], [0, 0], [Fraction(-1), 2]):
        with pytest.raises(InvalidInputError):
            focal_entropy(bad, 1)

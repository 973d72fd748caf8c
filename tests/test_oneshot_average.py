"""One-shot average distortion D*_γ(M): exact search, sandwich, weight absorption (THEORY.md §5)."""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from mpmath import mp
from scipy.optimize import minimize
from strategies import codebook_sizes, distributions, focusing_parameters, weighted_sources

from focalrd.numeric import c_gamma, entropy, phi, reweighted_source
from focalrd.numeric.oneshot.average import average_distortion_limit, optimal_code
from focalrd.numeric.oneshot.average_bounds import average_distortion_bounds, round_robin
from focalrd.numeric.precision import to_mpf

TOL = mp.mpf(10) ** -28


def _cell_minimum(masses: list[float], gamma: float) -> float:
    """min over decoders supported on the cell, by Nelder–Mead on softmax weights."""
    if len(masses) == 1:
        return 0.0
    a = np.array(masses)

    def cost(v: np.ndarray) -> float:
        q = np.exp(v - v.max())
        q /= q.sum()
        return float(sum(m * (1 - x) ** gamma * math.log(1 / x) for m, x in zip(a, q, strict=True)))

    best = math.inf
    for start in (np.log(a), np.zeros(len(a))):
        result = minimize(cost, start, method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 4000})
        best = min(best, result.fun)
    return best


def _brute_force(r, gamma, m) -> float:
    """min over all encoders X → {1..M} of Σ_cells (numerically optimal decoder cost)."""
    k = len(r)
    cache: dict[tuple[int, ...], float] = {}
    best = math.inf
    for encoder in itertools.product(range(m), repeat=k):
        total = 0.0
        for cell in range(m):
            members = tuple(x for x in range(k) if encoder[x] == cell and r[x] > 0)
            if members and members not in cache:
                cache[members] = _cell_minimum([float(r[x]) for x in members], float(gamma))
            total += cache.get(members, 0.0)
        best = min(best, total)
    return best


@settings(max_examples=15, deadline=None)
@given(distributions(max_size=4), focusing_parameters(max_value=6), codebook_sizes(3))
@example((Fraction(2, 5), Fraction(3, 10), Fraction(1, 5), Fraction(1, 10)), Fraction(2), 2)
@example((Fraction(1, 4),) * 4, Fraction(1, 2), 3)
def test_exact_value_matches_brute_force_over_encoders_and_decoders(r, gamma, m):
    with mp.workdps(30):
        value = optimal_code(r, gamma, m).value
    reference = _brute_force(r, gamma, m)
    assert float(value) <= reference + 1e-12
    assert reference - float(value) <= 1e-7 * (1 + reference)


@given(distributions(max_size=5), codebook_sizes(4))
def test_log_loss_value_is_entropy_minus_best_encoder_entropy(r, m):
    # [avg.exact] at γ = 0: D*_0(M) = H(R) − max_f H(f(X)), max over all encoders
    with mp.workdps(40):
        best_cells = max(
            mp.fsum(-to_mpf(w) * mp.log(to_mpf(w)) for w in
                    (sum((r[x] for x in range(len(r)) if f[x] == c), Fraction(0))
                     for c in range(m)) if w > 0)
            for f in itertools.product(range(m), repeat=len(r)))
        expected = entropy(r) - best_cells
        assert abs(optimal_code(r, Fraction(0), m).value - expected) < TOL


@given(distributions(max_size=7), focusing_parameters(max_value=10), codebook_sizes(4))
def test_bounds_sandwich_the_exact_value(r, gamma, m):
    with mp.workdps(30):
        exact = optimal_code(r, gamma, m)
        log_loss = optimal_code(r, Fraction(0), m)
        bounds = average_distortion_bounds(r, gamma, m, log_loss.value, log_loss.partition)
        assert bounds.converse <= exact.value + TOL
        assert exact.value <= bounds.achievability + TOL
        assert exact.value <= log_loss.value + TOL                        # φ_γ ≤ φ_0
        assert log_loss.value - c_gamma(gamma) <= exact.value + TOL       # φ_0 − c_γ ≤ φ_γ
        h = entropy(r)
        assert log_loss.value <= h - mp.log(m) + mp.log1p(m * to_mpf(max(r))) + TOL
        uniform = mp.fsum(to_mpf(sum((r[x] for x in cell), Fraction(0)))
                          * phi(gamma, Fraction(1, len(cell)))
                          for cell in round_robin(r, min(m, sum(1 for v in r if v > 0))))
        assert exact.value <= uniform + TOL


@pytest.mark.slow
@given(weighted_sources(max_size=6), focusing_parameters(max_value=10), codebook_sizes(3))
def test_weighted_problem_is_the_unweighted_problem_for_r(source_weights, gamma, m):
    p, q = source_weights
    with mp.workdps(30):
        weighted = average_distortion_limit(p, gamma, m, weights=q)
        r = reweighted_source(p, q)
        plain = average_distortion_limit(r, gamma, m)
        assert abs(weighted.value - plain.value) < TOL
        # and the weighted loss of the returned code, computed from P and ω directly
        omega = [Fraction(qx) / sum(a * b for a, b in zip(p, q, strict=True)) for qx in q]
        direct = mp.fsum(to_mpf(p[x] * omega[x]) * phi(gamma, weighted.decoders[
            weighted.encoder[x]][x]) for x in range(len(p)) if p[x] * omega[x] > 0)
        assert abs(direct - weighted.value) < TOL


@given(distributions(max_size=7), focusing_parameters(max_value=10), codebook_sizes(4),
       st.randoms(use_true_random=False))
@pytest.mark.slow
def test_invariant_under_relabelling(r, gamma, m, rnd):
    order = list(range(len(r)))
    rnd.shuffle(order)
    with mp.workdps(30):
        a = optimal_code(r, gamma, m).value
        b = optimal_code(tuple(r[i] for i in order), gamma, m).value
        assert abs(a - b) < TOL


@pytest.mark.parametrize("k, m", [(10, 3), (11, 4)])
def test_exact_search_at_ten_symbols_and_more(k, m):
    rng = random.Random(k)
    raw = [rng.randint(1, 1000) for _ in range(k)]
    r = tuple(Fraction(v, sum(raw)) for v in raw)
    with mp.workdps(30):
        code = optimal_code(r, 2, m)
        assert sorted(x for cell in code.partition for x in cell) == list(range(k))
        assert len(code.partition) <= m
        for decoder in code.decoders:
            assert abs(mp.fsum(decoder) - 1) < TOL
        direct = mp.fsum(to_mpf(r[x]) * phi(2, code.decoders[code.encoder[x]][x])
                         for x in range(k))
        assert abs(direct - code.value) < TOL
        # no partition obtained by moving one symbol to another cell does better
        best_move = min(_moved_cost(r, code.partition, x, target)
                        for x in range(k) for target in range(len(code.partition)))
        assert code.value <= best_move + TOL


def _moved_cost(r, partition, x, target):
    cells = [[y for y in cell if y != x] for cell in partition]
    cells[target].append(x)
    from focalrd.numeric.oneshot.focal_entropy import focal_entropy
    return mp.fsum(focal_entropy([r[y] for y in cell], 2) for cell in cells if cell)


@pytest.mark.slow
def test_exact_search_with_many_equal_probabilities():
    r = tuple([Fraction(1, 40)] * 20 + [Fraction(1, 20)] * 10)   # 30 symbols, 2 classes
    with mp.workdps(30):
        code = optimal_code(r, 1, 4)
        log_loss = optimal_code(r, 0, 4)
        assert log_loss.value - c_gamma(1) <= code.value <= log_loss.value

"""One-shot excess distortion: list size, ε*, tilted bounds, the weighted packing (THEORY.md §4)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest
import reference_impl as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp
from strategies import (
    codebook_sizes,
    distributions,
    focusing_parameters,
    weighted_sources,
)

from focalrd.numeric import InvalidInputError, class_weights, tilted_information
from focalrd.numeric.oneshot.excess import (
    excess_distortion_limit,
    excess_exact,
    list_size,
    optimal_excess_code,
    tilted_achievability,
    tilted_converse,
)
from focalrd.numeric.oneshot.floors import codewords_for_rate
from focalrd.numeric.oneshot.weighted import weighted_excess_distortion
from focalrd.numeric.precision import reported, to_mpf

small_levels = st.fractions(min_value=0, max_value=4, max_denominator=50)


def _list_size_by_scan(gamma: Fraction, d: Fraction) -> int:
    """Largest K with ((K−1)/K)^γ ln K ≤ d, scanning K = 1, 2, … at 60 digits."""
    with mp.workdps(60):
        k = 1
        while (mp.mpf(k) / (k + 1)) ** to_mpf(gamma) * mp.log(k + 1) <= to_mpf(d):
            k += 1
    return k


@given(focusing_parameters(max_value=10), small_levels)
def test_list_size_matches_a_direct_scan(gamma, d):
    assert list_size(gamma, d) == _list_size_by_scan(gamma, d)


@given(st.fractions(min_value=0, max_value=30, max_denominator=100))
def test_log_loss_list_size_is_floor_of_exp(d):
    # [excess.log-loss]: at γ = 0, L = ⌊e^d⌋ (e^d is never an integer for rational d > 0)
    with mp.workdps(80):
        assert list_size(0, d) == int(mp.floor(mp.exp(d)))


@pytest.mark.parametrize("m", [1, 2, 3, 7])
@pytest.mark.parametrize("gamma", [0, 1, 3])
def test_list_size_at_exact_ties_in_bits(m, gamma):
    # d bits with d·ln 2 = φ_γ(2^−m) exactly: then τ = 2^−m and L = 2^m exactly
    d = m * Fraction(2**m - 1, 2**m) ** gamma
    assert list_size(gamma, d, bits=True) == 2**m
    assert list_size(gamma, d - Fraction(1, 10**12), bits=True) == 2**m - 1


def test_codewords_for_rate_is_an_exact_floor():
    assert codewords_for_rate(Fraction(5), 2, bits=True) == 1024           # 2^10 exactly
    assert codewords_for_rate(Fraction(1, 3), 3) == 2                       # ⌊e⌋
    with mp.workdps(50):
        assert codewords_for_rate(Fraction(7, 2), 3) == int(mp.floor(mp.exp(Fraction(21, 2))))


def _excess_by_enumeration(p, gamma, m, d) -> Fraction:
    """Best satisfied mass over all encoders; a cell satisfies any subset S with |S|·τ ≤ 1."""
    with mp.workdps(50):
        t = ref.tau(gamma, d)
    k = len(p)
    best = Fraction(0)
    for encoder in itertools.product(range(m), repeat=k):
        total = Fraction(0)
        for cell in range(m):
            members = [x for x in range(k) if encoder[x] == cell]
            total += max(sum((p[x] for x in s), Fraction(0))
                         for r in range(len(members) + 1)
                         for s in itertools.combinations(members, r) if len(s) * t <= 1)
        best = max(best, total)
    return 1 - best


@settings(max_examples=40)
@given(distributions(max_size=4), focusing_parameters(max_value=8), codebook_sizes(3),
       small_levels)
def test_exact_excess_matches_enumeration_of_codes(p, gamma, m, d):
    assert excess_exact(p, gamma, m, d) == _excess_by_enumeration(p, gamma, m, d)


@given(distributions(max_size=8), focusing_parameters(max_value=8), codebook_sizes(4),
       small_levels, st.fractions(min_value=Fraction(1, 100), max_value=10))
def test_tilted_bounds_sandwich_the_exact_value(p, gamma, m, d, beta):
    exact = excess_exact(p, gamma, m, d)
    with mp.workdps(40):
        converse, _ = tilted_converse(p, gamma, m, d)
        # the bound at one arbitrary β, straight from the tilted information
        threshold = mp.log(m) + to_mpf(beta)
        at_beta = to_mpf(sum((p[x] for x in range(len(p))
                              if p[x] > 0 and tilted_information(gamma, p, x, d) >= threshold),
                             Fraction(0))) - mp.exp(-to_mpf(beta))
        assert at_beta <= converse + mp.mpf(10) ** -35
        assert converse <= to_mpf(exact) + mp.mpf(10) ** -35
    assert exact <= tilted_achievability(p, gamma, m, d)


@given(distributions(max_size=8), focusing_parameters(max_value=8), codebook_sizes(4),
       small_levels, st.randoms(use_true_random=False))
def test_excess_is_invariant_under_relabelling(p, gamma, m, d, rnd):
    shuffled = list(p)
    rnd.shuffle(shuffled)
    assert excess_exact(p, gamma, m, d) == excess_exact(tuple(shuffled), gamma, m, d)


@given(distributions(max_size=8), focusing_parameters(max_value=8), codebook_sizes(4),
       small_levels)
def test_optimal_code_checks_by_hand(p, gamma, m, d):
    code = optimal_excess_code(p, gamma, m, d)
    with mp.workdps(40):
        for decoder, covered in zip(code.decoders, code.covered, strict=True):
            assert sum(decoder) == 1
            for x in covered:
                assert ref.phi(gamma, decoder[x]) <= to_mpf(d)
    covered_mass = sum((p[x] for cell in code.covered for x in cell), Fraction(0))
    assert covered_mass == code.satisfied
    assert code.epsilon == excess_exact(p, gamma, m, d)
    assert all(code.encoder[x] == m_ for m_, cell in enumerate(code.covered) for x in cell)


def _packing_by_enumeration(p, omega, gamma, m, d) -> Fraction:
    """Assign each symbol to a bin or to none in every way; keep assignments that fit."""
    with mp.workdps(50):
        sizes = [ref.tau(gamma, d / w) if w > 0 else mp.zero for w in omega]
        # (loads within 1e-40 of the capacity would need exact reasoning; none occur here)
        best = Fraction(0)
        for assignment in itertools.product(range(m + 1), repeat=len(p)):
            loads = [mp.zero] * m
            for x, b in enumerate(assignment):
                if b < m:
                    loads[b] += sizes[x]
            if all(load <= 1 for load in loads):
                best = max(best, sum((p[x] for x, b in enumerate(assignment) if b < m),
                                     Fraction(0)))
    return 1 - best


@settings(max_examples=30)
@given(weighted_sources(max_size=5), focusing_parameters(max_value=6), codebook_sizes(2),
       st.fractions(min_value=Fraction(1, 10), max_value=2, max_denominator=20))
def test_weighted_exact_matches_enumeration(source_weights, gamma, m, d):
    p, q = source_weights
    result = weighted_excess_distortion(p, gamma, m, d, weights=q)
    omega = class_weights(p, q)
    assert result.exact == _packing_by_enumeration(p, omega, gamma, m, d)
    with mp.workdps(40):
        assert result.converse <= result.value + mp.mpf(10) ** -30
        assert result.value <= result.achievability


@given(distributions(max_size=8), focusing_parameters(max_value=6), codebook_sizes(3),
       small_levels)
def test_uniform_weighting_is_the_unweighted_problem(p, gamma, m, d):
    uniform = tuple(Fraction(1, len(p)) for _ in p)
    assert weighted_excess_distortion(p, gamma, m, d, weights=uniform).exact == \
        excess_exact(p, gamma, m, d)


@pytest.mark.parametrize("seed", range(4))
def test_weighted_search_handles_twelve_symbols_within_its_bounds(seed):
    rng = random.Random(seed)
    k = 12
    raw_p = [rng.randint(1, 100) for _ in range(k)]
    raw_q = [rng.randint(1, 100) for _ in range(k)]
    p = tuple(Fraction(v, sum(raw_p)) for v in raw_p)
    q = tuple(Fraction(v, sum(raw_q)) for v in raw_q)
    with mp.workdps(40):
        result = weighted_excess_distortion(p, Fraction(3, 2), 3, Fraction(1, 2), weights=q)
    assert result.exact is not None
    with mp.workdps(40):
        assert result.converse <= result.value <= result.achievability
    omega = class_weights(p, q)
    with mp.workdps(40):   # the code returned meets its claim symbol by symbol
        for decoder, covered in zip(result.code.decoders, result.code.covered, strict=True):
            assert abs(sum(decoder) - 1) < mp.mpf(10) ** -30
            for x in covered:
                assert to_mpf(omega[x]) * ref.phi(Fraction(3, 2), decoder[x]) <= 0.5
    assert 1 - result.code.satisfied == result.exact


def test_bad_inputs_raise_invalid_input():
    with pytest.raises(InvalidInputError):
        excess_distortion_limit("0.5,0.6", 1, 1, 1)
    with pytest.raises(InvalidInputError):
        excess_distortion_limit("0.5,0.5", 1, 0, 1)
    with pytest.raises(InvalidInputError):
        excess_distortion_limit("0.5,0.5", 1, 1, -1)


# M·P(x) = τ exactly: no symbol has M·P(x) < τ, so the supremum is the β → ∞ limit, 0
@pytest.mark.parametrize("k, m, gamma, d, bits", [
    (13, 13, Fraction(0), Fraction(0), False),     # τ_γ(0) = 1
    (24, 3, Fraction(0), Fraction(3), True),       # τ_0(3 bits) = 1/8
    (8, 2, Fraction(1), Fraction(3, 2), True),     # τ_1(3/2 bits) = 1/4: (3/4)·2 bits
])
@pytest.mark.parametrize("dps", [15, 19, 27, 33])
def test_tilted_converse_is_zero_when_codewords_times_mass_equals_tau(k, m, gamma, d, bits,
                                                                      dps):
    source = [Fraction(1, k)] * k
    with mp.workdps(dps):
        assert tilted_converse(source, gamma, m, d, bits) == (0, None)
    assert reported(lambda: tilted_converse(source, gamma, m, d, bits)[0], 27) == "0"

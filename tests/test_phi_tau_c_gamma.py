"""φ_γ, τ_γ and c_γ (THEORY.md §2–3) against properties and independent computations."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from closeness import assert_close
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from focalrd.numeric import (
    c_gamma,
    c_gamma_maximizer,
    confirmed,
    information,
    log_inverse_tau,
    phi,
    phi_prime,
    phi_second,
    significant,
    tau,
    tilted_information,
)
from focalrd.numeric.precision import to_mpf
from focalrd.strategies import distortion_levels, distributions, focusing_parameters, probabilities


def _gap(gamma: Fraction, p: mpmath.mpf) -> mpmath.mpf:
    """(1 − (1 − p)^γ) ln(1/p), written directly from the definition."""
    return (1 - (1 - p) ** to_mpf(gamma)) * mp.log(1 / p)


@given(focusing_parameters(), probabilities(), probabilities())
def test_phi_strictly_decreasing_in_p(gamma, p, q):
    mp.dps = 30
    if p == q:
        return
    lo, hi = min(p, q), max(p, q)
    assert phi(gamma, lo) > phi(gamma, hi)


@given(focusing_parameters(), probabilities(allow_one=False), probabilities(allow_one=False))
def test_phi_strictly_convex_midpoint(gamma, p, q):
    mp.dps = 40
    if p == q:
        return
    mid = (p + q) / 2
    assert phi(gamma, mid) < (phi(gamma, p) + phi(gamma, q)) / 2


@given(focusing_parameters(max_value=20), probabilities(allow_one=False))
@settings(max_examples=60)
def test_derivatives_match_numerical_differentiation(gamma, p):
    mp.dps = 30
    g = to_mpf(gamma)
    with mp.workdps(60):
        f = lambda x: (1 - x) ** g * mp.log(1 / x)  # noqa: E731 - the definition itself
        d1 = mp.diff(f, to_mpf(p))
        d2 = mp.diff(f, to_mpf(p), 2)
    assert_close(phi_prime(gamma, p), d1, rel=mpmath.mpf(10) ** -20)
    assert phi_prime(gamma, p) < 0
    assert_close(phi_second(gamma, p), d2, rel=mpmath.mpf(10) ** -15)
    assert phi_second(gamma, p) > 0


@given(probabilities())
def test_gamma_zero_is_log_loss(p):
    mp.dps = 30
    with mp.workdps(70):  # ln p loses digits near p = 1 unless computed with a wide margin
        expected = -mp.log(to_mpf(p))
    assert_close(phi(0, p), expected, rel=mpmath.mpf(10) ** -28)


@given(focusing_parameters(), focusing_parameters(), probabilities(allow_one=False))
def test_phi_strictly_decreasing_in_gamma(g1, g2, p):
    mp.dps = 30
    if g1 == g2:
        return
    assert phi(min(g1, g2), p) > phi(max(g1, g2), p)


@given(focusing_parameters(max_value=1000), distortion_levels(max_value=10**6))
@settings(max_examples=150)
def test_tau_round_trip_in_t(gamma, d):
    """t = ln(1/τ) solves t (1 − e^(−t))^γ = d to the working precision (well conditioned)."""
    mp.dps = 50
    t = log_inverse_tau(gamma, d)
    with mp.workdps(100):
        back = t * (-mp.expm1(-t)) ** to_mpf(gamma)
        assert abs(back - to_mpf(d)) <= mpmath.mpf(10) ** -48 * max(to_mpf(d), mp.mpf(10) ** -300)


@given(focusing_parameters(max_value=100),
       st.fractions(min_value=Fraction(1, 100), max_value=30, max_denominator=100))
def test_tau_round_trip_in_p(gamma, d):
    """φ_γ(τ_γ(d)) = d at the requested precision, for d where τ is well conditioned."""
    mp.dps = 40
    t = tau(gamma, d)
    assert 0 < t <= 1
    with mp.workdps(80):
        assert_close(phi(gamma, t), to_mpf(d), rel=mpmath.mpf(10) ** -36)


@given(focusing_parameters(max_value=200), distortion_levels(max_value=1000))
@settings(max_examples=120)
def test_tau_bracket(gamma, d):
    """[tau.bracket]: d ≤ ln(1/τ_γ(d)) ≤ d + c_γ."""
    mp.dps = 40
    t = log_inverse_tau(gamma, d)
    slack = mpmath.mpf(10) ** -35 * (1 + to_mpf(d))
    assert to_mpf(d) - slack <= t <= to_mpf(d) + c_gamma(gamma) + slack


@pytest.mark.parametrize("d", [Fraction(0), Fraction(1, 10**30), Fraction(7, 3), Fraction(10**6)])
@pytest.mark.parametrize("gamma", [Fraction(0), Fraction(1, 3), Fraction(1), Fraction(1000),
                                   Fraction(10**6), Fraction(10**12)])
def test_tau_extreme_inputs_converge(gamma, d):
    mp.dps = 30
    value = confirmed(lambda: log_inverse_tau(gamma, d), 30)
    with mp.workdps(80):
        assert abs(value * (-mp.expm1(-value)) ** to_mpf(gamma) - to_mpf(d)) <= (
            mpmath.mpf(10) ** -29 * max(to_mpf(d), mp.mpf(10) ** -60))


def test_tau_at_1000_digits():
    mp.dps = 1000
    t = log_inverse_tau(5, 3)
    with mp.workdps(1100):
        assert abs(t * (-mp.expm1(-t)) ** 5 - 3) < mpmath.mpf(10) ** -995


@given(distortion_levels(max_value=1000))
def test_tau_gamma_zero_is_exponential(d):
    mp.dps = 30
    assert_close(tau(0, d), mp.exp(-to_mpf(d)), rel=mpmath.mpf(10) ** -28)


def test_c_gamma_closed_forms_to_50_digits():
    assert significant(confirmed(lambda: c_gamma(1), 50), 50) == significant(
        confirmed(lambda: mp.exp(-1), 50), 50)
    assert c_gamma(0) == 0


@pytest.mark.parametrize("gamma", [Fraction(1, 100), Fraction(1, 2), Fraction(2), Fraction(7, 3),
                                   Fraction(10), Fraction(1000)])
def test_c_gamma_against_independent_maximisation(gamma):
    """c_γ equals the maximum found by mpmath's findroot on the numerically differentiated gap."""
    mp.dps = 30
    value = c_gamma(gamma)
    with mp.workdps(60):
        grid = [mp.mpf(10) ** (-mp.mpf(i) / 200) for i in range(1, 1600)]  # log-spaced
        start = max(grid, key=lambda p: _gap(gamma, p))
        p_star = mp.findroot(lambda p: mp.diff(lambda x: _gap(gamma, x), p), (start, start * 1.01))
        independent = _gap(gamma, p_star)
    assert_close(value, independent, rel=mpmath.mpf(10) ** -25)
    assert_close(c_gamma_maximizer(gamma), p_star, rel=mpmath.mpf(10) ** -20)


@given(focusing_parameters(max_value=100), probabilities())
def test_c_gamma_bounds_the_gap(gamma, p):
    """[phi.gap]: 0 ≤ ln(1/p) − φ_γ(p) ≤ c_γ."""
    mp.dps = 40
    gap = -mp.log(to_mpf(p)) - phi(gamma, p)
    assert -mpmath.mpf(10) ** -35 <= gap <= c_gamma(gamma) + mpmath.mpf(10) ** -35


def test_c_gamma_increasing_and_logarithmic():
    mp.dps = 30
    gammas = [Fraction(1, 4), Fraction(1, 2), 1, 2, 5, 10, 100, 10**3, 10**4, 10**6]
    values = [c_gamma(g) for g in gammas]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))
    # c_γ − ln γ stays bounded for large γ (grows like ln γ)
    offsets = [v - mp.log(g) for g, v in zip(gammas, values, strict=True) if g >= 10]
    assert max(offsets) - min(offsets) < 1


@given(distributions(max_size=6), distortion_levels(max_value=20), st.data())
def test_tilted_information_gamma_zero(source, d, data):
    """[tilted.reduces-to-log]: ȷ_0(x, d) = ı_X(x) − d."""
    mp.dps = 30
    x = data.draw(st.integers(min_value=0, max_value=len(source) - 1))
    assert_close(tilted_information(0, source, x, d), information(source, x) - to_mpf(d),
                 abs=mpmath.mpf(10) ** -27)


def test_dispersion_of_a_nearly_uniform_source_keeps_its_digits():
    """P = (1/2 + e, 1/2 − e): V = (1/4 − e²)·ln²((1/2 + e)/(1/2 − e)) ≈ 16e², e = 10^-25.

    Independent value: the closed form evaluated at 200 digits.
    """
    from focalrd.numeric import dispersion
    from focalrd.numeric.blocks.normal import binary_dispersion

    e = Fraction(1, 10**25)
    source = (Fraction(1, 2) + e, Fraction(1, 2) - e)
    with mp.workdps(200):
        ratio = to_mpf(source[0]) / to_mpf(source[1])
        expected = to_mpf(source[0] * source[1]) * mp.log(ratio) ** 2
    mp.dps = 30
    assert_close(dispersion(source), expected, rel=mpmath.mpf(10) ** -28)
    assert_close(binary_dispersion(source[1]), expected, rel=mpmath.mpf(10) ** -28)


@pytest.mark.parametrize("size", [50, 400])
def test_dispersion_pairwise_and_around_the_mean_agree(size):
    """Two formulas for Var[ı(X)] (pairs of values; squares around H) on a random source."""
    import random

    from focalrd.numeric import entropy
    from focalrd.numeric.source import dispersion

    rng = random.Random(size)
    weights = [rng.randint(1, 10**6) for _ in range(size)]
    source = tuple(Fraction(w, sum(weights)) for w in weights)
    mp.dps = 30
    with mp.workdps(120):
        h = entropy(source)
        around_mean = mp.fsum(to_mpf(p) * (-mp.log(to_mpf(p)) - h) ** 2 for p in source)
    assert_close(dispersion(source), around_mean, rel=mpmath.mpf(10) ** -28)


def test_tilted_information_keeps_its_digits_under_cancellation():
    """ı(x) = ln 2 and d = ln 2 − 2.1e-26: ȷ_0 = ln 2 − d, computed here at 80 digits."""
    d = Fraction(6931471805599453094172321, 10**25)
    mp.dps = 30
    value = tilted_information(0, (Fraction(1, 2), Fraction(1, 2)), 0, d)
    with mp.workdps(80):
        expected = mp.log(2) - to_mpf(d)
    assert_close(value, expected, rel=mpmath.mpf(10) ** -28)

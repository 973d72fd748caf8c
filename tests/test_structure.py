"""The focal-entropy minimiser against P (THEORY.md §8) and the claim checks of §7–8."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from focalrd.numeric.entropies.structure import (
    dominant_symbol,
    imbalance_path,
    minimizer_by_bisection,
    psi,
    psi_is_unimodal,
    rare_symbol,
    structure_of,
)
from focalrd.strategies import distributions, focusing_parameters
from focalrd.verify.claims import load_all
from focalrd.verify.registry import CheckContext, registered_claims

F = Fraction


@pytest.mark.parametrize(("p", "g"), [((F(1, 2), F(3, 10), F(1, 5)), F(2)),
                                      ((F(99, 100), F(1, 100)), F(1, 2)),
                                      ((F(1, 10), F(2, 10), F(3, 10), F(4, 10)), F(7))])
def test_minimiser_agrees_with_independent_bisection(p, g):
    with mp.workdps(15):
        s = structure_of(p, g)
        other = minimizer_by_bisection(p, g)
        assert max(abs(a - b) for a, b in zip(s.minimizer, other, strict=True)) < 1e-12


@settings(max_examples=40)
@given(distributions(min_size=2, max_size=7), focusing_parameters(max_value=20))
def test_ratio_identity_order_and_band(p, g):
    with mp.workdps(30):
        s = structure_of(p, g)
        # q*_x / P_x = psi(q*_x) / lambda, and lambda = sum_x P_x psi(q*_x)
        lam = mp.fsum(mp.mpf(x.numerator) / x.denominator * psi(g, q)
                      for x, q in zip(p, s.minimizer, strict=True))
        assert abs(lam - s.multiplier) < mpmath.mpf(10) ** -20 * lam
        for q, r in zip(s.minimizer, s.ratios, strict=True):
            assert abs(r - psi(g, q) / lam) < mpmath.mpf(10) ** -20 * r
        # q* preserves the order of P
        order = sorted(range(len(p)), key=lambda i: p[i])
        qs = [s.minimizer[i] for i in order]
        assert all(a <= b + mpmath.mpf(10) ** -25 for a, b in zip(qs, qs[1:], strict=False))
        assert s.band
        if len(set(p)) > 1 and g > 0:
            assert s.largest_suppressed or s.smallest_suppressed


@given(distributions(min_size=2, max_size=6))
def test_log_loss_minimiser_is_the_source(p):
    with mp.workdps(25):
        s = structure_of(p, 0)
        assert not s.amplified and not s.suppressed and not s.marked


def test_psi_endpoints_and_unimodality():
    with mp.workdps(30):
        for g in (F(1, 2), F(3), F(30)):
            assert abs(psi(g, mpmath.mpf(10) ** -25) - 1) < 1e-20
            assert psi(g, 1) == 0
            ok, peak = psi_is_unimodal(g, 200)
            assert ok and 0 < peak < 0.5


def test_largest_is_amplified_when_mass_is_spread():
    with mp.workdps(30):
        s = structure_of([F(3, 25)] * 8 + [F(1, 25)], 2)
        assert not s.largest_suppressed and s.smallest_suppressed
        assert s.amplified == tuple(range(8)) and s.suppressed == (8,)


def test_binary_dominant_symbol_tail_amplified_without_bound():
    # P = (1 - e, e): the KKT balance (1-e)(gamma+1) t^gamma ~ e/t for t = 1 - q*_max gives
    # q*_min ~ (e/(gamma+1))^(1/(gamma+1)), so q*_min / e grows without bound as e -> 0.
    with mp.workdps(30):
        points, suppressed, decreasing = imbalance_path(
            dominant_symbol(2), 2, [F(1, 10**j) for j in range(2, 8)])
        assert not suppressed and not decreasing
        last = points[-1]
        e = mp.mpf(last.epsilon.numerator) / last.epsilon.denominator
        predicted = (e / 3) ** (mp.mpf(1) / 3) / e
        assert abs(last.ratio / predicted - 1) < 0.05


def test_rare_symbol_beside_a_bulk_is_suppressed_further():
    with mp.workdps(30):
        _, suppressed, decreasing = imbalance_path(
            rare_symbol(9), 2, [F(1, 10**j) for j in range(2, 8)])
        assert suppressed and decreasing


@pytest.fixture(scope="module")
def claims():
    load_all()
    return registered_claims()


@pytest.mark.parametrize(("claim_id", "status", "sampled_check"), [
    ("summary.hgamma-monotone", False, "monotone_sampled"),
    ("summary.hgamma-nonnegative", False, "nonnegative_sampled"),
    ("summary.hgamma-max", True, "formula_against_search"),
    pytest.param("focal-entropy.structure", False, "phrases",
                 marks=pytest.mark.slow)])  # 2 s: the whole structure claim
def test_claim_checks_quick(claims, claim_id, status, sampled_check):
    ctx = CheckContext(dps=20, quick=True, seed=0, claim_id=claim_id)
    results = {check.__name__: check(ctx) for check in claims[claim_id].checks}
    # The sampled search itself decides: it refutes a false claim (with a counterexample
    # and a positive count), and supports a true one.
    sampled = results[sampled_check]
    assert sampled.level == "sampled" and sampled.details["samples"] > 0
    if status:
        assert sampled.passed is True
        assert all(e.passed is True for e in results.values())
    else:
        assert sampled.passed is False and sampled.counterexample
        refuting = [e for e in results.values() if e.passed is False]
        assert all(e.counterexample for e in refuting)
    assert claims[claim_id].expected == ("holds" if status else "fails")


@pytest.mark.slow  # 2 s: the structure claim twice
def test_structure_derivation_and_psi_grid_are_separate_evidence(claims):
    ctx = CheckContext(dps=20, quick=True, seed=0, claim_id="focal-entropy.structure")
    results = {check.__name__: check(ctx) for check in claims["focal-entropy.structure"].checks}
    symbolic, grid = results["ratio_identity"], results["psi_unimodal_on_grid"]
    assert symbolic.level == "symbolic" and symbolic.passed is True and symbolic.derivation
    assert "samples" not in symbolic.details and "psi_peak" not in symbolic.details
    assert grid.level == "sampled" and grid.passed is True
    assert grid.details["samples"] == 200 * 5  # 200 grid points for each of five gammas


def test_summary_symbolic_refutations_are_computed_at_the_counterexample(claims, monkeypatch):
    from focalrd.verify.claims import summary

    ctx = CheckContext(dps=20, quick=True, seed=0, claim_id="summary.hgamma-monotone")
    evidence = summary.monotone_symbolic(ctx)
    assert evidence.passed is False
    # The derived slope sum_x P(1-P)^gamma ln(1-P) at P = (1/2, 1/2): -ln 2 at gamma = 0.
    assert evidence.details["derived_slope_at_counterexample"] == {"0": "-log(2)",
                                                                   "1": "-log(2)/2"}
    # With library values that do not contradict the claim, the refutation does not stand.
    monkeypatch.setattr(summary, "hgamma", lambda source, g: mpmath.mpf(g))
    assert summary.monotone_symbolic(ctx).passed is None
    assert summary.nonnegative_symbolic(ctx).passed is None


def test_monotone_counterexample_is_minimal_and_correct(claims):
    ctx = CheckContext(dps=20, quick=True, seed=0, claim_id="summary.hgamma-monotone")
    sampled = [c(ctx) for c in claims["summary.hgamma-monotone"].checks
               if c.__name__ == "monotone_sampled"][0]
    ce = sampled.counterexample
    assert ce["source"] == ["1/2", "1/2"]
    # H at the two gammas, recomputed from the closed form H_gamma(1/2,1/2) = -gamma ln 2
    g0, g1 = F(ce["gamma"]), F(ce["gamma"]) + F(ce["step"])
    assert float(ce["H_at_gamma"]) == pytest.approx(-float(g0) * 0.6931471805599453, abs=1e-12)
    assert float(ce["H_at_gamma_plus_step"]) == pytest.approx(-float(g1) * 0.6931471805599453)


@settings(max_examples=10)
@given(st.integers(3, 6))
def test_rare_symbol_family_sources_are_distributions(k):
    p = rare_symbol(k)(F(1, 1000))
    assert sum(p) == 1 and min(p) == F(1, 1000)

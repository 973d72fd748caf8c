"""The sampled and reference checks of §2–3 (verify/claims/numeric_core.py).

Each check passes on the real functions and refutes a deliberately perturbed one
(so a wrong library function would be caught), with a counterexample.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from mpmath import mp

from focalrd.verify.claims import catalogue  # noqa: F401
from focalrd.verify.claims import numeric_core as core
from focalrd.verify.registry import CheckContext

CHECKS = {
    "phi.reduces-to-log": core.phi_zero_is_log_loss,
    "phi.decreasing": core.phi_decreasing_sampled,
    "phi.monotone-in-gamma": core.phi_monotone_in_gamma_sampled,
    "c-gamma.values": core.c_gamma_reference,
    "tau.inverse": core.tau_round_trip,
    "tau.expansion": core.tau_expansion_numeric,
    "tilted.reduces-to-log": core.tilted_zero_is_log_loss,
}


def _quick(claim_id: str) -> CheckContext:
    return CheckContext(quick=True, claim_id=claim_id)


@pytest.mark.parametrize("claim_id", sorted(CHECKS))
def test_checks_pass_on_the_real_functions_and_state_their_effort(claim_id):
    evidence = CHECKS[claim_id](_quick(claim_id))
    assert evidence.passed is True, evidence.as_dict()
    if evidence.level == "sampled":
        assert evidence.details["samples"] > 0


def test_growth_check_passes_and_reports_the_bounds():
    evidence = core.c_gamma_growth(_quick("c-gamma.values"))
    assert evidence.passed is True
    # ln(10^6) - c_(10^6) lies in [0, ln(10^6)/e] by the two analytic bounds.
    gap = float(evidence.details["growth"]["1000000"]["ln_gamma_minus_c_gamma"])
    assert 0 <= gap <= 13.82 / 2.718


def _perturbed(function, relative):
    def wrong(*args):
        return function(*args) * (1 + mp.mpf(relative))
    return wrong


@pytest.mark.parametrize("claim_id, name, relative", [
    ("phi.reduces-to-log", "phi", "1e-25"),
    ("phi.decreasing", "phi_prime", "1e-15"),
    ("c-gamma.values", "c_gamma", "1e-45"),
    ("tau.inverse", "log_inverse_tau", "1e-45"),
    ("tilted.reduces-to-log", "tilted_information", "1e-25"),
])
def test_checks_refute_a_perturbed_function(monkeypatch, claim_id, name, relative):
    monkeypatch.setattr(core, name, _perturbed(getattr(core, name), relative))
    evidence = CHECKS[claim_id](_quick(claim_id))
    assert evidence.passed is False
    assert evidence.counterexample


def test_expansion_check_refutes_a_wrong_second_order_term(monkeypatch):
    true_t = core.log_inverse_tau

    def wrong(gamma, d):  # adds 3 d^2 e^(-2d): the scaled remainder shifts by 3
        return true_t(gamma, d) + 3 * mp.mpf(d) ** 2 * mp.exp(-2 * mp.mpf(d))

    monkeypatch.setattr(core, "log_inverse_tau", wrong)
    evidence = core.tau_expansion_numeric(_quick("tau.expansion"))
    assert evidence.passed is False


def test_monotonicity_check_refutes_a_reversed_order(monkeypatch):
    true_phi = core.phi
    monkeypatch.setattr(core, "phi", lambda gamma, p: true_phi(0, p) - true_phi(gamma, p))
    evidence = core.phi_monotone_in_gamma_sampled(_quick("phi.monotone-in-gamma"))
    assert evidence.passed is False
    found = evidence.counterexample  # an instance of the claim's form: gamma < gamma2
    assert Fraction(found["gamma"]) < Fraction(found["gamma2"])
    assert 0 < Fraction(found["p"]) < 1

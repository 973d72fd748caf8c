"""Regressions of the suite's own checks: what they check, and that they report what they did."""

from __future__ import annotations

from fractions import Fraction

import pytest

from focalrd.verify.claims import catalogue  # noqa: F401 - defines the claims
from focalrd.verify.registry import CheckContext, registered_claims


def _quick(claim_id: str, **kwargs) -> CheckContext:
    return CheckContext(quick=True, claim_id=claim_id, **kwargs)


# -- [n.excess-sandwich]: the eps* half --------------------------------------------------


def test_excess_sandwich_checks_the_probability_half():
    from focalrd.verify.claims import blocks

    assert blocks.excess_probability_sandwich_sampled in \
        registered_claims()["n.excess-sandwich"].checks
    evidence = blocks.excess_probability_sandwich_sampled(_quick("n.excess-sandwich"))
    assert evidence.passed is True, evidence.as_dict()
    details = evidence.details
    assert details["samples"] == 30
    # The counts add up and the check is not vacuous: both halves are strict somewhere.
    assert details["lower_strict"] > 0 and details["upper_strict"] > 0
    assert details["all_equal"] < details["samples"]


def test_excess_sandwich_probability_half_refutes_a_wrong_eps(monkeypatch):
    from focalrd.verify.claims import blocks

    real = blocks.excess_distortion_exact

    def too_large(source, gamma, n, m, d):
        # eps*_gamma raised slightly above eps*_0 wherever they coincide below 1.
        value = real(source, gamma, n, m, d)
        return value if gamma == 0 or value == 1 else value + Fraction(1, 10**9)

    monkeypatch.setattr(blocks, "excess_distortion_exact", too_large)
    evidence = blocks.excess_probability_sandwich_sampled(_quick("n.excess-sandwich"))
    assert evidence.passed is False
    found = evidence.counterexample
    assert Fraction(found["eps_gamma(D)"]) > Fraction(found["eps_0(D)"])


@pytest.fixture(autouse=True)
def _precision():
    from mpmath import mp

    with mp.workdps(30):
        yield


# -- sampled checks report what they did ---------------------------------------------------


@pytest.mark.parametrize("name, claim_id", [("monotone_sampled", "summary.hgamma-monotone"),
                                            ("nonnegative_sampled", "summary.hgamma-nonnegative")])
def test_summary_searches_report_the_examples_they_drew(name, claim_id):
    from focalrd.verify.claims import summary

    evidence = getattr(summary, name)(_quick(claim_id))
    details = evidence.details
    # The claim as stated is false nearly everywhere: the search stops early, and says so.
    assert evidence.passed is False and evidence.counterexample is not None
    assert 1 <= details["samples"] < details["planned_samples"] == 60
    assert 1 <= details["opposite_sign_samples"] <= 60


def test_weighted_excess_check_counts_only_finished_instances(monkeypatch):
    from types import SimpleNamespace

    from focalrd.verify.claims import oneshot

    calls = []

    def node_limit_on_third(p, gamma, m, d, weights):
        calls.append(1)
        value = None if len(calls) == 3 else Fraction(1, 2)
        return SimpleNamespace(value=value, converse=Fraction(0), achievability=Fraction(1))

    monkeypatch.setattr(oneshot, "weighted_excess_distortion", node_limit_on_third)
    evidence = oneshot.weighted_sampled_large(_quick("excess.weighted"))
    assert evidence.passed is None and evidence.details["samples"] == 2
    assert evidence.details["planned_samples"] == 3

    def out_of_bounds(p, gamma, m, d, weights):
        return SimpleNamespace(value=Fraction(2), converse=Fraction(0),
                               achievability=Fraction(1))

    monkeypatch.setattr(oneshot, "weighted_excess_distortion", out_of_bounds)
    evidence = oneshot.weighted_sampled_large(_quick("excess.weighted"))
    assert evidence.passed is False and evidence.details["samples"] == 1

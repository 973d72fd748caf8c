"""The one-shot derivations of proofs/oneshot.py build, cite the right claims and render."""

from __future__ import annotations

import pytest
import sympy as sp

from focalrd.proofs import oneshot
from focalrd.proofs.derivation import Derivation, DerivationError
from focalrd.verify.claims import load_all
from focalrd.verify.registry import registered_claims


@pytest.mark.parametrize("claim_id", sorted(oneshot.BUILDERS))
def test_every_derivation_checks_and_renders(claim_id):
    load_all()
    assert claim_id in registered_claims()
    for derivation in oneshot.oneshot_derivations(claim_id):
        assert derivation.steps
        assert derivation.claim_id in oneshot.BUILDERS
        latex = derivation.to_latex()
        assert latex.startswith("\\begin{align*}") and latex.count("\\\\") == len(
            derivation.steps) - 1
        assert derivation.as_dict()["steps"][0]["method"]


def test_list_size_argument_states_both_directions():
    steps = oneshot.list_size_argument().steps
    relations = [s.relation for s in steps[:3]]
    assert relations == [">=", "=", ">"]


def test_a_wrong_list_size_claim_is_rejected():
    # L + 1 symbols do not fit: claiming the opposite sign must fail the check
    theta = sp.Symbol("theta", nonnegative=True)
    eta = sp.Symbol("eta", positive=True)
    proof = Derivation("wrong", None)
    with pytest.raises(DerivationError):
        proof.positive_given("L + 1 symbols fit", 1 - (oneshot.L + 1) / (oneshot.L + theta),
                             [eta / (oneshot.L + theta)], {eta: (1 - theta, "theta < 1")})


def test_sandwich_cites_the_gap_claim():
    proof = oneshot.average_sandwich()
    described = " ".join(step.description for step in proof.steps)
    assert "[phi.gap]" in described and "round robin" in described

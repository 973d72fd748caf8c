"""The derivations of proofs/blocks.py check, and a wrong step would not."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from focalrd.proofs import blocks
from focalrd.proofs.derivation import Derivation, DerivationError


@pytest.mark.parametrize("build", [blocks.binary_dispersion, blocks.excess_sandwich,
                                   blocks.normal_approximation, blocks.asymptotic_limits])
def test_derivations_build_and_render(build):
    proof = build()
    assert proof.steps and proof.claim_id
    assert proof.to_latex().startswith("\\begin{align*}")


def test_binary_dispersion_matches_a_numeric_variance():
    v = blocks.binary_dispersion().steps[1].rhs
    for value in (0.1, 0.37):
        i1, i0 = -math.log(value), -math.log(1 - value)
        mean = value * i1 + (1 - value) * i0
        direct = value * (i1 - mean) ** 2 + (1 - value) * (i0 - mean) ** 2
        assert float(v.subs(blocks.p, value)) == pytest.approx(direct, rel=1e-12)


def test_a_wrong_dispersion_or_limit_is_rejected():
    p = blocks.p
    with pytest.raises(DerivationError):
        Derivation("wrong").identity("missing factor", p * (1 - p) * sp.log((1 - p) / p),
                                     p * sp.log((1 - p) / p) ** 2)
    with pytest.raises(DerivationError):
        Derivation("wrong").limit("ln M / n does not tend to 2R", blocks.n * blocks.R / blocks.n,
                                  blocks.n, sp.oo, 2 * blocks.R)


def test_symbolic_checks_pass():
    import importlib

    from focalrd.verify.claims import load_all
    from focalrd.verify.registry import CheckContext

    load_all()  # the catalogue defines the claims before this module adds checks
    blocks_more = importlib.import_module("focalrd.verify.claims.blocks_more")
    for check in (blocks_more.second_order_symbolic, blocks_more.excess_sandwich_symbolic,
                  blocks_more.asymptotic_symbolic):
        evidence = check(CheckContext(quick=True))
        assert evidence.passed is True and evidence.level == "symbolic"

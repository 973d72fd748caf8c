"""The derivation of proofs/blocks_average.py checks, and wrong variants of its steps do not."""

from __future__ import annotations

import math

import pytest
import sympy as sp

from focalrd.proofs import blocks_average as ba
from focalrd.proofs.derivation import Derivation, DerivationError


def test_derivation_builds_cites_the_one_shot_sandwich_and_renders():
    proof = ba.block_average_sandwich()
    assert proof.claim_id == "n.avg-sandwich"
    assert "single-shot sandwich for average distortion" in proof.lemmas
    assert proof.conclusion.rhs == sp.Max(ba.H - ba.R, 0)
    assert proof.to_latex().startswith("\\begin{align*}")


def test_registered_for_the_claim():
    from focalrd.proofs.index import derivations_for

    assert [d.title for d in derivations_for("n.avg-sandwich")] == [
        "average-distortion sandwich for blocks"]


def test_achievability_rate_tends_to_the_positive_part_numerically():
    # (1/n) ln(1 + 2 e^{na}) at large n, evaluated with log1p/logaddexp independently of sympy
    n = 10**6
    for a, limit in ((0.3, 0.3), (-0.2, 0.0), (0.0, 0.0)):
        value = float(sp.N(ba.achievability_rate(sp.Float(a), n), 30))
        direct = (math.log(2) + n * a + math.log1p(math.exp(-n * a) / 2)) / n if a > 0 \
            else math.log1p(2 * math.exp(n * a)) / n
        assert value == pytest.approx(direct, rel=1e-9, abs=1e-15)
        assert abs(value - limit) < 1e-5


def test_wrong_per_symbol_normalisation_is_rejected():
    # forgetting to divide the gap c_gamma by n is not an identity
    with pytest.raises(DerivationError):
        Derivation("wrong").identity(
            "gap not normalised", ba.converse_per_symbol(ba.n * ba.H, sp.log(ba.M), ba.c, ba.n),
            ba.H - sp.log(ba.M) / ba.n - ba.c)


def test_wrong_entropy_of_the_product_source_is_rejected():
    r = sp.Symbol("r", positive=True)
    pair = (r, 1 - r)
    with pytest.raises(DerivationError):
        Derivation("wrong").identity("block entropy is not H", sum(
            -a * b * sp.log(a * b) for a in pair for b in pair),
            -r * sp.log(r) - (1 - r) * sp.log(1 - r))


def test_wrong_limit_of_the_achievability_is_rejected():
    a = sp.Symbol("a", positive=True)
    with pytest.raises(DerivationError):   # the factor 2 does not survive the limit
        Derivation("wrong").limit("not a + ln 2", ba.achievability_rate(a, ba.n), ba.n,
                                  sp.oo, a + sp.log(2))
    b = sp.Symbol("b", positive=True)
    with pytest.raises(DerivationError):   # below the rate the term vanishes, it is not -b
        Derivation("wrong").limit("not -b", ba.achievability_rate(-b, ba.n), ba.n, sp.oo, -b)


def test_uniform_decoder_bound_needs_the_right_sign():
    w = sp.Symbol("w", nonnegative=True)
    m = ba.m
    with pytest.raises(DerivationError):   # phi_gamma(1/m) - ln m is <= 0, not >= 0
        Derivation("wrong").nonnegative_given(
            "reversed", ba.phi(ba.gamma, 1 / m) - sp.log(m), [w],
            {w: ((1 - (1 - 1 / m) ** ba.gamma) * sp.log(m), "m >= 1")})


def test_symbolic_check_passes():
    import importlib

    from focalrd.verify.claims import load_all
    from focalrd.verify.registry import CheckContext

    load_all()
    module = importlib.import_module("focalrd.verify.claims.blocks_average_symbolic")
    evidence = module.block_average_sandwich_symbolic(CheckContext(quick=True))
    assert evidence.passed is True and evidence.level == "symbolic"

"""A realistic ``focalrd.report/1`` document for the report tests (and checks of its shape).

Every claim of the catalogue appears with its real statement and LaTeX; the
evidence is made up but has every field the runner writes, including
derivations built with :class:`focalrd.proofs.derivation.Derivation` (so their
LaTeX is real ``sympy.latex`` output), counterexamples, inconclusive checks and
unknown extra keys.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

import sympy as sp

from focalrd.proofs.derivation import Derivation
from focalrd.verify.claims import load_all
from focalrd.verify.registry import registered_claims


def _derivations() -> tuple[dict[str, Any], dict[str, Any]]:
    p = sp.Symbol("p", positive=True)
    gamma = sp.Symbol("gamma", nonnegative=True)
    u = sp.log(1 / p)
    phi = (1 - p) ** gamma * u
    lemma = Derivation("log(1+s) <= s", assumptions=("s >= 0",))
    s = sp.Symbol("s", nonnegative=True)
    lemma.limit("both sides vanish at s = 0", s - sp.log(1 + s), s, 0, 0)
    lemma.nonnegative("the derivative of s - log(1+s) is s/(1+s) >= 0", s / (1 + s))
    main = Derivation("phi_gamma decreases", claim_id="phi.decreasing",
                      assumptions=("0 < p < 1", "gamma >= 0"))
    main.identity("derivative of phi_gamma", sp.diff(phi, p),
                  -(1 - p) ** (gamma - 1) * (gamma * u + (1 - p) / p))
    main.limit("phi_gamma vanishes at p = 1", phi.subs(gamma, 2), p, 1, 0, "-")
    main.series("behaviour near p = 1", phi.subs(gamma, 1), p, 1,
                -(p - 1) * (1 - p) + sp.Rational(1, 2) * (p - 1) ** 2 * (1 - p), 4)
    main.lemma("u <= s", u, "<=", (1 - p) / p, lemma)
    single = main.as_dict()
    parts = {"title": "two derivations", "parts": [single, lemma.as_dict()]}
    return single, parts


@lru_cache(maxsize=1)
def _sample() -> dict[str, Any]:
    load_all()
    single, parts = _derivations()
    claims = []
    for index, claim in enumerate(registered_claims().values()):
        record: dict[str, Any] = {
            "id": claim.id, "section": claim.section, "statement": claim.statement,
            "latex": claim.latex, "provenance": claim.provenance, "expected": claim.expected,
            "status": "verified", "met": True, "met_reason": "verified, as expected",
            "why": None,
            "evidence": [], "counterexample": None, "notes": claim.notes,
            "seconds": f"{0.01 * (index + 1):.3f}",
        }
        record["evidence"].append({
            "level": "sampled", "method": "compared at random points with $p \\in (0,1)$",
            "passed": True, "samples": "200", "max_error": "1.2e-40",
            "check": "focalrd.verify.claims.sample.sampled_check", "seconds": 0.02})
        if index % 3 == 0:
            record["evidence"].append({
                "level": "symbolic", "method": "machine-checked derivation", "passed": True,
                "derivation": single if index % 2 == 0 else parts, "seconds": 0.5})
        if index % 4 == 1:
            record["evidence"].append({
                "level": "certified", "method": "interval arithmetic on a grid", "passed": True,
                "region": "gamma in [0, 50], p in [1e-6, 1]", "intervals": "4096",
                "seconds": 1.25})
        claims.append(record)
    refuted = next(c for c in claims if c["id"] == "summary.hgamma-nonnegative")
    refuted.update(status="refuted", met=True, why="a counterexample was found",
                   counterexample={"P": ["1/2", "1/2"], "gamma": "1",
                                   "H_gamma": "-0.69314718055994530942"})
    refuted["evidence"].append({
        "level": "exhaustive", "method": "every distribution on a grid", "passed": False,
        "instances": "1000", "finding": "H_gamma < 0 for uniform P",
        "counterexample": {"P": ["1/2", "1/2"], "gamma": "1"}, "seconds": 0.3})
    undecided = next(c for c in claims if c["id"] == "focal-entropy.structure")
    undecided.update(status="inconclusive", met=None, why="part of the statement is vague")
    undecided["evidence"].append({
        "level": "reference", "method": "comparison with a published table", "passed": None,
        "why": "no published digits to compare with", "seconds": 0.0})
    failed = next(c for c in claims if c["id"] == "n.simulation")
    failed.update(status="refuted", met=False, why="a check failed unexpectedly",
                  future_field={"note": "an unknown claim key"})
    failed["evidence"][0]["passed"] = False
    statuses = [c["status"] for c in claims]
    return {
        "schema": "focalrd.report/1", "focalrd_version": "0.1.0",
        "created": "2025-01-02T03:04:05+00:00",
        "settings": {"dps": 30, "quick": True, "seed": 0, "jobs": 2, "only": None,
                     "claims_modules": []},
        "environment": {"python": "3.11.2", "platform": "Linux-x86_64",
                        "packages": {"mpmath": "1.3.0", "sympy": "1.14.0", "numpy": "2.0"},
                        "mpmath_backend": "python", "git_revision": "0123456789abcdef"},
        "load_errors": [{"module": "focalrd.verify.claims.broken",
                         "error": "ImportError: cannot import name 'x'"}],
        "claims": claims,
        "summary": {"not_met_ids": [c["id"] for c in claims if c["met"] is False],
                    "claims": len(claims), "verified": statuses.count("verified"),
                    "refuted": statuses.count("refuted"),
                    "inconclusive": statuses.count("inconclusive"),
                    "met": sum(1 for c in claims if c["met"] is True),
                    "not_met": sum(1 for c in claims if c["met"] is False),
                    "by_level": {"sampled": len(claims)}, "seconds": "12.5"},
        "an_unknown_top_level_key": "kept and shown",
    }


def sample_document() -> dict[str, Any]:
    """A fresh deep copy of the sample (tests may mutate it)."""
    return copy.deepcopy(_sample())


def test_sample_has_every_schema_field() -> None:
    document = sample_document()
    assert {"schema", "focalrd_version", "created", "settings", "environment", "claims",
            "summary"} <= document.keys()
    claim_keys = {"id", "section", "statement", "latex", "provenance", "expected", "status",
                  "met", "why", "evidence", "counterexample", "notes", "seconds"}
    for claim in document["claims"]:
        assert claim_keys <= claim.keys()
        for entry in claim["evidence"]:
            assert {"level", "method", "passed"} <= entry.keys()


def test_sample_covers_every_catalogue_claim_and_outcome() -> None:
    document = sample_document()
    ids = [c["id"] for c in document["claims"]]
    assert ids == list(registered_claims())
    assert {c["status"] for c in document["claims"]} == {"verified", "refuted", "inconclusive"}
    derivations = [e["derivation"] for c in document["claims"] for e in c["evidence"]
                   if "derivation" in e]
    assert any("parts" in d for d in derivations) and any("steps" in d for d in derivations)

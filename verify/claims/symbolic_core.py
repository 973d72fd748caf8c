"""Symbolic checks of THEORY.md §2–3: the machine-checked derivations of ``focalrd.proofs``.

Each check builds the claim's derivations (cached after the first build) and
reports level "symbolic".  A derivation whose step does not check raises
``DerivationError``; the check then reports ``passed=False`` with the failing
step, never a verified claim.
"""

from __future__ import annotations

import sympy as sp

from focalrd.proofs.core import BUILDERS, derivations_for
from focalrd.proofs.derivation import Derivation, DerivationError
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.claims._symbolic_numeric import compare
from focalrd.verify.registry import CheckContext, Evidence, check

#: What each claim's derivations establish (the Evidence method line).
_METHODS = {
    "phi.reduces-to-log": "sympy: substituting gamma = 0 in phi_gamma gives ln(1/p)",
    "phi.decreasing": "sympy: derivative in factored form, sign by positive terms after "
                      "p = 1/(1+s); value at 1 and limit at 0+",
    "phi.convex": "sympy: second derivative (1-p)^(gamma-2) A; A > 0 by signed terms in the "
                  "cases gamma >= 1 and 0 <= gamma <= 1 (the latter with the checked lemma "
                  "ln(1+s) <= s)",
    "phi.monotone-in-gamma": "sympy: d phi/d gamma = (1-p)^gamma ln(1-p) ln(1/p), negative "
                             "by positive factors",
    "phi.gap": "sympy: factorisation of the gap, non-negativity via the checked lemma "
               "1 - r^gamma >= 0, finite supremum from continuity and the limits at 0+ and 1",
    "c-gamma.values": "sympy: stationarity equation p h'(p) = 0; c_0 = 0 (h_0 = 0); c_1 = 1/e "
                      "(stationary point of the strictly concave p ln(1/p), and sympy's "
                      "maximiser); c_gamma non-decreasing in gamma",
    "tau.inverse": "sympy: phi_gamma continuous and strictly decreasing from +infinity to 0 "
                   "on (0, 1] (intermediate value theorem)",
    "tau.expansion": "sympy: fixed-point iteration of t = d (1 - e^-t)^-gamma in x = e^-d; "
                     "the substituted residual is O(d^3 e^(-3d))",
    "tilted.reduces-to-log": "sympy: tau_0(d) = e^-d, so ln(1/tau_0(d)) = d and j_0 = i - d",
}

#: Parts of a claim's statement that the derivations do not cover.
_NOT_COVERED = {
    "c-gamma.values": "the growth c_gamma ~ ln(gamma) is not derived symbolically",
}


def symbolic_evidence(claim_id: str, ctx: CheckContext | None = None) -> Evidence:
    """Evidence for ``claim_id`` from its derivations; ``passed=False`` if a step fails.

    With ``ctx``, the derivation's expressions are also compared with the numeric
    functions that implement them (:mod:`._symbolic_numeric`): a derivation that
    checks but does not match the code refutes the claim as implemented.
    """
    method = _METHODS[claim_id]
    extra = {"not_covered": _NOT_COVERED[claim_id]} if claim_id in _NOT_COVERED else {}
    try:
        derivations = derivations_for(claim_id)
    except DerivationError as error:
        # A step that does not simplify to what it states refutes, it is not inconclusive.
        return Evidence("symbolic", method, False, {"failed_step": str(error), **extra})
    steps = sum(len(d.steps) for d in derivations)
    lemmas = sorted({name for d in derivations for name in d.lemmas})
    evidence = Evidence.symbolic(method, derivations, derivation_count=len(derivations),
                                 checked_steps=steps, lemmas=lemmas, **extra)
    if ctx is None:
        return evidence
    return _with_comparison(evidence, claim_id, ctx)


def _with_comparison(evidence: Evidence, claim_id: str, ctx: CheckContext) -> Evidence:
    """``evidence`` refuted when the numeric code disagrees with the derivation's expressions."""
    agrees, comparison = compare(claim_id, ctx)
    evidence.details["numeric_comparison"] = comparison
    if agrees is False:
        evidence.passed = False
        evidence.counterexample = comparison.get("counterexample")
    elif agrees is None and not comparison.get("not_applicable"):
        evidence.passed = None
        evidence.details["why"] = comparison["why"]
    return evidence


def tau_bracket_derivation() -> Derivation:
    """[tau.bracket]: ln(1/τ) − d is the gap h_γ(τ), which [phi.gap] bounds by 0 and c_γ."""
    from focalrd.proofs import phi_shape

    point, level, c = (sp.Symbol("tau", positive=True), sp.Symbol("d", nonnegative=True),
                       sp.Symbol("c_gamma", nonnegative=True))
    proof = Derivation("tau_gamma(d) lies between e^(-d-c_gamma) and e^(-d)", "tau.bracket",
                       ("gamma >= 0", "d >= 0", "tau = tau_gamma(d) in (0, 1], so "
                                                "phi_gamma(tau) = d"))
    proof.identity("with d = phi_gamma(tau): ln(1/tau) - d is the gap at tau",
                   sp.log(1 / point) - phi_shape.phi(at=point), phi_shape.gap(at=point))
    proof.lemma("the gap lies in [0, c_gamma] ([phi.gap])", phi_shape.gap(at=point), "<=", c,
                phi_shape.gap_bound())
    proof.note("hence d <= ln(1/tau) <= d + c_gamma; exp is increasing, so "
               "e^(-d-c_gamma) <= tau <= e^(-d)", sp.exp(-level - c), "<=", point,
               "exponentiate the bracket of ln(1/tau) (and tau <= e^(-d) on the other side)")
    return proof


@check("tau.bracket", level="symbolic")
def symbolic_tau_bracket(ctx: CheckContext) -> Evidence:
    """[tau.bracket] by derivation from [phi.gap], compared with the numeric tau."""
    try:
        derivation = tau_bracket_derivation()
    except DerivationError as error:
        return Evidence("symbolic", "sympy: ln(1/tau) - d = h_gamma(tau)", False,
                        {"failed_step": str(error)})
    evidence = Evidence.symbolic(
        "sympy: with d = phi_gamma(tau), ln(1/tau) - d = h_gamma(tau) (identity), and "
        "0 <= h_gamma <= c_gamma by the checked [phi.gap] derivation", [derivation],
        checked_steps=len(derivation.steps))
    return _with_comparison(evidence, "tau.bracket", ctx)


def _register(claim_id: str) -> None:
    def symbolic_check(ctx: CheckContext) -> Evidence:
        return symbolic_evidence(claim_id, ctx)

    symbolic_check.__name__ = f"symbolic_{claim_id.replace('.', '_').replace('-', '_')}"
    symbolic_check.__doc__ = f"[{claim_id}] by machine-checked derivation."
    check(claim_id)(symbolic_check)


for _claim_id in BUILDERS:
    _register(_claim_id)

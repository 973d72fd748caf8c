"""Derivations of the shape of φ_γ(p) = (1 − p)^γ ln(1/p) (THEORY.md §2).

Symbols carry their domains as sympy assumptions: p > 0, γ ≥ 0, s > 0.  The
open interval p ∈ (0, 1) is reached through the bijection p = 1/(1 + s),
s ∈ (0, ∞): then 1 − p = s/(1 + s), (1 − p)/p = s and ln(1/p) = ln(1 + s), and
every factor has a sign sympy reads off the assumptions.

Each function returns a fresh, fully checked :class:`Derivation` (building one
runs every check; a failing check raises ``DerivationError``).
"""

from __future__ import annotations

import sympy as sp

from focalrd.proofs.derivation import Derivation
from focalrd.proofs.lemmas import log1p_below, power_below_one

__all__ = [
    "convex_large_gamma",
    "convex_small_gamma",
    "decreasing",
    "gap",
    "gap_bound",
    "monotone_in_gamma",
    "phi",
    "reduces_to_log",
]

p = sp.Symbol("p", positive=True)
gamma = sp.Symbol("gamma", nonnegative=True)
s = sp.Symbol("s", positive=True)

#: u = ln(1/p) and s = (1 − p)/p written in p.
u_of_p = sp.log(1 / p)
s_of_p = (1 - p) / p
#: p = 1/(1 + s) maps s ∈ (0, ∞) onto p ∈ (0, 1); r = 1 − p = s/(1 + s) ∈ (0, 1).
p_of_s = 1 / (1 + s)
r = s / (1 + s)


def phi(g: sp.Basic = gamma, at: sp.Basic = p) -> sp.Expr:
    """φ_γ(p) = (1 − p)^γ ln(1/p) as a sympy expression."""
    return (1 - at) ** g * sp.log(1 / at)


def gap(g: sp.Basic = gamma, at: sp.Basic = p) -> sp.Expr:
    """h_γ(p) = (1 − (1 − p)^γ) ln(1/p), the gap between the log loss and φ_γ."""
    return (1 - (1 - at) ** g) * sp.log(1 / at)


#: φ_γ' and φ_γ'' in the factored forms of THEORY.md §2 (A is the bracket of φ'').
phi_prime = -(1 - p) ** (gamma - 1) * (gamma * u_of_p + s_of_p)
convexity_bracket = gamma * (gamma - 1) * u_of_p + 2 * gamma * s_of_p + s_of_p**2
phi_second = (1 - p) ** (gamma - 2) * convexity_bracket
#: ∂φ_γ/∂γ.
phi_gamma_slope = (1 - p) ** gamma * sp.log(1 - p) * u_of_p


def reduces_to_log() -> Derivation:
    """[phi.reduces-to-log]: φ_0(p) = ln(1/p)."""
    proof = Derivation("phi_0 is the log loss", "phi.reduces-to-log", ("p in (0, 1]",))
    proof.substitute("set gamma = 0 in the focal profile", phi(), gamma, 0, u_of_p)
    return proof


def decreasing() -> Derivation:
    """[phi.decreasing]: φ_γ' = −(1 − p)^(γ−1)(γu + s) < 0 on (0, 1); φ_γ(1) = 0; φ_γ(0+) = ∞."""
    minus_slope_s = r ** (gamma - 1) * (gamma * sp.log(1 + s) + s)
    proof = Derivation("phi_gamma decreases from infinity to 0", "phi.decreasing",
                       ("gamma >= 0", "p in (0, 1) written as p = 1/(1+s), s > 0"))
    proof.derivative("derivative in p, with u = ln(1/p) and s = (1-p)/p", phi(), p, phi_prime)
    proof.substitute("in terms of s", phi_prime, p, p_of_s, -minus_slope_s)
    proof.positive("minus the derivative is positive, so phi decreases strictly on (0, 1)",
                   minus_slope_s,
                   [r ** (gamma - 1) * gamma * sp.log(1 + s), r ** (gamma - 1) * s])
    proof.substitute("value at p = 1", phi(), p, 1, 0)
    proof.limit("limit at p = 0 from the right", phi(), p, 0, sp.oo)
    return proof


def _second_in_s() -> tuple[sp.Expr, sp.Expr]:
    """(1 − p)^(γ−2) and A in terms of s."""
    bracket = gamma * (gamma - 1) * sp.log(1 + s) + 2 * gamma * s + s**2
    return r ** (gamma - 2), bracket


def convex_large_gamma() -> Derivation:
    """[phi.convex] for γ ≥ 1: with δ = γ − 1 ≥ 0 every term of φ_γ'' is ≥ 0, s² > 0."""
    factor, bracket = _second_in_s()
    delta = sp.Symbol("delta", nonnegative=True)
    proof = Derivation("phi_gamma is strictly convex (gamma >= 1)", "phi.convex",
                       ("p in (0, 1) written as p = 1/(1+s), s > 0",))
    proof.derivative("second derivative in p: (1-p)^(gamma-2) A", phi(), p, phi_second, order=2)
    proof.substitute("in terms of s", phi_second, p, p_of_s, factor * bracket)
    proof.positive_given(
        "with delta = gamma - 1 every term is non-negative and s^2 is positive",
        factor * bracket,
        [factor * gamma * delta * sp.log(1 + s), factor * 2 * gamma * s, factor * s**2],
        {delta: (gamma - 1, "gamma >= 1")})
    return proof


def convex_small_gamma() -> Derivation:
    """[phi.convex] for 0 ≤ γ ≤ 1: ln(1 + s) ≤ s gives A ≥ s² > 0."""
    factor, bracket = _second_in_s()
    eta = sp.Symbol("eta", nonnegative=True)
    w = sp.Symbol("w", nonnegative=True)
    rearranged = s**2 + gamma * (1 + gamma) * s + gamma * (1 - gamma) * (s - sp.log(1 + s))
    proof = Derivation("phi_gamma is strictly convex (0 <= gamma <= 1)", "phi.convex",
                       ("gamma >= 0", "p in (0, 1) written as p = 1/(1+s), s > 0"))
    proof.derivative("second derivative in p: (1-p)^(gamma-2) A", phi(), p, phi_second, order=2)
    proof.substitute("in terms of s", phi_second, p, p_of_s, factor * bracket)
    proof.identity("rearranging A around the gap s - ln(1+s)", bracket, rearranged)
    proof.positive_given(
        "with eta = 1 - gamma and w = s - ln(1+s), A is at least s^2, which is positive",
        factor * bracket,
        [factor * s**2, factor * gamma * (1 + gamma) * s, factor * gamma * eta * w],
        {eta: (1 - gamma, "gamma <= 1"), w: (s - sp.log(1 + s), log1p_below(s))})
    return proof


def monotone_in_gamma() -> Derivation:
    """[phi.monotone-in-gamma]: ∂φ_γ/∂γ = (1 − p)^γ ln(1 − p) ln(1/p) < 0 on (0, 1)."""
    minus_slope_s = r**gamma * sp.log((1 + s) / s) * sp.log(1 + s)
    proof = Derivation("phi_gamma(p) decreases strictly in gamma", "phi.monotone-in-gamma",
                       ("gamma >= 0", "p in (0, 1) written as p = 1/(1+s), s > 0"))
    proof.derivative("derivative in gamma", phi(), gamma, phi_gamma_slope)
    proof.substitute("in terms of s", phi_gamma_slope, p, p_of_s, -minus_slope_s)
    proof.positive("minus the derivative is a product of positive factors", minus_slope_s,
                   [minus_slope_s])
    return proof


def gap_bound() -> Derivation:
    """[phi.gap]: 0 ≤ ln(1/p) − φ_γ(p) = (1 − (1 − p)^γ) ln(1/p) ≤ c_γ < ∞."""
    v = sp.Symbol("v", nonnegative=True)
    c = sp.Symbol("c_gamma")
    proof = Derivation("the gap between log loss and focal loss is bounded", "phi.gap",
                       ("gamma >= 0", "p in (0, 1) written as p = 1/(1+s), s > 0"))
    proof.identity("the gap factorises", u_of_p - phi(), gap())
    proof.substitute("in terms of s", gap(), p, p_of_s, (1 - r**gamma) * sp.log(1 + s))
    proof.nonnegative_given("the gap is non-negative", (1 - r**gamma) * sp.log(1 + s),
                            [v * sp.log(1 + s)], {v: (1 - r**gamma, power_below_one(r, gamma))})
    proof.substitute("the gap vanishes at p = 1", gap(), p, 1, 0)
    proof.limit("the gap vanishes as p tends to 0", gap(), p, 0, 0)
    proof.bounded_on("so its supremum c_gamma over (0, 1] is finite", gap(), p, 0, 1, c)
    return proof

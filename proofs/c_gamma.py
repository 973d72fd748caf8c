"""Derivations for c_γ = sup_{p ∈ (0,1]} h_γ(p), h_γ(p) = (1 − (1 − p)^γ) ln(1/p) (THEORY.md §2).

* the stationarity equation S(p) = p·h_γ'(p) = 0 whose root the numeric layer
  solves (:func:`stationarity`);
* c_0 = 0 (h_0 vanishes identically) and c_1 = 1/e (h_1 = p ln(1/p) is strictly
  concave with its stationary point at 1/e);
* h_γ(p) is non-decreasing in γ for every p, hence so is c_γ.

The growth c_γ ~ ln γ is not derived here.
"""

from __future__ import annotations

import sympy as sp

from focalrd.proofs.derivation import Derivation
from focalrd.proofs.phi_shape import gamma, gap, p, p_of_s, r, s, u_of_p

__all__ = [
    "increasing_in_gamma",
    "stationarity",
    "value_at_one",
    "value_at_zero",
]

#: p·h_γ'(p); its root in (0, 1) is the maximiser p* and c_γ = h_γ(p*).
stationarity_expr = (gamma * p * (1 - p) ** (gamma - 1) * u_of_p - (1 - (1 - p) ** gamma))


def stationarity() -> Derivation:
    """The stationarity equation S(p) = γp(1 − p)^(γ−1) ln(1/p) − (1 − (1 − p)^γ) = 0."""
    slope = gamma * (1 - p) ** (gamma - 1) * u_of_p - (1 - (1 - p) ** gamma) / p
    proof = Derivation("stationarity equation of the gap", "c-gamma.values",
                       ("gamma > 0", "p in (0, 1)"))
    proof.derivative("derivative of the gap h in p", gap(), p, slope)
    proof.identity("multiplying by p > 0 gives S(p), which vanishes at the maximiser",
                   p * slope, stationarity_expr)
    return proof


def value_at_zero() -> Derivation:
    """c_0 = 0: the gap vanishes identically at γ = 0."""
    c0 = sp.Symbol("c_0")
    proof = Derivation("c_0 = 0", "c-gamma.values", ("p in (0, 1]",))
    proof.substitute("at gamma = 0 the gap is identically zero", gap(), gamma, 0, 0)
    proof.supremum("so its supremum is zero", gap(0), p, sp.Interval.Lopen(0, 1), 0, c0)
    return proof


def value_at_one() -> Derivation:
    """c_1 = 1/e: h_1(p) = p ln(1/p), stationary at p = 1/e, strictly concave."""
    h1 = p * u_of_p
    proof = Derivation("c_1 = 1/e", "c-gamma.values", ("p in (0, 1]",))
    proof.substitute("at gamma = 1 the gap is p ln(1/p)", gap(), gamma, 1, h1)
    proof.derivative("its derivative", h1, p, u_of_p - 1)
    proof.root("the only stationary point", u_of_p - 1, p, [sp.exp(-1)])
    proof.concave_maximum("strictly concave, so the stationary point is the maximum", h1, p,
                          sp.exp(-1), [1 / p])
    proof.substitute("the maximum value, attained inside (0, 1]", h1, p, sp.exp(-1),
                     sp.exp(-1))
    proof.supremum("the same supremum found by sympy's maximiser", h1, p,
                   sp.Interval.Lopen(0, 1), sp.exp(-1), sp.Symbol("c_1"))
    return proof


def increasing_in_gamma() -> Derivation:
    """c_γ is non-decreasing in γ: ∂h_γ/∂γ = −(1 − p)^γ ln(1 − p) ln(1/p) ≥ 0."""
    slope = -((1 - p) ** gamma) * sp.log(1 - p) * u_of_p
    slope_s = r**gamma * sp.log((1 + s) / s) * sp.log(1 + s)
    proof = Derivation("c_gamma is non-decreasing in gamma", "c-gamma.values",
                       ("gamma >= 0", "p in (0, 1) written as p = 1/(1+s), s > 0"))
    proof.derivative("derivative of the gap in gamma", gap(), gamma, slope)
    proof.substitute("in terms of s", slope, p, p_of_s, slope_s)
    proof.positive("positive for every p in (0, 1): each h_gamma(p), hence their supremum, "
                   "grows with gamma", slope_s, [slope_s])
    return proof

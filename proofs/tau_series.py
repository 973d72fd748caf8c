"""Derivations for the inverse τ_γ of φ_γ and the focal tilted information (THEORY.md §3).

* [tau.inverse]: φ_γ is continuous and strictly decreasing from +∞ to 0 on
  (0, 1], so φ_γ(τ) = d has exactly one root τ_γ(d) ∈ (0, 1] for every d ≥ 0.
* [tau.expansion]: t = ln(1/τ_γ(d)) solves t = d (1 − e^(−t))^(−γ).  With
  t = d + δ and x = e^(−d) this is the fixed point δ = F(δ) =
  d((1 − x e^(−δ))^(−γ) − 1).  Iterating from δ = 0 and truncating each iterate
  to a polynomial in x (d kept as a parameter) stabilises after as many rounds
  as terms are wanted; substituting the result back leaves a residual whose
  series in x starts at the first omitted power, with a coefficient polynomial
  in d — the expansion holds up to O(d^(N+1) e^(−(N+1)d)).
* [tilted.reduces-to-log]: at γ = 0, τ_0(d) = e^(−d), so ȷ_0 = ı − d.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from focalrd.proofs.derivation import Derivation, DerivationError
from focalrd.proofs.phi_shape import decreasing, gamma, p, phi

__all__ = [
    "correction_series",
    "expansion",
    "inverse",
    "log_inverse_tau_series",
    "tilted_reduces_to_log",
]

d = sp.Symbol("d", positive=True)
t = sp.Symbol("t", positive=True)
#: x stands for e^(−d); series in x keep d as a parameter.
x = sp.Symbol("x", positive=True)
delta = sp.Symbol("delta")


def _fixed_point_map(correction: sp.Expr) -> sp.Expr:
    """F(δ) = d((1 − x e^(−δ))^(−γ) − 1), the map whose fixed point is δ = t − d."""
    return d * ((1 - x * sp.exp(-correction)) ** (-gamma) - 1)


@cache
def correction_series(order: int = 3) -> sp.Expr:
    """δ = t − d as a polynomial in x = e^(−d) of degree ``order − 1`` (d a parameter).

    Found by iterating δ ↦ F(δ) from 0, each iterate truncated below x^order;
    each round fixes one more power of x.
    """
    current = sp.S.Zero
    for _ in range(order + 1):
        following = sp.expand(sp.series(_fixed_point_map(current), x, 0, order).removeO())
        if sp.expand(following - current) == 0:
            return following
        current = following
    raise DerivationError(f"the fixed-point iteration did not stabilise at order {order}")


def log_inverse_tau_series(order: int = 3) -> sp.Expr:
    """t = ln(1/τ_γ(d)) ≈ d + Σ_{k<order} a_k(d) e^(−kd), an expression in d and γ."""
    return d + correction_series(order).subs(x, sp.exp(-d))


def inverse() -> Derivation:
    """[tau.inverse]: existence and uniqueness of τ_γ(d) ∈ (0, 1] for d ≥ 0."""
    monotone = decreasing()
    proof = Derivation("phi_gamma has a unique inverse tau_gamma on [0, infinity)",
                       "tau.inverse", ("gamma >= 0", "d >= 0"))
    proof.continuous("phi_gamma is continuous on (0, 1]", phi(), p, sp.Interval.Lopen(0, 1))
    proof.substitute("it takes the value 0 at p = 1", phi(), p, 1, 0)
    proof.limit("and tends to infinity as p tends to 0", phi(), p, 0, sp.oo)
    tau_d = sp.Function("tau_gamma")(d)
    proof.lemma("strictly decreasing, so by the intermediate value theorem each d is taken "
                "exactly once", phi(at=tau_d), "=", d, monotone)
    return proof


def expansion(order: int = 3) -> Derivation:
    """[tau.expansion]: t = d + γ d e^(−d) + … up to the power e^(−(order−1)d)."""
    if order < 2:
        raise DerivationError("the expansion needs at least the orders e^0 and e^(-d)")
    proof = Derivation(f"large-d expansion of ln(1/tau_gamma(d)) ({order} terms after d)",
                       "tau.expansion", ("gamma >= 0", "d > 0", "x = exp(-d)"))
    proof.substitute("with tau = exp(-t), phi_gamma(tau) = d reads t (1 - exp(-t))^gamma = d",
                     phi(), p, sp.exp(-t), t * (1 - sp.exp(-t)) ** gamma)
    proof.identity("so with t = d + delta and x = exp(-d), delta is a fixed point of F",
                   (d * (1 - sp.exp(-(d + delta))) ** (-gamma) - d),
                   _fixed_point_map(delta).subs(x, sp.exp(-d)))
    current = sp.S.Zero
    for round_ in range(1, order + 2):
        following = sp.expand(sp.series(_fixed_point_map(current), x, 0, order).removeO())
        proof.series(f"iterate {round_} of F from delta = 0, truncated below x^{order}",
                     _fixed_point_map(current), x, 0, following, order)
        if sp.expand(following - current) == 0:
            break
        current = following
    else:
        raise DerivationError(f"{proof.title}: the iteration did not stabilise")
    correction = following
    residual = d + correction - d * (1 - x * sp.exp(-correction)) ** (-gamma)
    leading = sp.expand(sp.series(residual, x, 0, order + 1).removeO())
    coefficient = sp.expand(leading / x**order)
    if coefficient.has(x) or sp.Poly(coefficient, d).degree() > order:
        raise DerivationError(f"{proof.title}: unexpected residual {leading}")
    proof.series(f"substituted back, the residual starts at x^{order} with a coefficient "
                 f"polynomial of degree at most {order} in d", residual, x, 0, leading,
                 order + 1)
    proof.substitute("hence, as d tends to infinity", d + correction, x, sp.exp(-d),
                     log_inverse_tau_series(order))
    return proof


def tilted_reduces_to_log() -> Derivation:
    """[tilted.reduces-to-log]: τ_0(d) = e^(−d), so ȷ_0(x, d) = ı_X(x) − d."""
    information = sp.Symbol("iota", real=True)
    proof = Derivation("at gamma = 0 the tilted information is i - d", "tilted.reduces-to-log",
                       ("d >= 0",))
    proof.substitute("phi_0 at p = exp(-d) equals d", phi(0), p, sp.exp(-d), d)
    proof.lemma("so, the inverse being unique, tau_0(d) = exp(-d)",
                sp.Function("tau_0")(d), "=", sp.exp(-d), inverse())
    tau_0 = sp.Symbol("tau_0", positive=True)
    proof.substitute("hence ln(1/tau_0(d)) = d", sp.log(1 / tau_0), tau_0, sp.exp(-d), d)
    proof.substitute("and the tilted information i - ln(1/tau_0(d)) is i - d",
                     information - sp.log(1 / tau_0), tau_0, sp.exp(-d), information - d)
    return proof

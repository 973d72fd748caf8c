"""Checked derivations for THEORY.md §7 (the summary's H_γ claims) and §8 (focal-entropy shape).

* :func:`kkt_structure` — the shape of f(p) = p(1 − p)^γ behind the KKT sketch of
  [summary.hgamma-max]: f', f'' (one sign change, at 2/(γ+1)), f''' (used by the
  certified branch and bound), f'(0) = 1 and f'(p) < 1 for p > 0.
* :func:`s_gamma_decreasing` — ∂S_γ/∂γ ≤ 0 and S_0 = 1: H_γ = ln S_γ is
  non-*increasing* in γ and ≤ 0, the opposite of [summary.hgamma-monotone] and
  [summary.hgamma-nonnegative] (both hold for −H_γ).
* :func:`minimizer_ratio` — for the focal-entropy minimiser q* of P,
  q*_x / P_x = ψ_γ(q*_x) / λ with ψ_γ(q) = q|φ_γ'(q)|, ψ_γ(0+) = 1, ψ_γ(1) = 0 and
  λ = Σ_x P_x ψ_γ(q*_x): the ratio depends on x only through q*_x.
"""

from __future__ import annotations

import sympy as sp

from focalrd.proofs.derivation import Derivation, named

__all__ = [
    "focal_power",
    "kkt_structure",
    "minimizer_ratio",
    "psi",
    "s_gamma_decreasing",
]

p, gamma = sp.symbols("p gamma", positive=True)
#: Helper symbols: r stands for 1 − p (> 0 on (0, 1)); v > 0 parametrises a sub-interval.
r, v, t = sp.symbols("r v t", positive=True)


def focal_power(p_: sp.Basic = p, g: sp.Basic = gamma) -> sp.Basic:
    """f_γ(p) = p (1 − p)^γ, one summand of S_γ(P)."""
    return p_ * (1 - p_) ** g


def kkt_structure() -> Derivation:
    """f', f'', f''' of f(p) = p(1 − p)^γ and the facts the KKT sketch uses (γ > 0)."""
    d = Derivation("Shape of f(p) = p(1-p)^gamma (KKT sketch of the summary)",
                   claim_id="summary.hgamma-max",
                   assumptions=("gamma > 0", "0 < p < 1"))
    f = focal_power()
    f1 = (1 - p) ** (gamma - 1) * (1 - (gamma + 1) * p)
    f2 = gamma * (1 - p) ** (gamma - 2) * ((gamma + 1) * p - 2)
    f3 = gamma * (gamma - 1) * (1 - p) ** (gamma - 3) * (3 - (gamma + 1) * p)
    d.identity("first derivative", sp.diff(f, p), f1)
    d.identity("second derivative", sp.diff(f, p, 2), f2)
    d.identity("third derivative (its sign bounds f'' in the certified search)",
               sp.diff(f, p, 3), f3)
    d.positive("the factor gamma (1-p)^(gamma-2) of f'' is positive (r = 1 - p > 0)",
               gamma * r ** (gamma - 2))
    d.identity("so the sign of f'' is that of a line of slope gamma + 1 > 0 through "
               "p = 2/(gamma+1): exactly one sign change",
               (gamma + 1) * p - 2, (gamma + 1) * (p - 2 / (gamma + 1)))
    # Below the sign change: p = 2/((gamma+1)(1+v)) with v > 0 covers (0, 2/(gamma+1)).
    below = 2 / ((gamma + 1) * (1 + v))
    d.positive("f'' < 0 (f concave) below 2/(gamma+1): -((gamma+1)p - 2) > 0 at "
               "p = 2/((gamma+1)(1+v))",
               sp.simplify(-((gamma + 1) * below - 2)), [2 * v / (1 + v)])
    d.limit("f'(0+) = 1", f1, p, 0, sp.Integer(1))
    d.limit("f'(1-) = 0 for gamma = 1 + t > 1", f1.subs(gamma, 1 + t), p, 1, sp.Integer(0),
            direction="-")
    d.note("f'(p) < 1 = f'(0) for every p in (0, 1)", named("f'(p)", "f'(p)"), "<", sp.Integer(1),
           "f' strictly decreases on (0, 2/(gamma+1)] (f'' < 0 there, step 6), so f'(p) < f'(0) "
           "= 1 on it; on [2/(gamma+1), 1) (only when gamma > 1) f' strictly increases "
           "(f'' > 0) towards f'(1-) = 0 (step 8), so f'(p) < 0 < 1")
    d.note("hence the maximiser has full support, f'(P(x)) = lambda for every x, at most two "
           "distinct values (f' is injective on each side of 2/(gamma+1)) and at most one "
           "symbol above 2/(gamma+1) (two there could trade mass and increase S)",
           sp.Symbol("P^*"), "=", named("(1-q, q/(k-1), ..., q/(k-1))",
                                        r"\left(1-q, \tfrac{q}{k-1}, \dots, \tfrac{q}{k-1}\right)"),
           "moving mass eps from a symbol with P > 0 to one with P = 0 changes S by "
           "(f'(0) - f'(P)) eps + o(eps) > 0; a local maximum with two symbols in the convex "
           "region would have a direction e_x - e_y of positive curvature f''(P_x) + f''(P_y)")
    return d


def s_gamma_decreasing() -> Derivation:
    """S_γ(P) decreases in γ and S_0(P) = 1, so H_γ(P) = ln S_γ(P) ≤ 0 and decreases."""
    d = Derivation("S_gamma(P) = sum_x P(x)(1-P(x))^gamma decreases in gamma from S_0 = 1",
                   claim_id="summary.hgamma-monotone",
                   assumptions=("gamma >= 0", "0 < P(x) < 1 for some x"))
    q = sp.Symbol("P_x", positive=True)
    term = q * (1 - q) ** gamma
    d.derivative("derivative of one summand in gamma", term, gamma,
                 q * (1 - q) ** gamma * sp.log(1 - q))
    # 0 < P_x < 1 written as 1 - P_x = 1/(1+v) with v > 0.
    summand = (sp.diff(term, gamma)).subs(q, v / (1 + v))
    d.positive("each summand of -dS/dgamma is positive when 0 < P_x < 1 "
               "(1 - P_x = 1/(1+v), v > 0)",
               sp.expand_log(-summand, force=True),
               [v / (1 + v) * (1 + v) ** (-gamma) * sp.log(1 + v)])
    d.substitute("at gamma = 0 every summand is P_x, so S_0(P) = sum_x P(x) = 1",
                 term, gamma, 0, q)
    d.note("therefore S_gamma(P) < 1 and H_gamma(P) = ln S_gamma(P) < 0 = H_0(P) for "
           "gamma > 0, and H_gamma(P) strictly decreases in gamma",
           named("H_gamma(P)", r"H_\gamma(P)"), "<", sp.Integer(0),
           "dH/dgamma = (dS/dgamma)/S < 0 by the previous step; a point mass has "
           "S_gamma = 0 (H = -oo) for gamma > 0 and S_0 = 1")
    d.note("under the opposite sign, -H_gamma(P) = -ln S_gamma(P) is non-negative and "
           "non-decreasing in gamma", -named("H_gamma(P)", r"H_\gamma(P)"), ">=", sp.Integer(0),
           "negate the two previous steps")
    return d


def psi(q: sp.Basic, g: sp.Basic = gamma) -> sp.Basic:
    """ψ_γ(q) = q |φ_γ'(q)| = (1 − q)^(γ−1) (γ q ln(1/q) + 1 − q)."""
    return (1 - q) ** (g - 1) * (g * q * sp.log(1 / q) + 1 - q)


def minimizer_ratio() -> Derivation:
    """q*_x / P_x = ψ_γ(q*_x) / λ for the focal-entropy minimiser (KKT: P_x|φ'(q_x)| = λ)."""
    d = Derivation("Amplification ratio of the focal-entropy minimiser",
                   claim_id="focal-entropy.structure",
                   assumptions=("gamma > 0", "0 < q < 1", "P_x |phi'(q*_x)| = lambda"))
    q = p
    phi = (1 - q) ** gamma * sp.log(1 / q)
    d.identity("q |phi_gamma'(q)| = psi_gamma(q)", -q * sp.diff(phi, q), psi(q))
    d.note("KKT P_x |phi'(q*_x)| = lambda, multiplied by q*_x / (lambda P_x)",
           named("q*_x", r"q^*_x") / sp.Symbol("P_x"), "=",
           named("psi(q*_x)", r"\psi(q^*_x)") / sp.Symbol("lambda"),
           "algebra on the KKT condition of THEORY.md section 5")
    d.note("summing q*_x = P_x psi(q*_x)/lambda over x and using sum q* = 1",
           sp.Symbol("lambda"), "=", named("sum_x P_x psi(q*_x)", r"\sum_x P_x \psi(q^*_x)"),
           "algebra")
    d.limit("psi_gamma(0+) = 1", psi(q), q, 0, sp.Integer(1))
    d.limit("psi_gamma(1-) = 0 for gamma > 0", psi(q), q, 1, sp.Integer(0), direction="-")
    d.note("so a symbol is amplified (q*_x > P_x) exactly when psi(q*_x) > lambda; with psi "
           "unimodal the amplified symbols form one band of consecutive ranks",
           named("q*_x", r"q^*_x"), ">", sp.Symbol("P_x"),
           "q* preserves the order of P (|phi'| decreases); unimodality of psi is checked "
           "numerically on a grid (focalrd.numeric.entropies.structure.psi_is_unimodal)")
    return d

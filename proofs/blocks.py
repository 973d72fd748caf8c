"""Checked derivations for blocks of n symbols (THEORY.md §6).

* :func:`binary_dispersion` — [n.second-order]: V = Var[ı(X)] = p(1−p)·ln²((1−p)/p).
* :func:`normal_approximation` — [n.second-order]: from the expansion of ln K* to
  the expansion of D*_γ, through D*_0 = ln(L*)/n and the gap c_γ/n.
* :func:`excess_sandwich` — [n.excess-sandwich]: D*_0 − c_γ/n ≤ D*_γ ≤ D*_0.
* :func:`asymptotic_limits` — [asymptotic.equivalence]: both sides of each
  sandwich tend to max(H − R, 0).

Combinatorial steps are notes saying how they follow; algebra and limits are
checked by sympy.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from focalrd.proofs.derivation import Derivation, named

__all__ = [
    "H",
    "K",
    "L",
    "R",
    "V",
    "asymptotic_limits",
    "binary_dispersion",
    "excess_sandwich",
    "normal_approximation",
]

p = sp.Symbol("p", positive=True)
n = sp.Symbol("n", positive=True)
gamma = sp.Symbol("gamma", nonnegative=True)
L = sp.Symbol("L", positive=True)
H = sp.Symbol("H", positive=True)
R = sp.Symbol("R", nonnegative=True)
V = sp.Symbol("V", positive=True)
q = sp.Symbol("q", real=True)  # Q^{-1}(epsilon)
c = sp.Symbol("c_gamma", nonnegative=True)
K = sp.Symbol("K", positive=True)


@cache
def binary_dispersion() -> Derivation:
    """V = E[ı²] − (E ı)² for Bernoulli(p) equals p(1 − p) ln²((1 − p)/p)."""
    proof = Derivation("dispersion of a binary source", "n.second-order",
                       ("P(1) = p, P(0) = 1 - p, 0 < p < 1",))
    i1, i0 = sp.log(1 / p), sp.log(1 / (1 - p))
    mean = p * i1 + (1 - p) * i0
    second = p * i1**2 + (1 - p) * i0**2
    proof.identity("the mean of the information is the entropy h(p)", mean,
                   -p * sp.log(p) - (1 - p) * sp.log(1 - p))
    proof.identity("Var = E[i^2] - (E i)^2 = p(1-p)(i(1) - i(0))^2", second - mean**2,
                   p * (1 - p) * (i1 - i0) ** 2)
    proof.identity("and i(1) - i(0) = ln((1-p)/p)", i1 - i0, sp.log((1 - p) / p))
    proof.substitute("at p = 1/2 the dispersion vanishes", p * (1 - p) * sp.log((1 - p) / p) ** 2,
                     p, sp.Rational(1, 2), 0)
    return proof


@cache
def excess_sandwich() -> Derivation:
    """D*_γ = φ_γ(1/L*)/n lies between (ln L* − c_γ)/n and ln(L*)/n."""
    proof = Derivation("excess-distortion sandwich for blocks", "n.excess-sandwich",
                       ("L = L* >= 1 does not depend on gamma [n.dstar-closed-form]",
                        "c_gamma = sup_p (1 - (1-p)^gamma) ln(1/p) [phi.gap]"))
    phi_l = (1 - 1 / L) ** gamma * sp.log(L)
    proof.identity("at gamma = 0, D*_0 = phi_0(1/L)/n = ln(L)/n",
                   sp.Subs(phi_l / n, gamma, 0), sp.log(L) / n)
    w = sp.Symbol("w", nonnegative=True)
    proof.nonnegative_given("D*_0 - D*_gamma = (1 - (1 - 1/L)^gamma) ln(L)/n >= 0",
                            sp.log(L) / n - phi_l / n, [w / n],
                            {w: ((1 - (1 - 1 / L) ** gamma) * sp.log(L),
                                 "0 <= (1 - 1/L)^gamma <= 1 and ln L >= 0 for L >= 1 "
                                 "([phi.gap] at p = 1/L)")})
    g = sp.Symbol("g", nonnegative=True)
    proof.nonnegative_given("D*_gamma - (D*_0 - c/n) = (c - gap at p = 1/L)/n >= 0",
                            phi_l / n - (sp.log(L) / n - c / n), [g / n],
                            {g: (c - (1 - (1 - 1 / L) ** gamma) * sp.log(L),
                                 "the gap at p = 1/L is at most its supremum c_gamma")})
    return proof


@cache
def normal_approximation() -> Derivation:
    """From ln K* = nH + √(nV) q − ½ ln n + O(1) to D*_γ = H − R + √(V/n) q − ln n/(2n) + O(1/n)."""
    proof = Derivation("normal approximation of D*", "n.second-order",
                       ("ln K* = nH + sqrt(nV) Qinv(eps) - (1/2) ln n + O(1)",
                        "M = floor(e^{nR}): nR - ln 2 <= ln M <= nR for nR >= ln 2",))
    log_k = n * H + sp.sqrt(n * V) * q - sp.log(n) / 2
    proof.note("L* = ceil(K*/M), so ln(K*/M) <= ln L* <= ln(K*/M) + ln 2 when K* >= M",
               sp.log(L), "=", sp.log(K) - n * R + sp.Symbol("O(1)"),
               "ceil(x) lies in [x, 2x] for x >= 1, and ln M = nR + O(1)")
    proof.identity("divide by n: D*_0 = ln(L*)/n", (log_k - n * R) / n,
                   H - R + sp.sqrt(V / n) * q - sp.log(n) / (2 * n))
    proof.limit("the gamma-dependent gap c_gamma/n is O(1/n)", n * (c / n), n, sp.oo, c)
    proof.limit("the O(1) terms of ln L* contribute O(1/n)", n * (1 / n), n, sp.oo, 1)
    proof.note("hence for every gamma",
               named("D^*_gamma(n, R, epsilon)", r"D^*_\gamma(n, R, \epsilon)"), "=",
               H - R + sp.sqrt(V / n) * q - sp.log(n) / (2 * n) + sp.Symbol("O(1/n)"),
               "the sandwich [n.excess-sandwich] moves D* by at most c_gamma/n")
    return proof


@cache
def asymptotic_limits() -> Derivation:
    """Both sides of both sandwiches tend to max(H − R, 0)."""
    proof = Derivation("the limits of the sandwiches", "asymptotic.equivalence",
                       ("M = floor(e^{nR}), so nR - ln 2 <= ln M <= nR once nR >= ln 2",))
    proof.limit("the focal gap vanishes: c_gamma/n -> 0", c / n, n, sp.oo, 0)
    proof.limit("lower bound of (ln M)/n tends to R", (n * R - sp.log(2)) / n, n, sp.oo, R)
    proof.limit("upper bound of (ln M)/n is R", n * R / n, n, sp.oo, R)
    proof.limit("the dispersion term vanishes", sp.sqrt(V / n) * q, n, sp.oo, 0)
    proof.limit("the log term vanishes", sp.log(n) / (2 * n), n, sp.oo, 0)
    proof.limit("excess: the normal approximation of D*_0 tends to H - R",
                H - R + sp.sqrt(V / n) * q - sp.log(n) / (2 * n), n, sp.oo, H - R)
    proof.limit("average: the converse H - (ln M)/n - c/n tends to H - R (squeezed by the "
                "bounds on ln M)", H - (n * R - sp.log(2)) / n - c / n, n, sp.oo, H - R)
    proof.note("D* >= 0 and both sides of each sandwich converge to the same value",
               sp.Limit(named("D^*_gamma(n, R)", r"D^*_\gamma(n, R)"), n, sp.oo), "=",
               sp.Max(H - R, 0),
               "squeeze theorem on [n.excess-sandwich] and [n.avg-sandwich] (for R > H both "
               "sides are eventually 0: the excess limit is exactly 0 once M L >= K*)")
    return proof

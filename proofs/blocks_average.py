"""Checked derivation of the average-distortion sandwich for blocks (THEORY.md §6).

:func:`block_average_sandwich` supports [n.avg-sandwich] in three parts:

* the converse: R_X^n is the re-weighted source of the block problem, its
  entropy is n·H(R_X), and the one-shot converse of [avg.sandwich] (cited as a
  lemma) divided by n gives D*_γ(n, M) ≥ max(0, H − (ln M)/n − c_γ/n);
* the typical-set achievability: T = {x^n : ı(x^n) ≤ t} dealt round robin to
  M − 1 cells, T^c in one cell, uniform decoders; each uniform decoder costs
  φ_γ(1/m) ≤ ln m per unit mass ([phi.gap]);
* the limits: with M = ⌊e^(nR)⌋ and t = n(H + δ), both sides tend to
  max(H − R, 0) (sympy limits, case by case on the sign of H − R).

The one-shot analogue is :func:`focalrd.proofs.oneshot.average_sandwich`.
Counting steps (sizes of T, ceilings, the law of large numbers) are recorded as
notes that say how they follow; algebra and limits are checked by sympy.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from focalrd.proofs.derivation import Derivation, named
from focalrd.proofs.phi_shape import phi

__all__ = [
    "BUILDERS",
    "DSTAR",
    "H",
    "M",
    "R",
    "achievability_rate",
    "block_average_sandwich",
    "converse_per_symbol",
]

n = sp.Symbol("n", positive=True, integer=True)
gamma = sp.Symbol("gamma", nonnegative=True)
H = sp.Symbol("H", positive=True)               # H(R_X), nats
R = sp.Symbol("R", positive=True)               # rate, nats per symbol
M = sp.Symbol("M", positive=True, integer=True)
c = sp.Symbol("c_gamma", nonnegative=True)
t = sp.Symbol("t", real=True)                   # the typical-set threshold
k = sp.Symbol("k", positive=True, integer=True)  # alphabet size
delta = sp.Symbol("delta", positive=True)
m = sp.Symbol("m", positive=True)               # a cell size (≥ 1)
DSTAR = named("D^*_{gamma,n}(M)", r"D^*_{\gamma,n}(M)", nonnegative=True)


def converse_per_symbol(block_entropy: sp.Basic, log_m: sp.Basic, gap: sp.Basic,
                        length: sp.Basic) -> sp.Expr:
    """The one-shot converse of the n-letter problem, per symbol: (H_n − ln M − c_γ)/n."""
    return (block_entropy - log_m - gap) / length


def achievability_rate(exponent: sp.Basic, length: sp.Basic) -> sp.Expr:
    """(1/n) ln(1 + 2 e^(n·a)): the typical-set term with |T| ≤ e^t and M − 1 ≥ e^(nR)/2."""
    return sp.log(1 + 2 * sp.exp(length * exponent)) / length


def _converse(proof: Derivation) -> None:
    from focalrd.proofs.oneshot import average_sandwich

    r = sp.Symbol("r", positive=True)
    pair = (r, 1 - r)
    proof.note("the block loss (1/n) omega_n phi_gamma absorbs its weights into the "
               "product source R_X^n",
               named("E_{P^n}[omega_n(X^n) phi_gamma]",
                     r"E_{P^n}\left[\omega_n(X^n)\, \varphi_\gamma\right]"), "=",
               named("E_{R^n}[phi_gamma]", r"E_{R^n}\left[\varphi_\gamma\right]"),
               "[avg.weight-absorption] on the alphabet X^n with weighting omega_n = prod "
               "omega(x_i): R_n(x^n) = prod P(x_i) omega(x_i) = prod R_X(x_i)")
    proof.identity("the entropy of an i.i.d. pair is twice the entropy (binary instance "
                   "R = (r, 1 - r))",
                   sum(-a * b * sp.log(a * b) for a in pair for b in pair),
                   2 * (-r * sp.log(r) - (1 - r) * sp.log(1 - r)))
    proof.note("in general the block entropy H_n = H(R_X^n) is n H(R_X)", sp.Symbol("H_n"),
               "=", n * H,
               "the information of a product is the sum of the informations; take "
               "expectations (the instance above checks n = 2)")
    proof.lemma("one-shot converse [avg.sandwich] for the source R_X^n with M codewords",
                n * DSTAR, ">=", n * H - sp.log(M) - c,
                average_sandwich())
    proof.identity("per-symbol normalisation: divide by n",
                   converse_per_symbol(n * H, sp.log(M), c, n), H - sp.log(M) / n - c / n)
    proof.note("and D* >= 0 because phi_gamma >= 0", DSTAR, ">=",
               sp.Max(0, H - sp.log(M) / n - c / n),
               "omega >= 0 and phi_gamma >= 0 on (0, 1], so every code costs at least 0")


def _achievability(proof: Derivation) -> None:
    size_t, size_c = sp.Symbol("N_T", positive=True), sp.Symbol("N_{T^c}", positive=True)
    mass_t, mass_c = sp.Symbol("R_T", nonnegative=True), sp.Symbol("R_{T^c}", nonnegative=True)
    lead = sp.Symbol("L_T", positive=True)          # ceil(|T|/(M − 1))
    proof.note("T = {x^n : i(x^n) <= t}, of N_T sequences and mass R_T, dealt round robin "
               "to M - 1 cells: each holds at most L_T = ceil(N_T/(M - 1)) sequences", lead, "=",
               sp.ceiling(size_t / (M - 1)), "round robin deals one sequence to each of the "
               "M - 1 cells in turn (M >= 2)")
    proof.note("a uniform decoder on a cell A costs R(A) phi_gamma(1/|A|), and phi_gamma(1/m) "
               "grows with m (T^c: N_{T^c} sequences of mass R_{T^c})", n * DSTAR, "<=",
               mass_t * phi(gamma, 1 / lead) + mass_c * phi(gamma, 1 / size_c),
               "D* is at most the cost of this code; phi_gamma decreases in p [phi.decreasing], "
               "so a cell of T with fewer than L_T sequences costs at most phi_gamma(1/L_T) "
               "per unit mass")
    w = sp.Symbol("w", nonnegative=True)
    proof.nonnegative_given("each uniform decoder costs at most ln m: ln m - phi_gamma(1/m) "
                            "= (1 - (1 - 1/m)^gamma) ln m >= 0",
                            sp.log(m) - phi(gamma, 1 / m), [w],
                            {w: ((1 - (1 - 1 / m) ** gamma) * sp.log(m),
                                 "m >= 1, so 0 <= (1 - 1/m)^gamma <= 1 and ln m >= 0 "
                                 "([phi.gap] at p = 1/m)")})
    proof.note("every sequence of T has R^n(x^n) >= e^{-t}, and T^c has at most k^n "
               "sequences", size_t, "<=", sp.exp(t),
               "N_T e^{-t} <= R^n(T) <= 1; N_{T^c} <= |X^n| = k^n")
    proof.note("so L_T <= N_T/(M - 1) + 1 <= e^t/(M - 1) + 1 and",
               DSTAR, "<=",
               sp.log(1 + sp.exp(t) / (M - 1)) / n + mass_c * sp.log(k),
               "ceil(x) <= x + 1, ln is increasing, ln N_{T^c} <= n ln k, and divide by n")
    u = sp.Symbol("u", nonnegative=True)
    proof.nonnegative_given("with M = floor(e^{nR}): M - 1 >= e^{nR} - 2 >= e^{nR}/2",
                            (sp.exp(n * R) - 2) - sp.exp(n * R) / 2, [u],
                            {u: (sp.exp(n * R) / 2 - 2, "nR >= ln 4 (n large enough)")})
    proof.identity("with t = n(H + delta): e^t/(M - 1) <= 2 e^{n(H + delta - R)}",
                   2 * sp.exp(n * (H + delta)) / sp.exp(n * R), 2 * sp.exp(n * (H + delta - R)))


def _limits(proof: Derivation) -> None:
    a, b = sp.Symbol("a", positive=True), sp.Symbol("b", positive=True)
    eps_n = sp.Symbol("epsilon_n", nonnegative=True)
    proof.note("the atypical mass vanishes", eps_n, "->", 0,
               "R(T^c) = P[(1/n) sum_i i(X_i) > H + delta] -> 0 by the weak law of large "
               "numbers (i(X_i) i.i.d. under R_X with mean H, finite alphabet)")
    proof.limit("achievability, H + delta > R (a = H + delta - R > 0): the rate term tends "
                "to a", achievability_rate(a, n), n, sp.oo, a)
    proof.limit("achievability, H + delta < R (exponent -b < 0): it tends to 0",
                achievability_rate(-b, n), n, sp.oo, 0)
    proof.limit("achievability, H + delta = R: it tends to 0", achievability_rate(0, n),
                n, sp.oo, 0)
    proof.note("so limsup D* <= max(H + delta - R, 0) for every delta > 0, hence "
               "<= max(H - R, 0)",
               named("limsup_n D^*_{gamma,n}(R)", r"\limsup_{n} D^*_{\gamma,n}(R)"), "<=",
               sp.Max(H - R, 0), "the cases above, R(T^c) ln k -> 0, and "
               "max(x + delta, 0) <= max(x, 0) + delta with delta arbitrary")
    proof.limit("converse: ln M <= nR, so H - (ln M)/n - c/n >= H - R - c/n -> H - R",
                converse_per_symbol(n * H, n * R, c, n), n, sp.oo, H - R)
    proof.note("both sides tend to max(H - R, 0)", sp.Limit(
        named("D^*_{gamma,n}(R)", r"D^*_{\gamma,n}(R)"), n, sp.oo), "=", sp.Max(H - R, 0),
        "squeeze: liminf >= max(0, H - R) from the converse, limsup <= max(H - R, 0) from "
        "the achievability [asymptotic.equivalence]")


@cache
def block_average_sandwich() -> Derivation:
    """[n.avg-sandwich]: the block converse, the typical-set achievability and their limits."""
    proof = Derivation("average-distortion sandwich for blocks", "n.avg-sandwich",
                       ("R_X the re-weighted source, i.i.d. over the block, H = H(R_X) > 0",
                        "M >= 2 codewords; M = floor(e^{nR}) in the limits",
                        "c_gamma = sup_p (1 - (1-p)^gamma) ln(1/p) [phi.gap]"))
    _converse(proof)
    _achievability(proof)
    _limits(proof)
    return proof


#: Every derivation of this module by claim id.
BUILDERS = {"n.avg-sandwich": (block_average_sandwich,)}

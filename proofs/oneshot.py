"""Checked derivations for the one-shot limits of THEORY.md §4–5.

* :func:`list_size_argument` — [excess.exact]: why L = ⌊1/τ⌋ symbols, and no
  more, fit in one soft reconstruction, and the γ = 0 form L = ⌊e^d⌋.
* :func:`tilted_bound_chain` — [excess.tilted-bounds]: the events of both
  bounds rewritten as thresholds on P(X), the list-size budget of the
  converse, and the reduction at γ = 0.
* :func:`cell_kkt` — [focal-entropy.unique]: the stationarity condition of the
  cell problem, full support, and the closed form at γ = 0.
* :func:`weight_absorption` — [avg.weight-absorption] on a three-letter alphabet.
* :func:`log_loss_partition_cost` — [avg.exact] at γ = 0: Σ_cells F_0 = H(R) − H(f(X)).
* :func:`average_sandwich` — [avg.sandwich]: the chain D*_0 − c_γ ≤ D*_γ ≤ D*_0,
  the uniform-decoder and round-robin bounds (with the cell-mass bound checked
  on an instance) and their γ = 0 forms.

Steps that are combinatorial rather than algebraic are recorded as notes that
say how they follow; every algebraic step is checked by sympy.
"""

from __future__ import annotations

from functools import cache

import sympy as sp

from focalrd.proofs.derivation import Derivation, named
from focalrd.proofs.phi_shape import phi

__all__ = [
    "BUILDERS",
    "L",
    "M",
    "average_sandwich",
    "cell_kkt",
    "list_size_argument",
    "log_loss_partition_cost",
    "oneshot_derivations",
    "tilted_bound_chain",
    "weight_absorption",
]

gamma = sp.Symbol("gamma", nonnegative=True)
p = sp.Symbol("p", positive=True)
d = sp.Symbol("d", nonnegative=True)
tau = sp.Symbol("tau", positive=True)
L = sp.Symbol("L", positive=True, integer=True)
M = sp.Symbol("M", positive=True, integer=True)
beta = sp.Symbol("beta", positive=True)
lam = sp.Symbol("lambda", positive=True)
c = sp.Symbol("c_gamma", nonnegative=True)


@cache
def list_size_argument() -> Derivation:
    """[excess.exact]: with 1/τ = L + θ, 0 ≤ θ < 1, exactly L symbols fit."""
    theta = sp.Symbol("theta", nonnegative=True)
    eta = sp.Symbol("eta", positive=True)
    proof = Derivation("one reconstruction satisfies at most floor(1/tau) symbols", "excess.exact",
                       ("1/tau = L + theta with L = floor(1/tau) >= 1 and 0 <= theta < 1",))
    threshold = 1 / (L + theta)
    proof.nonnegative("mass 1/L reaches the threshold tau", 1 / L - threshold,
                      [theta / (L * (L + theta))])
    proof.identity("L masses 1/L form a distribution", sp.Mul(L, 1 / L, evaluate=False), 1)
    proof.positive_given("L + 1 symbols would need more than the whole mass",
                         (L + 1) * threshold - 1, [eta / (L + theta)],
                         {eta: (1 - theta, "theta = 1/tau - floor(1/tau) < 1")})
    proof.note("so M codewords satisfy at most the M L likeliest symbols, and do satisfy them",
               sp.Symbol("epsilon^*"), "=",
               1 - named("P_{(1)} + ... + P_{(ML)}", r"P_{(1)} + \dots + P_{(ML)}"),
               "each codeword is one reconstruction: the steps above bound it by L symbols and "
               "the uniform reconstruction on L symbols attains L; choosing the likeliest is "
               "optimal")
    proof.substitute("at gamma = 0 the threshold is tau_0(d) = e^{-d}", phi(gamma, p).subs(
        gamma, 0), p, sp.exp(-d), d)
    proof.identity("hence 1/tau_0(d) = e^d and L = floor(e^d) [excess.log-loss]",
                   sp.Pow(sp.exp(-d), -1, evaluate=False), sp.exp(d))
    return proof


@cache
def tilted_bound_chain() -> Derivation:
    """[excess.tilted-bounds]: events as thresholds on P(X), the converse budget, γ = 0."""
    size = sp.Symbol("|S|", positive=True)
    j = sp.log(1 / p) - sp.log(1 / tau)          # the focal tilted information at P(X) = p
    proof = Derivation("tilted-information bounds on the excess distortion",
                       "excess.tilted-bounds",
                       ("tau = tau_gamma(d) in (0, 1], L = floor(1/tau), M >= 1, beta > 0",))
    proof.identity("achievability: j - ln M - ln(tau L) = ln(1/(M L p)), so the event is "
                   "P(X) < 1/(M L)", j - sp.log(M) - sp.log(tau * L), sp.log(1 / (M * L * p)))
    proof.note("at most K symbols have probability >= 1/K, so the M L likeliest include "
               "every symbol with P(X) >= 1/(M L)", sp.Symbol("epsilon^*"), "<=",
               named("P[P(X) < 1/(M L)]", r"P\left[P(X) < \tfrac{1}{ML}\right]"),
               "K symbols of probability >= 1/K already carry mass >= 1")
    proof.identity("converse: j - ln M - beta = ln(theta/p) with theta = tau e^{-beta}/M, so "
                   "the event is P(X) <= theta", j - sp.log(M) - beta,
                   sp.log(tau * sp.exp(-beta) / (M * p)))
    proof.note("any list S of symbols satisfies P[X in S] <= P[P(X) > theta] + |S| theta",
               named("P[X in S]", r"P\left[X \in S\right]"), "<=",
               named("P[P(X) > theta]", r"P\left[P(X) > \theta\right]")
               + size * sp.Symbol("theta"),
               "split S into symbols above and at most theta; the latter carry at most theta each")
    proof.identity("with the list size M L <= M/tau the budget is e^{-beta}",
                   sp.Mul(M / tau, tau * sp.exp(-beta) / M, evaluate=False), sp.exp(-beta))
    proof.substitute("at gamma = 0 (tau = e^{-d}) the tilted information is ln(1/p) - d",
                     j, tau, sp.exp(-d), sp.log(1 / p) - d)
    proof.identity("and the achievability threshold is ln M + ln floor(e^d) - d",
                   (sp.log(M) + sp.log(tau * L)).subs(tau, sp.exp(-d)),
                   sp.log(M) + sp.log(L) - d)
    return proof


@cache
def cell_kkt() -> Derivation:
    """[focal-entropy.unique]: stationarity, full support, and the γ = 0 closed form."""
    q1, q2, q3 = sp.symbols("q1:4", positive=True)
    a1, a2, a3 = sp.symbols("a1:4", positive=True)
    u = sp.Symbol("u", positive=True)
    proof = Derivation("the cell problem: KKT conditions and uniqueness", "focal-entropy.unique",
                       ("a_x > 0; q a distribution on the support of a",))
    slope = -(1 - u) ** (gamma - 1) * (gamma * sp.log(1 / u) + (1 - u) / u)
    proof.derivative("the derivative of phi_gamma", phi(gamma, u), u, slope)
    lagrangian = sum(a * phi(gamma, q) for a, q in ((a1, q1), (a2, q2), (a3, q3))) + \
        lam * (q1 + q2 + q3 - 1)
    proof.derivative("stationarity of the Lagrangian in q_1 (three-entry instance): "
                     "a_1 |phi'(q_1)| = lambda", lagrangian, q1, a1 * slope.subs(u, q1) + lam)
    proof.limit("|phi_gamma'(0+)| is infinite, so every a_x > 0 gets q_x > 0",
                -slope, u, 0, sp.oo)
    _cite_convexity(proof)
    proof.note("a strictly convex function on the simplex has at most one minimiser",
               sp.Symbol("q^*"), "=", named("unique", r"\text{unique}"),
               "two minimisers would make their midpoint strictly better")
    total = a1 + a2 + a3
    proof.identity("at gamma = 0, q = a / sum(a) meets the condition with lambda = sum(a)",
                   sp.Subs(a1 * -slope.subs(gamma, 0), u, a1 / total), total)
    proof.identity("and F_0(a) = sum a ln(sum(a)/a)",
                   sp.Subs(sum(a * phi(gamma, a / total) for a in (a1, a2, a3)), gamma, 0),
                   sum(a * sp.log(total / a) for a in (a1, a2, a3)))
    return proof


def _cite_convexity(proof: Derivation) -> None:
    """Cite [phi.convex] (its own derivations when available)."""
    second = named("phi_gamma''(p)", r"\varphi''_\gamma(p)")
    try:
        from focalrd.proofs.phi_shape import convex_large_gamma, convex_small_gamma
        lemmas = (convex_large_gamma(), convex_small_gamma())
    except (ImportError, AttributeError):  # pragma: no cover - depends on another module
        proof.note("phi_gamma is strictly convex on (0, 1) [phi.convex]", second, ">", 0,
                   "claim phi.convex, checked by its own derivation")
        return
    for lemma in lemmas:
        proof.lemma(f"phi_gamma is strictly convex ({lemma.title})", second, ">", 0, lemma)


@cache
def weight_absorption() -> Derivation:
    """[avg.weight-absorption] on three letters: E_P[ω φ] = E_R[φ] and E_P[ω] = 1."""
    P = sp.symbols("P1:4", positive=True)
    Q = sp.symbols("Q1:4", positive=True)
    v = sp.symbols("v1:4", nonnegative=True)      # φ_γ(P̂(x)) for each x
    norm = sum(a * b for a, b in zip(P, Q, strict=True))
    omega = [b / norm for b in Q]
    R = [a * w for a, w in zip(P, omega, strict=True)]
    proof = Derivation("weights are absorbed into the source", "avg.weight-absorption",
                       ("omega = Q / sum_a P(a) Q(a)",))
    proof.identity("E_P[omega] = 1", sum(a * w for a, w in zip(P, omega, strict=True)), 1)
    proof.identity("R_X = P_X omega sums to one", sum(R), 1)
    proof.identity("E_P[omega phi] = E_R[phi] term by term",
                   sp.Add(*(sp.Mul(a, w, x, evaluate=False)
                            for a, w, x in zip(P, omega, v, strict=True)), evaluate=False),
                   sum(r * x for r, x in zip(R, v, strict=True)))
    return proof


@cache
def log_loss_partition_cost() -> Derivation:
    """[avg.exact] at γ = 0: cells {1, 2}, {3}: Σ F_0 = H(R) − H(f(X))."""
    r1, r2, r3 = sp.symbols("r1:4", positive=True)
    proof = Derivation("the log-loss cost of a partition", "avg.exact",
                       ("r1 + r2 + r3 = 1; cells {1, 2} and {3}",))
    cost = r1 * sp.log((r1 + r2) / r1) + r2 * sp.log((r1 + r2) / r2) + 0 * r3
    entropy = -r1 * sp.log(r1) - r2 * sp.log(r2) - r3 * sp.log(r3)
    cell_entropy = -(r1 + r2) * sp.log(r1 + r2) - r3 * sp.log(r3)
    proof.identity("sum of cell focal entropies at gamma = 0 equals H(R) - H(f(X))",
                   cost, entropy - cell_entropy)
    proof.note("the best decoder of a cell is its focal-entropy minimiser and every symbol "
               "is encoded to its cell", named("D^*_gamma(M)", r"D^*_\gamma(M)"), "=",
               named("min_partitions sum_m F_gamma(R|A_m)",
                     r"\min_{\text{partitions}} \sum_m F_\gamma(R|A_m)"),
               "the cost separates over codewords; within a codeword it is the cell problem")
    return proof


@cache
def average_sandwich() -> Derivation:
    """[avg.sandwich]: the converse chain, the achievability bounds and their γ = 0 forms."""
    m1, m2 = sp.symbols("m1:3", positive=True)
    F0 = sp.symbols("F0_1:4", nonnegative=True)
    t = sp.symbols("t1:6", nonnegative=True)
    r_max = sp.Symbol("r_max", positive=True)
    n = sp.Symbol("n", positive=True, integer=True)
    proof = Derivation("single-shot sandwich for average distortion", "avg.sandwich",
                       ("R a distribution; partitions into at most M cells",))
    proof.identity("pointwise: phi_0(p) - phi_gamma(p) = (1 - (1 - p)^gamma) ln(1/p)",
                   phi(0, p) - phi(gamma, p), (1 - (1 - p) ** gamma) * sp.log(1 / p))
    _cite_gap(proof)
    proof.note("hence per cell F_0(a) - c_gamma sum(a) <= F_gamma(a) <= F_0(a)",
               named("F_gamma(a)", r"F_\gamma(a)"), ">=",
               named("F_0(a)", r"F_0(a)") - c * named("sum(a)", r"\textstyle\sum_x a_x"),
               "minimise both sides of the pointwise bounds over q")
    masses = (m1, m2, 1 - m1 - m2)
    proof.identity("summed over cells of total mass one: D*_0 - c_gamma <= D*_gamma <= D*_0",
                   sum(f - c * mm for f, mm in zip(F0, masses, strict=True)), sum(F0) - c)
    proof.note("D*_0(M) = H(R) - max H(f(X)) >= H(R) - ln M", named("H(f(X))", r"H(f(X))"), "<=",
               sp.log(M), "an entropy on M values is at most ln M")
    proof.note("uniform decoder on a cell A: F_gamma(R|A) <= R(A) phi_gamma(1/|A|)",
               named("F_gamma(R|A)", r"F_\gamma(R|A)"), "<=",
               named("R(A)", r"R(A)") * phi(gamma, 1 / n),
               "the minimum is at most the value at q uniform on A")
    proof.substitute("at gamma = 0 the uniform decoder costs ln |A|", phi(0, p), p, 1 / n,
                     sp.log(n))
    # round robin with M = 2 on five sorted masses r_i = t_i + ... + t_5 (t ≥ 0)
    r = [sum(t[i:]) for i in range(5)]
    total = sum(r)
    proof.nonnegative("round robin, M = 2, five symbols: cell {1, 3, 5} has mass <= r_1 + 1/2",
                      r[0] + total / 2 - (r[0] + r[2] + r[4]))
    proof.nonnegative("and cell {2, 4} too", r[0] + total / 2 - (r[1] + r[3]))
    proof.note("in general each symbol dealt to a cell is at most the mean of the M dealt "
               "just before it, so every cell has mass <= max R + 1/M", named("R(A_m)", r"R(A_m)"),
               "<=", r_max + 1 / M, "sorted order; the instance above checks the pattern")
    proof.identity("so H(f(X)) >= ln(1/(1/M + max R)) = ln M - ln(1 + M max R)",
                   sp.log(1 / (1 / M + r_max)), sp.log(M) - sp.log(1 + M * r_max))
    proof.substitute("at gamma = 0 the gap vanishes (c_0 = 0) and the sandwich closes",
                     (1 - (1 - p) ** gamma) * sp.log(1 / p), gamma, 0, 0)
    return proof


def _cite_gap(proof: Derivation) -> None:
    """Cite [phi.gap] (its own derivation when available)."""
    claim = named("ln(1/p) - phi_gamma(p)", r"\ln\tfrac{1}{p} - \varphi_\gamma(p)")
    try:
        from focalrd.proofs.phi_shape import gap_bound
        lemma = gap_bound()
    except (ImportError, AttributeError):  # pragma: no cover - depends on another module
        proof.note("0 <= ln(1/p) - phi_gamma(p) <= c_gamma [phi.gap]", claim, "<=", c,
                   "claim phi.gap, checked by its own derivation")
        return
    proof.lemma("0 <= ln(1/p) - phi_gamma(p) <= c_gamma [phi.gap]", claim, "<=", c, lemma)


#: Every derivation of this module by claim id.
BUILDERS = {
    "excess.exact": (list_size_argument,),
    "excess.log-loss": (list_size_argument,),
    "excess.tilted-bounds": (tilted_bound_chain,),
    "focal-entropy.unique": (cell_kkt,),
    "avg.weight-absorption": (weight_absorption,),
    "avg.exact": (log_loss_partition_cost,),
    "avg.sandwich": (average_sandwich,),
}


def oneshot_derivations(claim_id: str) -> list[Derivation]:
    """The checked derivations of this module supporting ``claim_id``."""
    return [build() for build in BUILDERS[claim_id]]

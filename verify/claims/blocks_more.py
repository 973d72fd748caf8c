"""Further checks of THEORY.md §6: the Monte Carlo [n.simulation] and symbolic derivations."""

from __future__ import annotations

from fractions import Fraction as F

from mpmath import mp

from focalrd.numeric.blocks.excess import excess_distortion_exact
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.blocks.simulation import simulate_list_code
from focalrd.numeric.precision import significant
from focalrd.verify.claims._common import symbolic
from focalrd.verify.registry import CheckContext, Evidence, check

#: (source, n, rate in nats, per-symbol D, gamma): eps* well inside (0, 1) for each.
_INSTANCES = [
    ((F(9, 10), F(1, 10)), 100, F(3, 20), F(22, 100), F(2)),
    ((F(1, 2), F(3, 10), F(1, 5)), 40, F(1, 2), F(1, 2), F(1)),
    ((F(9, 10), F(1, 10)), 1000, F(3, 20), F(2, 10), F(5)),
    ((F(7, 10), F(3, 10)), 2000, F(1, 5), F(42, 100), F(1, 2)),
]
CONFIDENCE = 0.999


@check("n.simulation", level="sampled")
def simulation_interval_contains_eps_star(ctx: CheckContext) -> Evidence:
    """Seeded Monte Carlo of the optimal list code; ε* must lie in each 99.9% interval."""
    import numpy as np

    mp.dps = 20
    instances = _INSTANCES[:2] if ctx.quick else _INSTANCES
    trials = ctx.effort(2000, 20000)
    rows = []
    passed = True
    for index, (source, n, rate, d, gamma) in enumerate(instances):
        seed = ctx.seed_for(f"run {index}")  # non-negative, as numpy requires
        m = codebook_size(n, rate=rate).exact
        sim = simulate_list_code(source, n, m, d, gamma, trials, np.random.default_rng(seed),
                                 CONFIDENCE)
        eps = excess_distortion_exact(source, gamma, n, m, d)
        lo, hi = sim.interval
        inside = lo <= float(eps) <= hi
        passed = passed and inside
        rows.append({"source": [str(p) for p in source], "n": n, "rate": str(rate),
                     "D": str(d), "gamma": str(gamma), "seed": seed, "trials": trials,
                     "frequency": significant(F(sim.excess, trials), 6),
                     "interval": [f"{lo:.6g}", f"{hi:.6g}"],
                     "eps_star": significant(eps, 15),
                     "inside": inside})
    method = (f"{len(rows)} seeded Monte Carlo runs of the optimal list code, {trials} blocks "
              f"each; pass iff the exact eps* lies in every two-sided Clopper-Pearson interval "
              f"at confidence {CONFIDENCE} (chosen so that a false alarm is rare: about "
              f"{len(rows)} in 1000 runs when the claim holds)")
    if passed:
        return Evidence.sampled(method, True, len(rows) * trials, runs=rows)
    return Evidence.sampled(method, False, len(rows) * trials,
                            counterexample=next(r for r in rows if not r["inside"]), runs=rows)


@check("n.second-order", level="symbolic")
def second_order_symbolic(ctx: CheckContext) -> Evidence:
    from focalrd.proofs import blocks

    return symbolic("binary dispersion from Var[i(X)] and the normal approximation of D* from "
                    "the expansion of ln K* (sympy-checked algebra and limits)",
                    blocks.binary_dispersion, blocks.normal_approximation)


@check("n.excess-sandwich", level="symbolic")
def excess_sandwich_symbolic(ctx: CheckContext) -> Evidence:
    from focalrd.proofs import blocks

    return symbolic("D*_0 - c/n <= D*_gamma <= D*_0 from D* = phi(1/L*)/n and the phi gap",
                    blocks.excess_sandwich)


@check("asymptotic.equivalence", level="symbolic")
def asymptotic_symbolic(ctx: CheckContext) -> Evidence:
    from focalrd.proofs import blocks

    return symbolic("limits of both sides of the sandwiches computed by sympy",
                    blocks.asymptotic_limits)

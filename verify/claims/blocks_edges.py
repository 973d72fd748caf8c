"""Edge branches of THEORY.md §6 (issue 22): ε near 0 and near 1, equiprobable sources.

* ``[n.second-order]`` at ε = 10^-10, 10^-80, 1 − 10^-10, 1 − 10^-80: Q^{-1}(ε)
  against :func:`._independent.inverse_q_tails` (a root search on ln Q, with
  Q^{-1}(1 − ε) = −Q^{-1}(ε) formed from the exact 1 − ε), the normal approximation
  against H − R + √(V/n) Q^{-1}(ε) − ln n/(2n) from the independent parts, and
  D*_γ = φ_γ(1/L*)/n against the independent best-first count, both in the exact engine
  (n = 200) and past it (n = 6000).  At ε = 10^-80 the guard bits of the library's
  Q^{-1} and of its fixed-point scans (which must resolve a mass of 1 − 10^-80) are
  what is tested; at 30 digits 1 − 10^-80 itself rounds to 1.
* ``[n.dstar-closed-form]`` for an equiprobable source (one distinct probability, the
  closed form K* = ⌈(1 − ε) k^n⌉): against the same count, at n = 5 and n = 60.

Tolerances: Q^{-1} and the normal approximation are sums of a few terms each rounded
once, so 2^(4−prec)(|value| + |terms|); D* is one rounding, 2^(2−prec)|D*|.
"""

from __future__ import annotations

from fractions import Fraction as F

from mpmath import mp

from focalrd.numeric.blocks.excess import distortion_limit
from focalrd.numeric.blocks.normal import inverse_q, normal_approximation
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.precision import significant
from focalrd.verify.claims import _independent as ref
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

_EXTREME_EPS = (F(1, 10**10), F(1, 10**80), 1 - F(1, 10**10), 1 - F(1, 10**80))


def _eps_text(eps: F) -> str:
    if eps < F(1, 2):
        return f"1e-{len(str(eps.denominator)) - 1}"
    return f"1 - 1e-{len(str(eps.denominator)) - 1}"


@check("n.second-order", level="exhaustive")
def extreme_excess_probabilities(ctx: CheckContext) -> Evidence:
    """Q^{-1}, the normal approximation and D* at ε = 10^-10, 10^-80 and 1 minus those."""
    mp.dps = ctx.dps
    instances = 0
    failed = None
    binary, skewed = (F(9, 10), F(1, 10)), (F(99, 100), F(1, 100))
    for eps in _EXTREME_EPS:
        label = _eps_text(eps)
        try:
            z = inverse_q(eps)
            value = normal_approximation(binary, 1000, F(1, 5), eps)
        except InvalidInputError as error:
            failed = {"eps": label, "refused": str(error)}
            break
        with mp.workdps(ctx.dps + 15):
            z_ref = ref.inverse_q_tails(eps)
            expected = (ref.entropy(binary) - ref.number(F(1, 5)) + mp.sqrt(
                ref.dispersion(binary) / 1000) * z_ref - mp.log(1000) / 2000)
        instances += 2
        if abs(z - z_ref) > mp.ldexp(abs(z_ref) + 1, 4 - mp.prec):
            failed = {"eps": label, "Qinv": [significant(z, 20), significant(z_ref, 20)]}
            break
        if abs(value - expected) > mp.ldexp(abs(expected) + 2, 4 - mp.prec):
            failed = {"eps": label, "normal_approximation": [significant(value, 20),
                                                             significant(expected, 20)]}
            break
        for source, n, gamma in ((binary, 200, F(2)), (skewed, 6000, F(1, 2))):
            k = ref.least_count_best_first(source, n, eps)
            with mp.workdps(ctx.dps + 15):
                exact = ref.phi(gamma, F(1, k)) / n
            result = distortion_limit(source, gamma, n, 1, eps)
            instances += 1
            if abs(result.value - exact) > mp.ldexp(abs(exact), 2 - mp.prec) + mp.ldexp(
                    1, -mp.prec - 8) or (result.K is not None and result.K != k):
                failed = {"eps": label, "source": [str(p) for p in source], "n": n,
                          "gamma": str(gamma), "K": [result.K, k if k < 10**30 else None],
                          "D": [significant(result.value, ctx.dps),
                                significant(exact, ctx.dps)]}
                break
        if failed:
            break
    if failed:
        return Evidence.exhaustive("Q^-1, normal approximation and D* at extreme eps", False,
                                   instances, counterexample=failed)
    return Evidence.exhaustive(
        "eps = 1e-10, 1e-80, 1 - 1e-10, 1 - 1e-80: Q^-1(eps) equals an independent root "
        "search on ln Q (Q^-1(1 - eps) = -Q^-1(eps), the exact 1 - eps), the normal "
        "approximation of P = (9/10, 1/10), n = 1000, R = 1/5 equals H - R + sqrt(V/n) Q^-1 - "
        "ln n/(2n) from independent parts (to 2^(4-prec)), and D* (M = 1) equals "
        "phi_gamma(1/K*)/n with K* from an independent exact count, for (9/10, 1/10) at "
        "n = 200 (exact enumeration) and (99/100, 1/100) at n = 6000 (past it)", True,
        instances)


@check("n.dstar-closed-form", level="exhaustive")
def equiprobable_sources(ctx: CheckContext) -> Evidence:
    """K* = ⌈(1 − ε)k^n⌉ for an equiprobable source (the closed-form branch), and D*."""
    mp.dps = ctx.dps
    cases = [((F(1, 3),) * 3, 5, F(1, 10), 2, F(2)), ((F(1, 2), F(1, 2)), 60, F(1, 3), 7, F(0)),
             ((F(1, 4),) * 4, 7, F(1, 2), 1, F(1, 2)), ((F(1, 2), F(1, 2)), 1, F(1, 3), 1, F(3))]
    for index, (source, n, eps, m, gamma) in enumerate(cases):
        k = ref.least_count_best_first(source, n, eps)
        ell = ref.list_size(k, m)
        with mp.workdps(ctx.dps + 15):
            exact = ref.phi(gamma, F(1, ell)) / n
        result = distortion_limit(source, gamma, n, m, eps)
        if (result.K, result.L) != (k, ell) or abs(result.value - exact) > mp.ldexp(
                abs(exact), 2 - mp.prec) + mp.ldexp(1, -mp.prec - 8):
            return Evidence.exhaustive(
                "equiprobable sources against an exact count", False, index + 1,
                counterexample={"source": [str(p) for p in source], "n": n, "eps": str(eps),
                                "M": m, "gamma": str(gamma), "K": [result.K, k],
                                "L": [result.L, ell],
                                "D": [significant(result.value, 20), significant(exact, 20)]})
    return Evidence.exhaustive(
        f"{len(cases)} equiprobable sources (3 symbols n = 5, 2 symbols n = 60 and n = 1, "
        "4 symbols n = 7, where (1 - eps) k^n = 8192 is an integer): K*, L* and D* equal an "
        "independent exact count", True, len(cases))

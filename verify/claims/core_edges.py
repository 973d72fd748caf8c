"""Edge branches of the core quantities that no sampled check reaches (issue 22).

Each check compares the library with a value obtained without it: a limit derived
here in closed form with an explicit remainder bound, :mod:`._independent`
(mpmath from the definitions), scipy's float64 normal quantile (Cephes ``ndtri``,
a second implementation) or a published value.

* ``[phi.decreasing]``, ``[phi.convex]``: φ_γ'(1) and φ_γ''(1), which the library
  returns as limits (samples only come from the open interval), against the
  independent derivatives at p = 1 − w with the remainder bounded below.
* ``[n.second-order]``: Q^{-1}(ε) for ε from 10^-300 to 1 − 10^-80, whose guard
  bits only matter in the tails (the sampled checks draw ε ≥ 0.05), and the normal
  approximation at such ε.
* ``[summary.hgamma-max]``: the maximiser that the formula and the global search
  report is a distribution on k symbols, sorted, and ln S_γ at it is the value.
* ``[phi.reduces-to-log]``, ``[tau.inverse]``, ``[c-gamma.values]``: ``focalrd eval
  focal-loss | tau | c-gamma --bits`` against nats ÷ ln 2 (and d in bits read as
  d·ln 2) from the independent functions.
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.normal import inverse_q, normal_approximation
from focalrd.numeric.entropies.hgamma import hgamma_max_formula, hgamma_max_search
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.phi import phi_prime, phi_second
from focalrd.verify.claims import _independent as reference
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

#: γ values of the limit checks: 0 and 1 (their own branches), integers, non-integers.
LIMIT_GAMMAS = tuple(Fraction(g) for g in ("0", "1/4", "1/2", "1", "3/2", "2", "5/2", "7"))


def _text(x: Any, digits: int = 15) -> str:
    return mpmath.nstr(x, digits) if isinstance(x, mpmath.mpf) else str(x)


def _near_one(dps: int) -> Fraction:
    """The w of the limit checks: 1 − w is 10^-(dps + 10) below 1."""
    return Fraction(1, 10 ** (dps + 10))


def _limit_rows(ctx: CheckContext, library, independent, limit, leading) -> tuple[dict, list]:
    """Compare library(γ, 1) with ``limit(γ)`` and independent(γ, 1 − w) with
    ``leading(γ, w)`` = (leading term, remainder bound) for every γ of LIMIT_GAMMAS."""
    dps = max(ctx.dps, 20)
    w = _near_one(dps)
    rows, failures = {}, []
    for gamma in LIMIT_GAMMAS:
        with mp.workdps(dps + 30):
            got = library(gamma, 1)
            near = independent(gamma, 1 - w)
            lead, remainder = leading(reference.number(gamma), reference.number(w), gamma)
            expected = limit(gamma)
            at_one = got == expected if mp.isinf(expected) else \
                abs(got - expected) <= mp.mpf(10) ** -dps
            derived = abs(near - lead) <= remainder
        rows[str(gamma)] = _text(got)
        if not (at_one and derived):
            failures.append({"gamma": str(gamma), "library_at_1": _text(got),
                             "limit": _text(expected), "independent_at_1_minus_w": _text(near),
                             "leading_term": _text(lead), "remainder_bound": _text(remainder),
                             "w": f"1e-{dps + 10}"})
    return rows, failures


# -- [phi.decreasing]: phi' at p = 1 -------------------------------------------------------
def _prime_limit(gamma: Fraction) -> mpmath.mpf:
    return mp.mpf(-1) if gamma == 0 else mp.zero


def _prime_leading(g: mpmath.mpf, w: mpmath.mpf, gamma: Fraction):
    return -(g + 1) * w**g, (g + 2) * w ** (g + 1)


@check("phi.decreasing", level="reference")
def phi_prime_at_one(ctx: CheckContext) -> Evidence:
    """φ_γ'(1) against its limit, derived with a remainder bound and confirmed independently.

    With w = 1 − p ≤ 1/2, u = ln(1/p) = w + r_u, 0 ≤ r_u ≤ w², and s = (1 − p)/p =
    w + r_s, 0 ≤ r_s ≤ 2w², so φ_γ'(1 − w) = −w^(γ−1)(γu + s) = −(γ + 1)w^γ + r with
    |r| ≤ (γ + 2)w^(γ+1): the limit is −1 at γ = 0 and 0 for γ > 0.  The library's
    φ_γ'(1) must be that limit (to 10^-dps); the independent φ_γ'(1 − w) must lie
    within the remainder of the leading term (which confirms the derivation).
    """
    rows, failures = _limit_rows(ctx, phi_prime, reference.phi_prime, _prime_limit,
                                 _prime_leading)
    return Evidence.reference(
        "phi_gamma'(1) equals lim_{w->0} phi_gamma'(1 - w) = -1 at gamma = 0 and 0 for gamma "
        "> 0, derived from phi_gamma'(1 - w) = -(gamma+1) w^gamma + r, |r| <= (gamma+2) "
        "w^(gamma+1), which the independent phi_gamma' satisfies at w = 1e-(dps+10)",
        not failures, counterexample=failures[0] if failures else None,
        gammas=[str(g) for g in LIMIT_GAMMAS], values_at_1=rows)


# -- [phi.convex]: phi'' at p = 1 ----------------------------------------------------------
def _second_limit(gamma: Fraction) -> mpmath.mpf:
    if gamma == 0:
        return mp.one
    if gamma < 1:
        return mp.inf
    return mp.mpf(2) if gamma == 1 else mp.zero


def _second_leading(g: mpmath.mpf, w: mpmath.mpf, gamma: Fraction):
    if gamma == 0:          # phi_0'' = 1/p^2 = 1/(1 - w)^2
        return mp.one, 3 * w
    return g * (g + 1) * w ** (g - 1), (abs(g * (g - 1)) + 4 * g + 4) * w**g


@check("phi.convex", level="reference")
def phi_second_at_one(ctx: CheckContext) -> Evidence:
    """φ_γ''(1) against its limit, derived with a remainder bound and confirmed independently.

    With w = 1 − p ≤ 1/10 and u, s as for φ', A = γ(γ−1)u + 2γs + s² = γ(γ+1)w + r with
    |r| ≤ (|γ(γ−1)| + 4γ + 4)w² (u − w ≤ w², s − w ≤ 2w², s² ≤ 4w²), so
    φ_γ''(1 − w) = w^(γ−2)A is γ(γ+1)w^(γ−1) within (|γ(γ−1)| + 4γ + 4)w^γ: the limit
    is 2 at γ = 1, 0 for γ > 1 and +∞ for 0 < γ < 1; at γ = 0, φ_0'' = 1/p² is
    within 3w of 1.
    """
    rows, failures = _limit_rows(ctx, phi_second, reference.phi_second, _second_limit,
                                 _second_leading)
    return Evidence.reference(
        "phi_gamma''(1) equals lim_{w->0} phi_gamma''(1 - w): 1 at gamma = 0, 2 at gamma = 1, "
        "0 for gamma > 1, +infinity for 0 < gamma < 1, from phi_gamma''(1 - w) = "
        "gamma(gamma+1) w^(gamma-1) + r, |r| <= (|gamma(gamma-1)| + 4 gamma + 4) w^gamma, "
        "which the independent phi_gamma'' satisfies at w = 1e-(dps+10)", not failures,
        counterexample=failures[0] if failures else None,
        gammas=[str(g) for g in LIMIT_GAMMAS], values_at_1=rows)


# -- [n.second-order]: Q^{-1} in the tails ---------------------------------------------------
#: ε of the tail check: both tails down to 10^-300 and 1 − 10^-80, the two published
#: quantiles below, 1/2 (where Q^{-1} is 0) and 9/10.
TAIL_EPSILONS = tuple(Fraction(e) for e in ("1e-300", "1e-80", "1e-10", "1/40", "1/20", "1/2",
                                             "9/10")) + (1 - Fraction(1, 10**10),
                                                         1 - Fraction(1, 10**80))
#: Published quantiles of the standard normal, Q^{-1}(0.05) and Q^{-1}(0.025) (the one-sided
#: 95 % and 97.5 % points of every statistics table), as commonly quoted to 16 digits; a quoted
#: value may be truncated rather than rounded, so one unit of its last digit is allowed.
PUBLISHED_QUANTILES = {Fraction(1, 20): "1.644853626951472", Fraction(1, 40): "1.959963984540054"}


def _short(eps: Fraction) -> str:
    if eps < Fraction(1, 1000):
        return f"1e-{len(str(eps.denominator)) - 1}"
    if eps > Fraction(999, 1000):
        return f"1 - 1e-{len(str(eps.denominator)) - 1}"
    return str(eps)


@check("n.second-order", level="reference")
def inverse_q_tails(ctx: CheckContext) -> Evidence:
    """Q^{-1}(ε) from ε = 10^-300 to 1 − 10^-80 against three independent values.

    (1) :func:`._independent.inverse_q`, a root search on ln Q(x) = ln ε (no erfinv)
    at dps + 15 digits, to a relative 10^-(dps − 2) (absolute at ε = 1/2, where the
    value is 0); (2) scipy's ``ndtri`` (Cephes, float64) to a relative 10^-13; (3) the
    published 16-digit values of Q^{-1}(0.05) and Q^{-1}(0.025).  And the normal
    approximation H − R + √(V/n) Q^{-1}(ε) − ln n/(2n) at those ε for one source,
    against the same formula from the independent H, V and Q^{-1}.
    """
    from scipy.special import ndtri

    dps = max(ctx.dps, 20)
    failures, values = [], {}
    source, n, rate = (Fraction(9, 10), Fraction(1, 10)), 1000, Fraction(1, 5)
    for eps in TAIL_EPSILONS:
        with mp.workdps(dps):
            try:
                got = inverse_q(eps)
                normal = normal_approximation(source, n, rate, eps)
            except InvalidInputError as refusal:   # every eps in (0, 1) is valid
                failures.append({"eps": _short(eps), "refused": str(refusal)})
                continue
        with mp.workdps(dps + 15):
            expected = reference.inverse_q(eps)
            error = abs(got - expected) / max(abs(expected), mp.one)
            formula = (reference.entropy(source) - reference.number(rate)
                       + mp.sqrt(reference.dispersion(source) / n) * expected
                       - mp.log(n) / (2 * n))
            normal_error = abs(normal - formula) / max(abs(formula), mp.one)
        tail = min(eps, 1 - eps)
        cephes = -float(ndtri(float(tail))) if eps < Fraction(1, 2) else (
            float(ndtri(float(1 - eps))) if eps > Fraction(1, 2) else 0.0)
        float_error = abs(float(got) - cephes) / max(abs(cephes), 1.0)
        values[_short(eps)] = _text(got, 20)
        published = PUBLISHED_QUANTILES.get(eps)
        with mp.workdps(dps + 15):  # not at the session's precision (verify --dps 10)
            published_ok = (published is None
                            or abs(got - mp.mpf(published)) <= mp.mpf(10) ** -15)
        tolerance = mp.mpf(10) ** -(dps - 2)
        if not (error <= tolerance and normal_error <= tolerance and float_error <= 1e-13
                and published_ok):
            failures.append({"eps": _short(eps), "library": _text(got, 25),
                             "independent": _text(expected, 25), "scipy_ndtri": repr(cephes),
                             "published": published, "normal_approximation": _text(normal),
                             "independent_formula": _text(formula)})
    return Evidence.reference(
        f"Q^-1(eps) for {len(TAIL_EPSILONS)} eps from 1e-300 to 1 - 1e-80 against an "
        "independent root search on ln Q = ln eps (to 1e-(dps-2) relative), scipy's float64 "
        "ndtri (1e-13) and the published Q^-1(0.05) = 1.644853626951472, Q^-1(0.025) = "
        "1.959963984540054 (to 1e-15); every eps accepted (none refused as outside (0, 1)); "
        "the normal approximation at each eps (P = (9/10, 1/10), n = "
        "1000, R = 1/5) against H - R + sqrt(V/n) Q^-1 - ln n/(2n) from independent H, V",
        not failures, counterexample=failures[0] if failures else None, quantiles=values)


# -- [summary.hgamma-max]: the reported maximiser --------------------------------------------
_MAXIMISER_CASES = ((2, Fraction(1, 2)), (3, Fraction(3)), (5, Fraction(20)), (4, Fraction(7, 2)))


def _maximiser_problems(k: int, gamma: Fraction, result: Any) -> list[str]:
    """What is wrong with ``result.maximizer`` as the maximiser behind ``result.value``."""
    p = result.maximizer
    if p is None or len(p) != k:
        return [f"the maximiser has {None if p is None else len(p)} entries, not {k}"]
    problems = []
    with mp.workdps(mp.dps + 30):
        unit = mp.mpf(10) ** -(mp.dps - 30 - 3)
        g = reference.number(gamma)
        if any(x < 0 for x in p):
            problems.append("a negative entry")
        if abs(mp.fsum(p) - 1) > k * unit:
            problems.append(f"entries sum to {_text(mp.fsum(p))}")
        if any(a < b for a, b in zip(p, p[1:], strict=False)):
            problems.append("not sorted in decreasing order")
        # S_gamma at the reported point, summed here from its definition
        s = mp.fsum(x * (1 - x) ** g for x in p if x > 0)
        if abs(mp.log(s) - result.value) > unit * (1 + abs(result.value)):
            problems.append(f"ln S_gamma at the maximiser is {_text(mp.log(s))}, the value "
                            f"{_text(result.value)}")
        if abs(s - result.s_value) > unit * s:
            problems.append("s_value is not S_gamma at the maximiser")
        if result.d is not None:
            q, d = result.q, result.d
            family = sorted([1 - q] + [q / d] * d + [mp.zero] * (k - 1 - d), reverse=True)
            if max(abs(a - b) for a, b in zip(family, p, strict=True)) > unit:
                problems.append("the maximiser is not (1 - q, q/d, ..., q/d) for the reported "
                                "d and q")
    return problems


@check("summary.hgamma-max", level="reference")
def maximiser_is_a_distribution(ctx: CheckContext) -> Evidence:
    """The formula's and the search's maximiser: a sorted distribution on k symbols where
    ln S_γ, summed here from the definition, equals the reported value."""
    failures = []
    with mp.workdps(max(ctx.dps, 20)):
        for k, gamma in _MAXIMISER_CASES:
            for name, result in (("formula", hgamma_max_formula(k, gamma)),
                                 ("search", hgamma_max_search(k, gamma, starts=8,
                                                              seed=ctx.seed_for("search")))):
                problems = _maximiser_problems(k, gamma, result)
                if problems:
                    failures.append({"k": k, "gamma": str(gamma), "method": name,
                                     "problems": problems,
                                     "maximizer": [_text(x) for x in result.maximizer or ()]})
    return Evidence.reference(
        "for (k, gamma) in " + str([(k, str(g)) for k, g in _MAXIMISER_CASES]) + ", the "
        "maximiser reported by the two-level formula and by the global search has k "
        "non-negative entries summing to 1 in decreasing order, ln S_gamma at it (summed "
        "from the definition at dps + 30) equals the reported value and S the reported "
        "s_value, and the formula's is (1 - q, q/d, ..., q/d) for its own (d, q)",
        not failures, counterexample=failures[0] if failures else None,
        instances=2 * len(_MAXIMISER_CASES))


# -- --bits of `focalrd eval focal-loss | tau | c-gamma` -------------------------------------
_EVAL_DPS = 20


def _eval(name: str, **arguments: Any) -> dict[str, Any]:
    from focalrd.verify.commands.eval import evaluate
    from focalrd.verify.quantities import discover_quantities

    quantity = next(q for q in discover_quantities() if q.name == name)
    args = argparse.Namespace(dps=str(_EVAL_DPS), **{k: str(v) if not isinstance(v, bool)
                                                    else v for k, v in arguments.items()})
    return evaluate(quantity, args)


def _printed_close(printed: str, expected: mpmath.mpf) -> bool:
    """A value printed with _EVAL_DPS significant digits is within 10^(1−N) of ``expected``."""
    with mp.workdps(_EVAL_DPS + 20):
        return abs(mp.mpf(printed) - expected) <= mp.mpf(10) ** (1 - _EVAL_DPS) * abs(expected)


_BITS_CASES = ((Fraction(0), Fraction(1, 3)), (Fraction(2), Fraction(1, 3)),
               (Fraction(5, 2), Fraction(7, 100)))


@check("phi.reduces-to-log", level="reference")
def focal_loss_in_bits(ctx: CheckContext) -> Evidence:
    """``eval focal-loss --bits`` prints φ_γ(p)/ln 2: log₂(1/p) at γ = 0."""
    failures = []
    for gamma, p in _BITS_CASES:
        printed = _eval("focal-loss", gamma=gamma, p=p, bits=True)["value"]
        with mp.workdps(_EVAL_DPS + 20):
            expected = (mp.log(p.denominator, 2) - mp.log(p.numerator, 2) if gamma == 0
                        else reference.phi(gamma, p) / mp.ln2)
        if not _printed_close(printed, expected):
            failures.append({"gamma": str(gamma), "p": str(p), "printed": printed,
                             "expected_bits": _text(expected, 22)})
    return Evidence.reference(
        "focalrd eval focal-loss --bits prints phi_gamma(p) / ln 2 (log2(1/p) at gamma = 0, "
        "the independent phi otherwise) to its 20 printed digits", not failures,
        counterexample=failures[0] if failures else None, instances=len(_BITS_CASES))


@check("tau.inverse", level="reference")
def tau_with_distortion_in_bits(ctx: CheckContext) -> Evidence:
    """``eval tau --bits --distortion d`` prints τ_γ(d·ln 2) (d in bits), e.g. 2^-d at γ = 0."""
    failures = []
    for gamma, d in ((Fraction(0), Fraction(3, 2)), (Fraction(2), Fraction(3)),
                     (Fraction(1, 2), Fraction(1, 10))):
        printed = _eval("tau", gamma=gamma, distortion=d, bits=True)["value"]
        with mp.workdps(_EVAL_DPS + 20):
            expected = (mp.power(2, -reference.number(d)) if gamma == 0
                        else reference.tau(gamma, reference.number(d) * mp.ln2))
        if not _printed_close(printed, expected):
            failures.append({"gamma": str(gamma), "d_bits": str(d), "printed": printed,
                             "expected": _text(expected, 22)})
    return Evidence.reference(
        "focalrd eval tau --bits reads the distortion in bits: it prints tau_gamma(d ln 2) "
        "(2^-d at gamma = 0; the independent root otherwise) to its 20 digits", not failures,
        counterexample=failures[0] if failures else None, instances=3)


@check("c-gamma.values", level="reference")
def c_gamma_in_bits(ctx: CheckContext) -> Evidence:
    """``eval c-gamma --bits`` prints c_γ/ln 2 (1/(e ln 2) at γ = 1) and the same maximiser."""
    failures = []
    for gamma in (Fraction(1), Fraction(3)):
        bits = _eval("c-gamma", gamma=gamma, bits=True)
        nats = _eval("c-gamma", gamma=gamma, bits=False)
        with mp.workdps(_EVAL_DPS + 20):
            value = mp.exp(-1) if gamma == 1 else reference.c_gamma(gamma)
            expected = value / mp.ln2
        if not (_printed_close(bits["value"], expected) and _printed_close(nats["value"], value)
                and bits["maximizer"] == nats["maximizer"]):
            failures.append({"gamma": str(gamma), "printed_bits": bits["value"],
                             "printed_nats": nats["value"], "expected_bits": _text(expected, 22),
                             "maximizer_bits": bits["maximizer"],
                             "maximizer_nats": nats["maximizer"]})
    return Evidence.reference(
        "focalrd eval c-gamma --bits prints c_gamma / ln 2 (1/(e ln 2) at gamma = 1, the "
        "independent maximisation at gamma = 3) and the same maximiser p* as in nats",
        not failures, counterexample=failures[0] if failures else None, instances=2)

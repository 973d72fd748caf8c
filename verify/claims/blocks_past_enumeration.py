"""Checks of THEORY.md §6 where the library leaves exact enumeration (issue 22).

Past :func:`focalrd.numeric.blocks.classes.exact_feasible` (a binary source with
denominator 100 at n > 5345, a ternary one at n > 385) K* and ε* come from the
fixed-point lattice scans and the average-distortion achievability from the
window of classes of ``binary_average``.  The sandwich checks compare D*_γ with
D*_0 there, and both share the same K*, so a wrong K* would go unnoticed; these
checks compare with exact counts instead:

* K*, from :func:`._independent.least_count_best_first` (the type classes popped
  from a max-heap in exact integers: only the classes above the crossing are
  formed, so n = 6000 costs a few hundred big-integer products), exactly when the
  library reports K* exactly (it does below 2^(prec+24)), else ln K* to the
  rounding 2^(2−prec)·ln K* of one logarithm;
* ε* = 1 − (mass of the M·L most likely sequences), from
  :func:`._independent.uncovered_mass_best_first` in exact rationals, to a relative
  2^(4−prec) (the library's value is confirmed to the working precision);
* the typical-set achievability min_a f(a)/n, from
  :func:`._independent.binary_round_robin_minimum`, a brute force over every class
  boundary a = 0 … n + 1 with exact binomials and exact ceilings ⌈|T_a|/(M − 1)⌉,
  to a relative 2^(2−prec) (both rounded once; the library's error bound is
  2^-(prec+12) of the value).
"""

from __future__ import annotations

from fractions import Fraction as F

import mpmath
from mpmath import mp

from focalrd.numeric.blocks.average import average_achievability
from focalrd.numeric.blocks.classes import exact_feasible
from focalrd.numeric.blocks.excess import (
    distortion_limit,
    excess_distortion_exact,
    least_count,
)
from focalrd.numeric.blocks.grouping import codebook_size, group_source
from focalrd.numeric.precision import significant
from focalrd.verify.claims import _independent as ref
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

_SKEWED = (F(99, 100), F(1, 100))
_TERNARY = (F(97, 100), F(2, 100), F(1, 100))
_NEAR_ONE = 1 - F(1, 10**20)

#: (source, n, M, eps, gammas): every n past exact enumeration.  ε = 1 − 10^-20 makes
#: K* small (the lattice engine then reports it exactly: C(6000, ≤ 4) + part of the
#: next class for the binary source, K* = 1 for the ternary one, whose most likely
#: sequence already has mass 0.97^500 ≈ 2.4e-7 ≥ 10^-20).
_COUNT_CASES = [
    (_SKEWED, 6000, 1, F(1, 10), (F(0), F(2))),
    (_SKEWED, 6000, 1, _NEAR_ONE, (F(1, 2),)),
    (_SKEWED, 6000, 1000, _NEAR_ONE, (F(3),)),
    (_TERNARY, 500, 1, F(1, 10), (F(0), F(5, 2))),
    (_TERNARY, 500, 1, _NEAR_ONE, (F(2),)),
]
_MORE_COUNT_CASES = [
    (_SKEWED, 20000, 7, F(1, 2), (F(1),)),
    ((F(7, 10), F(3, 10)), 12000, 1, F(1, 100), (F(0), F(4))),
    (_TERNARY, 800, 3, F(1, 3), (F(1),)),
]

#: (source, n, M, per-symbol D, gamma) for ε* past enumeration.
_EXCESS_CASES = [
    (_SKEWED, 6000, 3, F(1, 100), F(2)),
    (_TERNARY, 500, 1, F(1, 20), F(1)),
]
_MORE_EXCESS_CASES = [(_SKEWED, 20000, 10**6, F(1, 2000), F(0))]   # L = floor(e^10)


def _text(source) -> list[str]:
    return [str(p) for p in source]


def _past_enumeration(source, n) -> bool:
    return not exact_feasible(group_source(source), n)


def _rounding(value: mpmath.mpf, bits: int = 2) -> mpmath.mpf:
    """2^(bits − prec)·|value|: a value rounded once at the working precision, with slack."""
    return mp.ldexp(abs(value), bits - mp.prec)


@check("n.dstar-closed-form")
def counts_past_enumeration(ctx: CheckContext) -> Evidence:
    """K*, L* and D*_γ past exact enumeration against an independent exact count."""
    mp.dps = ctx.dps
    cases = _COUNT_CASES + ([] if ctx.quick else _MORE_COUNT_CASES)
    instances = 0
    for source, n, m, eps, gammas in cases:
        if not _past_enumeration(source, n):
            return Evidence.inconclusive("exhaustive", "K* past enumeration",
                                         f"n = {n} is no longer past exact enumeration for "
                                         f"{_text(source)}: choose a larger n")
        k = ref.least_count_best_first(source, n, eps)
        ell = ref.list_size(k, m)
        with mp.workdps(ctx.dps + 15):
            log_k = mp.log(k)
        # the public least_count at the working precision (distortion_limit adds 30 bits,
        # and the scans' band of classes differs with the precision)
        count = least_count(source, n, eps)
        instances += 1
        if (count.exact is not None and count.exact != k) or abs(count.log - log_k) > \
                _rounding(log_k) + mp.ldexp(1, -mp.prec):
            return Evidence.exhaustive(
                "K* past enumeration against an exact count", False, instances,
                counterexample={"source": _text(source), "n": n, "eps": str(eps),
                                "function": "least_count",
                                "log_K": [significant(count.log, 25),
                                          significant(log_k, 25)]})
        for gamma in gammas:
            result = distortion_limit(source, gamma, n, m, eps)
            with mp.workdps(ctx.dps + 15):
                expected = ref.phi(gamma, F(1, ell)) / n
            instances += 1
            exact_ok = (result.K is None or result.K == k) and (result.L is None
                                                                or result.L == ell)
            log_ok = abs(result.log_K - log_k) <= _rounding(log_k) + mp.ldexp(1, -mp.prec)
            value_ok = abs(result.value - expected) <= _rounding(expected) + mp.ldexp(
                1, -mp.prec - 8)
            if not (exact_ok and log_ok and value_ok):
                return Evidence.exhaustive(
                    "K*, L* and D* past enumeration against an exact count", False, instances,
                    counterexample={"source": _text(source), "n": n, "M": m, "eps": str(eps),
                                    "gamma": str(gamma),
                                    "K": [result.K, k if k < 10**30 else None],
                                    "log_K": [significant(result.log_K, 25),
                                              significant(log_k, 25)],
                                    "D": [significant(result.value, ctx.dps),
                                          significant(expected, ctx.dps)]})
    return Evidence.exhaustive(
        f"{instances} instances past the library's exact enumeration (binary "
        f"(99/100, 1/100) at n = 6000, ternary (97/100, 2/100, 1/100) at n = 500"
        f"{'' if ctx.quick else ', and n up to 20000'}; M = 1 so that L* = K*, and "
        "M = 1000; eps = 1/10 and 1 - 10^-20, where K* is small, exact, and 1 for the "
        "ternary source): K* and L* equal an independent exact count (type classes popped "
        "from a max-heap in integers, only those above the crossing formed) where the "
        "library reports them exactly (least_count at the working precision and through "
        "distortion_limit), ln K* to the rounding 2^(2-prec) ln K*, and "
        "D* = phi_gamma(1/L*)/n to every digit", True, instances)


@check("n.excess-exact")
def excess_past_enumeration(ctx: CheckContext) -> Evidence:
    """ε*_γ(n, M, D) past enumeration against the exact uncovered mass of the top M·L."""
    mp.dps = ctx.dps
    cases = _EXCESS_CASES + ([] if ctx.quick else _MORE_EXCESS_CASES)
    for index, (source, n, m, d, gamma) in enumerate(cases):
        if not _past_enumeration(source, n):
            return Evidence.inconclusive("exhaustive", "eps* past enumeration",
                                         f"n = {n} is no longer past exact enumeration")
        level = n * d
        from focalrd.verify.claims.blocks import _floor_inverse_tau

        with mp.workdps(max(ctx.dps, 30) + 20):  # an integer: not at verify --dps 5 digits
            ell = _floor_inverse_tau(gamma, level)
        expected = ref.uncovered_mass_best_first(source, n, m * ell)
        got = excess_distortion_exact(source, gamma, n, m, d)
        allowed = mp.ldexp(ref.number(expected), 4 - mp.prec)
        with mp.workdps(ctx.dps + 15):
            error = abs(ref.number(got) - ref.number(expected))
        if error > allowed:
            return Evidence.exhaustive(
                "eps* past enumeration against an exact count", False, index + 1,
                counterexample={"source": _text(source), "n": n, "M": m, "D": str(d),
                                "gamma": str(gamma), "L": ell,
                                "eps": [significant(ref.number(got) if isinstance(got, F)
                                                    else got, ctx.dps),
                                        significant(ref.number(expected), ctx.dps)]})
    return Evidence.exhaustive(
        f"{len(cases)} instances past exact enumeration (binary (99/100, 1/100) at n = 6000, "
        "M = 3; ternary (97/100, 2/100, 1/100) at n = 500, M = 1): eps* equals 1 - (mass of "
        "the M floor(1/tau_gamma(nD)) most likely sequences), summed in exact rationals "
        "over the classes taken most likely first (an independent max-heap walk), to a "
        "relative 2^(4-prec)", True, len(cases))


#: (source, gamma, n, M or a rate in nats) for the binary window past enumeration.
_AVERAGE_CASES = [
    ((F(89, 100), F(11, 100)), F(2), 5600, 7),
    ((F(89, 100), F(11, 100)), F(1, 2), 5600, F(1, 2)),   # R > H: the best T fits in M - 1
    ((F(89, 100), F(11, 100)), F(3), 5600, 1),             # one cell holds everything
    ((F(89, 100), F(11, 100)), F(2), 400, 7),              # the exact engine, same bound
]
_MORE_AVERAGE_CASES = [
    ((F(89, 100), F(11, 100)), F(2), 6000, F(3, 10)),
    ((F(3, 5), F(2, 5)), F(0), 9000, F(3, 5)),
    ((F(99, 100), F(1, 100)), F(5), 6000, F(1, 50)),
]


@check("n.avg-sandwich")
def binary_window_against_every_boundary(ctx: CheckContext) -> Evidence:
    """The binary window achievability past enumeration equals a brute force over every
    class boundary (exact binomials and ceilings)."""
    mp.dps = ctx.dps
    cases = _AVERAGE_CASES + ([] if ctx.quick else _MORE_AVERAGE_CASES)
    rows = []
    for source, gamma, n, size in cases:
        if n > 5000 and not _past_enumeration(source, n):
            return Evidence.inconclusive("exhaustive", "binary window past enumeration",
                                         f"n = {n} is no longer past exact enumeration")
        m = codebook_size(n, size) if isinstance(size, int) else codebook_size(n, rate=size)
        got = average_achievability(source, gamma, n, m)
        cells = (size if isinstance(size, int) else ref.floor_exponential(n * size)) - 1
        expected = ref.binary_round_robin_minimum(source, gamma, n, cells)
        ok = got is not None and abs(got - expected) <= _rounding(expected)
        row = {"source": _text(source), "gamma": str(gamma), "n": n,
               ("M" if isinstance(size, int) else "rate"): str(size),
               "achievability": None if got is None else significant(got, 20),
               "brute_force": significant(expected, 20)}
        rows.append(row)
        if not ok:
            return Evidence.exhaustive("binary window against every class boundary", False,
                                       len(rows), counterexample=row, rows=rows)
    return Evidence.exhaustive(
        f"{len(rows)} binary instances past exact enumeration (n = 5600"
        f"{'' if ctx.quick else ' to 9000'}; M = 7, M = floor(e^(nR)) with R above the "
        "entropy (the best set fits in M - 1), and M = 1) and one at n = 400 (the exact "
        "engine): the typical-set achievability equals "
        "min over every class boundary a = 0..n+1 of P(T_a) phi(1/ceil(|T_a|/(M-1))) + "
        "(1 - P(T_a)) phi(1/(2^n - |T_a|)), with |T_a| and the ceilings in exact integers "
        "(an independent brute force), to a relative 2^(2-prec)", True, len(rows), rows=rows)

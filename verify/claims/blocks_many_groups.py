"""K*, L* and D* of THEORY.md §6 for four to eight distinct probabilities past enumeration.

Past :func:`focalrd.numeric.blocks.classes.exact_feasible` sources with four to eight
distinct probabilities are answered by the many-group engine
(:mod:`focalrd.numeric.blocks.manygroups`, :mod:`~focalrd.numeric.blocks.manygroups_limits`):
fixed-point chains of conditional binomials, pruned prefixes, an exactly sorted band
around the crossing class, and, when K* < 2^(prec+24), an exact recount of the classes
above it with the ceiling ⌈r/p_G⌉ of the crossing class.  This check compares K* with
an independent exact count (:func:`._independent.least_count_best_first`: type classes
popped from a max-heap in integers over the *symbols*, so equal and commensurable
probabilities merge only through equal integer weights), for skewed sources where the
count stays cheap while K* is large (2^29 to 2^201), including a commensurable source
(8, 4, 2, 1)/15 whose types tie.
"""

from __future__ import annotations

from fractions import Fraction as F

from mpmath import mp

from focalrd.numeric.blocks.classes import exact_feasible
from focalrd.numeric.blocks.excess import distortion_limit
from focalrd.numeric.blocks.grouping import group_source
from focalrd.numeric.errors import PrecisionError
from focalrd.numeric.precision import significant
from focalrd.verify.claims import _independent as ref
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

_FOUR = (F(9, 10), F(5, 100), F(3, 100), F(2, 100))
_POWERS = (F(8, 15), F(4, 15), F(2, 15), F(1, 15))  # ln P multiples of ln 2: types tie
_FIVE = (F(85, 100), F(6, 100), F(4, 100), F(3, 100), F(2, 100))
_SIX = (F(9, 10), F(3, 100), F(25, 1000), F(2, 100), F(15, 1000), F(1, 100))
_SEVEN = (F(70, 100), F(10, 100), F(8, 100), F(5, 100), F(4, 100), F(2, 100), F(1, 100))
_EIGHT = (F(65, 100), F(10, 100), F(8, 100), F(6, 100), F(5, 100), F(3, 100), F(2, 100),
          F(1, 100))

#: (source, n, M, eps, gamma), every n past the library's exact enumeration.
_CASES = [
    (_FOUR, 125, 7, F(1, 2), F(2)),        # K* ≈ 2^72: exact, the crossing ceiling matters
    (_FOUR, 125, 1, F(1, 10), F(0)),       # K* ≈ 2^92: ln K*
    (_POWERS, 125, 3, F(1, 2), F(1, 2)),   # K* ≈ 2^201 with tied types
    (_POWERS, 125, 1, 1 - F(1, 10**20), F(5)),
    (_FIVE, 52, 2, F(1, 3), F(2)),
    (_SIX, 31, 5, F(1, 2), F(1, 2)),
    (_SEVEN, 25, 1, F(1, 10), F(2)),
    (_EIGHT, 18, 3, F(1, 2), F(5)),
]


def _rounding(value) -> object:
    return mp.ldexp(abs(value), 2 - mp.prec)


@check("n.dstar-closed-form")
def many_groups_against_an_exact_count(ctx: CheckContext) -> Evidence:
    """K*, L*, D* for 4-8 distinct probabilities past enumeration against an exact count."""
    mp.dps = ctx.dps
    for index, (source, n, m, eps, gamma) in enumerate(_CASES):
        grouped = group_source(source)
        if exact_feasible(grouped, n) or not 4 <= grouped.groups <= 8:
            return Evidence.inconclusive("exhaustive", "the many-group engine",
                                         f"n = {n} no longer reaches the many-group engine "
                                         f"for {[str(p) for p in source]}: choose a larger n")
        k = ref.least_count_best_first(source, n, eps)
        ell = ref.list_size(k, m)
        try:
            result = distortion_limit(source, gamma, n, m, eps)
        except PrecisionError as error:  # an answerable input: refusing it is a failure
            return Evidence.exhaustive(
                "K*, L* and D* of the many-group engine against an exact count", False,
                index + 1, counterexample={"source": [str(p) for p in source], "n": n,
                                           "M": m, "eps": str(eps), "error": str(error)})
        with mp.workdps(ctx.dps + 15):
            log_k = mp.log(k)
            expected = ref.phi(gamma, F(1, ell)) / n
        exact_ok = (result.K is None or result.K == k) and (result.L is None or result.L == ell)
        log_ok = abs(result.log_K - log_k) <= _rounding(log_k) + mp.ldexp(1, -mp.prec)
        value_ok = abs(result.value - expected) <= _rounding(expected) + mp.ldexp(
            1, -mp.prec - 8)
        if not (exact_ok and log_ok and value_ok):
            return Evidence.exhaustive(
                "K*, L* and D* of the many-group engine against an exact count", False,
                index + 1, counterexample={
                    "source": [str(p) for p in source], "n": n, "M": m, "eps": str(eps),
                    "gamma": str(gamma), "K": [result.K, k if k < 10**30 else None],
                    "L": [result.L, ell if ell < 10**30 else None],
                    "log_K": [significant(result.log_K, 25), significant(log_k, 25)],
                    "D": [significant(result.value, ctx.dps), significant(expected, ctx.dps)]})
    return Evidence.exhaustive(
        f"{len(_CASES)} instances of the many-group engine (four to eight distinct "
        "probabilities, each n past exact enumeration; K* from 2^29 to 2^201, exact where "
        "the library reports it, including K* ≈ 2^72 where the crossing class's ceiling "
        "matters, and a commensurable source (8, 4, 2, 1)/15 with tied types): K*, L* equal "
        "an independent exact count (type classes over the symbols popped from a max-heap "
        "in integers), ln K* to the rounding 2^(2-prec) ln K*, and D* = phi_gamma(1/L*)/n "
        "to every digit", True, len(_CASES))

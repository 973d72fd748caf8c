"""Balls and printed digits of ``eval d-star`` past exact enumeration (issue 21).

Past :func:`focalrd.numeric.blocks.classes.exact_feasible` the proven path assembles
K* from the rigorous ingredients of the fixed-point scans
(:func:`focalrd.numeric.blocks.count_parts.least_count_parts`) into a ball
(:func:`focalrd.numeric.balls.blocks.count_ball`), and L* = ⌈K*/M⌉ and D* from it.
The independent value is the exact K* of :func:`._independent.least_count_best_first`
(type classes popped from a max-heap in integers), with ln K*, L* and φ_γ(1/L*)/n in
plain mpmath at the reference precision.  Checked, as in :mod:`.enclosures`:

* the ball of K* at the working precision contains the exact integer K* (a ball that
  lost its error terms misses it, although its logarithm would still print right);
* the document prints "certified": true, D*'s correct rounding, and an enclosure
  [lower, upper] containing it; ln K* and ln L* likewise, and an L* it prints in full
  (L* < 2^64, decided from the ball of K*/M) equal to ⌈K*/M⌉.
"""

from __future__ import annotations

from fractions import Fraction

from mpmath import mp

from focalrd.numeric import balls
from focalrd.numeric.blocks.classes import exact_feasible
from focalrd.numeric.blocks.grouping import group_source
from focalrd.verify.claims import _independent as reference
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.claims.enclosures import _GUARD_BITS, _Comparisons, _document
from focalrd.verify.registry import CheckContext, Evidence, check

_SKEWED = (Fraction(99, 100), Fraction(1, 100))
_TERNARY = (Fraction(97, 100), Fraction(2, 100), Fraction(1, 100))
_FIVE = tuple(Fraction(x) for x in ("0.3", "0.25", "0.2", "0.15", "0.1"))

#: (source, n, eps, gamma, M or None: M ≈ K*/e^20, so that L* ≈ 5e8 is printed in full)
_CASES = [
    (_SKEWED, 6000, Fraction(1, 10), Fraction(2), 1),
    (_SKEWED, 6000, Fraction(1, 10), Fraction(1, 2), None),
]
_MORE_CASES = [
    (_TERNARY, 800, Fraction(1, 3), Fraction(2), None),
    (_FIVE, 80, Fraction(9, 10), Fraction(1, 2), 3),
]


@check("n.dstar-closed-form", level="reference")
def dstar_enclosures_past_enumeration(ctx: CheckContext) -> Evidence:
    """Balls of K* and the printed D*, ln K*, L* past enumeration against an exact count."""
    tally = _Comparisons(ctx)
    cases = _CASES if ctx.quick else _CASES + _MORE_CASES
    for source, n, eps, gamma, m in cases:
        if exact_feasible(group_source(source), n):
            return Evidence.inconclusive("reference", "d-star past enumeration",
                                         f"n = {n} is no longer past exact enumeration")
        k = reference.least_count_best_first(source, n, eps)
        if m is None:
            m = max(1, k >> 29)
        ell = reference.list_size(k, m)
        text = ",".join(str(v) for v in source)
        point = {"source": text, "n": n, "M": m, "eps": eps, "gamma": gamma}
        log_k = tally.reference(lambda k=k: mp.log(k))
        if balls.available():
            _count_ball_check(tally, point, source, n, eps, k)
        document = _document("d-star", {"source": text, "n": str(n), "codewords": str(m),
                                        "eps": str(eps), "gamma": str(gamma)}, ctx.dps)
        value = tally.reference(lambda g=gamma, ell=ell, n=n: reference.phi(
            g, Fraction(1, ell)) / n)
        tally.printed("d-star", point, document, value)
        enclosures = document.get("enclosures") or {}
        tally.printed("log_K", point, document, log_k, "log_K", enclosures.get("log_K"))
        tally.count += 1
        if "L" in document:
            if document["L"] != str(ell):
                tally.failures.append({**{a: str(b) for a, b in point.items()},
                                       "L": document["L"], "independent_L": str(ell)})
        else:
            log_l = tally.reference(lambda ell=ell: mp.log(ell))
            tally.printed("log_L", point, document, log_l, "log_L", enclosures.get("log_L"))
    return tally.evidence("the ball of K* and the printed D* = phi_gamma(1/L*)/n, ln K*, L* "
                          "past exact enumeration against an exact count (a max-heap walk "
                          "over the type classes)",
                          f"{len(cases)} (source, n, M, eps, gamma) past enumeration")


def _count_ball_check(tally: _Comparisons, point, source, n: int, eps: Fraction,
                      k: int) -> None:
    """The ball of K* at the working precision must contain the exact integer K*."""
    from focalrd.numeric.balls.arith import working_bits
    from focalrd.numeric.balls.blocks import count_ball
    from focalrd.numeric.balls.evaluation import starting_bits
    from focalrd.numeric.blocks.count_parts import least_count_parts

    bits = starting_bits(tally.ctx.dps) + _GUARD_BITS
    with working_bits(bits), mp.workprec(bits):
        parts = least_count_parts(source, n, eps)
        if isinstance(parts, int):  # the engines' exact small path: nothing to enclose
            return
        tally.ball("K*", point, count_ball(parts), (Fraction(k), Fraction(k)))


#: (source, n, M, shift, gamma): nD = ln K*(1/2) − shift to 6 decimals, so that S = M·L lies
#: near the median of the sorted sequences; γ = 0 gives L = ⌊e^{nD}⌋ exactly
_EXCESS_CASES = [
    (_SKEWED, 6000, 1, 0, Fraction(0)),
    (_SKEWED, 6000, 3, 2, Fraction(0)),
]
_MORE_EXCESS_CASES = [
    (_TERNARY, 800, 1000, 7, Fraction(0)),
    (_FIVE, 80, 3, 1, Fraction(0)),
]


@check("n.excess-exact", level="reference")
def eps_star_enclosures_past_enumeration(ctx: CheckContext) -> Evidence:
    """The printed ε* past enumeration and its enclosure against the exact uncovered mass."""
    tally = _Comparisons(ctx)
    cases = _EXCESS_CASES if ctx.quick else _EXCESS_CASES + _MORE_EXCESS_CASES
    for source, n, m, shift, gamma in cases:
        if exact_feasible(group_source(source), n):
            return Evidence.inconclusive("reference", "eps-star past enumeration",
                                         f"n = {n} is no longer past exact enumeration")
        k = reference.least_count_best_first(source, n, Fraction(1, 2))
        with mp.workdps(40):
            level = Fraction(int((mp.log(k) - shift) * 10**6), 10**6)
        ell = reference.floor_exponential(level)
        expected = reference.uncovered_mass_best_first(source, n, m * ell)
        d = level / n
        text = ",".join(str(v) for v in source)
        point = {"source": text, "n": n, "M": m, "D": d, "gamma": gamma}
        document = _document("eps-star", {"source": text, "n": str(n), "codewords": str(m),
                                          "distortion": str(d), "gamma": str(gamma)}, ctx.dps)
        tally.printed("eps-star", point, document, (expected, expected))
        tally.count += 1
        if document.get("L") != str(ell):
            tally.failures.append({**{a: str(b) for a, b in point.items()},
                                   "L": document.get("L"), "independent_L": str(ell)})
    return tally.evidence("the printed eps* = 1 - P(the M L most likely sequences) past exact "
                          "enumeration and its enclosure against the exact uncovered mass (a "
                          "max-heap walk over the type classes, in rationals)",
                          f"{len(cases)} (source, n, M, D) past enumeration, gamma = 0")

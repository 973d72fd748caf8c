"""Balls and printed digits of ``eval avg-d-star`` (one shot; issue 21).

The proven path screens every cell of the partition search with a ball and
re-evaluates in balls every partition the screen cannot exclude
(:mod:`focalrd.numeric.balls.average`).  The independent value is a brute force over
*all set partitions* of a small alphabet into at most M cells, each cell's cost
Σ_{x∈A} R_x φ_γ(q_x) at the minimiser of :func:`._independent.focal_entropy_minimizer`
(the nested KKT root search), in plain mpmath at the reference precision.  Checked, as
in :mod:`.enclosures`: the ball of D* contains it, and the document prints
"certified": true, its correct rounding, an enclosure containing it, and the brute
force's optimal partition.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.verify.claims import _independent as reference
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.claims.enclosures import _ball_context, _Comparisons, _document
from focalrd.verify.registry import CheckContext, Evidence, check

#: (source, weights or None, gamma, M)
_CASES = [
    ((Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)), None, Fraction(2), 2),
    ((Fraction(2, 5), Fraction(3, 10), Fraction(1, 5), Fraction(1, 10)), None, Fraction(1, 2),
     2),
    ((Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)),
     (Fraction(1, 2), Fraction(1, 4), Fraction(1, 4)), Fraction(5), 2),
]


def set_partitions(items: Sequence[int], cells: int) -> Iterator[list[list[int]]]:
    """Every partition of ``items`` into at most ``cells`` non-empty blocks."""
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partial in set_partitions(rest, cells):
        for i in range(len(partial)):
            yield partial[:i] + [[first, *partial[i]]] + partial[i + 1:]
        if len(partial) < cells:
            yield [[first], *partial]


def _reweighted(source, weights) -> list[Fraction]:
    if weights is None:
        return list(source)
    total = sum((p * w for p, w in zip(source, weights, strict=True)), Fraction(0))
    return [p * w / total for p, w in zip(source, weights, strict=True)]


def brute_force(r: Sequence[Fraction], gamma: Fraction, cells: int
                ) -> tuple[mpmath.mpf, list[list[int]]]:
    """min over all set partitions of Σ_cells Σ_x R_x φ_γ(q*_x), and its partition."""
    costs: dict[tuple[int, ...], mpmath.mpf] = {}

    def cost(cell: list[int]) -> mpmath.mpf:
        key = tuple(sorted(cell))
        if key not in costs:
            if len(key) == 1:
                costs[key] = mp.zero
            else:
                q, _ = reference.focal_entropy_minimizer([r[x] for x in key], gamma)
                costs[key] = mp.fsum(reference.number(r[x]) * reference.phi(gamma, qx)
                                     for x, qx in zip(key, q, strict=True))
        return costs[key]

    best, where = None, None
    for partition in set_partitions(list(range(len(r))), cells):
        value = mp.fsum(cost(cell) for cell in partition)
        if best is None or value < best:
            best, where = value, sorted(sorted(c) for c in partition)
    return best, where


@check("avg.exact", level="reference")
def average_distortion_enclosures(ctx: CheckContext) -> Evidence:
    """The ball of D*_γ(M) and the printed document against a brute force over all set
    partitions with the nested-root-search focal entropy."""
    tally = _Comparisons(ctx)
    cases = _CASES[:1] if ctx.quick else _CASES
    for source, weights, gamma, m in cases:
        r = _reweighted(source, weights)
        point = {"source": ",".join(str(v) for v in source), "gamma": gamma, "codewords": m}
        options = {"source": point["source"], "gamma": str(gamma), "codewords": str(m)}
        if weights is not None:
            point["weights"] = options["weights"] = ",".join(str(w) for w in weights)
        partition: list[list[int]] = []

        def value(r=r, gamma=gamma, m=m):
            nonlocal partition
            best, partition = brute_force(r, gamma, m)
            return best

        ref = tally.reference(value)
        document = _document("avg-d-star", options, ctx.dps)
        tally.printed("avg-d-star", point, document, ref)
        if tally.proven:
            from focalrd.numeric.balls.average import optimal_code_balls

            with _ball_context(ctx):
                enclosed = optimal_code_balls(r, gamma, m)
            tally.ball("D*", point, enclosed.value, ref)
            if document.get("partition") != partition:
                tally.failures.append({"quantity": "partition", **{k: str(v) for k, v in
                                       point.items()}, "printed": document.get("partition"),
                                       "independent": partition})
    return tally.evidence("ball-screened partition search for D*_gamma(M) and its printed "
                          "digits and partition, against a brute force over all set "
                          "partitions with the nested root search", f"{len(cases)} sources")

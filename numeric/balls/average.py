"""Balls for the one-shot average distortion D*_γ(M) and its bounds (issue 21).

D*_γ(M) = min over partitions {A_m} of the support of R into at most M cells of
Σ_m F_γ(R|A_m) ([avg.exact]), F_γ(R|A) the focal entropy of the (unnormalised)
masses of R on A.  Cells are sub-multisets of the probability classes
(:mod:`focalrd.numeric.oneshot.partitions`).

Method (no float error is trusted):

1. Every cell T of the multiset space gets rigorous float64 bounds lo_T ≤ F_γ(T) ≤ hi_T
   (ball ends rounded outward): for γ > 0 from the float64 minimiser q0 and multiplier λ
   of the batched KKT search, evaluated in balls at 80 bits without root finding
   (:func:`_dual_bounds`: the cost of the feasible point q0/Σq0 above, weak duality with
   a tangent below); where that point is unusable, and at γ = 0, from the ball of
   :func:`focalrd.numeric.balls.focal_entropy.focal_entropy`.
2. The dynamic programme runs on the lo_T.  U = Σ hi_T over its best partition is an
   upper bound on D* (that partition's true cost is at most U).
3. Every partition P with Σ_{T∈P} lo_T ≤ U (1 + s) + 2^-990 is collected, s covering
   the float64 rounding of the programme's sums (relative (4M + 8)·2^-52 of
   non-negative terms, plus 10^-12): a partition left out has cost ≥ Σ lo_T > U ≥ D*,
   so the optimum is among the candidates.
4. Each candidate's cost is a sum of cell balls at the working precision, and
   D* ∈ [min lower ends, min upper ends] (:meth:`arb.min`).  The optimal partition is
   reported only when one candidate's ball lies strictly below every other's;
   a genuine tie (balls overlapping with midpoints within 2^-(bits − 24) relative) is
   :class:`Tie`, otherwise :class:`~.arith.Undecided` (more precision).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from focalrd.numeric._lazy import numpy as np
from focalrd.numeric.balls.arith import (
    ExactReal,
    Undecided,
    arb,
    current_bits,
    ends,
    exact,
    working_bits,
)
from focalrd.numeric.balls.focal_entropy import focal_entropy
from focalrd.numeric.oneshot.average import _Classes, _partition_of, _symbols_of
from focalrd.numeric.oneshot.partitions import MultisetSpace, near_optimal, search

__all__ = ["AverageBalls", "SCREEN_BITS", "Tie", "cell_ball", "optimal_code_balls"]

#: Working bits of the screening balls of step 1.
SCREEN_BITS = 80
#: Relative slack of step 3 beyond the float64 rounding bound.
_SLACK = 1e-12
#: Absolute slack (float costs below the float range).
_FLOOR = 2.0 ** -990


class Tie(Exception):
    """Two candidate partitions cannot be told apart: they look exactly equal."""


@dataclass(frozen=True)
class AverageBalls:
    """A ball of D*_γ(M), and the optimal partition when the balls single it out."""

    value: arb
    partition: tuple[tuple[int, ...], ...] | None
    candidates: int
    #: with a :class:`Tie`, every partition whose ball the winner's does not exclude
    tied: tuple[tuple[tuple[int, ...], ...], ...] = ()


def _ball(x: arb | ExactReal) -> arb:
    return x.ball() if isinstance(x, ExactReal) else x


def cell_ball(values: Sequence[Fraction], counts: Sequence[int], gamma: Fraction) -> arb:
    """A ball of F_γ of the cell holding ``counts[c]`` copies of ``values[c]``."""
    masses = [v for v, t in zip(values, counts, strict=True) for _ in range(int(t))]
    if len(masses) <= 1:
        return arb(0)
    return _ball(focal_entropy(masses, gamma).value)


def _outward(ball: arb) -> tuple[float, float]:
    low, high = ends(ball)
    return (max(math.nextafter(float(low), -math.inf), 0.0),   # F_γ ≥ 0
            math.nextafter(float(high), math.inf))


def _dual_bounds(values, counts, q0: Sequence[float], lam: float, gamma: Fraction
                 ) -> tuple[float, float] | None:
    """lo ≤ F_γ ≤ hi from a float point q0 (per class) and multiplier λ, no root finding.

    hi = Σ t a φ(q0/S), S = Σ t q0 (a feasible point).  lo by weak duality:
    F ≥ Σ t·min_{q∈(0,1]} [a φ(q) + λq] − λ, and each convex f = aφ + λq lies above its
    tangent at q0, whose minimum on [0, 1] is f(q0) + min(−q0 f'(q0), (1 − q0) f'(q0)).
    None when q0 or λ is not a usable float (the caller encloses the cell instead).
    """
    if not (math.isfinite(lam) and lam > 0) or any(not 0 < q < 1 for q in q0):
        return None
    g = exact(gamma)
    qs = [arb(q) for q in q0]
    total = sum((t * q for t, q in zip(counts, qs, strict=True)), arb(0))
    lam_ball = arb(lam)
    upper, lower = arb(0), -lam_ball
    for a, t, q in zip(values, counts, qs, strict=True):
        mass = exact(a)
        upper += t * mass * _phi_slope(g, q / total)[0]
        phi, minus_slope = _phi_slope(g, q)
        f = mass * phi + lam_ball * q
        slope = lam_ball - mass * minus_slope
        lower += t * (f + arb.min(-q * slope, (1 - q) * slope))
    if not (upper.is_finite() and lower.is_finite()):
        return None
    return _outward(lower)[0], _outward(upper)[1]


def _phi_slope(g: arb, q: arb) -> tuple[arb, arb]:
    """Balls of φ_γ(q) = (1 − q)^γ ln(1/q) and −φ_γ'(q) = (1 − q)^(γ−1)(γ ln(1/q) + (1 − q)/q)
    for a ball q inside (0, 1) (the powers as exp(γ·log1p(−q)))."""
    log_complement, log_inverse = (-q).log1p(), -q.log()
    return ((g * log_complement).exp() * log_inverse,
            ((g - 1) * log_complement).exp() * (g * log_inverse + (1 - q) / q))


def _float_points(values, digits, gamma: Fraction):
    """The float64 minimiser (per class present) and multiplier of every cell of ≥ 2
    entries, or None at γ = 0 (closed form there)."""
    from focalrd.numeric.oneshot._focal_float import solve_cells

    if gamma == 0:
        return None
    log_values = np.array([math.log(v.numerator) - math.log(v.denominator) for v in values])
    totals = digits.sum(axis=1)
    solved = np.nonzero(totals >= 2)[0]
    sub = digits[solved]
    cell_of, class_of = np.nonzero(sub)
    with np.errstate(all="ignore"):
        z, ell, _ = solve_cells(log_values[class_of], sub[cell_of, class_of].astype(float),
                                cell_of, len(solved), float(gamma))
        q = np.exp(-np.exp(z))
    points = {}
    for row, index in enumerate(solved.tolist()):
        points[index] = (q[cell_of == row].tolist(), float(np.exp(ell[row])))
    return points


def _screen(values: Sequence[Fraction], digits, gamma: Fraction) -> tuple[np.ndarray, np.ndarray]:
    """float64 lo_T ≤ F_γ(T) ≤ hi_T for every cell T (row of ``digits``)."""
    lo, hi = np.zeros(len(digits)), np.zeros(len(digits))
    try:
        points = _float_points(values, digits, gamma)
    except (ValueError, OverflowError, FloatingPointError):
        points = None
    for index in range(1, len(digits)):
        counts = [int(d) for d in digits[index]]
        if sum(counts) < 2:
            continue   # a single symbol costs 0
        if points is not None and index in points:
            present = [c for c, t in enumerate(counts) if t > 0]
            with working_bits(SCREEN_BITS):
                bounds = _dual_bounds([values[c] for c in present],
                                      [counts[c] for c in present], *points[index], gamma)
            if bounds is not None:
                lo[index], hi[index] = bounds
                continue
        try:
            with working_bits(SCREEN_BITS):
                ball = cell_ball(values, counts, gamma)
        except Undecided:  # the screening precision was too low for this cell
            ball = cell_ball(values, counts, gamma)
        lo[index], hi[index] = _outward(ball)
    return lo, hi


def _cost(partition: tuple[int, ...], digits, values, gamma, cache: dict) -> arb:
    total = arb(0)
    for t in partition:
        if t not in cache:
            cache[t] = cell_ball(values, [int(d) for d in digits[t]], gamma)
        total += cache[t]
    return total


def optimal_code_balls(r: Sequence[Fraction], gamma: Fraction, codewords: int,
                       allow_ties: bool = False) -> AverageBalls:
    """Balls of D*_γ(M) for a validated re-weighted source R (the module docstring).

    A :class:`Tie` is raised, or with ``allow_ties`` reported in ``tied`` (the value is a
    ball all the same)."""
    classes = _Classes.of(r)
    cells = min(codewords, classes.support)
    if cells == classes.support:  # singletons: every cell costs 0
        symbol_cells = [[x] for members in classes.members for x in members]
        return AverageBalls(arb(0), _partition_of(classes, symbol_cells), 1)
    space = MultisetSpace.of(classes.counts)
    digits = space.digits()
    lo, hi = _screen(classes.values, digits, gamma)
    result = search(space, lo, cells)
    slack = (_SLACK + (4 * cells + 8) * 2.0 ** -52)
    try:
        best = near_optimal(result, slack * result.optimum + _FLOOR)
        upper = min(math.fsum(hi[t] for t in p) for p in best)
        upper = math.nextafter(upper * (1 + 4 * len(r) * 2.0 ** -52), math.inf)
        candidates = near_optimal(result, upper * (1 + slack) - result.optimum + _FLOOR)
    except OverflowError:
        raise Tie("too many partitions are within the screen's bounds of the optimum") from None
    cache: dict = {}
    costs = {p: _cost(p, digits, classes.values, gamma, cache) for p in candidates}
    value = None
    for cost in costs.values():
        value = cost if value is None else arb.min(value, cost)
    try:
        return AverageBalls(value, _separated(classes, digits, costs), len(candidates))
    except Tie:
        if not allow_ties:
            raise
    ball = min(costs.values(), key=lambda b: ends(b)[1])
    tied = tuple(_as_partition(classes, digits, p) for p, b in costs.items()
                 if not ball < b or b is ball)
    return AverageBalls(value, None, len(candidates), tied)


def _as_partition(classes: _Classes, digits, cells: tuple[int, ...]
                  ) -> tuple[tuple[int, ...], ...]:
    vectors = [[int(d) for d in digits[t]] for t in cells]
    return _partition_of(classes, _symbols_of(classes, vectors))


def _separated(classes: _Classes, digits, costs: dict) -> tuple[tuple[int, ...], ...]:
    """The partition whose cost ball is strictly below every other candidate's."""
    ranked = sorted(costs.items(), key=lambda item: ends(item[1])[1])
    winner, ball = ranked[0]
    for _, other in ranked[1:]:
        if not ball < other:
            gap = abs(ends(other.mid())[0] - ends(ball.mid())[0])
            scale = abs(ends(ball.mid())[0])
            if gap <= scale / 2 ** (current_bits() - 24):
                raise Tie("two partitions have costs equal at the working precision")
            raise Undecided("the cost balls do not single out the optimal partition yet")
    return _as_partition(classes, digits, winner)


@dataclass(frozen=True)
class AverageBoundBalls:
    """Balls of the converse and achievability of [avg.sandwich] (``converse`` exactly 0
    when every other term is shown negative)."""

    converse: arb | Fraction
    achievability: arb


def _partition_cost(classes: _Classes, partition: Sequence[Sequence[int]],
                    gamma: Fraction) -> arb:
    class_of = {x: c for c, members in enumerate(classes.members) for x in members}
    total = arb(0)
    for cell in partition:
        counts = [0] * len(classes.values)
        for x in cell:
            counts[class_of[x]] += 1
        total += cell_ball(classes.values, counts, gamma)
    return total


def average_bounds_balls(r: Sequence[Fraction], gamma: Fraction, codewords: int,
                         log_loss: arb | None = None,
                         log_loss_partitions: Sequence[Sequence[Sequence[int]]] = ()
                         ) -> AverageBoundBalls:
    """Balls of the bounds of :func:`focalrd.numeric.oneshot.average_bounds.
    average_distortion_bounds` (the same codes, its float choice of heuristic included).

    ``log_loss_partitions``: the log-loss optimal partition, or every one the balls could
    not tell apart (the confirmed path takes one of them); the heuristic code is then the
    one each of them leads to, and :class:`Tie` is raised when they lead to different codes.
    """
    from focalrd.numeric.balls.arith import exact
    from focalrd.numeric.balls.c_gamma import c_gamma
    from focalrd.numeric.balls.phi import focal_loss
    from focalrd.numeric.balls.source import entropy
    from focalrd.numeric.oneshot.average_bounds import _float_cost, greedy_balance, round_robin

    classes = _Classes.of(r)
    cells = min(codewords, classes.support)
    with working_bits(current_bits() + 20):
        h = entropy(r)
        log_m = exact(codewords).log()
        c = c_gamma(gamma)
        terms = [h - log_m - c] + ([log_loss - c] if log_loss is not None else [])
        converse: arb | Fraction = Fraction(0)
        for term in terms:
            if not term < 0:
                converse = term if isinstance(converse, Fraction) else arb.max(converse, term)
        if not isinstance(converse, Fraction):
            converse = arb.max(converse, arb(0))
        rr = round_robin(r, cells)
        choices = []
        for log_loss_partition in log_loss_partitions or [None]:
            heuristics = [rr, greedy_balance(r, cells)]
            if log_loss_partition is not None:
                heuristics.append([[x for x in cell if r[x] > 0] for cell in log_loss_partition])
            heuristics = [[cell for cell in p if cell] for p in heuristics]
            choices.append(min(heuristics, key=lambda p: _float_cost(classes, p, gamma)))
        chosen = choices[0]
        if any(_canonical(c) != _canonical(chosen) for c in choices):
            raise Tie("the log-loss optimal partitions tie and lead to different heuristic codes")
        options = [_partition_cost(classes, chosen, gamma)]
        uniform = arb(0)
        for cell in rr:
            uniform += exact(sum((r[x] for x in cell), Fraction(0))) * _ball(
                focal_loss(gamma, Fraction(1, len(cell))))
        options.append(uniform)
        options.append(h - log_m + (exact(codewords) * exact(max(r))).log1p())
        if log_loss is not None and log_loss_partitions:
            options.append(log_loss)
        achievability = options[0]
        for option in options[1:]:
            achievability = arb.min(achievability, option)
    return AverageBoundBalls(converse, achievability)


def _canonical(partition: Sequence[Sequence[int]]) -> list[list[int]]:
    return sorted(sorted(cell) for cell in partition)

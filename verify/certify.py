"""Interval arithmetic and branch-and-bound for the certified checks.

The certified checks use a rigorous interval arithmetic: every operation returns an
interval that contains the exact result, for + − × ÷, ``exp`` and ``log`` (only
these operations are used here).  Two arithmetics implement them
(:mod:`focalrd.numeric.intervals`): Arb balls through python-flint (the
``rigorous`` extra, used when installed: :func:`interval_precision` picks it) and
mpmath's ``iv`` context (outward-rounded endpoints; the fallback).  The checks
call :func:`exp`, :func:`log`, :func:`point`, :func:`exact_interval`,
:func:`box_interval`, :func:`lower` and :func:`upper` of this module, which act in
the arithmetic of the innermost :func:`interval_precision` block;
:func:`arithmetic_name` says which one ran.

Two branch-and-bound drivers work on a real interval [lo, hi]:

* :func:`certify_on` proves a property box by box: a box on which the
  interval test succeeds is done, otherwise it is bisected; the search fails
  (and returns the box) when a box can no longer be split or the box budget
  is spent.
* :func:`enclose_maximum` encloses sup f over [lo, hi] in [L, U]: L is a
  certified lower bound of f at a point, U a certified upper bound of f on
  every box not discarded; boxes whose upper bound is at most L are
  discarded, the others are split best-first until U − L ≤ tolerance.

Box endpoints are ordinary mpf numbers; adjacent boxes share the split point,
so the boxes always cover [lo, hi] exactly.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric.intervals import Intervals, MpmathIntervals, preferred

__all__ = [
    "Certificate",
    "MaximumEnclosure",
    "arithmetic_name",
    "box_interval",
    "certify_on",
    "enclose_maximum",
    "exact_interval",
    "exp",
    "interval_precision",
    "log",
    "lower",
    "point",
    "split",
    "upper",
]

Box = tuple[mpmath.mpf, mpmath.mpf]

#: The arithmetics of the open interval_precision blocks (innermost last).
_ACTIVE: list[Intervals] = [MpmathIntervals()]


@contextmanager
def interval_precision(dps: int, arithmetic: Intervals | None = None) -> Iterator[None]:
    """Run with interval arithmetic (and ``mp``, for box endpoints) at ``dps`` digits.

    ``arithmetic`` defaults to :func:`focalrd.numeric.intervals.preferred` (Arb when
    python-flint is installed, else mpmath's ``iv``).
    """
    chosen = arithmetic if arithmetic is not None else preferred()
    _ACTIVE.append(chosen)
    try:
        with chosen.precision(dps):
            yield
    finally:
        _ACTIVE.pop()


def _current() -> Intervals:
    return _ACTIVE[-1]


def arithmetic_name() -> str:
    """The name of the arithmetic in use ("arb" or "mpmath-iv")."""
    return _current().name


def exact_interval(x: Fraction | int) -> Any:
    """The tightest interval at the current precision containing the exact ``x``.

    >>> with interval_precision(20):
    ...     residual = 1 - 3 * exact_interval(Fraction(1, 3))   # encloses 0
    ...     bool(lower(residual) <= 0 <= upper(residual))
    True
    """
    return _current().exact(x)


def point(x: mpmath.mpf) -> Any:
    """The binary number ``x`` as an interval (exact)."""
    return _current().point(x)


def exp(x: Any) -> Any:
    """e^x of an interval."""
    return _current().exp(x)


def log(x: Any) -> Any:
    """ln x of an interval."""
    return _current().log(x)


def lower(x: Any) -> mpmath.mpf:
    """A lower bound of every point of an interval (its lower end), as an mpf."""
    return _current().lower(x)


def upper(x: Any) -> mpmath.mpf:
    """An upper bound of every point of an interval (its upper end), as an mpf."""
    return _current().upper(x)


def box_interval(box: Box) -> Any:
    """The box [a, b] as an interval (exact: a and b are binary numbers)."""
    return _current().box(box[0], box[1])


def split(box: Box) -> tuple[Box, Box] | None:
    """Bisect ``box``; geometrically when it spans a large ratio of positive numbers.

    Returns None when the box is too narrow to split at the working precision.
    """
    lo, hi = box
    mid = mp.sqrt(lo * hi) if lo > 0 and hi > 4 * lo else (lo + hi) / 2
    if not lo < mid < hi:
        return None
    return (lo, mid), (mid, hi)


@dataclass(frozen=True)
class Certificate:
    """Outcome of :func:`certify_on`: ``holds`` on every box, or the first box it failed on."""

    holds: bool
    boxes: int
    failed_box: Box | None = None
    deepest_width: mpmath.mpf | None = None


def certify_on(test: Callable[[Box], bool], lo: mpmath.mpf, hi: mpmath.mpf,
               max_boxes: int = 100_000) -> Certificate:
    """Prove ``test(box)`` on boxes covering [lo, hi], bisecting where it does not succeed.

    ``test`` must return True only if the property is certified on the whole
    box (from interval evaluations).  ``boxes`` counts the boxes on which it
    succeeded.
    """
    stack: list[Box] = [(mp.mpf(lo), mp.mpf(hi))]
    proved = 0
    narrowest = hi - lo
    evaluated = 0
    while stack:
        box = stack.pop()
        evaluated += 1
        if test(box):
            proved += 1
            narrowest = min(narrowest, box[1] - box[0])
            continue
        halves = split(box)
        if halves is None or evaluated >= max_boxes:
            return Certificate(False, proved, box, narrowest)
        stack.extend(reversed(halves))
    return Certificate(True, proved, None, narrowest)


@dataclass(frozen=True)
class MaximumEnclosure:
    """sup f over the searched range lies in [lower, upper]; ``argmax_box`` holds the best box."""

    lower: mpmath.mpf
    upper: mpmath.mpf
    boxes: int
    argmax_box: Box
    converged: bool


def enclose_maximum(upper_bound: Callable[[Box], mpmath.mpf],
                    lower_bound_at: Callable[[mpmath.mpf], mpmath.mpf],
                    lo: mpmath.mpf, hi: mpmath.mpf, tolerance: mpmath.mpf,
                    max_boxes: int = 100_000) -> MaximumEnclosure:
    """Enclose sup_{x ∈ [lo, hi]} f(x) by best-first branch-and-bound.

    ``upper_bound(box)`` must be ≥ f on the whole box and ``lower_bound_at(x)``
    ≤ f(x) (both from interval evaluations).  Boxes are split, largest upper
    bound first, until the largest remaining upper bound is within
    ``tolerance`` of the best certified lower bound.
    """
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    best_lower = lower_bound_at((lo + hi) / 2)
    heap: list[tuple[mpmath.mpf, int, Box]] = []
    counter = 0

    def push(box: Box) -> None:
        nonlocal counter, best_lower
        bound = upper_bound(box)
        best_lower = max(best_lower, lower_bound_at((box[0] + box[1]) / 2))
        if bound > best_lower:
            heapq.heappush(heap, (-bound, counter, box))
        counter += 1

    push((lo, hi))
    while heap:
        neg_bound, _, box = heap[0]
        if -neg_bound - best_lower <= tolerance or counter >= max_boxes:
            break
        heapq.heappop(heap)
        halves = split(box)
        if halves is None:
            heapq.heappush(heap, (neg_bound, counter, box))
            counter += 1
            break
        for half in halves:
            push(half)
    if not heap:  # every box was below a certified point value: that value is the max
        return MaximumEnclosure(best_lower, best_lower, counter, (lo, hi), True)
    neg_bound, _, box = heap[0]
    upper = -neg_bound
    return MaximumEnclosure(best_lower, upper, counter, box, upper - best_lower <= tolerance)

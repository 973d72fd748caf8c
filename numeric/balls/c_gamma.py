"""Balls for the maximiser p* of the gap h_γ and for c_γ = h_γ(p*) (γ > 0).

    h_γ(p) = (1 − (1 − p)^γ) ln(1/p),    c_γ = sup_{p ∈ (0, 1]} h_γ(p).

With S(p) = p·h_γ'(p) = γ p (1 − p)^(γ−1) ln(1/p) − (1 − (1 − p)^γ) and
S'(p) = γ (1 − p)^(γ−2) ((1 − γp) ln(1/p) − 2(1 − p)):

1. *Ends.*  h_γ ≤ γ δ ln(1/δ)/(1 − δ) on (0, δ] (1 − (1−p)^γ ≤ γp/(1 − p), and p ln(1/p)
   increases there) and h_γ ≤ ln(1/p) ≤ δ'/(1 − δ') on [1 − δ', 1]; δ and δ' are
   chosen so that both bounds are below a certified value h_γ(p̂) at an approximate
   maximiser p̂ (from :mod:`focalrd.numeric.c_gamma`).
2. *Isolation.*  On [δ, 1 − δ'] boxes are bisected (geometrically across decades)
   until the ball S(box) has a sign or the box is narrow: h increases on the boxes
   with S > 0 and decreases on those with S < 0.  If these come in the order
   increasing, undecided, decreasing, the maximum of h lies in the interval I the
   undecided boxes cover.
3. *Root.*  An interval Newton step on S over I with S' < 0 on I proves that S has
   exactly one root in I, where it changes sign from + to −: the maximiser p*.  Newton
   steps at doubling precision refine it, and a final interval Newton step inside I
   encloses it at the working precision; c_γ = h_γ(ball of p*).

Anything that does not come out as described raises
:class:`~focalrd.numeric.balls.arith.Undecided` rather than returning a ball that
might not contain c_γ.
"""

from __future__ import annotations

from fractions import Fraction

from mpmath import mp

from focalrd.numeric.balls.arith import (
    Undecided,
    arb,
    current_bits,
    exact,
    from_mpf,
    working_bits,
)
from focalrd.numeric.balls.tau import interval_newton_root
from focalrd.numeric.c_gamma import c_gamma_maximizer as approximate_maximizer
from focalrd.numeric.errors import InvalidInputError

__all__ = [
    "c_gamma",
    "gap",
    "gap_maximizer",
    "gap_stationarity",
    "gap_stationarity_slope",
]

#: Precision (bits) of the isolation stage, and the relative width of its narrowest box.
_ISOLATION_BITS = 96
_NARROW = 2**-36
#: Boxes the isolation may evaluate before giving up.
_MAX_BOXES = 20_000


def gap(gamma: Fraction, p: arb) -> arb:
    """h_γ(p) = (1 − (1 − p)^γ) ln(1/p) on a ball p ⊂ (0, 1)."""
    return -(exact(gamma) * (-p).log1p()).expm1() * -p.log()


def gap_stationarity(gamma: Fraction, p: arb) -> arb:
    """S(p) = p·h_γ'(p) = γ p (1 − p)^(γ−1) ln(1/p) − (1 − (1 − p)^γ)."""
    g = exact(gamma)
    log_q = (-p).log1p()
    return g * p * ((g - 1) * log_q).exp() * -p.log() + (g * log_q).expm1()


def gap_stationarity_slope(gamma: Fraction, p: arb) -> arb:
    """S'(p) = γ (1 − p)^(γ−2) ((1 − γp) ln(1/p) − 2(1 − p))."""
    g = exact(gamma)
    return g * ((g - 2) * (-p).log1p()).exp() * ((1 - g * p) * -p.log() - 2 * (1 - p))


def _ends(gamma: Fraction, floor: arb) -> tuple[Fraction, Fraction]:
    """δ, δ' with the two end bounds of h_γ below ``floor`` (a certified h_γ value)."""
    g = exact(gamma)
    delta = Fraction(1, 4)
    for _ in range(200):
        bound = g * exact(delta) * -exact(delta).log() / (1 - exact(delta))
        if bound < floor:
            break
        delta *= delta if delta < Fraction(1, 2**16) else Fraction(1, 16)
    else:
        raise Undecided("no small-p end bound of the gap below its value")
    # On [1 − δ', 1], u = 1 − p ≤ δ' ≤ 1/4: ln(1/p) ≤ u/p ≤ 2u, and 1 − (1 − p)^γ =
    # 1 − e^(γ ln u) ≤ min(1, γ ln(1/u)); u ln(1/u) increases on (0, 1/e), so
    # h_γ ≤ min(2δ', 2γ δ' ln(1/δ')).  The γ factor matters for small γ, where h_γ ≈ γ·O(1)
    # everywhere: without it the end came within ~γ of 1, where no box decides the sign.
    high = Fraction(1, 4)
    for _ in range(4000):
        d = exact(high)
        if min(2 * d, 2 * g * d * -d.log()) < floor:
            break
        high /= 2
    else:
        raise Undecided("no end bound of the gap near p = 1 below its value")
    return delta, high


def _split(lo: Fraction, hi: Fraction) -> Fraction:
    """A dyadic split point: geometric (a power of two) across decades, else the middle."""
    if hi > 8 * lo:
        point = Fraction(1)
        while point >= hi:
            point /= 2
        while point / 2 > lo and point / 2 * 8 > hi:
            point /= 2
        if lo < point < hi:
            return point
    return (lo + hi) / 2


def _isolate(gamma: Fraction, lo: Fraction, hi: Fraction) -> tuple[Fraction, Fraction]:
    """The interval I of step 2 (ends exact), in which the maximum of h_γ on [lo, hi] lies."""
    labels: list[tuple[int, Fraction, Fraction]] = []  # (sign of S or 0, box), left to right
    stack = [(lo, hi)]
    evaluated = 0
    while stack:
        a, b = stack.pop()
        evaluated += 1
        if evaluated > _MAX_BOXES:
            raise Undecided("the maximiser of the gap could not be isolated")
        s = gap_stationarity(gamma, exact(a).union(exact(b)))
        if s > 0 or s < 0:
            labels.append((1 if s > 0 else -1, a, b))
        elif b - a <= a * _NARROW:
            labels.append((0, a, b))
        else:
            mid = _split(a, b)
            stack.extend([(mid, b), (a, mid)])
    order = [label for label, _, _ in labels]
    undecided = [i for i, label in enumerate(order) if label == 0]
    if not undecided:
        raise Undecided("the gap's stationarity has no root left undecided")
    first, last = undecided[0], undecided[-1]
    if (any(label != 1 for label in order[:first]) or any(label != 0 for label in
                                                          order[first:last + 1])
            or any(label != -1 for label in order[last + 1:])):
        raise Undecided("the gap is not seen to rise, peak once and fall")
    return labels[first][1], labels[last][2]


def gap_maximizer(gamma: Fraction) -> arb:
    """A ball containing the maximiser p* of h_γ on (0, 1] (γ > 0), at the working precision.

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(80):
    ...     print(gap_maximizer(Fraction(1)).str(15, radius=False))   # 1/e
    0.367879441171442
    """
    gamma = Fraction(gamma)
    if gamma <= 0:
        raise InvalidInputError("gamma", "a number > 0 (h_0 vanishes identically)", gamma)
    bits = current_bits()
    if gamma == 1:
        with working_bits(bits + 10):
            return arb(-1).exp()
    with working_bits(_ISOLATION_BITS):
        with mp.workprec(_ISOLATION_BITS):
            guess = approximate_maximizer(gamma)
        floor = gap(gamma, from_mpf(guess))
        delta, delta_high = _ends(gamma, floor)
        a, b = _isolate(gamma, delta, 1 - delta_high)
        box = exact(a).union(exact(b))
        slope = gap_stationarity_slope(gamma, box)
        middle = exact((a + b) / 2)
        newton = middle - gap_stationarity(gamma, middle) / slope
        if not (slope < 0 and box.contains(newton)):
            raise Undecided("the maximiser of the gap is not proven unique in its interval")
    # refine the midpoint by Newton steps at doubling precision, then enclose
    centre, precision = newton.mid(), _ISOLATION_BITS
    while precision < bits + 20:
        precision = min(2 * precision, bits + 20)
        with working_bits(precision):
            for _ in range(2):
                centre = (centre - gap_stationarity(gamma, centre)
                          / gap_stationarity_slope(gamma, centre)).mid()
    with working_bits(bits + 20):
        root = interval_newton_root(lambda p: gap_stationarity(gamma, p),
                                    lambda p: gap_stationarity_slope(gamma, p), centre)
        if not box.contains(root):
            raise Undecided("the refined maximiser left its isolating interval")
        return root


def c_gamma(gamma: Fraction, maximizer: arb | None = None) -> arb:
    """A ball containing c_γ = sup_p (1 − (1 − p)^γ) ln(1/p); 0 at γ = 0, 1/e at γ = 1.

    ``maximizer`` is a ball of p* from :func:`gap_maximizer` (computed when not given).

    >>> from focalrd.numeric.balls.arith import working_bits
    >>> with working_bits(80):
    ...     print(c_gamma(Fraction(2)).str(15, radius=False))
    0.614043224008560
    """
    gamma = Fraction(gamma)
    if gamma == 0:
        return arb(0)
    if gamma == 1:
        with working_bits(current_bits() + 10):
            return arb(-1).exp()
    p = gap_maximizer(gamma) if maximizer is None else maximizer
    with working_bits(current_bits() + 20):
        return gap(gamma, p)

"""Balls for the saddlepoint APPROXIMATION's own value (not for D* or ε* themselves).

The saddlepoint quantities of :mod:`focalrd.numeric.blocks.saddlepoint` are
approximations; what is proven here is the value of that *formula*: every
intermediate number of the code's definition is enclosed, so the printed digits are
the correct rounding of the approximation, not digits of D* or ε*.

* the saddlepoint ŝ, the root of κ'(s) = t/n (κ' is strictly increasing: κ'' is the
  variance of a tilted law on two or more distinct values), by interval Newton
  around the float approximation (:func:`.tau.interval_newton_root`), also for a
  threshold t known only as a ball;
* the Lugannani–Rice tails evaluated on those balls (w² = 2(ŝt − nκ(ŝ)) shown > 0;
  Φ(w) through Arb's rigorous erfc);
* a continuous threshold t (P[S ≥ t] = ε, or ln N{S ≤ t} = ln(M·L)) by a certified
  sign change of the (monotone) equation at t̂ ± δ around the float root;
* a lattice crossing level by the code's own walk, each comparison decided by a ball.

Near ŝ = 0 (or ŝ = 1 for the count) the code switches to the formula's limit at the
mean, which is not the formula's value: :class:`Singular` is raised there, and
``focalrd eval`` confirms instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.balls.arith import (
    Undecided,
    arb,
    current_bits,
    exact,
    from_mpf,
    sign,
    working_bits,
)
from focalrd.numeric.balls.phi import focal_loss
from focalrd.numeric.balls.tau import interval_newton_root

__all__ = [
    "SaddleBalls",
    "Singular",
    "distortion",
    "excess",
    "least_count_log",
]

#: Guard bits of the ball evaluation over the caller's working precision.
_GUARD = 16
#: Precision of the float searches that only supply starting points (refined by Newton).
_START_BITS = 53
_NEWTON_STEPS = 40


class Singular(Exception):
    """The formula is at its removable singularity (or has no root where the float
    search ended): the code's value there is not the formula's, so it is not enclosed."""


@dataclass(frozen=True)
class Moments:
    """κ(s), κ'(s), κ''(s) for the single-letter information density, as balls."""

    kappa: arb
    mean: arb
    var: arb


class SaddleBalls:
    """Ball counterpart of the float ``_Tails`` (which supplies the approximations)."""

    def __init__(self, tails) -> None:
        grouped = tails.c.grouped
        self.tails = tails
        self.n = tails.n
        self.mult = [exact(m) for m in grouped.multiplicities]
        self.info = [-exact(v).log() for v in grouped.values]
        self.offset = self.info[0]
        self.support = grouped.support
        steps = tails.c.lattice_steps
        self.h: arb | None = None
        if steps is not None:
            i = next(i for i, k in enumerate(steps) if k)
            self.h = exact(Fraction(grouped.values[0]) / grouped.values[i]).log() / steps[i]

    # -- cumulants ------------------------------------------------------------------
    def moments(self, s: arb) -> Moments:
        """κ(s) = ln Σ m_x e^{(s−1) i_x} and its first two derivatives (a shift keeps
        the exponentials in range: κ = c + ln Σ m_x e^{(s−1) i_x − c} for any c)."""
        logs = [m.log() + (s - 1) * i for m, i in zip(self.mult, self.info, strict=True)]
        top = max((x.mid() for x in logs), key=lambda x: float(x))
        weights = [(x - top).exp() for x in logs]
        total = sum(weights, arb(0))
        mean = sum((w * i for w, i in zip(weights, self.info, strict=True)), arb(0)) / total
        var = sum((w * (i - mean) ** 2 for w, i in zip(weights, self.info, strict=True)),
                  arb(0)) / total
        return Moments(top + total.log(), mean, var)

    def saddle(self, t: arb) -> arb:
        """ŝ with κ'(ŝ) = t/n for every t in the ball (interval Newton; κ'' > 0).

        The approximation to start from: the float search at 53 bits, then Newton's
        method on the midpoints at the working precision (quadratic: a few steps)."""
        with mp.workprec(_START_BITS):
            s = from_mpf(self.tails.saddle(_mpf(t)))
        target = t.mid() / self.n
        tolerance = arb(2) ** (8 - current_bits())
        for _ in range(_NEWTON_STEPS):
            m = self.moments(s)
            step = ((m.mean - target) / m.var).mid()
            s = (s - step).mid()
            if abs(step) < tolerance * (abs(s) + 1):
                break
        target = t / self.n
        return interval_newton_root(lambda s: self.moments(s).mean - target,
                                    lambda s: self.moments(s).var, s, positive=False)

    # -- the tail formula -----------------------------------------------------------
    def _away_from_mean(self, s: arb) -> None:
        if not abs(s) > arb(2) ** (-(current_bits() // 4)):
            raise Singular("the saddlepoint is at the mean, where the code uses the "
                           "formula's limit (not its value)")

    def _lugannani_rice(self, s: arb, t: arb, k_value: arb, k2: arb, upper: bool) -> arb:
        self._away_from_mean(s)
        w2 = 2 * (s * t - k_value)
        if not w2 > 0:
            raise Undecided("w^2 of the Lugannani-Rice formula is not shown positive")
        w = w2.sqrt() * sign(s, "the saddlepoint")
        if self.h is None:
            u = s * k2.sqrt()
        elif upper:
            u = -(-s * self.h).expm1() * k2.sqrt() / self.h
        else:
            u = (s * self.h).expm1() * k2.sqrt() / self.h
        density = (-w * w / 2).exp() / (2 * arb.pi()).sqrt()
        root2 = arb(2).sqrt()
        if upper:
            return (w / root2).erfc() / 2 + density * (1 / u - 1 / w)
        return (-w / root2).erfc() / 2 + density * (1 / w - 1 / u)

    def upper(self, t: arb) -> arb:
        """P[S ≥ t] by the (lattice) Lugannani–Rice formula."""
        s = self.saddle(t)
        m = self.moments(s)
        return self._lugannani_rice(s, t, self.n * m.kappa, self.n * m.var, upper=True)

    def lower_count_log(self, t: arb) -> arb:
        """ln N{S ≤ t} = n ln k + ln P_U[S ≤ t] (U uniform on the support)."""
        s = self.saddle(t)
        m = self.moments(s)
        log_k = exact(self.support).log()
        tail = self._lugannani_rice(s - 1, t, self.n * (m.kappa - log_k), self.n * m.var,
                                    upper=False)
        if not tail > 0:
            raise Undecided("the count's tail is not shown positive")
        return self.n * log_k + tail.log()

    # -- thresholds -----------------------------------------------------------------
    def level(self, j: int) -> arb:
        """The lattice point n·offset + j·h."""
        assert self.h is not None
        return self.n * self.offset + j * self.h

    def bracket(self, equation: Callable[[arb], arb], approximation: mpmath.mpf,
                increasing: bool) -> arb:
        """A ball containing a root of the monotone ``equation`` near the float root:
        the root refined by the secant method on midpoints, then a sign change at
        t̂ ± δ decided by balls (δ grows on an undecided sign)."""
        centre = _secant(lambda x: equation(x).mid(), from_mpf(approximation))
        scale = abs(centre) + 1
        direction = 1 if increasing else -1
        for shift in (16, 64, current_bits() // 3):
            delta = (scale * arb(2) ** (shift - current_bits())).upper()
            try:
                left = sign(equation(centre - delta), "the threshold equation")
                right = sign(equation(centre + delta), "the threshold equation")
            except Undecided:
                continue
            if left == -direction and right == direction:
                return centre + arb(0, delta)
            if left == right and left != 0:
                raise Singular("the threshold equation has no root where the float search "
                               "ended (its root is outside the searched range)")
        raise Undecided("no certified sign change of the threshold equation")


def _secant(f: Callable[[arb], arb], x0: arb) -> arb:
    """A root of f near x0 at the working precision (secant steps on exact points)."""
    scale = abs(x0) + 1
    tolerance = (scale * arb(2) ** (8 - current_bits())).mid()
    x1 = (x0 + scale * arb(2) ** -30).mid()
    f0, f1 = f(x0), f(x1)
    for _ in range(_NEWTON_STEPS):
        if f1 == f0:
            break
        x2 = (x1 - f1 * (x1 - x0) / (f1 - f0)).mid()
        x0, f0, x1, f1 = x1, f1, x2, f(x2)
        if abs(x1 - x0) < tolerance:
            break
    return x1


def _mpf(x: arb) -> mpmath.mpf:
    """The midpoint of a ball as an mpf (an approximation to start from)."""
    man, exp = x.mid().man_exp()
    return mp.ldexp(mp.mpf(int(man)), int(exp))


def _less(x: arb, y: arb, what: str) -> bool:
    """x < y, decided by a ball (Undecided when x − y contains 0)."""
    return sign(x - y, what) < 0


def least_count_log(source, n: int, eps: Fraction) -> arb:
    """A ball of the approximation's ln K* (the code's ``saddlepoint_least_count``)."""
    from focalrd.numeric.blocks.saddlepoint import eps_threshold

    bits = current_bits()
    with working_bits(bits + _GUARD):
        with mp.workprec(_START_BITS):
            tails, t_hat = eps_threshold(source, n, eps)
        balls = SaddleBalls(tails)
        e = exact(eps)
        if balls.h is None:
            t = balls.bracket(lambda x: balls.upper(x) - e, t_hat, increasing=False)
            return balls.lower_count_log(t)
        with mp.workprec(_START_BITS):
            j = int(mp.floor((t_hat - n * tails.offset) / tails.h
                             + mp.ldexp(1, -(mp.prec // 2))))
        # the code's walk to the crossing level: P[S ≥ t_j] > ε ≥ P[S ≥ t_j + h]
        while _less(e, balls.upper(balls.level(j + 1)), "P[S >= t] - eps"):
            j += 1
        while not _less(e, balls.upper(balls.level(j)), "P[S >= t] - eps"):
            j -= 1
            if j < 0:
                raise Singular("the crossing level is below the least information density")
        t_j = balls.level(j)
        partial = (balls.upper(t_j) - e) * t_j.exp()
        if j == 0:
            return partial.log()
        return (balls.lower_count_log(balls.level(j - 1)).exp() + partial).log()


def distortion(source, gamma: Fraction, n: int, log_m: arb, eps: Fraction
               ) -> tuple[arb | Fraction, arb]:
    """(the approximation's D* = φ_γ(1/L)/n, its ln K*) as balls (D* exact 0 when L = 1):
    the code's ``saddlepoint_distortion``, L = ⌈K*/M⌉ decided while ln L < 40."""
    log_k = least_count_log(source, n, eps)
    log_l = log_k - log_m
    if sign(log_l, "ln K* - ln M") <= 0:
        return Fraction(0), log_k
    if _less(log_l, arb(40), "ln L - 40"):
        ceiling = log_l.exp().ceil().unique_fmpz()
        if ceiling is None:
            raise Undecided("K*/M is too close to an integer to decide its ceiling")
        return focal_loss(gamma, Fraction(1, int(ceiling))) / n, log_k
    value = log_l if gamma == 0 else \
        (exact(gamma) * (-(-log_l).exp()).log1p()).exp() * log_l
    return value / n, log_k


def excess(source, n: int, log_covered: arb, covered: int | None = None) -> arb | Fraction:
    """A ball of the approximation's ε* (the code's ``saddlepoint_excess``) for
    ln(M·L) = ``log_covered`` (``covered`` = M·L when it is known exactly)."""
    from focalrd.numeric.blocks.saddlepoint import _check, _Tails, count_threshold

    bits = current_bits()
    with working_bits(bits + _GUARD):
        grouped = _check(source, n)
        if covered is not None:
            if covered >= grouped.support ** n:
                return Fraction(0)
        elif not _less(log_covered, n * exact(grouped.support).log(), "ln(ML) - n ln k"):
            return Fraction(0)
        with mp.workprec(_START_BITS):
            tails = _Tails(grouped, n)
            t_hat = count_threshold(tails, _mpf(log_covered))
        balls = SaddleBalls(tails)
        if balls.h is None:
            t = balls.bracket(lambda x: balls.lower_count_log(x) - log_covered, t_hat,
                              increasing=True)
            return balls.upper(t)
        with mp.workprec(_START_BITS):
            j = int(mp.ceil((t_hat - n * tails.offset) / tails.h
                            - mp.ldexp(1, -(mp.prec // 2))))
        # the code's walk down: whole levels while N{S ≤ t_j − h} ≥ M·L
        while j >= 1 and not _less(balls.lower_count_log(balls.level(j - 1)), log_covered,
                                   "ln N{S <= t} - ln(ML)"):
            j -= 1
        before = balls.lower_count_log(balls.level(j - 1)).exp() if j >= 1 else arb(0)
        total = exact(covered) if covered is not None else log_covered.exp()
        t_j = balls.level(j)
        value = balls.upper(t_j) - (total - before) * (-t_j).exp()
        return value if sign(value, "the uncovered mass") > 0 else Fraction(0)

"""Reference implementations for the claim checks, independent of ``focalrd.numeric``.

A check that compares the library with a value computed by the library proves
nothing.  The functions here are written from the definitions alone, with
plain mpmath and Python integers, and share no code with ``focalrd.numeric``
(this module must never import it; ``tests/test_independent_references.py``
checks that).  They favour transparency over speed:

* :func:`phi`, :func:`phi_prime`, :func:`phi_second`: the focal-loss profile
  φ_γ(p) = (1 − p)^γ ln(1/p) and its two derivatives, straight from the formulas;
* :func:`log_inverse_tau`, :func:`tau`: the root t of ln t + γ ln(1 − e^(−t)) = ln d
  (the defining equation φ_γ(e^(−t)) = d in logarithms) by ``mpmath.findroot``
  on a bracket, and τ = e^(−t);
* :func:`c_gamma`: c_γ = h_γ(p*) at the root p* of the stationarity equation
  h_γ'(p) = 0, bracketed on a grid and refined by ``mpmath.findroot``;
* :func:`least_count`, :func:`list_size`, :func:`dstar`: K*, L* = ⌈K*/M⌉ and
  D*_γ = φ_γ(1/L*)/n by sorting every type class of X^n in exact integer
  arithmetic (feasible for binary sources to n of a few thousand, ternary to a
  few hundred).

Every mpmath function works at the current precision plus guard digits and
rounds once.

>>> from fractions import Fraction as F
>>> mp.dps = 15
>>> least_count((F(9, 10), F(1, 10)), 10, F(1, 10))   # 11 + 39 sequences reach 0.9
50
>>> print(tau(0, 1))                                   # e^-1
0.367879441171442
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from fractions import Fraction
from functools import reduce

import mpmath
from mpmath import mp

_GUARD_DPS = 15


def number(x: Fraction | int | str | mpmath.mpf) -> mpmath.mpf:
    """An exact number (Fraction, int, decimal string) or mpf as an mpf at the working precision."""
    if isinstance(x, mpmath.mpf):
        return x
    x = Fraction(x)
    return mp.mpf(x.numerator) / x.denominator


def _one_minus(p: Fraction | int | mpmath.mpf) -> mpmath.mpf:
    """1 − p, exact before rounding when p is exact (no cancellation near p = 1)."""
    if isinstance(p, mpmath.mpf):
        return 1 - p
    return number(1 - Fraction(p))


def _log_inverse(p: Fraction | int | mpmath.mpf) -> mpmath.mpf:
    """ln(1/p), through log1p(−(1 − p)) when p is near 1."""
    q = _one_minus(p)
    return -mp.log1p(-q) if q < 0.5 else -mp.log(number(p))


def phi(gamma, p) -> mpmath.mpf:
    """φ_γ(p) = (1 − p)^γ ln(1/p) for γ ≥ 0, p ∈ (0, 1]; φ_γ(1) = 0."""
    if p == 1:
        return mp.zero
    with mp.workdps(mp.dps + _GUARD_DPS):
        value = _log_inverse(p) if gamma == 0 else \
            mp.power(_one_minus(p), number(gamma)) * _log_inverse(p)
    return +value


def phi_prime(gamma, p) -> mpmath.mpf:
    """φ_γ'(p) = −(1 − p)^(γ−1) (γ ln(1/p) + (1 − p)/p) on (0, 1)."""
    with mp.workdps(mp.dps + _GUARD_DPS):
        q, g = _one_minus(p), number(gamma)
        value = -mp.power(q, g - 1) * (g * _log_inverse(p) + q / number(p))
    return +value


def phi_second(gamma, p) -> mpmath.mpf:
    """φ_γ''(p) = (1 − p)^(γ−2) (γ(γ−1) ln(1/p) + 2γ (1 − p)/p + ((1 − p)/p)²) on (0, 1)."""
    with mp.workdps(mp.dps + _GUARD_DPS):
        q, g = _one_minus(p), number(gamma)
        s = q / number(p)
        value = mp.power(q, g - 2) * (g * (g - 1) * _log_inverse(p) + 2 * g * s + s * s)
    return +value


def log_inverse_tau(gamma, d) -> mpmath.mpf:
    """t = ln(1/τ_γ(d)): the root of ln t + γ ln(1 − e^(−t)) − ln d (t = d at γ = 0).

    The left side increases in t; the bracket [d, hi] holds the root
    (F(d) = d (1 − e^(−d))^γ ≤ d, and hi is doubled until F(hi) ≥ d).
    """
    if d < 0:
        raise ValueError("d must be >= 0")
    if gamma == 0 or d == 0:
        return +number(d)
    with mp.workdps(mp.dps + _GUARD_DPS):
        g, target = number(gamma), mp.log(number(d))

        def equation(t: mpmath.mpf) -> mpmath.mpf:
            return mp.log(t) + g * mp.log(-mp.expm1(-t)) - target

        lo, hi = number(d), number(d) + 1
        while equation(hi) < 0:
            hi *= 2
        if equation(lo) >= 0:        # only when (1 − e^(−d))^γ rounds to 1
            return +lo
        root = mp.findroot(equation, (lo, hi), solver="anderson")
    return +root


def tau(gamma, d) -> mpmath.mpf:
    """τ_γ(d) = e^(−t), t = :func:`log_inverse_tau` (the p with φ_γ(p) = d)."""
    with mp.workdps(mp.dps + _GUARD_DPS):
        value = mp.exp(-log_inverse_tau(gamma, d))
    return +value


def c_gamma(gamma) -> mpmath.mpf:
    """c_γ = sup_p (1 − (1 − p)^γ) ln(1/p), at the root of the stationarity equation.

    h_γ'(p) = γ (1 − p)^(γ−1) ln(1/p) − (1 − (1 − p)^γ)/p is positive near 0 and
    negative near 1 (γ > 0); a sign change is bracketed on the grid p = 2^−j,
    1 − 2^−j and refined by ``mpmath.findroot`` (Anderson–Björck).  c_0 = 0.
    """
    if gamma == 0:
        return mp.zero
    with mp.workdps(mp.dps + _GUARD_DPS):
        g = number(gamma)

        def gap(p: mpmath.mpf) -> mpmath.mpf:
            return -mp.expm1(g * mp.log1p(-p)) * -mp.log(p)

        def slope(p: mpmath.mpf) -> mpmath.mpf:
            return g * mp.power(1 - p, g - 1) * -mp.log(p) + mp.expm1(g * mp.log1p(-p)) / p

        grid = sorted([1 - mp.mpf(2) ** -j for j in range(1, 12)]
                      + [mp.mpf(2) ** -j for j in range(1, 80)])
        for left, right in zip(grid, grid[1:], strict=False):
            if slope(left) > 0 > slope(right):
                value = gap(mp.findroot(slope, (left, right), solver="anderson"))
                break
        else:
            raise ArithmeticError(f"no sign change of h' bracketed for gamma = {gamma}")
    return +value


# -- K*, L* and D* by an exact sort of the type classes -------------------------------------


def _compositions(n: int, k: int) -> Iterator[tuple[int, ...]]:
    """Every (c_1, ..., c_k) of non-negative integers with sum n."""
    if k == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, k - 1):
            yield (first, *rest)


def type_classes(source: Sequence[Fraction], n: int) -> tuple[list[tuple[int, int]], int]:
    """The type classes of X^n as (weight, size), sorted by weight (largest first), and q^n.

    With p_i = a_i / q over a common denominator q, a sequence of type c has
    probability Π a_i^(c_i) / q^n (its *weight* is the integer numerator) and its
    class has n! / Π c_i! members.  Symbols of probability 0 are dropped.
    """
    probs = [Fraction(p) for p in source if Fraction(p) > 0]
    if sum(probs) != 1:
        raise ValueError("the source must sum to 1")
    q = reduce(math.lcm, (p.denominator for p in probs), 1)
    numerators = [p.numerator * (q // p.denominator) for p in probs]
    classes = []
    for counts in _compositions(n, len(probs)):
        weight, size, left = 1, 1, n
        for a, c in zip(numerators, counts, strict=True):
            weight *= a**c
            size *= math.comb(left, c)
            left -= c
        classes.append((weight, size))
    classes.sort(key=lambda item: item[0], reverse=True)
    return classes, q**n


def least_count(source: Sequence[Fraction], n: int, eps: Fraction) -> int:
    """K* = min{K : the K most likely sequences of X^n carry mass ≥ 1 − ε}, exactly."""
    eps = Fraction(eps)
    classes, total = type_classes(source, n)
    # mass >= 1 - eps  <=>  den * (sum of weights) >= (den - num) * q^n
    target = (eps.denominator - eps.numerator) * total
    mass, count = 0, 0
    for weight, size in classes:
        if eps.denominator * (mass + size * weight) >= target:
            needed = target - eps.denominator * mass
            return count + -(-needed // (eps.denominator * weight))
        mass += size * weight
        count += size
    raise ArithmeticError("the classes do not reach mass 1 - eps")  # sum is 1 > 1 - eps


def list_size(k: int, m: int) -> int:
    """L* = ⌈K*/M⌉."""
    return -(-k // m)


def codebook_size(n: int, rate: Fraction) -> int:
    """M = ⌊e^(nR)⌋ for a rate R > 0 in nats (nR is irrational's exponent: never an integer)."""
    x = Fraction(rate) * n
    with mp.workdps(int(x / 2) + 30):   # e^x has about x / ln 10 digits before the point
        value = mp.exp(number(x))
        floor = int(mp.floor(value))
        if value - floor < mp.mpf(10) ** -20 or floor + 1 - value < mp.mpf(10) ** -20:
            raise ArithmeticError("e^(nR) too close to an integer to take its floor")
    return max(1, floor)


def dstar(source: Sequence[Fraction], gamma, n: int, m: int, eps: Fraction
          ) -> tuple[int, int, mpmath.mpf]:
    """(K*, L*, D*_γ(n, M, ε) = φ_γ(1/L*)/n) from the exact type-class sort."""
    k = least_count(source, n, eps)
    ell = list_size(k, m)
    with mp.workdps(mp.dps + _GUARD_DPS):
        value = phi(gamma, Fraction(1, ell)) / n
    return k, ell, +value


def focal_gap(gamma, ell: int) -> mpmath.mpf:
    """(1 − (1 − 1/L)^γ) ln L = ln L − φ_γ(1/L), computed without cancellation."""
    if ell == 1 or gamma == 0:
        return mp.zero
    with mp.workdps(mp.dps + _GUARD_DPS):
        value = -mp.expm1(number(gamma) * mp.log1p(-mp.mpf(1) / ell)) * mp.log(ell)
    return +value


def entropy(source: Sequence[Fraction]) -> mpmath.mpf:
    """H = Σ p ln(1/p) in nats."""
    with mp.workdps(mp.dps + _GUARD_DPS):
        value = mp.fsum(number(p) * _log_inverse(p) for p in source if p > 0)
    return +value


def dispersion(source: Sequence[Fraction]) -> mpmath.mpf:
    """V = Var[ln(1/P(X))] = Σ p ln²(1/p) − H²."""
    with mp.workdps(2 * mp.dps + _GUARD_DPS):
        h = entropy(source)
        value = mp.fsum(number(p) * _log_inverse(p) ** 2 for p in source if p > 0) - h * h
    return +value


def inverse_q(eps) -> mpmath.mpf:
    """Q^{-1}(ε) for ε ∈ (0, 1), by a root search on ln Q(x) = ln ε (not via erfinv).

    Q(x) = erfc(x/√2)/2.  For ε < 1/2 the root lies in (0, ∞) where ln Q decreases
    strictly; a bracket [lo, hi] is found by doubling hi from 1, and the root by
    ``mpmath.findroot`` (Anderson–Björck) inside it.  Working with ln Q keeps tails
    such as ε = 10^-300 as well conditioned as ε = 0.05.  For ε > 1/2 the symmetry
    Q(−x) = 1 − Q(x) gives −Q^{-1}(1 − ε), with 1 − ε formed exactly for an exact ε,
    so ε = 1 − 10^-80 loses nothing to cancellation.
    """
    if not isinstance(eps, mpmath.mpf):
        eps = Fraction(eps)
    if not 0 < eps < 1:
        raise ValueError("eps must lie in (0, 1)")
    if eps > Fraction(1, 2):
        return -inverse_q(1 - eps)
    if eps == Fraction(1, 2):
        return mp.zero
    with mp.workdps(mp.dps + _GUARD_DPS):
        target = mp.log(number(eps))

        def equation(x: mpmath.mpf) -> mpmath.mpf:
            return mp.log(mp.erfc(x / mp.sqrt(2)) / 2) - target

        lo, hi = mp.zero, mp.one
        while equation(hi) > 0:
            lo, hi = hi, 2 * hi
        root = mp.findroot(equation, (lo, hi), solver="anderson")
    return +root


# -- the focal entropy by a nested root search ------------------------------------------------


def _log_slope(gamma: mpmath.mpf, y: mpmath.mpf) -> mpmath.mpf:
    """ln|φ_γ'(q)| at q = e^y < 1: (γ − 1) ln(1 − q) + ln(γ ln(1/q) + (1 − q)/q)."""
    q = mp.exp(y)
    one_minus = -mp.expm1(y)
    return (gamma - 1) * mp.log(one_minus) + mp.log(gamma * -y + one_minus / q)


def _cell_log_q(log_a: mpmath.mpf, gamma: mpmath.mpf, ell: mpmath.mpf) -> mpmath.mpf:
    """y = ln q solving ln a + ln|φ_γ'(e^y)| = ℓ (decreasing in y), by findroot on a bracket."""
    def equation(y: mpmath.mpf) -> mpmath.mpf:
        return log_a + _log_slope(gamma, y) - ell

    lo, hi = mp.mpf(-1), mp.mpf(-0.5)
    while equation(lo) < 0:
        lo *= 2
    while equation(hi) > 0:
        if hi > -mp.mpf(2) ** -(mp.prec - 8):
            return mp.zero       # q rounds to 1: only with γ = 0 and λ ≤ a
        hi /= 2
    if hi < lo:  # pragma: no cover - the equation decreases
        raise ArithmeticError("no bracket for the cell equation")
    lo = min(lo, hi)
    return mp.findroot(equation, (lo, hi), solver="anderson", verify=False)


def focal_entropy_minimizer(a: Sequence[Fraction], gamma) -> tuple[list[mpmath.mpf],
                                                                    mpmath.mpf]:
    """(q, λ) minimising Σ a_x φ_γ(q_x) over distributions q, a > 0 with ≥ 2 entries.

    A second algorithm: for each λ, q_x(λ) solves a_x |φ_γ'(q_x)| = λ (findroot
    in ln q); λ solves Σ_x q_x(λ) = 1 (findroot in ln λ on a bracket, Σ q
    decreasing in λ).  Slow (nested searches) but written from the KKT
    conditions alone.
    """
    with mp.workdps(mp.dps + _GUARD_DPS):
        g = number(gamma)
        log_a = [mp.log(number(v)) for v in a]

        def excess(ell: mpmath.mpf) -> mpmath.mpf:
            return mp.fsum(mp.exp(_cell_log_q(la, g, ell)) for la in log_a) - 1

        lo = hi = max(log_a) + _log_slope(g, -mp.log(len(a)))
        step = mp.one
        while excess(lo) < 0:
            lo -= step
            step *= 2
        step = mp.one
        while excess(hi) > 0:
            hi += step
            step *= 2
        ell = lo if lo == hi else mp.findroot(excess, (lo, hi), solver="anderson",
                                              verify=False)
        q = [mp.exp(_cell_log_q(la, g, ell)) for la in log_a]
        multiplier = mp.exp(ell)
    return [+x for x in q], +multiplier


# -- past enumeration: the type classes best first ------------------------------------------
# (issue 22) K*, the top mass and the typical-set round robin at blocklengths where the
# library leaves exact enumeration; written from the definitions in integers.


def classes_best_first(source: Sequence[Fraction], n: int) -> Iterator[tuple[int, int, int]]:
    """The type classes of X^n as (weight, size, q^n), most likely first, lazily.

    Symbols are sorted by probability, p_1 ≥ … ≥ p_k (integers a_i over q).  Moving
    one symbol of a type from value i to value i + 1 never raises the weight
    Π a_i^(c_i), and every type is reached from (n, 0, …, 0) by such moves, so a
    max-heap seeded with that type and fed with the successors of each type it
    pops yields the classes in non-increasing weight (ties in any order).  Only
    the classes popped (and their successors) are ever formed: the cost is the
    number of classes above the point where the caller stops, not the number of
    types.
    """
    import heapq

    probs = sorted((Fraction(p) for p in source if Fraction(p) > 0), reverse=True)
    if sum(probs) != 1:
        raise ValueError("the source must sum to 1")
    q = reduce(math.lcm, (p.denominator for p in probs), 1)
    a = [p.numerator * (q // p.denominator) for p in probs]
    total = q**n
    start = (n,) + (0,) * (len(a) - 1)
    heap = [(-(a[0] ** n), start, 1)]
    seen = {start}
    while heap:
        negative, counts, size = heapq.heappop(heap)
        weight = -negative
        yield weight, size, total
        for i in range(len(a) - 1):
            if counts[i] == 0:
                continue
            moved = list(counts)
            moved[i] -= 1
            moved[i + 1] += 1
            key = tuple(moved)
            if key in seen:
                continue
            seen.add(key)
            # n!/Π c! with one symbol moved from i to i + 1: × c_i / (c_{i+1} + 1), exactly
            heapq.heappush(heap, (-(weight // a[i] * a[i + 1]), key,
                                  size * counts[i] // (counts[i + 1] + 1)))


def least_count_best_first(source: Sequence[Fraction], n: int, eps: Fraction) -> int:
    """K* (as :func:`least_count`) from :func:`classes_best_first`: any n, few classes."""
    eps = Fraction(eps)
    mass = count = 0
    for weight, size, total in classes_best_first(source, n):
        target = (eps.denominator - eps.numerator) * total
        if eps.denominator * (mass + size * weight) >= target:
            needed = target - eps.denominator * mass
            return count + -(-needed // (eps.denominator * weight))
        mass += size * weight
        count += size
    raise ArithmeticError("the classes do not reach mass 1 - eps")  # pragma: no cover


def uncovered_mass_best_first(source: Sequence[Fraction], n: int, covered: int) -> Fraction:
    """1 − (mass of the ``covered`` most likely sequences of X^n), exactly."""
    mass = 0
    left = covered
    for weight, size, total in classes_best_first(source, n):
        take = min(left, size)
        mass += take * weight
        left -= take
        if left == 0:
            return 1 - Fraction(mass, total)
    return Fraction(0)


def floor_exponential(exponent: Fraction, base: int | None = None) -> int:
    """⌊e^x⌋ (or ⌊base^x⌋) for an exact x ≥ 0, refusing to decide next to an integer.

    With ``base`` = 2 and x an integer the value is 2^x exactly.
    """
    x = Fraction(exponent)
    if base is not None and x.denominator == 1:
        return base ** x.numerator
    with mp.workdps(int(x) + 40):
        value = mp.exp(number(x) * (mp.log(base) if base is not None else 1))
        floor = int(mp.floor(value))
        if min(value - floor, floor + 1 - value) < mp.mpf(10) ** -20:
            raise ArithmeticError("the power lies too close to an integer to take its floor")
    return floor


def binary_round_robin_minimum(source: Sequence[Fraction], gamma, n: int,
                               cells: int) -> mpmath.mpf:
    """min over a of f(a)/n, the typical-set round robin over every class boundary.

    For a binary source (p ≠ 1/2) the unions of the most likely classes are
    T_a = {s ≥ a}, s the number of symbols of the larger probability, and with C
    cells for T (M = C + 1 codewords) and 2^n sequences in all

        f(a) = P(T_a)·φ_γ(1/⌈|T_a|/C⌉) + (1 − P(T_a))·φ_γ(1/(2^n − |T_a|)).

    |T_a| and ⌈|T_a|/C⌉ are exact integers (binomial sums), P(T_a) and its
    complement are sums of class masses rounded once each, and φ_γ(1/k) is
    (1 − 1/k)^γ ln k from the exact integer k.
    M = 1 (C = 0): every sequence in one cell, φ_γ(1/2^n).
    """
    high, low = max(source), min(source)
    if high == low or len(source) != 2:
        raise ValueError("a binary source with two distinct probabilities")
    total = 2**n
    with mp.workdps(mp.dps + _GUARD_DPS):
        g = number(gamma)

        def phi_inverse(k: int) -> mpmath.mpf:
            """φ_γ(1/k) = (1 − 1/k)^γ ln k for an integer k ≥ 1 (ln of the exact integer)."""
            if k == 1:
                return mp.zero
            return mp.exp(g * mp.log1p(-mp.mpf(1) / k)) * mp.log(k)

        if cells == 0:
            return +(phi_inverse(total) / n)
        binomials = [1]
        for s in range(n):
            binomials.append(binomials[-1] * (n - s) // (s + 1))
        log_h, log_l = mp.log(number(high)), mp.log(number(low))
        masses = [b * mp.exp(s * log_h + (n - s) * log_l) for s, b in enumerate(binomials)]
        below = [mp.zero]                     # P(s < a), from the bottom (no cancellation)
        for mass in masses:
            below.append(below[-1] + mass)
        best = phi_inverse(total)   # T empty
        count, above = 0, mp.zero
        for s in range(n, -1, -1):
            count += binomials[s]
            above += masses[s]
            value = above * phi_inverse(-(-count // cells))
            if count < total:
                value += below[s] * phi_inverse(total - count)
            best = min(best, value)
        value = best / n
    return +value


def inverse_q_tails(eps: Fraction) -> mpmath.mpf:
    """Q^{-1}(ε) for every ε in (0, 1), also 10^-80 or 1 − 10^-80.

    Q^{-1}(1 − ε) = −Q^{-1}(ε), so only ε ≤ 1/2 is solved, and there in logarithms:
    ln(erfc(x/√2)/2) = ln ε on a bracket [0, hi] (ln Q decreases), by
    ``mpmath.findroot``; 1 − ε is formed exactly, so ε near 1 loses nothing.
    """
    eps = Fraction(eps)
    if not 0 < eps < 1:
        raise ValueError("eps must lie in (0, 1)")
    if eps > Fraction(1, 2):
        return -inverse_q_tails(1 - eps)
    if eps == Fraction(1, 2):
        return mp.zero
    with mp.workdps(mp.dps + _GUARD_DPS):
        target = mp.log(number(eps))

        def equation(x: mpmath.mpf) -> mpmath.mpf:
            return mp.log(mp.erfc(x / mp.sqrt(2)) / 2) - target

        hi = mp.mpf(1)
        while equation(hi) > 0:
            hi *= 2
        root = mp.findroot(equation, (mp.zero, hi), solver="anderson")
    return +root


# -- the saddlepoint APPROXIMATION's formula (issue 21), from its definition -----------------
def _sp_cumulants(source: Sequence[Fraction], s) -> tuple[mpmath.mpf, mpmath.mpf, mpmath.mpf]:
    """κ(s) = ln Σ_x P(x)^(1−s), κ'(s), κ''(s) (the tilted mean and variance of ln 1/P)."""
    terms = [(number(p) ** (1 - s), -mp.log(number(p))) for p in source if p > 0]
    total = mp.fsum(w for w, _ in terms)
    mean = mp.fsum(w * i for w, i in terms) / total
    var = mp.fsum(w * (i - mean) ** 2 for w, i in terms) / total
    return mp.log(total), mean, var


def _sp_saddle(source: Sequence[Fraction], n: int, t) -> mpmath.mpf:
    """ŝ with κ'(ŝ) = t/n, by findroot from a bisection start (κ' increases)."""
    low, high = mp.mpf(-60), mp.mpf(60)
    for _ in range(24):
        mid = (low + high) / 2
        low, high = (mid, high) if _sp_cumulants(source, mid)[1] < t / n else (low, mid)
    return mp.findroot(lambda s: _sp_cumulants(source, s)[1] - t / n, (low + high) / 2)


def _sp_tail(s, t, k_value, k2, h, upper: bool) -> mpmath.mpf:
    """Lugannani–Rice (Daniels' lattice u when h is a span): P[S ≥ t] or P[S ≤ t]."""
    w = mp.sign(s) * mp.sqrt(2 * (s * t - k_value))
    if h is None:
        u = s * mp.sqrt(k2)
    else:
        u = (1 - mp.exp(-s * h) if upper else mp.exp(s * h) - 1) * mp.sqrt(k2) / h
    density = mp.exp(-w * w / 2) / mp.sqrt(2 * mp.pi)
    if upper:
        return mp.erfc(w / mp.sqrt(2)) / 2 + density * (1 / u - 1 / w)
    return mp.erfc(-w / mp.sqrt(2)) / 2 + density * (1 / w - 1 / u)


def saddlepoint_upper(source: Sequence[Fraction], n: int, t, h=None) -> mpmath.mpf:
    """P[ı(X^n) ≥ t] by the saddlepoint formula."""
    s = _sp_saddle(source, n, t)
    kappa, _, var = _sp_cumulants(source, s)
    return _sp_tail(s, t, n * kappa, n * var, h, upper=True)


def saddlepoint_count_log(source: Sequence[Fraction], n: int, t, h=None) -> mpmath.mpf:
    """ln N{ı(x^n) ≤ t} = n ln k + ln P_U[S ≤ t] by the saddlepoint formula (U uniform)."""
    k = sum(1 for p in source if p > 0)
    s = _sp_saddle(source, n, t)
    kappa, _, var = _sp_cumulants(source, s)
    return n * mp.log(k) + mp.log(_sp_tail(s - 1, t, n * (kappa - mp.log(k)), n * var, h,
                                           upper=False))


def saddlepoint_log_k(source: Sequence[Fraction], n: int, eps: Fraction, h=None,
                      start=None) -> mpmath.mpf:
    """The approximation's ln K*: the threshold t with P[S ≥ t] = ε (findroot from
    ``start``); on a lattice of span h the crossing level t_j (P[S ≥ t_j] > ε ≥
    P[S ≥ t_j + h]) and ln(N{S ≤ t_j − h} + (P[S ≥ t_j] − ε)e^(t_j))."""
    least = -n * mp.log(number(max(source)))
    t = mp.findroot(lambda x: saddlepoint_upper(source, n, x, h) - number(eps), start)
    if h is None:
        return saddlepoint_count_log(source, n, t)
    j = int(mp.floor((t - least) / h))
    while saddlepoint_upper(source, n, least + (j + 1) * h, h) > number(eps):
        j += 1
    while saddlepoint_upper(source, n, least + j * h, h) <= number(eps):
        j -= 1
    t_j = least + j * h
    partial = (saddlepoint_upper(source, n, t_j, h) - number(eps)) * mp.exp(t_j)
    below = mp.exp(saddlepoint_count_log(source, n, t_j - h, h)) if j >= 1 else 0
    return mp.log(below + partial)


def saddlepoint_excess(source: Sequence[Fraction], n: int, covered: int, h=None,
                       start=None) -> mpmath.mpf:
    """The approximation's ε*: P[S > t] with N{S ≤ t} = ``covered`` (= M·L); on a
    lattice, the levels below t_j whole and the rest of t_j's mass taken."""
    k = sum(1 for p in source if p > 0)
    if covered >= k**n:
        return mp.zero
    least = -n * mp.log(number(max(source)))
    log_covered = mp.log(covered)
    t = mp.findroot(lambda x: saddlepoint_count_log(source, n, x, h) - log_covered, start)
    if h is None:
        return saddlepoint_upper(source, n, t)
    j = int(mp.ceil((t - least) / h))
    while j >= 1 and saddlepoint_count_log(source, n, least + (j - 1) * h, h) >= log_covered:
        j -= 1
    before = mp.exp(saddlepoint_count_log(source, n, least + (j - 1) * h, h)) if j else 0
    t_j = least + j * h
    return max(mp.zero, saddlepoint_upper(source, n, t_j, h) - (covered - before) * mp.exp(-t_j))


# -- h_γ(k) by the summary's two-level formula (issue 21) ------------------------------------
def two_level_maximum(k: int, gamma) -> tuple[mpmath.mpf, list[mpmath.mpf]]:
    """(ln max_q g(q), the sorted maximiser) for g(q) = (1 − q)q^γ + q(1 − q/d)^γ, d = k − 1:
    S_γ of (1 − q, q/d, …, q/d); the grid's best q refined by findroot on g'(q) = 0."""
    g = number(gamma)
    d = k - 1

    def s(q):
        return (1 - q) * q**g + q * (1 - q / d) ** g

    def slope(q):
        return mp.diff(s, q)

    grid = [mp.mpf(i) / 400 for i in range(1, 400)]
    q0 = max(grid, key=s)
    q = mp.mpf(d) / (d + 1) if abs(q0 - mp.mpf(d) / (d + 1)) < mp.mpf(1) / 100 else \
        mp.findroot(slope, q0)
    point = sorted([1 - q] + [q / d] * d, reverse=True)
    return mp.log(s(q)), point

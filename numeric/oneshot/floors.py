"""Exact integer decisions about transcendental numbers: list sizes and codebook sizes.

Two integers of the theory are floors of transcendental quantities:

* the list size L = ⌊1/τ_γ(d)⌋ of [excess.exact], i.e. the largest K ≥ 1 with
  φ_γ(1/K) ≤ d (φ_γ decreases, so τ_γ(d) ≤ 1/K ⇔ φ_γ(1/K) ≤ d);
* the number of codewords M = ⌊e^{nR}⌋ (or ⌊2^{nR}⌋ when R is in bits).

Method.  Each decision is a sign, decided with rigorous interval arithmetic
(Arb balls with python-flint, else :mod:`mpmath.iv` with outward rounding; see
:mod:`focalrd.numeric.intervals`) at doubling precision until the interval
excludes zero.  Equality, where no interval could ever decide, is settled
exactly beforehand:

* nats: for K ≥ 2 and rational γ, d, φ_γ(1/K) = ((K−1)/K)^γ · ln K is a non-zero
  algebraic number times the transcendental ln K (Lindemann), so it never equals
  a rational d; e^x is never an integer for rational x ≠ 0.
* bits (d_nats = d·ln 2): φ_γ(1/K) = d·ln 2 needs log₂ K algebraic, hence
  K = 2^m (Gelfond–Schneider), and then ((K−1)/K)^γ · m = d.  With γ = p/q in
  lowest terms and q ≥ 2 this would make (2^m − 1)/2^m a q-th power of a
  rational, impossible because two q-th powers of integers ≥ 1 never differ
  by 1; so equality needs an integer γ and is checked in exact arithmetic.
  2^x is an integer exactly when x is a non-negative integer.
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.exact import distortion_level, focusing_parameter, positive_integer
from focalrd.numeric.intervals import Intervals, preferred
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.tau import log_inverse_tau, tau

__all__ = [
    "MAX_RATE_EXPONENT",
    "codewords_for_rate",
    "compare_level",
    "list_size",
    "list_size_at_most",
    "threshold_level",
]

#: Interval precision is doubled up to this many bits before giving up.
_MAX_INTERVAL_BITS = 1 << 22
#: Largest exponent n·R (in nats) for which ⌊e^{nR}⌋ is computed in full.
MAX_RATE_EXPONENT = Fraction(10**6)
#: τ = 2^−m is looked for as an exact value only for m up to this: beyond it no written
#: level can give it with γ > 0 (the level would need m·γ binary digits, over 4300 decimal
#: ones), and at γ = 0 (τ = 2^−d) no rounding tie is possible (5^m has over 5001 digits).
_MAX_EXACT_TAU_BITS = 20000


def _sign_by_intervals(evaluate, start_bits: int) -> int:
    """The sign of the interval ``evaluate(I)`` once it excludes 0 (precision doubles).

    ``I`` is the interval arithmetic: Arb balls when python-flint is already in use,
    else mpmath's ``iv`` (:func:`focalrd.numeric.intervals.preferred` with ``load=False``).
    """
    arithmetic = preferred(load=False)
    bits = max(64, start_bits)
    while bits <= _MAX_INTERVAL_BITS:
        with arithmetic.bits_precision(bits):
            sign = arithmetic.sign(evaluate(arithmetic))
        if sign is not None:
            return sign
        bits *= 2
    raise PrecisionError("could not separate a quantity from zero with interval arithmetic")


def _power_of_two_exponent(k: int) -> int | None:
    return k.bit_length() - 1 if k > 0 and k & (k - 1) == 0 else None


def compare_level(gamma: Fraction, k: int, d: Fraction, bits: bool = False) -> int:
    """The sign of d − φ_γ(1/k), with d in nats, or in bits (d·ln 2) when ``bits``.

    Returns 1, 0 or −1 exactly; 0 happens only for d = 0 = φ_γ(1) or in bits.

    >>> compare_level(Fraction(0), 2, Fraction(1), bits=True)     # ln 2 = 1 bit
    0
    >>> compare_level(Fraction(0), 3, Fraction(1))                 # ln 3 > 1
    -1
    """
    if k == 1:
        return (d > 0) - (d < 0)
    if d <= 0:
        return -1
    m = _power_of_two_exponent(k)
    if bits and m is not None and gamma.denominator == 1 and gamma * m <= 10**6:
        exact = m * Fraction(k - 1, k) ** int(gamma)
        if exact == d:
            return 0

    def difference(I: Intervals):
        ratio = I.exact(Fraction(k - 1, k))
        power = I.exp(I.exact(gamma) * I.log(ratio)) if gamma else I.exact(1)
        level = I.exact(d) * I.log(I.exact(2)) if bits else I.exact(d)
        return level - power * I.log(I.exact(k))

    # Intervals are valid at any precision, so start low and let the doubling reach the
    # ~2·log2(k) bits that only a level very close to φ_γ(1/k) needs (k can be huge).
    return _sign_by_intervals(difference, mp.prec + 84)


def _nats(d: Fraction, bits: bool):
    return d * mp.ln2 if bits else d


def list_size(gamma, d, bits: bool = False) -> int:
    """L = ⌊1/τ_γ(d)⌋, the largest number of symbols one soft reconstruction can satisfy.

    Exact: L is the largest K ≥ 1 with φ_γ(1/K) ≤ d, and each comparison is
    decided rigorously (see the module docstring).  ``d`` is in nats, or in
    bits when ``bits`` is true.  The cost grows with d (L ≈ e^d has about
    d/ln 10 digits).

    >>> list_size(0, 1)            # ⌊e⌋
    2
    >>> list_size(0, 1, bits=True) # ⌊2⌋, decided exactly although 1/τ = 2
    2
    >>> list_size(2, 3)           # φ_2(1/25) ≤ 3 < φ_2(1/26)
    25
    """
    g = focusing_parameter(gamma)
    dd = distortion_level(d)
    if dd == 0:
        return 1
    with mp.workprec(64):
        t_rough = log_inverse_tau(g, _nats(dd, bits))
    with mp.workprec(int(t_rough * 3 / 2) + 64):
        estimate = int(mp.floor(mp.exp(log_inverse_tau(g, _nats(dd, bits)))))
    k = max(1, estimate)
    while k > 1 and compare_level(g, k, dd, bits) < 0:
        k -= 1
    while compare_level(g, k + 1, dd, bits) >= 0:
        k += 1
    return k


def list_size_at_most(gamma: Fraction, d: Fraction, cap: int, bits: bool = False) -> int:
    """min(L, cap) for the list size L of :func:`list_size`, cheap even when L is huge."""
    if cap < 1:
        raise InvalidInputError("cap", "an integer >= 1", cap)
    if compare_level(gamma, cap, d, bits) >= 0:
        return cap
    return list_size(gamma, d, bits)


def codewords_for_rate(rate, n: int = 1, bits: bool = False) -> int:
    """M = ⌊e^{nR}⌋ (⌊2^{nR}⌋ when ``bits``), exactly.

    >>> codewords_for_rate(Fraction(1), 1), codewords_for_rate(Fraction(1, 2), 4, bits=True)
    (2, 4)
    """
    r = distortion_level(rate, "rate")
    n = positive_integer(n, "n")
    x = r * n
    if (float(x) * 0.6931471805599453 if bits else x) > MAX_RATE_EXPONENT:
        raise InvalidInputError("rate", f"n*R at most {MAX_RATE_EXPONENT} nats", rate)
    if x == 0:
        return 1
    if bits and x.denominator == 1:
        return 1 << int(x)
    with mp.workprec(int(x * 2) + 64):
        estimate = int(mp.floor(mp.exp(_nats(x, bits))))

    def exponent_minus_log(k: int):
        # sign of x·ln b − ln k, i.e. of b^x − k; never 0 here (see the module docstring).
        def difference(I: Intervals):
            level = I.exact(x) * I.log(I.exact(2)) if bits else I.exact(x)
            return level - I.log(I.exact(k))
        return _sign_by_intervals(difference, 2 * k.bit_length() + 64)

    k = max(1, estimate)
    while k > 1 and exponent_minus_log(k) < 0:
        k -= 1
    while exponent_minus_log(k + 1) > 0:
        k += 1
    return k


def threshold_level(
    gamma: Fraction, level: Fraction, bits: bool
) -> tuple[mpmath.mpf, Fraction | None]:
    """τ_γ(level) at the working precision, and exactly when it is rational.

    τ is rational only for level 0 (τ = 1) or, in bits, when τ = 2^−m exactly
    (see the module docstring); that case is detected by an exact comparison.
    """
    if level == 0:
        return mp.one, Fraction(1)
    # the level in nats rounded to the bits after the point that τ = e^(−t) needs
    with mp.workprec(mp.prec + 20 + max(0, int(mp.mag(to_mpf(level))))):
        nats = level * mp.ln2 if bits else level
        with mp.workprec(mp.prec + 20):
            size = tau(gamma, nats)
    if bits and size > mp.ldexp(1, -_MAX_EXACT_TAU_BITS):
        k = int(mp.nint(1 / size))
        if k >= 1 and compare_level(gamma, k, level, bits) == 0:
            return to_mpf(Fraction(1, k)), Fraction(1, k)
    return +size, None

"""Ball enclosures (numeric/balls, python-flint) against values computed without focalrd.

Every reference here is plain mpmath at several times the working precision (or a
closed form), written in this file or in ``tests/reference_impl.py`` (which imports
nothing from focalrd).  A ball must contain the reference interval; the decimal
rounding of ball ends is compared with Python's ``decimal`` module.
"""

from __future__ import annotations

import decimal
import random
from fractions import Fraction

import mpmath
import pytest
import reference_impl as ref
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp

from focalrd.strategies import distributions, focusing_parameters

flint = pytest.importorskip("flint")

from focalrd.numeric.balls import digits as D  # noqa: E402
from focalrd.numeric.balls.arith import ExactReal, ends, working_bits  # noqa: E402
from focalrd.numeric.balls.c_gamma import c_gamma, gap_maximizer  # noqa: E402
from focalrd.numeric.balls.evaluation import proven  # noqa: E402
from focalrd.numeric.balls.focal_entropy import focal_entropy  # noqa: E402
from focalrd.numeric.balls.oneshot import tilted_converse  # noqa: E402
from focalrd.numeric.balls.phi import focal_loss, focal_slope  # noqa: E402
from focalrd.numeric.balls.source import (  # noqa: E402
    dispersion,
    entropy,
    inverse_q,
    normal_approximation,
)
from focalrd.numeric.balls.tau import log_inverse_tau, tau  # noqa: E402
from focalrd.numeric.errors import PrecisionError  # noqa: E402

BITS = 140           # working precision of the balls (about 42 digits)
REFERENCE_DPS = 150  # the references: more than three times as many digits


def _exact(x: mpmath.mpf) -> Fraction:
    sign, man, exp, _ = x._mpf_
    value = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -value if sign else value


def _contains(ball, value: mpmath.mpf, relative_error_digits: int = REFERENCE_DPS - 10) -> bool:
    """The ball contains [value ± |value|·10^-k]: the reference with its own error."""
    low, high = (ball.value, ball.value) if isinstance(ball, ExactReal) else ends(ball)
    with mp.workdps(REFERENCE_DPS + 10):
        tol = abs(value) * mp.mpf(10) ** -relative_error_digits
        r_low, r_high = _exact(value - tol), _exact(value + tol)
    if low == high:
        return r_low <= low <= r_high
    return low <= r_low and r_high <= high


def _narrow(ball, value: mpmath.mpf, bits: int = BITS - 16) -> bool:
    """The ball is not much wider than the working precision asks (relative 2^-bits)."""
    low, high = ends(ball)
    return high - low <= abs(_exact(value)) * Fraction(1, 2**bits) + Fraction(1, 2**(4 * BITS))


def _mpf(x: Fraction) -> mpmath.mpf:
    return mp.mpf(x.numerator) / x.denominator


# -- digits --------------------------------------------------------------------------------
def _decimal_round(x: Fraction, digits: int, rounding: str) -> tuple[bool, str, int]:
    """(negative, digits, exponent) of x rounded by Python's decimal module."""
    with decimal.localcontext() as context:
        context.prec = digits
        context.rounding = rounding
        context.Emax, context.Emin = 10**8, -10**8
        value = context.divide(decimal.Decimal(x.numerator), decimal.Decimal(x.denominator))
    sign, mantissa, exponent = value.as_tuple()
    text = "".join(map(str, mantissa))
    # decimal drops trailing zeros of an exact quotient: pad to the requested digits
    return bool(sign), text + "0" * (digits - len(text)), exponent + len(text) - 1


@settings(max_examples=300, deadline=None)
@given(st.fractions(min_value=Fraction(-10**30), max_value=Fraction(10**30),
                    max_denominator=10**40).filter(lambda x: x != 0),
       st.integers(1, 40))
def test_exact_rounding_agrees_with_the_decimal_module(x, digits):
    assert D.round_significant(x, digits) == _decimal_round(x, digits, decimal.ROUND_HALF_UP)
    assert D.round_significant(x, digits, -1) == _decimal_round(x, digits, decimal.ROUND_FLOOR)
    assert D.round_significant(x, digits, +1) == _decimal_round(x, digits,
                                                                decimal.ROUND_CEILING)


def test_layout_is_the_confirmed_paths_layout():
    """Away from ties, the text of an exact rounding equals mpmath's nstr layout (significant)."""
    from focalrd.numeric.precision import significant

    rng = random.Random(21)
    for _ in range(3000):
        digits = rng.choice([1, 2, 5, 17, 30])
        x = Fraction(rng.randint(1, 10**25), rng.randint(1, 10**25)) * Fraction(10) ** rng.randint(
            -30, 40)
        x = -x if rng.random() < 0.3 else x
        with mp.workdps(digits + 40):
            assert D.decimal_text(*D.round_significant(x, digits)) == significant(_mpf(x), digits)


def test_digits_are_printed_only_when_both_ends_round_alike():
    assert D.decided_text(Fraction(12344, 10**5), Fraction(12346, 10**5), 3) == "0.123"
    assert D.decided_text(Fraction(12344, 10**5), Fraction(12346, 10**5), 4) is None
    assert D.decided_text(Fraction(-1, 10**9), Fraction(1, 10**9), 3) is None  # straddles 0
    assert D.decided_text(Fraction(0), Fraction(0), 3) == "0"
    # a carry into a new decade: both ends round to 1.00
    assert D.decided_text(Fraction(9996, 10**4), Fraction(9998, 10**4), 3) == "1.00"


def test_outward_ends_enclose_and_are_tight():
    rng = random.Random(3)
    for _ in range(500):
        x = Fraction(rng.randint(-10**30, 10**30), rng.randint(1, 10**20))
        if x == 0:
            continue
        low, high = Fraction(D.outward_text(x, 12, -1)), Fraction(D.outward_text(x, 12, +1))
        assert low <= x <= high
        assert high - low <= abs(x) * Fraction(1, 10**10)


# -- enclosures of the quantities ----------------------------------------------------------
@settings(max_examples=60, deadline=None)
@given(focusing_parameters(), st.fractions(min_value=Fraction(1, 10**12), max_value=1,
                                           max_denominator=10**12))
def test_focal_loss_ball_contains_the_formula(gamma, p):
    with working_bits(BITS):
        ball, slope = focal_loss(gamma, p), focal_slope(gamma, p) if p < 1 else None
    with mp.workdps(REFERENCE_DPS):
        value = ref.phi(gamma, p)
        assert _contains(ball, value)
        if slope is not None:
            assert _contains(slope, -ref.phi_prime(gamma, p))


@settings(max_examples=40, deadline=None)
@given(focusing_parameters(), st.fractions(min_value=Fraction(1, 10**9), max_value=200,
                                           max_denominator=10**9))
def test_tau_ball_contains_the_independent_root(gamma, d):
    with working_bits(BITS):
        t = log_inverse_tau(gamma, d)
    with mp.workdps(REFERENCE_DPS):
        value = ref.log_inverse_tau(gamma, d)
        assert _contains(t, value) and _narrow(t, value)


def test_tau_closed_forms_and_bits():
    with working_bits(BITS):
        cases = [(tau(0, Fraction(3)), lambda: mp.exp(-3)),                  # γ = 0: e^(−d)
                 (tau(0, Fraction(1), in_bits=True), lambda: mp.mpf(1) / 2),  # 2^(−1) exactly
                 (tau(2, Fraction(5, 2), in_bits=True), lambda: ref.tau(2, mp.ln2 * 2.5)),
                 (tau(Fraction(10**15), Fraction(1, 10**100)), lambda: ref.tau(10**15, mp.mpf(
                     10) ** -100))]
    with mp.workdps(REFERENCE_DPS):
        for ball, value in cases:
            assert _contains(ball, value())


@pytest.mark.parametrize("gamma", [Fraction(1, 100), Fraction(1, 3), Fraction(3, 2),
                                   Fraction(2), Fraction(7), Fraction(1000), Fraction(10**15)])
def test_c_gamma_balls_contain_the_maximum_and_the_maximiser(gamma):
    with working_bits(BITS):
        maximizer = gap_maximizer(gamma)
        value = c_gamma(gamma, maximizer)
    with mp.workdps(REFERENCE_DPS):
        assert _contains(value, ref.c_gamma(gamma))
        # h'(p) changes sign inside the maximiser's ball, and only there (sampled outside)
        g = _mpf(gamma)

        def slope(p):
            return g * mp.power(1 - p, g - 1) * -mp.log(p) + mp.expm1(g * mp.log1p(-p)) / p

        low, high = ends(maximizer)
        assert slope(_mpf(low)) > 0 > slope(_mpf(high))
        assert high - low < abs(low) * Fraction(1, 2**(BITS - 16))


def test_c_gamma_closed_form_at_one():
    with working_bits(BITS):
        ball = c_gamma(Fraction(1))
    with mp.workdps(REFERENCE_DPS):
        assert _contains(ball, mp.exp(-1))


@settings(max_examples=30, deadline=None)
@given(distributions(min_size=2, max_size=6))
def test_entropy_and_dispersion_balls(source):
    with working_bits(BITS):
        h, v = entropy(source), dispersion(source)
    with mp.workdps(REFERENCE_DPS):
        assert _contains(h, ref.entropy(source))
        if len(set(p for p in source if p > 0)) > 1:
            assert _contains(v, ref.dispersion(source), REFERENCE_DPS - 40)
        else:
            assert ends(v) == (0, 0)  # no spread: exactly zero


def test_binary_dispersion_closed_form_and_inverse_q():
    with working_bits(BITS):
        v = dispersion((Fraction(9, 10), Fraction(1, 10)))
        q_half, q_small = inverse_q(Fraction(1, 2)), inverse_q(Fraction(1, 1000))
        normal = normal_approximation((Fraction(9, 10), Fraction(1, 10)), 1000, Fraction(1, 5),
                                      Fraction(1, 1000))
    with mp.workdps(REFERENCE_DPS):
        closed = mp.mpf("0.09") * mp.log(9) ** 2           # p(1 − p) ln²((1 − p)/p)
        assert _contains(v, closed)
        assert ends(q_half)[0] <= 0 <= ends(q_half)[1]
        assert _contains(q_small, ref.inverse_q(Fraction(1, 1000)))
        expected = (ref.entropy((Fraction(9, 10), Fraction(1, 10))) - mp.mpf(1) / 5
                    + mp.sqrt(closed / 1000) * ref.inverse_q(Fraction(1, 1000))
                    - mp.log(1000) / 2000)
        assert _contains(normal, expected)


@pytest.mark.parametrize("source, gamma", [
    ((Fraction(1, 2), Fraction(3, 10), Fraction(1, 5)), Fraction(2)),
    ((Fraction(7, 10), Fraction(1, 10), Fraction(1, 10), Fraction(1, 10)), Fraction(1, 2)),
    ((Fraction(999, 1000), Fraction(1, 1000)), Fraction(5)),
])
def test_focal_entropy_kkt_enclosure_contains_the_nested_root_search(source, gamma):
    with working_bits(BITS):
        balls = focal_entropy(source, gamma)
    with mp.workdps(REFERENCE_DPS):
        q, lam = ref.focal_entropy_minimizer(source, gamma)
        value = mp.fsum(_mpf(a) * ref.phi(gamma, x) for a, x in zip(source, q, strict=True))
        assert _contains(balls.value, value, REFERENCE_DPS - 40)
        assert _contains(balls.multiplier, lam, REFERENCE_DPS - 40)
        for ball, x in zip(balls.minimizer, q, strict=True):
            assert _contains(ball, x, REFERENCE_DPS - 40)


def test_focal_entropy_closed_forms():
    with working_bits(BITS):
        uniform = focal_entropy([Fraction(1, 4)] * 4, Fraction(3))
        log_loss = focal_entropy([Fraction(1, 2), Fraction(1, 3), Fraction(1, 6)], Fraction(0))
        single = focal_entropy([Fraction(0), Fraction(1)], Fraction(2))
    with mp.workdps(REFERENCE_DPS):
        assert _contains(uniform.value, ref.phi(3, Fraction(1, 4)))     # F = φ(1/k)
        assert _contains(log_loss.value, ref.entropy((Fraction(1, 2), Fraction(1, 3),
                                                      Fraction(1, 6))))
    assert single.value == ExactReal(Fraction(0)) and single.minimizer[1] == ExactReal(1)


def test_tilted_converse_ball_against_the_definition():
    source = (Fraction(1, 2), Fraction(3, 10), Fraction(1, 10), Fraction(1, 20), Fraction(1, 20))
    for gamma, m, d, bits in ((Fraction(2), 1, Fraction(1, 10), False),
                              (Fraction(0), 1, Fraction(1, 2), False),
                              (Fraction(2), 1, Fraction(1, 10), True)):
        with working_bits(BITS):
            bound, beta = tilted_converse(source, gamma, m, d, bits)
        with mp.workdps(REFERENCE_DPS):
            t = ref.tau(gamma, _mpf(d) * (mp.ln2 if bits else 1))
            candidates = [(_mpf(sum((v for v in source if v <= x), Fraction(0)))
                           - m * _mpf(x) / t, x) for x in set(source) if m * _mpf(x) < t]
            best, x = max(candidates)
            assert best > 0 and _contains(bound, best)
            assert _contains(beta, mp.log(t / (m * _mpf(x))))


# -- the precision ladder -------------------------------------------------------------------
def test_undecided_digits_raise_precision_then_fail():
    """A value 10^-60 above a rounding boundary needs more bits than the first guard gives,
    and one 10^-2000 above it more than the last: the first prints the right digit, the
    second raises PrecisionError (never a wrong digit)."""
    from flint import arb

    def near(offset_exponent):
        return lambda: arb("0.123455") + arb(10) ** -offset_exponent

    assert proven(near(60), 5).text == "0.12346"
    assert proven(lambda: arb("0.123455") - arb(10) ** -60, 5).text == "0.12345"
    with pytest.raises(PrecisionError):
        proven(near(2000), 5)
    with pytest.raises(PrecisionError):  # a low maximum precision: one small guard only
        proven(near(60), 5, guards=(8,))


def test_proven_refuses_unenclosed_floats():
    with pytest.raises(TypeError):
        proven(lambda: {"value": mp.mpf(1) / 3}, 10)


def test_huge_exponents_are_rounded_without_expanding_them():
    from flint import arb, fmpz

    number = proven(lambda: arb(3) * arb(2) ** fmpz(-10**12), 12)
    with mp.workdps(40):
        expected = 3 * mp.power(2, -10**12)
    assert number.text == mpmath.nstr(expected, 12, strip_zeros=False)
    low_mantissa, low_exponent = number.lower.split("e")
    high_mantissa, high_exponent = number.upper.split("e")
    assert low_exponent == high_exponent and float(low_mantissa) <= float(high_mantissa)

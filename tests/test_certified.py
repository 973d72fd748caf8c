"""Interval branch-and-bound (verify.certify) and the certified checks of §2–3."""

from __future__ import annotations

from fractions import Fraction

import mpmath
import pytest
from mpmath import iv, mp

from focalrd.numeric import balls
from focalrd.numeric.intervals import ArbIntervals, MpmathIntervals
from focalrd.verify.certify import (
    box_interval,
    certify_on,
    enclose_maximum,
    exact_interval,
    interval_precision,
    lower,
    point,
    split,
    upper,
)
from focalrd.verify.claims import (
    catalogue,  # noqa: F401
    certified,
)
from focalrd.verify.registry import CheckContext

QUICK = CheckContext(quick=True)
#: The interval arithmetics the drivers must work with (Arb only with the rigorous extra).
ARITHMETICS = [pytest.param(MpmathIntervals, id="mpmath-iv"),
               pytest.param(ArbIntervals, id="arb", marks=pytest.mark.skipif(
                   not balls.available(), reason="python-flint is not installed"))]


def _exact(x: mpmath.mpf) -> Fraction:
    mantissa, exponent = x.man_exp
    return Fraction(mantissa) * Fraction(2) ** exponent


@pytest.mark.parametrize("arithmetic", ARITHMETICS)
def test_exact_interval_encloses_the_rational_and_split_covers_the_box(arithmetic):
    with interval_precision(30, arithmetic()):
        third = exact_interval(Fraction(1, 3))
        assert _exact(lower(third)) < Fraction(1, 3) < _exact(upper(third))
        assert upper(third) - lower(third) < mp.mpf(10) ** -29
        left, right = split((mp.mpf(1), mp.mpf(100)))
        assert left[0] == 1 and right[1] == 100 and left[1] == right[0] == 10  # geometric
        left, right = split((mp.mpf(0), mp.mpf(1)))
        assert left[1] == right[0] == mp.mpf(1) / 2
        assert split((mp.mpf(1), mp.mpf(1))) is None


@pytest.mark.parametrize("arithmetic", ARITHMETICS)
def test_certify_on_proves_a_true_bound_and_locates_a_false_one(arithmetic):
    with interval_precision(30, arithmetic()):
        # x^2 != 2 holds on [3/2, 3]; on [1, 3] it fails only at sqrt(2).
        def not_two(box):
            square = box_interval(box) ** 2
            return lower(square) > 2 or upper(square) < 2

        assert certify_on(not_two, mp.mpf(1.5), mp.mpf(3)).holds
        failed = certify_on(not_two, mp.mpf(1), mp.mpf(3))
        assert not failed.holds
        box = failed.failed_box
        assert box[1] - box[0] < mp.mpf(10) ** -25
        assert box[0] - mp.mpf(10) ** -25 <= mp.sqrt(2) <= box[1] + mp.mpf(10) ** -25


@pytest.mark.parametrize("arithmetic", ARITHMETICS)
def test_enclose_maximum_contains_known_maxima(arithmetic):
    with interval_precision(30, arithmetic()):
        # max of x(1 - x) on [0, 1] is 1/4
        parabola = enclose_maximum(lambda b: upper(box_interval(b) - box_interval(b) ** 2),
                                   lambda x: lower(point(x) * (1 - point(x))),
                                   mp.zero, mp.one, mp.mpf(10) ** -5)
        assert parabola.converged and parabola.lower <= mp.mpf(1) / 4 <= parabola.upper
        assert parabola.upper - parabola.lower <= mp.mpf(10) ** -5
    with interval_precision(30, MpmathIntervals()):
        # max of sin on [0, 3] is 1 (at pi/2); iv.sin exists in mpmath's arithmetic only
        sine = enclose_maximum(lambda b: upper(iv.sin(box_interval(b))),
                               lambda x: lower(iv.sin(iv.mpf(x))),
                               mp.zero, mp.mpf(3), mp.mpf(10) ** -5)
        assert sine.lower <= 1 <= sine.upper and sine.upper - sine.lower <= mp.mpf(10) ** -5
        assert sine.argmax_box[0] <= mp.pi / 2 <= sine.argmax_box[1]


def _use(arithmetic, monkeypatch) -> None:
    """Make the certified checks run in ``arithmetic`` (the default is Arb when installed)."""
    from focalrd.verify import certify

    monkeypatch.setattr(certified, "preferred", arithmetic)
    monkeypatch.setattr(certify, "preferred", arithmetic)
    certified._gap_maximum.cache_clear()


@pytest.mark.parametrize("arithmetic", ARITHMETICS)
@pytest.mark.parametrize("check", [certified.phi_convex_certified, certified.phi_gap_certified,
                                   certified.tau_bracket_certified])
def test_certified_checks_pass_and_state_their_region(check, arithmetic, monkeypatch):
    _use(arithmetic, monkeypatch)
    evidence = check(QUICK)
    assert evidence.level == "certified" and evidence.passed is True
    assert evidence.details["arithmetic"] == arithmetic.name
    region = evidence.details["region"]
    assert "gamma in {0, 1/4, 1/2, 3/4, 1, 3/2, 2, 3, 5, 10, 50}" in region
    assert "analytic" in region
    assert evidence.details["gammas"] == len(certified.GAMMA_GRID)


@pytest.mark.parametrize("arithmetic", ARITHMETICS)
def test_gap_enclosures_contain_closed_forms(arithmetic):
    # c_1 = 1/e (maximise p ln(1/p)); independent of the numeric c_gamma.
    enclosure, ends = certified.gap_maximum(Fraction(1), 15, arithmetic())
    with mp.workdps(50):
        assert enclosure.lower <= mp.exp(-1) <= enclosure.upper
    assert enclosure.upper - enclosure.lower <= mp.mpf(10) ** -15
    assert ends < enclosure.lower


def test_convexity_certificate_fails_where_convexity_fails():
    # gamma = -1/2 is outside the theory: A = (3/4) ln(1+s) - s + s^2 < 0 for small s.
    with interval_precision(30):
        s = mp.mpf("0.01")
        assert 0.75 * mpmath.log(1 + s) - s + s * s < 0
        result = certify_on(lambda b: certified._convexity_factor_positive(Fraction(-1, 2), b),
                            mp.mpf(10) ** -10, mp.mpf(10) ** 10, max_boxes=2000)
        assert not result.holds


def test_gap_check_refutes_a_wrong_c_gamma(monkeypatch):
    true_c_gamma = certified.c_gamma
    monkeypatch.setattr(certified, "c_gamma",
                        lambda g: true_c_gamma(g) * (1 + mp.mpf(10) ** -12))
    evidence = certified.phi_gap_certified(QUICK)
    assert evidence.passed is False and evidence.counterexample["gamma"] == "1/4"


def test_bracket_certificate_fails_below_c_gamma():
    # t - d reaches c_gamma (at d = phi(p*)), so F(d + shift) >= d must fail for shift < c_gamma.
    gamma = Fraction(2)
    enclosure, _ = certified.gap_maximum(gamma, 15)
    with interval_precision(certified.INTERVAL_DPS):
        too_small = enclosure.lower - mp.mpf(10) ** -6
        result = certify_on(lambda b: certified._upper_side_holds(gamma, too_small, b),
                            mp.zero, mp.mpf(certified.D_MAX), max_boxes=3000)
        assert not result.holds
        # The failing box lies around d* = phi_2(p*), where tau(d*) = p*.
        from focalrd.numeric import c_gamma_maximizer, phi
        p_star = c_gamma_maximizer(gamma)
        d_star = phi(gamma, p_star)
        near = mp.mpf("0.1")
        assert result.failed_box[0] - near <= d_star <= result.failed_box[1] + near

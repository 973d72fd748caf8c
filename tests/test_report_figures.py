"""The numbers behind the figures (independent of matplotlib)."""

from __future__ import annotations

import math

import pytest

from focalrd.verify.reporting import figure_data


def test_log_loss_curve_is_ln_one_over_p_and_focal_curves_lie_below() -> None:
    data = figure_data.phi_curves()
    log_loss = data.series[0]
    for p, value in zip(log_loss.x, log_loss.y, strict=True):
        assert value == pytest.approx(-math.log(p), rel=1e-12, abs=1e-15)
    for focal in data.series[1:]:
        assert all(f <= v + 1e-15 for f, v in zip(focal.y, log_loss.y, strict=True))


def test_tau_lies_in_its_bracket() -> None:
    upper, middle, lower = figure_data.tau_bracket().series
    assert all(lo <= t * (1 + 1e-12) and t <= up * (1 + 1e-12)
               for lo, t, up in zip(lower.y, middle.y, upper.y, strict=True))
    assert middle.y[0] == 1.0        # τ_γ(0) = 1


def test_c_gamma_curve_marks_one_over_e_and_increases() -> None:
    curve, _, marker = figure_data.c_gamma_curve().series
    assert marker.y == [pytest.approx(math.exp(-1), rel=1e-14)]
    assert all(a < b for a, b in zip(curve.y, curve.y[1:], strict=False))


def test_codewords_is_the_exact_floor() -> None:
    from fractions import Fraction

    # e^(40·(1/2)) = e^20 = 485165195.40979...
    assert figure_data.codewords(40, Fraction(1, 2)) == 485165195
    assert figure_data.codewords(3, Fraction(1, 4)) == 2        # e^0.75 = 2.117


def test_missing_function_makes_the_figure_unavailable_with_a_reason() -> None:
    with pytest.raises(figure_data.FigureUnavailable, match="not available"):
        figure_data._need("focalrd.numeric.no_such_module", "f")


def test_log_loss_excess_curve_matches_the_known_formula() -> None:
    # The project's own module: an import error must fail this test, not skip it.
    import focalrd.numeric.oneshot.excess  # noqa: F401
    log_loss = figure_data.excess_curves().series[0]
    masses = sorted((float(p) for p in figure_data.EPS_SOURCE), reverse=True)
    for d, eps in zip(log_loss.x, log_loss.y, strict=True):
        # γ = 0, M = 1: the decoder can satisfy floor(e^d) symbols (THEORY.md [excess.log-loss]).
        covered = math.floor(math.exp(d))
        assert eps == pytest.approx(max(0.0, 1 - sum(masses[:covered])), abs=1e-12), d


def test_minimizer_curve_is_the_identity_at_gamma_zero_and_pulled_to_half_otherwise() -> None:
    import focalrd.numeric.oneshot.focal_entropy  # noqa: F401 - must import, not be skipped
    curves = figure_data.minimizer_curves().series
    assert curves[0].y == pytest.approx(curves[0].x, rel=1e-12)
    for curve in curves[1:]:
        # Focusing flattens the minimiser towards uniform: |q* - 1/2| <= |p - 1/2|.
        assert all(abs(q - 0.5) <= abs(p - 0.5) + 1e-12 for p, q in zip(curve.x, curve.y,
                                                                          strict=True))

"""The symbolic core (THEORY.md §2–3): derivations, their checking primitives, LaTeX, CLI.

Independent references: numeric.phi (mpmath code written separately from the
sympy derivations), numeric.tau.log_inverse_tau (Newton iteration, no series),
numeric.c_gamma (regula falsi on its own stationarity function).
"""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import pytest
import sympy as sp
from hypothesis import given, settings
from mpmath import mp

from focalrd.numeric.c_gamma import c_gamma, c_gamma_maximizer
from focalrd.numeric.phi import phi_prime as numeric_phi_prime
from focalrd.numeric.phi import phi_second as numeric_phi_second
from focalrd.numeric.tau import log_inverse_tau
from focalrd.proofs import c_gamma as c_gamma_proofs
from focalrd.proofs import lemmas, phi_shape, tau_series
from focalrd.proofs.core import BUILDERS, core_derivations, derivations_for
from focalrd.proofs.derivation import Derivation, DerivationError
from focalrd.proofs.phi_shape import gamma, p, s
from focalrd.strategies import focusing_parameters, probabilities

CLI = [sys.executable, "-m", "focalrd.verify.cli"]


# -- every derivation builds, and every step records how it was checked -------------------
@pytest.mark.parametrize("claim_id", list(BUILDERS))
def test_each_derivation_builds_with_checked_steps(claim_id):
    derivations = derivations_for(claim_id)
    assert len(derivations) == len(BUILDERS[claim_id])
    for derivation in derivations:
        assert derivation.claim_id == claim_id
        assert derivation.steps
        for step in derivation.steps:
            assert step.method
            if step.lemma is not None:
                assert derivation.lemmas[step.lemma].steps
        for lemma in derivation.lemmas.values():
            assert lemma.conclusion.relation in (">=", ">", "=")


def test_registry_covers_the_section_2_and_3_claims():
    assert set(core_derivations()) == {
        "phi.reduces-to-log", "phi.decreasing", "phi.convex", "phi.monotone-in-gamma",
        "phi.gap", "c-gamma.values", "tau.inverse", "tau.expansion", "tilted.reduces-to-log"}


def test_sign_conclusions_have_the_claimed_direction():
    decreasing = derivations_for("phi.decreasing")[0]
    assert any(step.relation == ">" for step in decreasing.steps)
    for convex in derivations_for("phi.convex"):
        assert convex.conclusion.relation == ">"
    assert derivations_for("phi.monotone-in-gamma")[0].conclusion.relation == ">"
    # the convexity case 0 <= gamma <= 1 rests on the lemma ln(1+s) <= s
    assert "ln(1+s) <= s" in derivations_for("phi.convex")[1].lemmas


# -- the checking primitives can fail -------------------------------------------------------
def _fresh() -> Derivation:
    return Derivation("test")


def test_false_identity_is_rejected():
    with pytest.raises(DerivationError):
        _fresh().identity("wrong power", (1 - p) ** gamma / (1 - p), (1 - p) ** (gamma - 2))


def test_wrong_derivative_is_rejected():
    wrong = -(1 - p) ** (gamma - 1) * (gamma * sp.log(1 / p) - (1 - p) / p)  # sign of s flipped
    with pytest.raises(DerivationError):
        _fresh().derivative("phi'", phi_shape.phi(), p, wrong)


def test_false_sign_decompositions_are_rejected():
    with pytest.raises(DerivationError, match="does not add up"):
        _fresh().nonnegative("terms missing", s**2 + s, [s**2])
    with pytest.raises(DerivationError, match="cannot prove"):
        _fresh().nonnegative("s - 1 has no sign", s - 1, [s, sp.S(-1)])
    with pytest.raises(DerivationError, match="positive"):
        _fresh().positive("zero is not positive", sp.S.Zero, [sp.S.Zero])


def test_convexity_argument_fails_for_negative_gamma():
    """The step that proves A > 0 must not go through when γ < 0 (where it is false)."""
    g = sp.Symbol("g", negative=True)
    eta, w = sp.Symbol("eta", nonnegative=True), sp.Symbol("w", nonnegative=True)
    factor = (s / (1 + s)) ** (g - 2)
    bracket = g * (g - 1) * sp.log(1 + s) + 2 * g * s + s**2
    with pytest.raises(DerivationError, match="cannot prove"):
        _fresh().positive_given(
            "A > 0", factor * bracket,
            [factor * s**2, factor * g * (1 + g) * s, factor * g * eta * w],
            {eta: (1 - g, "g <= 1"), w: (s - sp.log(1 + s), lemmas.log1p_below(s))})


def test_a_lemma_must_conclude_the_fact_it_is_cited_for():
    w = sp.Symbol("w", nonnegative=True)
    with pytest.raises(DerivationError, match="does not conclude"):
        _fresh().nonnegative_given("s - 2 ln(1+s) >= 0 is not what the lemma says",
                                   s - 2 * sp.log(1 + s), [w],
                                   {w: (s - 2 * sp.log(1 + s), lemmas.log1p_below(s))})


def test_monotone_needs_continuity_and_a_signed_derivative():
    x = sp.Symbol("x", nonnegative=True)
    # -1/(x - 1) has derivative 1/(x - 1)^2 >= 0 but jumps at x = 1
    with pytest.raises(DerivationError, match="continuous"):
        _fresh().monotone("jump", -1 / (x - 1), x, 0, [1 / (x - 1) ** 2])
    with pytest.raises(DerivationError):
        _fresh().monotone("decreasing", sp.log(1 + x) - x, x, 0)


def test_wrong_limit_series_root_maximum_and_supremum_are_rejected():
    with pytest.raises(DerivationError):
        _fresh().limit("phi(0+) is not finite", phi_shape.phi(), p, 0, 0)
    x = sp.Symbol("x")
    with pytest.raises(DerivationError):
        _fresh().series("exp", sp.exp(x), x, 0, 1 + x + x**2, 3)
    with pytest.raises(DerivationError):
        _fresh().root("not 1/2", sp.log(1 / p) - 1, p, [sp.Rational(1, 2)])
    with pytest.raises(DerivationError, match="stationary"):
        _fresh().concave_maximum("not stationary", p * sp.log(1 / p), p, sp.Rational(1, 2))
    with pytest.raises(DerivationError):
        _fresh().supremum("sup of p ln(1/p) is not 1/2", p * sp.log(1 / p), p,
                          sp.Interval.Lopen(0, 1), sp.Rational(1, 2), sp.Symbol("c"))
    with pytest.raises(DerivationError, match="limit"):
        _fresh().bounded_on("ln(1/p) is unbounded", sp.log(1 / p), p, 0, 1, sp.Symbol("c"))


def test_tau_expansion_rejects_a_wrong_third_term():
    good = tau_series.correction_series(3)
    x = tau_series.x
    with pytest.raises(DerivationError):
        _fresh().series("wrong x^2 coefficient", tau_series._fixed_point_map(good), x, 0,
                        good + tau_series.d * x**2, 3)


# -- derived expressions against the independent mpmath implementation ---------------------
def _at(expr: sp.Expr, g: Fraction, q: Fraction, digits: int = 45):
    # Floats, not Rationals: exact rational powers can blow up (sympy with gmpy2).
    with mp.workdps(digits + 20):
        g_float = sp.Float(str(mp.mpf(g.numerator) / g.denominator), digits + 20)
        q_float = sp.Float(str(mp.mpf(q.numerator) / q.denominator), digits + 20)
    value = expr.subs({gamma: g_float, p: q_float}).evalf(digits)
    return mp.mpf(str(value))


@settings(max_examples=40)
@given(g=focusing_parameters(max_value=20), q=probabilities(allow_one=False))
def test_derived_first_and_second_derivative_match_numeric_phi(g, q):
    first = derivations_for("phi.decreasing")[0].steps[0].rhs
    second = derivations_for("phi.convex")[0].steps[0].rhs
    with mp.workdps(40):
        for derived, numeric in ((first, numeric_phi_prime(g, q)),
                                 (second, numeric_phi_second(g, q))):
            value = _at(derived, g, q)
            assert abs(value - numeric) <= mp.mpf(10) ** -30 * abs(numeric)


@settings(max_examples=15)
@given(g=focusing_parameters(max_value=20, allow_zero=False))
def test_derived_stationarity_vanishes_at_the_numeric_maximiser(g):
    with mp.workdps(40):
        root = c_gamma_maximizer(g)
        equation = sp.lambdify((gamma, p), c_gamma_proofs.stationarity_expr, "mpmath")
        gap = sp.lambdify((gamma, p), phi_shape.gap(), "mpmath")
        value = equation(mp.mpf(g.numerator) / g.denominator, root)
        scale = abs(gap(mp.mpf(g.numerator) / g.denominator, root)) + 1
        assert abs(value) <= mp.mpf(10) ** -30 * scale
        # and S changes sign there (the root is not a mere near-zero of the derived S)
        step = root * mp.mpf(10) ** -10
        gg = mp.mpf(g.numerator) / g.denominator
        assert equation(gg, root - step) > 0 > equation(gg, root + step)
        assert abs(gap(gg, root) - c_gamma(g)) <= mp.mpf(10) ** -30 * c_gamma(g)


@pytest.mark.parametrize("g", [Fraction(1, 2), Fraction(1), Fraction(2), Fraction(5)])
@pytest.mark.parametrize("d", [20, 30])
def test_tau_series_matches_newton_to_the_expected_order(g, d):
    """t − T₃(d) ≈ −c₃(d)·e^(−3d), c₃ the residual's leading coefficient (derived)."""
    series = tau_series.log_inverse_tau_series(3)
    x = tau_series.x
    correction = tau_series.correction_series(3)
    residual = tau_series.d + correction - tau_series.d * (
        1 - x * sp.exp(-correction)) ** (-gamma)
    leading = sp.expand(sp.series(residual, x, 0, 4).removeO() / x**3)
    with mp.workdps(80):
        gg = mp.mpf(g.numerator) / g.denominator
        numeric = log_inverse_tau(g, d)
        approx = sp.lambdify((gamma, tau_series.d), series, "mpmath")(gg, mp.mpf(d))
        predicted = -sp.lambdify((gamma, tau_series.d), leading, "mpmath")(gg, mp.mpf(d)) \
            * mp.exp(-3 * d)
        error = numeric - approx
        assert abs(error / predicted - 1) < 0.1
        # the two-term expansion is worse by the size of the x^2 term, so the third term counts
        two_term = d + gg * d * mp.exp(-d)
        assert abs(numeric - two_term) > 1000 * abs(error)


# -- LaTeX ---------------------------------------------------------------------------------
KEY_EXPRESSIONS = {
    "phi.reduces-to-log": r"\log{\left(\frac{1}{p} \right)}",
    "phi.decreasing": r"\left(1 - p\right)^{\gamma - 1}",
    "phi.convex": r"\left(1 - p\right)^{\gamma - 2}",
    "phi.monotone-in-gamma": r"\log{\left(1 - p \right)}",
    "phi.gap": r"1 - \left(1 - p\right)^{\gamma}",
    "c-gamma.values": r"e^{-1}",
    "tau.inverse": r"\tau_{\gamma}",
    "tau.expansion": r"d \gamma e^{- d}",
    "tilted.reduces-to-log": r"= - d + \iota",
}


def _braces_balance(tex: str) -> bool:
    depth, i = 0, 0
    while i < len(tex):
        if tex[i] == "\\" and i + 1 < len(tex) and tex[i + 1] in "{}\\":
            i += 2
            continue
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth < 0:
            return False
        i += 1
    return depth == 0


@pytest.mark.parametrize("claim_id", list(BUILDERS))
def test_latex_is_balanced_and_shows_the_key_expression(claim_id):
    texts = []
    for derivation in derivations_for(claim_id):
        tex = derivation.to_latex()
        assert tex.startswith("\\begin{align*}\n") and tex.endswith("\n\\end{align*}")
        assert tex.count(r" \\" "\n") == len(derivation.steps) - 1
        assert _braces_balance(tex), tex
        texts.append(tex)
    assert KEY_EXPRESSIONS[claim_id] in "".join(texts)


def test_brace_checker_and_text_escaping_work():
    assert not _braces_balance(r"\frac{1}{2")
    tex = Derivation("t").identity("x^2 {braces} a_b & 50%", p, p).to_latex()
    assert _braces_balance(tex) and r"\textasciicircum{}" in tex and r"\{braces\}" in tex


# -- the claim checks ----------------------------------------------------------------------
def test_symbolic_checks_report_symbolic_evidence(monkeypatch):
    from focalrd.verify.claims import symbolic_core

    for claim_id in BUILDERS:
        evidence = symbolic_core.symbolic_evidence(claim_id)
        assert (evidence.level, evidence.passed) == ("symbolic", True)
        assert evidence.details["checked_steps"] > 0
        json.dumps(evidence.as_dict())

    def broken(claim_id):
        raise DerivationError("a step did not check")

    monkeypatch.setattr(symbolic_core, "derivations_for", broken)
    evidence = symbolic_core.symbolic_evidence("phi.convex")
    assert (evidence.level, evidence.passed) == ("symbolic", False)
    assert "did not check" in evidence.details["failed_step"]


# -- the CLI -------------------------------------------------------------------------------
def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, "derive", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_cli_derive_plain_latex_and_json():
    plain = _run("phi.convex", "c-gamma.values")
    assert plain.returncode == 0, plain.stderr
    assert "[phi.convex]" in plain.stdout and "[c-gamma.values]" in plain.stdout
    assert "lemma 'ln(1+s) <= s'" in plain.stdout and "checked:" in plain.stdout
    latex = _run("tau.expansion", "--latex")
    assert latex.returncode == 0 and latex.stdout.count("\\begin{align*}") == 1
    assert KEY_EXPRESSIONS["tau.expansion"] in latex.stdout
    document = json.loads(_run("phi.gap", "--json").stdout)
    assert list(document) == ["phi.gap"]
    assert document["phi.gap"][0]["steps"][0]["relation"] == "="


def test_cli_derive_unknown_claim_is_one_line_exit_2():
    result = _run("phi.decreasing", "no.such-claim")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "no.such-claim" in lines[0] and "phi.decreasing" in lines[0]
    assert "Traceback" not in result.stderr and result.stdout == ""

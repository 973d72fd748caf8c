"""Checks added where the planted-bug self-test found a hole (``focalrd selftest``).

Each check compares a function of the numeric layer with an evaluation written
here from the definition in THEORY.md, using mpmath only (no import of the
code under test), at ``dps + 30`` digits.  Tolerances are derived from the
rounding of a few operations at the working precision, see each check.

* ``[phi.convex]``: the numeric φ_γ'' against mpmath's numerical second
  derivative of the definition (the certified check proves A > 0 but never
  evaluates the library's ``phi_second``).
* ``[focal-entropy.unique]``: at γ = 0 and for vectors that do not sum to one
  (the cells of a partition), F_0(a) = Σ a ln(Σa/a) and q = a/Σa.
* ``[summary.hgamma-max]``: S_γ, H_γ and the two-level sum g_d(q) against
  their defining sums; and an enclosure by branch and bound *not* seeded with the
  formula's maximiser (a seeded search can prune every box against the formula's
  own value, and would then certify whatever bound it was given).
"""

from __future__ import annotations

from fractions import Fraction

import mpmath
from mpmath import mp

from focalrd.numeric.entropies.certified import hgamma_max_enclosure
from focalrd.numeric.entropies.hgamma import (
    hgamma,
    hgamma_max_formula,
    s_gamma,
    two_level_sum,
)
from focalrd.numeric.oneshot.focal_entropy import focal_entropy_solution
from focalrd.numeric.phi import phi_second
from focalrd.verify.claims import catalogue  # noqa: F401  (defines the claims checked here)
from focalrd.verify.registry import CheckContext, Evidence, check

#: Extra digits of every independent evaluation.
_EXTRA = 30


def _mpf(x: Fraction | int) -> mpmath.mpf:
    """An exact rational as an mpf at the current precision (one rounding)."""
    x = Fraction(x)
    return mp.mpf(x.numerator) / x.denominator


def _text(x: mpmath.mpf) -> str:
    return mpmath.nstr(x, 12)


# -- [phi.convex]: the numeric second derivative ------------------------------------------
@check("phi.convex", level="sampled")
def phi_second_against_definition(ctx: CheckContext) -> Evidence:
    """φ_γ''(p) of the library against mpmath.diff of (1 − p)^γ ln(1/p), at dps + 30."""
    rng = ctx.rng
    count = ctx.effort(40, 200)
    dps = max(ctx.dps, 20)
    # A = γ(γ−1)u + 2γs + s² ≥ s² > 0 and |γ(γ−1)u| ≤ 2γs (THEORY.md §2), so the sum
    # of the absolute terms is at most 3A: a few roundings at dps digits (plus the
    # library's guard bits) stay below 10^-(dps-3) relative; the reference at dps+30
    # adds nothing visible.
    tolerance = mp.mpf(10) ** -(dps - 3)
    worst = mp.zero
    for index in range(count):
        gamma = Fraction(rng.randint(0, 40), rng.choice((1, 2, 4)))
        p = Fraction(rng.randint(1, 999), 1000)
        with mp.workdps(dps):
            got = phi_second(gamma, p)
        with mp.workdps(dps + _EXTRA):
            g = _mpf(gamma)
            expected = mp.diff(lambda x, g=g: (1 - x) ** g * mp.log(1 / x), _mpf(p), 2)
            error = abs(got - expected) / abs(expected)
        worst = max(worst, error)
        if error > tolerance:
            return Evidence.sampled(
                "phi_second against the numerical second derivative of the definition", False,
                index + 1, counterexample={"gamma": str(gamma), "p": str(p), "got": _text(got),
                                           "expected": _text(expected),
                                           "relative_error": _text(error)})
    return Evidence.sampled(
        f"the library's phi_gamma''(p) equals mpmath.diff(..., 2) of (1 - p)^gamma ln(1/p) "
        f"evaluated at {dps + _EXTRA} digits, to a relative 1e-{dps - 3}, at {count} random "
        f"(gamma in [0, 40], p in (0, 1))", True, count, largest_relative_error=_text(worst))


# -- [focal-entropy.unique]: gamma = 0 on vectors that are not distributions ----------------
@check("focal-entropy.unique", level="reference")
def log_loss_cells(ctx: CheckContext) -> Evidence:
    """F_0(a) = Σ a ln(Σa/a) and q = a/Σa for vectors a with Σa ≠ 1 (cells of a partition)."""
    rng = ctx.rng
    count = ctx.effort(20, 100)
    dps = max(ctx.dps, 20)
    for index in range(count):
        a = [Fraction(rng.randint(1, 1000), rng.choice((7, 1000, 3))) for _ in
             range(rng.randint(2, 10))]
        with mp.workdps(dps):
            solution = focal_entropy_solution(a, 0)
        with mp.workdps(dps + _EXTRA):
            total = sum(a, Fraction(0))
            terms = [_mpf(v) * mp.log(_mpf(total) / _mpf(v)) for v in a]
            expected = mp.fsum(terms)
            # every term is >= 0: rounding at dps digits costs a few units in the last
            # place of the sum; 10^-(dps-3) relative to the sum (plus Σa for the logs).
            allowed = mp.mpf(10) ** -(dps - 3) * (expected + _mpf(total))
            value_ok = abs(solution.value - expected) <= allowed
            q_ok = all(abs(q - _mpf(v / total)) <= mp.mpf(10) ** -(dps - 2)
                       for q, v in zip(solution.minimizer, a, strict=True))
        if not (value_ok and q_ok):
            return Evidence.reference(
                "F_0(a) = sum a ln(sum a / a), q = a / sum a", False,
                counterexample={"a": [str(v) for v in a], "value": _text(solution.value),
                                "expected": _text(expected),
                                "failed": "value" if not value_ok else "minimiser"},
                instances=index + 1)
    return Evidence.reference(
        f"at gamma = 0, for {count} random positive vectors not summing to one, F_0(a) equals "
        f"sum a ln(sum a / a) and q = a / sum a, evaluated directly at {dps + _EXTRA} digits",
        True, instances=count)


# -- [summary.hgamma-max]: the sums behind h_gamma ---------------------------------------------
def _direct_s(probs: list[Fraction], g: mpmath.mpf) -> mpmath.mpf:
    return mp.fsum(_mpf(p) * _mpf(1 - p) ** g for p in probs if p > 0)


@check("summary.hgamma-max", level="sampled")
def sums_against_definition(ctx: CheckContext) -> Evidence:
    """S_γ(P), H_γ(P) and g_d(q) of the library against their defining sums at dps + 30."""
    rng = ctx.rng
    count = ctx.effort(30, 150)
    dps = max(ctx.dps, 20)
    # Sums of positive terms: a few roundings at dps digits, 10^-(dps-3) relative.
    tolerance = mp.mpf(10) ** -(dps - 3)
    for index in range(count):
        weights = [rng.randint(1, 50) for _ in range(rng.randint(2, 8))]
        probs = [Fraction(w, sum(weights)) for w in weights]
        gamma = Fraction(rng.randint(1, 80), rng.choice((1, 4, 8)))
        d = rng.randint(1, 6)
        q = Fraction(rng.randint(1, 99), 100)
        with mp.workdps(dps):
            got_s, got_h = s_gamma(probs, gamma), hgamma(probs, gamma)
            got_g = two_level_sum(d, q, gamma)
        with mp.workdps(dps + _EXTRA):
            g = _mpf(gamma)
            s = _direct_s(probs, g)
            two_level = _direct_s([1 - q] + [q / d] * d, g)
            errors = {"S_gamma": abs(got_s - s) / s,
                      "H_gamma": abs(got_h - mp.log(s)) / (1 + abs(mp.log(s))),
                      "g_d(q)": abs(got_g - two_level) / two_level}
        failed = [name for name, error in errors.items() if error > tolerance]
        if failed:
            return Evidence.sampled(
                "S_gamma, H_gamma and g_d(q) against their defining sums", False, index + 1,
                counterexample={"source": [str(p) for p in probs], "gamma": str(gamma),
                                "d": d, "q": str(q), "failed": failed,
                                "relative_errors": {k: _text(v) for k, v in errors.items()}})
    return Evidence.sampled(
        f"S_gamma(P) = sum P(1-P)^gamma, H_gamma = ln S_gamma and the two-level sum g_d(q) = "
        f"S_gamma(1-q, q/d, ..., q/d) equal their defining sums evaluated directly at "
        f"{dps + _EXTRA} digits, to a relative 1e-{dps - 3}, at {count} random (P on 2-8 "
        f"symbols, gamma in (0, 80], d <= 6, q)", True, count)


@check("summary.hgamma-max", level="certified")
def formula_in_unseeded_enclosure(ctx: CheckContext) -> Evidence:
    """The formula's h_γ(k) lies in an enclosure found without the formula's help."""
    cases = [(3, Fraction(5)), (4, Fraction(10))] if ctx.quick else [
        (k, Fraction(g)) for k in (3, 4) for g in ("2", "5", "10", "50")]
    rel_tol = 1e-8 if ctx.quick else 1e-12
    failures, boxes = [], 0
    with mp.workdps(max(ctx.dps, 20) + 10):
        # The enclosure is rigorous; only the formula's own rounding needs slack.
        slack = mp.mpf(10) ** (-(mp.dps - 5))
        for k, g in cases:
            formula = hgamma_max_formula(k, g)
            enc = hgamma_max_enclosure(k, g, rel_tol=rel_tol)
            boxes += enc.boxes
            if not (enc.complete and enc.log_lower - slack <= formula.value
                    <= enc.log_upper + slack):
                failures.append({"k": k, "gamma": str(g), "formula": _text(formula.value),
                                 "lower": _text(enc.log_lower), "upper": _text(enc.log_upper),
                                 "complete": enc.complete})
    return Evidence.certified(
        "interval branch and bound without candidate points (its lower bound comes from its "
        "own boxes) encloses max_P ln S_gamma(P); the formula's value must lie inside",
        not failures, f"the whole simplex for (k, gamma) in "
                      f"{[(k, str(g)) for k, g in cases]}",
        failures[0] if failures else None, boxes_split=boxes, relative_tolerance=str(rel_tol))


# -- [focal-entropy.unique]: the KKT residual `focalrd eval` prints ------------------------
@check("focal-entropy.unique", level="sampled")
def printed_kkt_residual(ctx: CheckContext) -> Evidence:
    """The ``kkt_residual`` of ``focalrd eval focal-entropy`` against its own definition.

    The residual is a property of the printed digits: max(max_x |a_x |φ'(q̂_x)| / λ̂ − 1|,
    |Σ q̂ − 1|) for the printed minimiser q̂ and multiplier λ̂, which are rounded to N
    digits, so it is of the order 10^-N and never zero for a generic input.  It is
    recomputed here from the printed strings with the independent φ' at N + 60 digits.
    The library prints it with 2 significant digits, a relative rounding of at most 5 %
    (allowance 6 %); below 10^-(N+15) it prints the bound "<1e-(N+15)".  Each input is
    evaluated on both paths of ``focalrd eval``: proven by balls (with python-flint) and
    confirmed at two precisions (forced), which compute the residual differently.
    """
    import argparse
    from contextlib import nullcontext

    from focalrd.verify.claims import _independent as reference
    from focalrd.verify.commands.eval import evaluate
    from focalrd.verify.quantities import discover_quantities
    from focalrd.verify.quantities._proven import certification_wanted, confirmation_only

    quantity = next(q for q in discover_quantities() if q.name == "focal-entropy")
    rng = ctx.rng
    count = ctx.effort(3, 12)
    digits = max(ctx.dps, 20)
    for index in range(count):
        a = [Fraction(rng.randint(1, 999), 1000) for _ in range(rng.randint(2, 5))]
        a[-1] = 1 - sum(a[:-1], Fraction(0))
        if a[-1] <= 0:
            a = [Fraction(1, len(a))] * (len(a) - 1) + [1 - Fraction(len(a) - 1, len(a))]
        gamma = Fraction(rng.randint(1, 40), 8)
        args = argparse.Namespace(source=",".join(str(v) for v in a), gamma=str(gamma),
                                  dps=str(digits), bits=False)
        paths = [confirmation_only] + ([nullcontext] if certification_wanted() else [])
        for path in paths:
            with path():
                document = evaluate(quantity, args)
            failure = _residual_failure(reference, a, gamma, digits, document)
            if failure is not None:
                return Evidence.sampled(
                    "printed KKT residual against its definition", False, index + 1,
                    counterexample={"a": [str(v) for v in a], "gamma": str(gamma),
                                    "dps": digits, "certified": document.get("certified"),
                                    **failure})
    return Evidence.sampled(
        f"{count} random distributions (2-5 entries) and gamma at {digits} digits: the "
        "kkt_residual printed by `focalrd eval focal-entropy` (proven and confirmed paths) "
        "equals the residual of the printed minimiser and multiplier recomputed with an "
        "independent phi' (2 significant digits, allowance 6 %)", True, count)


def _residual_failure(reference, a, gamma, digits, document) -> dict | None:
    """None when the printed residual matches its recomputation, else the two values."""
    reported = document["kkt_residual"]
    with mp.workdps(digits + 60):
        shown = [mp.mpf(q) for q in document["minimizer"]]
        lam = mp.mpf(document["multiplier"])
        g = _mpf(gamma)
        gaps = [abs(_mpf(v) * -reference.phi_prime(g, q) / lam - 1)
                for v, q in zip(a, shown, strict=True)]
        residual = max(max(gaps), abs(mp.fsum(shown) - 1))
        bound = mp.mpf(10) ** -(digits + 15)
        if reported.startswith("<"):
            ok = residual <= bound * mp.mpf("1.06")
        else:
            ok = abs(mp.mpf(reported) - residual) <= mp.mpf("0.06") * residual \
                and residual >= bound / mp.mpf("1.06")
    if not ok:
        return {"reported": reported, "recomputed": _text(residual)}
    return None

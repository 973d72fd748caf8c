"""The one place where ``focalrd eval`` chooses proven or confirmed digits.

With python-flint installed (the ``rigorous`` extra), a quantity that has an
enclosure here is evaluated once in ball arithmetic (:mod:`focalrd.numeric.balls`)
and each printed number is the decimal its ball proves
(:func:`focalrd.numeric.balls.evaluation.proven`); the document says
``"certified": true`` and carries each enclosure.  Otherwise — no python-flint,
``FOCALRD_CONFIRM_ONLY=1`` in the environment, or a quantity (or an input range)
without an enclosure — the digits are confirmed by two evaluations at two
precisions (:func:`focalrd.numeric.precision.reported`) and the document says
``"certified": false`` and why.

An enclosure function receives the exact inputs, ``bits`` (the unit flag) and
``computed``, which runs the quantity's own ``compute`` once at the current
precision (for its exact parts and its structure).  It returns the result dict with
every real number as a ball or an exact Fraction; a floating-point number left in it
means "not enclosed", and the quantity falls back to confirmation.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import mpmath
from mpmath import mp

from focalrd.numeric import balls
from focalrd.numeric.precision import reported

__all__ = [
    "CONFIRM_ONLY_VARIABLE",
    "NotEnclosed",
    "confirmation_only",
    "digits_of",
    "enclosure_for",
]

#: Set to 1 to confirm digits by two evaluations even when python-flint is installed.
CONFIRM_ONLY_VARIABLE = "FOCALRD_CONFIRM_ONLY"

PROVEN = "proven: every printed number is the rounding its Arb ball enclosure decides"
CONFIRMED = "confirmed: two evaluations at two working precisions round to the same digits"


class NotEnclosed(Exception):
    """A quantity (or this input of it) has no ball enclosure; ``str()`` says why."""


Enclosure = Callable[[dict[str, Any], bool, Callable[[], dict[str, Any]]], dict[str, Any]]


def _ln2():
    from flint import arb

    return arb.const_log2()


def _in_unit(value, bits: bool, power: int = 1):
    """A ball (or an ExactReal) in nats, converted to bits when asked (0 stays exact)."""
    from focalrd.numeric.balls.arith import ExactReal

    if not bits:
        return value
    if isinstance(value, ExactReal):
        return value if value.value == 0 else value.ball() / _ln2() ** power
    return value / _ln2() ** power


# -- §1–3 ------------------------------------------------------------------------------------
def _focal_loss(inputs, bits, computed):
    from focalrd.numeric.balls.phi import focal_loss

    return {"value": _in_unit(focal_loss(inputs["gamma"], inputs["p"]), bits)}


def _tau(inputs, bits, computed):
    from focalrd.numeric.balls.arith import ExactReal
    from focalrd.numeric.balls.tau import tau
    from focalrd.numeric.oneshot.floors import threshold_level

    # τ is rational only at d = 0 (τ = 1) or, in bits, at τ = 2^-m; such a value may be a
    # rounding tie (0.25 at one digit), which no ball could decide: it is exact instead
    gamma, d = inputs["gamma"], inputs["distortion"]
    if d == 0 or bits:
        exact_tau = threshold_level(gamma, d, bits)[1]
        if exact_tau is not None:
            return {"value": ExactReal(exact_tau)}
    return {"value": tau(gamma, d, bits)}


def _c_gamma(inputs, bits, computed):
    from focalrd.numeric.balls.c_gamma import c_gamma, gap_maximizer

    gamma = inputs["gamma"]
    if gamma == 0:
        return {"value": c_gamma(gamma), "maximizer": None}
    maximizer = gap_maximizer(gamma)
    return {"value": _in_unit(c_gamma(gamma, maximizer), bits), "maximizer": maximizer}


# -- §4–5 ------------------------------------------------------------------------------------
def _eps_star_precheck(inputs) -> None:
    if inputs["weights"] is not None and inputs["n"] == 1:
        raise NotEnclosed("the weighted eps-star's branch and bound prunes with float64 "
                          "bounds; its bounds are not enclosed in balls")


def _eps_star(inputs, bits, computed):
    from focalrd.numeric.balls.oneshot import tilted_converse
    from focalrd.numeric.balls.tau import log_inverse_tau

    if inputs["n"] > 1:
        return _eps_star_blocks(inputs, bits, computed)
    result = dict(computed())
    p, gamma, d = inputs["source"], inputs["gamma"], inputs["distortion"]
    converse, beta = tilted_converse(p, gamma, _codewords_used(inputs, bits), d, bits)
    result["converse"], result["converse_beta"] = converse, beta
    if "log_inverse_tau" in result:
        result["log_inverse_tau"] = log_inverse_tau(gamma, d, bits)
    return result


def _codewords_used(inputs, bits) -> int:
    """M as the one-shot computation used it (the alphabet size past e^2300 codewords)."""
    from focalrd.verify.quantities.oneshot import _codewords

    return _codewords(inputs, bits)[0]


def _eps_star_blocks(inputs, bits, computed):
    """ε* for n > 1: exact by enumeration, else a ball (issue 21); ln(1/τ) as a ball."""
    from focalrd.numeric.balls.tau import log_inverse_tau

    result = dict(computed())
    t = None
    if "log_L" in result:
        t = log_inverse_tau(inputs["gamma"], inputs["n"] * inputs["distortion"], bits)
        result["log_L"] = t  # "log_L" is ln(1/τ(nD)) (README), within e^-5000 of ln L
    if not isinstance(result["value"], Fraction):
        result["value"] = _uncovered_ball(inputs, bits, t)
    return _codebook_log(inputs, bits, result)


def _uncovered_ball(inputs, bits, t):
    """1 − P(the M·L most likely sequences) past enumeration, as a ball."""
    from fractions import Fraction as F

    from focalrd.numeric.balls import blocks as ball_blocks
    from focalrd.numeric.balls.arith import Undecided, exact
    from focalrd.numeric.blocks.count_parts import uncovered_parts
    from focalrd.numeric.blocks.excess import Count, list_size
    from focalrd.numeric.blocks.grouping import _log_int, group_source
    from focalrd.verify.quantities import _blocks_eval as blocks

    source, n, gamma = tuple(inputs["source"]), inputs["n"], inputs["gamma"]
    m = blocks._codebook(inputs, bits)
    with mpmath.mp.workprec(mpmath.mp.prec + 30):
        ell = list_size(gamma, inputs["distortion"], n, bits)
    if m.exact is not None and ell.exact is not None:
        s: Any = m.exact * ell.exact
        count = Count(s, _log_int(s))
        log_s = exact(s).log()
    else:
        if ell.exact is None and t is None:
            from focalrd.numeric.balls.tau import log_inverse_tau

            t = log_inverse_tau(gamma, n * inputs["distortion"], bits)
        log_l = exact(ell.exact).log() if ell.exact is not None else \
            ball_blocks.log_list_bound(t)
        log_s = ball_blocks.log_codebook(m.exact, _rate_exponent(inputs, bits)) + log_l
        s = log_s.exp()
        count = Count(None, m.log + ell.log)
    grouped = group_source(source)
    log_all = n * exact(grouped.support).log()  # ln of the number of sequences
    if log_s > log_all:
        return F(0)
    if grouped.groups == 1:  # all k^n sequences equally likely: 1 − S/k^n for S < k^n
        if not log_s < log_all:
            raise Undecided("the ball of S does not decide whether S covers every sequence")
        return -(log_s - log_all).expm1()
    if _parts_precision() > mp.prec:  # as in _d_star: the scans follow the balls' bits
        with mp.workprec(_parts_precision()):
            return ball_blocks.uncovered_ball(uncovered_parts(source, n, count), s)
    return ball_blocks.uncovered_ball(uncovered_parts(source, n, count), s)


def _codebook_log(inputs, bits, result):
    """"log_codewords" = ln M for M = ⌊e^{nR}⌋ (⌊2^{nR}⌋) known only by its size.

    ln M ∈ (x + ln(1 − e^(−x)), x] with x = nR (nR ln 2), and ln(1 − e^(−x)) ≥ −2e^(−x).
    """
    if "log_codewords" not in result:
        return result
    from focalrd.numeric.balls.arith import exact

    x = exact(inputs["n"] * inputs["rate"]) * (_ln2() if bits else 1)
    result["log_codewords"] = (x - 2 * (-x).exp()).union(x)
    return result


def _focal_entropy(inputs, bits, computed):
    from focalrd.numeric.balls.arith import Undecided
    from focalrd.numeric.balls.evaluation import decided
    from focalrd.numeric.balls.focal_entropy import focal_entropy, kkt_residual

    source, gamma, digits = inputs["source"], inputs["gamma"], inputs["_dps"]
    solution = focal_entropy(source, gamma)

    def printed(x) -> Fraction:
        text = decided(x, digits)
        if text is None:
            raise Undecided("a minimiser entry's digits are not decided yet")
        return Fraction(text)

    shown = [printed(q) for q in solution.minimizer]
    multiplier = printed(solution.multiplier)
    # a single symbol (λ = 0): nothing to balance, printed "0" as the confirmed path does
    residual = "0" if multiplier == 0 else _residual_text(
        kkt_residual(source, gamma, shown, multiplier), digits)
    return {"value": _in_unit(solution.value, bits), "minimizer": list(solution.minimizer),
            "multiplier": solution.multiplier, "kkt_residual": residual}


def _residual_text(residual, digits: int) -> str:
    """The residual as the confirmed path prints it: 2 digits, or "<1e-(N+15)" below that."""
    from focalrd.numeric.balls.arith import Undecided, ends
    from focalrd.numeric.balls.digits import decided_text

    floor = Fraction(1, 10 ** (digits + 15))
    low, high = ends(residual)
    if high < floor:
        return f"<1e-{digits + 15}"
    if low >= floor:
        from focalrd.numeric.balls.digits import round_significant

        rounded = round_significant(low, 2)
        if decided_text(low, high, 2) is not None:
            return _short_layout(*rounded)
    raise Undecided("the KKT residual's two digits are not decided")


def _short_layout(negative: bool, digits: str, exponent: int) -> str:
    """mpmath's ``nstr(x, 2)`` layout (the confirmed path's): fixed for −5 < e < 2, trailing
    zeros stripped (0.2, 2.0, 8.2e-31)."""
    sign = "-" if negative else ""
    if -5 < exponent < len(digits):
        text = ("0." + "0" * (-exponent - 1) + digits if exponent < 0
                else digits[:exponent + 1] + "." + digits[exponent + 1:])
        exponent_text = ""
    else:
        text = digits[0] + "." + digits[1:]
        exponent_text = f"e+{exponent}" if exponent > 0 else f"e{exponent}"
    text = text.rstrip("0")
    return sign + (text + "0" if text.endswith(".") else text) + exponent_text


_AVG_BLOCKS_REASON = ("for n > 1 the search over the type classes and its typical-set "
                      "achievability rank in float64; only n = 1 is enclosed in balls")


def _avg_d_star_precheck(inputs) -> None:
    if inputs["n"] > 1:
        raise NotEnclosed(_AVG_BLOCKS_REASON)


def _avg_d_star(inputs, bits, computed):
    """D*_γ(M) by the ball-screened partition search (:mod:`focalrd.numeric.balls.average`);
    the bounds as balls of the same codes; the partition when the balls single it out."""
    from focalrd.numeric import weighting
    from focalrd.numeric.balls.average import Tie, average_bounds_balls, optimal_code_balls
    from focalrd.numeric.oneshot.average import exact_search_feasible
    from focalrd.numeric.source import reweighted_source
    from focalrd.verify.quantities.oneshot import _codewords

    p, gamma = inputs["source"], inputs["gamma"]
    weights = inputs["weights"] if inputs["weights"] is not None else weighting(p, None)
    r = reweighted_source(p, weights)
    m, shown = _codewords(inputs, bits)
    if not exact_search_feasible(r):
        raise NotEnclosed("beyond the exact partition search only the bounds exist, and the "
                          "partition of the best bound is chosen in float64")
    try:
        exact = optimal_code_balls(r, gamma, m)
        log_loss = exact if gamma == 0 else optimal_code_balls(r, Fraction(0), m,
                                                               allow_ties=True)
        bounds = average_bounds_balls(r, gamma, m, log_loss.value,
                                      log_loss.tied or (log_loss.partition,))
    except Tie as error:
        raise NotEnclosed(f"{error}: the optimal partition is not unique") from None
    result: dict[str, Any] = {
        "value": _in_unit(exact.value, bits),
        "converse": bounds.converse if isinstance(bounds.converse, Fraction)
        else _in_unit(bounds.converse, bits),
        "achievability": _in_unit(bounds.achievability, bits),
        "partition": [list(c) for c in exact.partition]}
    if inputs["codewords"] is None:
        result["codewords"] = shown
    return result


# -- §6 ----------------------------------------------------------------------------------------
def _d_star(inputs, bits, computed):
    """D* = φ_γ(1/L*)/n with K* and L* exact or as balls (past enumeration: issue 21)."""
    from focalrd.numeric.balls import blocks as ball_blocks
    from focalrd.numeric.blocks.classes import exact_feasible
    from focalrd.numeric.blocks.count_parts import least_count_parts
    from focalrd.numeric.blocks.grouping import group_source
    from focalrd.verify.quantities import _blocks_eval as blocks

    blocks._unweighted(inputs)
    m = blocks._codebook(inputs, bits)
    source, n = inputs["source"], inputs["n"]
    grouped = group_source(tuple(source))
    enumerated = grouped.groups == 1 or exact_feasible(grouped, n)
    parts = least_count_parts(source, n, inputs["eps"])
    if not isinstance(parts, int) and _parts_precision() > mp.prec:
        # the scans ran at mpmath's precision: when the balls ask for more bits, so must
        # they, or the error bound of their fixed-point sums never shrinks
        with mp.workprec(_parts_precision()):
            parts = least_count_parts(source, n, inputs["eps"])
    k = parts if isinstance(parts, int) else ball_blocks.count_ball(parts)
    log_m = ball_blocks.log_codebook(m.exact, _rate_exponent(inputs, bits))
    ell, log_l = ball_blocks.list_size(k, m.exact, log_m)
    out: dict[str, Any] = {"value": _in_unit(
        ball_blocks.phi_of_inverse(inputs["gamma"], ell, log_l) / n, bits)}
    out.update(_count_entry("K", k, enumerated))
    out.update(_count_entry("L", ell if ell is not None else log_l,
                            enumerated and isinstance(k, int) and m.exact is not None))
    out.update(blocks._codewords_entry(inputs, m))
    return _codebook_log(inputs, bits, out)


def _parts_precision() -> int:
    """The mpmath precision for the fixed-point scans: the balls' working bits."""
    from focalrd.numeric.balls.arith import current_bits

    return current_bits()


def _rate_exponent(inputs, bits):
    """x = nR (nR ln 2 with bits) for M = ⌊e^x⌋ given by a rate (None with --codewords)."""
    from focalrd.numeric.balls.arith import exact

    if inputs.get("rate") is None:
        return None
    return exact(inputs["n"] * inputs["rate"]) * (_ln2() if bits else 1)


def _count_entry(name: str, count, enumerated: bool) -> dict[str, Any]:
    """"K"/"L" exactly when the confirmed path prints it (enumerated, or below 2^64), else
    "log_K"/"log_L" as a ball; a ball of the count itself must decide its integer."""
    from focalrd.numeric.balls import blocks as ball_blocks
    from focalrd.numeric.balls.arith import Undecided, exact
    from focalrd.verify.quantities import _blocks_eval as blocks

    limit = 1 << 64
    if isinstance(count, int):
        printable = blocks._printable(count) if enumerated or count < limit else None
        return ({name: str(printable)} if printable is not None
                else {f"log_{name}": exact(count).log()})
    if name == "L":  # a ball of ln L* (L* >= 2^64)
        return {"log_L": count}
    if count > limit:
        return {"log_K": count.log()}
    if count < limit:
        value = ball_blocks.decided_integer(count)
        if value is not None:
            return {name: str(value)}
    raise Undecided("the ball of K* does not decide its integer")


def _dispersion(inputs, bits, computed):
    from focalrd.numeric.balls.source import dispersion

    return {"value": _in_unit(dispersion(inputs["source"]), bits, power=2)}


def _normal_approx(inputs, bits, computed):
    from focalrd.numeric.balls.arith import exact
    from focalrd.numeric.balls.source import normal_approximation

    rate = exact(inputs["rate"]) * (_ln2() if bits else 1)
    value = normal_approximation(inputs["source"], inputs["n"], rate, inputs["eps"])
    return {"value": _in_unit(value, bits)}


# -- §6 saddlepoint APPROXIMATIONS: the formula's digits, not D* or ε* ---------------------
def _saddle_codebook(inputs, bits):
    """(ln M as a ball, M or None): M = ⌊e^{nR}⌋ exact while it fits, else known by its size."""
    from focalrd.numeric.balls.arith import exact
    from focalrd.numeric.blocks.grouping import codebook_size

    m = codebook_size(inputs["n"], inputs.get("codewords"), inputs.get("rate"), bits)
    if m.exact is not None:
        return exact(m.exact).log(), m.exact
    x = exact(inputs["n"] * inputs["rate"]) * (_ln2() if bits else 1)
    return (x - 2 * (-x).exp()).union(x), None


def _saddle_labels(inputs, log_m) -> dict[str, Any]:
    from focalrd.verify.quantities.saddlepoint import NOTE, _method

    out: dict[str, Any] = {"approximation": True, "method": _method(inputs["source"]),
                           "note": NOTE}
    if inputs.get("codewords") is None:
        out["log_codewords"] = log_m
    return out


@contextmanager
def _formula_singular() -> Iterator[None]:
    from focalrd.numeric.balls.saddlepoint import Singular

    try:
        yield
    except Singular as error:
        raise NotEnclosed(str(error)) from None


def _d_star_saddlepoint(inputs, bits, computed):
    from focalrd.numeric.balls.saddlepoint import distortion

    log_m, _ = _saddle_codebook(inputs, bits)
    with _formula_singular():
        value, log_k = distortion(inputs["source"], inputs["gamma"], inputs["n"], log_m,
                                  inputs["eps"])
    if not isinstance(value, Fraction):
        value = _in_unit(value, bits)
    return {"value": value, "log_K": log_k, **_saddle_labels(inputs, log_m)}


def _eps_star_saddlepoint(inputs, bits, computed):
    from focalrd.numeric.balls.arith import exact
    from focalrd.numeric.balls.saddlepoint import excess
    from focalrd.numeric.balls.tau import log_inverse_tau
    from focalrd.numeric.blocks.excess import list_size

    n = inputs["n"]
    log_m, m = _saddle_codebook(inputs, bits)
    ell = list_size(inputs["gamma"], inputs["distortion"], n, bits)
    if ell.exact is not None:
        log_l = exact(ell.exact).log()
    else:  # L = ⌊e^t⌋ with t = ln(1/τ) > 5000: ln L ∈ [t − 2e^(−t), t]
        t = log_inverse_tau(inputs["gamma"], n * inputs["distortion"], bits)
        log_l = (t - 2 * (-t).exp()).union(t)
    covered = m * ell.exact if m is not None and ell.exact is not None else None
    with _formula_singular():
        value = excess(inputs["source"], n, log_m + log_l, covered)
    return {"value": value, "log_L": log_l, **_saddle_labels(inputs, log_m)}


# -- §7–8 h_γ(k) -------------------------------------------------------------------------------
def _h_gamma_precheck(inputs) -> None:
    from focalrd.numeric.entropies.certified import MAX_CERTIFIED_ALPHABET

    if inputs["alphabet"] > MAX_CERTIFIED_ALPHABET:
        raise NotEnclosed(f"for k > {MAX_CERTIFIED_ALPHABET} the global search over the "
                          "simplex is a float64 multi-start refined by Newton; the branch and "
                          f"bound that isolates the maximiser covers k <= "
                          f"{MAX_CERTIFIED_ALPHABET} only")


def _h_gamma(inputs, bits, computed):
    """The maximum isolated by branch and bound, unique by strict concavity there, and the
    two-level critical point inside it (:mod:`focalrd.numeric.balls.hgamma`).  The formula's
    d is k − 1 (its d < k − 1 points have a zero entry, outside the isolating boxes, so
    they are strictly worse), and the global search's point is checked to lie in the
    isolating boxes, whose one critical point is the maximiser it refines towards."""
    from focalrd.numeric.balls.hgamma import NotIsolated, hgamma_maximum, in_hull
    from focalrd.numeric.entropies.hgamma import hgamma_max_search

    k, gamma = inputs["alphabet"], inputs["gamma"]
    if gamma == 0:
        zero = Fraction(0)
        return {"value": zero, "maximizer": None, "formula_value": zero, "search_value": zero,
                "formula_d": None, "search_maximizer": None}
    try:
        found = hgamma_maximum(k, gamma)
    except NotIsolated as error:
        raise NotEnclosed(str(error)) from None
    with mpmath.mp.workdps(20):
        search = hgamma_max_search(k, gamma)
    if search.maximizer is None or not in_hull([_fraction(x) for x in search.maximizer],
                                               found.hull):
        raise NotEnclosed("the global search's maximiser is not in the isolating boxes")
    value = _in_unit(found.value, bits)
    return {"value": value, "maximizer": list(found.maximizer), "formula_value": value,
            "search_value": value, "formula_d": found.d,
            "search_maximizer": list(found.maximizer)}


def _fraction(x) -> Fraction:
    sign, man, exp, _ = mpmath.mpf(x)._mpf_
    value = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -value if sign else value


#: quantity name -> its enclosure; a quantity missing here is confirmed, and says so.
ENCLOSURES: dict[str, Enclosure] = {
    "focal-loss": _focal_loss,
    "tau": _tau,
    "c-gamma": _c_gamma,
    "eps-star": _eps_star,
    "focal-entropy": _focal_entropy,
    "d-star": _d_star,
    "dispersion": _dispersion,
    "normal-approx": _normal_approx,
    "d-star-saddlepoint": _d_star_saddlepoint,
    "eps-star-saddlepoint": _eps_star_saddlepoint,
    "h-gamma": _h_gamma,
    "avg-d-star": _avg_d_star,
}

_SADDLE_PROVEN = ("; the digits proven are those of the saddlepoint APPROXIMATION's formula "
                  "(saddlepoint, thresholds and Lugannani-Rice tails enclosed), not digits of "
                  "{}")

#: What "proven" means for a quantity whose value is an approximation (added to the line).
PROVEN_NOTES: dict[str, str] = {
    "d-star-saddlepoint": _SADDLE_PROVEN.format("D*"),
    "eps-star-saddlepoint": _SADDLE_PROVEN.format("eps*"),
}

#: Cheap tests run before an enclosure (before python-flint is even imported): an input
#: they refuse is confirmed at once, without a wasted evaluation.
PRECHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "eps-star": _eps_star_precheck,
    "h-gamma": _h_gamma_precheck,
    "avg-d-star": _avg_d_star_precheck,
}

#: Why the quantities without an enclosure have none (shown in "certification").
NOT_ENCLOSED: dict[str, str] = {}


def enclosure_for(name: str) -> Enclosure | None:
    """The enclosure of quantity ``name``, or None."""
    return ENCLOSURES.get(name)


def _unenclosed_field(result: Any, path: str = "") -> str | None:
    """The first field of ``result`` holding a floating-point number, or None."""
    if isinstance(result, mpmath.mpf | float | mpmath.mpc):
        return path or "value"
    if isinstance(result, dict):
        for key, value in result.items():
            found = _unenclosed_field(value, key if not path else f"{path}.{key}")
            if found:
                return found
    if isinstance(result, list | tuple):
        for value in result:
            found = _unenclosed_field(value, path)
            if found:
                return found
    return None


def _enclosed(quantity, arguments: dict[str, Any], bits: bool, dps: int) -> dict[str, Any]:
    precheck = PRECHECKS.get(quantity.name)
    if precheck is not None:
        precheck(arguments)
    from focalrd.numeric.balls.evaluation import proven

    enclose = ENCLOSURES[quantity.name]

    def evaluate() -> dict[str, Any]:
        result = enclose(arguments, bits, lambda: quantity.compute(arguments, bits))
        missing = _unenclosed_field(result)
        if missing:
            raise NotEnclosed(f"{missing} has no ball enclosure")
        return result

    return proven(evaluate, dps)


_FORCED_CONFIRMATION: list[bool] = []


@contextmanager
def confirmation_only() -> Iterator[None]:
    """Within the block, ``focalrd eval`` confirms by two evaluations even with python-flint.

    For checks of the command-line layer: a quantity's ``compute`` runs only on the
    confirmed path, so such a check must look at both paths.
    """
    _FORCED_CONFIRMATION.append(True)
    try:
        yield
    finally:
        _FORCED_CONFIRMATION.pop()


def certification_wanted() -> bool:
    """Whether ball enclosures are available and not switched off (environment, or
    :func:`confirmation_only`)."""
    return (balls.available() and not _FORCED_CONFIRMATION
            and os.environ.get(CONFIRM_ONLY_VARIABLE, "") in ("", "0"))


def digits_of(quantity, arguments: dict[str, Any], bits: bool, dps: int
              ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the printed results, the certification keys of the document).

    The results map each key of the quantity's result to its printed form (strings
    for numbers); the certification keys are ``"certified"``, ``"certification"``
    (one line), ``"lower"``/``"upper"`` (the value's enclosure, or None) and, when
    certified, ``"enclosures"`` ([lower, upper] of every other printed number).
    """
    reason = None
    if not balls.available():
        reason = "python-flint (the rigorous extra) is not installed"
    elif not certification_wanted():
        reason = (f"{CONFIRM_ONLY_VARIABLE} is set" if not _FORCED_CONFIRMATION
                  else "confirmation asked for")
    elif quantity.name not in ENCLOSURES:
        reason = NOT_ENCLOSED.get(quantity.name, "this quantity has no ball enclosure")
    if reason is None:
        try:
            numbers = _enclosed(quantity, arguments, bits, dps)
        except NotEnclosed as error:
            reason = str(error)
        else:
            return _proven_document(numbers, PROVEN_NOTES.get(quantity.name, ""))
    results = reported(lambda: quantity.compute(arguments, bits), dps)
    return results, {"certified": False, "certification": f"{CONFIRMED} ({reason})",
                     "lower": None, "upper": None}


def _proven_document(numbers: dict[str, Any], note: str = ""
                     ) -> tuple[dict[str, Any], dict[str, Any]]:
    from focalrd.numeric.balls.evaluation import ProvenNumber

    def text(value):
        if isinstance(value, ProvenNumber):
            return value.text
        if isinstance(value, list):
            return [text(v) for v in value]
        if isinstance(value, dict):
            return {k: text(v) for k, v in value.items()}
        return value

    def enclosure(value):
        if isinstance(value, ProvenNumber):
            return [value.lower, value.upper]
        if isinstance(value, list):
            inner = [enclosure(v) for v in value]
            return inner if any(v is not None for v in inner) else None
        if isinstance(value, dict):
            inner = {k: enclosure(v) for k, v in value.items()}
            inner = {k: v for k, v in inner.items() if v is not None}
            return inner or None
        return None

    value = numbers.get("value")
    results = {key: text(v) for key, v in numbers.items()}
    others = {key: enclosure(v) for key, v in numbers.items() if key != "value"}
    certification = {
        "certified": True,
        "certification": PROVEN + note,
        "lower": value.lower if isinstance(value, ProvenNumber) else None,
        "upper": value.upper if isinstance(value, ProvenNumber) else None,
        "enclosures": {k: v for k, v in others.items() if v is not None},
    }
    return results, certification

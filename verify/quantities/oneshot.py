"""``focalrd eval`` quantities of THEORY.md §4–5: eps-star, focal-entropy, avg-d-star.

eps-star and avg-d-star are single-shot (n = 1) here; with ``--n N > 1`` they
delegate to the block-length evaluation (:mod:`._blocks_eval`).
"""

from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Any

from mpmath import mp

from focalrd.numeric import (
    distortion_level,
    distribution,
    focusing_parameter,
    nats_to_bits,
    phi_prime,
    weighting,
)
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.exact import positive_integer
from focalrd.numeric.limits import check_blocklength
from focalrd.numeric.oneshot.average import exact_search_feasible, optimal_code
from focalrd.numeric.oneshot.average_bounds import average_distortion_bounds
from focalrd.numeric.oneshot.excess import (
    excess_exact,
    list_size,
    optimal_excess_code,
    tilted_achievability,
    tilted_converse,
)
from focalrd.numeric.oneshot.floors import codewords_for_rate
from focalrd.numeric.oneshot.focal_entropy import focal_entropy_solution
from focalrd.numeric.oneshot.weighted import weighted_excess_distortion
from focalrd.numeric.precision import check_dps, to_mpf
from focalrd.numeric.source import reweighted_source
from focalrd.numeric.tau import log_inverse_tau
from focalrd.verify.quantities import Quantity
from focalrd.verify.quantities._args import (
    add_codewords,
    add_distortion,
    add_gamma,
    add_source,
    add_weights,
    codebook_arguments,
)


class _Inputs(dict):
    """The parsed inputs (shown in the JSON), plus the requested digits (not shown)."""

    dps: int | None = None


def _add_code_arguments(parser: argparse.ArgumentParser) -> None:
    add_source(parser)
    add_weights(parser)
    add_gamma(parser)
    add_codewords(parser, required=False)
    parser.add_argument("--rate", metavar="R", default=None,
                        help="rate R >= 0 in nats (bits with --bits) instead of --codewords: "
                             "M = floor(e^(nR)) (floor(2^(nR)) in bits)")
    parser.add_argument("--n", metavar="N", default="1",
                        help="block length n (default 1, the one-shot problem)")


def _parse_code(args: argparse.Namespace) -> _Inputs:
    source = distribution(args.source)
    weights = None if args.weights is None else weighting(source, args.weights)
    codewords, rate = codebook_arguments(args)
    inputs = _Inputs(
        source=source,
        weights=weights,
        gamma=focusing_parameter(args.gamma),
        n=positive_integer(args.n, "n"),
        codewords=codewords,
        rate=rate,
    )
    if inputs["n"] > 1:
        check_blocklength(source, inputs["n"])
    inputs.dps = check_dps(args.dps)
    return inputs


def _blocks(name: str):
    try:
        from focalrd.verify.quantities import _blocks_eval
    except ModuleNotFoundError as error:
        if error.name != "focalrd.verify.quantities._blocks_eval":
            raise
        raise InvalidInputError("n", "n = 1 (block lengths are not available in this build)",
                                None) from None
    return getattr(_blocks_eval, name)


def _codewords(inputs: dict[str, Any], bits: bool) -> tuple[int, int | None]:
    """(M used, M reported): a rate beyond e^2300 codewords exceeds any alphabet given."""
    if inputs["codewords"] is not None:
        return inputs["codewords"], inputs["codewords"]
    rate = inputs["rate"]
    if (rate * Fraction(7, 10) if bits else rate) > MAX_LOG_LIST_SIZE:
        return len(inputs["source"]), None
    m = codewords_for_rate(rate, 1, bits)
    return m, m


#: Beyond this ln(1/τ) (L ≈ 10^1000) the list size is reported by ln(1/τ) only.
MAX_LOG_LIST_SIZE = 2300


def _list_size_entry(gamma: Fraction, d: Fraction, bits: bool) -> dict[str, Any]:
    with mp.workprec(53):
        rough = log_inverse_tau(gamma, d * mp.ln2 if bits else d)
    if rough <= MAX_LOG_LIST_SIZE:
        return {"list_size": list_size(gamma, d, bits)}
    return {"list_size": None, "log_inverse_tau": log_inverse_tau(gamma, d * mp.ln2 if bits else d)}


# -- eps-star -------------------------------------------------------------------------
def _eps_arguments(parser: argparse.ArgumentParser) -> None:
    _add_code_arguments(parser)
    add_distortion(parser)


def _eps_parse(args: argparse.Namespace) -> _Inputs:
    inputs = _parse_code(args)
    inputs["distortion"] = distortion_level(args.distortion)
    return inputs


def _eps_star(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    if inputs["n"] > 1:
        return _blocks("eps_star_blocks")(inputs, bits)
    p, g, d = inputs["source"], inputs["gamma"], inputs["distortion"]
    m, shown = _codewords(inputs, bits)
    result: dict[str, Any] = {}
    if inputs["weights"] is None:
        converse, beta = tilted_converse(p, g, m, d, bits)
        code = optimal_excess_code(p, g, m, d, bits)
        result.update(value=excess_exact(p, g, m, d, bits), converse=converse,
                      converse_beta=beta, achievability=tilted_achievability(p, g, m, d, bits))
        result.update(_list_size_entry(g, d, bits))
    else:
        weighted = weighted_excess_distortion(p, g, m, d, inputs["weights"], bits)
        code = weighted.code
        result.update(value=weighted.exact, converse=weighted.converse,
                      achievability=weighted.achievability, list_size=None)
        if weighted.exact is None:
            result["note"] = ("the exact search stopped at its node limit; converse and "
                              "achievability still hold")
    if inputs["codewords"] is None:
        result["codewords"] = shown
    result["encoder"] = list(code.encoder)
    return result


# -- focal-entropy -------------------------------------------------------------------------
def _focal_arguments(parser: argparse.ArgumentParser) -> None:
    add_source(parser)
    add_gamma(parser)


def _focal_parse(args: argparse.Namespace) -> _Inputs:
    inputs = _Inputs(source=distribution(args.source), gamma=focusing_parameter(args.gamma))
    inputs.dps = check_dps(args.dps)
    return inputs


def _printed_residual(source, gamma, minimizer, multiplier, digits: int) -> str:
    """The KKT residual of the minimiser and multiplier *as printed* (``digits`` digits).

    max(max_x |a_x |φ'(q̂_x)| / λ̂ − 1|, |Σ q̂ − 1|) for the printed q̂ and λ̂, evaluated at
    a precision fixed by ``digits`` alone (not by the working precision), so that both
    confirming evaluations compute the same number.  A residual below the resolution
    10^-(digits + 15) of that evaluation is reported as an upper bound, "<1e-N".
    """
    if multiplier == 0:   # a single symbol: q = 1, nothing to balance
        return "0"
    floor_exponent = digits + 15
    with mp.workdps(digits + 40):
        shown = [mp.mpf(mp.nstr(q, digits)) if q else mp.zero for q in minimizer]
        shown_multiplier = mp.mpf(mp.nstr(multiplier, digits))
        gaps = [abs(to_mpf(a) * abs(phi_prime(gamma, q)) / shown_multiplier - 1)
                for a, q in zip(source, shown, strict=True) if a > 0]
        residual = max(max(gaps), abs(mp.fsum(shown) - 1))
        if residual < mp.mpf(10) ** -floor_exponent:
            return f"<1e-{floor_exponent}"
        return mp.nstr(residual, 2)


def _focal_entropy(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    solution = focal_entropy_solution(inputs["source"], inputs["gamma"])
    digits = inputs["_dps"]  # the requested digits, passed by `focalrd eval`
    value = nats_to_bits(solution.value) if bits else solution.value
    return {
        "value": value,
        "minimizer": list(solution.minimizer),
        "multiplier": solution.multiplier,
        "kkt_residual": _printed_residual(inputs["source"], inputs["gamma"],
                                          solution.minimizer, solution.multiplier, digits),
    }


# -- avg-d-star ------------------------------------------------------------------------------
def _avg_star(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    if inputs["n"] > 1:
        return _blocks("avg_d_star_blocks")(inputs, bits)
    p, g = inputs["source"], inputs["gamma"]
    weights = inputs["weights"] if inputs["weights"] is not None else weighting(p, None)
    r = reweighted_source(p, weights)
    m, shown = _codewords(inputs, bits)
    result: dict[str, Any] = {}
    exact = log_loss = None
    if exact_search_feasible(r):
        exact = optimal_code(r, g, m)
        log_loss = exact if g == 0 else optimal_code(r, Fraction(0), m)
    bounds = average_distortion_bounds(r, g, m, log_loss.value if log_loss else None,
                                       log_loss.partition if log_loss else None)
    unit = nats_to_bits if bits else (lambda v: v)
    result["value"] = unit(exact.value) if exact is not None else None
    if exact is None:
        result["note"] = ("the alphabet is beyond the exact partition search (about 14 distinct "
                          "probabilities); converse and achievability still hold")
    result.update(converse=unit(bounds.converse), achievability=unit(bounds.achievability),
                  partition=[list(c) for c in (exact.partition if exact else bounds.partition)])
    if inputs["codewords"] is None:
        result["codewords"] = shown
    return result


QUANTITIES = [
    Quantity(
        name="eps-star",
        summary="eps*_gamma(M, d), the least excess-distortion probability of an M-codeword "
                "code, with converse and achievability bounds",
        add_arguments=_eps_arguments,
        parse=_eps_parse,
        compute=_eps_star,
        example="focalrd eval eps-star --source 0.5,0.3,0.2 --codewords 1 --distortion 1 "
                "--gamma 2",
        description="Unweighted: exact 1 - (mass of the M*L likeliest symbols), L = "
                    "floor(1/tau_gamma(d)), with the tilted-information bounds.  With "
                    "--weights: exact by branch and bound over the bin packing, converse "
                    "from its fractional relaxation, achievability from first fit.  With "
                    "--bits the distortion and rate are read in bits.",
        value_unit=None,
        order=30,
    ),
    Quantity(
        name="focal-entropy",
        summary="the focal entropy F_gamma(P) = min_q sum_x P(x) phi_gamma(q_x), its unique "
                "minimiser and the KKT residual",
        add_arguments=_focal_arguments,
        parse=_focal_parse,
        compute=_focal_entropy,
        example="focalrd eval focal-entropy --source 0.5,0.3,0.2 --gamma 2",
        order=31,
    ),
    Quantity(
        name="avg-d-star",
        summary="D*_gamma(M), the least average focal loss of an M-codeword code, with "
                "converse and achievability bounds and an optimal partition",
        add_arguments=_add_code_arguments,
        parse=_parse_code,
        compute=_avg_star,
        example="focalrd eval avg-d-star --source 0.4,0.3,0.2,0.1 --codewords 2 --gamma 2",
        order=32,
    ),
]

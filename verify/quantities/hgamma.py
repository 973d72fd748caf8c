"""``focalrd eval h-gamma``: h_γ(k) = max_P ln Σ_x P(x)(1 − P(x))^γ (THEORY.md §7)."""

from __future__ import annotations

import argparse
from typing import Any

from mpmath import mp

from focalrd.numeric import focusing_parameter, nats_to_bits
from focalrd.numeric.entropies.hgamma import (
    MAX_SEARCH_ALPHABET,
    hgamma_max_formula,
    hgamma_max_search,
)
from focalrd.numeric.errors import InvalidInputError, PrecisionError
from focalrd.numeric.exact import positive_integer
from focalrd.verify.quantities import Quantity
from focalrd.verify.quantities._args import add_gamma

#: Largest γ accepted by h-gamma (checked: k = 2..20 agree up to γ = 150).
MAX_SEARCH_GAMMA = 150


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--alphabet", required=True, metavar="K",
                        help=f"alphabet size k, an integer from 2 to {MAX_SEARCH_ALPHABET}")
    add_gamma(parser, maximum=str(MAX_SEARCH_GAMMA))



def _parse(args: argparse.Namespace) -> dict[str, Any]:
    k = positive_integer(args.alphabet, "alphabet", minimum=2)
    if k > MAX_SEARCH_ALPHABET:
        raise InvalidInputError("alphabet", f"an integer from 2 to {MAX_SEARCH_ALPHABET}",
                                args.alphabet)
    gamma = focusing_parameter(args.gamma)
    if gamma > MAX_SEARCH_GAMMA:
        # Beyond this the multi-start search can miss the narrow peak of the maximiser,
        # and the command would only ever end in a precision error.
        raise InvalidInputError("gamma", f"a number from 0 to {MAX_SEARCH_GAMMA} for h-gamma "
                                "(the range where the global search is reliable)", args.gamma)
    return {"alphabet": k, "gamma": gamma}


def _compute(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    k, gamma = inputs["alphabet"], inputs["gamma"]
    formula = hgamma_max_formula(k, gamma)
    search = hgamma_max_search(k, gamma)
    # The two methods must agree far beyond the reported digits (this runs at >= dps + 10).
    gap = abs(formula.value - search.value)
    if gap > mp.ldexp(max(abs(formula.value), mp.one), -(mp.prec - 30)):
        raise PrecisionError(f"the two-level formula and the global search disagree "
                             f"({mp.nstr(formula.value, 15)} vs {mp.nstr(search.value, 15)})")
    unit = nats_to_bits if bits else (lambda x: x)
    return {"value": unit(formula.value), "maximizer": list(formula.maximizer)
            if formula.maximizer is not None else None,
            "formula_value": unit(formula.value), "search_value": unit(search.value),
            "formula_d": formula.d, "search_maximizer": list(search.maximizer)
            if search.maximizer is not None else None}


QUANTITIES = [
    Quantity(
        name="h-gamma",
        summary="h_gamma(k) = max over P on k symbols of ln sum_x P(x)(1-P(x))^gamma, by the "
                "summary's two-level formula and by a global search",
        add_arguments=_arguments,
        parse=_parse,
        compute=_compute,
        example="focalrd eval h-gamma --alphabet 4 --gamma 10 --json",
        description="value and formula_value: the two-level formula (d = 1..k-1, inner max over "
                    "q solved at full precision); search_value: a multi-start search over the "
                    "whole simplex refined by KKT Newton; maximizer: the maximising P, sorted "
                    "(null at gamma = 0, where every P gives 0); formula_d: the maximising d",
        order=70,
    ),
]

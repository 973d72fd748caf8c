"""``focalrd eval`` quantities for blocks of n symbols (THEORY.md §6).

``d-star`` (the excess-distortion limit D*_γ(n, M, ε)), ``dispersion`` (V) and
``normal-approx`` (the normal approximation of D*).  The n-letter forms of
``eps-star`` and ``avg-d-star`` live with the one-shot quantities and delegate to
:mod:`._blocks_eval`.
"""

from __future__ import annotations

import argparse
from typing import Any

from mpmath import mp

from focalrd.numeric.blocks.normal import normal_approximation
from focalrd.numeric.exact import (
    distortion_level,
    distribution,
    focusing_parameter,
    open_unit_interval,
    positive_integer,
)
from focalrd.numeric.limits import check_blocklength
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.source import dispersion
from focalrd.verify.quantities import Quantity
from focalrd.verify.quantities._args import (
    add_codewords,
    add_gamma,
    add_source,
    codebook_arguments,
)
from focalrd.verify.quantities._blocks_eval import d_star_blocks


def add_blocklength(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--n", required=True, metavar="N", help="blocklength n, an integer >= 1")


def add_rate(parser: argparse.ArgumentParser, required: bool = False) -> None:
    parser.add_argument("--rate", required=required, metavar="R",
                        help="rate R >= 0 in nats per symbol (bits with --bits); "
                             "M = floor(e^(nR)) (floor(2^(nR)) with --bits)")


def add_eps(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--eps", required=True, metavar="E",
                        help="excess-distortion probability epsilon, in (0, 1)")


def _d_star_arguments(parser: argparse.ArgumentParser) -> None:
    add_source(parser)
    add_blocklength(parser)
    add_codewords(parser, required=False)
    add_rate(parser)
    add_eps(parser)
    add_gamma(parser)


def _d_star_parse(args: argparse.Namespace) -> dict[str, Any]:
    inputs = {"source": distribution(args.source), "n": positive_integer(args.n, "n")}
    check_blocklength(inputs["source"], inputs["n"])
    inputs["codewords"], inputs["rate"] = codebook_arguments(args)
    inputs["eps"] = open_unit_interval(args.eps, "eps")
    inputs["gamma"] = focusing_parameter(args.gamma)
    return inputs


def _dispersion_arguments(parser: argparse.ArgumentParser) -> None:
    add_source(parser)


def _dispersion_parse(args: argparse.Namespace) -> dict[str, Any]:
    return {"source": distribution(args.source)}


def _dispersion(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    with mp.workprec(mp.prec + 10):
        value = dispersion(inputs["source"])
        if bits:
            value = value / mp.ln2**2
    return {"value": +value}


def _normal_arguments(parser: argparse.ArgumentParser) -> None:
    add_source(parser)
    add_blocklength(parser)
    add_rate(parser, required=True)
    add_eps(parser)


def _normal_parse(args: argparse.Namespace) -> dict[str, Any]:
    return {"source": distribution(args.source), "n": positive_integer(args.n, "n"),
            "rate": distortion_level(args.rate, "rate"), "eps": open_unit_interval(args.eps, "eps")}


def _normal(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    with mp.workprec(mp.prec + 10):
        rate = to_mpf(inputs["rate"]) * (mp.ln2 if bits else 1)
        value = normal_approximation(inputs["source"], inputs["n"], rate, inputs["eps"])
        if bits:
            value = value / mp.ln2
    return {"value": +value}


QUANTITIES = [
    Quantity(
        name="d-star",
        summary="D*_gamma(n, M, eps): the least per-symbol excess distortion of an (n, M) code "
                "at probability eps, with K* and L*",
        add_arguments=_d_star_arguments,
        parse=_d_star_parse,
        compute=d_star_blocks,
        example="focalrd eval d-star --source 0.9,0.1 --n 1000 --rate 0.2 --eps 0.1 --gamma 2",
        description="D* = phi_gamma(1/L*)/n with K* the least number of most likely sequences "
                    "of mass >= 1 - eps and L* = ceil(K*/M). K and L are decimal integer "
                    "strings when exact; otherwise log_K and log_L give their natural logarithms.",
        order=60,
    ),
    Quantity(
        name="dispersion",
        summary="the source dispersion V = Var[ln 1/P(X)]",
        add_arguments=_dispersion_arguments,
        parse=_dispersion_parse,
        compute=_dispersion,
        example="focalrd eval dispersion --source 0.9,0.1",
        description="In nats squared (bits squared with --bits).",
        value_unit="{unit}^2",
        order=61,
    ),
    Quantity(
        name="normal-approx",
        summary="the normal approximation H - R + sqrt(V/n) Qinv(eps) - ln(n)/(2n) of D*",
        add_arguments=_normal_arguments,
        parse=_normal_parse,
        compute=_normal,
        example="focalrd eval normal-approx --source 0.9,0.1 --n 1000 --rate 0.2 --eps 0.1",
        order=62,
    ),
]

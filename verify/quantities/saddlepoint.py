"""``focalrd eval`` quantities of the saddlepoint APPROXIMATION (issue 13).

``d-star-saddlepoint`` and ``eps-star-saddlepoint``: separate quantity names (not a
``--method`` option of ``d-star``) so that an approximation can never be mistaken
for the exact value in a script or a report.  Every output carries
``"approximation": true`` and an ``"method"`` line naming the formula; the digits
printed are the formula's digits (proven by balls with python-flint, see
:mod:`focalrd.numeric.balls.saddlepoint`, else confirmed at two precisions), not digits of D*.
"""

from __future__ import annotations

import argparse
from typing import Any

from mpmath import mp

from focalrd.numeric.blocks.excess import list_size
from focalrd.numeric.blocks.grouping import codebook_size, group_source
from focalrd.numeric.blocks.saddlepoint import (
    lattice_steps,
    saddlepoint_distortion,
    saddlepoint_excess,
)
from focalrd.numeric.exact import (
    distortion_level,
    distribution,
    focusing_parameter,
    open_unit_interval,
    positive_integer,
)
from focalrd.numeric.units import nats_to_bits
from focalrd.verify.quantities import Quantity
from focalrd.verify.quantities._args import (
    add_codewords,
    add_distortion,
    add_gamma,
    add_source,
    codebook_arguments,
)
from focalrd.verify.quantities.blocks import add_blocklength, add_eps, add_rate

NOTE = ("APPROXIMATION (saddlepoint), not an exact value or a bound; its error against "
        "exact values is tabulated in reports/benchmarks/saddlepoint.md")


def _method(source) -> str:
    lattice = lattice_steps(group_source(source)) is not None
    return ("Lugannani-Rice saddlepoint approximation of the information-density tails"
            + (", lattice-corrected (commensurable log-probabilities)" if lattice else ""))


def _common(parser: argparse.ArgumentParser) -> None:
    add_source(parser)
    add_blocklength(parser)
    add_codewords(parser, required=False)
    add_rate(parser)
    add_gamma(parser)


def _parse_common(args: argparse.Namespace) -> dict[str, Any]:
    inputs = {"source": distribution(args.source), "n": positive_integer(args.n, "n")}
    inputs["codewords"], inputs["rate"] = codebook_arguments(args)
    inputs["gamma"] = focusing_parameter(args.gamma)
    return inputs


def _d_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    add_eps(parser)


def _d_parse(args: argparse.Namespace) -> dict[str, Any]:
    inputs = _parse_common(args)
    inputs["eps"] = open_unit_interval(args.eps, "eps")
    return inputs


def _labels(inputs: dict[str, Any], m) -> dict[str, Any]:
    out: dict[str, Any] = {"approximation": True, "method": _method(inputs["source"]),
                           "note": NOTE}
    if inputs.get("codewords") is None:
        out["log_codewords"] = +m.log
    return out


def _d_star(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    m = codebook_size(inputs["n"], inputs.get("codewords"), inputs.get("rate"), bits)
    with mp.workprec(mp.prec + 30):
        value, log_k = saddlepoint_distortion(inputs["source"], inputs["gamma"], inputs["n"],
                                              m.log, inputs["eps"])
    out: dict[str, Any] = {"value": nats_to_bits(+value) if bits else +value, "log_K": +log_k}
    out.update(_labels(inputs, m))
    return out


def _eps_arguments(parser: argparse.ArgumentParser) -> None:
    _common(parser)
    add_distortion(parser)


def _eps_parse(args: argparse.Namespace) -> dict[str, Any]:
    inputs = _parse_common(args)
    inputs["distortion"] = distortion_level(args.distortion)
    return inputs


def _eps_star(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    n = inputs["n"]
    m = codebook_size(n, inputs.get("codewords"), inputs.get("rate"), bits)
    with mp.workprec(mp.prec + 30):
        ell = list_size(inputs["gamma"], inputs["distortion"], n, bits)
        value = saddlepoint_excess(inputs["source"], n, m.log + ell.log)
    out: dict[str, Any] = {"value": +value, "log_L": +ell.log}
    out.update(_labels(inputs, m))
    return out


QUANTITIES = [
    Quantity(
        name="d-star-saddlepoint",
        summary="APPROXIMATION of D*_gamma(n, M, eps) by the saddlepoint method (any alphabet "
                "up to 256 symbols, n up to 10^6)",
        add_arguments=_d_arguments,
        parse=_d_parse,
        compute=_d_star,
        example="focalrd eval d-star-saddlepoint --source 0.4,0.3,0.2,0.1 --n 100000 "
                "--rate 0.3 --eps 0.1 --gamma 2",
        description="Not exact: ln K* from Lugannani-Rice tails of the information density "
                    "(lattice-corrected where log-probabilities are commensurable), L = K*/M, "
                    "D = phi_gamma(1/L)/n. The output says \"approximation\": true.",
        order=63,
    ),
    Quantity(
        name="eps-star-saddlepoint",
        summary="APPROXIMATION of eps*_gamma(n, M, d) by the saddlepoint method",
        add_arguments=_eps_arguments,
        parse=_eps_parse,
        compute=_eps_star,
        example="focalrd eval eps-star-saddlepoint --source 0.4,0.3,0.2,0.1 --n 100000 "
                "--rate 0.3 --distortion 1 --gamma 2",
        description="Not exact: the excess probability P[S > t] with N{S <= t} = M L, both "
                    "tails by the saddlepoint method. The output says \"approximation\": true.",
        value_unit=None,
        order=64,
    ),
]

"""``focalrd eval`` quantities of THEORY.md §1–3: the focal loss, τ_γ and c_γ."""

from __future__ import annotations

import argparse
from typing import Any

from focalrd.numeric import (
    c_gamma,
    c_gamma_maximizer,
    distortion_level,
    focusing_parameter,
    nats_to_bits,
    phi,
    probability,
    tau,
)
from focalrd.numeric.precision import to_mpf
from focalrd.numeric.units import bits_to_nats
from focalrd.verify.quantities import Quantity
from focalrd.verify.quantities._args import add_distortion, add_gamma


def _focal_loss_arguments(parser: argparse.ArgumentParser) -> None:
    add_gamma(parser)
    parser.add_argument("--p", required=True, metavar="P",
                        help="the probability P̂(x) given to the true symbol, in (0, 1]")


def _focal_loss_parse(args: argparse.Namespace) -> dict[str, Any]:
    return {"gamma": focusing_parameter(args.gamma), "p": probability(args.p)}


def _focal_loss(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    value = phi(inputs["gamma"], inputs["p"])
    return {"value": nats_to_bits(value) if bits else value}


def _tau_arguments(parser: argparse.ArgumentParser) -> None:
    add_gamma(parser)
    add_distortion(parser)


def _tau_parse(args: argparse.Namespace) -> dict[str, Any]:
    return {"gamma": focusing_parameter(args.gamma),
            "distortion": distortion_level(args.distortion)}


def _tau(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    d = bits_to_nats(to_mpf(inputs["distortion"])) if bits else inputs["distortion"]
    return {"value": tau(inputs["gamma"], d)}


def _c_gamma_arguments(parser: argparse.ArgumentParser) -> None:
    add_gamma(parser)


def _c_gamma_parse(args: argparse.Namespace) -> dict[str, Any]:
    return {"gamma": focusing_parameter(args.gamma)}


def _c_gamma(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    gamma = inputs["gamma"]
    value = c_gamma(gamma)
    result: dict[str, Any] = {"value": nats_to_bits(value) if bits else value}
    result["maximizer"] = c_gamma_maximizer(gamma) if gamma > 0 else None
    return result


QUANTITIES = [
    Quantity(
        name="focal-loss",
        summary="the focal loss phi_gamma(p) = (1-p)^gamma ln(1/p)",
        add_arguments=_focal_loss_arguments,
        parse=_focal_loss_parse,
        compute=_focal_loss,
        example="focalrd eval focal-loss --gamma 2 --p 1/3",
        order=10,
    ),
    Quantity(
        name="tau",
        summary="tau_gamma(d), the inverse of the focal loss: phi_gamma(tau) = d",
        add_arguments=_tau_arguments,
        parse=_tau_parse,
        compute=_tau,
        example="focalrd eval tau --gamma 5 --distortion 3 --dps 40",
        description="With --bits the distortion is read in bits (d_nats = d_bits * ln 2); "
                    "tau itself is a probability.",
        value_unit=None,
        order=11,
    ),
    Quantity(
        name="c-gamma",
        summary="c_gamma = sup_p (1-(1-p)^gamma) ln(1/p), the log-loss/focal-loss gap; also its "
                "maximizer p*",
        add_arguments=_c_gamma_arguments,
        parse=_c_gamma_parse,
        compute=_c_gamma,
        example="focalrd eval c-gamma --gamma 2 --dps 40 --json",
        order=12,
    ),
]

"""Arbitrary-precision evaluation of the focal-loss theory (mpmath).

Every function computes at the current ``mpmath.mp`` precision and rounds once;
:func:`confirmed` / :func:`reported` confirm reported digits by a second
evaluation at higher precision.  Inputs are exact (``Fraction``) where possible;
see :mod:`focalrd.numeric.exact` for parsing and validation.
"""

from focalrd.numeric.c_gamma import c_gamma, c_gamma_maximizer
from focalrd.numeric.errors import FocalrdError, InvalidInputError, PrecisionError
from focalrd.numeric.exact import (
    distortion_level,
    distribution,
    exact_number,
    focusing_parameter,
    probability,
    weighting,
)
from focalrd.numeric.phi import phi, phi_prime, phi_second
from focalrd.numeric.precision import DEFAULT_DPS, MAX_DPS, confirmed, reported, significant
from focalrd.numeric.source import (
    class_weights,
    dispersion,
    entropy,
    information,
    reweighted_source,
)
from focalrd.numeric.tau import log_inverse_tau, tau
from focalrd.numeric.tilted import tilted_information
from focalrd.numeric.units import bits_to_nats, nats_to_bits

__all__ = [
    "DEFAULT_DPS",
    "MAX_DPS",
    "FocalrdError",
    "InvalidInputError",
    "PrecisionError",
    "bits_to_nats",
    "c_gamma",
    "c_gamma_maximizer",
    "class_weights",
    "confirmed",
    "dispersion",
    "distortion_level",
    "distribution",
    "entropy",
    "exact_number",
    "focusing_parameter",
    "information",
    "log_inverse_tau",
    "nats_to_bits",
    "phi",
    "phi_prime",
    "phi_second",
    "probability",
    "reported",
    "reweighted_source",
    "significant",
    "tau",
    "tilted_information",
    "weighting",
]

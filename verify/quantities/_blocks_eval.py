"""n-letter evaluations behind ``focalrd eval`` (blocks of n symbols, THEORY.md §6).

Shared entry points: the ``eps-star`` and ``avg-d-star`` quantities delegate
n > 1 here (``eps_star_blocks``, ``avg_d_star_blocks``); ``d-star`` (in
:mod:`.blocks`) uses ``d_star_blocks``.  ``inputs`` holds exact values:
"source", "weights" (or None), "gamma", "n", "codewords" (or None), "rate" (or
None; M = ⌊e^{nR}⌋, or ⌊2^{nR}⌋ with ``bits``), and "distortion" or "eps".
Results are dicts of mpf / int / Fraction / str, deterministic at every
precision (they are confirmed by two evaluations).
"""

from __future__ import annotations

from typing import Any

from focalrd.numeric.blocks.average import (
    average_achievability,
    average_converse,
    average_exact,
)
from focalrd.numeric.blocks.excess import (
    distortion_limit,
    excess_distortion_exact,
    list_size,
)
from focalrd.numeric.blocks.grouping import codebook_size
from focalrd.numeric.errors import InvalidInputError
from focalrd.numeric.source import class_weights, reweighted_source
from focalrd.numeric.units import nats_to_bits


def _unweighted(inputs: dict[str, Any]) -> None:
    weights = inputs.get("weights")
    if weights is not None and len(set(class_weights(inputs["source"], weights))) > 1:
        raise InvalidInputError("weights", "no weighting (or a uniform one): the n-letter "
                                "excess-distortion limit is for the unweighted loss", None)


def _codebook(inputs: dict[str, Any], bits: bool):
    return codebook_size(inputs["n"], inputs.get("codewords"), inputs.get("rate"), bits)


#: Beyond ln M = 2300 (as for the one-shot forms) "codewords" is null and "log_codewords" given.
MAX_LOG_CODEWORDS = 2300


def _codewords_entry(inputs: dict[str, Any], m) -> dict[str, Any]:
    """"codewords": M when it came from ``--rate`` (the README's contract for every form)."""
    if inputs.get("codewords") is not None:
        return {}
    if m.exact is not None and m.log <= MAX_LOG_CODEWORDS:
        return {"codewords": m.exact}
    return {"codewords": None, "log_codewords": +m.log}


#: Exact counts are printed in full up to this many bits (about 4200 decimal digits).
MAX_PRINTED_BITS = 14_000


def _printable(value: int | None) -> int | None:
    """An exact count short enough to print in decimal, else None (its log is printed)."""
    return value if value is not None and value.bit_length() <= MAX_PRINTED_BITS else None


def _integer_or_log(name: str, count) -> dict[str, Any]:
    exact = _printable(count.reportable())
    return {name: str(exact)} if exact is not None else {f"log_{name}": +count.log}


def d_star_blocks(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    """D*_γ(n, M, ε) per symbol, with K* and L* (exact strings or natural logs)."""
    _unweighted(inputs)
    m = _codebook(inputs, bits)
    result = distortion_limit(inputs["source"], inputs["gamma"], inputs["n"], m, inputs["eps"])
    value = nats_to_bits(result.value) if bits else result.value
    out: dict[str, Any] = {"value": value}
    k, ell = _printable(result.K), _printable(result.L)
    out.update({"K": str(k)} if k is not None else {"log_K": result.log_K})
    out.update({"L": str(ell)} if ell is not None else {"log_L": result.log_L})
    out.update(_codewords_entry(inputs, m))
    return out


def eps_star_blocks(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    """ε*_γ(n, M, D), with L = ⌊1/τ_γ(nD)⌋ (an exact string or its natural log)."""
    _unweighted(inputs)
    m = _codebook(inputs, bits)
    d = inputs["distortion"]
    value = excess_distortion_exact(inputs["source"], inputs["gamma"], inputs["n"], m, d,
                                    bits=bits)
    ell = list_size(inputs["gamma"], d, inputs["n"], bits)
    out: dict[str, Any] = {"value": value}
    out.update(_integer_or_log("L", ell))
    out.update(_codewords_entry(inputs, m))
    return out


def avg_d_star_blocks(inputs: dict[str, Any], bits: bool) -> dict[str, Any]:
    """D*_γ(n, M) per symbol: exact by search (tiny k^n, else None), converse, achievability."""
    source, weights = inputs["source"], inputs.get("weights")
    r = reweighted_source(source, weights) if weights is not None else tuple(source)
    m = _codebook(inputs, bits)
    gamma, n = inputs["gamma"], inputs["n"]
    exact = average_exact(r, gamma, n, m) if m.exact is not None else None
    converse = average_converse(r, gamma, n, m)
    achievability = average_achievability(r, gamma, n, m)

    def unit(x):
        return None if x is None else (nats_to_bits(x) if bits else x)

    return {"value": unit(exact), "converse": unit(converse),
            "achievability": unit(achievability), **_codewords_entry(inputs, m)}

"""Symbolic check of [n.avg-sandwich]: the block converse, achievability and limits."""

from __future__ import annotations

from focalrd.verify.registry import CheckContext, Evidence, check


@check("n.avg-sandwich", level="symbolic")
def block_average_sandwich_symbolic(ctx: CheckContext) -> Evidence:
    """The derivation of :mod:`focalrd.proofs.blocks_average` (every step checked on build)."""
    from focalrd.proofs import blocks_average

    return Evidence.symbolic(
        "converse from the one-shot sandwich on R_X^n (entropy n H), typical-set "
        "achievability with uniform decoders and phi_gamma(1/m) <= ln m, and sympy limits of "
        "both sides to max(H - R, 0); counting steps recorded as notes",
        [blocks_average.block_average_sandwich()])
